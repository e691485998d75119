#ifndef METASAE_FLOAT_ENVIRONMENT_H
#define METASAE_FLOAT_ENVIRONMENT_H
/// Flushes denormals to zero (FTZ) and treats denormal inputs as zero (DAZ)
/// on the calling thread. ReLU networks trained on the CPU otherwise spend
/// most of their time in microcode assists for denormal arithmetic.
/// Returns the previous control word, for `metasae_restore_float_environment`.
unsigned int metasae_flush_denormals(void);
void metasae_restore_float_environment(unsigned int previous);
/// The calling thread's control word (0 where there is none to read), so
/// work handed to another thread can run under the same one.
unsigned int metasae_float_environment(void);
#endif
