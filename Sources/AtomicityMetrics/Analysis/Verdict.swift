import Foundation

/// The seed's rule: how many of the four metrics show the expected pattern
/// (FRI, CSP and LTES rising with depth; PDS positive at every depth ≥ 2),
/// and with what significance.
public struct Verdict: Codable, Sendable, Equatable {
    public struct MetricFinding: Codable, Sendable, Equatable {
        public var metric: Metric
        /// The direction or sign is as expected.
        public var expectedPattern: Bool
        /// For rising metrics: ρ > 0 with exact permutation p < α. For PDS:
        /// every PDS(d ≥ 2) > 0 and, when null models exist, above the null mean.
        public var significant: Bool
        public var explanation: String
    }

    public var findings: [MetricFinding]
    /// Metrics with the expected pattern and significance.
    public var supporting: Int
    /// Metrics with the expected pattern, significant or not.
    public var expectedPatternCount: Int
    public var evaluated: Int
    /// `supported`, `partially supported`, `not supported` or `inconclusive`.
    public var conclusion: String
    /// One line, for the terminal.
    public var line: String
    /// The p-value significance rests on.
    public var basis: String

    public static let alpha = 0.05

    public init(depths: [DepthMetrics], trends: [String: SpearmanTest], nulls: [NullDepth]?, metrics: [Metric]) {
        var findings: [MetricFinding] = []
        for metric in metrics.sorted() {
            let values = depths.filter { $0.depth >= 1 }.compactMap { row in row.value(metric).map { (row.depth, $0) } }
            if metric == .PDS {
                let later = values.filter { $0.0 >= 2 }
                let positive = !later.isEmpty && later.allSatisfy { $0.1 > 0 }
                var aboveNull = true
                if let nulls {
                    for (depth, value) in later {
                        if let null = nulls.statistic("PDS", depth: depth), !(value > null.mean) {
                            aboveNull = false
                        }
                    }
                }
                let text = later.isEmpty
                    ? "PDS needs depth ≥ 2"
                    : (positive ? "PDS > 0 at every depth ≥ 2" : "PDS ≤ 0 at depth " + later.filter { !($0.1 > 0) }.map { "\($0.0)" }.joined(separator: ", "))
                    + (nulls != nil && positive ? (aboveNull ? ", above the null mean" : ", but not above the null mean") : "")
                findings.append(MetricFinding(metric: metric, expectedPattern: positive,
                                              significant: positive && aboveNull, explanation: text))
                continue
            }
            guard let test = trends[metric.rawValue], !test.rho.isNaN else {
                findings.append(MetricFinding(metric: metric, expectedPattern: false, significant: false,
                                              explanation: "\(metric.rawValue): no trend (constant or undefined values)"))
                continue
            }
            let rising = test.rho > 0
            let significant = rising && test.pExact < Self.alpha
            let text = "\(metric.rawValue) " + (rising ? "rises" : (test.rho < 0 ? "falls" : "is flat"))
                + " (ρ = \(format(test.rho)), exact p = \(format(test.pExact)), t-test p = \(format(test.pValue)))"
            findings.append(MetricFinding(metric: metric, expectedPattern: rising, significant: significant, explanation: text))
        }
        self.findings = findings
        supporting = findings.filter(\.significant).count
        expectedPatternCount = findings.filter(\.expectedPattern).count
        evaluated = findings.count
        basis = "exact permutation p < \(Self.alpha) for rising metrics; the t-test p is reported beside it"
        let sizes = depths.filter { $0.depth >= 1 }.count
        conclusion = Self.conclusion(supporting: supporting, evaluated: evaluated, informative: sizes >= 3)
        line = "verdict: atomicity rising with depth is \(conclusion.uppercased()) — \(supporting) of \(evaluated) metrics significant, "
            + "\(expectedPatternCount) of \(evaluated) in the expected direction (\(sizes) SAE depths)"
    }
}

extension Verdict {
    /// The seed's rule: supported when every metric evaluated (or at least
    /// three) is significant, partially with one or two, and inconclusive
    /// when the design cannot show a trend (fewer than 3 depths).
    public static func conclusion(supporting: Int, evaluated: Int, informative: Bool) -> String {
        if !informative { return "inconclusive" }
        if evaluated > 0 && supporting == evaluated || supporting >= 3 { return "supported" }
        return supporting >= 1 ? "partially supported" : "not supported"
    }
}

/// Compact number formatting for messages and tables.
public func format(_ value: Double, digits: Int = 3) -> String {
    if value.isNaN { return "nan" }
    if value.isInfinite { return value > 0 ? "inf" : "-inf" }
    if value != 0 && (abs(value) < 1e-3 || abs(value) >= 1e5) {
        return String(format: "%.\(max(1, digits - 1))e", value)
    }
    return String(format: "%.\(digits)f", value)
}
