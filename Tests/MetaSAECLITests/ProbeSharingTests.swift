import ArgumentParser
import AtomicityMetrics
import Testing
@testable import MetaSAECLI

/// Under MPI only rank 0 runs the crash-isolating probe; the other ranks
/// must take its verdict and never open the file on their own before it.
/// (The whole job, with a simulated crash, is in scripts/test-mpi.sh.)
@Suite struct ProbeSharingTests {
    /// An exchange in which rank 0 reported `leaderStatus`; records what this rank sent.
    final class FixedVerdict: PartialStateExchange, @unchecked Sendable {
        let rank: Int
        let size = 3
        let leaderStatus: Double
        var sent: [[Double]] = []

        init(rank: Int, leaderStatus: Double) {
            self.rank = rank
            self.leaderStatus = leaderStatus
        }

        func allGather(_ local: [Double], _ receive: ([Double]) throws -> Void) throws {
            sent.append(local)
            for other in 0..<size { try receive(other == rank ? local : [other == 0 ? leaderStatus : 0]) }
        }
    }

    @Test func aFollowerStopsWithTheLeadersFailure() {
        let exchange = FixedVerdict(rank: 1, leaderStatus: 68)
        #expect(throws: ExitCode(68)) { try IsolatedProbe.check("/tmp/metasae-any.h5", sharedWith: exchange) }
        #expect(exchange.sent == [[0]])
    }

    @Test func aFollowerDoesNotProbeByItself() throws {
        // A probe of a missing file would fail (input not found); a follower
        // with a clean verdict from rank 0 must not have run one.
        let exchange = FixedVerdict(rank: 2, leaderStatus: 0)
        try IsolatedProbe.check("/nonexistent/metasae-missing.h5", sharedWith: exchange)
        #expect(exchange.sent == [[0]])
    }
}
