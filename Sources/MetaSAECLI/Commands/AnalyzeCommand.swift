import ArgumentParser
import AtomicityMetrics
import Foundation
import MetaSAEReport
import MetaSAEStore

struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Compute FRI, CSP, PDS and LTES per depth, their trends, null models and a verdict.",
        discussion: """
            Streams every depth of a canonical file in chunk-aligned row blocks: memory grows \
            with the widths, never with the number of examples. Writes results.json (every \
            number, the settings and the input's provenance), results.csv (one row per \
            depth), report.md, the figures and report.html into --out, and prints a table and \
            the verdict.

            report.html is one self-contained page (it loads nothing from the network): the \
            report with its figures, and a browser of every latent of the trained cascade, depth \
            0's units included: a sortable, filterable table per depth, and per latent its top \
            activating examples (the file's /images when it has them), class means, activation \
            histogram, decoder lineage to the depths around it and nearest decoder rows. Its \
            data come from the same streamed passes and go to features.json too; \
            --feature-examples sets how many top examples a latent keeps (0 leaves them out).

            Metrics follow the seed's reference code: FRI on the first 1000 examples, LTES on \
            the first 100 (a latent counts if active in ≥ 10% of them), CSP and ODM over all \
            examples, PDS(d) = ODM(d-1) - ODM(d) with PDS(1) = 0. Trends use Spearman's ρ with \
            scipy's t-test p and the exact permutation p. Mean L0 and alive latents are reported \
            per depth.

            Controls in the file (flat controls and matched nulls, from `train --flat-controls \
            --matched-null-seeds K` or `run --design controlled`) are measured like the cascade, \
            and each metric's difference cascade − control is tested against depth; the report \
            names the control each statement rests on.

            Diagnostics beside the metrics, for the trained cascade, in the same passes: the \
            interference ratio, LTES's parts, CSP over alive latents and with shuffled labels, \
            ODM⁺/ODM⁻ and the independence level, duplicates within and across adjacent depths, \
            the cumulative FVU in depth-0 space (and the stored classifier's accuracy on the \
            reconstruction), W_dec composition and OMP against the depth-1 directions. They go \
            to results.json, results.csv, report.md ("What else the data says") and \
            diagnostics.svg; --no-diagnostics leaves them out, --meta-sae adds decoder-row \
            meta-SAEs (see `metasae meta-sae`).

            Kernels and threads: each block's covariance takes the sparse kernel when at most 5% \
            of its values are non-zero, else the dense (BLAS) one; METASAE_KERNEL=dense or sparse \
            forces one (the results agree to rounding). METASAE_READ_THREADS copy, decompress \
            or compress file data (default: one per core, up to 4), METASAE_THREADS run the sparse \
            kernel (default: one per core), OPENBLAS_NUM_THREADS the dense one. Set all three to 1 \
            when processes share the cores. metasae has OpenBLAS's idle threads sleep at once \
            rather than spin for 0.1 s (OPENBLAS_THREAD_TIMEOUT=4) unless OPENBLAS_THREAD_TIMEOUT \
            is set.
            """)

    @Argument(help: "A canonical HDF5 file (see `metasae schema`).")
    var file: String

    @Option(help: "Output folder (default: a folder named after the input, beside it).")
    var out: String?

    @OptionGroup var examples: ExampleLimitOptions

    @OptionGroup(title: "Diagnostics") var diagnostics: DiagnosticOptions

    @Option(name: .customLong("null-seeds"), help: "Build K random-init null cascades (PyTorch nn.Linear init). Default: use null models stored in the file, if any; 0 for none.")
    var nullSeeds: Int?

    @Option(name: .customLong("null-seed-base"), help: "Seed of the first null cascade; cascade k uses base + k.")
    var nullSeedBase: UInt64 = 1_000

    @Option(name: .customLong("matched-null-seeds"), help: "Build K random-init cascades whose codes are TopK at the trained cascade's rounded L0 per depth. Default: those stored in the file, if any; 0 for none.")
    var matchedNullSeeds: Int?

    @Option(help: "SAE depths to analyze, e.g. 1,3 (default: all).")
    var depths: String?

    @Option(help: "Metrics to compute, e.g. PDS,CSP (default: FRI,CSP,PDS,LTES).")
    var metrics: String?

    @Option(help: "Rows with NaN or Inf activations: refuse (stop with an error naming the depth and counts) or exclude (leave them out, and report how many).")
    var nonfinite = "refuse"

    @OptionGroup var figures: PNGOption

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    func validate() throws {
        if NonFinitePolicy(rawValue: nonfinite) == nil { throw ValidationError("--nonfinite must be refuse or exclude") }
        if let nullSeeds, nullSeeds < 0 { throw ValidationError("--null-seeds must be ≥ 0") }
        if let matchedNullSeeds, matchedNullSeeds < 0 { throw ValidationError("--matched-null-seeds must be ≥ 0") }
        _ = try parsedDepths()
        _ = try parsedMetrics()
    }

    func parsedDepths() throws -> [Int]? {
        guard let depths else { return nil }
        let values = depths.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ $0 != nil }) else {
            throw ValidationError("--depths takes comma-separated depth numbers, e.g. 1,3")
        }
        return values.compactMap { $0 }
    }

    func parsedMetrics() throws -> [Metric] {
        guard let metrics else { return Metric.allCases }
        return try metrics.split(separator: ",").map { name in
            let text = name.trimmingCharacters(in: .whitespaces).uppercased()
            guard let metric = Metric(rawValue: text) else {
                throw ValidationError("unknown metric '\(name)'; choose from FRI, CSP, PDS, LTES")
            }
            return metric
        }
    }

    func settings() throws -> AnalysisSettings {
        var settings = AnalysisSettings()
        examples.apply(to: &settings)
        settings.depths = try parsedDepths()
        settings.metrics = try parsedMetrics()
        settings.nullSeeds = nullSeeds
        settings.nullSeedBase = nullSeedBase
        settings.matchedNullSeeds = matchedNullSeeds
        settings.nonFinite = NonFinitePolicy(rawValue: nonfinite) ?? .refuse
        diagnostics.apply(to: &settings)
        return settings
    }

    func run() throws {
        try reportingFailures(naming: file) {
            // Under MPI every rank computes its share; all end with the same
            // merged results, and rank 0 alone writes and prints them.
            let exchange = DistributedContext.exchange
            try InputFile.admit(file, sharedWith: exchange)
            let experiment = try CanonicalFile(path: file).checked()
            let leader = exchange.rank == 0
            let progress = TerminalProgress(quiet: quiet || !leader)
            let results = try CommandAnalysis.run(experiment, settings: try settings(), exchange: exchange, progress: progress, quiet: quiet)
            guard leader else { return }
            let folder = try OutputFolder.prepare(out ?? ResultsFolder.defaultPath(for: file))
            let written = try ResultsFolder.write(results, to: folder, figures: figures)
            if !quiet {
                print(ResultsTable.render(results), terminator: "")
                print(results.verdict.line)
                for path in written { print("wrote \(path)") }
            }
        }
    }
}

