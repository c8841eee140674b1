/*
 * input.h: where lines come from, and the loop that waits for them.  One of:
 * stdin or files read to their end (like cat), files followed (like
 * tail -F), or the output of a wrapped command.  The loop also keeps the
 * clock: once a second it calls a tick, for stall alerts and saving state.
 */
#ifndef AS_TAIL_INPUT_H
#define AS_TAIL_INPUT_H

#include <signal.h>
#include <stdint.h>
#include <sys/types.h>

#include "child.h"
#include "follow.h"
#include "lines.h"
#include "match.h"

struct input {
	/* Exactly one of these three is used. */
	char			**files;	/* cat: NULL-terminated, or NULL for stdin */
	struct follow		 *follow;	/* -F */
	struct child		 *child;	/* -- COMMAND */

	int			  out;		/* pass-through fd, or -1 */
	size_t			  max_line;
	int			  counting;	/* count lines for --explain */
	pid_t			  watch_pid;	/* --pid, or 0 */
	struct matcher		 *matcher;
	struct lines_sink	  sink;		/* where matches go */
	volatile sig_atomic_t	 *stop;		/* set by a signal */
	void			(*tick)(void *, uint64_t);
	void			 *tick_arg;
	void			(*wake)(void *, uint64_t);	/* or NULL */
	void			 *wake_arg;

	uint64_t		  nlines;	/* for --explain */
	uint64_t		  nbytes;
};

/*
 * Read until the input ends, giving every match to in->sink, calling
 * in->wake after every read or timeout (for --preview) and in->tick once
 * a second.  Files and stdin stop early when *stop is set;
 * followed files run until *stop is set or the --pid process dies; a
 * wrapped command is read until both its outputs close (signals are passed
 * on by main.c, not acted on here), then reaped.  Returns 0, 1 after a read
 * error or -1 after a failed write to the pass-through.
 */
int	input_run(struct input *);

#endif /* AS_TAIL_INPUT_H */
