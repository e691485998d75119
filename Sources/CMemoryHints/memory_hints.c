// The prefetch hint is inline in the header; the allocator setting is here.
#include "memory_hints.h"
#include <stdlib.h>  // defines __GLIBC__ under glibc
#ifdef __GLIBC__
#include <malloc.h>
#endif

void metasae_keep_freed_memory(void) {
#ifdef __GLIBC__
    mallopt(M_MMAP_THRESHOLD, 32 << 20);  // glibc's largest on 64-bit
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
#endif
}
