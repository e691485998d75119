/// The seed's per-depth formulas applied to accumulated states.
public enum AtomicityFormulas {
    /// Off-diagonal mass of the normalised covariance: the mean |Σᵢⱼ| over
    /// i ≠ j, with Σ = cov / (√diag·√diagᵀ + 1e-8) and cov = M₂ / (N − 1).
    /// NaN when it is undefined (F < 2 or N < 2).
    public static func offDiagonalMass(_ state: MomentAccumulator) -> Double {
        let moments = state.settled
        let width = moments.width
        guard width >= 2, moments.count >= 2 else { return .nan }
        let denominator = Double(moments.count - 1)
        let scale = (0..<width).map { (moments.comoment[$0 * width + $0] / denominator).squareRoot() }
        var total = 0.0
        for i in 0..<width {
            for j in (i + 1)..<width {
                let covariance = moments.comoment[i * width + j] / denominator
                total += abs(covariance / (scale[i] * scale[j] + 1e-8))
            }
        }
        // Each unordered pair appears twice in the full matrix.
        return 2 * total / (Double(width) * Double(width - 1))
    }

    /// Concept selectivity: per feature, (top − second) / top of the class
    /// means when top > 0, else 0; averaged over all features.
    public static func conceptSelectivity(_ moments: MomentAccumulator) -> Double {
        conceptSelectivity(moments, latents: Array(0..<moments.width))
    }

    /// CSP averaged over `latents` only (NaN when there are none).
    public static func conceptSelectivity(_ moments: MomentAccumulator, latents: [Int]) -> Double {
        conceptSelectivity(classMeans: moments.classMeans, width: moments.width, latents: latents)
    }

    /// CSP from [10 × F] class means, averaged over `latents`.
    static func conceptSelectivity(classMeans means: [Double], width: Int, latents: [Int]) -> Double {
        guard !latents.isEmpty else { return .nan }
        let total = latents.reduce(0) { $0 + selectivity(classMeans: means, width: width, latent: $1).score }
        return total / Double(latents.count)
    }

    /// One latent's share of CSP: (top − second) / top of its class means
    /// when top > 0, else 0; and the top class (the first among equals).
    static func selectivity(classMeans means: [Double], width: Int, latent: Int) -> (score: Double, topClass: Int) {
        var top = -Double.infinity
        var second = -Double.infinity
        var topClass = 0
        for label in 0..<MomentAccumulator.classCount {
            let value = means[label * width + latent]
            if value > top {
                second = top
                top = value
                topClass = label
            } else if value > second {
                second = value
            }
        }
        return (top > 0 ? (top - second) / top : 0, topClass)
    }
}
