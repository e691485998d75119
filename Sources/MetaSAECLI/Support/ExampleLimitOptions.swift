import ArgumentParser
import AtomicityMetrics

/// How many leading examples FRI and LTES use, and how many top examples
/// the feature browser keeps per latent: shared by `analyze` and `run`.
struct ExampleLimitOptions: ParsableArguments {
    @Option(name: .customLong("fri-examples"), help: "Leading examples FRI evaluates, or 'all'.")
    var friExamples = "1000"

    @Option(name: .customLong("ltes-examples"), help: "Leading examples LTES evaluates, or 'all'.")
    var ltesExamples = "100"

    @Option(name: .customLong("feature-examples"), help: "Top activating examples per latent for report.html's feature browser and features.json (0: leave them out).")
    var featureExamples = 16

    func validate() throws {
        if ExampleLimit(argument: friExamples) == nil { throw ValidationError("--fri-examples must be a positive count or 'all'") }
        if ExampleLimit(argument: ltesExamples) == nil { throw ValidationError("--ltes-examples must be a positive count or 'all'") }
        if !(0...256).contains(featureExamples) { throw ValidationError("--feature-examples must be between 0 and 256") }
    }

    /// Sets the limits (already validated) on `settings`.
    func apply(to settings: inout AnalysisSettings) {
        settings.friExamples = ExampleLimit(argument: friExamples) ?? settings.friExamples
        settings.ltesExamples = ExampleLimit(argument: ltesExamples) ?? settings.ltesExamples
        settings.featureExamples = featureExamples > 0 ? featureExamples : nil
    }
}
