import AtomicityMetrics

/// The seed's 2×2 figure: FRI, CSP, PDS and LTES against depth.
public enum AtomicityFigure {
    public static let fileName = "atomicity.svg"
    public static let width = 1000.0

    public static func panels(for results: AnalysisResults) -> [MetricPanel] {
        Metric.allCases.map { metric in
            let points = results.saeDepths.compactMap { row in row.value(metric).map { (row.depth, $0) } }
            let nulls = (results.nullModels?.depths ?? []).compactMap { depth -> MetricPanel.NullBand? in
                guard let statistic = depth.metrics[metric.rawValue] else { return nil }
                return MetricPanel.NullBand(depth: depth.depth, mean: statistic.mean, std: statistic.std)
            }
            var panel = MetricPanel(metric: metric.rawValue, expectation: metric.expectation, points: points,
                                    nulls: nulls, trend: results.trends[metric.rawValue])
            panel.controls = (results.controls ?? []).filter { $0.kind != .randomNull }.map { control in
                MetricPanel.ControlBand(name: control.kind.rawValue, color: color(control.kind), points: control.differences.compactMap { difference in
                    let spread = control.statistics?.statistic(metric.rawValue, depth: difference.depth)?.std ?? 0
                    return control.value(metric.rawValue, depth: difference.depth).map {
                        MetricPanel.NullBand(depth: difference.depth, mean: $0, std: spread)
                    }
                })
            }
            return panel
        }
    }

    static func color(_ kind: ControlResults.Kind) -> String {
        switch kind {
        case .flat: return "#2ca02c"
        case .matchedNull: return "#ff7f0e"
        case .randomNull: return "#9e9e9e"
        }
    }

    static func colorName(_ kind: ControlResults.Kind) -> String {
        switch kind {
        case .flat: return "green"
        case .matchedNull: return "orange"
        case .randomNull: return "grey"
        }
    }

    public static func svg(for results: AnalysisResults) -> String {
        let title = "Meta-SAE atomicity by depth — \(results.input.path.split(separator: "/").last.map(String.init) ?? results.input.path)"
        var legend = results.nullModels != nil
            ? "blue: trained cascade · red dashed: least-squares trend · grey band: null models (mean ± 1 sd, \(results.nullModels!.seeds.count) random-init cascades)"
            : "blue: trained cascade · red dashed: least-squares trend · no null models"
        for control in (results.controls ?? []) where control.kind != .randomNull {
            legend += " · \(colorName(control.kind)): \(control.kind.rawValue)" + (control.statistics != nil ? " (mean ± 1 sd)" : "")
        }
        return document(title: title, legend: legend, panels: panels(for: results))
    }

    /// The page: title, legend and the panels two to a row.
    static func document(title: String, legend: String, panels: [MetricPanel]) -> String {
        let height = 90 + 420 * Double((panels.count + 1) / 2)
        var root = SVGElement("svg", [
            ("xmlns", "http://www.w3.org/2000/svg"), ("width", SVG.number(width)), ("height", SVG.number(height)),
            ("viewBox", "0 0 \(SVG.number(width)) \(SVG.number(height))"),
            ("font-family", "DejaVu Sans, Helvetica, Arial, sans-serif"),
        ])
        root.append(SVG.rect(0, 0, width, height, [("fill", "#ffffff")]))
        root.append(SVG.text(width / 2, 26, title, [("class", "figure-title"), ("text-anchor", "middle"), ("font-size", "17"), ("font-weight", "bold")]))
        root.append(SVG.text(width / 2, 46, legend, [("class", "legend"), ("text-anchor", "middle"), ("font-size", "11"), ("fill", "#555555")]))
        for (index, panel) in panels.enumerated() {
            let column = Double(index % 2)
            let row = Double(index / 2)
            let frame = MetricPanel.Frame(x: 90 + column * 500, y: 124 + row * 420, width: 380, height: 270)
            root.append(panel.render(in: frame))
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + root.render()
    }
}
