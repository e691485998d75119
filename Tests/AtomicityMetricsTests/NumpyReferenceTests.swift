import Foundation
import Testing
@testable import AtomicityMetrics

/// Synthetic files with dead and constant features, examples with 0 or 1
/// active latents, empty classes and tied metric values, against a literal
/// NumPy port of the seed (Tests/Fixtures/metrics/make_metric_fixtures.py).
@Suite struct NumpyReferenceTests {
    struct Reference: Decodable {
        struct Correlation: Decodable { var rho: LooseDouble; var p_value: LooseDouble; var p_exact: Double }
        var FRI: [String: LooseDouble]
        var CSP: [String: Double]
        var PDS: [String: Double]
        var LTES: [String: Double]
        var ODM: [String: Double]
        var correlations: [String: Correlation]
        var fri_examples_used: [String: Int]
        var ltes_latents_used: [String: Int]
        var FRI_all: [String: LooseDouble]
        var LTES_all: [String: Double]
        var fri_all_examples_used: [String: Int]
        var ltes_all_latents_used: [String: Int]
        var mean_L0: [String: Double]
        var alive_latents: [String: Int]
    }

    static let references: [String: Reference] = {
        let url = MetricPaths.fixtures.appendingPathComponent("metrics/reference.json")
        return try! JSONDecoder().decode([String: Reference].self, from: Data(contentsOf: url))
    }()

    static func path(_ file: String) -> String {
        MetricPaths.fixtures.appendingPathComponent("metrics/\(file)").path
    }

    @Test(arguments: ["edge_cases.h5", "ties.h5", "larger.h5"])
    func defaultSettingsMatchNumpy(file: String) throws {
        let reference = try #require(Self.references[file])
        let results = try analyze(Self.path(file))
        #expect(Set(results.depths.map { String($0.depth) }) == Set(reference.ODM.keys), "\(file) depths")
        for row in results.depths {
            let key = String(row.depth)
            #expect(close(row.ODM, reference.ODM[key]!), "\(file) ODM \(key)")
            #expect(close(row.meanL0, reference.mean_L0[key]!), "\(file) mean L0 \(key)")
            #expect(row.aliveLatents == reference.alive_latents[key], "\(file) alive latents \(key)")
            guard row.depth >= 1 else { continue }
            #expect(close(row.FRI, reference.FRI[key]!.value), "\(file) FRI \(key): \(String(describing: row.FRI))")
            #expect(close(row.CSP, reference.CSP[key]!), "\(file) CSP \(key)")
            #expect(close(row.PDS, reference.PDS[key]!), "\(file) PDS \(key)")
            #expect(close(row.LTES, reference.LTES[key]!), "\(file) LTES \(key): \(String(describing: row.LTES))")
            #expect(row.friExamplesUsed == reference.fri_examples_used[key], "\(file) FRI used \(key)")
            #expect(row.ltesLatentsUsed == reference.ltes_latents_used[key], "\(file) LTES used \(key)")
        }
        for (metric, correlation) in reference.correlations {
            let test = try #require(results.trends[metric])
            #expect(close(test.rho, correlation.rho.value, relative: 1e-9, absolute: 1e-9), "\(file) \(metric) rho")
            #expect(close(test.pValue, correlation.p_value.value, relative: 1e-6), "\(file) \(metric) p")
            #expect(close(test.pExact, correlation.p_exact, relative: 1e-12), "\(file) \(metric) exact p")
        }
    }

    @Test(arguments: ["edge_cases.h5", "ties.h5", "larger.h5"])
    func allExamplesMatchNumpy(file: String) throws {
        let reference = try #require(Self.references[file])
        let results = try analyze(Self.path(file)) {
            $0.friExamples = .all
            $0.ltesExamples = .all
            $0.metrics = [.FRI, .LTES]
        }
        #expect(Set(results.saeDepths.map { String($0.depth) }) == Set(reference.FRI_all.keys), "\(file) depths")
        for row in results.saeDepths {
            let key = String(row.depth)
            #expect(close(row.FRI, reference.FRI_all[key]!.value), "\(file) FRI all \(key)")
            #expect(close(row.LTES, reference.LTES_all[key]!), "\(file) LTES all \(key)")
            #expect(row.friExamplesUsed == reference.fri_all_examples_used[key])
            #expect(row.ltesLatentsUsed == reference.ltes_all_latents_used[key])
            #expect(row.CSP == nil && row.PDS == nil)
        }
    }

    /// Blocks form their Gram matrices in Float32 (then merge in Float64), so
    /// different splits differ by Float32 rounding, ~1e-7 relative per entry.
    @Test func blockSplitsDoNotChangeResults() throws {
        let path = Self.path("larger.h5")
        let reference = try analyze(path)
        for bytes in [1, 4_096, 64 * 1_024, 1 << 30] {
            let results = try analyze(path) { $0.blockBytes = bytes }
            expectSameMetrics(results, reference, relative: 1e-5, "at \(bytes) B")
        }
    }

    @Test func depthAndMetricSelection() throws {
        let results = try analyze(Self.path("ties.h5")) {
            $0.depths = [2, 4]
            $0.metrics = [.PDS, .CSP]
        }
        let reference = try #require(Self.references["ties.h5"])
        #expect(results.saeDepths.compactMap { $0.CSP != nil ? $0.depth : nil } == [2, 4])
        #expect(results.saeDepths.allSatisfy { $0.FRI == nil && $0.LTES == nil })
        for depth in [2, 4] {
            let row = try #require(results.depths.first { $0.depth == depth })
            #expect(close(row.PDS, reference.PDS[String(depth)]!))
            #expect(close(row.CSP, reference.CSP[String(depth)]!))
        }
    }
}
