/// One seed's analysis, named for the reader (its folder, e.g. "seed-3").
public struct SeedResults: Sendable {
    public var label: String
    /// Where the results were read from.
    public var path: String
    public var results: AnalysisResults

    public init(label: String, path: String, results: AnalysisResults) {
        self.label = label
        self.path = path
        self.results = results
    }
}

/// What aggregate.json records about each seed's input.
public struct SeedInput: Codable, Sendable, Equatable {
    public var seed: String
    public var results: String
    public var file: String
    public var examples: Int
    public var classifierAccuracy: Double?
}
