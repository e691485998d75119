import CVectorKernels
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
    /// the next depth's input, so they are not computed twice).
    public init(sae: SparseAutoencoder, data: [Float], latents encoded: [Float], rows: Int, blockRows: Int = 4_096) {
        let inputs = sae.weights.inputWidth
        let latents = sae.weights.latentWidth
        var mean = [Double](repeating: 0, count: inputs)
        data.withUnsafeBufferPointer { data in
            mean.withUnsafeMutableBufferPointer { mean in
                for row in 0..<rows { for column in 0..<inputs { mean[column] += Double(data[row * inputs + column]) } }
                for column in 0..<inputs { mean[column] /= Double(max(rows, 1)) }
            }
        }
        var residual = 0.0
        var total = 0.0
        var activity = ActivityCount(width: latents)
        for start in stride(from: 0, to: rows, by: blockRows) {
            let count = min(blockRows, rows - start)
            let z = Array(encoded[(start * latents)..<((start + count) * latents)])
            let reconstruction = sae.decode(z, rows: count, sparse: SparseCodes(z, rows: count, width: latents))
            data.withUnsafeBufferPointer { data in
                metasae_fit_sums(data.baseAddress! + start * inputs, reconstruction, mean, Int64(count), Int64(inputs), &residual, &total)
            }
            z.withUnsafeBufferPointer { activity.add($0, rows: count) }
        }
        fractionOfVarianceUnexplained = total > 0 ? residual / total : 0
        meanL0 = Double(activity.active) / Double(max(rows, 1))
        deadLatents = latents - activity.aliveLatents
        latentWidth = latents
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
