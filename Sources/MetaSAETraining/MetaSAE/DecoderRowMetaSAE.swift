import AtomicityMetrics
import LinearAlgebra
import MetaSAEStore

/// A meta-SAE in the literature's sense (Bussmann, Leask et al. 2024;
/// SAEBench's `meta_sae` eval): a BatchTopK SAE trained on the unit-normed
/// rows of a dictionary (decoder rows, or a cascade's composite
/// directions), reporting the share of the rows' variance it explains,
/// beside the same for as many random unit vectors.
public struct DecoderRowMetaSAE: Sendable, Equatable, Codable {
    /// Width share, k, epochs and seed, as the analysis settings record them.
    public var settings: MetaSAESettings
    public var batchSize = 64
    public var learningRate: Float = 1e-3

    public init(_ settings: MetaSAESettings = MetaSAESettings()) {
        self.settings = settings
    }

    public struct Outcome: Sendable, Equatable, Codable {
        /// Rows it was trained on, and its width.
        public var rows: Int
        public var width: Int
        /// 1 − Σ‖x − x̂‖² / Σ‖x − x̄‖² over the rows, at inference.
        public var explained: Double
        /// The same for `rows` seeded random unit vectors.
        public var random: Double
    }

    /// Trains on `rows` (each scaled to unit norm; zero rows dropped) and
    /// on random unit vectors of the same count and width; nil below two rows.
    public func fit(rows: [[Double]], observer: any TrainingObserver = SilentTraining(), stage: String = "meta-SAE") -> Outcome? {
        let unit = rows.compactMap(Composition.unit)
        guard unit.count >= 2, let inputs = unit.first?.count, inputs > 0 else { return nil }
        let random = Composition.randomUnitVectors(count: unit.count, width: inputs, seed: settings.seed &+ 1)
        let width = max(1, Int((settings.widthFraction * Double(unit.count)).rounded()))
        return Outcome(rows: unit.count, width: width,
                       explained: explainedShare(unit, width: width, observer: observer, stage: stage),
                       random: explainedShare(random, width: width, observer: observer, stage: "\(stage) (random)"))
    }

    /// Trains one BatchTopK SAE of `width` on `vectors` and returns 1 − FVU.
    func explainedShare(_ vectors: [[Double]], width: Int, observer: any TrainingObserver, stage: String) -> Double {
        let inputs = vectors[0].count
        let data = vectors.flatMap { $0.map(Float.init) }
        var objective = SAEObjective(architecture: .batchTopK)
        objective.k = min(settings.k, width)
        var sae = SparseAutoencoder(inputWidth: inputs, latentWidth: width, objective: objective, seed: settings.seed)
        var optimizer = Adam(learningRate: learningRate)
        _ = MinibatchLoop(rows: vectors.count, width: inputs, batchSize: min(batchSize, vectors.count), epochs: settings.epochs, seed: settings.seed &+ 2)
            .run(stage: stage, observer: observer, data: data) { batch, members in
                sae.trainStep(batch, rows: members.count, optimizer: &optimizer)
            }
        let fit = AutoencoderFit(sae: sae, data: data, latents: sae.encode(data, rows: vectors.count), rows: vectors.count)
        return 1 - fit.fractionOfVarianceUnexplained
    }
}
