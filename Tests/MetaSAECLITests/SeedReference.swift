import Foundation
import Testing

/// The seed's own metric values on the PyTorch fixture, recorded with it
/// (Tests/Fixtures/torch-statedict-small.reference.json): metric → depth → value.
enum SeedReference {
    static let values: [String: [String: Double]] = {
        let url = CLI.repository.appendingPathComponent("Tests/Fixtures/torch-statedict-small.reference.json")
        let object = try! JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        var table: [String: [String: Double]] = [:]
        for metric in ["FRI", "CSP", "PDS", "LTES"] { table[metric] = object[metric] as? [String: Double] }
        return table
    }()

    /// Every depth and metric the seed recorded must be in `results` (a
    /// results.json) within the parity tolerance: 1e-4 relative, 1e-6 absolute.
    static func expectMatches(resultsJSON url: URL, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let results = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        let rows = try #require(results["depths"] as? [[String: Any]], sourceLocation: sourceLocation)
        #expect(values.count == 4 && values.values.allSatisfy { !$0.isEmpty }, "reference incomplete", sourceLocation: sourceLocation)
        for (metric, byDepth) in values {
            for (depth, expected) in byDepth {
                let row = try #require(rows.first { ($0["depth"] as? Int) == Int(depth) }, "depth \(depth) missing", sourceLocation: sourceLocation)
                let value = try #require(row[metric] as? Double, "\(metric) \(depth) missing", sourceLocation: sourceLocation)
                #expect(abs(value - expected) <= max(1e-6, 1e-4 * abs(expected)), "\(metric) \(depth): \(value) vs \(expected)",
                        sourceLocation: sourceLocation)
            }
        }
    }
}
