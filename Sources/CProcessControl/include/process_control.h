#ifndef METASAE_PROCESS_CONTROL_H
#define METASAE_PROCESS_CONTROL_H
/// Has the kernel send SIGKILL to this process when the thread that forked
/// it ends (Linux's PR_SET_PDEATHSIG; prctl is variadic, which Swift cannot
/// call). Returns 0, or -1 where there is no such control.
int metasae_die_with_parent(void);
#endif
