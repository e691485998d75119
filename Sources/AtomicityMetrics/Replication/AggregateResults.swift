/// Everything `aggregate` produced: written to aggregate.json.
public struct AggregateResults: Codable, Sendable {
    public struct BootstrapSettings: Codable, Sendable, Equatable {
        public var resamples: Int
        public var seed: UInt64
    }

    public var tool: String
    public var inputs: [SeedInput]
    /// The analysis settings every seed shares.
    public var settings: AnalysisSettings
    public var alpha: Double
    public var bootstrap: BootstrapSettings
    /// The seed's metrics first, then diagnostics, then control differences.
    public var series: [SeriesAggregate]
    /// Each control's own level of each metric, for the figure.
    public var references: [ReferenceLevel]
    public var verdict: ReplicatedVerdict
    /// What a reader must know: controls left out, seeds that look identical.
    public var notes: [String]

    public func series(_ family: ReplicatedSeries.Family) -> [SeriesAggregate] {
        series.filter { $0.family == family }
    }
}
