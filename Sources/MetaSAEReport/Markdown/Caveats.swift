import AtomicityMetrics
import Foundation

/// The limits a reader should know, derived from the results themselves.
public enum Caveats {
    public static func list(for results: AnalysisResults) -> [String] {
        var caveats: [String] = []
        let depths = results.saeDepths
        let n = depths.count
        if n < 2 {
            caveats.append("Only \(n) SAE depth: no trend can be tested.")
        } else {
            let smallest = SpearmanTest.smallestPossibleP(n: n)
            var text = "Only \(n) SAE depths, so the smallest possible two-sided exact permutation p is 2/\(n)! = \(format(smallest))"
            if smallest >= 0.05 { text += ", which can never reach 0.05: no trend can be significant by the exact test" }
            caveats.append(text + ". The verdict rests on the exact p; the t-test p is shown for comparison with scipy.")
        }
        for (name, test) in results.trends.sorted(by: { $0.key < $1.key }) where abs(test.rho) == 1 && test.pValue == 0 {
            caveats.append("\(name): ρ = \(format(test.rho)) makes scipy's t-test p exactly 0 at any number of depths; the exact p (\(format(test.pExact))) is the honest figure.")
        }
        for (name, test) in results.trends.sorted(by: { $0.key < $1.key }) where !test.exact {
            caveats.append("\(name): exact p was estimated from random orderings (more than \(SpearmanTest.exactLimit) depths).")
        }
        for metric in results.settings.metrics {
            let values = depths.compactMap { row in row.value(metric).map { (row.depth, $0) } }
            let nonFinite = values.filter { !$0.1.isFinite }
            if !nonFinite.isEmpty {
                caveats.append("\(metric.rawValue) is not finite at depth \(nonFinite.map { "\($0.0)" }.joined(separator: ", "))"
                    + (metric == .FRI ? " (−∞: no evaluated example had two or more active latents)" : "") + ".")
            }
            let finite = values.map(\.1).filter(\.isFinite)
            if finite.count >= 2 && Set(finite).count == 1 {
                caveats.append("\(metric.rawValue) is constant across depths (\(format(finite[0]))): its trend is undefined.")
            }
            if let nulls = results.nullModels {
                let inside = values.filter { depth, value in
                    guard let statistic = nulls.depths.statistic(metric.rawValue, depth: depth) else { return false }
                    return abs(value - statistic.mean) <= statistic.std
                }
                if !values.isEmpty && inside.count == values.count {
                    caveats.append("\(metric.rawValue) lies within the null band (mean ± 1 sd of random-init cascades) at every depth: it does not distinguish trained SAEs from random ones.")
                } else if inside.count > 0 {
                    caveats.append("\(metric.rawValue) lies within the null band at depth \(inside.map { "\($0.0)" }.joined(separator: ", ")).")
                }
            }
        }
        if results.settings.metrics.contains(.PDS) {
            caveats.append("PDS(1) is 0 by the seed's definition (no depth before it), so PDS's trend includes a fixed point.")
        }
        let noLatents = depths.filter { $0.ltesLatentsUsed == 0 }.map(\.depth)
        if !noLatents.isEmpty {
            caveats.append("LTES is 0 at depth \(noLatents.map(String.init).joined(separator: ", ")) because no latent was active often enough in the evaluated examples (degenerate, not a measurement).")
        }
        let sparseFRI = depths.filter { ($0.friExamplesUsed ?? 1) == 0 || (($0.friExamplesSeen ?? 0) > 0 && Double($0.friExamplesUsed ?? 0) < 0.5 * Double($0.friExamplesSeen ?? 1)) }
        if !sparseFRI.isEmpty {
            caveats.append("FRI used fewer than half of its examples at depth \(sparseFRI.map { "\($0.depth)" }.joined(separator: ", ")) (the others had at most one active latent).")
        }
        if results.nullModels == nil {
            caveats.append("No null models: nothing shows whether the patterns exceed what random-init cascades produce (use --null-seeds K).")
        }
        caveats.append("FRI uses the first \(results.settings.friExamples) examples and LTES the first \(results.settings.ltesExamples), as the seed does; CSP and ODM use all \(results.input.examples).")
        return caveats
    }
}

/// `text` with its first letter capitalised, to open a sentence or heading.
func sentence(_ text: String) -> String {
    text.prefix(1).uppercased() + text.dropFirst()
}
