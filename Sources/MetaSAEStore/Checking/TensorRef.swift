import CVectorKernels
import HDF5

/// A dataset the locator found, with its type, shape and storage read once.
/// The checker proves facts about it; readers then trust them.
public struct TensorRef: @unchecked Sendable {
    /// How stored elements become Float32.
    public enum Encoding: Sendable, Equatable {
        /// The library converts (any float width or byte order; integers).
        case native
        /// bfloat16 bits in 2-byte integers or opaque elements.
        case bfloat16
    }

    public let dataset: Dataset
    /// Dimensions as stored.
    public let storedDims: [Int]
    public let type: DatatypeInfo
    public let layout: StorageLayout
    /// Bytes allocated in the file.
    public let storedBytes: Int
    /// Read as the transpose of what is stored (a 2-D export in the other orientation).
    public var transposed = false
    public var encoding = Encoding.native

    /// Reads the metadata; fails when any of it cannot be read.
    public init(_ dataset: Dataset) throws {
        self.dataset = dataset
        storedDims = try dataset.shape.dims
        type = try dataset.datatype
        layout = try dataset.storageLayout
        storedBytes = dataset.storedBytes
    }

    /// The path inside the file.
    public var path: String { dataset.path }
    /// Dimensions in canonical orientation.
    public var dims: [Int] { transposed ? storedDims.reversed() : storedDims }
    public var rank: Int { storedDims.count }

    /// Elements, or nil when the product overflows.
    public var elementCount: Int? {
        storedDims.reduce(Optional(1)) { total, dim in
            total.flatMap { value in
                let (product, overflow) = value.multipliedReportingOverflow(by: dim)
                return overflow ? nil : product
            }
        }
    }

    /// Bytes the data takes uncompressed, or nil on overflow.
    public var logicalBytes: Int? {
        elementCount.flatMap { count in
            let (bytes, overflow) = count.multipliedReportingOverflow(by: max(type.size, 1))
            return overflow ? nil : bytes
        }
    }

    /// Whether elements can be read as floats under the encoding.
    public var readsAsFloat: Bool {
        switch encoding {
        case .native: return type.typeClass == .float
        case .bfloat16: return type.couldHoldBFloat16
        }
    }
}

extension TensorRef {
    /// Stored rows `rows` as Float32 (no transpose).
    public func floatRows(_ rows: Range<Int>) throws -> [Float] {
        switch encoding {
        case .native:
            return try dataset.readRows(rows, as: Float.self)
        case .bfloat16 where type.typeClass == .integer:
            return try dataset.readRows(rows, as: UInt16.self).map { Float(bitPattern: UInt32($0) << 16) }
        case .bfloat16:
            let (bytes, _) = try dataset.readRawBytes(rows: rows)
            return stride(from: 0, to: bytes.count, by: 2).map { index in
                Float(bitPattern: (UInt32(bytes[index]) | UInt32(bytes[index + 1]) << 8) << 16)
            }
        }
    }

    /// The whole tensor as Float32 in canonical orientation.
    public func floats() throws -> [Float] {
        let values = try floatRows(0..<(storedDims.first ?? 1))
        guard transposed, storedDims.count == 2 else { return values }
        let (rows, columns) = (storedDims[0], storedDims[1])
        var result = [Float](repeating: 0, count: values.count)
        for row in 0..<rows {
            for column in 0..<columns { result[column * rows + row] = values[row * columns + column] }
        }
        return result
    }
}

extension TensorRef {
    /// NaN and ±Inf values in the tensor, streamed through one reused block
    /// when stored as Float32 (other encodings are converted whole first).
    public func nonFiniteCount() throws -> Int {
        guard encoding == .native, type.typeClass == .float, type.size == 4 else {
            return try floats().withUnsafeBufferPointer(Self.nonFiniteCount)
        }
        var bad = 0
        try dataset.forEachRowBlock(as: Float.self, targetBytes: 4 << 20) { _, values in bad += Self.nonFiniteCount(values) }
        return bad
    }

    /// NaN and ±Inf values among `values`.
    public static func nonFiniteCount(_ values: UnsafeBufferPointer<Float>) -> Int {
        values.isEmpty ? 0 : Int(metasae_count_nonfinite(values.baseAddress!, Int64(values.count)))
    }
}
