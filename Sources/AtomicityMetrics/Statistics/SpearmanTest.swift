import Foundation
import LinearAlgebra
/// Spearman's rank correlation of a metric against depth, with scipy's
/// t-approximation p-value and the exact permutation p-value.
public struct SpearmanTest: Sendable, Codable, Equatable {
    public var n: Int
    public var rho: Double
    /// Two-sided p from Student's t with n − 2 degrees of freedom (scipy's
    /// `spearmanr`). It is 0 for ρ = ±1 at any n, which overstates a few depths.
    public var pValue: Double
    /// Two-sided exact permutation p: the share of the n! orderings with
    /// |ρ| at least as large. Sampled (`exact` false) above `exactLimit`.
    public var pExact: Double
    public var exact: Bool
    /// The smallest two-sided permutation p possible with n distinct values.
    public var smallestPossibleP: Double

    public static let exactLimit = 9

    /// 2/n!: only the two perfectly ordered rankings reach |ρ| = 1. In
    /// logarithms, so any n works (an Int factorial overflows at n = 21).
    public static func smallestPossibleP(n: Int) -> Double {
        n >= 2 ? min(1, exp(log(2) - lgamma(Double(n) + 1))) : 1
    }

    public init(depths: [Double], values: [Double], samples: Int = 200_000) {
        n = depths.count
        let x = averageRanks(depths)
        let y = averageRanks(values)
        rho = values.contains(where: { $0.isNaN }) ? .nan : pearsonCorrelation(x, y)
        pValue = Self.tApproximation(rho: rho, n: n)
        smallestPossibleP = Self.smallestPossibleP(n: n)
        exact = n <= Self.exactLimit
        pExact = rho.isNaN ? .nan : Self.permutationP(x, y, observed: rho, samples: samples, exact: exact)
    }

    static func tApproximation(rho: Double, n: Int) -> Double {
        guard n > 2, !rho.isNaN else { return .nan }
        let degrees = Double(n - 2)
        if abs(rho) >= 1 { return 0 }
        let t = rho * (degrees / ((1 - rho) * (1 + rho))).squareRoot()
        return StudentT.twoSidedP(t: t, degrees: degrees)
    }

    /// Counts orderings of `y` whose |ρ| reaches |observed| (ties within 1e-12).
    static func permutationP(_ x: [Double], _ y: [Double], observed: Double, samples: Int, exact: Bool) -> Double {
        let target = abs(observed) - 1e-12
        var hits = 0
        var total = 0
        func score(_ permuted: [Double]) {
            let value = pearsonCorrelation(x, permuted)
            total += 1
            if !value.isNaN && abs(value) >= target { hits += 1 }
        }
        if exact {
            var values = y
            forEachPermutation(&values, 0, score)
        } else {
            var generator = SeededGenerator(seed: 0x5EED)
            for _ in 0..<samples { score(y.shuffled(using: &generator)) }
        }
        // A sampled p counts the observed ordering too, as scipy's
        // permutation_test does, so it is never 0.
        return exact ? Double(hits) / Double(max(total, 1)) : Double(hits + 1) / Double(total + 1)
    }
}
