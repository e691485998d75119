/// The seed's rule applied to the pooled tests: FRI, CSP and LTES rising
/// (Page's L, one-sided, Holm over the metrics), PDS positive at every
/// depth ≥ 2 (a one-sided signed-rank test per depth, Holm over depths).
public struct ReplicatedVerdict: Codable, Sendable {
    public var findings: [Verdict.MetricFinding]
    public var supporting: Int
    public var expectedPatternCount: Int
    public var evaluated: Int
    public var seeds: Int
    public var conclusion: String
    public var line: String
    public var basis: String

    init(_ metrics: [SeriesAggregate], seeds: Int) {
        findings = metrics.compactMap { aggregate in
            guard let metric = Metric(rawValue: aggregate.name) else { return nil }
            return Verdict.MetricFinding(metric: metric, expectedPattern: aggregate.expectedPattern,
                                         significant: aggregate.significant, explanation: Self.explain(aggregate))
        }
        supporting = findings.filter(\.significant).count
        expectedPatternCount = findings.filter(\.expectedPattern).count
        evaluated = findings.count
        self.seeds = seeds
        let depths = metrics.first { $0.direction != .positive }?.depths.count ?? 0
        conclusion = Verdict.conclusion(supporting: supporting, evaluated: evaluated, informative: depths >= 3 && seeds >= 2)
        basis = "Page's L one-sided (FRI, CSP, LTES rising) and one-sided Wilcoxon signed-rank per depth (PDS > 0), "
            + "Holm-adjusted across the metrics, α = \(SeriesAggregate.alpha)"
        line = "verdict over \(seeds) seeds: atomicity rising with depth is \(conclusion.uppercased()) — "
            + "\(supporting) of \(evaluated) metrics significant (pooled, Holm), \(expectedPatternCount) of \(evaluated) in the expected direction"
    }

    /// One sentence naming the test the finding rests on.
    static func explain(_ aggregate: SeriesAggregate) -> String {
        let name = aggregate.name
        let effect = "ρ̄ = \(format(aggregate.meanRho))" + (aggregate.meanRhoInterval.map { " [\(format($0[0])), \(format($0[1]))]" } ?? "")
        let steps = "\(aggregate.stepsSignificant) of \(aggregate.steps.count) "
        switch aggregate.direction {
        case .positive:
            return "\(name) " + (aggregate.expectedPattern ? "is positive on average at every depth" : "is not positive on average at every depth")
                + "; \(steps)depths significantly > 0 (one-sided Wilcoxon signed-rank across seeds, Holm over depths); "
                + "largest Holm p = \(format(aggregate.pooledP)), Holm over metrics p = \(format(aggregate.pHolm))"
        case .rising, .falling:
            let moves = aggregate.meanRho > 0 ? "rises" : (aggregate.meanRho < 0 ? "falls" : "is flat")
            let page = aggregate.page.map { "Page's L = \(format($0.statistic, digits: 1)) (\($0.method.rawValue)), p = \(format($0.pValue))" }
                ?? "Page's L not defined"
            return "\(name) \(moves) (\(effect)); \(page), Holm p = \(format(aggregate.pHolm)); "
                + "\(aggregate.seedsWithPositiveRho) of \(aggregate.seeds.count) seeds with ρ > 0; "
                + "\(steps)steps significant (one-sided Wilcoxon signed-rank, Holm over steps)"
        }
    }
}
