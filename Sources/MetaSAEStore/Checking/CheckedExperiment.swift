import HDF5

/// An experiment whose every structural fact has been proved by
/// `ExperimentChecker`: depths 0…D numbered densely, widths chained across
/// depths, every tensor's shape, N equal across labels, depths and sparse
/// forms, null models with the trained cascade's widths, activation
/// functions known, sizes within budget, no storage outside the file.
/// Commands take this value and never read raw metadata again.
public struct CheckedExperiment: @unchecked Sendable {
    public let path: String
    public let fileBytes: Int
    /// N: examples (rows of every per-example dataset).
    public let exampleCount: Int
    /// F_0 … F_D.
    public let widths: [Int]
    public let labels: LabelReader
    public let trained: CheckedCascade
    public let nullModels: [CheckedCascade]
    /// Flat controls, by the depth they match (sorted).
    public let flatControls: [CheckedFlatControl]
    /// Random-init cascades with TopK codes at the cascade's L0.
    public let matchedNulls: [CheckedCascade]
    public let classifier: CheckedClassifier?
    /// [N, pixels] uint8, when stored.
    public let images: TensorRef?
    public let provenance: FileProvenance

    /// D: the number of SAE depths.
    public var depthCount: Int { widths.count - 1 }
}

/// One cascade: the trained one, or a random-init null model.
public struct CheckedCascade: @unchecked Sendable {
    public enum Role: Sendable, Equatable {
        case trained
        case null(index: Int, seed: UInt64)
        case matchedNull(index: Int, seed: UInt64)
    }
    public let role: Role
    /// SAE of depth d at index d − 1.
    public let saes: [CheckedSAE]
    /// Stored activations by depth, 0…D. The trained cascade has every
    /// depth; a null model only depths ≥ 1 whose latents were stored.
    public let activations: [ActivationStore?]

    public func sae(depth: Int) -> CheckedSAE { saes[depth - 1] }
}

/// A depth's stored activations: dense, compressed-row, or both (then the
/// same matrix). Readers use `source`: the compressed-row form when
/// present (the writer chose it for sparse latents), else the dense one.
public struct ActivationStore: @unchecked Sendable {
    public let dense: DenseActivations?
    public let sparse: SparseActivations?

    init?(dense: DenseActivations?, sparse: SparseActivations?) {
        guard dense != nil || sparse != nil else { return nil }
        self.dense = dense
        self.sparse = sparse
    }

    public var source: any RowBlockSource { sparse ?? dense! }

    /// Where it lives, for messages.
    public var path: String { sparse?.group.path ?? dense!.dataset.path }
}

/// An SAE trained on depth 0 with depth d's width, architecture and L0:
/// what depth d would be without the cascade above depth 0.
public struct CheckedFlatControl: @unchecked Sendable {
    public let depth: Int
    /// Maps F_0 → F_d.
    public let sae: CheckedSAE
    public let activations: ActivationStore
}

/// An SAE whose four tensors have the shapes its depth requires.
public struct CheckedSAE: @unchecked Sendable {
    public let path: String
    public let depth: Int
    public let inputWidth: Int
    public let latentWidth: Int
    /// The activation function, its threshold still in the file.
    public enum Activation: Sendable, Equatable {
        case relu
        case topK(Int)
        case jumpReLU
    }
    public let activation: Activation
    public let subtractsDecoderBias: Bool
    let tensors: [CanonicalPaths.SAETensor: TensorRef]
    /// JumpReLU's thresholds [d_sae].
    let threshold: TensorRef?

    public func tensor(_ name: CanonicalPaths.SAETensor) -> TensorRef { tensors[name]! }

    /// Where the array `name` of `SAEWeights.arrays` is stored, for messages.
    public func sourcePath(of name: String) -> String {
        CanonicalPaths.SAETensor(rawValue: name).map { tensor($0).path } ?? threshold?.path ?? path
    }

    /// Reads the weights in canonical orientation, refusing NaN and ±Inf
    /// unless told not to (convert counts them itself).
    public func load(requireFinite: Bool = true) throws -> SAEWeights {
        var values: [CanonicalPaths.SAETensor: [Float]] = [:]
        for name in CanonicalPaths.SAETensor.allCases {
            let tensor = tensors[name]!
            let read = try tensor.floats()
            if requireFinite { try Self.refuse(read.withUnsafeBufferPointer(TensorRef.nonFiniteCount), in: tensor) }
            values[name] = read
        }
        return SAEWeights(
            inputWidth: inputWidth, latentWidth: latentWidth,
            encoderWeight: values[.encoderWeight]!, encoderBias: values[.encoderBias]!,
            decoderWeight: values[.decoderWeight]!, decoderBias: values[.decoderBias]!,
            activation: try loadActivation(requireFinite: requireFinite), subtractsDecoderBias: subtractsDecoderBias)
    }

    /// Refuses NaN and ±Inf in the weights as `load` does, without keeping
    /// them: each tensor streams through one reused block. An analysis that
    /// does not use the weights still refuses every file validate refuses.
    public func requireFinite() throws {
        for name in CanonicalPaths.SAETensor.allCases {
            try Self.refuse(try tensors[name]!.nonFiniteCount(), in: tensors[name]!)
        }
        _ = try loadActivation(requireFinite: true)
    }

    static func refuse(_ bad: Int, in tensor: TensorRef) throws {
        if bad > 0 { throw StoreError.nonFinite(path: tensor.path, "\(bad) NaN or infinite weight(s)") }
    }

    func loadActivation(requireFinite: Bool) throws -> SAEActivation {
        switch activation {
        case .relu: return .relu
        case .topK(let k): return .topK(k)
        case .jumpReLU:
            let values = try threshold!.floats()
            if requireFinite, values.contains(where: { !$0.isFinite }) {
                throw StoreError.nonFinite(path: threshold!.path, "NaN or infinite threshold(s)")
            }
            return .jumpReLU(threshold: values)
        }
    }
}

/// The base classifier, layers chained: layer i maps widths[i] → widths[i+1].
public struct CheckedClassifier: @unchecked Sendable {
    public struct Layer: @unchecked Sendable {
        public let weight: TensorRef
        public let bias: TensorRef
        public let inputs: Int
        public let outputs: Int
    }
    public let layers: [Layer]
    /// 1-based hidden layer whose ReLU output is depth 0, when declared and consistent.
    public let hiddenLayer: Int?

    /// Streams every weight and bias through the finiteness check.
    public func requireFinite() throws {
        for layer in layers {
            for tensor in [layer.weight, layer.bias] { try CheckedSAE.refuse(try tensor.nonFiniteCount(), in: tensor) }
        }
    }
}
