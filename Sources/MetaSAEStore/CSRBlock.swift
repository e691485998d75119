import CVectorKernels

/// A block of rows in compressed-row form: row r's entries are
/// `indices[offsets[r]..<offsets[r+1]]` and the matching `values`, with
/// column indices strictly increasing within each row.
public struct CSRBlock: Sendable, Equatable {
    public var width: Int
    /// Row starts, relative to this block: count + 1 entries, offsets[0] = 0.
    public var offsets: [Int]
    public var indices: [Int32]
    public var values: [Float]

    public init(width: Int, offsets: [Int], indices: [Int32], values: [Float]) {
        self.width = width
        self.offsets = offsets
        self.indices = indices
        self.values = values
    }

    public var rowCount: Int { offsets.count - 1 }
    public var nonZeros: Int { indices.count }

    /// Compresses a dense row-major block, keeping values that are not 0.
    public init(dense: UnsafeBufferPointer<Float>, width: Int) {
        self.init(dense: dense, width: width, maxNonZeros: .max)!
    }

    /// The same, or nil when the block holds more than `maxNonZeros`
    /// non-zeros (found by the counting pass, before anything is stored).
    public init?(dense: UnsafeBufferPointer<Float>, width: Int, maxNonZeros: Int) {
        self.width = width
        let rows = width > 0 ? dense.count / width : 0
        // Count first, so the entries are stored without regrowing.
        var offsets = [Int](repeating: 0, count: rows + 1)
        if rows > 0 { metasae_count_nonzero_rows(dense.baseAddress!, Int64(rows), Int64(width), &offsets) }
        guard offsets[rows] <= maxNonZeros else { return nil }
        // One slot of room past the end (see metasae_compress_rows).
        var indices = [Int32](repeating: 0, count: offsets[rows] + 1)
        var values = [Float](repeating: 0, count: offsets[rows] + 1)
        if rows > 0 { metasae_compress_rows(dense.baseAddress!, Int64(rows), Int64(width), offsets, &indices, &values) }
        indices.removeLast()
        values.removeLast()
        self.offsets = offsets
        self.indices = indices
        self.values = values
    }

    /// Expands into a dense row-major block.
    public func densified() -> [Float] {
        var dense = [Float](repeating: 0, count: rowCount * width)
        for row in 0..<rowCount {
            for entry in offsets[row]..<offsets[row + 1] { dense[row * width + Int(indices[entry])] = values[entry] }
        }
        return dense
    }

    /// Rows `range` of this block, as a block of their own.
    /// The rows `selection` (increasing offsets into this block), copied.
    public func rows(_ selection: [Int]) -> CSRBlock {
        var offsets = [0]
        offsets.reserveCapacity(selection.count + 1)
        var indices: [Int32] = []
        var values: [Float] = []
        for row in selection {
            let span = self.offsets[row]..<self.offsets[row + 1]
            indices.append(contentsOf: self.indices[span])
            values.append(contentsOf: self.values[span])
            offsets.append(indices.count)
        }
        return CSRBlock(width: width, offsets: offsets, indices: indices, values: values)
    }

    public func rows(_ range: Range<Int>) -> CSRBlock {
        let start = offsets[range.lowerBound]
        let end = offsets[range.upperBound]
        return CSRBlock(width: width, offsets: offsets[range.lowerBound...range.upperBound].map { $0 - start },
                        indices: Array(indices[start..<end]), values: Array(values[start..<end]))
    }
}
