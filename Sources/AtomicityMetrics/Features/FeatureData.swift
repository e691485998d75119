/// What the feature browser shows of every latent of the trained cascade,
/// depth 0's units included: written to features.json beside results.json
/// and embedded in report.html.
public struct FeatureData: Codable, Sendable, Equatable {
    /// Top examples kept per latent.
    public var examples: Int
    /// Lower edge of each activation-histogram bin (bin 0 starts at 0; the
    /// last is open above).
    public var histogramEdges: [Double]
    public var depths: [DepthFeatures]
    /// The images of every row some latent's card shows, when the file has them.
    public var images: FeatureImages?

    public init(examples: Int, depths: [DepthFeatures]) {
        self.examples = examples
        histogramEdges = (0..<ActivationHistogram.binCount).map(ActivationHistogram.lowerEdge)
        self.depths = depths
    }

    /// Every row some latent lists among its top examples, in increasing order.
    public var shownRows: [Int] {
        Array(Set(depths.flatMap { $0.latents.flatMap(\.top) })).sorted()
    }
}

public struct DepthFeatures: Codable, Sendable, Equatable {
    public var depth: Int
    public var width: Int
    /// Examples the statistics are over.
    public var rows: Int
    public var latents: [LatentFeatures]
}

public struct LatentFeatures: Codable, Sendable, Equatable {
    public var latent: Int
    /// Share of examples on which |z| > 1e-5.
    public var frequency: Double
    /// Mean activation over every example.
    public var meanActivation: Float
    /// Mean activation per class 0–9.
    public var classMeans: [Float]
    /// The seed's per-latent CSP score: (top − second) / top of the class
    /// means when top > 0, else 0; and the top class.
    public var selectivity: Double
    public var topClass: Int
    /// The largest Pearson r with another latent of the same depth, and that latent.
    public var maxCorrelation: Double?
    public var twin: Int?
    /// Rows of the top activating examples, best first, and their values.
    public var top: [Int]
    public var topValues: [Float]
    /// Histogram counts from bin `histogramStart` on (leading and trailing empty bins cut).
    public var histogramStart: Int
    public var histogram: [Int]
    /// Depth d − 1 latents this latent's decoder row weighs most (|w|), with their weights.
    public var parents: [LatentLink]
    /// Depth d + 1 latents whose decoder rows weigh this latent most.
    public var children: [LatentLink]
    /// Same-depth latents with the most similar decoder rows (cosine).
    public var neighbours: [LatentLink]
    /// Participation ratio and negative mass of the decoder row (depths ≥ 1).
    public var participation: Double?
    public var negativeMass: Double?
}

/// A latent of a neighbouring depth (or the same one) and a weight: stored as `[latent, weight]`.
public struct LatentLink: Codable, Sendable, Equatable {
    public var latent: Int
    public var weight: Float

    public init(latent: Int, weight: Float) {
        self.latent = latent
        self.weight = weight
    }

    public init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        latent = try container.decode(Int.self)
        weight = try container.decode(Float.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(latent)
        try container.encode(weight)
    }
}

/// The shown rows' images, tiled side × side in one grayscale PNG, row-major,
/// `columns` tiles across: tile t is row `rows[t]`.
public struct FeatureImages: Codable, Sendable, Equatable {
    public var side: Int
    public var columns: Int
    public var rows: [Int]
    /// The PNG, base64.
    public var png: String

    public init(side: Int, columns: Int, rows: [Int], png: String) {
        self.side = side
        self.columns = columns
        self.rows = rows
        self.png = png
    }
}
