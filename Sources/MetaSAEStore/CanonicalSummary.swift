import HDF5

/// The at-a-glance facts `describe` prints first for a canonical file.
public struct CanonicalSummary: Sendable, Codable {
    public struct Depth: Sendable, Codable {
        public var depth: Int
        public var width: Int?
        /// The SAE's declared input width (`d_in`), depth ≥ 1.
        public var inputWidth: Int?
        /// Whether this depth's SAE fits the depth below and its own data.
        public var chainConsistent: Bool
        /// The SAE's activation function as the file declares it (`relu`, `topk k=8`, `jumprelu`).
        public var encoder: String?
        /// Mean number of active (|z| > 1e-5) features per example, over the sample.
        public var meanL0: Double?
        /// Fraction of features never active in the sample.
        public var deadFraction: Double?
        public var sampledRows: Int
        /// Stored values of the sparse form, when present.
        public var sparseNonZeros: Int?
        /// Share of stored entries in the sparse form: nnz / (N·F).
        public var sparseDensity: Double?
    }

    public var schemaVersion: Int?
    public var conforms: Bool
    /// Structural violations (data scans are `validate`'s job).
    public var violations: [Violation]
    public var exampleCount: Int?
    /// Examples per label 0…9; labels outside the range are not counted.
    public var classCounts: [Int]?
    public var depths: [Depth]
    public var nullModelCount: Int
    /// Flat controls (by the depth they match) and matched-null cascades.
    public var flatControlDepths: [Int]
    public var matchedNullCount: Int
    public var classifierArchitecture: String?
    public var classifierAccuracy: Double?

    /// How many rows the L0 / dead-feature estimate reads per depth.
    public static let sampleRows = 4096

    /// What the checker says about `file`, and a sample of each depth's
    /// rows for L0 (read only from depths the checker proved).
    public init(file: CanonicalFile) throws {
        let outcome = file.check()
        let layout = outcome.layout
        violations = outcome.violations
        conforms = outcome.errors.isEmpty
        schemaVersion = layout.provenance.schemaVersion
        if let labels = layout.labels, labels.rank == 1 {
            exampleCount = labels.storedDims[0]
            if labels.type.typeClass == .integer, outcome.isReadable(labels.path) {
                classCounts = Self.countClasses(labels)
            }
        }
        let experiment = outcome.experiment
        let chainErrors = Set(outcome.errors.filter { ["chain", "missing", "rank"].contains($0.check) }.map(\.path))
        depths = layout.depths.keys.sorted().map { depth in
            let objects = layout.depths[depth]!
            let group = "/" + objects.path
            var summary = Depth(depth: depth, width: experiment?.widths[depth] ?? objects.declaredWidth,
                                chainConsistent: !chainErrors.contains { CheckOutcome.path($0, isWithin: group) }, sampledRows: 0)
            summary.inputWidth = objects.sae?.declaredInputWidth.flatMap { Int(exactly: $0) }
            summary.encoder = objects.sae.map { sae in
                (sae.activationFunction ?? "?") + (sae.k.map { " k=\($0)" } ?? "")
            }
            if let store = experiment?.trained.activations[depth] {
                if let sparse = store.sparse { Self.summarize(sparse, into: &summary) } else if let dense = store.dense { Self.estimateSparsity(dense, into: &summary) }
            }
            return summary
        }
        nullModelCount = layout.nullModels.count
        flatControlDepths = layout.flatControls.keys.sorted()
        matchedNullCount = layout.matchedNulls.count
        classifierArchitecture = layout.provenance.classifierArchitecture
        classifierAccuracy = layout.provenance.classifierAccuracy
    }

    static func countClasses(_ labels: TensorRef) -> [Int]? {
        var counts = [Int](repeating: 0, count: 10)
        do {
            try labels.dataset.forEachRowBlock(as: Int64.self) { _, values in
                for value in values where Conventions.labels.contains(value) { counts[Int(value)] += 1 }
            }
        } catch { return nil }
        return counts
    }

    /// nnz and density exactly; L0 and dead latents from the sample rows.
    private static func summarize(_ sparse: SparseActivations, into summary: inout Depth) {
        summary.sparseNonZeros = sparse.nonZeros
        let cells = Double(sparse.rowCount) * Double(sparse.width)
        summary.sparseDensity = cells > 0 ? Double(sparse.nonZeros) / cells : 0
        guard sparse.rowCount > 0, let block = try? sparse.block(0..<min(sparse.rowCount, sampleRows)) else { return }
        var activity = ActivityCount(width: sparse.width)
        activity.add(block)
        record(activity, into: &summary)
    }

    private static func estimateSparsity(_ dense: DenseActivations, into summary: inout Depth) {
        let rows = 0..<min(dense.rowCount, sampleRows)
        let width = dense.width
        guard width > 0, !rows.isEmpty else { return }
        var activity = ActivityCount(width: width)
        do {
            try dense.forEachBlock(rows: rows, targetBytes: 8 << 20) { block, values in activity.add(values, rows: block.count) }
        } catch { return }
        record(activity, into: &summary)
    }

    /// Mean L0 and the share of dead latents over the sample rows.
    private static func record(_ activity: ActivityCount, into summary: inout Depth) {
        summary.sampledRows = activity.rows
        summary.meanL0 = Double(activity.active) / Double(max(activity.rows, 1))
        summary.deadFraction = Double(activity.fired.count - activity.aliveLatents) / Double(max(activity.fired.count, 1))
    }
}
