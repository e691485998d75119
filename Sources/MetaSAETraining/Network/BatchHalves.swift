import CVectorKernels
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
        BLAS.onCallingThreads {
            SideBySide.run({ first = work(top, 0..<half) }, { second = work(bottom, half..<rows) })
        }
        return (first!, second!)
    }

    /// The batch's mean from its halves' means, each weighted by its share
    /// of the rows: the loss returned, the tensors combined into `first`'s
    /// in place.
    static func mean(_ first: inout (loss: Float, tensors: [[Float]]), _ second: (loss: Float, tensors: [[Float]]), rows: Int) -> Float {
        precondition(first.tensors.count == second.tensors.count, "the halves hold different tensors")
        let half = rows / 2
        let (a, b) = (Float(half) / Float(rows), Float(rows - half) / Float(rows))
        for index in first.tensors.indices {
            precondition(first.tensors[index].count == second.tensors[index].count, "the halves' tensors differ in size")
            first.tensors[index].withUnsafeMutableBufferPointer { mine in
                second.tensors[index].withUnsafeBufferPointer { other in
                    guard !mine.isEmpty else { return }
                    // Each value its own: the weights' two halves side by side, as Adam's update.
                    SideBySide.halves(mine.count, minimum: Adam.halvedCount) { range in
                        metasae_weighted_sum(mine.baseAddress! + range.lowerBound, other.baseAddress! + range.lowerBound,
                                             Int64(range.count), a, b)
                    }
                }
            }
        }
        return a * first.loss + b * second.loss
    }
}
