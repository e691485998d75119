import LinearAlgebra
import MetaSAEStore

extension MomentAccumulator {
    /// Density below which a block takes the sparse kernel: its cost grows
    /// with k² per row against F²/2 for the dense Gram, and at 5% the
    /// sparse kernel wins comfortably (see BENCHMARKS.md).
    public static let sparseDensityThreshold = 0.05

    /// Adds a block in compressed-row form. Dense-ish blocks are expanded
    /// and take the BLAS path; sparse ones add raw outer products of their
    /// non-zeros to the pending Float64 sums (`SparseGram`, on `threads`
    /// threads): O(k²) per row plus one sweep of the touched matrix rows
    /// per sub-block.
    public mutating func add(_ block: CSRBlock, labels: [Int32]) {
        let rows = block.rowCount
        precondition(labels.count == rows && block.width == width, "block and labels disagree")
        guard rows > 0 else { return }
        if usesSparseKernel(density: Double(block.nonZeros) / Double(max(1, rows * width))) {
            addSparse(block, labels: labels)
        } else {
            block.densified().withUnsafeBufferPointer { addDense($0, labels: labels) }
        }
    }

    /// The kernel rule, for blocks of either form: forced, or by density.
    func usesSparseKernel(density: Double) -> Bool {
        kernel == .sparse || (kernel == .auto && density <= Self.sparseDensityThreshold)
    }

    /// The sparse kernel itself, whatever the block's density.
    mutating func addSparse(_ block: CSRBlock, labels: [Int32]) {
        let rows = block.rowCount
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
            pendingRaw = ZeroedBuffer(count: width * width)
        } else if !isKnownUniquelyReferenced(&pendingRaw!) {
            pendingRaw = pendingRaw!.copy()  // copy-on-write: another copy of this state shares it
        }
        if sparseGram == nil || !isKnownUniquelyReferenced(&sparseGram!) {
            sparseGram = SparseGram(width: width, workers: ComputeThreads.count)  // the dense kernel's threads are OpenBLAS's  // scratch is per owner: copies may run concurrently
        }
        sparseGram!.accumulate(block, into: pendingRaw!.pointer)
        pendingCount += rows
    }
}
