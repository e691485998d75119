import AtomicityMetrics

/// report.md's "What else the data says": the diagnostics per depth and,
/// from their numbers, what each shows beside the seed's metrics.
enum DiagnosticStatements {
    static func section(_ results: AnalysisResults, figure: String = DiagnosticsFigure.fileName) -> String {
        let rows = results.depths.filter { $0.diagnostics != nil }
        guard !rows.isEmpty else { return "" }
        var out = "## What else the data says\n\n"
        out += "The seed's metrics mostly follow firing frequency and L0. These measures, computed over the same examples, "
            + "are what a reviewer checks beside them (definitions: the README's \"Diagnostics\" section).\n\n"
        out += "![Diagnostics against depth](\(figure))\n\n"
        out += table(rows)
        let statements = [ltes(rows), interference(rows), selectivity(rows), correlation(rows, examples: results.input.examples),
                          duplicates(rows), fidelity(rows), composition(rows), metaSAE(rows)].compactMap { $0 }
        for statement in statements { out += "- \(statement)\n" }
        return out + "\n"
    }

    static let columns: [(title: String, value: @Sendable (DepthDiagnostics) -> String?)] = [
        ("IR", { $0.interferenceRatio.map { format($0, digits: 4) } }),
        ("FVU₀", { $0.cumulativeFVU.map { format($0, digits: 4) } }),
        ("accuracy on G_d(z)", { $0.reconstructionAccuracy.map { format($0, digits: 4) } }),
        ("ODM⁺", { $0.odmPositive.map { format($0, digits: 4) } }),
        ("ODM⁻", { $0.odmNegative.map { format($0, digits: 4) } }),
        ("ODM alive", { $0.odmAlive.map { format($0, digits: 4) } }),
        ("duplicate pairs", { $0.duplicatePairs.map(String.init) }),
        ("inherited", { $0.inheritedShare.map { format($0, digits: 3) } }),
        ("CSP alive", { $0.cspAlive.map { format($0, digits: 4) } }),
        ("CSP shuffled labels", { $0.cspPermutedLabels.map { format($0, digits: 4) } }),
        ("LTES f̄", { $0.ltesMeanFrequency.map { format($0, digits: 3) } }),
        ("LTES q̄", { $0.ltesMeanSpread.map { format($0, digits: 3) } }),
        ("PR", { $0.participationRatio.map { format($0, digits: 3) } }),
        ("negative mass", { $0.negativeMass.map { format($0, digits: 3) } }),
        ("OMP share", { $0.ompExplainedShare.map { format($0, digits: 3) } }),
        ("OMP random", { $0.ompRandomShare.map { format($0, digits: 3) } }),
        ("meta-SAE", { $0.metaSAEExplained.map { format($0, digits: 3) } }),
        ("meta-SAE random", { $0.metaSAERandom.map { format($0, digits: 3) } }),
    ]

    static func table(_ rows: [DepthMetrics]) -> String {
        let used = columns.filter { column in rows.contains { column.value($0.diagnostics!) != nil } }
        var out = "| depth | " + used.map(\.title).joined(separator: " | ") + " |\n"
        out += "|---|" + used.map { _ in "---" }.joined(separator: "|") + "|\n"
        for row in rows {
            out += "| \(row.depth) | " + used.map { $0.value(row.diagnostics!) ?? "–" }.joined(separator: " | ") + " |\n"
        }
        return out + "\n"
    }

    /// (depth, value) for the depths where `value` is present.
    static func series(_ rows: [DepthMetrics], _ value: (DepthDiagnostics) -> Double?) -> [(depth: Int, value: Double)] {
        rows.compactMap { row in value(row.diagnostics!).map { (row.depth, $0) } }
    }

    /// "a at depth 1 and b at depth 4", or one value, from a series.
    static func span(_ points: [(depth: Int, value: Double)], digits: Int = 3) -> String {
        guard let first = points.first, let last = points.last else { return "" }
        if points.count == 1 { return "\(format(first.value, digits: digits)) at depth \(first.depth)" }
        return "\(format(first.value, digits: digits)) at depth \(first.depth) and \(format(last.value, digits: digits)) at depth \(last.depth)"
    }

    static func ltes(_ rows: [DepthMetrics]) -> String? {
        let checked = rows.compactMap { row in row.diagnostics!.ltesConsistencyIsFrequency.map { (row.depth, $0) } }
        guard !checked.isEmpty else { return nil }
        let frequency = span(series(rows) { $0.ltesMeanFrequency })
        let spread = span(series(rows) { $0.ltesMeanSpread })
        if checked.allSatisfy(\.1) {
            return "LTES consistency equals activation frequency at every depth (|Co_j − f_j| < 1e-6 for every latent it used): "
                + "LTES here measures how often latents fire (mean frequency \(frequency)) and how widely doubling one moves the "
                + "output (mean spread \(spread)), not how cleanly a latent acts."
        }
        let held = checked.filter(\.1).map { String($0.0) }
        return "LTES consistency equals activation frequency at \(held.isEmpty ? "no depth" : "depths " + held.joined(separator: ", ")) "
            + "(mean frequency \(frequency); mean spread \(spread))."
    }

    static func interference(_ rows: [DepthMetrics]) -> String? {
        let points = series(rows) { $0.interferenceRatio }
        guard !points.isEmpty else { return nil }
        return "The interference ratio is \(span(points)) (0: the active latents' contributions are orthogonal). "
            + "FRI measures reconstruction energy and is best for a decoder that outputs nothing; IR does not change when a0 and the decoders are scaled."
    }

