import MetaSAEStore
import LinearAlgebra
/// Feature reconstruction independence (FRI), streamed over examples.
///
/// For example i with latents z and base activations a, let r = c − a. With
/// the chain x₀ = z·M + c, isolating latent j gives error
/// Eᵢⱼ = (zⱼ²‖mⱼ‖² + 2zⱼ·mⱼ·r + ‖r‖²) / D, and the full reconstruction
/// Eᵢ = ‖z·M + r‖² / D. The seed's score of example i is the mean over its
/// active j of (Eᵢⱼ − Eᵢ) / max(k − 1, 1); FRI is minus the mean over
/// examples with k ≥ 2 active latents. Two GEMMs per block replace a decoder
/// pass per latent per example.
public struct ReconstructionIndependence: Sendable {
    public static let activeThreshold = Conventions.activeThreshold

    public internal(set) var scoreSum = 0.0
    public internal(set) var examplesUsed = 0
    public internal(set) var examplesSeen = 0
    /// Σ IRᵢ over the examples with ≥ 2 active latents whose contributions
    /// are not all zero, and how many (the interference ratio's state).
    public internal(set) var interferenceSum = 0.0
    public internal(set) var interferenceExamples = 0

    public init() {}

    /// - Parameters:
    ///   - latents: [rows × F] block of z.
    ///   - base: [rows × D] block of depth-0 activations, the same rows.
    ///   - reconstruction: z·M for the block, [rows × D].
    public mutating func add(
        latents: UnsafeBufferPointer<Float>, base: UnsafeBufferPointer<Float>,
        reconstruction: [Float], chain: DecoderChain, rows: Int
    ) {
        let (width, depth0) = (chain.latentWidth, chain.outputWidth)
        // r = c − a for each row, and P = r · Mᵀ ([rows × F]).
        var residual = [Float](repeating: 0, count: rows * depth0)
        for row in 0..<rows {
            for column in 0..<depth0 {
                residual[row * depth0 + column] = Float(chain.offset[column]) - base[row * depth0 + column]
            }
        }
        var projections = [Float](repeating: 0, count: rows * width)
        BLAS.multiply(residual, chain.linearFloat, into: &projections, m: rows, k: depth0, n: width, transposeB: true)
        for row in 0..<rows {
            let z = latents.baseAddress! + row * width
            var active: [(feature: Int, value: Double, projection: Double)] = []
            for feature in 0..<width where abs(z[feature]) > Self.activeThreshold {
                active.append((feature, Double(z[feature]), Double(projections[row * width + feature])))
            }
            var residualNorm = 0.0
            var fullError = 0.0
            for column in 0..<depth0 {
                let r = Double(residual[row * depth0 + column])
                residualNorm += r * r
                let difference = Double(reconstruction[row * depth0 + column]) + r
                fullError += difference * difference
            }
            scoreExample(active: active, residualNorm: residualNorm, fullError: fullError / Double(depth0), chain: chain)
        }
    }

    /// One example's score from its active latents (value zⱼ and projection
    /// mⱼ·r), ‖r‖² and the full-reconstruction error; skipped below 2 active.
    mutating func scoreExample(
        active: [(feature: Int, value: Double, projection: Double)], residualNorm: Double, fullError: Double, chain: DecoderChain
    ) {
        examplesSeen += 1
        guard active.count > 1 else { return }
        let outputs = Double(chain.outputWidth)
        let divisor = Double(active.count - 1)  // ≥ 1 past the guard
        var exampleSum = 0.0
        for latent in active {
            let isolated = (latent.value * latent.value * chain.rowNormsSquared[latent.feature]
                + 2 * latent.value * latent.projection + residualNorm) / outputs
            exampleSum += (isolated - fullError) / divisor
        }
        scoreSum += exampleSum / Double(active.count)
        examplesUsed += 1
        addInterference(active: active, chain: chain)
    }

    /// IRᵢ = (‖Σₖ Cₖ‖² − Σₖ ‖Cₖ‖²) / Σₖ ‖Cₖ‖² with Cₖ = zₖ·mₖ over the
    /// active latents: 0 when their contributions are orthogonal.
    mutating func addInterference(active: [(feature: Int, value: Double, projection: Double)], chain: DecoderChain) {
        let outputs = chain.outputWidth
        var total = [Double](repeating: 0, count: outputs)
        var separate = 0.0
        for latent in active {
            separate += latent.value * latent.value * chain.rowNormsSquared[latent.feature]
            let row = latent.feature * outputs
            for column in 0..<outputs { total[column] += latent.value * chain.linear[row + column] }
        }
        guard separate > 0 else { return }
        let combined = total.reduce(0) { $0 + $1 * $1 }
        interferenceSum += (combined - separate) / separate
        interferenceExamples += 1
    }

    /// The mean IRᵢ; nil when no example qualified.
    public var interferenceRatio: Double? {
        interferenceExamples > 0 ? interferenceSum / Double(interferenceExamples) : nil
    }

    public mutating func merge(_ other: ReconstructionIndependence) {
        scoreSum += other.scoreSum
        examplesUsed += other.examplesUsed
        examplesSeen += other.examplesSeen
        interferenceSum += other.interferenceSum
        interferenceExamples += other.interferenceExamples
    }

    /// −mean score, or −∞ when no example had two active latents (the seed's rule).
    public var value: Double {
        examplesUsed > 0 ? -(scoreSum / Double(examplesUsed)) : -.infinity
    }
}
