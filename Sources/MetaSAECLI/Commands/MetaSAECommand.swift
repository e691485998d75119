import ArgumentParser
import AtomicityMetrics
import Foundation
import MetaSAEImport
import MetaSAEStore
import MetaSAETraining

struct MetaSAECommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "meta-sae",
        abstract: "Train decoder-row meta-SAEs: how much of a dictionary's directions a few meta-latents explain.",
        discussion: """
            What the literature calls a meta-SAE (Bussmann, Leask et al. 2024; SAEBench's \
            meta_sae eval): for each depth d, a BatchTopK SAE (width 0.25× the number of \
            directions, k = 4) trained on the unit-normed composite directions M_d (the rows of \
            W_dec_d·…·W_dec_1, each depth-d latent's direction in depth-0 space), reporting the \
            share of their variance it explains, beside the same for as many random unit \
            vectors. The seed's cascade trains each SAE on the previous one's latents; this \
            trains on the decoder directions themselves.

            INPUT is a canonical HDF5 file, a SAELens SAE folder (its W_dec), or a folder of \
            SAELens SAE folders (a cascade, in depth order). `analyze --meta-sae` adds the same \
            numbers to results.json and the report.
            """)

    @Argument(help: "A canonical HDF5 file, a SAELens SAE folder, or a folder of SAELens SAE folders.")
    var input: String

    @OptionGroup var options: MetaSAEOptions

    @Option(help: "Also write the numbers to this JSON file.")
    var out: String?

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    struct Depth: Codable {
        var depth: Int
        var outcome: DecoderRowMetaSAE.Outcome?
    }

    func run() throws {
        try reportingFailures(naming: input) {
            let cascade = try Self.cascade(at: input)
            let observer = TerminalTraining(quiet: quiet, logLines: false)
            let depths = DecoderRowMetaSAE(options.values).fitAll(cascade, observer: observer).map(Depth.init)
            if let out { try AtomicOutput.write(Data(try JSONOutput.string(depths).utf8), to: out) }
            guard !quiet else { return }
            print("depth  directions  width  explained  random")
            for depth in depths {
                guard let outcome = depth.outcome else { print(String(format: "%5d  (fewer than two directions)", depth.depth)); continue }
                print(String(format: "%5d  %10d  %5d  %9.4f  %6.4f", depth.depth, outcome.rows, outcome.width, outcome.explained, outcome.random))
            }
            if let out { print("wrote \(out)") }
        }
    }

    /// The SAEs of INPUT in depth order: a checked canonical file's
    /// cascade, or SAELens folders as `convert` reads them.
    static func cascade(at path: String) throws -> [SAEWeights] {
        if InputFile.isFolder(path) {
            return try SAELensExperiment.depthFolders(in: path).map { try SAELensFolder(path: $0).read().weights }
        }
        try InputFile.admit(path)
        return try CanonicalFile(path: path).checked().trained.saes.map { try $0.load() }
    }
}

/// The meta-SAE's settings, shared by `meta-sae` and `analyze --meta-sae`.
struct MetaSAEOptions: ParsableArguments {
    @Option(name: .customLong("meta-width"), help: "Meta-SAE width as a share of the number of directions.")
    var widthFraction = 0.25

    @Option(name: .customLong("meta-k"), help: "Active meta-latents per direction (BatchTopK's k).")
    var k = 4

    @Option(name: .customLong("meta-epochs"), help: "Training epochs over the directions.")
    var epochs = 400

    @Option(name: .customLong("meta-seed"), help: "Seed of the meta-SAE's initialization, shuffles and random directions.")
    var seed: UInt64 = 0

    func validate() throws {
        guard widthFraction > 0, widthFraction <= 16 else { throw ValidationError("--meta-width must be in (0, 16]") }
        guard k >= 1 else { throw ValidationError("--meta-k must be ≥ 1") }
        guard (1...100_000).contains(epochs) else { throw ValidationError("--meta-epochs must be in 1…100000") }
    }

    var values: MetaSAESettings {
        var meta = MetaSAESettings()
        meta.widthFraction = widthFraction
        meta.k = k
        meta.epochs = epochs
        meta.seed = seed
        return meta
    }


}

/// `--no-diagnostics` and `--meta-sae`, for `analyze` and `run`.
struct DiagnosticOptions: ParsableArguments {
    @Flag(name: .customLong("no-diagnostics"), help: "Leave out the diagnostics beside the seed's metrics (see the README's \"Diagnostics\").")
    var noDiagnostics = false

    @Flag(name: .customLong("meta-sae"), help: "Also train a decoder-row meta-SAE per depth (see `metasae meta-sae`).")
    var metaSAE = false

    @OptionGroup var meta: MetaSAEOptions

    func validate() throws {
        if noDiagnostics && metaSAE { throw ValidationError("--meta-sae is a diagnostic: it cannot go with --no-diagnostics") }
    }

    func apply(to settings: inout AnalysisSettings) {
        if noDiagnostics { settings.diagnostics = nil; return }
        if metaSAE { settings.diagnostics?.metaSAE = meta.values }
    }
}

extension DecoderRowMetaSAE {
    /// One fit per depth, on that depth's composite directions M_d.
    func fitAll(_ cascade: [SAEWeights], observer: any TrainingObserver) -> [(Int, Outcome?)] {
        DecoderChain.prefixes(of: cascade).enumerated().map { index, chain in
            let rows = (0..<chain.latentWidth).map { Array(chain.linear[($0 * chain.outputWidth)..<(($0 + 1) * chain.outputWidth)]) }
            return (index + 1, fit(rows: rows, observer: observer, stage: "meta-SAE depth \(index + 1)"))
        }
    }

    /// Adds the fits to the trained cascade's diagnostics in `results`.
    func annotate(_ results: inout AnalysisResults, cascade: [SAEWeights], observer: any TrainingObserver) {
        for (depth, outcome) in fitAll(cascade, observer: observer) {
            guard let outcome, let index = results.depths.firstIndex(where: { $0.depth == depth }) else { continue }
            var diagnostics = results.depths[index].diagnostics ?? DepthDiagnostics()
            diagnostics.metaSAEExplained = outcome.explained
            diagnostics.metaSAERandom = outcome.random
            results.depths[index].diagnostics = diagnostics
        }
    }
}
