import ArgumentParser
import Foundation
import MetaSAEImport
import MetaSAEStore

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a canonical file's SAEs as SAELens SAE folders.",
        discussion: """
            Writes DIR/depth_<d>/ for every SAE depth d: cfg.json (a SAELens 6 inference config: \
            architecture standard, topk or jumprelu, d_in, d_sae, k, apply_b_dec_to_input, \
            float32) and sae_weights.safetensors (W_enc [d_in, d_sae], W_dec [d_sae, d_in], \
            b_enc, b_dec, threshold for JumpReLU), which `SAE.load_from_disk` loads. With \
            --with-controls also null_<k>/, matched_null_<k>/ and flat_control/ folders of \
            depth_<d>/ SAEs. DIR/README.md says which folder is what and what it was trained \
            on. DIR must be new or empty; nothing in FILE changes. `metasae convert DIR` \
            reads the folders back (with --activations and --labels).
            """)

    @Argument(help: "A canonical HDF5 file.")
    var file: String

    @Argument(help: "The folder to write (new or empty).")
    var out: String

    @Option(help: "Output format (only saelens).")
    var format = "saelens"

    @Flag(name: .customLong("with-controls"), help: "Also write the null models, matched nulls and flat controls.")
    var withControls = false

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    func validate() throws {
        if format != "saelens" { throw ValidationError("--format takes saelens") }
    }

    func run() throws {
        try reportingFailures(naming: file) {
            try InputFile.admit(file)
            let experiment = try CanonicalFile(path: file).checked()
            let contents = (try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []
            guard contents.isEmpty else {
                throw CommandFailure(status: .cannotWrite, description: "\(out) is not empty; export into a new or empty folder")
            }
            try OutputFolder.prepare(out)
            var written: [(folder: String, what: String)] = []
            func write(_ sae: CheckedSAE, to folder: String, role: String) throws {
                let weights = try sae.load()
                let metadata: [String: Any] = [
                    "model_name": experiment.provenance.classifierArchitecture.map { "mnist-mlp \($0)" } ?? "metasae",
                    "hook_name": "depth_\(sae.depth - 1)", "metasae_file": URL(fileURLWithPath: file).standardizedFileURL.path,
                    "metasae_depth": sae.depth, "metasae_role": role, "metasae_version": MetaSAE.version,
                ]
                let files = try SAELensExport.files(weights, metadata: metadata)
                let path = (out as NSString).appendingPathComponent(folder)
                try OutputFolder.prepare(path)
                try AtomicOutput.write(files.config, to: (path as NSString).appendingPathComponent(SAELensFolder.configName))
                try AtomicOutput.write(files.weights, to: (path as NSString).appendingPathComponent(SAELensFolder.weightsName))
                written.append((folder, "\(role), depth \(sae.depth): \(weights.activation.name), \(sae.inputWidth) → \(sae.latentWidth), reads depth \(sae.depth - 1)"))
            }
            for sae in experiment.trained.saes { try write(sae, to: "depth_\(sae.depth)", role: "trained cascade") }
            if withControls {
                for cascade in experiment.nullModels + experiment.matchedNulls {
                    let (name, role): (String, String)
                    switch cascade.role {
                    case .null(let index, let seed): (name, role) = ("null_\(index)", "random-init null \(index) (seed \(seed))")
                    case .matchedNull(let index, let seed): (name, role) = ("matched_null_\(index)", "matched null \(index) (seed \(seed))")
                    case .trained: continue
                    }
                    for sae in cascade.saes { try write(sae, to: "\(name)/depth_\(sae.depth)", role: role) }
                }
                for control in experiment.flatControls {
                    try write(control.sae, to: "flat_control/depth_\(control.depth)", role: "flat control for depth \(control.depth) (trained on depth 0)")
                }
            }
            try AtomicOutput.write(Data(readme(experiment, written).utf8), to: (out as NSString).appendingPathComponent("README.md"))
            if !quiet { print("wrote \(written.count) SAELens SAE folders and README.md into \(out)") }
        }
    }

    func readme(_ experiment: CheckedExperiment, _ written: [(folder: String, what: String)]) -> String {
        var text = "# SAEs exported by metasae \(MetaSAE.version)\n\n"
        text += "From `\(URL(fileURLWithPath: file).standardizedFileURL.path)` (\(experiment.exampleCount) analysis examples, widths "
            + experiment.widths.map(String.init).joined(separator: "-") + ")"
            + (experiment.provenance.source.map { ", made by: \($0)" } ?? "") + ".\n\n"
        text += "Each folder holds `cfg.json` and `sae_weights.safetensors` in SAELens 6's layout (the cfg's "
            + "`metadata.sae_lens_version` names that layout). Load one with\n\n"
            + "```python\nfrom sae_lens import SAE\nsae = SAE.load_from_disk(\"\(written.first?.folder ?? "depth_1")\")\n```\n\n"
        text += "Depth d's SAE reads depth d−1's activations: depth 0 is the classifier's hidden layer"
            + (experiment.classifier?.hiddenLayer.map { " \($0)" } ?? "") + ", depth d ≥ 1 the latents of SAE d.\n\n"
        text += "| folder | what it is |\n|---|---|\n"
        for entry in written { text += "| `\(entry.folder)` | \(entry.what) |\n" }
        return text
    }
}
