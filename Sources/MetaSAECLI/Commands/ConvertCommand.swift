import ArgumentParser
import Foundation
import HDF5
import MetaSAEImport
import MetaSAEReport
import MetaSAEStore

struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert an HDF5 file exported from PyTorch into the canonical layout.",
        discussion: """
            Detects state_dict dumps (encoder.weight / decoder.weight, dotted or nested, under \
            sae_1/, depth1/, saes/2/ …; dictionary_learning's decoder `bias`), SAELens names \
            (W_enc, W_dec, b_enc, b_dec, with d_in, d_sae, activation_fn, apply_b_dec_to_input \
            attributes or a JSON cfg), activations under per-depth names (activations/depth_0, \
            depth0/acts, acts_1, latents/2 …), labels (labels, y, targets, label) and \
            classifier layers. Orientation comes from matching shapes along the chain; a square \
            matrix is decided by the data when the activations on both sides are stored, else \
            by its names (nn.Linear names are [out, in], SAELens names [in, out]); --square \
            overrides. Depths whose activations are missing are an error, or recomputed with \
            their encoder under --recompute-missing.

            float16/32/64 in either byte order become float32 (--float64 for float64). \
            bfloat16 stored as uint16 or 2-byte opaque is read only with --bf16 or a dtype = \
            "bfloat16" attribute. NaN and Inf are counted per dataset and are an error unless \
            --allow-nonfinite. The input is opened read-only; OUT is written to a temporary \
            file beside it and renamed when complete.
            """)

    @Argument(help: "The exported HDF5 file, or a folder of SAELens SAE folders (opened read-only).")
    var input: String

    @Argument(help: "The canonical file to write (not needed with --dry-run or --emit-mapping alone).")
    var output: String?

    @Flag(name: .customLong("dry-run"), help: "Print the detected mapping (source → canonical, transposes) and write nothing.")
    var dryRun = false

    @Option(name: .customLong("emit-mapping"), help: "Write the detected mapping as JSON to this file, as a starting point for --mapping.")
    var emitMapping: String?

    @Option(help: "Use this mapping file instead of detection (format: schemas/convert-mapping-v1.md).")
    var mapping: String?

    @Option(help: "Orientation of square matrices: auto (data, then names), linear ([out, in]) or saelens ([in, out]).")
    var square = "auto"

    @Flag(help: "Read uint16 or 2-byte opaque weights and activations as bfloat16 bits.")
    var bf16 = false

    @Flag(name: .customLong("allow-nonfinite"), help: "Convert even if NaN or Inf values are found (they are still reported).")
    var allowNonFinite = false

    @Flag(help: "Write float64 activations and weights instead of float32.")
    var float64 = false

    @Option(help: "Store SAE latents in compressed-row form: on, off, auto (density < 0.1) or a density threshold.")
    var sparse = "off"

    @Flag(name: .customLong("recompute-missing"), help: "Compute depths whose activations the input lacks from the nearest stored depth below, through the stored encoders.")
    var recomputeMissing = false

    @Option(help: "SAELens input: depth 0's activations [N, d_in], FILE.npy or FILE.h5:dataset (default: activations.npy in the folder).")
    var activations: String?

    @Option(help: "SAELens input: the labels [N], FILE.npy or FILE.h5:dataset (default: labels.npy in the folder).")
    var labels: String?

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    func validate() throws {
        if !["auto", "linear", "saelens"].contains(square) { throw ValidationError("--square must be auto, linear or saelens") }
        if SparseStorage(argument: sparse) == nil { throw ValidationError("--sparse takes on, off, auto or a density in (0, 1]") }
        if output == nil && !dryRun && emitMapping == nil {
            throw ValidationError("give OUT.h5, or --dry-run / --emit-mapping FILE")
        }
    }

    func run() throws {
        try reportingFailures(naming: input) {
            var options = Converter.Options()
            options.bf16 = bf16
            options.allowNonFinite = allowNonFinite
            options.float64 = float64
            options.square = square
            options.recomputeMissing = recomputeMissing
            options.sparse = SparseStorage(argument: sparse) ?? .never
            if InputFile.isFolder(input) {
                if mapping != nil || square != "auto" {
                    throw CommandFailure(status: .usage, description: "--mapping and --square go with an HDF5 export; a SAELens folder's layout is known")
                }
                return try convertSAELens(options)
            }
            if activations != nil || labels != nil {
                throw CommandFailure(status: .usage, description: "--activations and --labels go with a folder of SAELens SAEs, not an HDF5 export")
            }
            try InputFile.admit(input)
            // Refused before anything is written: no output may be the input.
            try AtomicOutput.inputs.refuseAliasing([output, emitMapping].compactMap { $0 })
            try convert(input, options: options, source: nil)
        }
    }

    /// Detects (or reads the mapping), checks and writes; `source` names
    /// what an assembled `export` was made from, and `plan` where its
    /// assembly put each array.
    func convert(_ export: String, options: Converter.Options, source: String?, plan known: ConversionMapping? = nil) throws {
        let converter = Converter(options: options, toolVersion: "metasae \(MetaSAE.version)")
        let plan = try known ?? mapping.map(Self.loadMapping) ?? converter.detect(export)
        if dryRun || (!quiet && output == nil) { print(Self.describe(plan), terminator: "") }
        if let emitMapping {
            try AtomicOutput.write(try ResultsJSON.encode(value: plan), to: emitMapping)
            if !quiet { print("wrote mapping \(emitMapping)") }
        }
        // The mapping as the checker sees the export: a dry run fails where convert would.
        if dryRun { _ = try converter.check(export, mapping: plan) }
        guard !dryRun, let output else { return }
        try OutputFolder.prepareParent(of: output)
        let report = try converter.convert(export, to: output, mapping: plan, source: source)
        if !quiet {
            for line in report.nonFinite { print("warning: \(line) (kept: --allow-nonfinite)") }
            if source == nil {
                for depth in report.recomputedDepths { print("depth \(depth): activations not in the input; recomputed with SAE \(depth)'s encoder") }
            }
            print("wrote \(output): \(report.rows) examples, widths \(report.widths.map(String.init).joined(separator: "-"))")
        }
    }

    static func loadMapping(_ path: String) throws -> ConversionMapping {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandFailure(status: .notFound, description: "cannot read mapping \(path): no such file")
        }
        do {
            return try JSONDecoder().decode(ConversionMapping.self, from: data)
        } catch {
            throw CommandFailure(status: .usage, description: "\(path) is not a valid mapping file: \(Display.cut("\(error)", to: 200))")
        }
    }

    /// The mapping as a readable table.
    static func describe(_ mapping: ConversionMapping) -> String {
        let width = mapping.entries.map(\.source.count).max() ?? 0
        var out = "detected mapping (source → canonical):\n"
        for entry in mapping.entries {
            out += "  " + entry.source.padding(toLength: width, withPad: " ", startingAt: 0) + "  →  " + entry.target
            if entry.transposed { out += "  [transpose]" }
            if (mapping.bf16 ?? []).contains(entry.source) { out += "  [bfloat16]" }
            if let note = entry.note { out += "  (\(note))" }
            out += "\n"
        }
        for (depth, attributes) in (mapping.sae ?? [:]).sorted(by: { $0.key < $1.key }) {
            out += "  SAE \(depth): activation_fn = \(attributes.activation_fn ?? "relu")"
                + (attributes.k.map { ", k = \($0)" } ?? "") + ", apply_b_dec_to_input = \(attributes.apply_b_dec_to_input ?? 0)\n"
        }
        return out
    }
}
