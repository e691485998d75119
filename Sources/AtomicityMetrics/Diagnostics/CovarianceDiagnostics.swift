import Foundation

/// The diagnostics that read one depth's class means and co-moments: the
/// ODM split, ODM and CSP over alive latents, duplicates, and the level
/// independent columns reach.
public enum CovarianceDiagnostics {
    /// Fills the moment-based fields of `diagnostics`. `alive[j]` says
    /// whether latent j fired on any example.
    public static func fill(
        _ diagnostics: inout DepthDiagnostics, moments state: MomentAccumulator, alive: [Bool], threshold: Double
    ) {
        let moments = state.settled
        let aliveIndices = alive.indices.filter { alive[$0] }
        diagnostics.aliveLatents = aliveIndices.count
        diagnostics.cspAlive = AtomicityFormulas.conceptSelectivity(moments, latents: aliveIndices)
        diagnostics.independenceLevel = moments.count >= 2 ? (2 / (Double.pi * Double(moments.count - 1))).squareRoot() : nil
        let split = odmSplit(moments, latents: Array(0..<moments.width))
        diagnostics.odmPositive = split?.positive
        diagnostics.odmNegative = split?.negative
        diagnostics.odmAlive = odmSplit(moments, latents: aliveIndices).map { $0.positive + $0.negative }
        diagnostics.duplicatePairs = duplicatePairs(moments, latents: aliveIndices, above: threshold)
    }

    /// Means of max(Σᵢⱼ, 0) and max(−Σᵢⱼ, 0) over ordered pairs i ≠ j of
    /// `latents`, with the seed's normalisation Σ = cov / (√diag·√diagᵀ + 1e-8);
    /// nil below two latents or two rows.
    static func odmSplit(_ moments: MomentAccumulator, latents: [Int]) -> (positive: Double, negative: Double)? {
        let width = moments.width
        guard latents.count >= 2, moments.count >= 2 else { return nil }
        let denominator = Double(moments.count - 1)
        let scale = latents.map { (moments.comoment[$0 * width + $0] / denominator).squareRoot() }
        var positive = 0.0
        var negative = 0.0
        for a in 0..<latents.count {
            for b in (a + 1)..<latents.count {
                let (i, j) = (min(latents[a], latents[b]), max(latents[a], latents[b]))
                let value = moments.comoment[i * width + j] / denominator / (scale[a] * scale[b] + 1e-8)
                if value > 0 { positive += value } else { negative -= value }
            }
        }
        let pairs = Double(latents.count) * Double(latents.count - 1) / 2
        return (positive / pairs, negative / pairs)
    }

    /// Unordered pairs of `latents` whose Pearson r exceeds `threshold`.
    static func duplicatePairs(_ moments: MomentAccumulator, latents: [Int], above threshold: Double) -> Int? {
        guard moments.count >= 2 else { return nil }
        var count = 0
        forEachCorrelation(moments, latents: latents) { _, _, r in if r > threshold { count += 1 } }
        return count
    }

    /// Pearson r of every unordered pair (i < j) of `latents` (increasing)
    /// from the co-moments; pairs with a latent that never varies are skipped.
    static func forEachCorrelation(_ moments: MomentAccumulator, latents: [Int], _ body: (Int, Int, Double) -> Void) {
        let width = moments.width
        let variance = latents.map { moments.comoment[$0 * width + $0] }
        for a in latents.indices where variance[a] > 0 {
            for b in (a + 1)..<latents.count where variance[b] > 0 {
                let (i, j) = (min(latents[a], latents[b]), max(latents[a], latents[b]))
                body(i, j, moments.comoment[i * width + j] / (variance[a] * variance[b]).squareRoot())
            }
        }
    }
}
