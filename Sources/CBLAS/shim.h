#ifndef METASAE_CBLAS_SHIM_H
#define METASAE_CBLAS_SHIM_H
// OpenBLAS's cblas.h; the include directory comes from pkg-config `openblas`.
#include <cblas.h>
#include <stdlib.h>

// OpenBLAS (pthreads build) starts its worker threads when the library
// loads, and an idle worker spins on sched_yield for 2^28 cycles (~0.1 s)
// after each threaded call before it sleeps, holding a core the process's
// own threads may want. Its OPENBLAS_THREAD_TIMEOUT (log2 of those cycles)
// is read from the environment when the library loads, before main; this
// sets the variable (unless the user did), has OpenBLAS read its
// environment again and shuts the workers down, so the next threaded call
// starts them with the new wait. Weak, so a BLAS build without these (the
// OpenMP variant) links and the call does nothing.
extern int blas_thread_shutdown_(void) __attribute__((weak));
extern void openblas_read_env(void) __attribute__((weak));
static inline void metasae_blas_release_idle_threads(const char *log2_cycles) {
    if (openblas_read_env && setenv("OPENBLAS_THREAD_TIMEOUT", log2_cycles, 0) == 0) openblas_read_env();
    if (blas_thread_shutdown_) blas_thread_shutdown_();
}
#endif
