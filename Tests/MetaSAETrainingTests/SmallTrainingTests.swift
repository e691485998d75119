import Foundation
import TestSupport
import HDF5
import Testing
@testable import MetaSAEStore
@testable import MetaSAETraining

/// A few hundred real MNIST examples, tiny widths: the file validates and
/// every loss goes down.
@Suite struct SmallTrainingTests {
    static let mnist = try! MNIST(folder: MNISTReaderTests.folder)

    static func tinyConfiguration() -> TrainingConfiguration {
        var config = TrainingConfiguration()
        config.classifierHidden = [32, 16]
        config.classifierEpochs = 4
        config.depths = 3
        config.saeWidth = 24
        config.saeEpochs = 4
        config.saeBatchSize = 64
        config.nullSeeds = 2
        config.trainExamples = 600
        config.analysisExamples = 250
        return config
    }

    @Test func smallTrainingWritesAValidFileAndLossesDecrease() throws {
        let folder = try TestSupport.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("tiny.h5").path
        let summary = try CascadeTrainer(configuration: Self.tinyConfiguration(), toolVersion: "test")
            .run(mnist: Self.mnist, output: path, source: "test")
        #expect(summary.classifierEpochLosses.first! > summary.classifierEpochLosses.last!)
        #expect(summary.saeEpochLosses.count == 3 && summary.saeEpochLosses.allSatisfy { $0.count == 4 }, "\(summary.saeEpochLosses)")
        for losses in summary.saeEpochLosses { #expect(losses.first! > losses.last!, "\(losses)") }
        #expect(summary.testAccuracy > 0.5)

        let file = try CanonicalFile(path: path)
        let report = SchemaValidator().validate(file)
        #expect(report.conforms, "\(report.violations)")
        let experiment = try file.checked()
        #expect(experiment.widths == [16, 24, 24, 24])
        #expect(experiment.exampleCount == 250)
        #expect(try experiment.labels.labels(0..<250) == Self.mnist.test.labels[0..<250].map(Int32.init))
        #expect(experiment.nullModels.map(\.role) == [.null(index: 0, seed: 1_000_000), .null(index: 1, seed: 1_000_001)])
        // Stored latents are the stored encoder applied to the stored depth
        // below, by the literal Float64 encoder (not the forward pass that wrote them).
        let below = try experiment.trained.activations[1]!.source.rows(0..<250)
        let stored = try experiment.trained.activations[2]!.source.rows(0..<250)
        let encoded = ArchitectureTrainingTests.literalEncode(below, rows: 250, try experiment.trained.sae(depth: 2).load()).codes
        #expect(encoded.count == 250 * 24 && stored.count == 250 * 24)
        #expect(zip(encoded, stored).allSatisfy { abs($0 - Double($1)) <= 1e-5 * max(1, abs(Double($1))) })
    }
}
