// Linux process controls that Swift's Glibc module does not bring in: they are declared under
// _GNU_SOURCE, or (prctl) take variadic arguments, which Swift cannot call.
#include <spawn.h>
#include <sys/prctl.h>
#include <signal.h>

// glibc 2.34 and later (declared in <spawn.h> only under _GNU_SOURCE): the spawned program
// inherits no descriptor numbered `from` or above.
extern int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *actions, int from);

// The calling process receives `signal` when the thread that created it ends.
static inline int trawl_set_parent_death_signal(int signal) {
    return prctl(PR_SET_PDEATHSIG, (unsigned long)signal, 0UL, 0UL, 0UL);
}
