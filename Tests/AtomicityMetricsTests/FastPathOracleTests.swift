import LinearAlgebra
import Foundation
import TestSupport
import HDF5
import Testing
@testable import AtomicityMetrics
@testable import MetaSAEStore

/// The closed-form FRI and LTES against the literal per-feature algorithm,
/// on data the NumPy fixtures do not cover: latents of both signs (a
/// non-ReLU encoder), all-zero rows, and three chained decoders.
@Suite struct FastPathOracleTests {
    static func writeFile(at path: String, rows: Int, widths: [Int], seed: UInt64, signed: Bool) throws -> ([[[Double]]], [SAEWeights]) {
        var generator = SeededGenerator(seed: seed)
        var saes: [SAEWeights] = []
        for depth in 1..<widths.count {
            saes.append(RandomCascade.sae(inputWidth: widths[depth - 1], latentWidth: widths[depth], generator: &generator))
        }
        let activations: [[[Double]]] = widths.enumerated().map { depth, width in
            (0..<rows).map { row in
                if depth >= 1 && row % 17 == 3 { return [Double](repeating: 0, count: width) }  // no active latent
                return (0..<width).map { _ in
                    let value = Double(generator.normal())
                    let sparse = generator.uniform(0, 1) < 0.5 ? 0 : value
                    return Double(Float(signed ? sparse : max(0, sparse)))
                }
            }
        }
        let writer = try CanonicalWriter(destination: path, toolVersion: "test")
        try writer.writeLabels((0..<rows).map { Int64($0 % 7) })
        for (depth, width) in widths.enumerated() {
            let dataset = try writer.activations(depth: depth, width: width)
            try dataset.append(activations[depth].flatMap { $0.map(Float.init) })
            if depth >= 1 { try writer.writeSAE(depth: depth, saes[depth - 1]) }
        }
        try writer.commit()
        return (activations, saes)
    }

    @Test(arguments: [false, true])
    func closedFormEqualsLiteralAlgorithm(signed: Bool) throws {
        let folder = try TestSupport.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("oracle.h5").path
        let widths = [9, 14, 11, 13]
        let (activations, saes) = try Self.writeFile(at: path, rows: 260, widths: widths, seed: signed ? 7 : 8, signed: signed)
        let results = try analyze(path) {
            $0.friExamples = .first(200)
            $0.ltesExamples = .first(120)
            $0.metrics = [.FRI, .LTES]
        }
        for depth in 1..<widths.count {
            let chain = Array(saes[0..<depth])
            let row = try #require(results.depths.first { $0.depth == depth })
            let fri = LiteralOracle.fri(latents: activations[depth], base: activations[0], saes: chain, examples: 200)
            let ltes = LiteralOracle.ltes(latents: activations[depth], saes: chain, examples: 120, minimumActive: 12)
            #expect(close(row.FRI, fri, relative: 1e-5), "FRI depth \(depth): \(row.FRI!) vs \(fri)")
            #expect(close(row.LTES, ltes, relative: 1e-5), "LTES depth \(depth): \(row.LTES!) vs \(ltes)")
        }
    }
}
