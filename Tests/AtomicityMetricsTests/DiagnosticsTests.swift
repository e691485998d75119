import Foundation
import LinearAlgebra
import TestSupport
import Testing
@testable import AtomicityMetrics
@testable import MetaSAEStore

/// Every diagnostic against an independent NumPy computation
/// (Tests/Fixtures/diagnostics/make_diagnostics_fixtures.py), and the
/// identities the definitions imply.
@Suite struct DiagnosticsTests {
    static let expected: [String: [String: [String: JSONValue]]] = {
        let url = MetricPaths.fixtures.appendingPathComponent("diagnostics/expected.json")
        return try! JSONDecoder().decode([String: [String: [String: JSONValue]]].self, from: Data(contentsOf: url))
    }()

    static var path: String { MetricPaths.fixtures.appendingPathComponent("diagnostics/diagnostics.h5").path }

    @Test func everyMeasureMatchesNumpy() throws {
        let reference = try #require(Self.expected["diagnostics.h5"])
        let results = try analyze(Self.path)
        #expect(Set(results.depths.map { String($0.depth) }) == Set(reference.keys))
        for row in results.depths {
            let diagnostics = try #require(row.diagnostics, "depth \(row.depth)")
            let fields = Dictionary(uniqueKeysWithValues: diagnosticFields(diagnostics))
            for (name, value) in try #require(reference[String(row.depth)]) {
                let actual = fields[name] ?? nil
                #expect(actual.map { value.matches($0) } == true, "depth \(row.depth) \(name): \(String(describing: actual)) vs \(value)")
            }
            // Nothing reported that NumPy did not compute.
            let reported = Set(fields.compactMap { $0.value != nil ? $0.key : nil })
            #expect(reported.isSubset(of: Set(reference[String(row.depth)]!.keys)), "depth \(row.depth) extra: \(reported)")
        }
    }

    @Test func everyFieldIsListed() {
        let stored = Mirror(reflecting: DepthDiagnostics()).children.map { $0.label! }
        #expect(stored == DepthDiagnostics.fieldNames)
    }

    @Test func theODMSplitAddsUpToODM() throws {
        for row in try analyze(Self.path).depths {
            let diagnostics = try #require(row.diagnostics)
            #expect(close((diagnostics.odmPositive ?? .nan) + (diagnostics.odmNegative ?? .nan), try #require(row.ODM), relative: 1e-12))
        }
    }

    /// ReLU latents through an affine decoder: every effect of latent j
    /// points along m_j, so its consistency is its firing frequency.
    @Test func consistencyIsFrequencyForAffineDecoders() throws {
        for row in try analyze(Self.path).saeDepths {
            #expect(row.diagnostics?.ltesConsistencyIsFrequency == true, "depth \(row.depth)")
        }
    }

    @Test func diagnosticsCanBeLeftOut() throws {
        let results = try analyze(Self.path) { $0.diagnostics = nil }
        #expect(results.depths.allSatisfy { $0.diagnostics == nil })
        expectSameMetrics(results, try analyze(Self.path), relative: 1e-12)
    }

    /// One SAE of width F on inputs of width D whose decoder is `decoder`.
    static func sae(decoder: [Float], bias: [Float], latents: Int, inputs: Int) -> SAEWeights {
        SAEWeights(inputWidth: inputs, latentWidth: latents, encoderWeight: [Float](repeating: 0, count: inputs * latents),
                   encoderBias: [Float](repeating: 0, count: latents), decoderWeight: decoder, decoderBias: bias)
    }

    /// FRI's and IR's state after one block.
    static func probe(latents: [Float], base: [Float], decoder: [Float], bias: [Float], width: Int, inputs: Int) -> ReconstructionIndependence {
        let chain = DecoderChain(decoders: [sae(decoder: decoder, bias: bias, latents: width, inputs: inputs)])
        let rows = latents.count / width
        var reconstruction = [Float](repeating: 0, count: rows * inputs)
        BLAS.multiply(latents, chain.linearFloat, into: &reconstruction, m: rows, k: width, n: inputs)
        var state = ReconstructionIndependence()
        latents.withUnsafeBufferPointer { z in
            base.withUnsafeBufferPointer { state.add(latents: z, base: $0, reconstruction: reconstruction, chain: chain, rows: rows) }
        }
        return state
    }

    @Test func interferenceIsZeroForOrthogonalContributions() {
        // Latent j writes only output j: disjoint supports.
        let (width, inputs) = (4, 6)
        var decoder = [Float](repeating: 0, count: width * inputs)
        for j in 0..<width { decoder[j * inputs + j] = Float(j + 1) }
        var generator = SeededGenerator(seed: 3)
        let latents = (0..<(50 * width)).map { _ in generator.uniform(0, 1) < 0.7 ? generator.uniform(0.1, 2) : 0 }
        let base = (0..<(50 * inputs)).map { _ in generator.uniform(-1, 1) }
        let state = Self.probe(latents: latents, base: base, decoder: decoder, bias: [Float](repeating: 0.1, count: inputs), width: width, inputs: inputs)
        #expect(state.interferenceExamples > 10)
        #expect(abs(state.interferenceRatio ?? .nan) < 1e-12)
    }

    @Test func interferenceIsScaleFreeWhileFRIScalesWithTheSquare() {
        let (width, inputs) = (8, 5)
        var generator = SeededGenerator(seed: 4)
        let decoder = (0..<(width * inputs)).map { _ in generator.normal() }
        let bias = (0..<inputs).map { _ in generator.normal() * 0.1 }
        let latents = (0..<(80 * width)).map { _ in generator.uniform(0, 1) < 0.5 ? generator.uniform(0.1, 2) : 0 }
        let base = (0..<(80 * inputs)).map { _ in generator.normal() }
        let scale: Float = 8  // a power of two: the scaled inputs are exact
        let plain = Self.probe(latents: latents, base: base, decoder: decoder, bias: bias, width: width, inputs: inputs)
        let scaled = Self.probe(latents: latents, base: base.map { $0 * scale }, decoder: decoder.map { $0 * scale },
                                bias: bias.map { $0 * scale }, width: width, inputs: inputs)
        #expect(close(scaled.interferenceRatio, plain.interferenceRatio!, relative: 1e-9))
        #expect(close(scaled.value, plain.value * Double(scale * scale), relative: 1e-6))
        #expect(abs(plain.interferenceRatio!) > 0.01)
    }

    /// The mean |r| of independent columns is about sqrt(2 / (π(N − 1))):
    /// ODM lands within a few standard errors of it.
    @Test func odmOfIndependentColumnsIsTheIndependenceLevel() {
        let (rows, width) = (4_000, 12)
        var generator = SeededGenerator(seed: 9)
        let values = (0..<(rows * width)).map { _ in generator.normal() }
        var moments = MomentAccumulator(width: width)
        values.withUnsafeBufferPointer { moments.add($0, labels: [Int32](repeating: 0, count: rows)) }
        moments.settle()
        var diagnostics = DepthDiagnostics()
        CovarianceDiagnostics.fill(&diagnostics, moments: moments, alive: [Bool](repeating: true, count: width), threshold: 0.9)
        let level = try! #require(diagnostics.independenceLevel)
        // sd(|r|) ≈ sqrt((1 − 2/π)/(N − 1)); 66 pairs, nearly independent.
        let standardError = ((1 - 2 / Double.pi) / Double(rows - 1)).squareRoot() / (66.0).squareRoot()
        let odm = AtomicityFormulas.offDiagonalMass(moments)
        #expect(abs(odm - level) < 4 * standardError, "ODM \(odm) vs \(level) ± \(standardError)")
        #expect(diagnostics.duplicatePairs == 0)
    }

    /// 64 atoms and 256 composites of three of them: OMP with three atoms
    /// explains the composites fully, and random directions only by chance.
    @Test func plantedCompositesAreExplainedByTheirAtoms() {
        let width = 128
        let (dictionary, composites) = PlantedComposites.make(width: width, seed: 11)
        let planted = Composition.ompExplainedShare(targets: composites, dictionary: dictionary, atoms: 3)!
        let random = Composition.ompExplainedShare(targets: Composition.randomUnitVectors(count: 200, width: width, seed: 13),
                                                   dictionary: dictionary, atoms: 3)!
        #expect(planted > 0.999, "planted \(planted)")
        // Three random atoms of 128 dimensions explain about 3/128 of a
        // random direction; OMP's choice raises that a little.
        #expect(random > 3.0 / 128 && random < 0.15, "random \(random)")
    }
}

