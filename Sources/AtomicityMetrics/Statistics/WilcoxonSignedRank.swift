import Foundation

/// The Wilcoxon signed-rank test that a paired difference tends to be
/// positive, as `scipy.stats.wilcoxon(d, alternative='greater')` computes it
/// (scipy 1.17): zeros dropped ('wilcox'), average ranks of |d|, statistic
/// r⁺; `method='auto'`: asymptotic above 50 differences, else exact without
/// ties or zeros, else (up to 13) the exact permutation distribution of r⁺
/// over every sign flip, else asymptotic (no continuity correction).
public struct WilcoxonSignedRank: Sendable, Codable, Equatable {
    public enum Method: String, Sendable, Codable { case exact, permutation, asymptotic }

    /// Differences given, and those that were not 0.
    public var count: Int
    public var nonZero: Int
    /// r⁺: the rank sum of the positive differences.
    public var statistic: Double
    public var pValue: Double
    public var method: Method

    /// nil for no differences or a NaN among them.
    public init?(_ differences: [Double]) {
        guard !differences.isEmpty, !differences.contains(where: { $0.isNaN }) else { return nil }
        count = differences.count
        let kept = differences.filter { $0 != 0 }
        nonZero = kept.count
        let ranks = averageRanks(kept.map(abs))
        statistic = zip(kept, ranks).reduce(0) { $0 + ($1.0 > 0 ? $1.1 : 0) }
        let ties = Set(ranks).count < ranks.count
        if count > 50 {
            method = .asymptotic
        } else if !ties && nonZero == count {
            method = .exact
        } else if count <= 13 {
            method = .permutation
        } else {
            method = .asymptotic
        }
        guard nonZero > 0 else {
            // Every difference 0: scipy's statistic is 0 and nothing is above it.
            pValue = method == .asymptotic ? .nan : 1
            return
        }
        switch method {
        case .exact:
            pValue = Self.exactSurvival(Int(statistic.rounded(.down)), n: nonZero)
        case .permutation:
            pValue = Self.signFlipSurvival(statistic, ranks: ranks)
        case .asymptotic:
            let n = Double(nonZero)
            let mean = n * (n + 1) / 4
            var tieCorrection = 0.0
            var counts: [Double: Int] = [:]
            for rank in ranks { counts[rank, default: 0] += 1 }
            for t in counts.values where t > 1 { tieCorrection += Double(t * t * t - t) }
            let se = ((n * (n + 1) * (2 * n + 1) - tieCorrection / 2) / 24).squareRoot()
            pValue = Normal.sf((statistic - mean) / se)
        }
    }

    /// P(T⁺ ≥ k) for n untied differences: every subset of 1…n equally likely.
    static func exactSurvival(_ k: Int, n: Int) -> Double {
        let maximum = n * (n + 1) / 2
        var counts = [Double](repeating: 0, count: maximum + 1)
        counts[0] = 1
        for rank in 1...n {
            for total in stride(from: maximum, through: rank, by: -1) { counts[total] += counts[total - rank] }
        }
        let all = pow(2, Double(n))
        guard k <= maximum else { return 0 }
        return counts[max(0, k)...].reduce(0, +) / all
    }

    /// The share of the 2ⁿ sign assignments whose r⁺ reaches the observed
    /// one (with scipy's relative tolerance of 100 ε), the observed included.
    static func signFlipSurvival(_ observed: Double, ranks: [Double]) -> Double {
        let n = ranks.count
        let tolerance = abs(observed) * Double.ulpOfOne * 100
        var reaching = 0
        for mask in 0..<(1 << n) {
            var sum = 0.0
            for bit in 0..<n where mask & (1 << bit) != 0 { sum += ranks[bit] }
            if sum >= observed - tolerance { reaching += 1 }
        }
        return Double(reaching) / Double(1 << n)
    }
}
