import Foundation

/// A zero-filled Float64 buffer. From 1 MiB up it sits on 2 MiB-aligned
/// memory advised to use transparent huge pages where the kernel allows it
/// (`madvise` mode): random updates over a 100 MB matrix otherwise spend
/// most of their time in TLB misses, doubly so under a hypervisor.
///
/// A freed large buffer's memory is kept for the next buffer of the same
/// size (`SpareMemory`): pages already in place are zeroed at memset speed,
/// while fresh ones cost a page fault each (the kernel zeroes every new page
/// before the memset writes it again), which on a VM costs more than the
/// sparse kernel's pass over them.
public final class HugePageBuffer: @unchecked Sendable {
    public let count: Int
    public let pointer: UnsafeMutablePointer<Double>
    /// Bytes allocated, when the memory goes to `spares` on release; nil for small buffers.
    private let recycledBytes: Int?
    private let spares: SpareMemory

    static let hugeThreshold = 1 << 20

    public convenience init(count: Int) {
        self.init(count: count, spares: .shared)
    }

    init(count: Int, spares: SpareMemory) {
        self.count = count
        self.spares = spares
        let bytes = max(count, 1) * MemoryLayout<Double>.stride
        let raw: UnsafeMutableRawPointer
        if bytes < Self.hugeThreshold {
            guard let small = calloc(bytes, 1) else { preconditionFailure("out of memory allocating \(bytes) bytes") }
            (raw, recycledBytes) = (small, nil)
        } else {
            let alignment = 2 << 20
            let rounded = (bytes + alignment - 1) / alignment * alignment
            raw = spares.take(bytes: rounded) ?? Self.allocate(bytes: rounded, alignment: alignment)
            memset(raw, 0, rounded)
            recycledBytes = rounded
        }
        pointer = raw.bindMemory(to: Double.self, capacity: max(count, 1))
    }

    private static func allocate(bytes: Int, alignment: Int) -> UnsafeMutableRawPointer {
        var raw: UnsafeMutableRawPointer?
        if posix_memalign(&raw, alignment, bytes) == 0, let raw {
            #if os(Linux)
            _ = madvise(raw, bytes, 14)  // MADV_HUGEPAGE
            #endif
            return raw
        }
        guard let raw = malloc(bytes) else { preconditionFailure("out of memory allocating \(bytes) bytes") }
        return raw  // ordinary pages; still released with free()
    }

    /// A copy with the same contents (for copy-on-write owners).
    public func copy() -> HugePageBuffer {
        let clone = HugePageBuffer(count: count, spares: spares)
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
