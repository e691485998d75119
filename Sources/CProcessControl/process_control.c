#include "process_control.h"
#if defined(__linux__)
#include <signal.h>
#include <sys/prctl.h>

int metasae_die_with_parent(void) { return prctl(PR_SET_PDEATHSIG, SIGKILL); }
#else
int metasae_die_with_parent(void) { return -1; }
#endif
