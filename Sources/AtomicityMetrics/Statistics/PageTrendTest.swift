import Foundation

/// Page's L test for an increasing trend across ordered treatments (depths)
/// within blocks (seeds), as `scipy.stats.page_trend_test(data)` computes
/// it: each block ranked (average ranks for ties), L = Σ_j j · R_j with
/// R_j the rank sum of treatment j, one-sided, and `method='auto'`'s
/// choice of the exact or the asymptotic p.
public struct PageTrendTest: Sendable, Codable, Equatable {
    public enum Method: String, Sendable, Codable { case exact, asymptotic }

    public var blocks: Int
    public var treatments: Int
    public var statistic: Double
    public var pValue: Double
    public var method: Method

    /// `data[block][treatment]`; nil below 2 blocks or 3 treatments (scipy
    /// refuses those), or with a NaN or a ragged row.
    public init?(_ data: [[Double]]) {
        let m = data.count
        guard m >= 2, let n = data.first?.count, n >= 3, data.allSatisfy({ $0.count == n && !$0.contains { $0.isNaN } }) else {
            return nil
        }
        blocks = m
        treatments = n
        var columnSums = [Double](repeating: 0, count: n)
        for row in data {
            for (column, rank) in averageRanks(row).enumerated() { columnSums[column] += rank }
        }
        statistic = columnSums.enumerated().reduce(0) { $0 + Double($1.offset + 1) * $1.element }
        // scipy's `_choose_method`, after Page (1963) and Ellis (2018).
        method = n > 8 || (m > 12 && n > 3) || m > 20 ? .asymptotic : .exact
        switch method {
        case .asymptotic:
            let (mean, variance) = Self.moments(blocks: m, treatments: n)
            pValue = Normal.sf((statistic - mean) / variance.squareRoot())
        case .exact:
            pValue = Self.exactSurvival(Int(statistic), blocks: m, treatments: n)
        }
    }

    /// E[L] and Var[L] under no trend.
    static func moments(blocks m: Int, treatments n: Int) -> (Double, Double) {
        let (m, n) = (Double(m), Double(n))
        return (m * n * (n + 1) * (n + 1) / 4, m * n * n * (n + 1) * (n * n - 1) / 144)
    }

    /// P(L ≥ l): the distribution of one block's Σ j·π(j) over all n!
    /// orderings, convolved over the blocks. scipy truncates L to an
    /// integer first (`int(L)`), which matters only with ties.
    static func exactSurvival(_ l: Int, blocks m: Int, treatments n: Int) -> Double {
        let low = n * (n + 1) * (n + 2) / 6
        let total = Self.distributions.value(for: [m, n]) { Self.distribution(blocks: m, treatments: n) }
        let start = max(0, l - m * low)
        guard start < total.count else { return 0 }
        return min(1, total[start...].reduce(0, +))
    }

    /// Exact distributions already computed, by [blocks, treatments].
    static let distributions = Memo<[Int], [Double]>()

    /// The pmf of L, offset by m · (its least value).
    static func distribution(blocks m: Int, treatments n: Int) -> [Double] {
        let low = n * (n + 1) * (n + 2) / 6
        let high = n * (n + 1) * (2 * n + 1) / 6
        var single = [Double](repeating: 0, count: high - low + 1)
        var ranks = Array(1...n)
        var orderings = 0.0
        forEachPermutation(&ranks, 0) { ordering in
            let value = ordering.enumerated().reduce(0) { $0 + ($1.offset + 1) * $1.element }
            single[value - low] += 1
            orderings += 1
        }
        single = single.map { $0 / orderings }
        // pmf of the sum over blocks, offset by m·low.
        var total = single
        for _ in 1..<m {
            var next = [Double](repeating: 0, count: total.count + single.count - 1)
            for (i, a) in total.enumerated() where a > 0 {
                for (j, b) in single.enumerated() where b > 0 { next[i + j] += a * b }
            }
            total = next
        }
        return total
    }

    /// The mean of the blocks' Spearman ρ against treatment order, from L
    /// alone: exact when no block has ties.
    public var meanSpearmanFromL: Double {
        let (s, k) = (Double(blocks), Double(treatments))
        return 12 * statistic / (s * k * (k * k - 1)) - 3 * (k + 1) / (k - 1)
    }
}
