/*
 * child.c: running the wrapped command.
 *
 * The command runs in as-tail's process group, so a Ctrl-C at the terminal
 * reaches it directly (main.c passes on only the signals sent to as-tail
 * alone, by kill(1) or a supervisor).  With --pty it gets a new session on
 * a pseudo-terminal instead, so that it keeps line buffering and colors; its
 * stdout and stderr then arrive merged, and every signal is passed on.
 * A signal ignored when as-tail started (nohup, a shell's background job)
 * stays ignored for the command too.
 *
 * If exec fails, the child writes its errno down a close-on-exec pipe; the
 * parent reads either that or end-of-file (exec succeeded), so a command
 * that does not exist is reported before any output is read.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "buf.h"
#include "child.h"
#include "msg.h"
#include "xmalloc.h"

/* The command line as one string: words joined by spaces. */
static char *
child_command_line(char **argv)
{
	struct buf	b;
	int		i;

	buf_init(&b, 4096);
	for (i = 0; argv[i] != NULL; i++) {
		if (i > 0)
			buf_addstr(&b, " ");
		buf_addstr(&b, argv[i]);
	}
	buf_str(&b);
	return b.data;
}

/* Open a pseudo-terminal; return the master, and the slave's name. */
static int
child_open_pty(char **slave)
{
	int	master;
	char	*name;

	if ((master = posix_openpt(O_RDWR | O_NOCTTY)) == -1 ||
	    grantpt(master) == -1 || unlockpt(master) == -1 ||
	    (name = ptsname(master)) == NULL) {
		msg_warn("cannot open a pseudo-terminal");
		if (master != -1)
			close(master);
		return -1;
	}
	*slave = xstrdup(name);
	fcntl(master, F_SETFD, FD_CLOEXEC);
	return master;
}

/* In the child, with a pty: new session, the pty as controlling terminal. */
static void
child_setup_pty(const char *slave_name)
{
	struct termios	 t;
	struct winsize	 ws;
	int		 slave;

	setsid();
	if ((slave = open(slave_name, O_RDWR)) == -1)
		_exit(126);
#ifdef TIOCSCTTY
	ioctl(slave, TIOCSCTTY, 0);
#endif
	if (tcgetattr(slave, &t) == 0) {
		t.c_oflag &= ~(tcflag_t)OPOST;	/* "\n" stays "\n" */
		tcsetattr(slave, TCSANOW, &t);
	}
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0)
		ioctl(slave, TIOCSWINSZ, &ws);
	dup2(slave, STDOUT_FILENO);
	dup2(slave, STDERR_FILENO);
	if (slave > STDERR_FILENO)
		close(slave);
}

/*
 * In the child, before exec: as-tail's handlers and what it ignores for
 * itself go back to the default action; then the signals are let in.
 */
static void
child_reset_signals(const sigset_t *mask, const sigset_t *dfl)
{
	int	sig;

	for (sig = 1; sig <= SIGRTMAX; sig++)
		if (sigismember(dfl, sig) == 1)
			signal(sig, SIG_DFL);
	sigprocmask(SIG_SETMASK, mask, NULL);
}

/* In the child: wire up, exec, and report a failure down report_fd. */
static void
child_exec(char **argv, int out[2], int err[2], const char *slave,
    int report_fd)
{
	int	e;

	if (slave != NULL)
		child_setup_pty(slave);
	else {
		dup2(out[1], STDOUT_FILENO);
		dup2(err[1], STDERR_FILENO);
		close(out[0]);
		close(out[1]);
		close(err[0]);
		close(err[1]);
	}
	execvp(argv[0], argv);
	e = errno;
	(void)!write(report_fd, &e, sizeof e);
	_exit(e == ENOENT ? 127 : 126);
}

/* After fork: did exec work?  0, or the child's errno. */
static int
child_exec_error(int report_fd)
{
	ssize_t	n;
	int	e = 0;

	do
		n = read(report_fd, &e, sizeof e);
	while (n == -1 && errno == EINTR);
	close(report_fd);
	return n == (ssize_t)sizeof e ? e : 0;
}

int
child_start(struct child *c, char **argv, int use_pty, const sigset_t *mask,
    const sigset_t *dfl)
{
	int	 out[2] = { -1, -1 }, err[2] = { -1, -1 }, report[2], e;
	char	*slave = NULL;

	memset(c, 0, sizeof *c);
	c->command = child_command_line(argv);
	c->pty = use_pty;
	c->err_fd = -1;
	c->exit_code = -1;
	if (use_pty) {
		if ((c->out_fd = child_open_pty(&slave)) == -1) {
			c->status = 126;
			return -1;
		}
	} else if (pipe(out) == -1 || pipe(err) == -1)
		msg_fatal(1, "pipe");
	if (pipe(report) == -1 || fcntl(report[1], F_SETFD, FD_CLOEXEC) == -1)
		msg_fatal(1, "pipe");
	if ((c->pid = fork()) == -1)
		msg_fatal(1, "fork");
	if (c->pid == 0) {
		close(report[0]);
		child_reset_signals(mask, dfl);
		child_exec(argv, out, err, slave, report[1]);
	}
	close(report[1]);
	free(slave);
	if (!use_pty) {
		close(out[1]);
		close(err[1]);
		c->out_fd = out[0];
		c->err_fd = err[0];
		fcntl(c->out_fd, F_SETFD, FD_CLOEXEC);
		fcntl(c->err_fd, F_SETFD, FD_CLOEXEC);
	}
	if ((e = child_exec_error(report[0])) == 0)
		return 0;
	errno = e;
	msg_warn("%s", argv[0]);
	child_reap(c);
	c->status = e == ENOENT ? 127 : 126;
	return -1;
}

void
child_signal(struct child *c, int sig)
{
	if (c->pid > 0)
		kill(c->pid, sig);
}

void
child_reap(struct child *c)
{
	int	status;

	while (waitpid(c->pid, &status, 0) == -1)
		if (errno != EINTR)
			return;
	c->pid = -c->pid;
	if (WIFSIGNALED(status)) {
		c->signal = WTERMSIG(status);
		c->status = 128 + c->signal;
	} else {
		c->exit_code = WEXITSTATUS(status);
		c->status = c->exit_code;
	}
}

void
child_free(struct child *c)
{
	if (c->out_fd != -1)
		close(c->out_fd);
	if (c->err_fd != -1)
		close(c->err_fd);
	free(c->command);
}
