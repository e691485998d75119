import AtomicityMetrics

/// The replication table: one row per series, the same cells in the
/// terminal, the report and aggregate.csv.
public enum AggregateTable {
    public static let header = ["metric", "S", "ρ̄ [95% CI]", "L", "p", "p (Holm)", "seeds with ρ > 0", "steps significant", "verdict"]

    public static func cells(_ series: SeriesAggregate) -> [String] {
        let interval = series.meanRhoInterval.map { " [\(format($0[0])), \(format($0[1]))]" } ?? ""
        let steps = "\(series.stepsSignificant)/\(series.steps.count)" + (series.direction == .positive ? " depths > 0" : "")
        return [label(series), "\(series.seeds.count)", format(series.meanRho) + interval,
                series.page.map { format($0.statistic, digits: 1) } ?? "–", format(series.pooledP), format(series.pHolm),
                "\(series.seedsWithPositiveRho)/\(series.seeds.count)", steps, verdict(series)]
    }

    /// The name with the prediction tested.
    public static func label(_ series: SeriesAggregate) -> String {
        let prediction: String
        switch series.direction {
        case .rising: prediction = "↑"
        case .falling: prediction = "↓"
        case .positive: prediction = "> 0"
        }
        return "\(series.name) \(prediction)"
    }

    public static func verdict(_ series: SeriesAggregate) -> String {
        if series.significant { return series.family == .metric ? "supports" : "significant" }
        if series.pooledP.isNaN { return "not testable" }
        return series.expectedPattern ? "direction only" : (series.family == .metric ? "against" : "no")
    }

    /// The terminal's table of the seed's metrics (and any control
    /// differences), then the verdict's basis.
    public static func render(_ results: AggregateResults) -> String {
        let shown = results.series.filter { $0.family != .diagnostic }
        var out = ResultsTable.align([header] + shown.map(cells))
        for note in results.notes { out += "note: \(note)\n" }
        return out
    }
}
