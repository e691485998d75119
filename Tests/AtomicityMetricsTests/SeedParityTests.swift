import Foundation
import Testing
@testable import AtomicityMetrics

/// The seed's own torch code computed these numbers on the real PyTorch
/// export; examples/fixture-canonical.h5 holds the same arrays (written by
/// h5py alone). Our streaming, closed-form path must reproduce them.
@Suite struct SeedParityTests {
    struct Reference: Decodable {
        struct Correlation: Decodable { var rho: Double; var p_value: Double }
        var FRI: [String: Double]
        var CSP: [String: Double]
        var PDS: [String: Double]
        var LTES: [String: Double]
        var correlations: [String: Correlation]
    }

    static let reference: Reference = {
        let url = MetricPaths.fixtures.appendingPathComponent("torch-statedict-small.reference.json")
        return try! JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
    }()

    @Test func metricsMatchTheSeed() throws {
        let results = try analyze(MetricPaths.example)
        let reference = Self.reference
        for row in results.saeDepths {
            let key = String(row.depth)
            #expect(close(row.FRI, reference.FRI[key]!), "FRI depth \(key): \(row.FRI!) vs \(reference.FRI[key]!)")
            #expect(close(row.CSP, reference.CSP[key]!), "CSP depth \(key): \(row.CSP!) vs \(reference.CSP[key]!)")
            #expect(close(row.PDS, reference.PDS[key]!), "PDS depth \(key): \(row.PDS!) vs \(reference.PDS[key]!)")
            #expect(close(row.LTES, reference.LTES[key]!), "LTES depth \(key): \(row.LTES!) vs \(reference.LTES[key]!)")
        }
        #expect(results.saeDepths.map(\.depth) == [1, 2, 3, 4, 5])
        for (metric, correlation) in reference.correlations {
            let test = try #require(results.trends[metric])
            #expect(close(test.rho, correlation.rho), "\(metric) rho")
            #expect(close(test.pValue, correlation.p_value), "\(metric) p")
        }
        // ODM is reported for every depth, depth 0 included.
        #expect(results.depths.map(\.depth) == [0, 1, 2, 3, 4, 5])
        #expect(results.depths.allSatisfy { $0.ODM != nil })
    }
}