    static func selectivity(_ rows: [DepthMetrics]) -> String? {
        let pairs = rows.filter { $0.depth >= 1 }.compactMap { row -> (Int, Double, Double)? in
            guard let csp = row.CSP, let shuffled = row.diagnostics!.cspPermutedLabels else { return nil }
            return (row.depth, csp, shuffled)
        }
        guard !pairs.isEmpty else { return nil }
        let near = pairs.filter { $0.1 <= 1.1 * $0.2 }.map { String($0.0) }
        let ratios = pairs.compactMap { $0.2 > 0 ? $0.1 / $0.2 : nil }
        var text = near.isEmpty
            ? "CSP exceeds its shuffled-label level at every depth"
                + (ratios.isEmpty ? "" : ", by a factor of \(format(ratios.min()!, digits: 3))–\(format(ratios.max()!, digits: 3))")
            : "CSP is within 10% of its shuffled-label level at depth\(near.count > 1 ? "s" : "") \(near.joined(separator: ", ")): "
                + "there, class selectivity is what the firing pattern gives with the labels shuffled"
        if let base = rows.first(where: { $0.depth == 0 })?.diagnostics?.cspAllLatents {
            text += "; depth 0 itself has CSP \(format(base, digits: 4))"
        }
        return text + "."
    }

    static func correlation(_ rows: [DepthMetrics], examples: Int) -> String? {
        guard let last = rows.last, let odm = last.ODM, let level = last.diagnostics!.independenceLevel,
              let negative = last.diagnostics!.odmNegative else { return nil }
        var text = "At depth \(last.depth), ODM is \(format(odm, digits: 4)), \(format(odm / level, digits: 3))× the mean |r| "
            + "independent columns reach with N = \(examples) (\(format(level, digits: 4))); "
            + "\(format(odm > 0 ? 100 * negative / odm : 0, digits: 1))% of it is negative correlation."
        let dead = rows.filter { $0.depth >= 1 }.compactMap { row in row.diagnostics!.aliveLatents.map { (row.depth, row.width - $0) } }
            .filter { $0.1 > 0 }
        if !dead.isEmpty {
            text += " Dead latents (never active): " + dead.map { "\($0.1) at depth \($0.0)" }.joined(separator: ", ")
                + "; they enter every mean the seed takes, and ODM and CSP over alive latents leave them out."
        }
        return text
    }

    static func duplicates(_ rows: [DepthMetrics]) -> String? {
        let pairs = rows.compactMap { row in row.diagnostics!.duplicatePairs.map { (row.depth, $0) } }
        let inherited = series(rows) { $0.inheritedShare }
        guard !pairs.isEmpty else { return nil }
        var text = "Pairs of latents with r > 0.9 within a depth: " + pairs.map { "\($0.1) at depth \($0.0)" }.joined(separator: ", ") + "."
        if !inherited.isEmpty {
            text += " Share of a depth's alive latents that copy a latent one depth below (r > 0.9): "
                + inherited.map { "\(format(100 * $0.value, digits: 1))% at depth \($0.depth)" }.joined(separator: ", ") + "."
        }
        return text
    }

    static func fidelity(_ rows: [DepthMetrics]) -> String? {
        let fvu = series(rows) { $0.cumulativeFVU }
        guard let first = fvu.first, let last = fvu.last else { return nil }
        let trend = fvu.count < 2 ? "" : (last.value > first.value ? ": reconstruction error compounds with depth" : ": it does not grow with depth")
        var text = "Reconstructing depth 0 through the decoder chain leaves FVU₀ = \(span(fvu))\(trend)."
        let accuracy = series(rows) { $0.reconstructionAccuracy }
        if !accuracy.isEmpty, let base = rows.compactMap({ $0.diagnostics!.baseAccuracy }).first {
            text += " The classifier's accuracy on the reconstruction is \(span(accuracy)), against \(format(base, digits: 4)) on a0."
        }
        return text
    }

    static func composition(_ rows: [DepthMetrics]) -> String? {
        let omp = series(rows) { $0.ompExplainedShare }
        guard !omp.isEmpty else { return nil }
        let random = rows.compactMap { $0.diagnostics!.ompRandomShare }.first
        var text = "On average, four depth-1 directions (OMP) explain a share of each composite direction's squared norm of \(span(omp))"
            + (random.map { ", against \(format($0, digits: 3)) for random unit vectors" } ?? "") + "."
        let participation = series(rows) { $0.participationRatio }
        if !participation.isEmpty {
            text += " The median participation ratio of a W_dec row (how many latents one depth below it draws on) is \(span(participation))"
            let negative = series(rows) { $0.negativeMass }
            if !negative.isEmpty { text += ", with negative mass \(span(negative))" }
            text += "."
        }
        return text
    }

    static func metaSAE(_ rows: [DepthMetrics]) -> String? {
        let explained = series(rows) { $0.metaSAEExplained }
        guard !explained.isEmpty else { return nil }
        let random = series(rows) { $0.metaSAERandom }
        return "A decoder-row meta-SAE (BatchTopK on the unit-normed composite directions) explains \(span(explained)) of their variance"
            + (random.isEmpty ? "" : ", against \(span(random)) for random unit vectors") + "."
    }
}
