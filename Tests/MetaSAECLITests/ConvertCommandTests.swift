import Foundation
import HDF5
import MetaSAEStore
import Testing

/// `metasae convert` on h5py-written files in every supported layout
/// (Tests/Fixtures/convert/make_convert_fixtures.py), against the ground
/// truth recorded with them, and on the real PyTorch export.
@Suite struct ConvertCommandTests {
    struct Expected: Decodable {
        struct FileCase: Decodable { var truth: String; var classifier: Bool; var mapping: String?; var refuse: String?; var needs_flag: String?; var missing: [String]? }
        struct Array: Decodable { var shape: [Int]; var data: [Double] }
        struct Truth: Decodable { var widths: [Int]; var apply_b_dec_to_input: [String: Int]; var arrays: [String: Array] }
        var files: [String: FileCase]
        var truths: [String: Truth]
    }

    static let folder = CLI.repository.appendingPathComponent("Tests/Fixtures/convert")
    static let expected: Expected = try! JSONDecoder().decode(Expected.self, from: Data(contentsOf: folder.appendingPathComponent("expected.json")))

    static var convertible: [String] {
        expected.files.filter { $0.value.refuse == nil && $0.value.needs_flag == nil }.keys.sorted()
    }

    /// Checks a converted file value for value against a ground truth.
    /// Stored arrays must match exactly; `recomputed` ones (the converter
    /// encoded them itself, with BLAS) to float32 rounding.
    static func check(_ path: String, against truthName: String, classifier: Bool, file name: String,
                      recomputed: [String] = []) throws {
        let truth = try #require(expected.truths[truthName])
        let canonical = try CanonicalFile(path: path)
        let report = SchemaValidator().validate(canonical)
        #expect(report.conforms, "\(name): \(report.violations)")
        let classifierKeys = truth.arrays.keys.filter { $0.hasPrefix("classifier/") }
        let layerNumbers = Set(classifierKeys.compactMap { Int($0.split(separator: "/")[2]) }).sorted()
        for (key, array) in truth.arrays {
            var target = key
            if key.hasPrefix("classifier/") {
                guard classifier else { continue }
                let parts = key.split(separator: "/")
                target = "classifier/layers/\(layerNumbers.firstIndex(of: Int(parts[2])!)!)/\(parts[3])"
            }
            let dataset = try canonical.root.dataset(target)
            #expect(try dataset.shape.dims == array.shape, "\(name) \(target) shape")
            let values = try dataset.readAll(as: Double.self)
            if recomputed.contains(target) {
                #expect(values.count == array.data.count && zip(values, array.data).allSatisfy { abs($0 - $1) <= 1e-6 * max(1, abs($1)) },
                        "\(name) \(target) recomputed values")
            } else {
                #expect(values == array.data, "\(name) \(target) values")
            }
        }
        for (depth, flag) in truth.apply_b_dec_to_input {
            #expect(try canonical.root.group("depths/\(depth)/sae").attribute("apply_b_dec_to_input").intValue == Int64(flag), "\(name) apply \(depth)")
        }
        #expect(try canonical.root.attribute("conversion_mapping").stringValue?.contains("metasae/convert-mapping") == true)
    }

    @Test(arguments: convertible)
    func everyLayoutConvertsToTheTruth(file: String) throws {
        let scratch = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let fileCase = try #require(Self.expected.files[file])
        let output = scratch.appendingPathComponent("out.h5").path
        var arguments = ["convert", Self.folder.appendingPathComponent(file).path, output, "--quiet"]
        if let mapping = fileCase.mapping { arguments += ["--mapping", Self.folder.appendingPathComponent(mapping).path] }
        if fileCase.missing != nil {
            // Refused by default, converted on request.
            let refused = try CLI.run(arguments)
            #expect(refused.status == 70 && refused.stderr.contains("--recompute-missing"), "\(refused.stderr)")
            arguments.append("--recompute-missing")
        }
        let run = try CLI.run(arguments)
        #expect(run.status == 0, "\(file): \(run.stderr)")
        guard run.status == 0 else { return }
        try Self.check(output, against: fileCase.truth, classifier: fileCase.classifier, file: file, recomputed: fileCase.missing ?? [])
    }

    /// --float64 stores every float as float64: the same values (float32 → float64 is exact), wider storage.
    /// statedict_dotted.h5 changed by `edit` (given its root group), converted
    /// with `options`, must still give the main truth.
    static func convertEdited(_ description: String, options: [String] = [], recomputed: [String] = [],
                              edit: (HDF5.Group) throws -> Void) throws {
        let scratch = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let input = scratch.appendingPathComponent("edited.h5").path
        try FileManager.default.copyItem(atPath: folder.appendingPathComponent("statedict_dotted.h5").path, toPath: input)
        try edit(try File.open(input, mode: .readWrite).root)
        let output = scratch.appendingPathComponent("out.h5").path
        let run = try CLI.run(["convert", input, output, "--quiet"] + options)
        #expect(run.status == 0, "\(description): \(run.stderr)")
        try check(output, against: "main", classifier: true, file: "statedict_dotted.h5 \(description)", recomputed: recomputed)
    }

    /// Soft links an exporter added as aliases name data that is already in
    /// the file: a link to depth 1's activations, and one to an SAE's group.
    /// Each dataset must count once, so the file converts as without them.
    @Test func softLinkAliasesCountOnce() throws {
        try Self.convertEdited("with soft-link aliases") { root in
            try root.createSoftLink("latents_1", target: "/activations/depth_1")
            try root.createSoftLink("sae_alias", target: "/sae_1")
        }
    }

    /// Every depth above 0 missing: both are encoded from depth 0 in one
    /// pass, depth 2 through SAE 1 then SAE 2, and match the stored truth.
    @Test func consecutiveMissingDepthsAreRecomputed() throws {
        try Self.convertEdited("without depths 1 and 2", options: ["--recompute-missing"],
                               recomputed: ["depths/1/activations", "depths/2/activations"]) { root in
            let activations = try root.group("activations")
            try activations.removeLink("depth_1")
            try activations.removeLink("depth_2")
        }
    }

    @Test func float64StoresTheSameValuesWider() throws {
        let scratch = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let output = scratch.appendingPathComponent("wide.h5").path
        let run = try CLI.run(["convert", Self.folder.appendingPathComponent("statedict_dotted.h5").path, output, "--float64", "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        try Self.check(output, against: "main", classifier: true, file: "statedict_dotted.h5 --float64")
        let root = try CanonicalFile(path: output).root
        for path in ["depths/1/sae/W_enc", "depths/2/sae/b_dec", "depths/1/activations"] {
            #expect(try root.dataset(path).datatype.size == 8, "\(path)")
        }
    }

    @Test(arguments: ["bf16_bits.h5", "bf16_opaque.h5"])
    func bf16BitsNeedTheFlag(file: String) throws {
        let scratch = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let input = Self.folder.appendingPathComponent(file).path
        let output = scratch.appendingPathComponent("out.h5").path
        let refused = try CLI.run(["convert", input, output])
        #expect(refused.status == 69)  // a dtype it does not read as floats
        #expect(refused.stderr.contains("--bf16") && refused.stderr.contains("never read as integers"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output))
        let run = try CLI.run(["convert", input, output, "--bf16", "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        try Self.check(output, against: "main_bf16", classifier: true, file: "\(file) --bf16")
    }

    @Test func bf16FlagAppliesToAMappingFileToo() throws {
        let scratch = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let input = Self.folder.appendingPathComponent("bf16_bits.h5").path
        let mapping = scratch.appendingPathComponent("mapping.json").path
        #expect(try CLI.run(["convert", input, "--emit-mapping", mapping, "--quiet"]).status == 0)
        let output = scratch.appendingPathComponent("out.h5").path
        let run = try CLI.run(["convert", input, output, "--mapping", mapping, "--bf16", "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        try Self.check(output, against: "main_bf16", classifier: true, file: "bf16_bits.h5 --mapping --bf16")
    }

    @Test(arguments: [
        ("incomplete.h5", 70, ["SAE 2 has no b_dec", "--emit-mapping"]),
        ("ambiguous.h5", 70, ["/labels", "/y", "--mapping"]),
        ("bad_labels.h5", 70, ["label 12"]),
        ("nonfinite.h5", 71, ["/activations/depth_1: 1 NaN, 1 Inf", "--allow-nonfinite"]),
    ])
    func refusedInputsSayWhatIsWrong(file: String, status: Int32, mentions: [String]) throws {
        let scratch = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let output = scratch.appendingPathComponent("out.h5").path
        let run = try CLI.run(["convert", Self.folder.appendingPathComponent(file).path, output])
        #expect(run.status == status, "\(file): \(run.stderr)")
        for text in mentions { #expect(run.stderr.contains(text), "\(file) should mention \(text): \(run.stderr)") }
        #expect(run.stderr.split(separator: "\n").count == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path).isEmpty, "\(file) left files behind")
    }

    @Test func nonFiniteValuesCanBeAllowed() throws {
        let scratch = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let output = scratch.appendingPathComponent("out.h5").path
        let run = try CLI.run(["convert", Self.folder.appendingPathComponent("nonfinite.h5").path, output, "--allow-nonfinite"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("1 NaN, 1 Inf"))
        let values = try File.open(output).root.dataset("depths/1/activations").readAll(as: Float.self)
        #expect(values[3 * 10 + 2].isNaN && values[5 * 10].isInfinite)
    }

    @Test func squareMatricesCanBeOverridden() throws {
        let scratch = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let output = scratch.appendingPathComponent("out.h5").path
        let input = Self.folder.appendingPathComponent("square.h5").path
        let dry = try CLI.run(["convert", input, "--dry-run"])
        #expect(dry.stdout.contains("encoding depth 0 reproduces depth 1"), "\(dry.stdout)")
        let run = try CLI.run(["convert", input, output, "--square", "saelens", "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        // Taken as [in, out], the stored nn.Linear weight is the truth's transpose.
        let truth = try #require(Self.expected.truths["square"]?.arrays["depths/1/sae/W_enc"])
        let values = try File.open(output).root.dataset("depths/1/sae/W_enc").readAll(as: Double.self)
        let transposed = (0..<64).map { truth.data[($0 % 8) * 8 + $0 / 8] }
        #expect(values == transposed)
        #expect(values != truth.data)
    }

    @Test func emittedMappingRoundTripsAndDryRunWritesNothing() throws {
        let scratch = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let input = Self.folder.appendingPathComponent("statedict_nested.h5").path
        let mapping = scratch.appendingPathComponent("mapping.json").path
        let dry = try CLI.run(["convert", input, scratch.appendingPathComponent("never.h5").path, "--dry-run", "--emit-mapping", mapping])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("/depth1/encoder/weight  →  depths/1/sae/W_enc  [transpose]"), "\(dry.stdout)")
        #expect(!FileManager.default.fileExists(atPath: scratch.appendingPathComponent("never.h5").path))
        let output = scratch.appendingPathComponent("out.h5").path
        let run = try CLI.run(["convert", input, output, "--mapping", mapping, "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        try Self.check(output, against: "main", classifier: false, file: "statedict_nested.h5 via mapping")
    }

    @Test func inputIsNeverModified() throws {
        let scratch = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let input = scratch.appendingPathComponent("in.h5").path
        try FileManager.default.copyItem(atPath: Self.folder.appendingPathComponent("statedict_dotted.h5").path, toPath: input)
        let before = try Data(contentsOf: URL(fileURLWithPath: input))
        #expect(try CLI.run(["convert", input, scratch.appendingPathComponent("out.h5").path, "--quiet"]).status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: input)) == before)
        let same = try CLI.run(["convert", input, input])
        #expect(same.status == 64 && same.stderr.contains("never modified"))
    }

    @Test func realPyTorchExportConvertsAndReproducesTheSeed() throws {
        let scratch = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let output = scratch.appendingPathComponent("fixture.h5").path
        let run = try CLI.run(["convert", CLI.repository.appendingPathComponent("Tests/Fixtures/torch-statedict-small.h5").path, output, "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        let analyze = try CLI.run(["analyze", output, "--out", scratch.appendingPathComponent("analysis").path, "--quiet", "--null-seeds", "0"])
        #expect(analyze.status == 0, "\(analyze.stderr)")
        try SeedReference.expectMatches(resultsJSON: scratch.appendingPathComponent("analysis/results.json"))
    }

    @Test func interruptedConvertLeavesNothingUnderOut() throws {
        let scratch = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let output = scratch.appendingPathComponent("out.h5")
        try Data("an earlier output".utf8).write(to: output)
        let arguments = ["convert", CLI.repository.appendingPathComponent("Tests/Fixtures/torch-statedict-small.h5").path, output.path, "--quiet"]
        let (sawTemporary, killed) = try CLI.killOnceWriting(arguments, folder: scratch, blockDelayMilliseconds: 40, settleMicroseconds: 100_000)
        #expect(sawTemporary)
        #expect(killed)
        #expect(try String(contentsOf: output, encoding: .utf8) == "an earlier output")
        // The next successful run replaces OUT and sweeps the stray temporary.
        let rerun = try CLI.run(["convert", CLI.repository.appendingPathComponent("Tests/Fixtures/torch-statedict-small.h5").path, output.path, "--quiet"])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path) == ["out.h5"])
        #expect(try CanonicalFile(path: output.path).isCanonical)
    }
}