/// Every field of a diagnostics value by name, found by reflection (so a
/// field missing from `fields` fails the comparison below).
func diagnosticFields(_ diagnostics: DepthDiagnostics) -> [(String, Double?)] {
    let listed = Dictionary(uniqueKeysWithValues: diagnostics.fields.map { ($0.name, $0.value) })
    return Mirror(reflecting: diagnostics).children.map { child in (child.label!, listed[child.label!] ?? nil) }
}

/// Two analyses' diagnostics agree field by field.
func expectSameDiagnostics(_ actual: AnalysisResults, _ expected: AnalysisResults, relative: Double, _ context: String,
                           sourceLocation: SourceLocation = #_sourceLocation) {
    for (a, b) in zip(actual.depths, expected.depths) {
        let left = diagnosticFields(a.diagnostics ?? DepthDiagnostics())
        let right = diagnosticFields(b.diagnostics ?? DepthDiagnostics())
        #expect((a.diagnostics == nil) == (b.diagnostics == nil), "depth \(a.depth) \(context)", sourceLocation: sourceLocation)
        for ((name, x), (_, y)) in zip(left, right) {
            let same = (x == nil && y == nil) || (x != nil && y != nil && close(x, y!, relative: relative, absolute: 1e-9))
            #expect(same, "\(name) depth \(a.depth) \(context): \(String(describing: x)) vs \(String(describing: y))", sourceLocation: sourceLocation)
        }
    }
}

/// A number, boolean or null from a JSON fixture.
enum JSONValue: Decodable, CustomStringConvertible {
    case number(Double), flag(Bool), null
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let flag = try? container.decode(Bool.self) { self = .flag(flag) }
        else { self = .number(try container.decode(Double.self)) }
    }
    /// Within 1e-6 relative (1e-9 absolute near zero) of `value`.
    func matches(_ value: Double) -> Bool {
        switch self {
        case .number(let expected): return close(value, expected, relative: 1e-6, absolute: 1e-9)
        case .flag(let expected): return value == (expected ? 1 : 0)
        case .null: return false
        }
    }
    var description: String {
        switch self {
        case .number(let value): return "\(value)"
        case .flag(let value): return "\(value)"
        case .null: return "null"
        }
    }
}
