import ArgumentParser
import AtomicityMetrics
import Foundation
import MetaSAEReport
import MetaSAEStore
import MetaSAETraining

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "The main job: train on MNIST, analyze every depth with null models, write everything.",
        discussion: """
            With no arguments: trains the classifier and a 6-depth meta-SAE cascade on the \
            bundled MNIST (data/mnist), stores 4 random-init null cascades, analyzes every \
            depth, and writes into --out: metasae.h5 (the canonical file, with the analysis \
            images unless --no-images), results.json, features.json, results.csv, \
            atomicity.svg, diagnostics.svg, report.md and report.html (the report and a browser \
            of every latent; see `metasae analyze --help`). Prints the table, where each output went \
            and the verdict. Training options pass through (see `metasae train --help`).

            With --seeds (e.g. 0-9, or 1,4,7-9): one independent experiment per seed, each \
            with its own classifier, cascade, controls and null models, in --out/seed-<s>/ \
            (plan.json, metasae.h5, results.json and the one-seed report), then `metasae \
            aggregate` over them into --out (aggregate.json, aggregate.csv, \
            aggregate-depths.csv, aggregate.svg, aggregate.md). Rerun after a kill, it keeps \
            every seed whose file checks and whose results match it, analyzes any seed that \
            was trained but not analyzed, and trains the rest; it refuses a seed folder made \
            with other options instead of overwriting it.
            """)

    @Option(help: "Output folder (default: runs/mnist, or runs/mnist-seeds with --seeds).")
    var out: String?

    @Option(help: "Train and analyze one experiment per seed (e.g. 0-9 or 1,4,7-9, each below 2^32), then aggregate them.")
    var seeds: SeedList?

    @OptionGroup var options: TrainingOptions

    /// The training options, storing the analysis images unless --no-images.
    var training: TrainingOptions {
        var training = options
        training.images = training.images ?? true
        return training
    }

    @OptionGroup var examples: ExampleLimitOptions

    @OptionGroup(title: "Diagnostics") var diagnostics: DiagnosticOptions

    @OptionGroup var figures: PNGOption

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    func validate() throws {
        _ = try training.configuration()
        if seeds != nil && training.seed != 0 { throw ValidationError("give --seed or --seeds, not both") }
    }

    var settings: AnalysisSettings {
        var settings = AnalysisSettings()
        examples.apply(to: &settings)
        diagnostics.apply(to: &settings)
        return settings
    }

    func run() throws {
        try reportingFailures {
            if let seeds {
                try runSeeds(seeds.seeds)
            } else {
                try runOne()
            }
        }
    }

    func runOne() throws {
        let folder = try OutputFolder.prepare(out ?? "runs/mnist")
        let file = (folder as NSString).appendingPathComponent("metasae.h5")
        let timed = try Self.trainAndAnalyze(training, file: file, settings: settings, quiet: quiet)
        let written = try ResultsFolder.write(timed.results, to: folder, figures: figures)
        if !quiet {
            print("")
            print(ResultsTable.render(timed.results), terminator: "")
            print(String(format: "time: training %.1fs (%@), analysis %.1fs", timed.training, timed.phases, timed.analysis))
            print("wrote \(file)")
            for path in written { print("wrote \(path)") }
            print(timed.results.verdict.line)
            print(Self.replicationHint)
        }
    }

    static let replicationHint = "one training seed is not a replication: `metasae run --seeds 0-9` trains ten and pools them"

    struct Timed {
        var results: AnalysisResults
        var training: TimeInterval
        var analysis: TimeInterval
        var phases: String
    }

    /// Trains into `file` (unless `train` is false) and analyzes it.
    static func trainAndAnalyze(_ options: TrainingOptions, file: String, settings: AnalysisSettings, quiet: Bool,
                                train: Bool = true, observer: TerminalTraining? = nil, progress: TerminalProgress? = nil) throws -> Timed {
        let started = Date()
        let summary = train ? try TrainCommand.train(options, output: file, quiet: quiet, observer: observer) : nil
        let trained = Date()
        let results = try CommandAnalysis.run(try CanonicalFile(path: file).checked(), settings: settings,
                                              progress: progress ?? TerminalProgress(quiet: quiet), quiet: quiet)
        return Timed(results: results, training: trained.timeIntervalSince(started), analysis: Date().timeIntervalSince(trained),
                     phases: summary?.phaseLine ?? "kept")
    }
}
