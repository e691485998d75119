import MetaSAEStore

/// Correlations between the latents of two adjacent depths, streamed: raw
/// Float64 sums of x, y, x², y² and x·yᵀ over the rows, where x is the
/// lower depth. Only non-zero pairs are visited, so the cost per row is the
/// product of the two rows' L0s and memory is F_{d−1}·F_d whatever N is.
struct CrossMoment: Sendable {
    let lowerWidth: Int
    let upperWidth: Int
    var count = 0
    var lowerSums: [Double]
    var upperSums: [Double]
    var lowerSquares: [Double]
    var upperSquares: [Double]
    /// Σ x yᵀ, [F_{d−1} × F_d] row-major.
    var products: [Double]

    init(lowerWidth: Int, upperWidth: Int) {
        self.lowerWidth = lowerWidth
        self.upperWidth = upperWidth
        lowerSums = [Double](repeating: 0, count: lowerWidth)
        lowerSquares = lowerSums
        upperSums = [Double](repeating: 0, count: upperWidth)
        upperSquares = upperSums
        products = [Double](repeating: 0, count: lowerWidth * upperWidth)
    }

    /// The same rows at both depths, less `excluded` (positions in the block).
    mutating func add(lower: CSRBlock, upper: CSRBlock, excluded: Set<Int>) {
        for row in 0..<upper.rowCount where !excluded.contains(row) {
            count += 1
            let lowerSpan = lower.offsets[row]..<lower.offsets[row + 1]
            for entry in lowerSpan {
                let value = Double(lower.values[entry])
                lowerSums[Int(lower.indices[entry])] += value
                lowerSquares[Int(lower.indices[entry])] += value * value
            }
            for entry in upper.offsets[row]..<upper.offsets[row + 1] {
                let value = Double(upper.values[entry])
                let column = Int(upper.indices[entry])
                upperSums[column] += value
                upperSquares[column] += value * value
                for other in lowerSpan {
                    products[Int(lower.indices[other]) * upperWidth + column] += Double(lower.values[other]) * value
                }
            }
        }
    }

    /// Share of the upper depth's `alive` latents whose largest Pearson r
    /// with a lower-depth latent exceeds `threshold`; nil with no alive latent.
    func inheritedShare(alive: [Bool], threshold: Double) -> Double? {
        let aliveLatents = (0..<upperWidth).filter { alive[$0] }
        guard !aliveLatents.isEmpty, count >= 2 else { return nil }
        let n = Double(count)
        let lowerVariance = (0..<lowerWidth).map { lowerSquares[$0] - lowerSums[$0] * lowerSums[$0] / n }
        var inherited = 0
        for column in aliveLatents {
            let upperVariance = upperSquares[column] - upperSums[column] * upperSums[column] / n
            guard upperVariance > 0 else { continue }
            let matched = (0..<lowerWidth).contains { row in
                guard lowerVariance[row] > 0 else { return false }
                let covariance = products[row * upperWidth + column] - lowerSums[row] * upperSums[column] / n
                return covariance / (lowerVariance[row] * upperVariance).squareRoot() > threshold
            }
            if matched { inherited += 1 }
        }
        return Double(inherited) / Double(aliveLatents.count)
    }

    func encoded() -> [Double] { [Double(count)] + lowerSums + upperSums + lowerSquares + upperSquares + products }

    mutating func merge(encoded values: ArraySlice<Double>) {
        var cursor = values.startIndex
        count += Int(values[cursor])
        cursor += 1
        func add(_ target: inout [Double]) {
            for index in target.indices { target[index] += values[cursor + index] }
            cursor += target.count
        }
        add(&lowerSums)
        add(&upperSums)
        add(&lowerSquares)
        add(&upperSquares)
        add(&products)
    }

    static func encodedCount(lower: Int, upper: Int) -> Int { 1 + 2 * (lower + upper) + lower * upper }
}
