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

    public init(_ dataset: Dataset) throws {
        let shape = try dataset.shape
        guard shape.rank == 2 else {
            throw StoreError.layout(path: dataset.path, "activations must be 2-D [N, F], shape is \(shape)")
        }
        let type = try dataset.datatype
        guard type.isNumeric else {
            throw StoreError.layout(path: dataset.path, "activations must be numeric, they are \(type.displayName)")
        }
        self.dataset = dataset
        self.rowCount = shape.dims[0]
        self.width = shape.dims[1]
        self.rowAlignment = try dataset.rowsPerChunk
    }

    public func forEachBlock(
        rows: Range<Int>, targetBytes: Int,
        _ body: (Range<Int>, UnsafeBufferPointer<Float>) throws -> Void
    ) throws {
        try dataset.forEachRowBlock(as: Float.self, rows: rows, targetBytes: targetBytes, body)
    }

    public func rows(_ rows: Range<Int>) throws -> [Float] {
        try dataset.readRows(rows, as: Float.self)
    }

    public func read(_ rows: Range<Int>, into buffer: inout [Float]) throws {
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

    public init(_ dataset: Dataset) throws {
        let shape = try dataset.shape
        guard shape.rank == 1, try dataset.datatype.typeClass == .integer else {
            throw StoreError.layout(path: dataset.path, "labels must be a 1-D integer dataset, found \(try dataset.datatype.displayName) \(shape)")
        }
        self.dataset = dataset
        self.count = shape.dims[0]
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

extension CanonicalFile {
    /// The activations of a depth as a block source.
    public func activationSource(depth: Int, under prefix: String = "") throws -> any RowBlockSource {
        try DenseActivations(activations(depth: depth, under: prefix))
    }

    public func labelReader() throws -> LabelReader {
        try LabelReader(root.dataset(CanonicalPaths.labels))
    }
}
