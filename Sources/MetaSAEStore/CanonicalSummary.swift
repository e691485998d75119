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
    public var classifierArchitecture: String?
    public var classifierAccuracy: Double?

    /// How many rows the L0 / dead-feature estimate reads per depth.
    public static let sampleRows = 4096
    static let activeThreshold = Conventions.activeThreshold

    public init(file: CanonicalFile) throws {
        let report = SchemaValidator(scanData: false).validate(file)
        violations = report.violations
        conforms = report.conforms
        schemaVersion = file.schemaVersion
        exampleCount = try? file.exampleCount()
        if let labels = try? file.root.dataset(CanonicalPaths.labels), (try? labels.datatype.typeClass) == .integer {
            var counts = [Int](repeating: 0, count: 10)
            try? labels.forEachRowBlock(as: Int64.self) { _, values in
                for value in values where Conventions.labels.contains(value) { counts[Int(value)] += 1 }
            }
            classCounts = counts
        }
        let chainErrors = Set(report.violations.filter { $0.check == "chain" || $0.check == "missing" || $0.check == "rank" }.map(\.path))
        depths = try file.depthNumbers().map { depth in
            var summary = Depth(depth: depth, width: try? file.width(depth: depth), chainConsistent: true, sampledRows: 0)
            let group = "/" + CanonicalPaths.depth(depth)
            summary.chainConsistent = !chainErrors.contains { $0 == group || $0.hasPrefix(group + "/") }
            if depth >= 1, let sae = try? file.root.group(CanonicalPaths.sae(depth)) {
                summary.inputWidth = (try? sae.attribute("d_in").intValue).map(Int.init)
            }
            if let dataset = try? file.activations(depth: depth) {
                Self.estimateSparsity(dataset, into: &summary)
            }
            if let group = try? file.root.group(CanonicalPaths.sparse(depth)), let sparse = try? SparseActivations(group) {
                Self.summarize(sparse, into: &summary)
            }
            return summary
        }
        nullModelCount = (try? file.nullModelIndices().count) ?? 0
        if let classifier = try? file.root.group(CanonicalPaths.classifier) {
            classifierArchitecture = try? classifier.attribute("architecture").stringValue
            classifierAccuracy = try? classifier.attribute("test_accuracy").doubleValue
        }
    }

    /// nnz and density exactly; L0 and dead latents from the sample rows.
    private static func summarize(_ sparse: SparseActivations, into summary: inout Depth) {
        summary.sparseNonZeros = sparse.nonZeros
        summary.sparseDensity = sparse.rowCount * sparse.width > 0
            ? Double(sparse.nonZeros) / Double(sparse.rowCount * sparse.width) : 0
        guard summary.sampledRows == 0, sparse.rowCount > 0, let block = try? sparse.block(0..<min(sparse.rowCount, sampleRows)) else { return }
        var sample = ActivitySample(width: sparse.width)
        for (index, value) in zip(block.indices, block.values) { sample.see(column: Int(index), value: value) }
        sample.record(rows: block.rowCount, into: &summary)
    }

    private static func estimateSparsity(_ dataset: Dataset, into summary: inout Depth) {
        guard let shape = try? dataset.shape, shape.rank == 2, shape.dims[1] > 0,
              (try? dataset.datatype.isNumeric) == true else { return }
        let rows = 0..<min(shape.dims[0], sampleRows)
        let width = shape.dims[1]
        var sample = ActivitySample(width: width)
        do {
            try dataset.forEachRowBlock(as: Float.self, rows: rows) { _, values in
                for (index, value) in values.enumerated() { sample.see(column: index % width, value: value) }
            }
        } catch { return }
        guard !rows.isEmpty else { return }
        sample.record(rows: rows.count, into: &summary)
    }

    /// Which latents were active over the sample rows, and how often: mean
    /// L0 and the share of dead latents, for either storage form.
    private struct ActivitySample {
        var everActive: [Bool]
        var active = 0

        init(width: Int) { everActive = [Bool](repeating: false, count: width) }

        mutating func see(column: Int, value: Float) {
            guard abs(value) > CanonicalSummary.activeThreshold else { return }
            active += 1
            everActive[column] = true
        }

        func record(rows: Int, into summary: inout Depth) {
            summary.sampledRows = rows
            summary.meanL0 = Double(active) / Double(max(rows, 1))
            summary.deadFraction = Double(everActive.filter { !$0 }.count) / Double(max(everActive.count, 1))
        }
    }
}
