import AtomicityMetrics
import Foundation

/// report.md: provenance, the figure, the per-depth table with null values,
/// the trend tests, the verdict and the caveats — ready to paste.
public enum MarkdownReport {
    public static func render(_ results: AnalysisResults, figure: String = AtomicityFigure.fileName) -> String {
        let input = results.input
        var out = "# Do meta-SAEs become more atomic with depth?\n\n"
        out += "**\(sentence(results.verdict.line))**\n\n"
        out += "## Input\n\n"
        out += "| | |\n|---|---|\n"
        out += "| file | `\(input.path)` |\n"
        if let bytes = input.bytes { out += "| size | \(bytes) bytes |\n" }
        out += "| examples (N) | \(input.examples) |\n"
        out += "| depths | 0 (base) + \(input.widths.count - 1) SAE depths |\n"
        out += "| widths | " + input.widths.enumerated().map { "d\($0.offset): \($0.element)" }.joined(separator: ", ") + " |\n"
        if let architecture = input.classifierArchitecture { out += "| classifier | \(architecture) |\n" }
        if let accuracy = input.classifierAccuracy { out += "| classifier test accuracy | \(String(format: "%.4f", accuracy)) |\n" }
        if let source = input.source { out += "| source | \(source) |\n" }
        if let created = input.created { out += "| created | \(created) |\n" }
        if let writtenBy = input.writtenBy { out += "| written by | \(writtenBy) |\n" }
        out += "| analyzed by | \(results.tool) |\n\n"

        out += "## Figure\n\n![FRI, CSP, PDS and LTES against depth](\(figure))\n\n"

        out += "## Metrics per depth\n\n"
        let metrics = Metric.allCases
        var header = ["depth", "width"] + metrics.map(\.rawValue) + ["ODM", "mean L0", "alive latents"]
        if results.nullModels != nil { header += metrics.map { "null \($0.rawValue) (mean ± sd)" } }
        out += "| " + header.joined(separator: " | ") + " |\n"
        out += "|" + header.map { _ in "---" }.joined(separator: "|") + "|\n"
        for row in results.depths {
            var cells = ["\(row.depth)", "\(row.width)"] + metrics.map { row.value($0).map { format($0, digits: 4) } ?? "–" }
            cells.append(row.ODM.map { format($0, digits: 4) } ?? "–")
            cells.append(row.meanL0.map { format($0, digits: 3) } ?? "–")
            cells.append(row.aliveLatents.map { "\($0)/\(row.width)" } ?? "–")
            if let nulls = results.nullModels {
                cells += metrics.map { metric in
                    nulls.depths.statistic(metric.rawValue, depth: row.depth).map { "\(format($0.mean, digits: 4)) ± \(format($0.std, digits: 4))" } ?? "–"
                }
            }
            out += "| " + cells.joined(separator: " | ") + " |\n"
        }
        out += "\n"

        out += "## Trend tests (Spearman's ρ against depth)\n\n"
        out += "| metric | expected | n | ρ | t-test p | exact p |\n|---|---|---|---|---|---|\n"
        for metric in metrics {
            guard let test = results.trends[metric.rawValue] else { continue }
            out += "| \(metric.rawValue) | \(metric.expectation) | \(test.n) | \(format(test.rho)) | \(format(test.pValue)) | \(format(test.pExact))\(test.exact ? "" : " (sampled)") |\n"
        }
        out += "\n"

        out += "## Verdict\n\n"
        out += "Judged by the seed's rule: FRI, CSP and LTES should rise with depth and PDS be positive at every depth ≥ 2. "
        out += "Significance: \(results.verdict.basis).\n\n"
        for finding in results.verdict.findings {
            let mark = finding.significant ? "✅" : (finding.expectedPattern ? "➖" : "❌")
            out += "- \(mark) **\(finding.metric.rawValue)**: \(finding.explanation)\n"
        }
        out += "\n**Conclusion: \(results.verdict.conclusion)** — \(results.verdict.supporting) of \(results.verdict.evaluated) metrics show the expected pattern significantly; \(results.verdict.expectedPatternCount) of \(results.verdict.evaluated) point in the expected direction.\n\n"
        out += "This conclusion rests on one training seed, which is not a replication: the same seed on another machine can move ρ "
            + "across the significance threshold. `metasae run --seeds 0-9` trains ten independent experiments and "
            + "`metasae aggregate` pools them (Page's trend test over seeds, intervals, Holm over metrics).\n\n"

        out += controlsSection(results)
        out += DiagnosticStatements.section(results)

        out += "## Caveats\n\n"
        for caveat in Caveats.list(for: results) { out += "- \(caveat)\n" }
        return out
    }

    /// Each control beside the cascade: its values, the cascade's
    /// difference, and what the trend of that difference says.
    static func controlsSection(_ results: AnalysisResults) -> String {
        guard let controls = results.controls, !controls.isEmpty else { return "" }
        let metrics = results.settings.metrics.sorted()
        var out = "## Controls\n\n"
        out += "Each statement below rests on the control it names: the cascade's value minus the control's, tested against depth "
            + "(Spearman's ρ, exact permutation p).\n\n"
        for control in controls {
            out += "### Against the \(control.kind.rawValue)\n\n\(sentence(control.description)).\n\n"
            let header = ["depth"] + metrics.flatMap { ["\($0.rawValue) control", "\($0.rawValue) Δ"] } + (control.depths != nil ? ["control L0", "control alive"] : [])
            out += "| " + header.joined(separator: " | ") + " |\n|" + header.map { _ in "---" }.joined(separator: "|") + "|\n"
            for difference in control.differences {
                var cells = ["\(difference.depth)"]
                for metric in metrics {
                    cells.append(control.value(metric.rawValue, depth: difference.depth).map { format($0, digits: 4) } ?? "–")
                    cells.append(difference.values[metric.rawValue].map { format($0, digits: 4) } ?? "–")
                }
                if let row = control.depths?.first(where: { $0.depth == difference.depth }) {
                    cells.append(row.meanL0.map { format($0, digits: 3) } ?? "–")
                    cells.append(row.aliveLatents.map { "\($0)/\(row.width)" } ?? "–")
                } else if control.depths != nil {
                    cells += ["–", "–"]
                }
                out += "| " + cells.joined(separator: " | ") + " |\n"
            }
            out += "\n"
            for finding in ControlStatements.findings(for: control, metrics: metrics) { out += "- \(finding)\n" }
            out += "\n"
        }
        return out
    }
}
