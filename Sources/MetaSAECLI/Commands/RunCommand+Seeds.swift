import AtomicityMetrics
import Foundation
import MetaSAEReport

extension RunCommand {
    /// One experiment per seed, resumable, then their aggregate.
    func runSeeds(_ seeds: [UInt64]) throws {
        let experiment = ExperimentFolder(root: try OutputFolder.prepare(out ?? "runs/mnist-seeds"))
        var collected: [SeedResults] = []
        var seconds: [TimeInterval] = []
        for (index, seed) in seeds.enumerated() {
            var options = training
            options.seed = seed
            let plan = ExperimentFolder.Plan(training: try options.configuration(), analysis: settings)
            let remaining = seeds.count - index
            let eta = seconds.isEmpty ? "" : " · ETA " + TerminalProgress.duration(seconds.reduce(0, +) / Double(seconds.count) * Double(remaining))
            let position = "seed \(seed) (\(index + 1) of \(seeds.count))"
            let prefix = position + eta + " · "
            let results: AnalysisResults
            switch try experiment.state(seed: seed, plan: plan) {
            case .complete(let kept):
                results = kept
                say("\(position): complete, kept")
            case let state:
                let train: Bool
                if case .trained = state { train = false } else { train = true }
                if train { try experiment.writePlan(plan, seed: seed) }
                let timed = try Self.trainAndAnalyze(options, file: experiment.file(seed: seed), settings: settings, quiet: quiet, train: train,
                                                     observer: TerminalTraining(quiet: quiet, prefix: prefix, logLines: false),
                                                     progress: TerminalProgress(quiet: quiet, prefix: prefix))
                _ = try ResultsFolder.write(timed.results, to: experiment.folder(seed: seed), figures: figures)
                if train { seconds.append(timed.training + timed.analysis) }
                results = timed.results
                say(String(format: "%@: %@ %.1fs, analyzed %.1fs — %@", position, train ? "trained" : "kept the trained file,",
                           timed.training, timed.analysis, results.verdict.conclusion))
            }
            collected.append(SeedResults(label: "seed-\(seed)", path: experiment.results(seed: seed), results: results))
        }
        guard collected.count >= 2 else {
            say("one seed: nothing to aggregate (aggregate needs 2 or more); its results are in \(experiment.folder(seed: seeds[0]))")
            return
        }
        let aggregate = try ReplicationAnalysis.run(collected, toolVersion: MetaSAE.version)
        let written = try AggregateFolder.write(aggregate, to: experiment.root, figures: figures)
        if !quiet {
            print("")
            AggregateFolder.announce(aggregate, written: written)
        }
    }

    private func say(_ line: String) {
        if !quiet { print(line) }
    }
}
