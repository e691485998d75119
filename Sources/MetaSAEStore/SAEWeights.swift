/// One SAE's parameters in the canonical (SAELens) orientation, as Float32.
public struct SAEWeights: Sendable, Equatable {
    /// Input width (F of the previous depth).
    public var inputWidth: Int
    /// Latent width (F of this depth).
    public var latentWidth: Int
    /// [inputWidth, latentWidth], row-major.
    public var encoderWeight: [Float]
    /// [latentWidth]
    public var encoderBias: [Float]
    /// [latentWidth, inputWidth], row-major.
    public var decoderWeight: [Float]
    /// [inputWidth]
    public var decoderBias: [Float]
    public var activation: SAEActivation
    /// The encoder sees `x - b_dec` when true.
    public var subtractsDecoderBias: Bool

    public init(
        inputWidth: Int, latentWidth: Int, encoderWeight: [Float], encoderBias: [Float],
        decoderWeight: [Float], decoderBias: [Float], activation: SAEActivation = .relu,
        subtractsDecoderBias: Bool = false
    ) {
        if case .jumpReLU(let threshold) = activation { precondition(threshold.count == latentWidth, "one threshold per latent") }
        precondition(encoderWeight.count == inputWidth * latentWidth && encoderBias.count == latentWidth
                     && decoderWeight.count == latentWidth * inputWidth && decoderBias.count == inputWidth,
                     "SAE tensors do not match their widths")
        self.inputWidth = inputWidth
        self.latentWidth = latentWidth
        self.encoderWeight = encoderWeight
        self.encoderBias = encoderBias
        self.decoderWeight = decoderWeight
        self.decoderBias = decoderBias
        self.activation = activation
        self.subtractsDecoderBias = subtractsDecoderBias
    }

    /// The four tensors under their canonical names, with their shapes.
    public var tensors: [(name: CanonicalPaths.SAETensor, values: [Float], shape: [Int])] {
        [(.encoderWeight, encoderWeight, [inputWidth, latentWidth]), (.encoderBias, encoderBias, [latentWidth]),
         (.decoderWeight, decoderWeight, [latentWidth, inputWidth]), (.decoderBias, decoderBias, [inputWidth])]
    }

    /// Every array an SAE stores, under its name: the four tensors and,
    /// for JumpReLU, its thresholds. What writers write and checks scan.
    public var arrays: [(name: String, values: [Float], shape: [Int])] {
        var arrays = tensors.map { ($0.name.rawValue, $0.values, $0.shape) }
        if case .jumpReLU(let threshold) = activation { arrays.append((CanonicalPaths.threshold, threshold, [latentWidth])) }
        return arrays
    }
}
