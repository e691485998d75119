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
            depth, and writes into --out: metasae.h5 (the canonical file), results.json, \
            results.csv, atomicity.svg and report.md. Prints the table, where each output went \
            and the verdict. Training options pass through (see `metasae train --help`).
            """)

    @Option(help: "Output folder.")
    var out = "runs/mnist"

    @OptionGroup var training: TrainingOptions

    @OptionGroup var examples: ExampleLimitOptions

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    func validate() throws {
        _ = try training.configuration()
    }

    func run() throws {
        try reportingFailures {
            let folder = try OutputFolder.prepare(out)
            let file = (folder as NSString).appendingPathComponent("metasae.h5")
            let started = Date()
            let summary = try TrainCommand.train(training, output: file, quiet: quiet)
            let trained = Date()
            var settings = AnalysisSettings()
            examples.apply(to: &settings)
            let results = try AtomicityAnalysis(settings: settings)
                .run(try CanonicalFile(path: file).checked(), toolVersion: MetaSAE.version, progress: TerminalProgress(quiet: quiet))
            let analyzed = Date()
            let written = try ResultsFolder.write(results, to: folder)
            if !quiet {
                print("")
                print(ResultsTable.render(results), terminator: "")
                print(String(format: "time: training %.1fs (%@), analysis %.1fs",
                             trained.timeIntervalSince(started), summary.phaseLine, analyzed.timeIntervalSince(trained)))
                print("wrote \(file)")
                for path in written { print("wrote \(path)") }
                print(results.verdict.line)
            }
        }
    }
}
