/*
 * history.c: learned totals.
 *
 * Make, cargo, go, pytest -q and the like count steps but never say how
 * many there will be.  A job run again (the same wrapped command line, or
 * the same followed files, with the same packs) usually counts about as
 * many as last time, and takes about as long, so the count each activity
 * reached in the last successful run is kept with how long that run took,
 * and the next run shows step k of that total, and the time left.
 *
 * The file, $XDG_STATE_HOME/as-tail/history (or ~/.local/state/...), holds
 * one line per job and activity, the most recent last:
 *
 *	COUNT[,MS]<TAB>ACTIVITY<TAB>PACKS<TAB>JOB
 *
 * where MS is the run's duration in milliseconds (absent in files written
 * before durations were kept: then no time left is shown).
 * where PACKS and JOB have their tabs and newlines made blanks, and are cut
 * at HISTORY_KEY_MAX bytes each.  At most HISTORY_MAX lines are kept: the oldest go
 * first, so the file stays small.  It is rewritten whole to a temporary file
 * in the same directory, then renamed over the old one, so a reader never
 * sees half a file.  Lines that do not parse are dropped.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "history.h"
#include "msg.h"
#include "xmalloc.h"

#define HISTORY_MAX	256
#define HISTORY_KEY_MAX	1024

struct history_entry {
	long		 count;
	uint64_t	 duration_ms;	/* 0: unknown */
	char		*key;		/* "ACTIVITY\tJOB" */
};

struct history {
	char			*dir;
	char			*path;
	char			*job;		/* "PACKS\tJOB" */
	struct history_entry	 v[HISTORY_MAX];
	size_t			 n;
	int			 warned;
};

/* $XDG_STATE_HOME/as-tail or ~/.local/state/as-tail; NULL if neither. */
static char *
history_dir(void)
{
	const char	*dir, *home = getenv("HOME");

	if ((dir = getenv("XDG_STATE_HOME")) != NULL && dir[0] == '/')
		return xasprintf("%s/as-tail", dir);
	if (home != NULL && home[0] == '/')
		return xasprintf("%s/.local/state/as-tail", home);
	return NULL;
}

/* Blanks for tabs and newlines, cut at HISTORY_KEY_MAX; a new string. */
static char *
history_clean(const char *s)
{
	char	*c = xstrndup(s, HISTORY_KEY_MAX), *p;

	for (p = c; *p != '\0'; p++)
		if (*p == '\t' || *p == '\n' || *p == '\r')
			*p = ' ';
	return c;
}

static void
history_drop_oldest(struct history *h)
{
	free(h->v[0].key);
	memmove(&h->v[0], &h->v[1], (h->n - 1) * sizeof h->v[0]);
	h->n--;
}

static void
history_append(struct history *h, long count, uint64_t duration_ms,
    char *key)
{
	if (h->n == HISTORY_MAX)
		history_drop_oldest(h);
	h->v[h->n].count = count;
	h->v[h->n].duration_ms = duration_ms;
	h->v[h->n].key = key;
	h->n++;
}

static void
history_read(struct history *h)
{
	FILE	*f;
	char			 line[HISTORY_KEY_MAX * 3 + 64], *end, *nl;
	long			 count;
	unsigned long long	 ms;

	if ((f = fopen(h->path, "r")) == NULL)
		return;
	while (fgets(line, sizeof line, f) != NULL) {
		if ((nl = strchr(line, '\n')) == NULL)
			continue;	/* too long, or cut: not ours */
		*nl = '\0';
		errno = 0;
		count = strtol(line, &end, 10);
		ms = 0;
		if (*end == ',' && end[1] >= '0' && end[1] <= '9')
			ms = strtoull(end + 1, &end, 10);
		if (end == line || *end != '\t' || errno != 0 || count <= 0 ||
		    strchr(end + 1, '\t') == NULL)
			continue;
		history_append(h, count, (uint64_t)ms, xstrdup(end + 1));
	}
	fclose(f);
}

