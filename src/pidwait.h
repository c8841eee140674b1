/*
 * pidwait.h: waiting for a process that as-tail did not start
 * (--notify-exit --pid PID).
 */
#ifndef AS_TAIL_PIDWAIT_H
#define AS_TAIL_PIDWAIT_H

#include <signal.h>
#include <sys/types.h>

/* Whether process pid has ended (or is a zombie, ended but not reaped). */
int	 pidwait_gone(pid_t);
/*
 * The command line of process pid, its words joined by spaces, or
 * "process PID" if it cannot be read.  Returns a new string; free with
 * free().
 */
char	*pidwait_command(pid_t);
/*
 * Wait until process pid has ended, looking every 250 milliseconds, or until
 * *stop is set (by a signal).  Returns 0 if it ended, -1 if stopped.
 */
int	 pidwait_wait(pid_t, volatile sig_atomic_t *);

#endif /* AS_TAIL_PIDWAIT_H */
