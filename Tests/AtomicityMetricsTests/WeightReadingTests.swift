import Foundation
import HDF5
import Testing
@testable import AtomicityMetrics
@testable import MetaSAEStore

/// PDS and CSP come from the latents alone, so an analysis of only those
/// (no diagnostics, no feature browser) does not load the weights; it still
/// streams them through the finiteness check, so a NaN decoder weight is
/// refused whatever is asked for, and the numbers match a full analysis.
@Suite struct WeightReadingTests {
    static func latentsOnly(_ settings: inout AnalysisSettings) {
        settings.metrics = [.PDS, .CSP]
        settings.diagnostics = nil
        settings.featureExamples = 0
    }

    @Test func latentsOnlyAnalysisMatchesTheFullOne() throws {
        let folder = try SparseFormTests.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("cascade.h5").path
        try SparseFormTests.write(SparseFormTests.cascade(), to: path, sparse: true)
        var settings = AnalysisSettings()
        #expect(AtomicityAnalysis(settings: settings).readsTrainedWeights)
        Self.latentsOnly(&settings)
        #expect(!AtomicityAnalysis(settings: settings).readsTrainedWeights)
        let full = try analyze(path)
        let latentsOnly = try analyze(path, configure: Self.latentsOnly)
        for (a, b) in zip(latentsOnly.depths, full.depths) {
            #expect(a.depth == b.depth && a.PDS == b.PDS && a.CSP == b.CSP && a.ODM == b.ODM, "depth \(a.depth)")
            #expect(a.FRI == nil && a.LTES == nil && a.diagnostics == nil)
        }
        #expect(latentsOnly.depths.contains { ($0.PDS ?? 0) != 0 })
    }

    @Test func aNonFiniteWeightIsRefusedWhateverIsAskedFor() throws {
        let folder = try SparseFormTests.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = SparseFormTests.cascade()
        let path = folder.appendingPathComponent("broken.h5").path
        try SparseFormTests.write(data, to: path, sparse: true)
        let root = try File.open(path, mode: .readWrite).root
        var decoder = data.saes[1].decoderWeight
        decoder[7] = .nan
        decoder[8] = -.infinity
        try root.removeLink("depths/2/sae/W_dec")
        try root.writeDataset("depths/2/sae/W_dec", decoder, shape: [data.saes[1].latentWidth, data.saes[1].inputWidth])

        for (name, configure) in [
            ("PDS and CSP alone", Self.latentsOnly),
            ("FRI", { $0.metrics = [.FRI]; $0.diagnostics = nil; $0.featureExamples = 0 }),
            ("diagnostics", { $0.metrics = [.PDS, .CSP]; $0.featureExamples = 0 }),
            ("feature browser", { $0.metrics = [.PDS, .CSP]; $0.diagnostics = nil }),
        ] as [(String, (inout AnalysisSettings) -> Void)] {
            do {
                _ = try analyze(path, configure: configure)
                Issue.record("\(name): a NaN decoder weight was not refused")
            } catch let error as StoreError {
                #expect("\(error)".contains("depths/2/sae/W_dec") && "\(error)".contains("2 NaN or infinite weight(s)"), "\(name): \(error)")
            }
        }
    }

    /// The classifier feeds only the diagnostics' accuracy, but a NaN in it
    /// is refused whatever is asked for, as validate refuses it.
    @Test func aNonFiniteClassifierWeightIsRefusedWhateverIsAskedFor() throws {
        let folder = try SparseFormTests.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = SparseFormTests.cascade()
        let width = data.saes[0].inputWidth
        for (name, corrupt) in [("finite", -1), ("NaN bias", 3)] {
            let path = folder.appendingPathComponent(name + ".h5").path
            let writer = try CanonicalWriter(destination: path, toolVersion: "test")
            try writer.writeLabels(data.labels)
            for (depth, values) in data.activations.enumerated() {
                try writer.activations(depth: depth, width: depth == 0 ? width : data.saes[depth - 1].latentWidth).append(values)
                if depth >= 1 { try writer.writeSAE(depth: depth, data.saes[depth - 1]) }
            }
            var bias = [Float](repeating: 0.5, count: 10)
            if corrupt >= 0 { bias[corrupt] = .nan }
            try writer.writeClassifier([([Float](repeating: 0.01, count: width * 784), [Float](repeating: 0, count: width), 784, width),
                                        ([Float](repeating: 0.02, count: 10 * width), bias, width, 10)],
                                       hiddenLayer: 1)
            try writer.commit()
            for configure in [Self.latentsOnly, { (_: inout AnalysisSettings) in }] {
                do {
                    _ = try analyze(path, configure: configure)
                    #expect(corrupt < 0, "\(name): the classifier's NaN was not refused")
                } catch let error as StoreError {
                    #expect(corrupt >= 0 && "\(error)".contains("classifier") && "\(error)".contains("1 NaN or infinite weight(s)"), "\(name): \(error)")
                }
            }
        }
    }

    /// A stored null cascade replaced by generated ones is not measured, but
    /// its weights are still checked.
    @Test func aStoredNullsNonFiniteWeightIsRefusedWhenGeneratedNullsReplaceIt() throws {
        let folder = try SparseFormTests.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = SparseFormTests.cascade()
        let path = folder.appendingPathComponent("nulls.h5").path
        var null = data.saes
        null[0].encoderWeight[3] = .infinity
        let writer = try CanonicalWriter(destination: path, toolVersion: "test")
        try writer.writeLabels(data.labels)
        for (depth, values) in data.activations.enumerated() {
            try writer.activations(depth: depth, width: depth == 0 ? data.saes[0].inputWidth : data.saes[depth - 1].latentWidth)
                .append(values)
            if depth >= 1 { try writer.writeSAE(depth: depth, data.saes[depth - 1]) }
        }
        try writer.writeCascade(under: CanonicalPaths.nullModel(1), seed: 9, initialisation: "test", saes: null)
        try writer.commit()
        do {
            _ = try analyze(path) { Self.latentsOnly(&$0); $0.nullSeeds = 1 }
            Issue.record("a stored null's infinite weight was not refused")
        } catch let error as StoreError {
            #expect("\(error)".contains("W_enc") && "\(error)".contains("1 NaN or infinite weight(s)"), "\(error)")
        }
    }
}
