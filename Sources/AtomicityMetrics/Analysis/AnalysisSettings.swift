/// The four atomicity metrics.
public enum Metric: String, CaseIterable, Codable, Sendable, Comparable {
    case FRI, CSP, PDS, LTES

    public static func < (lhs: Metric, rhs: Metric) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// What the seed expects if features become more atomic with depth.
    public var expectation: String {
        self == .PDS ? "positive at every depth ≥ 2" : "rises with depth"
    }
}

/// How many leading examples a metric evaluates.
public enum ExampleLimit: Codable, Sendable, Equatable, CustomStringConvertible {
    case first(Int)
    case all

    public func rows(of total: Int) -> Int {
        switch self {
        case .first(let count): return min(count, total)
        case .all: return total
        }
    }

    /// The requested count (for `all`, the total), which fixes LTES's
    /// activity threshold independently of how many rows the file has.
    public func requested(of total: Int) -> Int {
        switch self {
        case .first(let count): return count
        case .all: return total
        }
    }

    public var description: String {
        switch self {
        case .first(let count): return "\(count)"
        case .all: return "all"
        }
    }

    public init?(argument: String) {
        if argument.lowercased() == "all" { self = .all; return }
        guard let count = Int(argument), count > 0 else { return nil }
        self = .first(count)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .first(let count): try container.encode(count)
        case .all: try container.encode("all")
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let count = try? container.decode(Int.self) { self = .first(count) } else { self = .all }
    }
}

/// Everything that changes what `analyze` computes.
public struct AnalysisSettings: Codable, Sendable, Equatable {
    /// Examples FRI evaluates (the seed: the first 1000).
    public var friExamples: ExampleLimit = .first(1000)
    /// Examples LTES evaluates (the seed: the first 100).
    public var ltesExamples: ExampleLimit = .first(100)
    /// LTES uses a latent active in at least this share of the requested
    /// examples (the seed: 10 of 100).
    public var ltesMinimumActiveShare = 0.1
    /// SAE depths to report; nil for all.
    public var depths: [Int]?
    public var metrics: [Metric] = Metric.allCases
    /// Random-init null cascades to build; nil uses those stored in the file.
    public var nullSeeds: Int?
    /// Seed of the first null cascade; cascade k uses nullSeedBase + k.
    public var nullSeedBase: UInt64 = 1_000
    /// Matched nulls to build (TopK at the cascade's L0); nil uses those
    /// stored in the file.
    public var matchedNullSeeds: Int?
    /// Rows with NaN or ±Inf activations: refuse (default) or exclude.
    public var nonFinite = NonFinitePolicy.refuse
    /// Approximate bytes per streamed block.
    public var blockBytes = 16 << 20
    /// The trained cascade's diagnostics; nil leaves them out.
    public var diagnostics: DiagnosticSettings? = DiagnosticSettings()
    /// Top activating examples kept per latent for the feature browser
    /// (report.html); nil or 0 leaves the browser's data out.
    public var featureExamples: Int? = 16

    public init() {}

    /// LTES's activity threshold for a file of `total` rows.
    public func ltesMinimumActive(total: Int) -> Int {
        max(1, Int((ltesMinimumActiveShare * Double(ltesExamples.requested(of: total))).rounded(.up)))
    }
}
