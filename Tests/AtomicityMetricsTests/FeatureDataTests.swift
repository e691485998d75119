import Foundation
import LinearAlgebra
import TestSupport
import Testing
@testable import AtomicityMetrics
@testable import MetaSAEStore

/// The feature browser's data against an independent NumPy computation
/// (Tests/Fixtures/browser/make_browser_fixtures.py) and the streaming
/// accumulators against literal sorts.
@Suite struct FeatureDataTests {
    struct Expected: Decodable {
        var examples: Int
        var depths: [String: Depth]
        struct Depth: Decodable {
            var width: Int
            var rows: Int
            var latents: [Latent]
        }
        struct Latent: Decodable {
            var latent: Int
            var frequency: Double
            var meanActivation: Double
            var classMeans: [Double]
            var selectivity: Double
            var topClass: Int
            var maxCorrelation: Double?
            var twin: Int?
            var top: [Int]
            var topValues: [Double]
            var histogramStart: Int
            var histogram: [Int]
            var parents: [[Double]]
            var children: [[Double]]
            var neighbours: [[Double]]
            var participation: Double?
            var negativeMass: Double?
        }
    }

    static let expected: Expected = {
        let url = MetricPaths.fixtures.appendingPathComponent("browser/expected.json")
        return try! JSONDecoder().decode(Expected.self, from: Data(contentsOf: url))
    }()

    static var path: String { MetricPaths.fixtures.appendingPathComponent("browser/browser.h5").path }

    @Test func everyLatentMatchesNumpy() throws {
        let features = try #require(try analyze(Self.path) { $0.nullSeeds = 0 }.features)
        #expect(features.examples == Self.expected.examples)
        #expect(Set(features.depths.map { String($0.depth) }) == Set(Self.expected.depths.keys))
        for depth in features.depths {
            let reference = try #require(Self.expected.depths[String(depth.depth)])
            #expect(depth.width == reference.width && depth.rows == reference.rows && depth.latents.count == reference.latents.count)
            for (actual, wanted) in zip(depth.latents, reference.latents) {
                expectSame(actual, wanted, "depth \(depth.depth) latent \(wanted.latent)")
            }
        }
    }

    func expectSame(_ a: LatentFeatures, _ e: Expected.Latent, _ context: String) {
        #expect(a.latent == e.latent, "\(context)")
        #expect(close(a.frequency, e.frequency, relative: 1e-12), "\(context) frequency")
        #expect(close(Double(a.meanActivation), e.meanActivation, relative: 1e-6, absolute: 1e-7), "\(context) mean")
        #expect(zip(a.classMeans, e.classMeans).allSatisfy { close(Double($0), $1, relative: 1e-6, absolute: 1e-7) }, "\(context) class means")
        #expect(close(a.selectivity, e.selectivity, relative: 1e-6, absolute: 1e-9), "\(context) selectivity")
        #expect(a.topClass == e.topClass, "\(context) top class")
        #expect(a.twin == e.twin, "\(context) twin \(String(describing: a.twin)) vs \(String(describing: e.twin))")
        // Co-moments come from Float32 block Grams (the moment kernel): ~1e-5 relative.
        #expect(same(a.maxCorrelation, e.maxCorrelation, relative: 1e-4), "\(context) max r")
        #expect(a.top == e.top, "\(context) top rows \(a.top) vs \(e.top)")
        #expect(a.topValues.map(Double.init) == e.topValues, "\(context) top values")
        #expect(a.histogramStart == e.histogramStart && a.histogram == e.histogram, "\(context) histogram")
        for (name, actual, wanted) in [("parents", a.parents, e.parents), ("children", a.children, e.children),
                                       ("neighbours", a.neighbours, e.neighbours)] {
            #expect(actual.map(\.latent) == wanted.map { Int($0[0]) }, "\(context) \(name) \(actual.map(\.latent)) vs \(wanted.map { Int($0[0]) })")
            #expect(zip(actual, wanted).allSatisfy { close(Double($0.weight), $1[1], relative: 1e-5, absolute: 1e-6) }, "\(context) \(name) weights")
        }
        #expect(same(a.participation, e.participation, relative: 1e-6), "\(context) participation")
        #expect(same(a.negativeMass, e.negativeMass, relative: 1e-6, absolute: 1e-9), "\(context) negative mass")
    }

