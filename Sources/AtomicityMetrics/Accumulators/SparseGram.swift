import Foundation
import MetaSAEStore

/// Σ over rows of the outer products of each row's non-zeros, added into the
/// upper triangle of a row-major F×F Float64 matrix: the sparse kernel of
/// `MomentAccumulator`, O(k²) per row of k non-zeros.
///
/// Scattering k²/2 products per row straight into an F×F matrix misses cache
/// on nearly every update once F is in the thousands. This is Gustavson's
/// sparse XᵀX instead: a sub-block of rows is indexed by column
/// (`SparseGram+Index.swift`), and for each column i every row holding i adds
/// vᵢ·vⱼ (j ≥ i) into one dense accumulator row that stays in cache; that row
/// is then added to matrix row i in one sequential sweep
/// (`SparseGram+Pass.swift`). Both steps run on `workers` threads.
///
/// A reference type holding its scratch buffers, reused from block to block
/// (fresh multi-megabyte arrays per sub-block cost more in page faults than
/// the arithmetic). Not for concurrent use: an owner copied across threads
/// makes its own (see `MomentAccumulator.addSparse`).
final class SparseGram: @unchecked Sendable {
    /// Stored entries per sub-block by default: 1 Mi (12 MiB of packed
    /// entries). The matrix sweep, O(F²/2) per sub-block, argues for large
    /// sub-blocks; rows revisited once per column argue for ones that stay in
    /// cache. With rows prefetched, 1 Mi measured a little faster than 512 k
    /// and far faster than 2 Mi or 256 k (BENCHMARKS.md).
    static let defaultSubBlockEntries = 1_048_576

    let width: Int
    let workers: Int
    let subBlockEntries: Int
    /// Where each column's entries start in `byColumn`: width + 1 values.
    let columnStarts: UnsafeMutablePointer<Int>
    /// Per worker, a count and then a write cursor per column, for the sort.
    let cursors: UnsafeMutablePointer<Int>
    let entries = Scratch<Entry>()
    /// Positions in `entries`, grouped by column, each group in row order.
    let byColumn = Scratch<Int32>()
    /// One zeroed accumulator row per worker.
    let accumulators: UnsafeMutablePointer<Double>

    init(width: Int, workers: Int, subBlockEntries: Int = defaultSubBlockEntries) {
        self.width = width
        self.workers = max(1, workers)
        self.subBlockEntries = max(1, subBlockEntries)
        columnStarts = .allocate(capacity: width + 1)
        cursors = .allocate(capacity: width * self.workers)
        accumulators = .allocate(capacity: width * self.workers)
        accumulators.initialize(repeating: 0, count: width * self.workers)
    }

    deinit {
        columnStarts.deallocate()
        cursors.deallocate()
        accumulators.deallocate()
    }

    /// Adds the raw outer products of every row of `block` into `matrix`.
    func accumulate(_ block: CSRBlock, into matrix: UnsafeMutablePointer<Double>) {
        precondition(block.width == width, "block width differs from the kernel's")
        var start = 0
        while start < block.rowCount {
            var end = start + 1
            while end < block.rowCount && block.offsets[end + 1] - block.offsets[start] <= subBlockEntries { end += 1 }
            accumulate(block, rows: start..<end, into: matrix)
            start = end
        }
    }

    private func accumulate(_ block: CSRBlock, rows: Range<Int>, into matrix: UnsafeMutablePointer<Double>) {
        guard block.offsets[rows.upperBound] > block.offsets[rows.lowerBound] else { return }
        let count = index(block, rows: rows)
        let pass = Pass(width: width, workers: workers, count: count, starts: columnStarts,
                        byColumn: byColumn.base, entries: entries.base, accumulators: accumulators, matrix: matrix)
        onWorkers(pass.run(worker:))
    }

    /// Runs `body(worker)` for every worker, on the calling thread alone when there is one.
    func onWorkers(_ body: @Sendable (Int) -> Void) {
        if workers == 1 { body(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: body) }
    }
}

/// One stored entry of a sub-block with where its row ends, packed so that
/// starting on a row costs one cache miss rather than three. The value stays
/// Float: its products are formed in Float64, where they are exact.
struct Entry {
    var column: Int32
    var rowEnd: Int32
    var value: Float
}

/// A grow-only scratch array of trivial values.
final class Scratch<Element> {
    private(set) var base: UnsafeMutablePointer<Element> = .allocate(capacity: 1)
    private var capacity = 1

    deinit { base.deallocate() }

    func reserve(_ count: Int) {
        guard count > capacity else { return }
        base.deallocate()
        capacity = max(count, capacity * 2)
        base = .allocate(capacity: capacity)
    }
}
