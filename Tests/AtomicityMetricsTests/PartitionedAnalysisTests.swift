import Foundation
import Testing
@testable import AtomicityMetrics
@testable import MetaSAEStore

/// P "processes" as threads, exchanging through an in-memory all-gather:
/// the same share-and-merge path the MPI build uses, checked against one
/// process on the same file.
final class ThreadExchange: @unchecked Sendable {
    let size: Int
    private let condition = NSCondition()
    private var deposits: [[Double]?]
    /// Each finished round's deposits, kept apart: a fast rank may deposit
    /// for the next round before a slow one has read this one.
    private var finished: [Int: [[Double]]] = [:]
    private var arrived = 0
    private var generation = 0
    /// Set when a rank failed: the others stop waiting for it and fail too.
    private var abandoned = false

    init(size: Int) {
        self.size = size
        deposits = Array(repeating: nil, count: size)
    }

    func allGather(_ local: [Double], rank: Int) throws -> [[Double]] {
        condition.lock()
        defer { condition.unlock() }
        if abandoned { throw Abandoned() }
        let round = generation
        deposits[rank] = local
        arrived += 1
        if arrived == size {
            finished[round] = deposits.map { $0! }
            deposits = Array(repeating: nil, count: size)
            generation += 1
            arrived = 0
            condition.broadcast()
        } else {
            while generation == round && !abandoned { condition.wait() }
            if generation == round { throw Abandoned() }
        }
        return finished[round]!
    }

    /// What a failing rank calls, so the others are not left waiting for it.
    func abandon() {
        condition.lock()
        abandoned = true
        condition.broadcast()
        condition.unlock()
    }

    struct Abandoned: Error {}

    struct Member: PartialStateExchange {
        let group: ThreadExchange
        let rank: Int
        var size: Int { group.size }
        func allGather(_ local: [Double], _ receive: ([Double]) throws -> Void) throws {
            for buffer in try group.allGather(local, rank: rank) { try receive(buffer) }
        }
    }
}

@Suite struct PartitionedAnalysisTests {
    @Test(arguments: [1, 2, 3, 4])
    func sharesMergeToTheSingleProcessResult(processes: Int) throws {
        let path = MetricPaths.fixtures.appendingPathComponent("metrics/larger.h5").path
        var settings = AnalysisSettings()
        settings.nullSeeds = 1
        settings.friExamples = .all
        let single = try AtomicityAnalysis(settings: settings).run(try CanonicalFile(path: path).checked(), toolVersion: "test")
        let group = ThreadExchange(size: processes)
        let shared = settings
        let results = ResultsBox()
        let done = DispatchGroup()
        for rank in 0..<processes {
            done.enter()
            let thread = Thread {
                defer { done.leave() }
                do {
                    let analysis = AtomicityAnalysis(settings: shared, exchange: ThreadExchange.Member(group: group, rank: rank))
                    results.set(rank, try analysis.run(try CanonicalFile(path: path).checked(), toolVersion: "test"))
                } catch {
                    results.fail("rank \(rank): \(error)")
                    group.abandon()
                }
            }
            thread.start()
        }
        // A rank stuck for good would otherwise hang the whole test run.
        try #require(done.wait(timeout: .now() + 600) == .success, "ranks still running after 10 minutes")
        #expect(results.failure == nil, "\(results.failure ?? "")")
        for rank in 0..<processes {
            let merged = try #require(results.get(rank))
            // Shares cut blocks at other rows, so Float32 block Grams round
            // differently (~1e-7 relative): the block-split tolerance applies.
            expectSameMetrics(merged, single, relative: 1e-5, "rank \(rank) of \(processes)")
            expectSameDiagnostics(merged, single, relative: 1e-5, "rank \(rank) of \(processes)")
            expectSameFeatures(merged.features, single.features, "rank \(rank) of \(processes)")
            let nullCSP = try #require(single.nullModels?.depths.first?.metrics["CSP"]?.mean)
            #expect(close(merged.nullModels?.depths.first?.metrics["CSP"]?.mean, nullCSP, relative: 1e-7))
        }
    }

    @Test func sharesCoverAllRowsOnChunkBoundaries() {
        for size in 1...5 {
            let shares = (0..<size).map { ThreadExchange.Member(group: ThreadExchange(size: size), rank: $0).share(of: 1000, alignment: 64) }
            #expect(shares.first?.lowerBound == 0 && shares.last?.upperBound == 1000)
            for (a, b) in zip(shares, shares.dropFirst()) { #expect(a.upperBound == b.lowerBound && b.lowerBound % 64 == 0) }
        }
    }
}

final class ResultsBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [Int: AnalysisResults] = [:]
    private(set) var failure: String?
    func set(_ rank: Int, _ value: AnalysisResults) { lock.lock(); stored[rank] = value; lock.unlock() }
    func get(_ rank: Int) -> AnalysisResults? { lock.lock(); defer { lock.unlock() }; return stored[rank] }
    /// Keeps the first failure: the ranks that give up after it only echo it.
    func fail(_ message: String) { lock.lock(); failure = failure ?? message; lock.unlock() }
}
