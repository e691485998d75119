import Foundation
import Testing
@testable import AtomicityMetrics

/// `ReplicationAnalysis` against scipy and statsmodels on committed designs
/// (Tests/Fixtures/replication/make_replication_fixtures.py): every series'
/// per-depth means and t intervals, per-seed ρ and exact p, Page's L, the
/// step tests with Holm over steps, Holm over each family, and the verdict.
@Suite struct ReplicationAnalysisTests {
    struct Reference: Decodable {
        struct Design: Decodable {
            var seeds: Int
            var depths: [Int]
            var series: [Series]
            var conclusion: String
            var supporting: Int
        }
        struct Series: Decodable {
            var name: String
            var family: String
            var control: String?
            var direction: String
            var depths: [Int]
            var values: [[Double]]
            var expected: Expected
        }
        struct Expected: Decodable {
            struct Depth: Decodable { var depth: Int; var mean: Double; var interval: [Double?] }
            struct Step: Decodable { var from: Int?; var to: Int; var statistic: Double; var p: Double; var pHolm: Double }
            struct Page: Decodable { var L: Double; var p: Double; var method: String }
            var perDepth: [Depth]
            var rho: [Double?]
            var pExact: [Double?]
            var steps: [Step]
            var meanRho: Double
            var seedsWithPositiveRho: Int
            var page: Page?
            var pooledP: Double
            var expectedPattern: Bool
            var pHolm: Double
            var significant: Bool
        }
        var designs: [Design]
    }

    static let reference = try! JSONDecoder().decode(
        Reference.self, from: Data(contentsOf: MetricPaths.fixtures.appendingPathComponent("replication/replication.json")))

    /// The fixture's values as each seed's results.
    static func seeds(_ design: Reference.Design) -> [SeedResults] {
        (0..<design.seeds).map { seed in
            func value(_ name: String, _ depth: Int) -> Double? {
                guard let series = design.series.first(where: { $0.name == name }),
                      let column = series.depths.firstIndex(of: depth) else { return nil }
                return series.values[seed][column]
            }
            let rows = design.depths.map { depth in
                var row = DepthMetrics(depth: depth, width: 256)
                row.FRI = value("FRI", depth)
                row.CSP = value("CSP", depth)
                row.PDS = value("PDS", depth) ?? 0
                row.LTES = value("LTES", depth)
                row.ODM = value("ODM", depth)
                row.meanL0 = value("mean L0", depth)
                row.aliveLatents = value("alive latents", depth).map { Int($0) }
                return row
            }
            let differences = design.depths.map { depth in
                ControlDifference(depth: depth, values: ["FRI", "PDS", "ODM"].reduce(into: [:]) { values, name in
                    values[name] = value("\(name) − flat control", depth)
                })
            }
            let control = ControlResults(kind: .flat, description: "fixture", depths: nil, statistics: nil, seeds: nil,
                                         differences: differences, trends: [:])
            let input = InputProvenance(path: "seed-\(seed).h5", examples: 1000, widths: [128] + design.depths.map { _ in 256 })
            let results = AnalysisResults(
                tool: "fixture", input: input, settings: AnalysisSettings(), depths: [DepthMetrics(depth: 0, width: 128)] + rows,
                trends: [:], nullModels: nil, controls: [control],
                verdict: Verdict(depths: rows, trends: [:], nulls: nil, metrics: Metric.allCases), seconds: [:])
            return SeedResults(label: "seed-\(seed)", path: "seed-\(seed)/results.json", results: results)
        }
    }

