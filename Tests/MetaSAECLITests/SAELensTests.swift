import Foundation
import HDF5
import Testing

/// SAELens folders in and out: fixtures written by Python's safetensors in
/// SAELens's layout (Tests/Fixtures/saelens/make_saelens_fixtures.py, whose
/// forward SAELens itself confirms), the same cascades as h5py exports, a
/// round trip through `export`, and a corpus of malformed folders.
@Suite struct SAELensTests {
    static let fixtures = CLI.repository.appendingPathComponent("Tests/Fixtures/saelens")

    static func results(_ folder: URL) throws -> [[String: Any]] {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("results.json"))) as! [String: Any]
        return object["depths"] as! [[String: Any]]
    }

    /// Two analyses' metrics per depth within `relative`.
    static func expectSameNumbers(_ a: [[String: Any]], _ b: [[String: Any]], relative: Double, _ label: String) {
        #expect(a.count == b.count, "\(label): depths")
        for (x, y) in zip(a, b) {
            for key in ["FRI", "CSP", "PDS", "LTES", "ODM", "meanL0", "aliveLatents"] {
                guard let want = y[key] as? Double else { continue }
                let got = x[key] as? Double ?? .nan
                #expect(abs(got - want) <= relative * max(abs(want), 1e-3), "\(label) depth \(y["depth"]!) \(key): \(got) vs \(want)")
            }
        }
    }

    @Test(arguments: ["relu", "topk", "jumprelu"])
    func foldersGiveTheNumbersOfTheSameCascadeExportedWithH5py(architecture: String) throws {
        let scratch = try CLI.scratch("saelens-\(architecture)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let folder = Self.fixtures.appendingPathComponent(architecture)
        let fromFolders = scratch.appendingPathComponent("folders.h5")
        let converted = try CLI.run(["convert", folder.path, fromFolders.path])
        #expect(converted.status == 0, "\(converted.stderr)")
        #expect(converted.stdout.contains("SAE 3 ← \(folder.appendingPathComponent("depth_3").path)"), "\(converted.stdout)")
        let fromH5py = scratch.appendingPathComponent("h5py.h5")
        let reference = try CLI.run(["convert", folder.appendingPathComponent("export.h5").path, fromH5py.path, "--square", "saelens", "--quiet"])
        #expect(reference.status == 0, "\(reference.stderr)")
        // Every depth's latents: metasae's forward against NumPy's (SAELens semantics).
        let ours = try File.open(fromFolders.path)
        let theirs = try File.open(fromH5py.path)
        for depth in 1...3 {
            let a = try ours.root.dataset("depths/\(depth)/activations").readAll(as: Float.self)
            let b = try theirs.root.dataset("depths/\(depth)/activations").readAll(as: Float.self)
            #expect(a.count == b.count)
            let worst = zip(a, b).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
            #expect(worst < 1e-5, "\(architecture) depth \(depth): latents differ by \(worst)")
        }
        for (file, name) in [(fromFolders, "a"), (fromH5py, "b")] {
            let analysis = try CLI.run(["analyze", file.path, "--out", scratch.appendingPathComponent(name).path, "--null-seeds", "0", "--quiet"])
            #expect(analysis.status == 0, "\(analysis.stderr)")
        }
        Self.expectSameNumbers(try Self.results(scratch.appendingPathComponent("a")), try Self.results(scratch.appendingPathComponent("b")),
                               relative: 1e-4, architecture)
        let described = try CLI.run(["describe", folder.path])
        #expect(described.status == 0 && described.stdout.contains("depth 3: "), "\(described.stdout)")
    }

    @Test func exportThenConvertGivesTheOriginalNumbers() throws {
        let scratch = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let original = AnalyzeCommandTests.example
        let exported = scratch.appendingPathComponent("saelens")
        let export = try CLI.run(["export", original, exported.path, "--with-controls"])
        #expect(export.status == 0, "\(export.stderr)")
        let readme = try String(contentsOf: exported.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains("| `depth_1` | trained cascade, depth 1"), "\(readme)")
        let back = scratch.appendingPathComponent("back.h5")
        let convert = try CLI.run(["convert", exported.path, back.path, "--activations", "\(original):/depths/0/activations",
                                   "--labels", "\(original):/labels", "--quiet"])
        #expect(convert.status == 0, "\(convert.stderr)")
        for (file, name) in [(back.path, "back"), (original, "original")] {
            let analysis = try CLI.run(["analyze", file, "--out", scratch.appendingPathComponent(name).path, "--null-seeds", "0", "--quiet"])
            #expect(analysis.status == 0, "\(analysis.stderr)")
        }
        Self.expectSameNumbers(try Self.results(scratch.appendingPathComponent("back")), try Self.results(scratch.appendingPathComponent("original")),
                               relative: 1e-6, "round trip")
        // Exporting again into the same folder is refused; the folder stays.
        let again = try CLI.run(["export", original, exported.path])
        #expect(again.status == 73 && again.stderr.contains("not empty"), "\(again.stderr)")
    }

    @Test func malformedFoldersGetTheirExitCode() throws {
        /// `reference`: whether Python's safetensors reads the weights file (nil: there is none).
        struct Case: Decodable { var name: String; var expect: Int32; var message: String; var reference: Bool? }
        let corpus = Self.fixtures.appendingPathComponent("corpus")
        let cases = try JSONDecoder().decode([Case].self, from: Data(contentsOf: corpus.appendingPathComponent("cases.json")))
        #expect(cases.count >= 40)
        let scratch = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        for item in cases {
            let out = scratch.appendingPathComponent("\(item.name).h5")
            let run = try CLI.run(["convert", corpus.appendingPathComponent(item.name).path, out.path, "--quiet",
                                   "--activations", corpus.appendingPathComponent("activations.npy").path,
                                   "--labels", corpus.appendingPathComponent("labels.npy").path])
            #expect(run.status == item.expect, "\(item.name): exit \(run.status), expected \(item.expect): \(run.stderr)")
            #expect(item.message.isEmpty || run.stderr.contains(item.message), "\(item.name): \(run.stderr)")
            #expect(!run.stderr.contains("Fatal error") && run.stderr.split(separator: "\n").count <= 3, "\(item.name): \(run.stderr)")
            #expect(FileManager.default.fileExists(atPath: out.path) == (item.expect == 0), "\(item.name): output")
            // describe reads the weights file alone: as the reference reader does.
            if let readable = item.reference {
                let described = try CLI.run(["describe", corpus.appendingPathComponent("\(item.name)/sae_weights.safetensors").path])
                #expect(described.status == (readable ? 0 : item.expect), "\(item.name): describe \(described.status): \(described.stderr)")
            }
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: scratch.path).filter { $0.contains(".metasae-tmp-") }
        #expect(leftovers.isEmpty, "temporaries left: \(leftovers)")
    }

    @Test func missingActivationsOrLabelsAreNamed() throws {
        let scratch = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let folder = scratch.appendingPathComponent("cascade")
        try FileManager.default.copyItem(at: Self.fixtures.appendingPathComponent("relu/depth_1"), to: folder.appendingPathComponent("depth_1"))
        let run = try CLI.run(["convert", folder.path, scratch.appendingPathComponent("out.h5").path])
        #expect(run.status == 66 && run.stderr.contains("--activations FILE.npy"), "\(run.status) \(run.stderr)")
        let wrong = try CLI.run(["convert", AnalyzeCommandTests.example, scratch.appendingPathComponent("out.h5").path, "--labels", "x.npy"])
        #expect(wrong.status == 64, "\(wrong.stderr)")
    }
}
