import ArgumentParser
import AtomicityMetrics
import MetaSAEStore
import MetaSAEReport
import MetaSAETraining

/// An analysis as `analyze` and `run` do it: the streamed metrics and
/// diagnostics, then, when asked for, the decoder-row meta-SAEs (on the
/// first process only: they read weights, not rows).
enum CommandAnalysis {
    /// `METASAE_KERNEL`, as a usage error when it names no kernel
    /// (`CommandEnvironment` checks it before any command runs).
    static func kernel() throws -> MomentAccumulator.Kernel {
        do { return try .configured() } catch { throw ValidationError("\(error)") }
    }

    static func run(
        _ experiment: CheckedExperiment, settings: AnalysisSettings, exchange: any PartialStateExchange = SingleProcess(),
        progress: any ProgressSink, quiet: Bool
    ) throws -> AnalysisResults {
        var analysis = AtomicityAnalysis(settings: settings, exchange: exchange)
        analysis.kernel = try kernel()
        var results = try analysis.run(experiment, toolVersion: MetaSAE.version, progress: progress)
        if let meta = settings.diagnostics?.metaSAE, exchange.rank == 0 {
            DecoderRowMetaSAE(meta).annotate(&results, cascade: try experiment.trained.saes.map { try $0.load() },
                                             observer: TerminalTraining(quiet: quiet, logLines: false))
        }
        if exchange.rank == 0, let images = experiment.images, let features = results.features {
            let rows = features.shownRows
            results.features!.images = FeatureAtlas.images(rows: rows, pixels: try StoredImages.pixels(of: rows, in: images))
        }
        return results
    }
}
