/*
 * lines.c: reading an input.
 *
 * Each read takes up to LINES_BLOCK bytes after whatever partial line the
 * last read left, writes them straight through (one write per read, so a
 * pipe stays live), and gives the matcher everything up to the last line
 * terminator as one block.  The partial line waits for the next read.  When
 * a partial line reaches max_line bytes it is matched at once on those bytes
 * and the rest of it is skipped up to its terminator: the buffer never grows
 * beyond LINES_BLOCK + max_line.
 *
 * Terminators are "\n", "\r" and "\r\n"; a "\r\n" split between two reads is
 * still one terminator.  Escape sequences (colors) are passed through but
 * taken out of what is matched.
 *
 * The one thing kept for the whole process is where the pass-through last
 * stopped (lines_passed_end): the terminal it goes to is one, whatever the
 * reader.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ansi.h"
#include "lines.h"
#include "msg.h"
#include "xmalloc.h"

struct lines {
	int		 fd;
	int		 out;
	char		*name;
	size_t		 max_line;
	char		*buf;
	char		*clean;		/* buf without escape sequences */
	size_t		 have;		/* bytes of the partial line */
	size_t		 size;
	int		 counting;	/* count lines (for --explain) */
	int		 skipping;	/* in an over-long line, matched */
	int		 after_cr;	/* the last block ended with '\r' */
	uint64_t	 nlines;
	uint64_t	 nbytes;
};

/* How far back a cut escape sequence is looked for. */
#define LINES_END_SCAN	512

static enum lines_end	passed_end = LINES_END_LINE;

enum lines_end
lines_passed_end(void)
{
	return passed_end;
}

/* Whether buf[0..len) ends inside a UTF-8 character. */
static int
lines_cut_char(const unsigned char *buf, size_t len)
{
	size_t	k = 0, need;

	while (k < len && k < 3 && (buf[len - 1 - k] & 0xc0) == 0x80)
		k++;
	if (k == len || buf[len - 1 - k] < 0xc0)
		return 0;
	need = buf[len - 1 - k] >= 0xf0 ? 4 : buf[len - 1 - k] >= 0xe0 ? 3 : 2;
	return k + 1 < need;
}

/* Note where a pass-through of buf[0..len) (len > 0) stopped. */
static void
lines_note_end(const char *buf, size_t len)
{
	size_t	from = len > LINES_END_SCAN ? len - LINES_END_SCAN : 0;

	if (buf[len - 1] == '\n' || buf[len - 1] == '\r')
		passed_end = LINES_END_LINE;
	else if (ansi_cut(buf + from, len - from) ||
	    lines_cut_char((const unsigned char *)buf, len))
		passed_end = LINES_END_CUT;
	else
		passed_end = LINES_END_MID;
}

struct lines *
lines_new(int fd, const char *name, int out, size_t max_line, int counting)
{
	struct lines	*l;

	l = xcalloc(1, sizeof *l);
	l->counting = counting;
	l->fd = fd;
	l->out = out;
	l->name = xstrdup(name);
	l->max_line = max_line;
	l->size = LINES_BLOCK + max_line;
	l->buf = xmalloc(l->size);
	l->clean = xmalloc(l->size);
	return l;
}

void
lines_free(struct lines *l)
{
	if (l == NULL)
		return;
	free(l->name);
	free(l->buf);
	free(l->clean);
	free(l);
}

const char *
lines_name(const struct lines *l)
{
	return l->name;
}

uint64_t
lines_count(const struct lines *l)
{
	return l->nlines;
}

uint64_t
lines_bytes(const struct lines *l)
{
	return l->nbytes;
}

/* Set by lines_set_stop: as-tail is stopping. */
static volatile sig_atomic_t	*lines_stop;

void
lines_set_stop(volatile sig_atomic_t *stop)
{
	lines_stop = stop;
}

/* Whether fd takes a write within a second (or has an error to report). */
static int
writable(int fd)
{
	struct pollfd	pfd;

	pfd.fd = fd;
	pfd.events = POLLOUT;
	return poll(&pfd, 1, 1000) == 1;
}

/*
 * Write all of buf to fd; 0, or -1 with errno set.  Once as-tail is
 * stopping, a write waits at most a second for room, and goes in pieces a
 * pipe takes whole: 1 if the output stayed blocked.
 */
