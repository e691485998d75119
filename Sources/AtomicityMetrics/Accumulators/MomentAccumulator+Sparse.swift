import MetaSAEStore

extension MomentAccumulator {
    /// Density below which a block takes the sparse kernel: its cost grows
    /// with k² per row against F²/2 for the dense Gram, and at 5% the
    /// sparse kernel wins comfortably (see BENCHMARKS.md).
    public static let sparseDensityThreshold = 0.05

    /// Adds a block in compressed-row form. Dense-ish blocks are expanded
    /// and take the BLAS path; sparse ones accumulate raw outer products of
    /// their non-zeros in Float64, cache-tiled, and merge like any block.
    public mutating func add(_ block: CSRBlock, labels: [Int32]) {
        let rows = block.rowCount
        precondition(labels.count == rows && block.width == width, "block and labels disagree")
        guard rows > 0 else { return }
        let density = Double(block.nonZeros) / Double(max(1, rows * width))
        if density > Self.sparseDensityThreshold {
            let dense = block.densified()
            dense.withUnsafeBufferPointer { addDense($0, labels: labels) }
            return
        }
        // Class sums and the block mean, in Float64.
        var blockSum = [Double](repeating: 0, count: width)
        block.indices.withUnsafeBufferPointer { indices in
            block.values.withUnsafeBufferPointer { values in
                classSums.withUnsafeMutableBufferPointer { sums in
                    for row in 0..<rows {
                        let classBase = Int(labels[row]) * width
                        for entry in block.offsets[row]..<block.offsets[row + 1] {
                            let column = Int(indices[entry])
                            let value = Double(values[entry])
                            sums[classBase + column] += value
                            blockSum[column] += value
                        }
                    }
                }
            }
        }
        for row in 0..<rows { classCounts[Int(labels[row])] += 1 }
        let n = Double(rows)
        let blockMean = blockSum.map { $0 / n }
        // Raw second moments Σ x xᵀ of the block (upper triangle).
        if raw.count != width * width {
            raw = [Double](repeating: 0, count: width * width)
        } else {
            raw.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        }
        Self.accumulateOuterProducts(block, into: &raw)
        // Chan et al. with the block's M₂ = Σ x xᵀ − n·m mᵀ.
        let before = Double(count)
        let total = before + n
        let delta = zip(blockMean, mean).map { $0 - $1 }
        let scale = before * n / total
        raw.withUnsafeBufferPointer { raw in
            comoment.withUnsafeMutableBufferPointer { comoment in
                for i in 0..<width {
                    let di = delta[i] * scale
                    let mi = n * blockMean[i]
                    let rowBase = i * width
                    for j in i..<width {
                        comoment[rowBase + j] += raw[rowBase + j] - mi * blockMean[j] + di * delta[j]
                    }
                }
            }
        }
        for i in 0..<width { mean[i] += delta[i] * n / total }
        count += rows
    }

    /// Σ over rows of the outer products of each row's non-zeros, into the
    /// upper triangle of `matrix` [F × F]. The matrix is visited one T×T
    /// tile at a time, and every row's entries falling in that tile are
    /// applied while it sits in cache; row entries are pre-split by tile
    /// (indices are sorted within rows).
    static func accumulateOuterProducts(_ block: CSRBlock, into matrix: inout [Double]) {
        let width = block.width
        let rows = block.rowCount
        let tileSize = max(256, (width + 31) / 32)
        let tiles = (width + tileSize - 1) / tileSize
        let stride = tiles + 1
        // bounds[row·stride + t]: first entry of `row` whose column ≥ t·tileSize.
        var bounds = [Int](repeating: 0, count: rows * stride)
        for row in 0..<rows {
            var entry = block.offsets[row]
            let end = block.offsets[row + 1]
            for tile in 0...tiles {
                let limit = Int32(min(tile * tileSize, width))
                while entry < end && block.indices[entry] < limit { entry += 1 }
                bounds[row * stride + tile] = tile == tiles ? end : entry
            }
        }
        block.indices.withUnsafeBufferPointer { indices in
            block.values.withUnsafeBufferPointer { values in
                bounds.withUnsafeBufferPointer { bounds in
                    matrix.withUnsafeMutableBufferPointer { matrix in
                        for first in 0..<tiles {
                            for second in first..<tiles {
                                for row in 0..<rows {
                                    let base = row * stride
                                    let a0 = bounds[base + first], a1 = bounds[base + first + 1]
                                    if a0 == a1 { continue }
                                    let b0 = bounds[base + second], b1 = bounds[base + second + 1]
                                    if b0 == b1 { continue }
                                    for p in a0..<a1 {
                                        let target = matrix.baseAddress! + Int(indices[p]) * width
                                        let vp = Double(values[p])
                                        for q in (first == second ? p : b0)..<b1 {
                                            target[Int(indices[q])] += vp * Double(values[q])
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
