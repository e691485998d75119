import AtomicityMetrics
import Foundation

/// aggregate.md: the seeds, the figure, the replicated trend table, the
/// verdict with the test behind each statement, per-depth means, the step
/// tests, controls, diagnostics and the method.
public enum AggregateReport {
    public static func render(_ results: AggregateResults, figure: String = "aggregate.svg") -> String {
        let verdict = results.verdict
        var out = "# Do meta-SAEs become more atomic with depth? — \(results.inputs.count) seeds\n\n"
        out += "**\(sentence(verdict.line))**\n\n"
        out += "## Seeds\n\n| seed | results | file | examples | classifier accuracy |\n|---|---|---|---|---|\n"
        for input in results.inputs {
            out += "| \(input.seed) | `\(input.results)` | `\(input.file)` | \(input.examples) | "
                + (input.classifierAccuracy.map { String(format: "%.4f", $0) } ?? "–") + " |\n"
        }
        out += "\n## Figure\n\n![FRI, CSP, PDS and LTES against depth over seeds](\(figure))\n\n"
        out += "## Replicated trend tests\n\n" + table(results.series(.metric))
        out += "\n## Verdict\n\nJudged by the seed's rule on the pooled tests: FRI, CSP and LTES should rise with depth "
            + "and PDS be positive at every depth ≥ 2. Significance: \(verdict.basis).\n\n"
        for finding in verdict.findings {
            let mark = finding.significant ? "✅" : (finding.expectedPattern ? "➖" : "❌")
            out += "- \(mark) **\(finding.metric.rawValue)**: \(finding.explanation)\n"
        }
        out += "\n**Conclusion: \(verdict.conclusion)** — \(verdict.supporting) of \(verdict.evaluated) metrics supported by the pooled tests "
            + "after Holm's correction; \(verdict.expectedPatternCount) of \(verdict.evaluated) point in the expected direction.\n\n"
        out += perDepth(results)
        out += perSeed(results.series(.metric))
        out += steps(results.series(.metric))
        out += controls(results)
        let diagnostics = results.series(.diagnostic)
        if !diagnostics.isEmpty {
            out += "## Diagnostics\n\nMeasured beside the metrics and never part of the verdict; Holm's correction runs over these rows. "
                + "Mean L0 and alive latents falling with depth is the sparsity confound the controls address.\n\n" + table(diagnostics) + "\n"
        }
        if !results.notes.isEmpty {
            out += "## Notes\n\n" + results.notes.map { "- \($0)\n" }.joined() + "\n"
        }
        out += method(results)
        return out
    }

    static func table(_ series: [SeriesAggregate]) -> String {
        var out = "| " + AggregateTable.header.joined(separator: " | ") + " |\n|" + AggregateTable.header.map { _ in "---" }.joined(separator: "|") + "|\n"
        for row in series { out += "| " + AggregateTable.cells(row).joined(separator: " | ") + " |\n" }
        return out
    }

    /// Mean [95% CI] per depth for the metrics and diagnostics.
    static func perDepth(_ results: AggregateResults) -> String {
        let series = results.series(.metric) + results.series(.diagnostic)
        let depths = Array(Set(series.flatMap(\.depths))).sorted()
        var out = "## Per depth: mean over seeds [95% t interval]\n\n"
        out += "| depth | " + series.map(\.name).joined(separator: " | ") + " |\n|---|" + series.map { _ in "---" }.joined(separator: "|") + "|\n"
        for depth in depths {
            let cells = series.map { series -> String in
                guard let row = series.perDepth.first(where: { $0.depth == depth }) else { return "–" }
                return format(row.mean, digits: 4) + (row.interval.map { " [\(format($0[0], digits: 4)), \(format($0[1], digits: 4))]" } ?? "")
            }
            out += "| \(depth) | " + cells.joined(separator: " | ") + " |\n"
        }
        return out + "\nEvery seed's value is in aggregate-depths.csv and aggregate.json.\n\n"
    }

