#include "float_environment.h"
#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
unsigned int metasae_flush_denormals(void) {
    unsigned int previous = _mm_getcsr();
    _mm_setcsr(previous | 0x8040); /* FTZ (bit 15) | DAZ (bit 6) */
    return previous;
}
void metasae_restore_float_environment(unsigned int previous) { _mm_setcsr(previous); }
unsigned int metasae_float_environment(void) { return _mm_getcsr(); }
#else
unsigned int metasae_flush_denormals(void) { return 0; }
void metasae_restore_float_environment(unsigned int previous) { (void)previous; }
unsigned int metasae_float_environment(void) { return 0; }
#endif
