import Foundation
import HDF5
import MetaSAEImport
import MetaSAEStore

extension ConvertCommand {
    /// A folder of SAELens SAE folders: each checked as SAELens would load
    /// it, assembled with the activations and labels into a temporary HDF5
    /// export beside OUT, and converted from there; depths 1…D are computed
    /// through the encoders.
    func convertSAELens(_ given: Converter.Options) throws {
        let specs = [activations, labels].compactMap { $0 }
        for path in ArrayInput.hdf5Paths(specs) { try InputFile.admit(path) }
        let folders = try SAELensExperiment.depthFolders(in: input)
        for folder in folders {
            for name in [SAELensFolder.configName, SAELensFolder.weightsName] {
                AtomicOutput.inputs.protect((folder as NSString).appendingPathComponent(name))
            }
        }
        // Refused before anything is read or written: no output may be an input.
        try AtomicOutput.inputs.refuseAliasing([output, emitMapping].compactMap { $0 })
        let experiment = try SAELensExperiment(saeFolders: folders, folder: input, activations: activations, labels: labels)
        if !quiet {
            for (index, sae) in experiment.saes.enumerated() {
                let config = sae.folder.config
                print("SAE \(index + 1) ← \(sae.folder.path): \(config.architecture)" + (config.k.map { " k=\($0)" } ?? "")
                      + ", d_in \(config.dIn), d_sae \(config.dSAE), apply_b_dec_to_input \(config.applyDecoderBias)")
                for note in sae.notes { print("  note: \(note)") }
            }
        }
        let scratchFolder = output.map { URL(fileURLWithPath: $0).deletingLastPathComponent().path } ?? NSTemporaryDirectory()
        try OutputFolder.prepare(scratchFolder)
        let export = (scratchFolder as NSString).appendingPathComponent(".metasae-tmp-saelens-\(getpid())-\(UUID().uuidString.prefix(8)).h5")
        defer { try? FileManager.default.removeItem(atPath: export) }
        let plan = try experiment.assemble(into: export)
        var options = given
        options.recomputeMissing = true
        try convert(export, options: options, source: input, plan: plan)
    }
}