    /// Each seed's Spearman ρ against depth and its exact two-sided p.
    static func perSeed(_ series: [SeriesAggregate]) -> String {
        guard let seeds = series.first?.seeds else { return "" }
        var out = "## Per seed: Spearman ρ against depth (exact p)\n\n"
        out += "| seed | " + series.map(\.name).joined(separator: " | ") + " |\n|---|" + series.map { _ in "---" }.joined(separator: "|") + "|\n"
        for (index, seed) in seeds.enumerated() {
            out += "| \(seed) | " + series.map { "\(format($0.perSeed[index].rho)) (\(format($0.perSeed[index].pExact)))" }.joined(separator: " | ") + " |\n"
        }
        return out + "\n"
    }

    /// The one-sided signed-rank test of every step (or depth, for PDS).
    static func steps(_ series: [SeriesAggregate]) -> String {
        var out = "## Steps: one-sided Wilcoxon signed-rank across seeds\n\n"
            + "For a rising metric, each adjacent step's differences value(d+1) − value(d) over seeds; for PDS, each depth's values against 0. "
            + "Holm's correction runs over the steps of a metric.\n\n"
        out += "| metric | step | nonzero of S | r⁺ | method | p | p (Holm) |\n|---|---|---|---|---|---|---|\n"
        for row in series {
            for step in row.steps {
                let name = step.from.map { "\($0) → \(step.to)" } ?? "depth \(step.to) > 0"
                let test = step.test
                out += "| \(row.name) | \(name) | " + (test.map { "\($0.nonZero) of \($0.count)" } ?? "–") + " | "
                    + (test.map { format($0.statistic, digits: 1) } ?? "–") + " | \(test?.method.rawValue ?? "–") | "
                    + (test.map { format($0.pValue) } ?? "–") + " | \(format(step.pHolm))" + (step.significant ? " ✓" : "") + " |\n"
            }
        }
        return out + "\n"
    }

    static func controls(_ results: AggregateResults) -> String {
        let differences = results.series(.controlDifference)
        guard !differences.isEmpty else { return "" }
        var out = "## Against the controls: cascade − control, over seeds\n\n"
            + "Each seed's difference cascade − control at every depth, tested like the metrics (one Holm family per control). "
            + "A metric that rises with depth only because L0 falls does not rise against a control with the same L0.\n\n"
        for control in Array(Set(differences.compactMap(\.control))).sorted() {
            out += "### \(sentence(control))\n\n" + table(differences.filter { $0.control == control }) + "\n"
        }
        return out
    }

    static func method(_ results: AggregateResults) -> String {
        """
        ## Method

        - The unit of replication is the training seed: each seed's classifier, cascade, controls and null models are trained \
        independently, and its depths are one block.
        - **Page's L** (scipy.stats.page_trend_test semantics): each seed's values ranked across depths (average ranks for ties), \
        L = Σ depth-rank × rank sum, one-sided for the predicted order; exact p for small designs, else the normal approximation \
        (scipy's `method='auto'` rule).
        - **ρ̄**: the mean of the seeds' Spearman ρ against depth, with a seed-bootstrap 95% percentile interval \
        (\(results.bootstrap.resamples) resamples, seed \(results.bootstrap.seed)). Each seed's ρ and its exact two-sided p are in aggregate.json.
        - **Steps**: one-sided Wilcoxon signed-rank tests (scipy.stats.wilcoxon semantics: zeros dropped, exact without ties, \
        permutation with ties up to 13 seeds, else normal), Holm-adjusted over the steps of a metric.
        - **Holm** across the metrics' pooled tests (the verdict), separately for each control's differences and for the diagnostics.
        - **Per depth**: the mean over seeds with its 95% Student t interval.
        - α = \(results.alpha). Analysis settings shared by every seed: FRI on \(results.settings.friExamples) examples, \
        LTES on \(results.settings.ltesExamples).

        """
    }
}