    /// Both missing, or both present and close.
    func same(_ actual: Double?, _ expected: Double?, relative: Double, absolute: Double = 1e-9) -> Bool {
        guard let expected else { return actual == nil }
        return close(actual, expected, relative: relative, absolute: absolute)
    }

    /// Top-k against sorting every (value, row) pair, on values with many
    /// ties, offered in row order and merged from shares in any order.
    @Test func topExamplesEqualALiteralSort() {
        var generator = SeededGenerator(seed: 5)
        let (rows, width, k) = (500, 7, 9)
        let values = (0..<(rows * width)).map { _ in Float(Int(generator.next() % 6)) - 1 }  // -1…4, mostly tied
        var whole = TopExamples(width: width, k: k)
        var shares = [TopExamples](repeating: TopExamples(width: width, k: k), count: 3)
        for row in 0..<rows {
            for latent in 0..<width {
                whole.offer(values[row * width + latent], latent: latent, row: row)
                shares[row % 3 == 0 ? 0 : (row < 250 ? 1 : 2)].offer(values[row * width + latent], latent: latent, row: row)
            }
        }
        var merged = shares[2]
        merged.merge(shares[0])
        merged.merge(TopExamples(encoded: shares[1].encoded()[...], width: width, k: k))
        for latent in 0..<width {
            let value = { (row: Int) -> Float in values[row * width + latent] }
            let positive = (0..<rows).filter { value($0) > 0 }
            let literal = positive.sorted { value($0) > value($1) || (value($0) == value($1) && $0 < $1) }.prefix(k)
            #expect(whole.ranked(latent).map(\.row) == Array(literal), "latent \(latent)")
            #expect(merged.ranked(latent).map(\.row) == Array(literal), "merged latent \(latent)")
        }
    }

    /// Each half-octave bin holds exactly the values between its edges.
    @Test func histogramBinsFollowTheirEdges() {
        for value: Float in [1e-9, 1.5e-5, 0.25, 0.3535, 0.3536, 0.5, 0.99, 1, 1.41, 1.42, 2, 3, 1000, 7e4] {
            let bin = ActivationHistogram.bin(value)
            let lower = ActivationHistogram.lowerEdge(bin)
            let upper = bin + 1 < ActivationHistogram.binCount ? ActivationHistogram.lowerEdge(bin + 1) : .infinity
            #expect(Double(value) >= lower * (1 - 1e-6) && Double(value) < upper * (1 + 1e-6), "\(value) in bin \(bin) [\(lower), \(upper))")
        }
    }

    @Test func featuresCanBeLeftOut() throws {
        #expect(try analyze(Self.path) { $0.nullSeeds = 0; $0.featureExamples = nil }.features == nil)
    }
}

/// The browser data of two analyses of one file, over other splits of its rows.
func expectSameFeatures(_ a: FeatureData?, _ b: FeatureData?, _ context: String, sourceLocation: SourceLocation = #_sourceLocation) {
    guard let a, let b else {
        #expect(a == nil && b == nil, "\(context): features on one side only", sourceLocation: sourceLocation)
        return
    }
    #expect(a.depths.map(\.depth) == b.depths.map(\.depth), "\(context)", sourceLocation: sourceLocation)
    for (x, y) in zip(a.depths, b.depths) {
        for (p, q) in zip(x.latents, y.latents) {
            let same = p.top == q.top && p.topValues == q.topValues && p.histogram == q.histogram && p.frequency == q.frequency
                && p.parents == q.parents && p.children == q.children
                && zip(p.classMeans, q.classMeans).allSatisfy { close(Double($0), Double($1), relative: 1e-5, absolute: 1e-7) }
            #expect(same, "\(context) depth \(x.depth) latent \(p.latent)", sourceLocation: sourceLocation)
        }
    }
}
