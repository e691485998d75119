/// How one array element is stored: the dtypes of safetensors and NumPy
/// this tool reads, and their conversion to Float or Int64.
public struct ElementType: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case float, bfloat, signed, unsigned, bool
    }

    public var kind: Kind
    /// Bytes per element.
    public var size: Int
    public var bigEndian: Bool
    /// As the file spells it ("F32", "<f4"), for messages.
    public var spelling: String

    public init(kind: Kind, size: Int, bigEndian: Bool = false, spelling: String) {
        self.kind = kind
        self.size = size
        self.bigEndian = bigEndian
        self.spelling = spelling
    }

    public var description: String { spelling }

    public var isFloatingPoint: Bool {
        kind == .bfloat || (kind == .float && [2, 4, 8].contains(size))
    }

    public var isInteger: Bool { kind == .signed || kind == .unsigned || kind == .bool }

    /// The elements of `bytes` as Float (IEEE half, bfloat16, single or double).
    public func floats(_ bytes: UnsafeRawBufferPointer) -> [Float] {
        precondition(isFloatingPoint && bytes.count % size == 0)
        let count = bytes.count / size
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = count
            if kind == .float && size == 4 && !bigEndian {
                // The common case, as stored: one copy.
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: bytes)
                return
            }
            for index in 0..<count {
                let bits = raw(bytes, index)
                switch (kind, size) {
                case (.bfloat, _): buffer[index] = Float(bitPattern: UInt32(truncatingIfNeeded: bits) << 16)
                case (_, 2): buffer[index] = Float(Float16(bitPattern: UInt16(truncatingIfNeeded: bits)))
                case (_, 4): buffer[index] = Float(bitPattern: UInt32(truncatingIfNeeded: bits))
                default: buffer[index] = Float(Double(bitPattern: bits))
                }
            }
        }
    }

    /// The elements of `bytes` as Int64; nil when an unsigned 64-bit value does not fit.
    public func integers(_ bytes: UnsafeRawBufferPointer) -> [Int64]? {
        precondition(isInteger && bytes.count % size == 0)
        var values: [Int64] = []
        values.reserveCapacity(bytes.count / size)
        for index in 0..<(bytes.count / size) {
            let bits = raw(bytes, index)
            if kind == .signed {
                let shift = UInt64(64 - 8 * size)
                values.append(Int64(bitPattern: bits << shift) >> Int64(shift))
            } else {
                guard let value = Int64(exactly: bits) else { return nil }
                values.append(value)
            }
        }
        return values
    }

    /// Element `index` as raw bits in the low bytes, byte order resolved.
    private func raw(_ bytes: UnsafeRawBufferPointer, _ index: Int) -> UInt64 {
        var bits: UInt64 = 0
        let start = index * size
        for offset in 0..<size {
            let byte = UInt64(bytes[start + (bigEndian ? offset : size - 1 - offset)])
            bits = bits << 8 | byte
        }
        return bits
    }

    /// Elements × size, nil on overflow.
    public func bytes(for shape: [Int]) -> Int? {
        var total = size
        for dimension in shape {
            guard dimension >= 0 else { return nil }
            let (product, overflow) = total.multipliedReportingOverflow(by: dimension)
            if overflow { return nil }
            total = product
        }
        return total
    }
}
