import CMemoryHints

/// Training allocates and frees the same arrays of a few hundred kilobytes
/// every step. By default glibc hands such memory back to the kernel (large
/// blocks are mapped and unmapped, the heap's top is trimmed) and every step
/// faults it back in, page by page: about a tenth of the process's time.
/// Kept for reuse instead (see metasae_keep_freed_memory).
public enum FreedMemory {
    public static func keepForReuse() { metasae_keep_freed_memory() }
}
