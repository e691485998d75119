import LinearAlgebra
import MetaSAEStore

extension MomentAccumulator {
    /// Density below which a block takes the sparse kernel: its cost grows
    /// with k² per row against F²/2 for the dense Gram, and at 5% the
    /// sparse kernel wins comfortably (see BENCHMARKS.md).
    public static let sparseDensityThreshold = 0.05

    /// Adds a block in compressed-row form. Dense-ish blocks are expanded
    /// and take the BLAS path; sparse ones add raw outer products of their
    /// non-zeros, cache-tiled, to the pending Float64 sums: O(k²) per row and
    /// no O(F²) work per block.
    public mutating func add(_ block: CSRBlock, labels: [Int32]) {
        let rows = block.rowCount
        precondition(labels.count == rows && block.width == width, "block and labels disagree")
        guard rows > 0 else { return }
        let density = Double(block.nonZeros) / Double(max(1, rows * width))
        if kernel == .dense || (kernel == .auto && density > Self.sparseDensityThreshold) {
            let dense = block.densified()
            dense.withUnsafeBufferPointer { addDense($0, labels: labels) }
            return
        }
        // Class sums and Σ x, in Float64.
        if pendingSum.isEmpty { pendingSum = [Double](repeating: 0, count: width) }
        block.indices.withUnsafeBufferPointer { indices in
            block.values.withUnsafeBufferPointer { values in
                classSums.withUnsafeMutableBufferPointer { sums in
                    pendingSum.withUnsafeMutableBufferPointer { total in
                        for row in 0..<rows {
                            let classBase = Int(labels[row]) * width
                            for entry in block.offsets[row]..<block.offsets[row + 1] {
                                let column = Int(indices[entry])
                                let value = Double(values[entry])
                                sums[classBase + column] += value
                                total[column] += value
                            }
                        }
                    }
                }
            }
        }
        for row in 0..<rows { classCounts[Int(labels[row])] += 1 }
        // Raw second moments Σ x xᵀ (upper triangle), pending until settle().
        if pendingRaw == nil {
            pendingRaw = HugePageBuffer(count: width * width)
        } else if !isKnownUniquelyReferenced(&pendingRaw!) {
            pendingRaw = pendingRaw!.copy()  // copy-on-write: another copy of this state shares it
        }
        Self.accumulateOuterProducts(block, into: pendingRaw!.pointer)
        pendingCount += rows
    }

    /// Σ over rows of the outer products of each row's non-zeros, into the
    /// upper triangle of the row-major `matrix` [F × F].
    ///
    /// Scattering k²/2 products per row straight into an F×F Float64 matrix
    /// misses cache on nearly every update once F is in the thousands. This
    /// is Gustavson's sparse XᵀX instead: the block is indexed by column,
    /// and for each column i every row holding i adds vᵢ·vⱼ (j ≥ i) into one
    /// dense accumulator row that lives in L1; that row is then added to
    /// matrix row i in one sequential sweep.
    static func accumulateOuterProducts(_ block: CSRBlock, into matrix: UnsafeMutablePointer<Double>) {
        // Sub-blocks of ~512k stored entries (4 MiB) stay in cache while their
        // rows are revisited once per column.
        var start = 0
        while start < block.rowCount {
            var end = start
            while end < block.rowCount && (end == start || block.offsets[end + 1] - block.offsets[start] <= 524_288) { end += 1 }
            accumulateSubBlock(start == 0 && end == block.rowCount ? block : block.rows(start..<end), into: matrix)
            start = end
        }
    }

    static func accumulateSubBlock(_ block: CSRBlock, into matrix: UnsafeMutablePointer<Double>) {
        let width = block.width
        let nonZeros = block.nonZeros
        guard nonZeros > 0 else { return }
        // Column index of the block: entries grouped by column.
        var columnStarts = [Int](repeating: 0, count: width + 1)
        // For each entry, where its row ends (the tail after it holds j ≥ i).
        var rowEnd = [Int32](repeating: 0, count: nonZeros)
        var byColumn = [Int32](repeating: 0, count: nonZeros)
        block.indices.withUnsafeBufferPointer { indices in
            for entry in 0..<nonZeros { columnStarts[Int(indices[entry]) + 1] += 1 }
            for column in 0..<width { columnStarts[column + 1] += columnStarts[column] }
            for row in 0..<block.rowCount {
                for entry in block.offsets[row]..<block.offsets[row + 1] { rowEnd[entry] = Int32(block.offsets[row + 1]) }
            }
            var cursor = columnStarts
            for entry in 0..<nonZeros {
                let column = Int(indices[entry])
                byColumn[cursor[column]] = Int32(entry)
                cursor[column] += 1
            }
        }
        var accumulator = [Double](repeating: 0, count: width)
        // Each value is used k/2 times on average: widen it once.
        let wide = block.values.map(Double.init)
        block.indices.withUnsafeBufferPointer { indices in
            wide.withUnsafeBufferPointer { values in
                rowEnd.withUnsafeBufferPointer { rowEnd in
                    byColumn.withUnsafeBufferPointer { byColumn in
                        accumulator.withUnsafeMutableBufferPointer { accumulator in
                            let sums = accumulator.baseAddress!
                            for column in 0..<width {
                                let (from, to) = (columnStarts[column], columnStarts[column + 1])
                                if from == to { continue }
                                var last = column
                                for slot in from..<to {
                                    let entry = Int(byColumn[slot])
                                    let end = Int(rowEnd[entry])
                                    let value = values[entry]
                                    // Indices are sorted in a row, so entries from here on have j ≥ i.
                                    for other in entry..<end { sums[Int(indices[other])] += value * values[other] }
                                    last = max(last, Int(indices[end - 1]))
                                }
                                let target = matrix + column * width
                                for j in column...last {
                                    target[j] += sums[j]
                                    sums[j] = 0
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
