import CVectorKernels
import LinearAlgebra
import MetaSAEStore

/// A batch's codes (or pre-activation gradients) in compressed rows, for the
/// training step's products when few of them are non-zero: each product
/// then costs k·D per row instead of F·D (CVectorKernels/sparse_products.c).
struct SparseCodes {
    /// At most this share of non-zeros takes the compressed-row products; a
    /// denser batch (the first steps of a ReLU SAE fire about half its
    /// latents) takes BLAS.
    static let densityThreshold = 0.15

    let block: CSRBlock

    /// The non-zeros of `values` (rows × width), or nil when more than
    /// `threshold` of them are non-zero.
    init?(_ values: [Float], rows: Int, width: Int, threshold: Double = densityThreshold) {
        guard width > 0, rows > 0, values.count == rows * width, threshold >= 0 else { return nil }
        // The block's counting pass decides: a dense batch (the first steps) is counted, not compressed.
        let budget = threshold >= 1 ? rows * width : Int(threshold * Double(rows * width))
        guard let block = values.withUnsafeBufferPointer({ CSRBlock(dense: $0, width: width, maxNonZeros: budget) }) else { return nil }
        self.block = block
    }

    /// Rows already compressed (zeros may be stored).
    init(block: CSRBlock) { self.block = block }

    var rows: Int { block.rowCount }

    /// out (rows × width) += codes · dense (F × width).
    func times(_ dense: [Float], width: Int, into out: inout [Float]) {
        precondition(dense.count == block.width * width && out.count == rows * width, "product shapes disagree")
        guard block.nonZeros > 0 else { return }
        block.offsets.withUnsafeBufferPointer { offsets in
            metasae_csr_times_dense(offsets.baseAddress!, block.indices, block.values, Int64(rows), dense, Int64(width), &out)
        }
    }

    /// out (F × width) += codesᵀ · dense (rows × width).
    func transposeTimes(_ dense: [Float], width: Int, into out: inout [Float]) {
        precondition(dense.count == rows * width && out.count == block.width * width, "product shapes disagree")
        guard block.nonZeros > 0 else { return }
        block.offsets.withUnsafeBufferPointer { offsets in
            metasae_csr_transpose_times_dense(offsets.baseAddress!, block.indices, block.values, Int64(rows), dense, Int64(width), &out,
                                              Int64(block.width))
        }
    }

    /// a[r, :] · w[j, :] for every stored (r, j), in storage order.
    func rowDots(_ a: [Float], _ w: [Float], width: Int) -> [Float] {
        precondition(a.count == rows * width && w.count == block.width * width, "product shapes disagree")
        guard block.nonZeros > 0 else { return [] }
        return [Float].written(count: block.nonZeros) { out in
            block.offsets.withUnsafeBufferPointer { offsets in
                metasae_csr_row_dots(offsets.baseAddress!, block.indices, Int64(rows), a, w, Int64(width), out.baseAddress)
            }
        }
    }

    /// The values of `dense` (rows × F) at the stored positions that are not
    /// 0 (NaN kept), in storage order: `dense`'s own compression, read from
    /// these positions alone, when every non-zero of `dense` lies at one.
    func gathering(_ dense: [Float]) -> SparseCodes {
        precondition(dense.count == rows * block.width, "dense values do not hold rows × width")
        var offsets = [0]
        var indices = [Int32]()
        var values = [Float]()
        offsets.reserveCapacity(rows + 1)
        indices.reserveCapacity(block.nonZeros)
        values.reserveCapacity(block.nonZeros)
        dense.withUnsafeBufferPointer { dense in
            for row in 0..<rows {
                for entry in block.offsets[row]..<block.offsets[row + 1] {
                    let value = dense[row * block.width + Int(block.indices[entry])]
                    if value != 0 {
                        indices.append(block.indices[entry])
                        values.append(value)
                    }
                }
                offsets.append(indices.count)
            }
        }
        return SparseCodes(block: CSRBlock(width: block.width, offsets: offsets, indices: indices, values: values))
    }

    /// Calls `body(index, entry)` for each stored value: its index in the
    /// dense rows × F array and its position in storage order.
    func forEachEntry(_ body: (Int, Int) -> Void) {
        for row in 0..<rows {
            for entry in block.offsets[row]..<block.offsets[row + 1] { body(row * block.width + Int(block.indices[entry]), entry) }
        }
    }
}
