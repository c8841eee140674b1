/*
 * preview.c: --preview owns the terminal's bottom rows.
 *
 * As apt-get draws its progress bar: the rows at the bottom of the
 * terminal, one per Live Activity (and one for the last push), are left
 * out of the scroll region (DECSTBM), so that whatever is written at the
 * cursor, the pass-through on stdout included when it goes to the same
 * terminal, scrolls above them and never over them.  The rows are reserved
 * as items appear and never given back while running: an IND per new row
 * makes room (scrolling the output up if the cursor is at the bottom), the
 * region is set, and the cursor comes back to where the output left it.
 * Each redraw saves the cursor (DECSC: position and colours), draws the
 * rows with autowrap off, and restores it, in a single write, so the output
 * resumes exactly where it stopped.  Only the main thread writes to the
 * terminal (the pass-through, the messages and this), and a redraw waits
 * while the pass-through stops inside a character or an escape sequence
 * (lines_passed_end), so a draw never lands inside one.
 *
 * Redraws happen at most every PREVIEW_INTERVAL_MS, only when a row's text
 * changed, and at once after a resize (SIGWINCH: the terminal resets its
 * region, so it is set again).  At the end the rows are cleared, the
 * region and autowrap given back, and the final state printed as ordinary
 * lines under the output.  A signal that kills as-tail at once, or an exit
 * on an error, gives the terminal back through preview_abort; so does a
 * stop (SIGTSTP, Control-Z), and the rows are taken again on SIGCONT.
 *
 * Without a terminal (stderr a file or a pipe, or TERM=dumb) each change
 * of an item's delivered state is printed as one plain line.
 */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "clock.h"
#include "lines.h"
#include "outbox.h"
#include "preview-line.h"
#include "preview.h"
#include "shown.h"
#include "xmalloc.h"

/* At most four redraws a second. */
#define PREVIEW_INTERVAL_MS	250
/* The most rows taken, and at most half the terminal. */
#define PREVIEW_ROWS_MAX	6
/* The longest frame. */
#define PREVIEW_FRAME_MAX	(256 * 1024)

struct preview {
	struct outbox	*outbox;
	int		 tty;		/* draw; else plain lines */
	int		 tstp;		/* SIGTSTP is ours */
	int		 flags;		/* PREVIEW_COLOR, PREVIEW_UTF8 */
	uint64_t	 last_ms;	/* the last look */
	unsigned	 rows, cols;	/* the terminal, as last seen */
	unsigned	 reserved;	/* bottom rows out of the region */
	struct buf	 frame;		/* what those rows show */
	char		**printed;	/* plain: each item's last line */
	size_t		 nprinted;
};

/* For preview_abort: where to write, and what gives the terminal back. */
static int			preview_fd = -1;
static char			preview_undo[128];
static volatile sig_atomic_t	preview_undo_len;
static volatile sig_atomic_t	preview_resized;
static volatile sig_atomic_t	preview_stopped;	/* rows given back */

static void
preview_on_winch(int sig)
{
	(void)sig;
	preview_resized = 1;
}

static void	preview_catch(int, void (*)(int));

/*
 * Control-Z: give the terminal back, stop as the default action would,
 * and once continued take the rows again at the next redraw.
 */
