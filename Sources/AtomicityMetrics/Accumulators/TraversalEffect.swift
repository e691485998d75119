import MetaSAEStore
/// Latent traversal effect size (LTES), streamed over examples.
///
/// Doubling latent j of example i moves the reconstruction by dᵢ = zᵢⱼ·mⱼ.
/// Sparsity counts the outputs with |zᵢⱼ·mⱼₖ| > 0.5·(sᵢ + 1e-8), sᵢ the
/// unbiased std of the baseline reconstruction of row i. Consistency is
/// torch's cosine(dᵢ, d̄) with eps 1e-8, d̄ = z̄ⱼ·mⱼ, which factors into a
/// per-row term tᵢ = zᵢⱼ‖mⱼ‖ / max(|zᵢⱼ|‖mⱼ‖, eps) and a final factor in
/// z̄ⱼ. Every per-latent sum is additive, so the state merges exactly.
public struct TraversalEffect: Sendable {
    public static let activeThreshold = Conventions.activeThreshold
    static let cosineEpsilon = 1e-8

    public let width: Int
    /// Rows seen so far.
    public internal(set) var rows = 0
    /// Rows where |zⱼ| > 1e-5, per latent.
    public internal(set) var activeCounts: [Int]
    /// Σᵢ fraction of outputs significantly moved, per latent.
    public internal(set) var significantSums: [Double]
    /// Σᵢ zᵢⱼ, per latent (for d̄).
    public internal(set) var latentSums: [Double]
    /// Σᵢ tᵢⱼ, per latent.
    public internal(set) var directionSums: [Double]

    /// |mⱼₖ| sorted descending, per latent, for counting by binary search.
    private let sortedMagnitudes: [[Float]]
    private let rowNorms: [Double]

    public init(chain: DecoderChain) {
        width = chain.latentWidth
        activeCounts = [Int](repeating: 0, count: width)
        significantSums = [Double](repeating: 0, count: width)
        latentSums = [Double](repeating: 0, count: width)
        directionSums = [Double](repeating: 0, count: width)
        let outputs = chain.outputWidth
        sortedMagnitudes = (0..<chain.latentWidth).map { row in
            (0..<outputs).map { Float(abs(chain.linear[row * outputs + $0])) }.sorted(by: >)
        }
        rowNorms = chain.rowNormsSquared.map { $0.squareRoot() }
    }

    /// - Parameters:
    ///   - reconstruction: z·M for the block, [rows × D], without the offset c.
    public mutating func add(latents: UnsafeBufferPointer<Float>, reconstruction: [Float], chain: DecoderChain, rows count: Int) {
        let depth0 = chain.outputWidth
        for row in 0..<count {
            let baseline = (0..<depth0).map { Double(reconstruction[row * depth0 + $0]) + chain.offset[$0] }
            let z = latents.baseAddress! + row * width
            addRow(entries: (0..<width).lazy.map { ($0, z[$0]) }, threshold: Self.threshold(baseline: baseline), outputs: depth0)
        }
    }

    /// 0.5·(unbiased std of the baseline reconstruction + 1e-8).
    static func threshold(baseline: [Double]) -> Double {
        let outputs = Double(baseline.count)
        let mean = baseline.reduce(0, +) / outputs
        let squares = baseline.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        let variance = baseline.count > 1 ? squares / (outputs - 1) : .nan
        return 0.5 * (variance.squareRoot() + 1e-8)
    }

    /// One example: its latents (zero or not) and its significance threshold.
    mutating func addRow(entries: some Sequence<(Int, Float)>, threshold: Double, outputs: Int) {
        rows += 1
        for (latent, value) in entries {
            if abs(value) > Self.activeThreshold { activeCounts[latent] += 1 }
            guard value != 0 else { continue }
            latentSums[latent] += Double(value)
            let magnitude = Double(abs(value))
            let size = magnitude * rowNorms[latent]
            directionSums[latent] += Double(value) * rowNorms[latent] / max(size, Self.cosineEpsilon)
            significantSums[latent] += Double(countAbove(threshold, scale: magnitude, latent: latent)) / Double(outputs)
        }
    }

    /// Number of k with |mⱼₖ|·scale > threshold, by binary search.
    private func countAbove(_ threshold: Double, scale: Double, latent: Int) -> Int {
        let magnitudes = sortedMagnitudes[latent]
        var low = 0
        var high = magnitudes.count
        while low < high {
            let middle = (low + high) / 2
            if Double(magnitudes[middle]) * scale > threshold { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Latents used: active in at least `minimumActive` rows.
    public func usedLatents(minimumActive: Int) -> [Int] {
        (0..<width).filter { activeCounts[$0] >= minimumActive }
    }

    /// Mean over used latents of (sparsity + consistency) / 2; 0 when none
    /// qualifies (the seed's rule).
    public func value(minimumActive: Int) -> Double {
        let used = usedLatents(minimumActive: minimumActive)
        guard !used.isEmpty, rows > 0 else { return 0 }
        var total = 0.0
        for latent in used {
            total += (1 - spread(latent) + consistency(latent)) / 2
        }
        return total / Double(used.count)
    }

    /// q_j: the mean share of outputs doubling latent j moves significantly.
    public func spread(_ latent: Int) -> Double { significantSums[latent] / Double(rows) }

    /// f_j: the share of rows where latent j is active.
    public func frequency(_ latent: Int) -> Double { Double(activeCounts[latent]) / Double(rows) }

    /// Co_j: the mean cosine between each row's effect and the mean effect.
    public func consistency(_ latent: Int) -> Double {
        let n = Double(rows)
        let meanLatent = latentSums[latent] / n
        let meanSize = abs(meanLatent) * rowNorms[latent]
        let sign: Double = meanLatent > 0 ? 1 : (meanLatent < 0 ? -1 : 0)
        return sign * directionSums[latent] / n * meanSize / max(meanSize, Self.cosineEpsilon)
    }
}
