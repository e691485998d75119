import Foundation

/// A large zero-filled Float64 buffer on 2 MiB-aligned memory, advised to
/// use transparent huge pages where the kernel allows it (`madvise` mode).
/// Random updates over a 100 MB matrix otherwise spend most of their time
/// in TLB misses, doubly so under a hypervisor.
///
/// A freed buffer's memory is kept for the next buffer of the same size
/// (`SpareMemory`): pages already faulted in are zeroed at memset speed,
/// while fresh ones cost a fault each, zeroed by the kernel.
public final class HugePageBuffer: @unchecked Sendable {
    public let count: Int
    public let pointer: UnsafeMutablePointer<Double>
    private let bytes: Int

    public init(count: Int) {
        self.count = count
        let alignment = 2 << 20
        bytes = (max(count, 1) * MemoryLayout<Double>.stride + alignment - 1) / alignment * alignment
        let raw = SpareMemory.shared.take(bytes: bytes) ?? Self.allocate(bytes: bytes, alignment: alignment)
        memset(raw, 0, bytes)
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
        let clone = HugePageBuffer(count: count)
        clone.pointer.update(from: pointer, count: count)
        return clone
    }

    deinit { SpareMemory.shared.keep(UnsafeMutableRawPointer(pointer), bytes: bytes) }
}

/// Memory of freed huge-page buffers, up to `limit` bytes, for the next
/// buffers of the same sizes (one analysis measures depth after depth of
/// the same width). Beyond the limit memory goes back to the system.
final class SpareMemory: @unchecked Sendable {
    static let shared = SpareMemory()
    let limit = 512 << 20
    private let lock = NSLock()
    private var blocks: [(pointer: UnsafeMutableRawPointer, bytes: Int)] = []

    func take(bytes: Int) -> UnsafeMutableRawPointer? {
        lock.withLock {
            guard let index = blocks.lastIndex(where: { $0.bytes == bytes }) else { return nil }
            return blocks.remove(at: index).pointer
        }
    }

    func keep(_ pointer: UnsafeMutableRawPointer, bytes: Int) {
        let kept = lock.withLock {
            guard blocks.reduce(bytes, { $0 + $1.bytes }) <= limit else { return false }
            blocks.append((pointer, bytes))
            return true
        }
        if !kept { free(pointer) }
    }
}
