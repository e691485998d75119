import CVectorKernels
import LinearAlgebra
import MetaSAEStore

/// How well an SAE fits its data, per depth, for the training log.
public struct AutoencoderFit: Sendable, Codable, Equatable {
    /// Fraction of variance unexplained: Σ‖x − x̂‖² / Σ‖x − x̄‖².
    public var fractionOfVarianceUnexplained: Double
    /// Mean number of active latents (|z| > 1e-5) per example.
    public var meanL0: Double
    /// Latents never active on the data.
    public var deadLatents: Int
    public var latentWidth: Int

    /// `latents` are `sae`'s encoding of `data` (the cascade keeps them as
    /// the next depth's input, so they are not computed twice). Row blocks
    /// are measured on two threads and their sums added in block order, so
    /// the result does not depend on the core count.
    public init(sae: SparseAutoencoder, data: [Float], latents encoded: [Float], rows: Int, blockRows: Int = 4_096) {
        let inputs = sae.weights.inputWidth
        let latents = sae.weights.latentWidth
        var mean = [Double](repeating: 0, count: inputs)
        if rows > 0 { metasae_column_sums_double(data, Int64(rows), Int64(inputs), &mean) }
        for column in 0..<inputs { mean[column] /= Double(max(rows, 1)) }
        let starts = Array(stride(from: 0, to: rows, by: blockRows))
        var blocks = [BlockFit?](repeating: nil, count: starts.count)
        blocks.withUnsafeMutableBufferPointer { blocks in
            func measure(_ range: Range<Int>) {
                for index in range {
                    let rowRange = starts[index]..<min(rows, starts[index] + blockRows)
                    blocks[index] = BlockFit(sae: sae, data: data, latents: encoded, rows: rowRange, mean: mean)
                }
            }
            BLAS.onCallingThreads { SideBySide.halves(starts.count, minimum: 2, measure) }
        }
        var residual = 0.0
        var total = 0.0
        var activity = ActivityCount(width: latents)
        for case let block? in blocks {
            for lane in 0..<8 {
                residual += block.residuals[lane]
                total += block.totals[lane]
            }
            activity.merge(block.activity)
        }
        fractionOfVarianceUnexplained = total > 0 ? residual / total : 0
        meanL0 = Double(activity.active) / Double(max(rows, 1))
        deadLatents = latents - activity.aliveLatents
        latentWidth = latents
    }
}

/// One row block's squared errors and variance, lane by lane
/// (metasae_fit_lanes), and its latents' activity.
private struct BlockFit {
    var residuals = [Double](repeating: 0, count: 8)
    var totals = [Double](repeating: 0, count: 8)
    var activity: ActivityCount

    init(sae: SparseAutoencoder, data: [Float], latents encoded: [Float], rows: Range<Int>, mean: [Double]) {
        let (inputs, latents) = (sae.weights.inputWidth, sae.weights.latentWidth)
        activity = ActivityCount(width: latents)
        let z = Array(encoded[(rows.lowerBound * latents)..<(rows.upperBound * latents)])
        let reconstruction = sae.decode(z, rows: rows.count, sparse: SparseCodes(z, rows: rows.count, width: latents))
        data.withUnsafeBufferPointer { data in
            metasae_fit_lanes(data.baseAddress! + rows.lowerBound * inputs, reconstruction, mean, Int64(rows.count), Int64(inputs),
                              &residuals, &totals)
        }
        z.withUnsafeBufferPointer { activity.add($0, rows: rows.count) }
    }
}

extension AutoencoderFit {
    /// "SAE 128→256 topk k=8  FVU 0.0778  mean L0 8.0  alive latents 240/256  (loss 0.14103)".
    func line(input: Int, losses: [Float], sae: SparseAutoencoder) -> String {
        String(format: "SAE %d→%d %@  FVU %.4f  mean L0 %.1f  alive latents %d/%d  (loss %.5f)",
               input, latentWidth, sae.objective.summary, fractionOfVarianceUnexplained, meanL0,
               latentWidth - deadLatents, latentWidth, losses.last ?? .nan)
    }
}
