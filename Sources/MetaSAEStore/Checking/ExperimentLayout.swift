import HDF5

/// Where an experiment's objects are in a file, before anything about them
/// is proved: what a locator (the canonical layout, or an export through a
/// conversion mapping) found. `ExperimentChecker` turns it into a
/// `CheckedExperiment`.
public struct ExperimentLayout: @unchecked Sendable {
    public var path: String
    /// Size of the file on disk.
    public var fileBytes: Int
    public var labels: TensorRef?
    public var images: TensorRef?
    /// By depth number; depth 0 is the base model.
    public var depths: [Int: DepthObjects] = [:]
    /// Random-init null cascades by index; their depths start at 1.
    public var nullModels: [Int: CascadeObjects] = [:]
    /// Flat controls by the depth they match: an SAE on depth 0 each.
    public var flatControls: [Int: DepthObjects] = [:]
    /// Random-init cascades with TopK codes at the cascade's L0, by index.
    public var matchedNulls: [Int: CascadeObjects] = [:]
    public var classifier: ClassifierObjects?
    /// Exports may leave out deeper depths' activations (recomputed by convert).
    public var activationsOptional = false
    /// The dtype rules: the canonical layout's, or conversion's.
    public var dtypes = DtypeRules.canonical
    public var provenance = FileProvenance()

    public init(path: String, fileBytes: Int) {
        self.path = path
        self.fileBytes = fileBytes
    }
}

/// What floats and labels may be stored as.
public enum DtypeRules: Sendable {
    /// float32 or float64 floats, as the canonical layout says.
    case canonical
    /// Any float width, or bfloat16 bits where marked (exports).
    case export
}

/// One depth's objects.
public struct DepthObjects: @unchecked Sendable {
    /// Canonical path of the depth (`depths/2`, `null_models/0/depths/2`).
    public var path: String
    public var activations: TensorRef?
    public var sparse: SparseObjects?
    public var sae: SAEObjects?

    public init(path: String) { self.path = path }

    /// The width its activations declare (dense [N, F], else the sparse
    /// form's shape), before anything is proved about it.
    public var declaredWidth: Int? {
        if let dense = activations, dense.rank == 2 { return dense.storedDims[1] }
        if let shape = sparse?.shape, shape.count == 2, let width = Int(exactly: shape[1]), width >= 0 { return width }
        return nil
    }
}

/// A depth's compressed-row form.
public struct SparseObjects: @unchecked Sendable {
    public var group: Group
    public var path: String
    /// The `shape` attribute as stored, if it is a list of integers.
    public var shape: [Int64]?
    public var indptr: TensorRef?
    public var indices: TensorRef?
    public var values: TensorRef?

    public init(group: Group, path: String) {
        self.group = group
        self.path = path
    }
}

/// One SAE's tensors and declared attributes.
public struct SAEObjects: @unchecked Sendable {
    public var path: String
    public var tensors: [CanonicalPaths.SAETensor: TensorRef] = [:]
    public var activationFunction: String?
    /// TopK's k, as declared.
    public var k: Int64?
    /// JumpReLU's thresholds [d_sae].
    public var threshold: TensorRef?
    public var subtractsDecoderBias: Bool?
    /// `d_in` and `d_sae` as declared (canonical files).
    public var declaredInputWidth: Int64?
    public var declaredLatentWidth: Int64?

    public init(path: String) { self.path = path }
}

/// A null cascade's objects.
public struct CascadeObjects: @unchecked Sendable {
    public var path: String
    public var seed: Int64?
    public var depths: [Int: DepthObjects] = [:]

    public init(path: String) { self.path = path }
}

/// The base classifier's layers (nn.Linear orientation).
public struct ClassifierObjects: @unchecked Sendable {
    public struct Layer: @unchecked Sendable {
        public var weight: TensorRef?
        public var bias: TensorRef?
        public init() {}
    }
    public var path: String
    /// 1-based hidden layer whose output is depth 0, when declared.
    public var hiddenLayer: Int64?
    public var architecture: String?
    public var testAccuracy: Double?
    public var layers: [Int: Layer] = [:]

    public init(path: String) { self.path = path }
}
