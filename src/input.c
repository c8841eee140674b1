/*
 * input.c: the reading loop.
 *
 * Everything waits in poll(2), at most a second at a time, so that the tick
 * runs even when the input is silent.  Reading never waits for the network:
 * requests go to the outbox, which the sender thread empties.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "input.h"
#include "lines.h"
#include "msg.h"

#define INPUT_TICK_MS	1000

/* The loop woke: the wake hook, and the tick when a second has passed. */
static void
input_tick(struct input *in, uint64_t *last)
{
	uint64_t	now = clock_now_ms();

	if (in->wake != NULL)
		in->wake(in->wake_arg, now);
	if (now - *last < INPUT_TICK_MS)
		return;
	*last = now;
	if (in->tick != NULL)
		in->tick(in->tick_arg, now);
}

/* Whether the --pid process has gone. */
static int
input_pid_gone(const struct input *in)
{
	return in->watch_pid > 0 && kill(in->watch_pid, 0) == -1 &&
	    errno == ESRCH;
}

/* Read one fd to its end like cat.  0, 1 (read error) or -1 (write). */
static int
input_cat_one(struct input *in, int fd, const char *name, uint64_t *last)
{
	struct lines		*l;
	struct pollfd		 pfd;
	enum lines_status	 st = LINES_OK;
	int			 rval = 0;

	l = lines_new(fd, name, in->out, in->max_line, in->counting);
	while (!*in->stop) {
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, INPUT_TICK_MS) > 0 &&
		    (st = lines_read(l, in->matcher, &in->sink)) !=
		    LINES_OK)
			break;
		input_tick(in, last);
	}
	lines_flush(l, in->matcher, &in->sink);
	if (st == LINES_READ_ERROR) {
		msg_warn("%s", name);
		rval = 1;
	} else if (st == LINES_WRITE_ERROR) {
		msg_warn("stdout");
		rval = -1;
	}
	in->nlines += lines_count(l);
	in->nbytes += lines_bytes(l);
	/* The name goes with the reader. */
	in->sink.source(in->sink.arg, NULL);
	lines_free(l);
	return rval;
}

/* Stdin, or each file in turn; stop at a write error or a signal. */
static int
input_cat(struct input *in)
{
	uint64_t	last = clock_now_ms();
	char		**f;
	int		 fd, rc, rval = 0;

	if (in->files == NULL)
		return input_cat_one(in, STDIN_FILENO, "-", &last);
	for (f = in->files; *f != NULL && !*in->stop; f++) {
		if (strcmp(*f, "-") == 0)
			fd = STDIN_FILENO;
		else if ((fd = open(*f, O_RDONLY | O_CLOEXEC)) == -1) {
			msg_warn("%s", *f);
			rval = 1;
			continue;
		}
		rc = input_cat_one(in, fd, *f, &last);
		if (fd != STDIN_FILENO)
			close(fd);
		if (rc < 0)
			return -1;
		if (rc != 0)
			rval = 1;
	}
	return rval;
}

/* Follow files until a signal, or until the --pid process is gone. */
static int
input_follow(struct input *in)
{
	struct pollfd	pfd;
	uint64_t	last = clock_now_ms();
	int		rval = 0, gone = 0;

	follow_start(in->follow);
	while (!*in->stop && !gone) {
		gone = input_pid_gone(in);	/* then one last look */
		if (follow_check(in->follow, in->matcher, &in->sink) != 0) {
			msg_warn("stdout");
			rval = -1;
			break;
		}
		input_tick(in, &last);
		pfd.fd = follow_fd(in->follow);
		pfd.events = POLLIN;
		if (!gone)
			poll(&pfd, pfd.fd == -1 ? 0 : 1,
			    follow_interval_ms(in->follow));
	}
	if (gone)
		msg_verbose(1, "process %ld has ended", (long)in->watch_pid);
	follow_flush(in->follow, in->matcher, &in->sink);
	follow_totals(in->follow, &in->nlines, &in->nbytes);
	return rval;
}

/*
 * Read the command's output until both streams end, then reap it.  Signals
 * do not stop the reading: main.c passes them on, and the command decides.
 */
static int
input_child(struct input *in)
{
	struct child		*c = in->child;
	struct lines		*l[2];
	struct pollfd		 pfd[2];
	enum lines_status	 st;
	uint64_t		 last = clock_now_ms();
	int			 i, open = 0, rval = 0;

	pfd[0].fd = c->out_fd;
	pfd[1].fd = c->err_fd;
	l[0] = lines_new(c->out_fd, "stdout", in->out, in->max_line,
	    in->counting);
	l[1] = lines_new(c->err_fd, "stderr", in->out == -1 ? -1 :
	    STDERR_FILENO, in->max_line, in->counting);
	for (i = 0; i < 2; i++) {
		pfd[i].events = POLLIN;
		open += pfd[i].fd != -1;
	}
	while (open > 0) {
		if (poll(pfd, 2, INPUT_TICK_MS) > 0) {
			for (i = 0; i < 2; i++) {
				if (pfd[i].fd == -1 || pfd[i].revents == 0)
					continue;
				st = lines_read(l[i], in->matcher, &in->sink);
				if (st == LINES_WRITE_ERROR && rval == 0) {
					msg_warn("%s", i == 0 ? "stdout" :
					    "stderr");
					rval = -1;
				}
				/* EIO is how a pty ends; others end it too. */
				if (st == LINES_READ_ERROR && errno != EIO)
					msg_warn("%s", lines_name(l[i]));
				if (st == LINES_EOF || st == LINES_READ_ERROR) {
					lines_flush(l[i], in->matcher,
					    &in->sink);
					close(pfd[i].fd);
					pfd[i].fd = -1;
					open--;
				}
			}
		}
		input_tick(in, &last);
	}
	c->out_fd = c->err_fd = -1;
	child_reap(c);
	/* The names go with the readers. */
	in->sink.source(in->sink.arg, NULL);
	for (i = 0; i < 2; i++) {
		in->nlines += lines_count(l[i]);
		in->nbytes += lines_bytes(l[i]);
		lines_free(l[i]);
	}
	return rval;
}

int
input_run(struct input *in)
{
	if (in->child != NULL)
		return input_child(in);
	if (in->follow != NULL)
		return input_follow(in);
	return input_cat(in);
}
