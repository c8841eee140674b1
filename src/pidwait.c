/*
 * pidwait.c: waiting for a process that is not ours.
 *
 * A process that is not our child cannot be waited for with wait(2), and
 * its exit status is not ours to know: we can only see that it is gone.
 * kill(pid, 0) says whether the pid exists; a zombie still does, so
 * /proc/PID/stat's state is read too where there is a /proc.  The wait polls
 * every 250 milliseconds (poll(2) on nothing, so that a signal ends it at
 * once).  The pid could be reused by a new process between two looks; at
 * four looks a second that is unlikely, and is the caveat of ntfy's
 * --wait-pid and of every tool like it.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pidwait.h"
#include "xmalloc.h"

#define PIDWAIT_INTERVAL_MS	250
/* Longest command line kept. */
#define PIDWAIT_COMMAND_MAX	4096

/* Whether /proc/PID/stat says the process is a zombie. */
static int
pidwait_zombie(pid_t pid)
{
	char	 path[64], buf[512], *paren;
	FILE	*f;
	size_t	 n;

	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* "PID (COMM) STATE ...": COMM may hold anything, so the last ')'. */
	if ((paren = strrchr(buf, ')')) == NULL || paren[1] != ' ')
		return 0;
	return paren[2] == 'Z';
}

int
pidwait_gone(pid_t pid)
{
	if (kill(pid, 0) == -1 && errno == ESRCH)
		return 1;
	return pidwait_zombie(pid);
}

char *
pidwait_command(pid_t pid)
{
	char	 path[64], buf[PIDWAIT_COMMAND_MAX + 1];
	FILE	*f;
	size_t	 n, i;

	snprintf(path, sizeof path, "/proc/%ld/cmdline", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return xasprintf("process %ld", (long)pid);
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	while (n > 0 && buf[n - 1] == '\0')
		n--;
	if (n == 0)
		return xasprintf("process %ld", (long)pid);
	for (i = 0; i < n; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	buf[n] = '\0';
	return xstrdup(buf);
}

int
pidwait_wait(pid_t pid, volatile sig_atomic_t *stop)
{
	while (!pidwait_gone(pid)) {
		if (*stop)
			return -1;
		if (poll(NULL, 0, PIDWAIT_INTERVAL_MS) == -1 && errno != EINTR)
			return -1;
	}
	return 0;
}
