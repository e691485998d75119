import Foundation

/// A zero-filled Float64 buffer. A freed large buffer's memory (from 1 MiB,
/// rounded up to 2 MiB) is kept for the next buffer of the same size
/// (`SpareMemory`): pages already in place are zeroed at memset speed,
/// while fresh ones cost a page fault each (the kernel zeroes every new page
/// before the memset writes it again), which on a VM costs more than the
/// sparse kernel's pass over them.
///
/// Not advised to use transparent huge pages: on the 2-core VM measured
/// (BENCHMARKS.md, sparse `analyze`), huge pages made the sparse analysis
/// bimodal (one run in two or three spent over a second more in the
/// kernel, zeroing huge pages) and no faster in its good runs.
public final class ZeroedBuffer: @unchecked Sendable {
    public let count: Int
    public let pointer: UnsafeMutablePointer<Double>
    /// Bytes allocated, when the memory goes to `spares` on release; nil for small buffers.
    private let recycledBytes: Int?
    private let spares: SpareMemory

    static let recycledThreshold = 1 << 20

    public convenience init(count: Int) {
        self.init(count: count, spares: .shared)
    }

    init(count: Int, spares: SpareMemory) {
        self.count = count
        self.spares = spares
        let bytes = max(count, 1) * MemoryLayout<Double>.stride
        let raw: UnsafeMutableRawPointer
        if bytes < Self.recycledThreshold {
            guard let small = calloc(bytes, 1) else { preconditionFailure("out of memory allocating \(bytes) bytes") }
            (raw, recycledBytes) = (small, nil)
        } else {
            let granule = 2 << 20
            let rounded = (bytes + granule - 1) / granule * granule
            if let kept = spares.take(bytes: rounded) {
                raw = kept
            } else {
                guard let fresh = malloc(rounded) else { preconditionFailure("out of memory allocating \(rounded) bytes") }
                raw = fresh
            }
            memset(raw, 0, rounded)
            recycledBytes = rounded
        }
        pointer = raw.bindMemory(to: Double.self, capacity: max(count, 1))
    }

    /// A copy with the same contents (for copy-on-write owners).
    public func copy() -> ZeroedBuffer {
        let clone = ZeroedBuffer(count: count, spares: spares)
        clone.pointer.update(from: pointer, count: count)
        return clone
    }

    deinit {
        if let recycledBytes { spares.keep(UnsafeMutableRawPointer(pointer), bytes: recycledBytes) } else { free(pointer) }
    }
}

/// Memory of freed large buffers, up to `limit` bytes, for the next buffers
/// of the same sizes (one analysis measures depth after depth of the same
/// width). The oldest blocks go back to the system to make room.
final class SpareMemory: @unchecked Sendable {
    static let shared = SpareMemory(limit: 512 << 20)
    let limit: Int
    private let lock = NSLock()
    /// Oldest first.
    private var blocks: [(pointer: UnsafeMutableRawPointer, bytes: Int)] = []

    init(limit: Int) { self.limit = limit }

    /// Bytes kept now.
    var keptBytes: Int { lock.withLock { blocks.reduce(0) { $0 + $1.bytes } } }

    func take(bytes: Int) -> UnsafeMutableRawPointer? {
        lock.withLock {
            guard let index = blocks.lastIndex(where: { $0.bytes == bytes }) else { return nil }
            return blocks.remove(at: index).pointer
        }
    }

    func keep(_ pointer: UnsafeMutableRawPointer, bytes: Int) {
        var released: [UnsafeMutableRawPointer] = []
        lock.withLock {
            guard bytes <= limit else { released = [pointer]; return }
            var kept = blocks.reduce(0) { $0 + $1.bytes }
            while kept + bytes > limit {
                let oldest = blocks.removeFirst()
                kept -= oldest.bytes
                released.append(oldest.pointer)
            }
            blocks.append((pointer, bytes))
        }
        released.forEach { free($0) }
    }
}
