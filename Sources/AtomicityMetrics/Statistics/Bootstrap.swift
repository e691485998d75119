import LinearAlgebra

/// A seeded percentile bootstrap of a mean over blocks (seeds): resample
/// the blocks with replacement, take the mean, and read the 2.5% and
/// 97.5% quantiles (linear interpolation, as NumPy's default).
public enum Bootstrap {
    public static let resamples = 10_000

    public static func meanInterval(_ values: [Double], seed: UInt64, resamples: Int = resamples,
                                    level: Double = 0.95) -> ClosedRange<Double>? {
        let finite = values.filter(\.isFinite)
        guard finite.count >= 2 else { return nil }
        var generator = SeededGenerator(seed: seed)
        var means = [Double](repeating: 0, count: resamples)
        for index in 0..<resamples {
            var sum = 0.0
            for _ in 0..<finite.count { sum += finite[Int(generator.next() % UInt64(finite.count))] }
            means[index] = sum / Double(finite.count)
        }
        means.sort()
        let tail = (1 - level) / 2
        return quantile(means, tail)...quantile(means, 1 - tail)
    }

    /// NumPy's default ("linear") quantile of sorted values.
    static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        let position = q * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(sorted.count - 1, lower + 1)
        return sorted[lower] + (position - Double(lower)) * (sorted[upper] - sorted[lower])
    }
}
