
extension Dataset {
    /// Streams the dataset in chunk-aligned blocks of whole rows, reusing one
    /// buffer, so memory is one block whatever the number of rows.
    ///
    /// - Parameters:
    ///   - rows: the rows to visit (default: all).
    ///   - targetBytes: approximate block size.
    ///   - body: receives the block's row range and its values, row-major.
    public func forEachRowBlock<T: HDF5Scalar>(
        as type: T.Type, rows: Range<Int>? = nil, targetBytes: Int = 8 << 20,
        _ body: (Range<Int>, UnsafeBufferPointer<T>) throws -> Void
    ) throws {
        let width = max(1, try shape.rowWidth ?? 1)
        let blocks = try rowBlocks(rows: rows, targetBytes: targetBytes, elementSize: MemoryLayout<T>.stride)
        let capacity = (blocks.map(\.count).max() ?? 0) * width
        var buffer = [T](unsafeUninitializedCapacity: capacity) { _, count in count = capacity }
        for block in blocks {
            try buffer.withUnsafeMutableBufferPointer { full in
                let slice = UnsafeMutableBufferPointer(rebasing: full[0..<(block.count * width)])
                try read(rows: block, into: slice)
                try body(block, UnsafeBufferPointer(slice))
            }
        }
    }
}
