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
#endif
