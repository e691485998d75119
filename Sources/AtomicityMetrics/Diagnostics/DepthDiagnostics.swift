/// What a reviewer checks beside the seed's metrics at one depth of the
/// trained cascade (definitions in the README's "Diagnostics" section).
/// Every field is optional: a measure is absent where it is undefined
/// (composition at depth 1, fidelity at depth 0) or was not asked for.
public struct DepthDiagnostics: Codable, Sendable, Equatable {
    /// Interference ratio over FRI's examples with ≥ 2 active latents.
    public var interferenceRatio: Double?
    /// LTES's parts over the latents it used: mean activation frequency f̄,
    /// mean effect spread q̄, how many latents, and whether its consistency
    /// equalled the frequency (|Co_j − f_j| < 1e-6) for every one.
    public var ltesMeanFrequency: Double?
    public var ltesMeanSpread: Double?
    public var ltesLatents: Int?
    public var ltesConsistencyIsFrequency: Bool?
    /// CSP over every latent (reported at depth 0, where the seed has none),
    /// over alive latents only, and with labels permuted by a seeded shuffle.
    public var cspAllLatents: Double?
    public var cspAlive: Double?
    public var cspPermutedLabels: Double?
    /// ODM split into its positive and negative parts (ODM = ODM⁺ + ODM⁻),
    /// ODM over alive latents only, and the expected |r| of independent
    /// columns, sqrt(2 / (π(N − 1))).
    public var odmPositive: Double?
    public var odmNegative: Double?
    public var odmAlive: Double?
    public var aliveLatents: Int?
    public var independenceLevel: Double?
    /// Pairs of alive latents with r > 0.9, and the share of alive latents
    /// whose largest r with a latent one depth below exceeds 0.9.
    public var duplicatePairs: Int?
    public var inheritedShare: Double?
    /// Σ‖G_d(z) − a0‖² / Σ‖a0 − ā0‖² over every example, and the stored
    /// classifier's accuracy on G_d(z) beside its accuracy on a0.
    public var cumulativeFVU: Double?
    public var reconstructionAccuracy: Double?
    public var baseAccuracy: Double?
    /// Medians over alive latents of their W_dec row's participation ratio
    /// (Σw²)²/Σw⁴ and negative mass Σmin(w,0)²/Σw² (depths ≥ 2).
    public var participationRatio: Double?
    public var negativeMass: Double?
    /// Mean OMP explained share of the unit-normed composite directions M_d
    /// against the alive depth-1 directions, and of seeded random unit
    /// vectors against the same dictionary (depths ≥ 2).
    public var ompExplainedShare: Double?
    public var ompRandomShare: Double?
    /// Decoder-row meta-SAE: share of the variance of the unit-normed
    /// composite directions it explains, and of random unit vectors.
    public var metaSAEExplained: Double?
    public var metaSAERandom: Double?

    public init() {}
}

/// The diagnostics' own settings; nil in `AnalysisSettings` means none.
public struct DiagnosticSettings: Codable, Sendable, Equatable {
    /// Seed of the label shuffle behind `cspPermutedLabels`.
    public var permutationSeed: UInt64 = 20_240_601
    /// Random unit vectors for OMP's chance level.
    public var randomDirections = 200
    /// Atoms OMP may pick.
    public var ompAtoms = 4
    /// Correlation above which two latents count as duplicates.
    public var duplicateThreshold = 0.9
    /// Decoder-row meta-SAEs, when asked for (`--meta-sae`).
    public var metaSAE: MetaSAESettings?

    public init() {}
}

extension DepthDiagnostics {
    /// Every measure under its results.json name, in a fixed order, as a
    /// number (counts as counts, flags as 1 or 0): for tables and CSV.
    public var fields: [(name: String, value: Double?)] {
        [
            ("interferenceRatio", interferenceRatio),
            ("ltesMeanFrequency", ltesMeanFrequency), ("ltesMeanSpread", ltesMeanSpread),
            ("ltesLatents", ltesLatents.map(Double.init)), ("ltesConsistencyIsFrequency", ltesConsistencyIsFrequency.map { $0 ? 1 : 0 }),
            ("cspAllLatents", cspAllLatents), ("cspAlive", cspAlive), ("cspPermutedLabels", cspPermutedLabels),
            ("odmPositive", odmPositive), ("odmNegative", odmNegative), ("odmAlive", odmAlive),
            ("aliveLatents", aliveLatents.map(Double.init)), ("independenceLevel", independenceLevel),
            ("duplicatePairs", duplicatePairs.map(Double.init)), ("inheritedShare", inheritedShare),
            ("cumulativeFVU", cumulativeFVU), ("reconstructionAccuracy", reconstructionAccuracy), ("baseAccuracy", baseAccuracy),
            ("participationRatio", participationRatio), ("negativeMass", negativeMass),
            ("ompExplainedShare", ompExplainedShare), ("ompRandomShare", ompRandomShare),
            ("metaSAEExplained", metaSAEExplained), ("metaSAERandom", metaSAERandom),
        ]
    }

    /// The names of `fields`, for headers.
    public static var fieldNames: [String] { DepthDiagnostics().fields.map(\.name) }
}

/// How decoder-row meta-SAEs are trained when an analysis asks for them
/// (the training itself lives in MetaSAETraining).
public struct MetaSAESettings: Codable, Sendable, Equatable {
    /// Width as a share of the number of directions.
    public var widthFraction = 0.25
    /// Active meta-latents per direction.
    public var k = 4
    public var epochs = 400
    public var seed: UInt64 = 0

    public init() {}
}
