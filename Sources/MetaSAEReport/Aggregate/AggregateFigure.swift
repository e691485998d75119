import AtomicityMetrics

/// aggregate.svg: per metric, every seed's values (thin lines), their mean
/// with its 95% t band, and each control's mean level with its band.
public enum AggregateFigure {
    public static func panels(for results: AggregateResults) -> [MetricPanel] {
        results.series(.metric).compactMap { series in
            guard let metric = Metric(rawValue: series.name) else { return nil }
            var panel = MetricPanel(metric: metric.rawValue, expectation: metric.expectation,
                                    points: series.perDepth.map { ($0.depth, $0.mean) }, nulls: [], trend: nil)
            panel.seedLines = series.seeds.indices.map { seed in series.perDepth.map { ($0.depth, $0.values[seed]) } }
            panel.meanBand = series.perDepth.map(band)
            for level in results.references where level.metric == series.name {
                let rows = level.perDepth.filter { series.depths.contains($0.depth) }.map(band)
                if level.control == ControlResults.Kind.randomNull.rawValue {
                    panel.nulls = rows
                } else if let kind = ControlResults.Kind(rawValue: level.control) {
                    panel.controls.append(.init(name: level.control, color: AtomicityFigure.color(kind), points: rows))
                }
            }
            panel.statisticsText = statistics(series)
            return panel
        }
    }

    /// Mean ± the 95% interval's half-width.
    static func band(_ row: SeriesAggregate.DepthSummary) -> MetricPanel.NullBand {
        MetricPanel.NullBand(depth: row.depth, mean: row.mean, std: row.interval.map { ($0[1] - $0[0]) / 2 } ?? 0)
    }

    static func statistics(_ series: SeriesAggregate) -> String {
        let effect = "ρ̄ = \(format(series.meanRho))"
        switch series.direction {
        case .positive:
            return "\(effect) · \(series.stepsSignificant)/\(series.steps.count) depths > 0 · Holm p = \(format(series.pHolm))"
        case .rising, .falling:
            return "\(effect) · Page p = \(format(series.pooledP)) · Holm p = \(format(series.pHolm))"
        }
    }

    public static func svg(for results: AggregateResults) -> String {
        let title = "Meta-SAE atomicity by depth — \(results.inputs.count) seeds"
        var legend = "blue: mean over seeds with its 95% t band · thin lines: each seed · red dashed: least-squares trend of the mean"
        let controls = Set(results.references.map(\.control))
        for kind in ControlResults.Kind.allCases where controls.contains(kind.rawValue) {
            legend += " · \(AtomicityFigure.colorName(kind)): \(kind.rawValue) mean (95% band)"
        }
        return AtomicityFigure.document(title: title, legend: legend, panels: panels(for: results))
    }
}
