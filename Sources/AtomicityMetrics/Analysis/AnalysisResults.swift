/// Metric values of one depth of one cascade.
public struct DepthMetrics: Codable, Sendable, Equatable {
    public var depth: Int
    public var width: Int
    public var FRI: Double?
    public var CSP: Double?
    public var PDS: Double?
    public var LTES: Double?
    /// Off-diagonal mass of the normalised covariance (for PDS), every depth.
    public var ODM: Double?
    /// Mean number of active latents per example, and latents active on at
    /// least one example, over every example (the moments' rows).
    public var meanL0: Double?
    public var aliveLatents: Int?
    /// Examples FRI scored (those with ≥ 2 active latents) of those it saw.
    public var friExamplesUsed: Int?
    public var friExamplesSeen: Int?
    /// Latents LTES used (active often enough) and the examples it saw.
    public var ltesLatentsUsed: Int?
    public var ltesExamples: Int?
    /// Rows left out because they held NaN or ±Inf (with --nonfinite exclude).
    public var excludedRows: Int?
    /// What a reviewer checks beside the metrics (trained cascade only).
    public var diagnostics: DepthDiagnostics?

    public init(depth: Int, width: Int) {
        self.depth = depth
        self.width = width
    }

    public func value(_ metric: Metric) -> Double? {
        switch metric {
        case .FRI: return FRI
        case .CSP: return CSP
        case .PDS: return PDS
        case .LTES: return LTES
        }
    }

    /// A metric by its name, or "ODM".
    public func value(named name: String) -> Double? {
        name == "ODM" ? ODM : Metric(rawValue: name).flatMap(value)
    }
}

/// Mean and (sample) standard deviation over null cascades.
public struct NullStatistic: Codable, Sendable, Equatable {
    public var mean: Double
    public var std: Double
    public var values: [Double]

    public init(_ values: [Double]) {
        self.values = values
        let finite = values.filter(\.isFinite)
        let n = Double(finite.count)
        let average = finite.isEmpty ? .nan : finite.reduce(0, +) / n
        mean = average
        std = finite.count > 1
            ? (finite.map { ($0 - average) * ($0 - average) }.reduce(0, +) / (n - 1)).squareRoot() : 0
    }
}

public struct NullDepth: Codable, Sendable, Equatable {
    public var depth: Int
    public var metrics: [String: NullStatistic]
}

extension Array where Element == NullDepth {
    /// The null models' statistic of `name` (a metric, or "ODM") at `depth`.
    public func statistic(_ name: String, depth: Int) -> NullStatistic? {
        first { $0.depth == depth }?.metrics[name]
    }
}

public struct NullModelSummary: Codable, Sendable {
    /// `generated` (random init here) or `stored` (read from the file).
    public var origin: String
    public var seeds: [UInt64]
    public var depths: [NullDepth]
    /// Each null cascade's own per-depth metrics.
    public var cascades: [[DepthMetrics]]
}

/// Where the analyzed file came from.
public struct InputProvenance: Codable, Sendable {
    public var path: String
    public var bytes: Int?
    public var schemaVersion: Int?
    public var created: String?
    public var source: String?
    public var writtenBy: String?
    public var examples: Int
    public var widths: [Int]
    public var classifierAccuracy: Double?
    public var classifierArchitecture: String?
}

/// Everything `analyze` produced: written to results.json.
public struct AnalysisResults: Codable, Sendable {
    public var tool: String
    /// The BLAS kernels that computed it ("OpenBLAS SkylakeX"): they round
    /// differently, so the last digits of a result depend on them.
    public var blas: String? = nil
    public var input: InputProvenance
    public var settings: AnalysisSettings
    /// Trained cascade, depth 0 (ODM only) first.
    public var depths: [DepthMetrics]
    /// Spearman test of each metric against depth over the SAE depths.
    public var trends: [String: SpearmanTest]
    public var nullModels: NullModelSummary?
    /// Each control beside the cascade, with the cascade's difference from it.
    public var controls: [ControlResults]?
    public var verdict: Verdict
    /// Wall time per phase.
    public var seconds: [String: Double]
    /// Every latent as the feature browser shows it (features.json, not results.json).
    public var features: FeatureData? = nil

    enum CodingKeys: String, CodingKey {
        case tool, blas, input, settings, depths, trends, nullModels, controls, verdict, seconds
    }

    /// The SAE depths (≥ 1) in the results.
    public var saeDepths: [DepthMetrics] { depths.filter { $0.depth >= 1 } }
}
