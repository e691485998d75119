import Foundation

/// Everything the replication analysis says about one series: per depth,
/// per seed, the pooled trend test, the effect size and the step tests.
public struct SeriesAggregate: Codable, Sendable {
    public struct DepthSummary: Codable, Sendable, Equatable {
        public var depth: Int
        public var mean: Double
        /// The 95% Student t interval of the mean over seeds.
        public var interval: [Double]?
        /// One value per seed, in `seeds` order.
        public var values: [Double]
    }

    public struct SeedTrend: Codable, Sendable, Equatable {
        public var seed: String
        public var rho: Double
        /// Two-sided exact permutation p (sampled above 9 depths).
        public var pExact: Double
    }

    /// A one-sided Wilcoxon signed-rank test across seeds: of the step from
    /// depth `from` to `to` (rising, falling), or of the value at `to` > 0
    /// (positive, where `from` is nil).
    public struct StepTest: Codable, Sendable, Equatable {
        public var from: Int?
        public var to: Int
        public var test: WilcoxonSignedRank?
        /// Holm-adjusted over the series' steps.
        public var pHolm: Double
        public var significant: Bool
    }

    public var name: String
    public var family: ReplicatedSeries.Family
    public var control: String?
    public var direction: ReplicatedSeries.Direction
    public var depths: [Int]
    public var seeds: [String]
    public var perDepth: [DepthSummary]
    public var perSeed: [SeedTrend]
    /// Page's L over seeds × depths in the predicted order (rising, falling).
    public var page: PageTrendTest?
    /// The pooled test's p: Page's for a trend; for "positive", the largest
    /// Holm-adjusted step p (every depth must be positive).
    public var pooledP: Double
    /// The test `pooledP` comes from, in words.
    public var pooledTest: String
    /// `pooledP` Holm-adjusted over the series of the same family.
    public var pHolm: Double
    public var meanRho: Double
    /// Seed-bootstrap 95% percentile interval of `meanRho`.
    public var meanRhoInterval: [Double]?
    public var seedsWithPositiveRho: Int
    public var steps: [StepTest]
    /// ρ̄ in the predicted direction, or every depth's mean > 0.
    public var expectedPattern: Bool
    /// The expected pattern with pHolm < α.
    public var significant: Bool

    public var stepsSignificant: Int { steps.filter(\.significant).count }

    /// The Holm family: the seed's metrics, the diagnostics, or one control's differences.
    public var familyKey: String { control.map { "\(family.rawValue): \($0)" } ?? family.rawValue }

    /// The single-seed verdict's level, so both judge alike.
    public static let alpha = Verdict.alpha

    /// The tests of `series`; `pHolm` and `significant` wait for the family.
    public init(_ series: ReplicatedSeries, bootstrapSeed: UInt64) {
        name = series.name
        family = series.family
        control = series.control
        direction = series.direction
        depths = series.depths
        seeds = series.seeds
        let columns = series.depths.indices.map { index in series.values.map { $0[index] } }
        perDepth = zip(series.depths, columns).map { DepthSummary($1, depth: $0) }
        let x = series.depths.map(Double.init)
        perSeed = zip(series.seeds, series.values).map { seed, row in
            let test = SpearmanTest(depths: x, values: row)
            return SeedTrend(seed: seed, rho: test.rho, pExact: test.pExact)
        }
        let rhos = perSeed.map(\.rho).filter(\.isFinite)
        meanRho = rhos.isEmpty ? .nan : rhos.reduce(0, +) / Double(rhos.count)
        meanRhoInterval = Bootstrap.meanInterval(rhos, seed: bootstrapSeed).map { [$0.lowerBound, $0.upperBound] }
        seedsWithPositiveRho = perSeed.filter { $0.rho > 0 }.count

        let oriented = series.oriented
        var tests: [(Int?, Int, WilcoxonSignedRank?)] = []
        switch series.direction {
        case .rising, .falling:
            for index in series.depths.indices.dropLast() {
                tests.append((series.depths[index], series.depths[index + 1],
                              WilcoxonSignedRank(oriented.map { $0[index + 1] - $0[index] })))
            }
        case .positive:
            for (index, depth) in series.depths.enumerated() {
                tests.append((nil, depth, WilcoxonSignedRank(oriented.map { $0[index] })))
            }
        }
        let adjusted = Holm.adjust(tests.map { $0.2?.pValue ?? .nan })
        steps = zip(tests, adjusted).map { test, p in
            StepTest(from: test.0, to: test.1, test: test.2, pHolm: p, significant: p < Self.alpha)
        }

        switch series.direction {
        case .rising, .falling:
            page = PageTrendTest(oriented)
            pooledP = page?.pValue ?? .nan
            pooledTest = "Page's L (\(page?.method.rawValue ?? "not defined"))"
                + (series.direction == .falling ? " on depth order reversed" : "")
            expectedPattern = series.direction == .rising ? meanRho > 0 : meanRho < 0
        case .positive:
            page = nil
            pooledP = steps.isEmpty || steps.contains { $0.pHolm.isNaN } ? .nan : steps.map(\.pHolm).max()!
            pooledTest = "Wilcoxon signed-rank > 0 at every depth (largest Holm p)"
            expectedPattern = !perDepth.isEmpty && perDepth.allSatisfy { $0.mean > 0 }
        }
        pHolm = pooledP
        significant = false
    }

    /// Sets the family-wise p and the finding from it.
    mutating func settle(pHolm: Double) {
        self.pHolm = pHolm
        significant = expectedPattern && pHolm < Self.alpha
    }
}
