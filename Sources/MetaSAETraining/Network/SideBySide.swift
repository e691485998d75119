import CFloatEnvironment
import CPairedWorker

/// Two pieces of a training step run on two threads: the caller's and one
/// long-lived worker that stays awake between steps (CPairedWorker), each
/// piece under the caller's floating-point control word (training flushes
/// denormals, and the word is per thread), so no result depends on which
/// thread ran a piece. A piece must not call `BLAS.onCallingThreads` when
/// the pair runs inside it: the worker would wait for the caller's turn
/// while the caller waits for the worker.
enum SideBySide {
    static func run(_ first: () -> Void, _ second: () -> Void) {
        let environment = metasae_float_environment()
        func underCallersEnvironment(_ body: () -> Void) {
            let previous = metasae_float_environment()
            metasae_restore_float_environment(environment)
            body()
            metasae_restore_float_environment(previous)
        }
        withoutActuallyEscaping(first) { first in
            withoutActuallyEscaping(second) { second in
                let pieces = Pieces(first: { underCallersEnvironment(first) }, second: { underCallersEnvironment(second) })
                withExtendedLifetime(pieces) {
                    let context = Unmanaged.passUnretained(pieces).toOpaque()
                    metasae_run_pair({ Unmanaged<Pieces>.fromOpaque($0!).takeUnretainedValue().first() }, context,
                                     { Unmanaged<Pieces>.fromOpaque($0!).takeUnretainedValue().second() }, context)
                }
            }
        }
    }

    /// `body` over the first and the second half of 0..<count side by side,
    /// or over all of it on this thread when count is below `minimum` (the
    /// pair's handover would cost more than the work). For work whose every
    /// index is its own: the halves give what one pass gives.
    static func halves(_ count: Int, minimum: Int, _ body: (Range<Int>) -> Void) {
        guard count >= max(minimum, 2) else { return body(0..<count) }
        run({ body(0..<(count / 2)) }, { body((count / 2)..<count) })
    }

    /// How many pairs have run on two threads in this process.
    static var pairedRuns: Int { metasae_paired_runs() }

    /// The two pieces, handed to C as one context.
    private final class Pieces {
        let first: () -> Void
        let second: () -> Void
        init(first: @escaping () -> Void, second: @escaping () -> Void) { (self.first, self.second) = (first, second) }
    }
}
