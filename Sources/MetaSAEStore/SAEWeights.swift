import HDF5

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
    public var activationFunction: String
    /// The encoder sees `x - b_dec` when true.
    public var subtractsDecoderBias: Bool

    public init(
        inputWidth: Int, latentWidth: Int, encoderWeight: [Float], encoderBias: [Float],
        decoderWeight: [Float], decoderBias: [Float], activationFunction: String = "relu",
        subtractsDecoderBias: Bool = false
    ) {
        self.inputWidth = inputWidth
        self.latentWidth = latentWidth
        self.encoderWeight = encoderWeight
        self.encoderBias = encoderBias
        self.decoderWeight = decoderWeight
        self.decoderBias = decoderBias
        self.activationFunction = activationFunction
        self.subtractsDecoderBias = subtractsDecoderBias
    }

    /// The four tensors under their canonical names, with their shapes.
    public var tensors: [(name: CanonicalPaths.SAETensor, values: [Float], shape: [Int])] {
        [(.encoderWeight, encoderWeight, [inputWidth, latentWidth]), (.encoderBias, encoderBias, [latentWidth]),
         (.decoderWeight, decoderWeight, [latentWidth, inputWidth]), (.decoderBias, decoderBias, [inputWidth])]
    }
}

extension CanonicalFile {
    /// Reads the SAE of depth `depth` (≥ 1), checking every shape.
    public func sae(depth: Int, under prefix: String = "") throws -> SAEWeights {
        let group = try root.group(CanonicalPaths.sae(depth, under: prefix))
        func tensor(_ name: CanonicalPaths.SAETensor) throws -> (Dataset, [Int]) {
            let dataset = try group.dataset(name.rawValue)
            return (dataset, try dataset.shape.dims)
        }
        let (encoder, encoderDims) = try tensor(.encoderWeight)
        guard encoderDims.count == 2 else {
            throw StoreError.layout(path: encoder.path, "W_enc must be 2-D, it is \(encoderDims)")
        }
        let (inputWidth, latentWidth) = (encoderDims[0], encoderDims[1])
        let expectations: [(CanonicalPaths.SAETensor, [Int])] = [
            (.encoderBias, [latentWidth]), (.decoderWeight, [latentWidth, inputWidth]), (.decoderBias, [inputWidth]),
        ]
        var values: [CanonicalPaths.SAETensor: [Float]] = [.encoderWeight: try encoder.readAll(as: Float.self)]
        for (name, expected) in expectations {
            let (dataset, dims) = try tensor(name)
            guard dims == expected else {
                throw StoreError.layout(path: dataset.path, "\(name.rawValue) has shape \(dims), expected \(expected)")
            }
            values[name] = try dataset.readAll(as: Float.self)
        }
        let function = (try? group.attribute("activation_fn").stringValue) ?? "relu"
        let subtracts = ((try? group.attribute("apply_b_dec_to_input").intValue) ?? 0) != 0
        return SAEWeights(
            inputWidth: inputWidth, latentWidth: latentWidth,
            encoderWeight: values[.encoderWeight]!, encoderBias: values[.encoderBias]!,
            decoderWeight: values[.decoderWeight]!, decoderBias: values[.decoderBias]!,
            activationFunction: function, subtractsDecoderBias: subtracts)
    }
}
