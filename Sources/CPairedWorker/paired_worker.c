// One worker thread for the training step's pairs of work (see the header).
// A pair is handed over through `state`: 1 posted by the caller, 2 done by
// the worker, 0 idle. The worker spins on it for SPIN_NANOSECONDS after a
// task (yielding its core to any other runnable thread every few hundred
// spins), then sleeps on a condition variable; `sleeping` tells the caller
// whether to signal it. Both are sequentially consistent, so a post and a
// decision to sleep cannot miss each other.
#include "paired_worker.h"
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <time.h>

// Longer than the serial part between a training step's pairs.
enum { SPIN_NANOSECONDS = 1000000 };

static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static atomic_int state;
static atomic_bool sleeping;
static atomic_bool claimed;
static atomic_long paired;
static bool running;
static metasae_task job;
static void *job_context;

static inline void relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

static long long now(void) {
    struct timespec time;
    clock_gettime(CLOCK_MONOTONIC, &time);
    return (long long)time.tv_sec * 1000000000LL + time.tv_nsec;
}

static void wait_for_post(void) {
    const long long deadline = now() + SPIN_NANOSECONDS;
    for (unsigned spins = 1; atomic_load_explicit(&state, memory_order_acquire) != 1; spins++) {
        relax();
        if ((spins & 255) != 0) continue;
        // Now and then the core goes to any other runnable thread (OpenBLAS's
        // workers between steps): spinning only ever fills idle time.
        sched_yield();
        if (now() < deadline) continue;
        pthread_mutex_lock(&lock);
        atomic_store(&sleeping, true);
        while (atomic_load(&state) != 1) pthread_cond_wait(&wake, &lock);
        atomic_store(&sleeping, false);
        pthread_mutex_unlock(&lock);
    }
}

static void *work(void *unused) {
    (void)unused;
    for (;;) {
        wait_for_post();
        job(job_context);
        atomic_store_explicit(&state, 2, memory_order_release);
    }
    return 0;
}

static void start(void) {
    pthread_t thread;
    pthread_attr_t attributes;
    if (pthread_attr_init(&attributes) != 0) return;
    pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
    // Tasks call BLAS and allocate: the main thread's usual stack size.
    pthread_attr_setstacksize(&attributes, 8 << 20);
    running = pthread_create(&thread, &attributes, work, 0) == 0;
    pthread_attr_destroy(&attributes);
}

void metasae_run_pair(metasae_task first, void *first_context, metasae_task second, void *second_context) {
    pthread_once(&once, start);
    bool free = false;
    if (!running || !atomic_compare_exchange_strong(&claimed, &free, true)) {
        first(first_context);
        second(second_context);
        return;
    }
    job = second;
    job_context = second_context;
    atomic_store(&state, 1);
    if (atomic_load(&sleeping)) {
        pthread_mutex_lock(&lock);
        pthread_cond_signal(&wake);
        pthread_mutex_unlock(&lock);
    }
    first(first_context);
    // The worker's half is as long as this one: spin, yielding now and then
    // in case it was preempted.
    for (unsigned spins = 1; atomic_load_explicit(&state, memory_order_acquire) != 2; spins++) {
        relax();
        if ((spins & 4095) == 0) sched_yield();
    }
    atomic_store_explicit(&state, 0, memory_order_relaxed);
    atomic_fetch_add_explicit(&paired, 1, memory_order_relaxed);
    atomic_store_explicit(&claimed, false, memory_order_release);
}

long metasae_paired_runs(void) { return atomic_load_explicit(&paired, memory_order_relaxed); }
