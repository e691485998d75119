import LinearAlgebra
import MetaSAEStore
/// Count, mean, co-moment matrix and per-class sums of a stream of rows,
/// accumulated in Float64 and mergeable.
///
/// Each dense block is centred on its own mean and its Gram matrix formed
/// with Float32 BLAS; blocks merge with the pairwise update of Chan et al.
/// (M₂ = M₂ᵃ + M₂ᵇ + δδᵀ·nₐn_b/n). Sparse blocks add raw outer products of
/// their non-zeros to a pending Float64 sum instead, and `settle()` folds
/// that in once, with the mean correction, at the end of a pass. Blocks,
/// threads and ranks therefore combine exactly, and memory is O(F²)
/// whatever N is.
public struct MomentAccumulator: Sendable {
    public static let classCount = 10

    public let width: Int
    public internal(set) var count: Int = 0
    public internal(set) var mean: [Double]
    /// Σ (x − mean)(x − mean)ᵀ, upper triangle valid, [F × F] row-major.
    public internal(set) var comoment: MomentMatrix
    public internal(set) var classCounts: [Int]
    /// Σ x per class, [10 × F].
    public internal(set) var classSums: [Double]

    public init(width: Int) {
        self.init(width: width, comoment: MomentMatrix(zeros: width * width))
    }

    /// An empty state around a given co-moment matrix (decoding passes the
    /// received one).
    init(width: Int, comoment: MomentMatrix) {
        self.width = width
        mean = [Double](repeating: 0, count: width)
        self.comoment = comoment
        classCounts = [Int](repeating: 0, count: Self.classCount)
        classSums = [Double](repeating: 0, count: Self.classCount * width)
    }

    /// Scratch buffers reused across blocks (a fresh 16 MiB allocation per
    /// block costs more in page faults than the arithmetic).
    private var centred: [Float] = []
    private var gram: [Float] = []
    /// Sparse rows not yet folded into `comoment`: their count, Σ x and the
    /// upper triangle of Σ x xᵀ (see +Sparse; `settle()` folds them in).
    public internal(set) var pendingCount = 0
    var pendingSum: [Double] = []
    var pendingRaw: ZeroedBuffer?

    /// Which kernel blocks take: chosen by density (the default), or forced
    /// (benchmarks compare the two on the same data).
    public enum Kernel: String, Sendable { case auto, dense, sparse }
    public var kernel = Kernel.auto
    /// The sparse kernel and its scratch, made on first use.
    var sparseGram: SparseGram?

    /// Adds a block of `labels.count` rows, merging it straight into the
    /// state. A sparse block (density below `sparseDensityThreshold`) takes
    /// the sparse kernel; others the Float32 BLAS Gram.
    public mutating func add(_ block: UnsafeBufferPointer<Float>, labels: [Int32]) {
        let rows = labels.count
        precondition(block.count == rows * width, "block and labels disagree")
        guard rows > 0 else { return }
        if usesSparseKernel(density: kernel == .auto ? Self.density(of: block, rows: rows, width: width) : 0) {
            addSparse(CSRBlock(dense: block, width: width), labels: labels)
        } else {
            addDense(block, labels: labels)
        }
    }

    /// Share of non-zeros, estimated from up to 64 evenly spaced rows: enough
    /// to choose a kernel, and far cheaper than a pass over the block.
    static func density(of block: UnsafeBufferPointer<Float>, rows: Int, width: Int) -> Double {
        let step = max(1, rows / 64)
        var nonZeros = 0
        var seen = 0
        for row in stride(from: 0, to: rows, by: step) {
            let base = block.baseAddress! + row * width
            for column in 0..<width { nonZeros &+= base[column] != 0 ? 1 : 0 }
            seen += width
        }
        return Double(nonZeros) / Double(max(seen, 1))
    }

    /// The dense kernel: Float32 centring and `ssyrk`, merged in Float64.
    mutating func addDense(_ block: UnsafeBufferPointer<Float>, labels: [Int32]) {
        let rows = labels.count
        // Per-class sums of the block in Float64; the block mean follows.
        var blockClassSums = [Double](repeating: 0, count: Self.classCount * width)
        blockClassSums.withUnsafeMutableBufferPointer { sums in
            for row in 0..<rows {
                let target = sums.baseAddress! + Int(labels[row]) * width
                let source = block.baseAddress! + row * width
                for column in 0..<width { target[column] += Double(source[column]) }
            }
        }
        var blockSum = [Double](repeating: 0, count: width)
        for label in 0..<Self.classCount {
            for column in 0..<width {
                let value = blockClassSums[label * width + column]
                blockSum[column] += value
                classSums[label * width + column] += value
            }
        }
        for row in 0..<rows { classCounts[Int(labels[row])] += 1 }
        let n = Double(rows)
        let blockMean = blockSum.map { $0 / n }
        // Centre in Float32 on the block mean rounded to Float32. The Gram is
        // then about `shift`, not the mean: correct by n·(m − s)(m − s)ᵀ below.
        if centred.count < rows * width { centred = [Float](repeating: 0, count: rows * width) }
        if gram.count != width * width { gram = [Float](repeating: 0, count: width * width) }
        let shift = blockMean.map(Float.init)
        let residual = (0..<width).map { blockMean[$0] - Double(shift[$0]) }
        centred.withUnsafeMutableBufferPointer { target in
            shift.withUnsafeBufferPointer { shift in
                for row in 0..<rows {
                    let source = block.baseAddress! + row * width
                    let destination = target.baseAddress! + row * width
                    for column in 0..<width { destination[column] = source[column] - shift[column] }
                }
            }
        }
        centred.withUnsafeBufferPointer { source in
            gram.withUnsafeMutableBufferPointer { target in
                BLAS.gram(source, rows: rows, columns: width, into: target)
            }
        }
        let blockGram = gram  // shares storage; fold mutates self, not the scratch
        blockGram.withUnsafeBufferPointer { fold(rows: rows, mean: blockMean, moment: $0.baseAddress!, about: residual) }
    }

