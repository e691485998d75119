#ifndef METASAE_MEMORY_HINTS_H
#define METASAE_MEMORY_HINTS_H
/// Asks the CPU to start loading the cache line at `address` for a read soon
/// (a hint: it never faults, whatever the address). Swift has no spelling for
/// it; the sparse covariance kernel uses it to overlap its scattered row reads.
static inline void metasae_prefetch(const void *address) {
#if defined(__GNUC__) || defined(__clang__)
    __builtin_prefetch(address, 0, 3);
#else
    (void)address;
#endif
}

/// Has the allocator keep freed memory for reuse instead of returning it to
/// the kernel (glibc: blocks below 32 MiB come from the heap and up to
/// 256 MiB of free heap stays); elsewhere it does nothing.
void metasae_keep_freed_memory(void);
#endif
