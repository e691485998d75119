import CVectorKernels
import MetaSAEStore

/// What to do with rows holding NaN or ±Inf activations.
public enum NonFinitePolicy: String, Codable, Sendable, CaseIterable {
    /// Stop with an error naming the depth and the counts (the default).
    case refuse
    /// Leave those rows out of that depth's metrics, and report how many.
    case exclude
}

/// Finds the rows of a block that hold non-finite values.
enum NonFiniteRows {
    /// Row offsets (within the block) with a non-finite value, and the
    /// number of such values.
    static func find(dense values: [Float], width: Int) -> (rows: [Int], values: Int) {
        var rows: [Int] = []
        var count = 0
        values.withUnsafeBufferPointer { buffer in
            let total = width > 0 ? buffer.count / width : 0
            for row in 0..<total {
                let bad = Int(metasae_count_nonfinite(buffer.baseAddress! + row * width, Int64(width)))
                if bad > 0 {
                    rows.append(row)
                    count += bad
                }
            }
        }
        return (rows, count)
    }

    static func find(sparse block: CSRBlock) -> (rows: [Int], values: Int) {
        var rows: [Int] = []
        var count = 0
        for row in 0..<block.rowCount {
            var bad = 0
            for entry in block.offsets[row]..<block.offsets[row + 1] where !block.values[entry].isFinite { bad += 1 }
            if bad > 0 {
                rows.append(row)
                count += bad
            }
        }
        return (rows, count)
    }
}
