import HDF5

/// A depth's activations in compressed-row form (`depths/d/sparse`):
/// `indptr` int64 [N+1], `indices` int32 [nnz], `values` float [nnz] and a
/// `shape` attribute [N, F]. Streams row blocks without loading it whole.
///
/// Indices unsorted within a row are sorted on read (documented behaviour);
/// a repeated index, an index outside 0..<F, a decreasing indptr or lengths
/// that disagree are refused with a message naming the entry.
public struct SparseActivations: RowBlockSource, @unchecked Sendable {
    public let group: Group
    public let indptr: Dataset
    public let indices: Dataset
    public let values: Dataset
    public let rowCount: Int
    public let width: Int
    public let nonZeros: Int
    public var rowAlignment: Int { 1 }

    /// A form whose metadata the checker proved: indptr [rowCount + 1]
    /// from 0 to nnz, indices and values [nnz].
    init(checked group: Group, indptr: Dataset, indices: Dataset, values: Dataset, rowCount: Int, width: Int, nonZeros: Int) {
        self.group = group
        self.indptr = indptr
        self.indices = indices
        self.values = values
        self.rowCount = rowCount
        self.width = width
        self.nonZeros = nonZeros
    }

    /// Blocks of about `targetBytes` of stored entries (8 bytes each).
    public func blockRanges(rows: Range<Int>, targetBytes: Int) -> [Range<Int>] {
        guard !rows.isEmpty else { return [] }
        let averagePerRow = max(1, nonZeros / max(rowCount, 1))
        let blockRows = max(1, targetBytes / (8 * averagePerRow))
        return stride(from: rows.lowerBound, to: rows.upperBound, by: blockRows).map { $0..<min(rows.upperBound, $0 + blockRows) }
    }

    /// Streams row blocks in CSR form, each about `targetBytes` of stored entries.
    public func forEachSparseBlock(rows: Range<Int>, targetBytes: Int, _ body: (Range<Int>, CSRBlock) throws -> Void) throws {
        for range in blockRanges(rows: rows, targetBytes: targetBytes) { try body(range, try block(range)) }
    }

    public func rows(_ rows: Range<Int>) throws -> [Float] {
        try block(rows).densified()
    }

    /// Rows `range` as a validated CSR block.
    public func block(_ range: Range<Int>) throws -> CSRBlock {
        let pointers = try indptr.readRows(range.lowerBound..<(range.upperBound + 1), as: Int64.self)
        for index in 1..<pointers.count where pointers[index] < pointers[index - 1] {
            throw StoreError.data(path: indptr.path, "indptr decreases at row \(range.lowerBound + index - 1) (\(pointers[index - 1]) then \(pointers[index]))")
        }
        guard let first = pointers.first, let last = pointers.last, first >= 0, last <= Int64(nonZeros) else {
            throw StoreError.data(path: indptr.path, "indptr points outside 0…\(nonZeros)")
        }
        let entries = Int(first)..<Int(last)
        var columns = try indices.readRows(entries, as: Int32.self)
        var stored = try values.readRows(entries, as: Float.self)
        let offsets = pointers.map { Int($0 - first) }
        for row in 0..<(offsets.count - 1) {
            let span = offsets[row]..<offsets[row + 1]
            var sorted = true
            for entry in span {
                let column = columns[entry]
                guard column >= 0, Int(column) < width else {
                    throw StoreError.data(path: indices.path, "index \(column) in row \(range.lowerBound + row) is outside 0..<\(width)")
                }
                if entry > span.lowerBound && column <= columns[entry - 1] { sorted = false }
            }
            if !sorted {
                let pairs = span.map { (columns[$0], stored[$0]) }.sorted { $0.0 < $1.0 }
                for (position, pair) in pairs.enumerated() {
                    if position > 0 && pair.0 == pairs[position - 1].0 {
                        throw StoreError.data(path: indices.path, "index \(pair.0) appears twice in row \(range.lowerBound + row)")
                    }
                    columns[span.lowerBound + position] = pair.0
                    stored[span.lowerBound + position] = pair.1
                }
            }
        }
        return CSRBlock(width: width, offsets: offsets, indices: columns, values: stored)
    }

    /// Dense blocks, for consumers that want rows (FRI, LTES, null models).
    public func forEachBlock(rows: Range<Int>, targetBytes: Int, _ body: (Range<Int>, UnsafeBufferPointer<Float>) throws -> Void) throws {
        let blockRows = max(1, targetBytes / max(1, width * 4))
        var start = rows.lowerBound
        while start < rows.upperBound {
            let end = min(rows.upperBound, start + blockRows)
            let dense = try block(start..<end).densified()
            try dense.withUnsafeBufferPointer { try body(start..<end, $0) }
            start = end
        }
    }
}

