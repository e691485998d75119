#ifndef METASAE_CBLAS_SHIM_H
#define METASAE_CBLAS_SHIM_H
// OpenBLAS's cblas.h; the include directory comes from pkg-config `openblas`.
#include <cblas.h>
#include <stdlib.h>
#include <string.h>

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

// OpenBLAS chooses its kernels by CPU model when the library loads, and a
// model it does not know can end in its catch-all, "Prescott": SSE3
// kernels (OpenBLAS 0.3.21 on Emerald Rapids, family 6 model 0xCF, does
// this; sgemm there runs at a fraction of the CPU's speed). When the user
// has not chosen a core (a non-empty OPENBLAS_CORETYPE) and OpenBLAS fell back to
// Prescott on a CPU with AVX2 or AVX-512, this chooses the kernels those
// features run: SkylakeX for AVX-512 F/CD/BW/DQ/VL, else Haswell for AVX2
// with FMA. It sets the variable only while OpenBLAS re-reads it, so the
// environment children see is the user's. Call before any BLAS call, with
// the worker threads idle. Returns the core chosen, or NULL if it left
// OpenBLAS's choice alone. Weak, like the functions above.
extern void gotoblas_dynamic_init(void) __attribute__((weak));
extern void gotoblas_dynamic_quit(void) __attribute__((weak));
extern char *openblas_get_corename(void) __attribute__((weak));
static inline const char *metasae_blas_choose_core(void) {
#if defined(__x86_64__)
    if (!gotoblas_dynamic_init || !gotoblas_dynamic_quit || !openblas_get_corename) return NULL;
    const char *set = getenv("OPENBLAS_CORETYPE");
    if (set != NULL && set[0] != '\0') return NULL;
    const char *chosen = openblas_get_corename();
    if (chosen == NULL || strcmp(chosen, "Prescott") != 0) return NULL;
    __builtin_cpu_init();
    const char *core = NULL;
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512cd") && __builtin_cpu_supports("avx512bw")
        && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl")) {
        core = "SkylakeX";
    } else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        core = "Haswell";
    }
    if (core == NULL || setenv("OPENBLAS_CORETYPE", core, 1) != 0) return NULL;
    gotoblas_dynamic_quit();
    gotoblas_dynamic_init();
    unsetenv("OPENBLAS_CORETYPE");
    return core;
#else
    return NULL;  // Prescott and these features are x86-64's.
#endif
}

// The kernels OpenBLAS runs ("SkylakeX", "Haswell", ...), or NULL for another BLAS.
static inline const char *metasae_blas_core_name(void) {
    return openblas_get_corename ? openblas_get_corename() : NULL;
}
#endif
