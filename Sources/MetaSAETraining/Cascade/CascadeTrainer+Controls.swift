import AtomicityMetrics
import LinearAlgebra
import MetaSAEStore

/// The controls that separate depth from sparsity: flat SAEs trained on
/// depth 0 with each depth's width, architecture and L0, and random-init
/// cascades whose TopK codes have the trained cascade's L0.
extension CascadeTrainer {
    /// One flat control and the L0 it was matched to.
    struct FlatControl {
        var depth: Int
        var trained: TrainedSAE
        var targetL0: Double
    }

    /// The largest relative L0 miss a tuned flat control may have.
    static let l0Tolerance = 0.05
    /// Trainings the L1 search may spend on one flat control.
    static let l0SearchTrainings = 8

    /// For every depth, an SAE on depth 0 (`base`) with that depth's width
    /// and architecture, its L0 matched to `targets[d − 1]`: TopK and
    /// BatchTopK with k the rounded target, JumpReLU with the target, and
    /// ReLU-L1 with a coefficient found by bisection to within ±5%.
    func trainFlatControls(base: [Float], rows: Int, width: Int, targets: [Double], observer: any TrainingObserver) -> [FlatControl] {
        let config = configuration
        return targets.enumerated().map { index, target in
            let depth = index + 1
            var objective = config.objective(depth: depth)
            switch objective.architecture {
            case .topK, .batchTopK: objective.k = max(1, Int(target.rounded()))
            case .jumpReLU: objective.l0Target = target
            case .reluL1: break
            }
            func train(_ objective: SAEObjective, attempt: Int) -> TrainedSAE {
                var spare: [Float] = []
                return trainSAE(on: base, rows: rows, width: width, objective: objective, seed: config.flatSeed(depth: depth),
                         shuffleSeed: config.shuffleSeed(stage: 100 + depth), stage: "flat control \(depth)/\(targets.count)"
                            + (attempt > 0 ? " (L0 search \(attempt + 1))" : ""), observer: observer, spare: &spare)
            }
            let trained = objective.architecture == .reluL1
                ? searchL1(objective, target: target, train: train) : train(objective, attempt: 0)
            observer.log("flat control \(depth): " + trained.fit.line(input: width, losses: trained.losses, sae: trained.sae)
                         + String(format: "  (target L0 %.1f)", target))
            return FlatControl(depth: depth, trained: trained, targetL0: target)
        }
    }

    /// Bisection on log λ until the L0 lies within the tolerance of the
    /// target, or the trainings run out (then the closest).
    func searchL1(_ start: SAEObjective, target: Double, train: (SAEObjective, Int) -> TrainedSAE) -> TrainedSAE {
        var objective = start
        var low: Float?   // λ known to give too high an L0
        var high: Float?  // λ known to give too low an L0
        var best: TrainedSAE?
        for attempt in 0..<Self.l0SearchTrainings {
            let trained = train(objective, attempt)
            let l0 = trained.fit.meanL0
            if best.map({ abs($0.fit.meanL0 - target) > abs(l0 - target) }) ?? true { best = trained }
            if abs(l0 - target) <= Self.l0Tolerance * target { break }
            if l0 > target { low = objective.l1Coefficient } else { high = objective.l1Coefficient }
            switch (low, high) {
            case let (low?, high?): objective.l1Coefficient = (low * high).squareRoot()
            case (_?, nil): objective.l1Coefficient *= 2
            case (nil, _?): objective.l1Coefficient /= 2
            case (nil, nil): break
            }
        }
        return best!
    }

    /// Random-init cascades (PyTorch's nn.Linear init) whose codes are
    /// TopK at the trained cascade's rounded L0 per depth.
    func matchedNulls(widths: [Int], targets: [Double]) -> [[SAEWeights]] {
        let config = configuration
        return (0..<config.matchedNullSeeds).map { index in
            RandomCascade.matched(widths: widths, seed: config.matchedNullSeed(index), meanL0: targets)
        }
    }
}
