import AtomicityMetrics

/// diagnostics.svg: the diagnostics against depth, each beside the level
/// it should be read against.
public enum DiagnosticsFigure {
    public static let fileName = "diagnostics.svg"

    static let reference = "#ff7f0e"

    /// A panel of one diagnostic, with an optional reference line (orange)
    /// and level (grey), nil when no depth has the diagnostic.
    static func panel(
        _ rows: [DepthMetrics], name: String, expectation: String, key: String,
        _ value: (DepthDiagnostics) -> Double?, reference: (name: String, value: (DepthDiagnostics) -> Double?)? = nil,
        level: ((DepthDiagnostics) -> Double?)? = nil
    ) -> MetricPanel? {
        let points = rows.compactMap { row in row.diagnostics.flatMap(value).map { (row.depth, $0) } }
        guard !points.isEmpty else { return nil }
        let levels = rows.compactMap { row in row.diagnostics.flatMap { level?($0) }.map { MetricPanel.NullBand(depth: row.depth, mean: $0, std: 0) } }
        var panel = MetricPanel(metric: name, expectation: expectation, points: points, nulls: levels, trend: nil)
        if let reference {
            panel.controls = [MetricPanel.ControlBand(name: reference.name, color: Self.reference, points: rows.compactMap { row in
                row.diagnostics.flatMap(reference.value).map { MetricPanel.NullBand(depth: row.depth, mean: $0, std: 0) }
            })]
        }
        panel.statisticsText = key
        return panel
    }

    public static func panels(for results: AnalysisResults) -> [MetricPanel] {
        let sae = results.saeDepths
        let all = results.depths
        return [
            panel(sae, name: "IR", expectation: "0 when contributions are orthogonal", key: "interference ratio over FRI's examples",
                  { $0.interferenceRatio }),
            panel(sae, name: "FVU₀", expectation: "rises if errors compound", key: "depth 0 through the decoder chain",
                  { $0.cumulativeFVU }),
            panel(all, name: "ODM⁺", expectation: "falls toward independence", key: "orange: ODM⁻ · grey: independent columns",
                  { $0.odmPositive }, reference: ("ODM⁻", { $0.odmNegative }), level: { $0.independenceLevel }),
            panel(all, name: "CSP alive", expectation: "above shuffled labels", key: "orange: CSP with shuffled labels",
                  { $0.cspAlive }, reference: ("shuffled labels", { $0.cspPermutedLabels })),
            panel(sae, name: "inherited", expectation: "share copying a latent below", key: "share of alive latents with r > 0.9 one depth below",
                  { $0.inheritedShare }),
            panel(sae, name: "OMP share", expectation: "1 if built from few depth-1 directions", key: "orange: random unit vectors",
                  { $0.ompExplainedShare }, reference: ("random", { $0.ompRandomShare })),
            panel(sae, name: "meta-SAE", expectation: "share of composite-direction variance", key: "orange: random unit vectors",
                  { $0.metaSAEExplained }, reference: ("random", { $0.metaSAERandom })),
        ].compactMap { $0 }
    }

    /// nil when the results carry no diagnostics.
    public static func svg(for results: AnalysisResults) -> String? {
        let panels = panels(for: results)
        guard !panels.isEmpty else { return nil }
        let title = "Diagnostics by depth — \(results.input.path.split(separator: "/").last.map(String.init) ?? results.input.path)"
        let legend = "blue: trained cascade · orange: the level it is read against · grey: the mean |r| of independent columns · red dashed: least-squares trend"
        return AtomicityFigure.document(title: title, legend: legend, panels: panels)
    }
}
