import Foundation
import TestSupport
import HDF5
@testable import MetaSAEStore

enum StorePaths {
    static let repository = TestSupport.repository
    static let example = repository.appendingPathComponent("examples/fixture-canonical.h5").path

    static func scratch(_ name: String = #function) throws -> URL { try TestSupport.scratch(name) }
}

/// A small random cascade with consistent shapes, for writer and validator tests.
struct SyntheticCascade {
    var rows: Int
    var widths: [Int]
    var labels: [Int64]
    var activations: [[Float]]
    var saes: [SAEWeights]

    init(rows: Int = 300, widths: [Int] = [6, 10, 8], seed: UInt64 = 1) {
        var generator = SplitMix(seed: seed)
        self.rows = rows
        self.widths = widths
        labels = (0..<rows).map { Int64($0 % 10) }
        activations = widths.map { width in (0..<(rows * width)).map { _ in max(0, generator.nextFloat() - 0.4) } }
        saes = (1..<widths.count).map { depth in
            let (input, latent) = (widths[depth - 1], widths[depth])
            return SAEWeights(
                inputWidth: input, latentWidth: latent,
                encoderWeight: (0..<(input * latent)).map { _ in generator.nextFloat() - 0.5 },
                encoderBias: (0..<latent).map { _ in generator.nextFloat() * 0.1 },
                decoderWeight: (0..<(latent * input)).map { _ in generator.nextFloat() - 0.5 },
                decoderBias: (0..<input).map { _ in generator.nextFloat() * 0.1 })
        }
    }

    /// Writes the cascade in row blocks of `blockRows`.
    func write(to path: String, blockRows: Int = 64) throws {
        let writer = try CanonicalWriter(destination: path, source: "synthetic", seed: 1, toolVersion: "test")
        try writer.writeLabels(labels)
        for (depth, width) in widths.enumerated() {
            let dataset = try writer.activations(depth: depth, width: width)
            for block in Dataset.blocks(rows: rows, blockRows: blockRows) {
                try dataset.append(Array(activations[depth][(block.lowerBound * width)..<(block.upperBound * width)]))
            }
            if depth >= 1 {
                try writer.writeSAE(depth: depth, saes[depth - 1], extra: ["l1_coefficient": .double(0.001), "epochs": .integer(3)])
            }
        }
        try writer.commit()
    }
}
