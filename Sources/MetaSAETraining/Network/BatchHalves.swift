import AtomicityMetrics
import CFloatEnvironment
import LinearAlgebra

/// A training step's batch as two halves computed side by side on two
/// threads, each calling BLAS on its own thread. Losses that are means over
/// rows make the batch's from the halves' weighted by their rows. The batch
/// is halved whatever the core count, so a seed trains alike on one core or two.
enum BatchHalves {
    /// `work` on the first and on the second half of the rows of `x`
    /// (`width` values a row), each given its rows and their range.
    static func run<Result>(_ x: [Float], rows: Int, width: Int, _ work: ([Float], Range<Int>) -> Result) -> (Result, Result) {
        let half = rows / 2
        let (top, bottom) = (Array(x[..<(half * width)]), Array(x[(half * width)..<(rows * width)]))
        var first: Result?
        var second: Result?
        // The control word is per thread: each half runs under the caller's
        // (training flushes denormals), whichever thread takes it.
        let environment = metasae_float_environment()
        func underCallersEnvironment(_ body: () -> Void) {
            let previous = metasae_float_environment()
            metasae_restore_float_environment(environment)
            body()
            metasae_restore_float_environment(previous)
        }
        BLAS.onCallingThreads {
            Concurrently.run({ underCallersEnvironment { first = work(top, 0..<half) } },
                             { underCallersEnvironment { second = work(bottom, half..<rows) } })
        }
        return (first!, second!)
    }

    /// The two halves' shares of the batch's rows.
    static func shares(rows: Int) -> (Float, Float) {
        let half = rows / 2
        return (Float(half) / Float(rows), Float(rows - half) / Float(rows))
    }

    /// mine = a · mine + b · other, entry by entry, for (a, b) = shares.
    static func combine(_ mine: inout [Float], _ other: [Float], shares: (Float, Float)) {
        precondition(mine.count == other.count, "the halves' tensors differ in size")
        let (a, b) = shares
        mine.withUnsafeMutableBufferPointer { mine in
            other.withUnsafeBufferPointer { other in
                for entry in mine.indices { mine[entry] = a * mine[entry] + b * other[entry] }
            }
        }
    }
}
