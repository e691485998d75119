
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
        let total = try rowCount
        let selected = rows ?? 0..<total
        guard !selected.isEmpty else { return }
        let width = max(1, try shape.rowWidth ?? 1)
        let chunkRows = try rowsPerChunk
        let wanted = max(1, targetBytes / max(1, width * MemoryLayout<T>.stride))
        let blockRows = max(chunkRows, (wanted / chunkRows) * chunkRows)
        var buffer = [T](unsafeUninitializedCapacity: blockRows * width) { _, count in count = blockRows * width }
        // Blocks start on chunk boundaries so each chunk is decoded once.
        var start = selected.lowerBound
        while start < selected.upperBound {
            let alignedEnd = ((start / chunkRows) + 1) * chunkRows
            let end = min(selected.upperBound, max(alignedEnd, min(start + blockRows, selected.upperBound)))
            let block = start..<min(end, start + blockRows)
            try buffer.withUnsafeMutableBufferPointer { full in
                let slice = UnsafeMutableBufferPointer(rebasing: full[0..<(block.count * width)])
                try read(rows: block, into: slice)
                try body(block, UnsafeBufferPointer(slice))
            }
            start = block.upperBound
        }
    }
}
