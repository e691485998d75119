/// How the SAEs of a cascade are trained (`--architecture`).
public enum SAEArchitecture: String, Codable, Sendable, CaseIterable {
    /// ReLU with an L1 penalty on the codes: the seed's design.
    case reluL1 = "relu-l1"
    /// The k largest pre-activations per row, ReLU'd; MSE only (Gao et al. 2024).
    case topK = "topk"
    /// The k·B largest codes over a batch while training; one threshold at
    /// inference, stored as JumpReLU (Bussmann, Leask, Nanda 2024).
    case batchTopK = "batchtopk"
    /// A learned threshold per latent, straight-through gradients and an L0
    /// penalty (Rajamanoharan et al. 2024).
    case jumpReLU = "jumprelu"
}

/// One SAE's training objective. Losses are normalised like the
/// reconstruction term, a mean over all B·D elements (see
/// Tests/Fixtures/architectures/make_architecture_fixtures.py).
public struct SAEObjective: Codable, Sendable, Equatable {
    public var architecture: SAEArchitecture
    /// relu-l1: λ of `λ · Σz / B`.
    public var l1Coefficient: Float = 8e-3
    /// topk, batchtopk: active latents per row (on average over a batch for batchtopk).
    public var k = 8
    /// jumprelu: λ of `λ · L0`; adapted toward `l0Target` each epoch when that is set.
    public var l0Coefficient: Float = 1e-3
    public var l0Target: Double?
    /// jumprelu: width ε of the straight-through estimator's rectangle kernel.
    public var bandwidth: Float = 0.05
    /// jumprelu: initial threshold of every latent (without a target; with
    /// one, the first batch sets each latent's threshold).
    public var initialThreshold: Float = 0.01
    /// jumprelu: log θ learns this many times faster than the weights, so a
    /// run of a few thousand steps can move the thresholds where L0 asks.
    public var thresholdLearningRateScale: Float = 10
    /// topk, batchtopk: the AuxK loss on dead latents (Gao et al. 2024), its weight α.
    public var auxK = true
    public var auxKCoefficient: Float = 1.0 / 8
    /// A latent is dead once it has not fired for this many training rows.
    public var deadWindowRows = 512
    /// batchtopk: rate of the inference threshold's moving average.
    public var thresholdRate: Double = 0.01

    public init(architecture: SAEArchitecture) {
        self.architecture = architecture
    }
}

extension SAEObjective {
    /// "relu-l1 λ=0.008", "topk k=8", "jumprelu L0→8".
    public var summary: String {
        switch architecture {
        case .reluL1: return "relu-l1 λ=\(l1Coefficient)"
        case .topK, .batchTopK: return "\(architecture.rawValue) k=\(k)" + (auxK ? "" : " no-auxk")
        case .jumpReLU: return "jumprelu " + (l0Target.map { "L0→\($0)" } ?? "λ=\(l0Coefficient)")
        }
    }
}
