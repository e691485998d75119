/// A square Float64 matrix, row-major, on `ZeroedBuffer` memory, copied on
/// write. Nothing is allocated until the first write: until then every
/// element reads as 0. A buffer can be adopted whole, so a pass's raw sums
/// become its co-moment in place instead of being added into a second
/// F×F matrix.
public struct MomentMatrix: RandomAccessCollection, Sendable {
    public let count: Int
    private var storage: ZeroedBuffer?

    /// `count` zeros, nothing allocated.
    public init(zeros count: Int) {
        self.count = count
    }

    /// A copy of `values`.
    public init(_ values: some Collection<Double>) {
        count = values.count
        let buffer = ZeroedBuffer(count: count)
        _ = UnsafeMutableBufferPointer(start: buffer.pointer, count: count).initialize(from: values)
        storage = buffer
    }

    /// Takes `buffer` as this matrix's memory (the caller keeps no other reference).
    public init(adopting buffer: ZeroedBuffer) {
        count = buffer.count
        storage = buffer
    }

    public var isAllocated: Bool { storage != nil }
    /// The memory in use, if any (tests check a buffer was adopted, not copied).
    package var buffer: ZeroedBuffer? { storage }
    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public subscript(index: Int) -> Double {
        precondition(index >= 0 && index < count, "index out of range")
        return storage?.pointer[index] ?? 0
    }

    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Double>) throws -> R) rethrows -> R {
        let buffer = storage ?? ZeroedBuffer(count: count)
        return try withExtendedLifetime(buffer) { try body(UnsafeBufferPointer(start: buffer.pointer, count: count)) }
    }

    public mutating func withUnsafeMutableBufferPointer<R>(_ body: (UnsafeMutableBufferPointer<Double>) throws -> R) rethrows -> R {
        if storage == nil {
            storage = ZeroedBuffer(count: count)
        } else if !isKnownUniquelyReferenced(&storage!) {
            storage = storage!.copy()
        }
        return try body(UnsafeMutableBufferPointer(start: storage!.pointer, count: count))
    }
}
