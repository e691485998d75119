import HDF5

/// Anything that yields an `[N, F]` Float32 matrix as consecutive blocks of
/// whole rows: a dataset in a file, or activations computed on the fly.
///
/// Metrics consume only this, so they never depend on where rows come from
/// and never hold more than one block.
public protocol RowBlockSource: Sendable {
    var rowCount: Int { get }
    var width: Int { get }
    /// Preferred block granularity (rows per storage chunk); blocks start on
    /// multiples of it so each chunk is decoded once.
    var rowAlignment: Int { get }
    /// Visits `rows` in order, in blocks of about `targetBytes`. The buffer
    /// is reused between calls; copy what must outlive the call.
    func forEachBlock(
        rows: Range<Int>, targetBytes: Int,
        _ body: (Range<Int>, UnsafeBufferPointer<Float>) throws -> Void) throws
    /// Rows `rows` as a new row-major array.
    func rows(_ rows: Range<Int>) throws -> [Float]
    /// Rows `rows` into `buffer`, reusing its storage when it is big enough.
    func read(_ rows: Range<Int>, into buffer: inout [Float]) throws
    /// How a stream over `rows` is cut into blocks.
    func blockRanges(rows: Range<Int>, targetBytes: Int) -> [Range<Int>]
}

extension RowBlockSource {
    /// Consecutive blocks covering `rows`, about `targetBytes` of Float32
    /// each, starting on multiples of `rowAlignment` so chunks decode once.
    public func blockRanges(rows: Range<Int>, targetBytes: Int) -> [Range<Int>] {
        Dataset.alignedBlocks(rows: rows, rowBytes: width * 4, chunkRows: rowAlignment, targetBytes: targetBytes)
    }

    public func read(_ rows: Range<Int>, into buffer: inout [Float]) throws {
        buffer = try self.rows(rows)
    }

    /// Reads `rows` into a new array (for small prefixes).
    public func rows(_ rows: Range<Int>) throws -> [Float] {
        var result: [Float] = []
        result.reserveCapacity(rows.count * width)
        try forEachBlock(rows: rows, targetBytes: 8 << 20) { _, values in result.append(contentsOf: values) }
        return result
    }
}

/// A dense `[N, F]` activation dataset.
public struct DenseActivations: RowBlockSource, @unchecked Sendable {
    public let dataset: Dataset
    public let rowCount: Int
    public let width: Int
    public let rowAlignment: Int

    /// How stored values become Float32 (bfloat16 bits in exports).
    let encoding: TensorRef.Encoding
    let tensor: TensorRef

    /// A dataset the checker proved to be [rows, width] floats.
    init(checked tensor: TensorRef, rows: Int, width: Int) {
        self.tensor = tensor
        encoding = tensor.encoding
        dataset = tensor.dataset
        rowCount = rows
        self.width = width
        rowAlignment = tensor.layout.chunkDims?.first.flatMap { $0 > 0 ? $0 : nil } ?? max(1, rows)
    }

    public func forEachBlock(
        rows: Range<Int>, targetBytes: Int,
        _ body: (Range<Int>, UnsafeBufferPointer<Float>) throws -> Void
    ) throws {
        guard encoding == .native else {
            for block in blockRanges(rows: rows, targetBytes: targetBytes) {
                try tensor.floatRows(block).withUnsafeBufferPointer { try body(block, $0) }
            }
            return
        }
        try dataset.forEachRowBlock(as: Float.self, rows: rows, targetBytes: targetBytes, body)
    }

    public func rows(_ rows: Range<Int>) throws -> [Float] {
        try tensor.floatRows(rows)
    }

    public func read(_ rows: Range<Int>, into buffer: inout [Float]) throws {
        guard encoding == .native else { return buffer = try tensor.floatRows(rows) }
        let count = rows.count * width
        if buffer.count != count {
            if buffer.capacity >= count {
                buffer.removeAll(keepingCapacity: true)
                buffer.append(contentsOf: repeatElement(0, count: count))
            } else {
                buffer = [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
            }
        }
        try buffer.withUnsafeMutableBufferPointer { try dataset.read(rows: rows, into: $0) }
    }
}

/// Labels read a block of rows at a time.
public struct LabelReader: @unchecked Sendable {
    public let dataset: Dataset
    public let count: Int

    /// The checker proved it a 1-D integer dataset of `count` rows.
    init(checked tensor: TensorRef, count: Int) {
        dataset = tensor.dataset
        self.count = count
    }

    /// Labels of `rows`, checked to lie in 0…9.
    public func labels(_ rows: Range<Int>) throws -> [Int32] {
        let values = try dataset.readRows(rows, as: Int64.self)
        if let bad = values.firstIndex(where: { !Conventions.labels.contains($0) }) {
            throw StoreError.data(path: dataset.path, "label \(values[bad]) at row \(rows.lowerBound + bad) is outside 0–9")
        }
        return values.map { Int32($0) }
    }
}