struct history *
history_open(const char *packs, const char *job)
{
	struct history	*h;
	char		*dir, *p, *j;

	if ((dir = history_dir()) == NULL)
		return NULL;
	h = xcalloc(1, sizeof *h);
	h->dir = dir;
	h->path = xasprintf("%s/history", dir);
	p = history_clean(packs);
	j = history_clean(job);
	h->job = xasprintf("%s\t%s", p, j);
	free(p);
	free(j);
	history_read(h);
	return h;
}

void
history_free(struct history *h)
{
	size_t	i;

	if (h == NULL)
		return;
	for (i = 0; i < h->n; i++)
		free(h->v[i].key);
	free(h->dir);
	free(h->path);
	free(h->job);
	free(h);
}

/* The index of activity's entry for this job, or -1. */
static long
history_find(const struct history *h, const char *activity)
{
	size_t	i, len = strlen(activity);

	for (i = h->n; i-- > 0; )
		if (strncmp(h->v[i].key, activity, len) == 0 &&
		    h->v[i].key[len] == '\t' &&
		    strcmp(h->v[i].key + len + 1, h->job) == 0)
			return (long)i;
	return -1;
}

long
history_expected(const struct history *h, const char *activity)
{
	long	i;

	if (h == NULL || (i = history_find(h, activity)) < 0)
		return 0;
	return h->v[i].count;
}

uint64_t
history_duration_ms(const struct history *h, const char *activity)
{
	long	i;

	if (h == NULL || (i = history_find(h, activity)) < 0)
		return 0;
	return h->v[i].duration_ms;
}

/* Create dir and its parent if missing (mode 700); 0 or -1. */
static int
history_mkdir(const char *dir)
{
	char	*parent, *slash;
	int	 rc;

	if (mkdir(dir, 0700) == 0 || errno == EEXIST)
		return 0;
	if (errno != ENOENT || (slash = strrchr(dir, '/')) == NULL ||
	    slash == dir)
		return -1;
	parent = xstrndup(dir, (size_t)(slash - dir));
	rc = history_mkdir(parent);
	free(parent);
	if (rc != 0)
		return -1;
	return mkdir(dir, 0700) == 0 || errno == EEXIST ? 0 : -1;
}

/* Write every entry to a temporary file and rename it; 0 or -1. */
static int
history_write(struct history *h)
{
	FILE	*f;
	char	*tmp;
	size_t	 i;
	int	 rc = 0;

	if (history_mkdir(h->dir) != 0)
		return -1;
	tmp = xasprintf("%s.%ld", h->path, (long)getpid());
	if ((f = fopen(tmp, "w")) == NULL) {
		free(tmp);
		return -1;
	}
	for (i = 0; i < h->n; i++)
		fprintf(f, "%ld,%llu\t%s\n", h->v[i].count,
		    (unsigned long long)h->v[i].duration_ms, h->v[i].key);
	if (fflush(f) != 0 || fsync(fileno(f)) != 0)
		rc = -1;
	if (fclose(f) != 0)
		rc = -1;
	if (rc == 0 && rename(tmp, h->path) != 0)
		rc = -1;
	if (rc != 0)
		unlink(tmp);
	free(tmp);
	return rc;
}

void
history_record(struct history *h, const char *activity, long count,
    uint64_t duration_ms)
{
	long	i;

	if (h == NULL || count <= 0)
		return;
	if ((i = history_find(h, activity)) >= 0) {
		free(h->v[i].key);
		memmove(&h->v[i], &h->v[i + 1], (h->n - (size_t)i - 1) *
		    sizeof h->v[0]);
		h->n--;
	}
	history_append(h, count, duration_ms, xasprintf("%s\t%s", activity,
	    h->job));
	if (history_write(h) != 0 && !h->warned) {
		msg_warn("%s", h->path);
		h->warned = 1;
	}
}
