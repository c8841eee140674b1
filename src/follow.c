/*
 * follow.c: tail -F.
 *
 * Each followed file is known by name.  On every look (after an inotify
 * event, or on the timer) each file is read to its current end; then:
 *
 *  - if it is shorter than what was read, it was truncated (copytruncate):
 *    rewind to its start, and say so with -v;
 *  - if the name now leads to another file (rotation by rename, or deletion
 *    and re-creation), the old file has been read to its end: match its last
 *    partial line, close it, and read the new one from its start;
 *  - if the name leads nowhere, keep the old file open (a writer may still
 *    append to it) and wait for the name to come back.
 *
 * A file missing at the start is waited for, and read from its start when
 * it appears.  Only regular files are followed: a name that leads to a
 * directory, a FIFO or a device (which never ends: /dev/zero) is waited on
 * like a missing one.  What is wrong with a name is reported once, and again
 * only when it changes.  As with tail, output from several files is
 * separated by "==> NAME <==" headers.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "follow.h"
#include "lines.h"
#include "msg.h"
#include "watch.h"
#include "xmalloc.h"

/* How many bytes before the offset the resume hash covers. */
#define FOLLOW_HASH_SPAN	256

struct followed {
	const char	*path;
	int		 fd;		/* -1 while the name leads nowhere */
	dev_t		 dev;
	ino_t		 ino;
	uint64_t	 offset;	/* bytes read from fd */
	int		 resumed;	/* offset set by follow_resume */
	int		 problem;	/* what was last reported, 0 if none */
	int		 read_errno;	/* the read error last reported */
	struct lines	*lines;
};

struct follow {
	struct followed	*v;
	int		 n;
	int		 from_start;
	int		 out;
	size_t		 max_line;
	int		 last_printed;	/* file of the last output, for headers */
	struct watch	*watch;
	uint64_t	 nlines, nbytes;
};

struct follow *
follow_new(char **paths, int n, int from_start, int out, size_t max_line,
    int force_poll)
{
	struct follow	*f;
	int		 i;

	f = xcalloc(1, sizeof *f);
	f->v = xcalloc((size_t)n, sizeof *f->v);
	f->n = n;
	f->from_start = from_start;
	f->out = out;
	f->max_line = max_line;
	f->last_printed = n > 1 ? -1 : 0;
	f->watch = watch_new(force_poll);
	for (i = 0; i < n; i++) {
		f->v[i].path = paths[i];
		f->v[i].fd = -1;
		f->v[i].lines = lines_new(-1, paths[i], out, max_line, 1);
		watch_add(f->watch, paths[i]);
	}
	msg_verbose(1, "following %d file%s with %s", n, n == 1 ? "" : "s",
	    watch_kind(f->watch));
	return f;
}

void
follow_free(struct follow *f)
{
	int	i;

	if (f == NULL)
		return;
	for (i = 0; i < f->n; i++) {
		if (f->v[i].fd != -1)
			close(f->v[i].fd);
		lines_free(f->v[i].lines);
	}
	watch_free(f->watch);
	free(f->v);
	free(f);
}

int
follow_fd(const struct follow *f)
{
	return watch_fd(f->watch);
}

int
follow_interval_ms(const struct follow *f)
{
	return watch_interval_ms(f->watch);
}

