/*
 * child.h: the wrapped command (as-tail [options] -- COMMAND [ARGS...]).
 * Its stdout and stderr come back through pipes (or one pseudo-terminal
 * with --pty); signals sent to as-tail are passed on to it; its exit status
 * becomes as-tail's.
 */
#ifndef AS_TAIL_CHILD_H
#define AS_TAIL_CHILD_H

#include <signal.h>
#include <sys/types.h>

struct child {
	pid_t	 pid;
	int	 out_fd;	/* its stdout (and stderr with a pty) */
	int	 err_fd;	/* its stderr, or -1 with a pty */
	int	 pty;
	char	*command;	/* the command line, for ${command} */
	int	 status;	/* as-tail's exit status for it, once reaped */
	int	 exit_code;	/* exit(3) value, or -1 if killed */
	int	 signal;	/* the signal that killed it, or 0 */
};

/*
 * Start argv[0] with argv (searched in PATH).  Returns 0, or -1 after
 * reporting why it could not start: then status is 127 (not found) or 126
 * (found but not executable), as the shell would say.
 *
 * The caller blocks the signals it handles around the call, so that none
 * arrives before it knows the pid.  The command runs with the signal mask
 * mask (as-tail's before that blocking); the signals in dfl get their
 * default action in it (those as-tail catches, and those it ignores only for
 * itself); every other disposition is inherited, so a signal ignored when
 * as-tail started (nohup) stays ignored.
 */
int	child_start(struct child *, char **, int, const sigset_t *,
	    const sigset_t *);
/* Pass a signal on to the child. */
void	child_signal(struct child *, int);
/* Wait for the child to end and record how it ended. */
void	child_reap(struct child *);
void	child_free(struct child *);

#endif /* AS_TAIL_CHILD_H */