    @Test(arguments: reference.designs.indices)
    func everySeriesMatchesScipy(index: Int) throws {
        let design = Self.reference.designs[index]
        let aggregate = try ReplicationAnalysis.run(Self.seeds(design), toolVersion: "test")
        #expect(Set(aggregate.series.map(\.name)) == Set(design.series.map(\.name)))
        for expected in design.series {
            let series = try #require(aggregate.series.first { $0.name == expected.name }, "\(expected.name)")
            let label = "design \(index) \(expected.name)"
            #expect(series.family.rawValue == expected.family && series.control == expected.control && series.direction.rawValue == expected.direction, "\(label)")
            #expect(series.depths == expected.depths, "\(label)")
            let e = expected.expected
            for (row, want) in zip(series.perDepth, e.perDepth) {
                #expect(row.depth == want.depth && close(row.mean, want.mean, relative: 1e-12, absolute: 1e-14), "\(label) mean \(row.depth)")
                if let low = want.interval[0], let high = want.interval[1] {
                    let interval = try #require(row.interval, "\(label) interval \(row.depth)")
                    #expect(close(interval[0], low, relative: 1e-9, absolute: 1e-12) && close(interval[1], high, relative: 1e-9, absolute: 1e-12),
                            "\(label) interval \(row.depth): \(interval) vs \(low)…\(high)")
                } else {
                    #expect(row.interval == nil, "\(label) interval \(row.depth) should be undefined (scipy: nan)")
                }
            }
            for (seed, trend) in series.perSeed.enumerated() {
                #expect(close(trend.rho, e.rho[seed] ?? .nan, relative: 1e-12, absolute: 1e-12), "\(label) ρ seed \(seed)")
                #expect(close(trend.pExact, e.pExact[seed] ?? .nan, relative: 1e-12, absolute: 1e-12), "\(label) exact p seed \(seed)")
            }
            #expect(close(series.meanRho, e.meanRho, relative: 1e-12, absolute: 1e-12), "\(label) ρ̄")
            #expect(series.seedsWithPositiveRho == e.seedsWithPositiveRho, "\(label) seeds ρ > 0")
            if let page = e.page {
                let test = try #require(series.page, "\(label) Page")
                #expect(test.statistic == page.L && test.method.rawValue == page.method, "\(label) L \(test.statistic) vs \(page.L)")
                #expect(close(test.pValue, page.p, relative: 1e-9, absolute: 1e-15), "\(label) Page p \(test.pValue) vs \(page.p)")
            } else {
                #expect(series.page == nil, "\(label)")
            }
            #expect(series.steps.count == e.steps.count, "\(label) steps")
            for (step, want) in zip(series.steps, e.steps) {
                let test = try #require(step.test, "\(label) step \(step.to)")
                #expect(step.from == want.from && step.to == want.to, "\(label) step")
                #expect(test.statistic == want.statistic, "\(label) r⁺ \(step.to): \(test.statistic) vs \(want.statistic)")
                #expect(close(test.pValue, want.p, relative: 1e-9, absolute: 1e-15), "\(label) step p \(step.to): \(test.pValue) vs \(want.p)")
                #expect(close(step.pHolm, want.pHolm, relative: 1e-9, absolute: 1e-15), "\(label) step Holm \(step.to)")
            }
            #expect(close(series.pooledP, e.pooledP, relative: 1e-9, absolute: 1e-15), "\(label) pooled p \(series.pooledP) vs \(e.pooledP)")
            #expect(close(series.pHolm, e.pHolm, relative: 1e-9, absolute: 1e-15), "\(label) Holm p \(series.pHolm) vs \(e.pHolm)")
            #expect(series.expectedPattern == e.expectedPattern && series.significant == e.significant, "\(label) finding")
        }
        #expect(aggregate.verdict.conclusion == design.conclusion)
        #expect(aggregate.verdict.supporting == design.supporting)
        #expect(aggregate.verdict.seeds == design.seeds)
    }

    @Test func meanRhoIntervalIsSeededAndBracketsTheMean() throws {
        let design = Self.reference.designs[0]
        let first = try ReplicationAnalysis.run(Self.seeds(design), toolVersion: "test")
        let second = try ReplicationAnalysis.run(Self.seeds(design), toolVersion: "test")
        for (a, b) in zip(first.series, second.series) {
            #expect(a.meanRhoInterval == b.meanRhoInterval, "\(a.name): the bootstrap must repeat")
            let rhos = a.perSeed.map(\.rho)
            guard let interval = a.meanRhoInterval else {
                #expect(a.family != .metric, "\(a.name): a metric's interval is missing")
                continue
            }
            #expect(interval[0] <= a.meanRho && a.meanRho <= interval[1], "\(a.name)")
            #expect(interval[0] >= rhos.min()! && interval[1] <= rhos.max()!, "\(a.name)")
        }
    }

    @Test func resultsThatCannotBePooledAreRefused() throws {
        let design = Self.reference.designs[0]
        var seeds = Self.seeds(design)
        #expect(throws: ReplicationError.self) { try ReplicationAnalysis.run(Array(seeds.prefix(1)), toolVersion: "test") }
        var other = seeds
        other[2].results.depths.removeLast()
        #expect { try ReplicationAnalysis.run(other, toolVersion: "test") } throws: { "\($0)".contains("SAE depths 1–5") }
        other = seeds
        other[3].results.settings.friExamples = .all
        #expect { try ReplicationAnalysis.run(other, toolVersion: "test") } throws: { "\($0)".contains("other settings") }
        other = seeds
        other[4].results.input.path = other[1].results.input.path
        #expect { try ReplicationAnalysis.run(other, toolVersion: "test") } throws: { "\($0)".contains("same file") }
        // A control missing from one seed is left out, and the notes say so.
        seeds[5].results.controls = nil
        let aggregate = try ReplicationAnalysis.run(seeds, toolVersion: "test")
        #expect(aggregate.series(.controlDifference).isEmpty)
        #expect(aggregate.notes.contains { $0.contains("flat control is in 5 of 6 seeds") })
    }

    @Test func fewSeedsAreToldWhatTheyCannotShow() throws {
        let three = try ReplicationAnalysis.run(Self.seeds(Self.reference.designs[2]), toolVersion: "test")
        #expect(three.notes.contains { $0.contains("2^-3") && $0.contains("needs at least 6 seeds") }, "\(three.notes)")
        let ten = try ReplicationAnalysis.run(Self.seeds(Self.reference.designs[3]), toolVersion: "test")
        #expect(!ten.notes.contains { $0.contains("signed-rank") }, "\(ten.notes)")
    }
}