static void
preview_on_tstp(int sig)
{
	sigset_t	set;
	int		saved = errno;

	preview_abort();
	preview_stopped = preview_resized = 1;
	signal(sig, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	/* SIGCONT: on again. */
	preview_catch(sig, preview_on_tstp);
	errno = saved;
}

/* Take sig with handler; system calls it interrupts are restarted. */
static void
preview_catch(int sig, void (*handler)(int))
{
	struct sigaction	sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = handler;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

void
preview_abort(void)
{
	size_t	len = (size_t)preview_undo_len;

	preview_undo_len = 0;
	if (len > 0 && write(preview_fd, preview_undo, len) == -1)
		return;		/* the terminal is gone: nothing to give back */
}

static void
preview_at_exit(void)
{
	preview_abort();
}

/* Write all of s to the terminal; a terminal that went away is ignored. */
static void
preview_write(const char *s, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		if ((n = write(preview_fd, s, len)) == -1) {
			if (errno == EINTR)
				continue;
			return;
		}
		s += n;
		len -= (size_t)n;
	}
}

/*
 * Whether the locale's characters are UTF-8, as the environment says
 * ("en_US.UTF-8", "C.utf8"); as-tail itself keeps the C locale.
 */
static int
preview_utf8(void)
{
	static const char	*vars[] = { "LC_ALL", "LC_CTYPE", "LANG" };
	const char		*v;
	char			 name[64];
	size_t			 i, n = 0;

	for (i = 0; i < sizeof vars / sizeof vars[0]; i++)
		if ((v = getenv(vars[i])) != NULL && *v != '\0')
			break;
	if (i == sizeof vars / sizeof vars[0])
		return 0;
	for (; *v != '\0' && n < sizeof name - 1; v++)
		if (*v != '-')
			name[n++] = (char)tolower((unsigned char)*v);
	name[n] = '\0';
	return strstr(name, "utf8") != NULL;
}

/* Read the terminal's size; 0 rows if it cannot be known. */
static void
preview_size(struct preview *p)
{
	struct winsize	ws;

	if (ioctl(preview_fd, TIOCGWINSZ, &ws) == -1)
		ws.ws_row = ws.ws_col = 0;
	p->rows = ws.ws_row;
	p->cols = ws.ws_col;
}

/* Set what preview_abort writes for the rows now reserved. */
static void
preview_set_undo(const struct preview *p)
{
	preview_undo_len = 0;
	if (p->reserved == 0)
		return;
	snprintf(preview_undo, sizeof preview_undo,
	    "\0337\033[%u;1H\033[0m\033[J\033[r\0338\033[?7h",
	    p->rows - p->reserved + 1);
	preview_undo_len = (sig_atomic_t)strlen(preview_undo);
}

struct preview *
preview_new(struct outbox *ob)
{
	struct preview		*p;
	struct sigaction	 old;
	const char		*term = getenv("TERM");

	p = xcalloc(1, sizeof *p);
	p->outbox = ob;
	buf_init(&p->frame, PREVIEW_FRAME_MAX);
	preview_fd = STDERR_FILENO;
	p->tty = isatty(preview_fd) && term != NULL && *term != '\0' &&
	    strcmp(term, "dumb") != 0;
	if (!p->tty)
		return p;
	p->flags = preview_utf8() ? PREVIEW_UTF8 : 0;
	if (getenv("NO_COLOR") == NULL || *getenv("NO_COLOR") == '\0')
		p->flags |= PREVIEW_COLOR;
	preview_size(p);
	preview_catch(SIGWINCH, preview_on_winch);
	/* Stopping stays ignored if it was (a shell without job control). */
	if (sigaction(SIGTSTP, NULL, &old) == 0 && old.sa_handler != SIG_IGN) {
		preview_catch(SIGTSTP, preview_on_tstp);
		p->tstp = 1;
	}
	atexit(preview_at_exit);
	return p;
}

/* How many rows n items get: none on a terminal too small to share. */
static unsigned
preview_rows_for(const struct preview *p, size_t n)
{
	unsigned	max;

	if (p->rows < 4 || p->cols < 10)
		return 0;
	max = p->rows / 2 < PREVIEW_ROWS_MAX ? p->rows / 2 : PREVIEW_ROWS_MAX;
	return n < max ? (unsigned)n : max;
}

/*
 * Take want rows at the bottom (more than now): make room below the
 * cursor, moving the output up if needed, and set the region above them.
 */
static void
preview_reserve(struct preview *p, struct buf *out, unsigned want)
{
	char		seq[64];
	unsigned	i, more = want - p->reserved;

	for (i = 0; i < more; i++)
		buf_addstr(out, "\033D");
	snprintf(seq, sizeof seq, "\0337\033[1;%ur\0338\033[%uA",
	    p->rows - want, more);
	buf_addstr(out, seq);
	p->reserved = want;
	buf_reset(&p->frame);
	preview_set_undo(p);
}

/*
 * The terminal was resized (it reset the region), or given back for a
 * stop: take the rows again.
 */
static void
preview_resize(struct preview *p, struct buf *out)
{
	unsigned	rows = p->rows, cols = p->cols;

	preview_resized = 0;
	preview_size(p);
	if (p->rows == rows && p->cols == cols && !preview_stopped)
		return;
	preview_stopped = 0;
	if (p->reserved > 0)
		buf_addstr(out, "\0337\033[r\0338");
	p->reserved = 0;
	buf_reset(&p->frame);
	preview_set_undo(p);
}

/*
 * Which items get the rows when there are more items than rows: the open
 * ones first, in order, then the latest ended ones.  Sets show[i].
 */
static void
preview_choose(const struct shown_item *items, size_t n, unsigned rows,
    char *show)
{
	size_t		i;
	unsigned	taken = 0;

	memset(show, 0, n);
	for (i = 0; i < n && taken < rows; i++)
		if (!items[i].ended) {
			show[i] = 1;
			taken++;
		}
	for (i = n; i > 0 && taken < rows; i--)
		if (!show[i - 1]) {
			show[i - 1] = 1;
			taken++;
		}
}

/* The rows as they should look now. */
static void
preview_frame(struct preview *p, struct buf *frame,
    const struct shown_item *items, size_t n, uint64_t now)
{
	char		*show, seq[32];
	unsigned	 row = p->rows - p->reserved + 1;
	size_t		 i;

	show = xmalloc(n == 0 ? 1 : n);
	preview_choose(items, n, p->reserved, show);
	for (i = 0; i < n; i++) {
		if (!show[i])
			continue;
		snprintf(seq, sizeof seq, "\033[%u;1H\033[0m\033[2K", row++);
		buf_addstr(frame, seq);
		preview_line(frame, &items[i], now, p->flags | PREVIEW_CLOCK |
		    PREVIEW_QUEUE, p->cols - 1);
	}
	for (; row <= p->rows; row++) {
		snprintf(seq, sizeof seq, "\033[%u;1H\033[0m\033[2K", row);
		buf_addstr(frame, seq);
	}
	free(show);
}

/* Redraw the rows if anything in them changed. */
static void
preview_draw(struct preview *p, uint64_t now)
{
	struct shown_item	*items;
	struct buf		 out, frame;
	size_t			 n;
	unsigned		 want;

	n = outbox_shown(p->outbox, &items);
	buf_init(&out, PREVIEW_FRAME_MAX);
	buf_init(&frame, PREVIEW_FRAME_MAX);
	if (preview_resized)
		preview_resize(p, &out);
	if ((want = preview_rows_for(p, n)) > p->reserved)
		preview_reserve(p, &out, want);
	if (p->reserved > 0) {
		preview_frame(p, &frame, items, n, now);
		if (frame.len != p->frame.len || memcmp(buf_str(&frame),
		    buf_str(&p->frame), frame.len) != 0) {
			buf_addstr(&out, "\0337\033[?7l");
			buf_add(&out, frame.data, frame.len);
			buf_addstr(&out, "\033[?7h\0338");
			buf_reset(&p->frame);
			buf_add(&p->frame, frame.data, frame.len);
		}
	}
	if (out.len > 0)
		preview_write(out.data, out.len);
	buf_free(&frame);
	buf_free(&out);
	shown_items_free(items, n);
}

/* Plain: a line for each item whose state changed since it was printed. */
static void
preview_print(struct preview *p, uint64_t now)
{
	struct shown_item	*items;
	struct buf		 line;
	size_t			 n, i;

	n = outbox_shown(p->outbox, &items);
	if (n > p->nprinted) {
		p->printed = xreallocarray(p->printed, n, sizeof *p->printed);
		memset(p->printed + p->nprinted, 0, (n - p->nprinted) *
		    sizeof *p->printed);
		p->nprinted = n;
	}
	for (i = 0; i < n; i++) {
		if (items[i].state == NULL && items[i].failed == 0)
			continue;
		buf_init(&line, PREVIEW_FRAME_MAX);
		preview_line(&line, &items[i], now, 0, 0);
		if (p->printed[i] == NULL ||
		    strcmp(p->printed[i], buf_str(&line)) != 0) {
			fprintf(stderr, "as-tail: preview: %s\n",
			    buf_str(&line));
			free(p->printed[i]);
			p->printed[i] = xstrdup(buf_str(&line));
		}
		buf_free(&line);
	}
	shown_items_free(items, n);
}

/* Redraw (or print) what changed. */
static void
preview_show(struct preview *p, uint64_t now)
{
	p->last_ms = now;
	if (p->tty)
		preview_draw(p, now);
	else
		preview_print(p, now);
}

void
preview_wake(void *arg, uint64_t now)
{
	struct preview	*p = arg;

	if (!preview_resized && now - p->last_ms < PREVIEW_INTERVAL_MS)
		return;
	if (lines_passed_end() == LINES_END_CUT)
		return;		/* the rest of it comes with the next read */
	preview_show(p, now);
}

void
preview_flush(struct preview *p)
{
	if (p != NULL)
		preview_show(p, clock_now_ms());
}

/* Give the rows back and print the final state under the output. */
static void
preview_final(struct preview *p, uint64_t now)
{
	struct shown_item	*items;
	struct buf		 out;
	size_t			 n, i;
	char			 seq[64];

	n = outbox_shown(p->outbox, &items);
	buf_init(&out, PREVIEW_FRAME_MAX);
	if (p->reserved > 0) {
		snprintf(seq, sizeof seq, "\0337\033[%u;1H\033[0m\033[J\033[r"
		    "\0338\033[?7h", p->rows - p->reserved + 1);
		buf_addstr(&out, seq);
	}
	p->reserved = 0;
	preview_set_undo(p);
	/* At a line's end the row is empty but for what the terminal echoed (^C). */
	if (n > 0)
		buf_addstr(&out, lines_passed_end() != LINES_END_LINE ? "\r\n" :
		    "\r\033[K");
	for (i = 0; i < n; i++) {
		if (p->flags & PREVIEW_COLOR)
			buf_addstr(&out, "\033[0m");
		preview_line(&out, &items[i], now, p->flags | PREVIEW_CLOCK |
		    PREVIEW_QUEUE, p->cols > 1 ? p->cols - 1 : 0);
		buf_addstr(&out, "\r\n");
	}
	preview_write(out.data, out.len);
	buf_free(&out);
	shown_items_free(items, n);
}

void
preview_finish(struct preview *p)
{
	size_t	i;

	if (p == NULL)
		return;
	if (p->tty)
		preview_final(p, clock_now_ms());
	else
		preview_print(p, clock_now_ms());
	signal(SIGWINCH, SIG_DFL);
	if (p->tstp)
		signal(SIGTSTP, SIG_DFL);
	for (i = 0; i < p->nprinted; i++)
		free(p->printed[i]);
	free(p->printed);
	buf_free(&p->frame);
	free(p);
}
