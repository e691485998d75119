import Foundation
import Testing
import LinearAlgebra
@testable import AtomicityMetrics

/// The replication statistics against scipy 1.17 and statsmodels on
/// committed cases (Tests/Fixtures/statistics/make_statistics_fixtures.py):
/// ties, zeros and both of each test's methods included.
@Suite struct ReplicationStatisticsTests {
    struct Reference: Decodable {
        struct Page: Decodable { var data: [[Double]]; var L: Double; var p: Double; var method: String }
        struct Wilcoxon: Decodable { var d: [Double]; var statistic: Double?; var p: Double? }
        struct Interval: Decodable { var x: [Double]; var low: Double?; var high: Double?; var ppf: Double }
        struct HolmCase: Decodable { var p: [Double]; var adjusted: [Double] }
        struct Power: Decodable { var blocks: Int; var treatments: Int; var slope: Double; var simulations: Int; var rejection_rate: Double }
        var page: [Page]
        var wilcoxon: [Wilcoxon]
        var t_interval: [Interval]
        var holm: [HolmCase]
        var power: [Power]
    }

    static let reference = try! JSONDecoder().decode(
        Reference.self, from: Data(contentsOf: MetricPaths.fixtures.appendingPathComponent("statistics/statistics.json")))

    @Test(arguments: reference.page.indices)
    func pagesLMatchesScipy(index: Int) throws {
        let case_ = Self.reference.page[index]
        let test = try #require(PageTrendTest(case_.data))
        #expect(test.statistic == case_.L, "L \(test.statistic) vs \(case_.L)")
        #expect(test.method.rawValue == case_.method)
        #expect(close(test.pValue, case_.p, relative: 1e-9, absolute: 1e-15), "p \(test.pValue) vs \(case_.p) (\(case_.method))")
    }

    @Test func pageNeedsTwoBlocksAndThreeTreatments() {
        #expect(PageTrendTest([[1, 2, 3]]) == nil)
        #expect(PageTrendTest([[1, 2], [2, 1]]) == nil)
        #expect(PageTrendTest([[1, 2, .nan], [1, 2, 3]]) == nil)
    }

    /// ρ̄ = 12L/(S·k(k²−1)) − 3(k+1)/(k−1) without ties.
    @Test func theMeanSpearmanFollowsFromLWithoutTies() throws {
        var generator = SeededGenerator(seed: 3)
        let data = (0..<7).map { _ in (0..<6).map { Double($0) * 0.2 + Double(generator.normal()) } }
        let test = try #require(PageTrendTest(data))
        let mean = data.map { pearsonCorrelation(averageRanks((0..<6).map(Double.init)), averageRanks($0)) }.reduce(0, +) / 7
        #expect(abs(test.meanSpearmanFromL - mean) < 1e-12, "mean rho from L \(test.meanSpearmanFromL), from the blocks \(mean)")
    }

    @Test(arguments: reference.wilcoxon.indices)
    func wilcoxonMatchesScipy(index: Int) throws {
        let case_ = Self.reference.wilcoxon[index]
        let test = try #require(WilcoxonSignedRank(case_.d))
        #expect(test.statistic == case_.statistic, "statistic \(test.statistic) vs \(String(describing: case_.statistic))")
        if let p = case_.p {
            #expect(close(test.pValue, p, relative: 1e-9, absolute: 1e-15), "p \(test.pValue) vs \(p) (\(test.method))")
        } else {
            #expect(test.pValue.isNaN)
        }
    }

    @Test(arguments: reference.t_interval.indices)
    func tIntervalsMatchScipy(index: Int) throws {
        let case_ = Self.reference.t_interval[index]
        #expect(close(StudentT.quantile(0.975, degrees: Double(case_.x.count - 1)), case_.ppf, relative: 1e-10))
        guard let low = case_.low, let high = case_.high else {
            // scipy's (nan, nan): no interval when the values do not vary.
            #expect(StudentT.meanInterval(case_.x) == nil)
            return
        }
        let interval = try #require(StudentT.meanInterval(case_.x))
        #expect(close(interval.lowerBound, low, relative: 1e-9, absolute: 1e-12))
        #expect(close(interval.upperBound, high, relative: 1e-9, absolute: 1e-12))
    }

    @Test(arguments: reference.holm.indices)
    func holmMatchesStatsmodels(index: Int) {
        let case_ = Self.reference.holm[index]
        let adjusted = Holm.adjust(case_.p)
        #expect(zip(adjusted, case_.adjusted).allSatisfy { abs($0 - $1) < 1e-12 }, "\(adjusted) vs \(case_.adjusted)")
    }

    /// Without a trend the pooled test rejects at its nominal rate; with a
    /// planted trend at the rate scipy's own simulation found, both within
    /// Monte Carlo error (4 binomial standard errors of the two runs).
    @Test(arguments: reference.power.indices)
    func pagesTestIsCalibrated(index: Int) throws {
        let case_ = Self.reference.power[index]
        var generator = SeededGenerator(seed: 77 + UInt64(index))
        let simulations = 4_000
        var hits = 0
        for _ in 0..<simulations {
            let data = (0..<case_.blocks).map { _ in (0..<case_.treatments).map { case_.slope * Double($0) + Double(generator.normal()) } }
            if try #require(PageTrendTest(data)).pValue < 0.05 { hits += 1 }
        }
        let rate = Double(hits) / Double(simulations)
        let expected = case_.rejection_rate
        let error = 4 * (2 * expected * (1 - expected) / Double(simulations)).squareRoot()
        #expect(abs(rate - expected) <= max(error, 0.01), "rejection rate \(rate) vs scipy's \(expected)")
        if case_.slope == 0 { #expect(rate <= 0.05 + 4 * (0.05 * 0.95 / Double(simulations)).squareRoot()) }
    }

    @Test func theBootstrapIntervalIsSeededAndHoldsTheMean() throws {
        let values = [0.2, 0.5, -0.1, 0.8, 0.4, 0.3]
        let first = try #require(Bootstrap.meanInterval(values, seed: 1))
        #expect(Bootstrap.meanInterval(values, seed: 1) == first)
        let mean = values.reduce(0, +) / 6
        #expect(first.contains(mean) && first.lowerBound >= values.min()! && first.upperBound <= values.max()!)
        #expect(Bootstrap.meanInterval([0.3], seed: 1) == nil)
    }

    /// For many blocks the percentile interval of the mean approaches the
    /// normal one, mean ± 1.96·s/√n (s with divisor n, as the bootstrap
    /// resamples the empirical distribution): an independent value that a
    /// wrong quantile or resampling would miss.
    @Test func theBootstrapIntervalApproachesTheNormalOne() throws {
        var generator = SeededGenerator(seed: 5)
        let values = (0..<400).map { _ in Double(generator.normal()) * 2 + 1 }
        let n = Double(values.count)
        let mean = values.reduce(0, +) / n
        let sd = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / n).squareRoot()
        let half = 1.959964 * sd / n.squareRoot()
        let interval = try #require(Bootstrap.meanInterval(values, seed: 2))
        #expect(abs(interval.lowerBound - (mean - half)) < 0.08 * half, "\(interval) vs \(mean) ± \(half)")
        #expect(abs(interval.upperBound - (mean + half)) < 0.08 * half, "\(interval) vs \(mean) ± \(half)")
    }
}
