/// Everything `metasae train` can be told.
public struct TrainingConfiguration: Codable, Sendable, Equatable {
    /// Hidden widths of the classifier (input 784 and output 10 are implied).
    public var classifierHidden = [256, 128]
    /// Which hidden layer (1-based) gives depth 0: its ReLU output.
    public var hiddenLayer = 2
    public var classifierEpochs = 4
    public var classifierBatchSize = 128
    public var classifierLearningRate: Float = 1e-3

    /// Number of SAE depths D (depth 1 … D).
    public var depths = 6
    /// Latent width of every SAE.
    public var saeWidth = 256
    /// How every SAE of the cascade is trained.
    public var architecture = SAEArchitecture.reluL1
    public var l1Coefficient: Float = 8e-3
    /// topk, batchtopk: k per depth, the last value repeated for deeper depths.
    public var k = [8]
    /// jumprelu: target L0 per depth (the last repeated), or nil to keep the coefficient fixed.
    public var l0Target: [Double]?
    public var l0Coefficient: Float = 1e-3
    /// topk, batchtopk: the AuxK loss on dead latents.
    public var auxK = true
    /// For each depth d, an SAE of d's width and architecture trained on
    /// depth 0 with its L0 matched to depth d's.
    public var flatControls = false
    /// Random-init cascades with TopK codes at the trained cascade's L0.
    public var matchedNullSeeds = 0
    public var saeEpochs = 3
    public var saeBatchSize = 256
    public var saeLearningRate: Float = 1e-3

    public var seed: UInt64 = 0
    /// Random-init null cascades to store beside the trained one.
    public var nullSeeds = 4
    /// Also store the null cascades' activations (else readers recompute
    /// them from depth 0 through the stored encoders, which is cheap).
    public var storeNullActivations = false
    /// Use only the first n training images (nil: all 60,000).
    public var trainExamples: Int?
    /// Store activations for the first n test images (nil: all 10,000).
    public var analysisExamples: Int?
    /// Also store the analysis images under /images.
    public var storeImages = false
    /// Compressed-row storage of SAE latents: "off", "on", "auto" or a
    /// density threshold (see `SparseStorage`). Depth 0 stays dense.
    public var sparse = "off"

    public init() {}

    /// Seed of the classifier, SAE d, and null cascade k, derived so that
    /// changing one count does not reshuffle the others. Each master seed
    /// owns the streams in [seed·2³², (seed+1)·2³²), so no two master seeds
    /// below 2³² share one (seed 0's streams are its offsets).
    static let seedStride: UInt64 = 1 << 32
    public static let largestSeed = seedStride - 1
    var streamBase: UInt64 { seed &* Self.seedStride }
    var classifierSeed: UInt64 { streamBase &+ 1 }
    func saeSeed(depth: Int) -> UInt64 { streamBase &+ 100 &+ UInt64(depth) }
    func shuffleSeed(stage: Int) -> UInt64 { streamBase &+ 10_000 &+ UInt64(stage) }
    func nullSeed(_ index: Int) -> UInt64 { streamBase &+ 1_000_000 &+ UInt64(index) }
    func flatSeed(depth: Int) -> UInt64 { streamBase &+ 200 &+ UInt64(depth) }
    func matchedNullSeed(_ index: Int) -> UInt64 { streamBase &+ 2_000_000 &+ UInt64(index) }

    /// The controlled design: a TopK cascade with one k at every depth, so
    /// L0 cannot change with depth, beside flat controls and matched nulls.
    public static func controlled() -> TrainingConfiguration {
        var config = TrainingConfiguration()
        config.architecture = .topK
        config.k = [8]
        config.flatControls = true
        config.matchedNullSeeds = 4
        return config
    }

    public var classifierArchitecture: String {
        ([MNIST.Split.pixelCount] + classifierHidden + [10]).map(String.init).joined(separator: "-") + " relu"
    }

    /// The value of a per-depth list for depth d (1-based): the last one repeated.
    static func perDepth<T>(_ values: [T], _ depth: Int) -> T { values[min(depth, values.count) - 1] }

    /// How the SAE of `depth` trains.
    public func objective(depth: Int) -> SAEObjective {
        var objective = SAEObjective(architecture: architecture)
        objective.l1Coefficient = l1Coefficient
        objective.k = Self.perDepth(k, depth)
        objective.l0Target = l0Target.map { Self.perDepth($0, depth) }
        objective.l0Coefficient = l0Coefficient
        objective.auxK = auxK
        return objective
    }
}
