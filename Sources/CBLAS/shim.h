#ifndef METASAE_CBLAS_SHIM_H
#define METASAE_CBLAS_SHIM_H
// OpenBLAS's cblas.h; the include directory comes from pkg-config `openblas`.
#include <cblas.h>

// OpenBLAS (pthreads build) starts its worker threads when the library
// loads, and idle workers spin on sched_yield for ~0.1 s before sleeping,
// holding a core the process's own threads want. This shuts them down;
// the next threaded BLAS call starts them again. Weak, so a BLAS build
// without it (OpenMP variant) links and the call does nothing.
extern int blas_thread_shutdown_(void) __attribute__((weak));
static inline void metasae_blas_release_idle_threads(void) {
    if (blas_thread_shutdown_) blas_thread_shutdown_();
}
#endif
