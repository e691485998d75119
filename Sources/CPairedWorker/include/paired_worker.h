#ifndef METASAE_PAIRED_WORKER_H
#define METASAE_PAIRED_WORKER_H

typedef void (*metasae_task)(void *context);

/// Runs first(first_context) on the calling thread and, at the same time,
/// second(second_context) on one long-lived worker thread, and returns when
/// both are done. The worker spins for a while after each task before it
/// sleeps, so the training step's back-to-back pairs start it at once
/// instead of waking a sleeping thread each time. When the worker is busy
/// (another caller, or a call from inside a task) or could not be started,
/// both run on the calling thread, one after the other.
void metasae_run_pair(metasae_task first, void *first_context, metasae_task second, void *second_context);

/// How many pairs ran on two threads since the process started (for tests).
long metasae_paired_runs(void);
#endif
