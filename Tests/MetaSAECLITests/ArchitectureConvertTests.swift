import Foundation
import HDF5
import MetaSAEStore
import Testing

/// SAELens-style TopK and JumpReLU exports (h5py, NumPy activations;
/// Tests/Fixtures/architectures/make_architecture_files.py) convert to
/// files that analyze exactly as the same SAEs written natively, and
/// recompute missing depths with the SAELens definitions.
@Suite struct ArchitectureConvertTests {
    static let folder = CLI.repository.appendingPathComponent("Tests/Fixtures/architectures")

    struct Depth: Decodable, Equatable {
        var depth: Int
        var FRI: Double?
        var CSP: Double?
        var PDS: Double?
        var LTES: Double?
        var ODM: Double?
    }
    struct Results: Decodable { var depths: [Depth] }

    static func analyze(_ path: String, in scratch: URL, name: String) throws -> [Depth] {
        let out = scratch.appendingPathComponent(name)
        let run = try CLI.run(["analyze", path, "--out", out.path, "--quiet", "--null-seeds", "0"])
        #expect(run.status == 0, "\(name): \(run.stderr)")
        return try JSONDecoder().decode(Results.self, from: Data(contentsOf: out.appendingPathComponent("results.json"))).depths
    }

    @Test(arguments: ["topk", "jumprelu"])
    func aConvertedExportAnalyzesAsTheNativeFile(kind: String) throws {
        let scratch = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let converted = scratch.appendingPathComponent("converted.h5").path
        let run = try CLI.run(["convert", Self.folder.appendingPathComponent("saelens_\(kind).h5").path, converted, "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        let fromExport = try Self.analyze(converted, in: scratch, name: "export")
        let native = try Self.analyze(Self.folder.appendingPathComponent("native_\(kind).h5").path, in: scratch, name: "native")
        #expect(fromExport == native, "\(fromExport) vs \(native)")
        let sae = try CanonicalFile(path: converted).checked().trained.sae(depth: 1)
        #expect(sae.activation == (kind == "topk" ? .topK(3) : .jumpReLU))
    }

    @Test(arguments: ["topk", "jumprelu"])
    func aMissingDepthIsRecomputedAsSAELensDefinesIt(kind: String) throws {
        let scratch = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let input = scratch.appendingPathComponent("export.h5")
        try FileManager.default.copyItem(at: Self.folder.appendingPathComponent("saelens_\(kind).h5"), to: input)
        try File.open(input.path, mode: .readWrite).root.removeLink("activations/depth_2")
        let converted = scratch.appendingPathComponent("converted.h5").path
        let run = try CLI.run(["convert", input.path, converted, "--quiet", "--recompute-missing"])
        #expect(run.status == 0, "\(run.stderr)")
        let recomputed = try CanonicalFile(path: converted).checked().trained.activations[2]!.source
        let truth = try CanonicalFile(path: Self.folder.appendingPathComponent("native_\(kind).h5").path).checked().trained.activations[2]!.source
        let (a, b) = (try recomputed.rows(0..<recomputed.rowCount), try truth.rows(0..<truth.rowCount))
        #expect(a.count == b.count)
        #expect(zip(a, b).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($1)) }, "recomputed depth 2 differs from NumPy's")
    }

    /// A JumpReLU threshold is one of an SAE's stored arrays: a NaN in it is
    /// refused like one in its weights, and written when allowed.
    @Test func aNonFiniteThresholdIsRefusedUnlessAllowed() throws {
        let scratch = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let input = scratch.appendingPathComponent("export.h5")
        try FileManager.default.copyItem(at: Self.folder.appendingPathComponent("saelens_jumprelu.h5"), to: input)
        do {
            let group = try File.open(input.path, mode: .readWrite).root.group("sae_1")
            var threshold = try group.dataset("threshold").readAll(as: Float.self)
            threshold[2] = .nan
            try group.removeLink("threshold")
            try group.writeDataset("threshold", threshold, shape: [threshold.count])
        }
        let output = scratch.appendingPathComponent("out")
        let refused = try CLI.run(["convert", input.path, output.path + ".h5"])
        #expect(refused.status == 71, "\(refused.stderr)")
        #expect(refused.stderr.contains("sae_1/threshold") && refused.stderr.contains("--allow-nonfinite"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output.path + ".h5"))
        let allowed = try CLI.run(["convert", input.path, output.path + ".h5", "--allow-nonfinite", "--quiet"])
        #expect(allowed.status == 0, "\(allowed.stderr)")
        let stored = try File.open(output.path + ".h5").root.dataset("depths/1/sae/threshold").readAll(as: Float.self)
        #expect(stored[2].isNaN)
    }
}
