import HDF5

/// The pixels of chosen rows of the checked `images` dataset ([N, pixels]
/// uint8), read in blocks of rows so memory holds one block and the rows asked for.
public enum StoredImages {
    /// Pixels of `rows` (increasing, each below N), in that order.
    public static func pixels(of rows: [Int], in images: TensorRef, blockRows: Int = 4096) throws -> [[UInt8]] {
        guard let last = rows.last, images.dims.count == 2, !images.transposed else { return [] }
        let width = images.dims[1]
        var result: [[UInt8]] = []
        result.reserveCapacity(rows.count)
        var next = 0
        var start = rows[0] - rows[0] % blockRows
        while next < rows.count, start <= last {
            let block = start..<min(start + blockRows, images.dims[0])
            if rows[next] < block.upperBound {
                let values = try images.dataset.readRows(block, as: UInt8.self)
                while next < rows.count, rows[next] < block.upperBound {
                    let offset = (rows[next] - block.lowerBound) * width
                    result.append(Array(values[offset..<(offset + width)]))
                    next += 1
                }
            }
            start = block.upperBound
        }
        return result
    }
}
