import ArgumentParser
import AtomicityMetrics
import Foundation
import MetaSAEReport
import MetaSAEStore

struct AggregateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aggregate",
        abstract: "Pool the results of independent training seeds: trend tests across seeds, intervals and a verdict.",
        discussion: """
            Takes an experiment folder (every subfolder's results.json, as `run --seeds` \
            writes them) or results.json files (from `analyze`, also of files converted \
            from your own seeds). Seeds must be analyzed alike at the same depths.

            Per metric (FRI, CSP, PDS, LTES), per diagnostic (ODM, mean L0, alive latents) \
            and per control difference (cascade − control): the mean over seeds at each \
            depth with its 95% t interval; each seed's Spearman ρ and exact p; Page's L over \
            seeds × depths, one-sided in the predicted direction (scipy.stats.page_trend_test \
            semantics); the mean ρ with a seeded seed-bootstrap 95% interval; a one-sided \
            Wilcoxon signed-rank test of each adjacent step across seeds (scipy.stats.wilcoxon \
            semantics), Holm-adjusted over steps; Holm across the metrics. PDS is tested for \
            being positive at every depth ≥ 2. The verdict applies the seed's rule to the \
            pooled tests.

            Writes aggregate.json (every number), aggregate.csv (one row per metric), \
            aggregate-depths.csv (one row per metric and depth, a column per seed), \
            aggregate.svg, aggregate.md and report.html (the same report as one \
            self-contained page) into --out.
            """)

    @Argument(help: "An experiment folder, or two or more results.json files.")
    var inputs: [String]

    @Option(help: "Output folder (default: the experiment folder, when one is given).")
    var out: String?

    @OptionGroup var figures: PNGOption

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    func validate() throws {
        if inputs.isEmpty { throw ValidationError("give an experiment folder or results.json files") }
        if out == nil && !(inputs.count == 1 && InputFile.isFolder(inputs[0])) {
            throw ValidationError("--out is needed unless the input is one experiment folder")
        }
    }

    func run() throws {
        try reportingFailures {
            let files = try inputs.flatMap(Self.resultsFiles)
            let seeds = try files.map { path in
                SeedResults(label: Self.label(path, among: files), path: path, results: try ResultsFile.read(path))
            }
            for path in files { AtomicOutput.inputs.protect(path) }
            let aggregate = try ReplicationAnalysis.run(seeds, toolVersion: MetaSAE.version)
            let folder = try OutputFolder.prepare(out ?? inputs[0])
            let written = try AggregateFolder.write(aggregate, to: folder, figures: figures)
            if !quiet { AggregateFolder.announce(aggregate, written: written) }
        }
    }

    /// A file as given; a folder's subfolders' results.json in natural
    /// order (seed-2 before seed-10), else its own.
    static func resultsFiles(_ input: String) throws -> [String] {
        guard InputFile.isFolder(input) else { return [input] }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: input)) ?? [])
            .sorted { $0.compare($1, options: .numeric) == .orderedAscending }
        let nested = names.map { ((input as NSString).appendingPathComponent($0) as NSString).appendingPathComponent("results.json") }
            .filter { FileManager.default.fileExists(atPath: $0) }
        if !nested.isEmpty { return nested }
        let own = (input as NSString).appendingPathComponent("results.json")
        guard FileManager.default.fileExists(atPath: own) else {
            throw CommandFailure(status: .notFound, description: "no results.json in \(input) or its subfolders")
        }
        return [own]
    }

    /// `…/seed-3/results.json` → "seed-3"; other names their stem; the whole
    /// path when two inputs would share a label.
    static func label(_ path: String, among paths: [String]) -> String {
        func short(_ path: String) -> String {
            let url = URL(fileURLWithPath: path)
            return url.lastPathComponent == "results.json" ? url.deletingLastPathComponent().lastPathComponent
                : url.deletingPathExtension().lastPathComponent
        }
        return paths.filter { short($0) == short(path) }.count > 1 ? path : short(path)
    }
}
