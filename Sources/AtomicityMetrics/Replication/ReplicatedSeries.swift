/// One quantity measured at the same depths in every seed: the input of a
/// replicated trend test. `values[seed][depth]`, depths ascending.
public struct ReplicatedSeries: Sendable, Equatable {
    /// The direction the hypothesis predicts.
    public enum Direction: String, Codable, Sendable {
        /// Rises with depth: Page's L on depth order, steps d → d+1 > 0.
        case rising
        /// Falls with depth: the same tests on the negated values.
        case falling
        /// Positive at every depth (PDS): a signed-rank test per depth.
        case positive
    }

    /// What the series belongs to; Holm's correction runs within a family.
    public enum Family: String, Codable, Sendable, CaseIterable {
        /// The seed's four metrics: the verdict.
        case metric
        /// cascade − a control, one family per control.
        case controlDifference = "control difference"
        /// Measures beside the metrics, never in the verdict.
        case diagnostic
    }

    public var name: String
    public var family: Family
    /// For control differences: the control subtracted.
    public var control: String?
    public var direction: Direction
    public var depths: [Int]
    public var seeds: [String]
    public var values: [[Double]]

    public init(name: String, family: Family, control: String? = nil, direction: Direction,
                depths: [Int], seeds: [String], values: [[Double]]) {
        self.name = name
        self.family = family
        self.control = control
        self.direction = direction
        self.depths = depths
        self.seeds = seeds
        self.values = values
    }

    /// Values turned so that the prediction is "larger at deeper depths"
    /// (or "larger than 0").
    var oriented: [[Double]] {
        direction == .falling ? values.map { $0.map { -$0 } } : values
    }
}
