import Foundation
import TestSupport
import Testing
@testable import AtomicityMetrics
@testable import MetaSAEStore

enum MetricPaths {
    static let repository = TestSupport.repository
    static let fixtures = repository.appendingPathComponent("Tests/Fixtures")
    static let example = repository.appendingPathComponent("examples/fixture-canonical.h5").path
}

/// Parity tolerance of the issue: relative 1e-4, or absolute 1e-6 near 0.
func close(_ actual: Double?, _ expected: Double, relative: Double = 1e-4, absolute: Double = 1e-6) -> Bool {
    guard let actual else { return false }
    if expected.isInfinite || expected.isNaN { return actual == expected || (actual.isNaN && expected.isNaN) }
    return abs(actual - expected) <= max(absolute, relative * abs(expected))
}

/// Two analyses that should agree: the same depths, each metric (and ODM)
/// present on both sides or on neither, and within tolerance where present.
func expectSameMetrics(_ actual: AnalysisResults, _ expected: AnalysisResults, relative: Double, absolute: Double = 1e-9,
                       _ context: String = "", sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.depths.map(\.depth) == expected.depths.map(\.depth), "depths \(context)", sourceLocation: sourceLocation)
    for (a, b) in zip(actual.depths, expected.depths) {
        for metric in Metric.allCases {
            if let value = b.value(metric) {
                #expect(close(a.value(metric), value, relative: relative, absolute: absolute),
                        "\(metric) depth \(a.depth) \(context): \(String(describing: a.value(metric))) vs \(value)", sourceLocation: sourceLocation)
            } else {
                #expect(a.value(metric) == nil, "\(metric) depth \(a.depth) \(context) should be absent", sourceLocation: sourceLocation)
            }
        }
        if let odm = b.ODM {
            #expect(close(a.ODM, odm, relative: relative, absolute: absolute), "ODM depth \(a.depth) \(context)", sourceLocation: sourceLocation)
        } else {
            #expect(a.ODM == nil, "ODM depth \(a.depth) \(context) should be absent", sourceLocation: sourceLocation)
        }
    }
}

/// A JSON number that may be written as "nan", "inf" or "-inf".
struct LooseDouble: Decodable {
    var value: Double
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Double.self) {
            value = number
        } else {
            switch try container.decode(String.self) {
            case "-inf": value = -.infinity
            case "inf": value = .infinity
            default: value = .nan
            }
        }
    }
}

func analyze(_ path: String, configure: (inout AnalysisSettings) -> Void = { _ in }) throws -> AnalysisResults {
    var settings = AnalysisSettings()
    configure(&settings)
    return try AtomicityAnalysis(settings: settings).run(try CanonicalFile(path: path).checked(), toolVersion: "test")
}
