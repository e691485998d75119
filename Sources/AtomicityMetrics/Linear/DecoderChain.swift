import LinearAlgebra
import MetaSAEStore

/// The decoders from depth d down to depth 0 composed into one affine map.
///
/// Each decoder is `x = z · W_dec + b_dec` (row vectors), so the chain is
/// `x₀ = z_d · M_d + c_d` with `M_1 = W_dec₁`, `c_1 = b_dec₁` and
/// `M_d = W_dec_d · M_{d−1}`, `c_d = b_dec_d · M_{d−1} + c_{d−1}`. Isolating or
/// doubling one latent then has a closed form in the rows of `M_d`.
public struct DecoderChain: Sendable {
    /// Latent width F_d.
    public let latentWidth: Int
    /// Output (depth-0) width D.
    public let outputWidth: Int
    /// M_d, [F_d × D] row-major, Float64.
    public let linear: [Double]
    /// c_d, [D].
    public let offset: [Double]

    /// M_d in Float32 for block GEMMs.
    public let linearFloat: [Float]
    /// ‖m_j‖² for each latent j.
    public let rowNormsSquared: [Double]

    /// Composes the decoders of depths 1…d, given in that order.
    public init(decoders saes: [SAEWeights]) {
        precondition(!saes.isEmpty, "a decoder chain needs at least one SAE")
        self = saes.dropFirst().reduce(DecoderChain(first: saes[0])) { $0.appending($1) }
    }

    /// The chain of every depth 1…D of a cascade, each composed once from
    /// the one below it.
    public static func prefixes(of saes: [SAEWeights]) -> [DecoderChain] {
        guard let first = saes.first else { return [] }
        var chains = [DecoderChain(first: first)]
        for sae in saes.dropFirst() { chains.append(chains.last!.appending(sae)) }
        return chains
    }

    /// Depth 1: M_1 = W_dec₁, c_1 = b_dec₁.
    init(first sae: SAEWeights) {
        self.init(latentWidth: sae.latentWidth, outputWidth: sae.inputWidth,
                  linear: sae.decoderWeight.map(Double.init), offset: sae.decoderBias.map(Double.init))
    }

    /// One depth further: M_new = W_dec·M, c_new = b_dec·M + c.
    func appending(_ sae: SAEWeights) -> DecoderChain {
        let weight = sae.decoderWeight.map(Double.init)
        // M_new[F_d × D] = W_dec[F_d × F_{d−1}] · M[F_{d−1} × D]
        var product = [Double](repeating: 0, count: sae.latentWidth * outputWidth)
        BLAS.multiply(weight, linear, into: &product, m: sae.latentWidth, k: sae.inputWidth, n: outputWidth)
        var shifted = offset
        for row in 0..<sae.inputWidth {
            let bias = Double(sae.decoderBias[row])
            if bias == 0 { continue }
            for column in 0..<outputWidth { shifted[column] += bias * linear[row * outputWidth + column] }
        }
        return DecoderChain(latentWidth: sae.latentWidth, outputWidth: outputWidth, linear: product, offset: shifted)
    }

    init(latentWidth: Int, outputWidth: Int, linear: [Double], offset: [Double]) {
        self.latentWidth = latentWidth
        self.outputWidth = outputWidth
        self.linear = linear
        self.offset = offset
        linearFloat = linear.map(Float.init)
        rowNormsSquared = (0..<latentWidth).map { row in
            var sum = 0.0
            for column in 0..<outputWidth { sum += linear[row * outputWidth + column] * linear[row * outputWidth + column] }
            return sum
        }
    }
}
