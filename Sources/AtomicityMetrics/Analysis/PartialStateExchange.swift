/// How the processes of one analysis share their partial states. Each
/// process streams its own contiguous share of the rows; after a pass they
/// exchange their accumulators and every process merges all of them, in
/// rank order, with the same `merge` code a single process uses. The
/// single-process case is simply a world of one.
public protocol PartialStateExchange: Sendable {
    var rank: Int { get }
    var size: Int { get }
    /// Every process's buffer, in rank order, each handed to `receive` as it
    /// arrives (an all-gather): a caller merging states holds one other
    /// process's state at a time, not all of them (each is F² doubles).
    func allGather(_ local: [Double], _ receive: ([Double]) throws -> Void) throws
}

extension PartialStateExchange {
    /// Every process's buffer at once, for small exchanges.
    public func allGather(_ local: [Double]) throws -> [[Double]] {
        var all: [[Double]] = []
        try allGather(local) { all.append($0) }
        return all
    }
}

/// One process: nothing to exchange.
public struct SingleProcess: PartialStateExchange {
    public init() {}
    public var rank: Int { 0 }
    public var size: Int { 1 }
    public func allGather(_ local: [Double], _ receive: ([Double]) throws -> Void) throws { try receive(local) }
}

/// The exchange a command should use; the MPI executable installs its own
/// before running the command. Set once, before any analysis starts.
public enum DistributedContext {
    nonisolated(unsafe) public static var exchange: any PartialStateExchange = SingleProcess()
}

extension PartialStateExchange {
    /// This process's share of `0..<rows`: contiguous, and starting on a
    /// multiple of `alignment` (a chunk boundary) except for rank 0.
    public func share(of rows: Int, alignment: Int) -> Range<Int> {
        guard size > 1 else { return 0..<rows }
        func boundary(_ index: Int) -> Int {
            if index >= size { return rows }
            let raw = rows * index / size
            let aligned = (raw / max(alignment, 1)) * max(alignment, 1)
            return min(rows, aligned)
        }
        return boundary(rank)..<boundary(rank + 1)
    }
}