/* FNV-1a over the FOLLOW_HASH_SPAN bytes before offset; 0 if unreadable. */
static uint64_t
hash_before(int fd, uint64_t offset)
{
	unsigned char	buf[FOLLOW_HASH_SPAN];
	uint64_t	h = 1469598103934665603ULL, start;
	ssize_t		n, i;

	start = offset > FOLLOW_HASH_SPAN ? offset - FOLLOW_HASH_SPAN : 0;
	n = pread(fd, buf, (size_t)(offset - start), (off_t)start);
	if (n != (ssize_t)(offset - start))
		return 0;
	for (i = 0; i < n; i++) {
		h ^= buf[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/* What a file that is not a regular file is, for messages. */
static const char *
file_kind(mode_t mode)
{
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISCHR(mode) || S_ISBLK(mode))
		return "a device";
	return "not a regular file";
}

/*
 * Say what is wrong with a name: an errno, or FOLLOW_NOT_REGULAR - mode for
 * a file that is not a regular one.  Once: nothing is said again until the
 * problem changes (or goes, problem 0).
 */
#define FOLLOW_NOT_REGULAR	(-1)

static void
follow_report(struct followed *ff, int problem)
{
	if (problem == ff->problem)
		return;
	ff->problem = problem;
	if (problem > 0)
		msg_warnx("%s: %s; waiting for it to appear", ff->path,
		    strerror(problem));
	else if (problem < 0)
		msg_warnx("%s: %s, not a regular file; waiting for one",
		    ff->path, file_kind((mode_t)(FOLLOW_NOT_REGULAR - problem)));
}

/*
 * Open the regular file behind the name; position at start or end.  0, or
 * -1 after reporting why not (a FIFO is opened without waiting for a writer,
 * and closed again).
 */
static int
follow_open(struct follow *f, struct followed *ff, int at_end)
{
	struct stat	st;
	int		fd, e;

	if ((fd = open(ff->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1) {
		follow_report(ff, errno);
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		e = errno;
		close(fd);
		follow_report(ff, e);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		follow_report(ff, FOLLOW_NOT_REGULAR - (int)(st.st_mode &
		    S_IFMT));
		return -1;
	}
	if (ff->problem != 0)
		msg_verbose(1, "%s: has appeared; following it", ff->path);
	ff->problem = 0;
	ff->fd = fd;
	ff->dev = st.st_dev;
	ff->ino = st.st_ino;
	ff->offset = 0;
	if (at_end) {
		ff->offset = (uint64_t)st.st_size;
		lseek(fd, st.st_size, SEEK_SET);
	}
	lines_reset(ff->lines, fd);
	(void)f;
	return 0;
}

int
follow_resume(struct follow *f, const struct follow_pos *pos)
{
	struct followed	*ff = NULL;
	struct stat	 st;
	int		 i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->v[i].path, pos->path) == 0)
			ff = &f->v[i];
	if (ff == NULL || follow_open(f, ff, 0) != 0)
		return -1;
	ff->resumed = 1;
	if (fstat(ff->fd, &st) == 0 && st.st_dev == pos->dev &&
	    st.st_ino == pos->ino && (uint64_t)st.st_size >= pos->offset &&
	    hash_before(ff->fd, pos->offset) == pos->hash) {
		ff->offset = pos->offset;
		lseek(ff->fd, (off_t)pos->offset, SEEK_SET);
		return 0;
	}
	return -1;
}

void
follow_start(struct follow *f)
{
	int	i;

	for (i = 0; i < f->n; i++)
		if (!f->v[i].resumed)
			(void)follow_open(f, &f->v[i], !f->from_start);
}

/* Print "==> NAME <==" when output moves to another of several files. */
static int
follow_header(struct follow *f, int i)
{
	char	*h;
	ssize_t	 n;

	if (f->n < 2 || f->out == -1 || f->last_printed == i)
		return 0;
	h = xasprintf("%s==> %s <==\n", f->last_printed == -1 ? "" : "\n",
	    f->v[i].path);
	n = write(f->out, h, strlen(h));
	free(h);
	f->last_printed = i;
	return n == -1 ? -1 : 0;
}

/* Read file i to its current end.  0, or -1 on a pass-through error. */
static int
follow_read(struct follow *f, int i, struct matcher *m,
    const struct lines_sink *sink)
{
	struct followed		*ff = &f->v[i];
	struct stat		 st;
	enum lines_status	 rc;
	uint64_t		 before;

	if (fstat(ff->fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (uint64_t)st.st_size <= ff->offset)
		return 0;
	if (follow_header(f, i) != 0)
		return -1;
	do {
		before = lines_bytes(ff->lines);
		rc = lines_read(ff->lines, m, sink);
		ff->offset += lines_bytes(ff->lines) - before;
	} while (rc == LINES_OK && lines_bytes(ff->lines) != before);
	if (rc == LINES_WRITE_ERROR)
		return -1;
	if (rc == LINES_READ_ERROR && errno != ff->read_errno)
		msg_warn("%s", ff->path);
	ff->read_errno = rc == LINES_READ_ERROR ? errno : 0;
	return 0;
}

/* The file shrank below what was read: rewind. */
static void
follow_truncated(struct followed *ff)
{
	msg_verbose(1, "%s: file truncated", ff->path);
	lseek(ff->fd, 0, SEEK_SET);
	ff->offset = 0;
	lines_reset(ff->lines, ff->fd);
}

/* The name leads to another file: finish the old one, open the new. */
static void
follow_rotated(struct follow *f, struct followed *ff, struct matcher *m,
    const struct lines_sink *sink)
{
	lines_flush(ff->lines, m, sink);
	close(ff->fd);
	ff->fd = -1;
	if (follow_open(f, ff, 0) == 0)
		msg_verbose(1, "%s: has been replaced; following the new file",
		    ff->path);
}

/* Look at one file; 0, or -1 on a pass-through error. */
static int
follow_one(struct follow *f, int i, struct matcher *m,
    const struct lines_sink *sink)
{
	struct followed	*ff = &f->v[i];
	struct stat	 st;

	if (ff->fd == -1 && follow_open(f, ff, 0) != 0)
		return 0;
	if (follow_read(f, i, m, sink) != 0)
		return -1;
	if (fstat(ff->fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (uint64_t)st.st_size < ff->offset) {
		follow_truncated(ff);
		if (follow_read(f, i, m, sink) != 0)
			return -1;
	}
	if (stat(ff->path, &st) == -1)
		return 0;	/* gone for now; keep reading the old file */
	if (st.st_dev != ff->dev || st.st_ino != ff->ino) {
		follow_rotated(f, ff, m, sink);
		if (ff->fd != -1 && follow_read(f, i, m, sink) != 0)
			return -1;
	}
	return 0;
}

int
follow_check(struct follow *f, struct matcher *m,
    const struct lines_sink *sink)
{
	int	i;

	watch_drain(f->watch);
	for (i = 0; i < f->n; i++)
		if (follow_one(f, i, m, sink) != 0)
			return -1;
	return 0;
}

void
follow_flush(struct follow *f, struct matcher *m,
    const struct lines_sink *sink)
{
	int	i;

	for (i = 0; i < f->n; i++)
		lines_flush(f->v[i].lines, m, sink);
}

int
follow_positions(struct follow *f, struct follow_pos *pos, int count)
{
	struct followed	*ff;
	int		 i;

	for (i = 0; i < f->n && i < count; i++) {
		ff = &f->v[i];
		memset(&pos[i], 0, sizeof pos[i]);
		pos[i].path = ff->path;
		if (ff->fd == -1)
			continue;
		pos[i].dev = ff->dev;
		pos[i].ino = ff->ino;
		pos[i].offset = ff->offset - lines_pending(ff->lines);
		pos[i].hash = hash_before(ff->fd, pos[i].offset);
	}
	return f->n;
}

void
follow_totals(const struct follow *f, uint64_t *nlines, uint64_t *nbytes)
{
	int	i;

	for (i = 0; i < f->n; i++) {
		*nlines += lines_count(f->v[i].lines);
		*nbytes += lines_bytes(f->v[i].lines);
	}
}