    /// Chan et al.: folds a block of `rows` rows with mean `blockMean` into
    /// the state, M₂ += M₂(block) + δδᵀ·nₐn_b/n with δ = mean_b − mean_a.
    /// The block's M₂ is `moment` − n·u uᵀ (upper triangle): `moment` is
    /// taken about the point `blockMean − about`, so `about` is what that
    /// point misses the mean by (nil: `moment` is already about the mean).
    /// The dense kernel, the sparse pass and merging states all end here.
    /// A nil `moment` is already in `comoment`, adopted from the block's
    /// raw sums while the state was empty: the sweep then corrects it in place.
    private mutating func fold<S: BinaryFloatingPoint>(rows: Int, mean blockMean: [Double], moment: UnsafePointer<S>?, about: [Double]?) {
        let n = Double(rows)
        let before = Double(count)
        let total = before + n
        let delta = zip(blockMean, mean).map { $0 - $1 }
        let scale = before * n / total
        let offset = about ?? [Double](repeating: 0, count: width)
        let width = width
        comoment.withUnsafeMutableBufferPointer { comoment in
            for i in 0..<width {
                let di = delta[i] * scale
                let ui = n * offset[i]
                let rowBase = i * width
                if let moment {
                    for j in i..<width {
                        comoment[rowBase + j] += Double(moment[rowBase + j]) - ui * offset[j] + di * delta[j]
                    }
                } else {
                    for j in i..<width {
                        comoment[rowBase + j] = comoment[rowBase + j] - ui * offset[j] + di * delta[j]
                    }
                }
            }
        }
        for i in 0..<width { mean[i] += delta[i] * n / total }
        count += rows
    }

    /// Folds another partial state into this one (Chan et al.).
    public mutating func merge(_ other: MomentAccumulator) {
        precondition(other.width == width, "merging states of different widths")
        var other = other
        other.settle()
        settle()
        guard other.count > 0 else { return }
        guard count > 0 else {
            self = other
            return
        }
        other.comoment.withUnsafeBufferPointer { fold(rows: other.count, mean: other.mean, moment: $0.baseAddress!, about: nil) }
        for index in classSums.indices { classSums[index] += other.classSums[index] }
        for index in classCounts.indices { classCounts[index] += other.classCounts[index] }
    }

    /// Folds pending sparse rows into the Chan state: their block M₂ is
    /// Σ x xᵀ − n·m mᵀ, merged like any block. Call before reading `count`,
    /// `mean` or `comoment`; the formulas do.
    public mutating func settle() {
        // The dense path's scratch (a block of centred rows, an F×F Float32
        // Gram: 80 MB at F = 4096) is not needed once a pass is folded in.
        centred = []
        gram = []
        guard pendingCount > 0, var raw = pendingRaw else { return }
        pendingRaw = nil
        let n = Double(pendingCount)
        let blockMean = pendingSum.map { $0 / n }
        // Raw sums Σ x xᵀ are moments about 0, which misses the mean by the mean.
        if count == 0 && !comoment.isAllocated && isKnownUniquelyReferenced(&raw) {
            // Only sparse rows so far: their sums become the co-moment in place (one F×F buffer, not two).
            comoment = MomentMatrix(adopting: consume raw)
            fold(rows: pendingCount, mean: blockMean, moment: nil as UnsafePointer<Double>?, about: blockMean)
        } else {
            // `raw` may be the sums' only owner now: it must outlive the sweep reading them.
            withExtendedLifetime(raw) { fold(rows: pendingCount, mean: blockMean, moment: UnsafePointer(raw.pointer), about: blockMean) }
        }
        pendingCount = 0
        pendingSum = []
        sparseGram = nil  // its scratch (several MB) is not needed once a pass is folded in
    }

    /// This state with pending sparse rows folded in.
    public var settled: MomentAccumulator {
        var copy = self
        copy.settle()
        return copy
    }

    /// Mean activation of each class, [10 × F]; 0 for a class with no rows
    /// (the seed's rule).
    public var classMeans: [Double] {
        Self.classMeans(sums: classSums, counts: classCounts, width: width)
    }

    /// [10 × F] means from per-class sums and counts; 0 for an empty class.
    static func classMeans(sums: [Double], counts: [Int], width: Int) -> [Double] {
        var means = [Double](repeating: 0, count: sums.count)
        for label in counts.indices where counts[label] > 0 {
            let n = Double(counts[label])
            for column in 0..<width { means[label * width + column] = sums[label * width + column] / n }
        }
        return means
    }
}
