#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A large zero-filled Float64 buffer on 2 MiB-aligned memory, advised to
/// use transparent huge pages where the kernel allows it (`madvise` mode).
/// Random updates over a 100 MB matrix otherwise spend most of their time
/// in TLB misses, doubly so under a hypervisor.
public final class HugePageBuffer: @unchecked Sendable {
    public let count: Int
    public let pointer: UnsafeMutablePointer<Double>

    public init(count: Int) {
        self.count = count
        let bytes = max(count, 1) * MemoryLayout<Double>.stride
        let alignment = 2 << 20
        let rounded = (bytes + alignment - 1) / alignment * alignment
        var raw: UnsafeMutableRawPointer?
        if posix_memalign(&raw, alignment, rounded) == 0, raw != nil {
            #if os(Linux)
            _ = madvise(raw, rounded, 14)  // MADV_HUGEPAGE
            #endif
        } else {
            raw = malloc(bytes)  // ordinary pages; still released with free()
            precondition(raw != nil, "out of memory allocating \(bytes) bytes")
        }
        memset(raw!, 0, bytes)
        pointer = raw!.bindMemory(to: Double.self, capacity: max(count, 1))
    }

    /// A copy with the same contents (for copy-on-write owners).
    public func copy() -> HugePageBuffer {
        let clone = HugePageBuffer(count: count)
        clone.pointer.update(from: pointer, count: count)
        return clone
    }

    deinit { free(pointer) }
}