/// Where analysis outputs go, and writing them atomically.
enum ResultsFolder {
    /// `runs/exp.h5` → `runs/exp-analysis`.
    static func defaultPath(for input: String) -> String {
        let url = URL(fileURLWithPath: input)
        let stem = url.deletingPathExtension().lastPathComponent
        return url.deletingLastPathComponent().appendingPathComponent("\(stem)-analysis").path
    }

    static let featuresName = "features.json"

    /// Writes results.json, features.json (when the results carry
    /// per-latent data), results.csv, atomicity.svg, report.md,
    /// diagnostics.svg and report.html (and, with --png, PNG copies of the
    /// figures); returns their paths.
    static func write(_ results: AnalysisResults, to folder: String, figures: PNGOption = PNGOption()) throws -> [String] {
        let json = path(folder, "results.json")
        try AtomicOutput.write(try ResultsJSON.encode(results), to: json)
        var written = [json]
        let featuresJSON = try results.features.map { try ResultsJSON.encodeCompact(value: $0) }
        if let featuresJSON {
            let file = path(folder, featuresName)
            try AtomicOutput.write(featuresJSON, to: file)
            written.append(file)
        }
        return written + (try writeReport(results, featuresJSON: featuresJSON, to: folder, figures: figures))
    }

    /// The derived outputs: CSV, figures, report.md and report.html.
    static func writeReport(_ results: AnalysisResults, featuresJSON: Data?, to folder: String,
                            figures: PNGOption = PNGOption()) throws -> [String] {
        let documents = ReportDocuments(results, featuresJSON: featuresJSON)
        var written = [String]()
        /// Writes one document and returns its path.
        @discardableResult func put(_ text: String, _ name: String) throws -> String {
            let file = path(folder, name)
            try AtomicOutput.write(Data(text.utf8), to: file)
            written.append(file)
            return file
        }
        try put(documents.csv, "results.csv")
        let atomicity = try put(documents.atomicityFigure, AtomicityFigure.fileName)
        if let png = figures.copy(of: atomicity) { written.append(png) }
        try put(documents.markdown, "report.md")
        if let figure = documents.diagnosticsFigure {
            let diagnostics = try put(figure, DiagnosticsFigure.fileName)
            if let png = figures.copy(of: diagnostics) { written.append(png) }
        }
        try put(documents.page, FeatureBrowserPage.fileName)
        return written
    }

    static func path(_ folder: String, _ name: String) -> String {
        (folder as NSString).appendingPathComponent(name)
    }
}
