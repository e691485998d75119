import CVectorKernels
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
    /// Σ y xᵀ, [F_d × F_{d−1}] row-major: one upper latent's row is
    /// contiguous, so a row's lower values land in increasing addresses.
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

    /// The block's rows one depth below: compressed when stored so, else dense.
    enum Lower: @unchecked Sendable {
        case sparse(CSRBlock)
        case dense([Float])
    }

    /// The same rows at both depths, less `excluded` (positions in the block).
    mutating func add(lower: Lower, upper: CSRBlock, excluded: Set<Int>) {
        let lowerWidth = self.lowerWidth
        var count = self.count
        let x = UnsafeMutablePointer<Double>.allocate(capacity: lowerWidth)
        defer { x.deallocate() }
        withSums { lowerSums, upperSums, lowerSquares, upperSquares, products in
            for row in 0..<upper.rowCount where !excluded.contains(row) {
                count += 1
                let upperSpan = upper.offsets[row]..<upper.offsets[row + 1]
                for entry in upperSpan {
                    let (column, value) = (Int(upper.indices[entry]), Double(upper.values[entry]))
                    upperSums[column] += value
                    upperSquares[column] += value * value
                }
                switch lower {
                case .sparse(let block):
                    let lowerSpan = block.offsets[row]..<block.offsets[row + 1]
                    for entry in lowerSpan {
                        let (column, value) = (Int(block.indices[entry]), Double(block.values[entry]))
                        lowerSums[column] += value
                        lowerSquares[column] += value * value
                    }
                    for entry in upperSpan {
                        let value = Double(upper.values[entry])
                        let target = products + Int(upper.indices[entry]) * lowerWidth
                        for other in lowerSpan { target[Int(block.indices[other])] += value * Double(block.values[other]) }
                    }
                case .dense(let values):
                    // The row in Float64 once, so the k products below are pure multiply-adds.
                    values.withUnsafeBufferPointer { values in
                        let source = values.baseAddress! + row * lowerWidth
                        for column in 0..<lowerWidth { x[column] = Double(source[column]) }
                    }
                    for column in 0..<lowerWidth {
                        lowerSums[column] += x[column]
                        lowerSquares[column] += x[column] * x[column]
                    }
                    for entry in upperSpan {
                        let value = Double(upper.values[entry])
                        let target = products + Int(upper.indices[entry]) * lowerWidth
                        metasae_axpy(target, x, value, Int64(lowerWidth))
                    }
                }
            }
        }
        self.count = count
    }

    /// The five sums as pointers, for the per-row loops.
    private mutating func withSums(
        _ body: (UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>,
                 UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>) -> Void
    ) {
        lowerSums.withUnsafeMutableBufferPointer { lowerSums in
            upperSums.withUnsafeMutableBufferPointer { upperSums in
                lowerSquares.withUnsafeMutableBufferPointer { lowerSquares in
                    upperSquares.withUnsafeMutableBufferPointer { upperSquares in
                        products.withUnsafeMutableBufferPointer { products in
                            body(lowerSums.baseAddress!, upperSums.baseAddress!, lowerSquares.baseAddress!,
                                 upperSquares.baseAddress!, products.baseAddress!)
                        }
                    }
                }
            }
        }
    }

    /// Rows of the lower block holding NaN or ±Inf.
    static func nonFiniteRows(_ lower: Lower, width: Int) -> [Int] {
        switch lower {
        case .sparse(let block): return NonFiniteRows.find(sparse: block).rows
        case .dense(let values): return NonFiniteRows.find(dense: values, width: width).rows
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
                let covariance = products[column * lowerWidth + row] - lowerSums[row] * upperSums[column] / n
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
