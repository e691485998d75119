import CVectorKernels
import LinearAlgebra
import MetaSAEStore

/// How well depth d reconstructs depth 0 through the whole decoder chain,
/// over every example: Σ‖G_d(z) − a0‖² (FVU₀'s numerator; the denominator
/// is depth 0's total variance) and, with a classifier head, how often it
/// classifies G_d(z) and a0 correctly.
struct CumulativeFidelity: Sendable {
    var squaredError = 0.0
    var rows = 0
    var correctOnReconstruction = 0
    var correctOnBase = 0

    /// `reconstruction` is z·M (without c) for the block's kept rows, in
    /// the order of `kept`; `base` the block's depth-0 rows.
    mutating func add(
        reconstruction: [Double], base: [Float], kept: [Int], labels: [Int32], chain: DecoderChain, head: ClassifierHead?
    ) {
        let outputs = chain.outputWidth
        var estimate = [Double](repeating: 0, count: outputs)
        reconstruction.withUnsafeBufferPointer { product in
            for (position, row) in kept.enumerated() {
                for column in 0..<outputs { estimate[column] = product[position * outputs + column] + chain.offset[column] }
                score(estimate, base: base, row: row, labels: labels, head: head)
            }
        }
    }

    /// The same for compressed rows, one row at a time: G_d(z) = c + Σ z_j m_j
    /// over the row's entries, formed in Float32 by `metasae_sparse_row_error`
    /// (C, with an AVX2/FMA version); each row's squared error is summed in
    /// Float64. The rounding of a row's estimate (~1e-7 of its size, of
    /// either sign) moves the total by far less than the 1e-6 its tests allow.
    mutating func add(sparse block: CSRBlock, base: [Float], kept: [Int], labels: [Int32], chain: DecoderChain, head: ClassifierHead?) {
        let outputs = chain.outputWidth
        let (linear, offset) = (chain.linearFloat, chain.offset.map(Float.init))
        var estimate = [Float](repeating: 0, count: outputs)
        base.withUnsafeBufferPointer { base in
            block.indices.withUnsafeBufferPointer { indices in
                block.values.withUnsafeBufferPointer { values in
                    for row in kept {
                        let start = block.offsets[row]
                        squaredError += metasae_sparse_row_error(
                            linear, offset, Int64(outputs), indices.baseAddress! + start, values.baseAddress! + start,
                            Int64(block.offsets[row + 1] - start), base.baseAddress! + row * outputs, &estimate)
                        rows += 1
                        if let head { classify(estimate.map(Double.init), base: base, row: row, labels: labels, head: head) }
                    }
                }
            }
        }
    }

    /// Adds one row's squared error and, with a head, whether it classifies
    /// the estimate and depth 0's row correctly.
    private mutating func score(_ estimate: [Double], base: [Float], row: Int, labels: [Int32], head: ClassifierHead?) {
        let outputs = estimate.count
        base.withUnsafeBufferPointer { base in
            let start = row * outputs
            var error = 0.0
            for column in 0..<outputs {
                let difference = estimate[column] - Double(base[start + column])
                error += difference * difference
            }
            squaredError += error
            rows += 1
            if let head { classify(estimate, base: base, row: row, labels: labels, head: head) }
        }
    }

    /// Counts whether the head classifies the estimate and depth 0's row as labelled.
    private mutating func classify(_ estimate: [Double], base: UnsafeBufferPointer<Float>, row: Int, labels: [Int32], head: ClassifierHead) {
        guard row < labels.count else { return }
        let outputs = estimate.count
        let label = Int(labels[row])
        if estimate.withUnsafeBufferPointer(head.predict) == label { correctOnReconstruction += 1 }
        if base[(row * outputs)..<((row + 1) * outputs)].map(Double.init).withUnsafeBufferPointer(head.predict) == label { correctOnBase += 1 }
    }

    func encoded() -> [Double] { [squaredError, Double(rows), Double(correctOnReconstruction), Double(correctOnBase)] }

    mutating func merge(encoded values: ArraySlice<Double>) {
        let start = values.startIndex
        squaredError += values[start]
        rows += Int(values[start + 1])
        correctOnReconstruction += Int(values[start + 2])
        correctOnBase += Int(values[start + 3])
    }

    static let encodedCount = 4
}
