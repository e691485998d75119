import LinearAlgebra
import MetaSAEStore

/// Random-init SAE cascades: the null models.
public enum RandomCascade {
    /// An SAE initialised like two PyTorch `nn.Linear` layers with default
    /// init: weight and bias ~ U(−1/√fan_in, 1/√fan_in) (kaiming-uniform with
    /// a = √5 gives exactly this bound). The encoder's fan-in is the input
    /// width, the decoder's the latent width. ReLU encoder, no b_dec shift.
    public static func sae(inputWidth: Int, latentWidth: Int, generator: inout SeededGenerator) -> SAEWeights {
        let encoderBound = 1 / Float(inputWidth).squareRoot()
        let decoderBound = 1 / Float(latentWidth).squareRoot()
        // nn.Linear(in, out).weight is [out, in]; we store W_enc = weightᵀ.
        // Drawing i.i.d. values makes the orientation immaterial.
        let encoderWeight = (0..<(inputWidth * latentWidth)).map { _ in generator.uniform(-encoderBound, encoderBound) }
        let encoderBias = (0..<latentWidth).map { _ in generator.uniform(-encoderBound, encoderBound) }
        let decoderWeight = (0..<(latentWidth * inputWidth)).map { _ in generator.uniform(-decoderBound, decoderBound) }
        let decoderBias = (0..<inputWidth).map { _ in generator.uniform(-decoderBound, decoderBound) }
        return SAEWeights(
            inputWidth: inputWidth, latentWidth: latentWidth,
            encoderWeight: encoderWeight, encoderBias: encoderBias,
            decoderWeight: decoderWeight, decoderBias: decoderBias)
    }

    /// A cascade with the given widths (widths[0] is depth 0's), one seed.
    public static func cascade(widths: [Int], seed: UInt64) -> [SAEWeights] {
        var generator = SeededGenerator(seed: seed)
        return (1..<widths.count).map { depth in
            sae(inputWidth: widths[depth - 1], latentWidth: widths[depth], generator: &generator)
        }
    }

    /// A matched null: the same random cascade, its codes TopK at the
    /// given mean L0 per SAE depth (rounded, within 1…width).
    public static func matched(widths: [Int], seed: UInt64, meanL0: [Double]) -> [SAEWeights] {
        cascade(widths: widths, seed: seed).enumerated().map { index, sae in
            var matched = sae
            matched.activation = .topK(min(sae.latentWidth, max(1, Int(meanL0[index].rounded()))))
            return matched
        }
    }
}
