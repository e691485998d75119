import Foundation

/// Student's t distribution, through the regularised incomplete beta function.
public enum StudentT {
    /// Two-sided tail probability P(|T| ≥ |t|) with `degrees` degrees of freedom.
    public static func twoSidedP(t: Double, degrees: Double) -> Double {
        if t.isNaN || degrees <= 0 { return .nan }
        if t.isInfinite { return 0 }
        let x = degrees / (degrees + t * t)
        return regularizedIncompleteBeta(x, a: degrees / 2, b: 0.5)
    }

    /// P(T ≤ t).
    public static func cdf(_ t: Double, degrees: Double) -> Double {
        let tail = twoSidedP(t: t, degrees: degrees) / 2
        return t < 0 ? tail : 1 - tail
    }

    /// The quantile t with P(T ≤ t) = q (scipy's `t.ppf`), by bisection on the CDF.
    public static func quantile(_ q: Double, degrees: Double) -> Double {
        guard q > 0, q < 1, degrees > 0 else { return q == 0.5 ? 0 : .nan }
        var low = -1.0
        var high = 1.0
        while cdf(low, degrees: degrees) > q { low *= 2 }
        while cdf(high, degrees: degrees) < q { high *= 2 }
        for _ in 0..<200 {
            let middle = (low + high) / 2
            if cdf(middle, degrees: degrees) < q { low = middle } else { high = middle }
            if high - low <= 1e-14 * max(1, abs(middle)) { break }
        }
        return (low + high) / 2
    }

    /// The two-sided interval for a mean: mean ± t(1 − α/2, n − 1) · sd / √n
    /// (scipy's `t.interval(level, n − 1, loc=mean, scale=sem)`); nil below
    /// 2 values, and when they do not vary (scipy's nan: ±∞ × a zero scale).
    public static func meanInterval(_ values: [Double], level: Double = 0.95) -> ClosedRange<Double>? {
        let n = Double(values.count)
        guard values.count >= 2, values.allSatisfy(\.isFinite) else { return nil }
        let mean = values.reduce(0, +) / n
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        guard variance > 0 else { return nil }
        let half = quantile(1 - (1 - level) / 2, degrees: n - 1) * (variance / n).squareRoot()
        return (mean - half)...(mean + half)
    }

    /// I_x(a, b), by the continued fraction of Numerical Recipes (Lentz),
    /// accurate to ~1e-14 here.
    public static func regularizedIncompleteBeta(_ x: Double, a: Double, b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x)
        let front = exp(logFront)
        if x < (a + 1) / (a + b + 2) {
            return front * continuedFraction(x, a: a, b: b) / a
        }
        return 1 - front * continuedFraction(1 - x, a: b, b: a) / b
    }

    private static func continuedFraction(_ x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var result = d
        for m in 1...500 {
            let m = Double(m)
            let even = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
            d = 1 + even * d
            if abs(d) < tiny { d = tiny }
            c = 1 + even / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            result *= d * c
            let odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
            d = 1 + odd * d
            if abs(d) < tiny { d = tiny }
            c = 1 + odd / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let step = d * c
            result *= step
            if abs(step - 1) < 1e-16 { break }
        }
        return result
    }
}
