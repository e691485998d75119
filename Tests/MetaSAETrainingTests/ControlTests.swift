import Foundation
import HDF5
import Testing
import TestSupport
@testable import AtomicityMetrics
@testable import MetaSAEStore
@testable import MetaSAETraining

/// The controls that separate depth from sparsity: their L0 matches the
/// cascade's, and a flat control is measured exactly as a one-depth cascade.
@Suite(.serialized) struct ControlTests {
    static func configuration(_ architecture: SAEArchitecture) -> TrainingConfiguration {
        var config = ArchitectureTrainingTests.configuration(architecture)
        config.flatControls = true
        config.matchedNullSeeds = 2
        return config
    }

    static func train(_ config: TrainingConfiguration, at path: String) throws -> TrainingSummary {
        try CascadeTrainer(configuration: config, toolVersion: "test").run(mnist: SmallTrainingTests.mnist, output: path, source: "test")
    }

    @Test func reluL1FlatControlsMatchTheCascadesL0WithinFivePercent() throws {
        let folder = try TestSupport.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let summary = try Self.train(Self.configuration(.reluL1), at: folder.appendingPathComponent("relu.h5").path)
        #expect(summary.flatFits.count == summary.fits.count)
        for (cascade, flat) in zip(summary.fits, summary.flatFits) {
            #expect(abs(flat.meanL0 - cascade.meanL0) <= CascadeTrainer.l0Tolerance * cascade.meanL0,
                    "flat control L0 \(flat.meanL0) for the cascade's \(cascade.meanL0)")
        }
    }

    @Test func topKControlsHaveTheCascadesK() throws {
        let folder = try TestSupport.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("topk.h5").path
        let config = Self.configuration(.topK)
        let summary = try Self.train(config, at: path)
        let experiment = try CanonicalFile(path: path).checked()
        #expect(experiment.flatControls.map(\.depth) == Array(1...config.depths))
        for control in experiment.flatControls {
            let k = TrainingConfiguration.perDepth(config.k, control.depth)
            #expect(control.sae.activation == .topK(k), "flat control \(control.depth): \(control.sae.activation)")
            #expect(abs(summary.flatFits[control.depth - 1].meanL0 - summary.fits[control.depth - 1].meanL0) < 1e-9)
        }
        #expect(experiment.matchedNulls.count == 2)
        for cascade in experiment.matchedNulls {
            let ks = cascade.saes.map(\.activation)
            #expect(ks == summary.fits.map { .topK(Int($0.meanL0.rounded())) }, "\(ks)")
        }
    }

    /// A flat control measured beside the cascade gives exactly what the
    /// same SAE gives as the single depth of a file of its own.
    @Test func aFlatControlIsMeasuredAsACascadeOfOneDepth() throws {
        let folder = try TestSupport.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("controls.h5").path
        var config = Self.configuration(.topK)
        config.matchedNullSeeds = 0
        _ = try Self.train(config, at: path)
        var settings = AnalysisSettings()
        settings.nullSeeds = 0
        let experiment = try CanonicalFile(path: path).checked()
        let results = try AtomicityAnalysis(settings: settings).run(experiment, toolVersion: "test")
        let flat = try #require(results.controls?.first { $0.kind == .flat })
        let control = experiment.flatControls[1]  // depth 2
        // The same SAE and codes as depth 1 of a file of their own.
        let single = folder.appendingPathComponent("single.h5").path
        let writer = try CanonicalWriter(destination: single, toolVersion: "test")
        let rows = experiment.exampleCount
        try writer.writeLabels(try experiment.labels.labels(0..<rows).map(Int64.init))
        try writer.denseActivations(depth: 0, width: experiment.widths[0]).append(try experiment.trained.activations[0]!.source.rows(0..<rows))
        try writer.writeSAE(depth: 1, try control.sae.load())
        try writer.denseActivations(depth: 1, width: control.sae.latentWidth).append(try control.activations.source.rows(0..<rows))
        try writer.commit()
        let alone = try AtomicityAnalysis(settings: settings).run(try CanonicalFile(path: single).checked(), toolVersion: "test")
        let mine = try #require(flat.depths?.first { $0.depth == 2 })
        let theirs = try #require(alone.depths.first { $0.depth == 1 })
        for metric in [Metric.FRI, .CSP, .LTES] {
            #expect(mine.value(metric) == theirs.value(metric), "\(metric): \(String(describing: mine.value(metric))) vs \(String(describing: theirs.value(metric)))")
        }
        #expect(mine.ODM == theirs.ODM && mine.meanL0 == theirs.meanL0)
        // The difference is the cascade's value minus the control's.
        let cascade = try #require(results.depths.first { $0.depth == 2 })
        #expect(flat.differences.first { $0.depth == 2 }?.values["CSP"] == cascade.CSP! - mine.CSP!)
    }
}