static int
write_all(int fd, const char *buf, size_t len)
{
	ssize_t	n;
	size_t	chunk;

	while (len > 0) {
		chunk = len;
		if (lines_stop != NULL && *lines_stop) {
			if (!writable(fd))
				return 1;
			if (chunk > PIPE_BUF)
				chunk = PIPE_BUF;
		}
		if ((n = write(fd, buf, chunk)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* How many bytes of the 8-byte word w equal c. */
static unsigned
count_byte(uint64_t w, unsigned char c)
{
	const uint64_t	low7 = 0x7f7f7f7f7f7f7f7fULL;
	uint64_t	x, t;

	x = w ^ (0x0101010101010101ULL * c);
	t = ((x & low7) + low7) | x;	/* high bit clear where x is 0 */
	t = (~t & ~low7) >> 7;		/* 1 in each byte that was c */
	return (unsigned)((t * 0x0101010101010101ULL) >> 56);
}

/*
 * Count line terminators in buf, "\r\n" as one.  Newlines are counted a
 * word at a time (one memchr call per line costs more than the scan); the
 * rare carriage returns are found with memchr.
 */
static uint64_t
count_lines(const char *buf, size_t len)
{
	const char	*p, *end = buf + len;
	uint64_t	 n = 0, w;
	size_t		 i;

	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&w, buf + i, 8);
		n += count_byte(w, '\n');
	}
	for (; i < len; i++)
		n += buf[i] == '\n';
	for (p = buf; (p = memchr(p, '\r', (size_t)(end - p))) != NULL; p++)
		if (p + 1 == end || p[1] != '\n')
			n++;
	return n;
}

/* The offset just past the last terminator in buf, or 0 if none. */
static size_t
last_line_end(const char *buf, size_t len)
{
	while (len > 0 && buf[len - 1] != '\n' && buf[len - 1] != '\r')
		len--;
	return len;
}

/* Drop the first n bytes of the buffer. */
static void
lines_consume(struct lines *l, size_t n)
{
	memmove(l->buf, l->buf + n, l->have - n);
	l->have -= n;
}

/* In an over-long line: drop bytes up to and including its terminator. */
/* n more lines were read. */
static void
lines_counted(struct lines *l, const struct lines_sink *sink, uint64_t n)
{
	l->nlines += n;
	if (sink->read != NULL)
		*sink->read += n;
}

static void
lines_skip(struct lines *l, const struct lines_sink *sink)
{
	size_t	i;

	for (i = 0; i < l->have; i++)
		if (l->buf[i] == '\n' || l->buf[i] == '\r')
			break;
	if (i == l->have) {
		l->have = 0;
		return;
	}
	l->skipping = 0;
	lines_counted(l, sink, 1);
	if (l->buf[i] == '\r' && i + 1 == l->have)
		l->after_cr = 1;
	lines_consume(l, i + 1);
}

/*
 * The text to match for buf[0..len): the same bytes, unless they hold
 * escape sequences (colors), which the matcher should not see.
 */
static const char *
lines_text(struct lines *l, size_t len, size_t *out_len)
{
	if (memchr(l->buf, '\033', len) == NULL) {
		*out_len = len;
		return l->buf;
	}
	*out_len = ansi_strip(l->buf, len, l->clean);
	return l->clean;
}

/* Match what the buffer holds; at EOF also a last unterminated line. */
static void
lines_match(struct lines *l, struct matcher *m, const struct lines_sink *sink,
    int eof)
{
	const char	*text;
	size_t		 end, len;

	if (l->have > 0)
		sink->source(sink->arg, l->name);
	if (l->skipping)
		lines_skip(l, sink);
	if (l->after_cr && l->have > 0) {
		l->after_cr = 0;
		if (l->buf[0] == '\n')
			lines_consume(l, 1);
	}
	if ((end = last_line_end(l->buf, l->have)) > 0) {
		text = lines_text(l, end, &len);
		if (sink->divert != NULL)
			sink->divert(sink->arg, text, len, 0);
		else
			matcher_scan(m, text, len, sink->match, sink->arg);
		if (l->counting || sink->read != NULL)
			lines_counted(l, sink, count_lines(l->buf, end));
		l->after_cr = l->buf[end - 1] == '\r';
		lines_consume(l, end);
	}
	if (l->have >= l->max_line || (eof && l->have > 0)) {
		text = lines_text(l, l->have, &len);
		if (sink->divert != NULL)
			sink->divert(sink->arg, text, len, 1);
		else
			matcher_line(m, text, len, sink->match, sink->arg);
		l->skipping = !eof;
		if (eof)
			lines_counted(l, sink, 1);
		l->have = 0;
	}
}

void
lines_flush(struct lines *l, struct matcher *m, const struct lines_sink *sink)
{
	lines_match(l, m, sink, 1);
	l->skipping = 0;
	l->after_cr = 0;
}

void
lines_reset(struct lines *l, int fd)
{
	l->fd = fd;
	l->have = 0;
	l->skipping = 0;
	l->after_cr = 0;
}

uint64_t
lines_pending(const struct lines *l)
{
	return l->have;
}

enum lines_status
lines_read(struct lines *l, struct matcher *m, const struct lines_sink *sink)
{
	ssize_t	n;
	int	werrno = 0, rc;

	n = read(l->fd, l->buf + l->have, l->size - l->have);
	if (n == -1)
		return errno == EINTR || errno == EAGAIN ? LINES_OK :
		    LINES_READ_ERROR;
	if (n == 0)
		return LINES_EOF;
	l->nbytes += (uint64_t)n;
	if (l->out != -1 && (rc = write_all(l->out, l->buf + l->have,
	    (size_t)n)) != 0) {
		if (rc == 1) {
			msg_warnx("%s: output blocked while stopping; no "
			    "longer passed through", l->name);
			l->out = -1;
		} else
			werrno = errno;
	}
	if (l->out != -1)
		lines_note_end(l->buf, l->have + (size_t)n);
	l->have += (size_t)n;
	lines_match(l, m, sink, 0);
	if (werrno != 0) {
		errno = werrno;
		return LINES_WRITE_ERROR;
	}
	return LINES_OK;
}
