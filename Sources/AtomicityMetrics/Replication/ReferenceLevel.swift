/// A control's own level of a metric across seeds (its mean per seed, for
/// nulls), for drawing beside the cascade: never tested on its own.
public struct ReferenceLevel: Codable, Sendable {
    public var control: String
    public var metric: String
    public var perDepth: [SeriesAggregate.DepthSummary]

    /// Every control present in all seeds, for each of the seed's metrics.
    static func extract(from seeds: [SeedResults]) -> [ReferenceLevel] {
        let depths = seeds[0].results.saeDepths.map(\.depth)
        var levels: [ReferenceLevel] = []
        for kind in ControlResults.Kind.allCases {
            let controls = seeds.compactMap { $0.results.controls?.first { $0.kind == kind } }
            guard controls.count == seeds.count else { continue }
            for metric in Metric.allCases {
                let rows: [SeriesAggregate.DepthSummary] = depths.compactMap { depth in
                    let column = controls.compactMap { $0.value(metric.rawValue, depth: depth) }
                    guard column.count == seeds.count else { return nil }
                    return .init(column, depth: depth)
                }
                if !rows.isEmpty { levels.append(ReferenceLevel(control: kind.rawValue, metric: metric.rawValue, perDepth: rows)) }
            }
        }
        return levels
    }
}

extension SeriesAggregate.DepthSummary {
    /// The mean over seeds of `column` and its 95% t interval.
    init(_ column: [Double], depth: Int) {
        self.init(depth: depth, mean: column.reduce(0, +) / Double(column.count),
                  interval: StudentT.meanInterval(column).map { [$0.lowerBound, $0.upperBound] }, values: column)
    }
}
