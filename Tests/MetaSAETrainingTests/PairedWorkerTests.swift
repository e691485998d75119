import Foundation
import Testing
@testable import MetaSAETraining

/// The training step's pairs of work (CPairedWorker through SideBySide):
/// both pieces run exactly once, on two threads when the worker is free,
/// and a pair asked for from inside a piece, or from many threads at once,
/// still completes.
@Suite struct PairedWorkerTests {
    /// A count several threads add to.
    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func add() { lock.withLock { value += 1 } }
        var count: Int { lock.withLock { value } }
    }

    @Test func piecesRunOnTwoThreads() {
        let before = SideBySide.pairedRuns
        var apart = false
        // Other suites' training, run at the same time, may hold the worker for a while.
        let deadline = Date().addingTimeInterval(60)
        while !apart && Date() < deadline {
            var (first, second) = (pthread_self(), pthread_self())
            SideBySide.run({ first = pthread_self() }, { second = pthread_self() })
            apart = pthread_equal(first, second) == 0
            if !apart { usleep(200) }
        }
        #expect(apart, "the second piece never ran on the worker")
        #expect(SideBySide.pairedRuns > before)
    }

    @Test func aPairInsideAPieceCompletes() {
        let counter = Counter()
        for _ in 0..<50 {
            SideBySide.run({ SideBySide.run(counter.add, counter.add) }, { SideBySide.run(counter.add, counter.add) })
        }
        #expect(counter.count == 200)
    }

    @Test func manyCallersAtOnceEachGetBothPieces() {
        let firsts = Counter()
        let seconds = Counter()
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for _ in 0..<200 { SideBySide.run(firsts.add, seconds.add) }
        }
        #expect(firsts.count == 1_600 && seconds.count == 1_600)
    }
}
