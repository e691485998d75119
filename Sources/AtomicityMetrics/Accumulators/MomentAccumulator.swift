/// Count, mean, co-moment matrix and per-class sums of a stream of rows,
/// accumulated in Float64 and mergeable.
///
/// Each block is centred on its own mean and its Gram matrix formed with
/// Float32 BLAS; blocks merge with the pairwise update of Chan et al.
/// (M₂ = M₂ᵃ + M₂ᵇ + δδᵀ·nₐn_b/n). Blocks, threads and ranks therefore
/// combine exactly, and memory is O(F²) whatever N is.
public struct MomentAccumulator: Sendable {
    public static let classCount = 10

    public let width: Int
    public private(set) var count: Int = 0
    public private(set) var mean: [Double]
    /// Σ (x − mean)(x − mean)ᵀ, upper triangle valid, [F × F] row-major.
    public private(set) var comoment: [Double]
    public private(set) var classCounts: [Int]
    /// Σ x per class, [10 × F].
    public private(set) var classSums: [Double]

    public init(width: Int) {
        self.width = width
        mean = [Double](repeating: 0, count: width)
        comoment = [Double](repeating: 0, count: width * width)
        classCounts = [Int](repeating: 0, count: Self.classCount)
        classSums = [Double](repeating: 0, count: Self.classCount * width)
    }

    /// Adds a block of `labels.count` rows.
    public mutating func add(_ block: UnsafeBufferPointer<Float>, labels: [Int32]) {
        let rows = labels.count
        precondition(block.count == rows * width, "block and labels disagree")
        guard rows > 0 else { return }
        var blockState = MomentAccumulator(width: width)
        blockState.count = rows
        // Class sums and the block mean, in Float64.
        var sum = [Double](repeating: 0, count: width)
        for row in 0..<rows {
            let label = Int(labels[row])
            let base = row * width
            let classBase = label * width
            for column in 0..<width {
                let value = Double(block[base + column])
                sum[column] += value
                blockState.classSums[classBase + column] += value
            }
            blockState.classCounts[label] += 1
        }
        blockState.mean = sum.map { $0 / Double(rows) }
        blockState.comoment = Self.blockComoment(block, rows: rows, width: width, mean: blockState.mean)
        merge(blockState)
    }

    /// Co-moment of one block about its mean: Float32 centring and Gram,
    /// corrected for the centring's rounding (the centred block's own mean).
    static func blockComoment(_ block: UnsafeBufferPointer<Float>, rows: Int, width: Int, mean: [Double]) -> [Double] {
        let shift = mean.map(Float.init)
        var centred = [Float](repeating: 0, count: rows * width)
        var residual = [Double](repeating: 0, count: width)
        for row in 0..<rows {
            let base = row * width
            for column in 0..<width {
                let value = block[base + column] - shift[column]
                centred[base + column] = value
                residual[column] += Double(value)
            }
        }
        var gram = [Float](repeating: 0, count: width * width)
        BLAS.gram(centred, rows: rows, columns: width, into: &gram)
        let n = Double(rows)
        for column in 0..<width { residual[column] /= n }
        var result = [Double](repeating: 0, count: width * width)
        for i in 0..<width {
            for j in i..<width {
                result[i * width + j] = Double(gram[i * width + j]) - n * residual[i] * residual[j]
            }
        }
        return result
    }

    /// Folds another partial state into this one (Chan et al.).
    public mutating func merge(_ other: MomentAccumulator) {
        precondition(other.width == width, "merging states of different widths")
        guard other.count > 0 else { return }
        guard count > 0 else {
            self = other
            return
        }
        let (na, nb) = (Double(count), Double(other.count))
        let n = na + nb
        let delta = zip(other.mean, mean).map { $0 - $1 }
        let scale = na * nb / n
        for i in 0..<width {
            let di = delta[i] * scale
            for j in i..<width {
                comoment[i * width + j] += other.comoment[i * width + j] + di * delta[j]
            }
        }
        for i in 0..<width { mean[i] += delta[i] * nb / n }
        for index in classSums.indices { classSums[index] += other.classSums[index] }
        for index in classCounts.indices { classCounts[index] += other.classCounts[index] }
        count += other.count
    }

    /// Mean activation of each class, [10 × F]; 0 for a class with no rows
    /// (the seed's rule).
    public var classMeans: [Double] {
        var means = [Double](repeating: 0, count: classSums.count)
        for label in 0..<Self.classCount where classCounts[label] > 0 {
            let n = Double(classCounts[label])
            for column in 0..<width { means[label * width + column] = classSums[label * width + column] / n }
        }
        return means
    }
}
