/*
 * matchdiff.c: block scanning against per-line matching (see matchdiff.h).
 * The per-line side splits lines itself, at "\n", "\r" and "\r\n", so that
 * it does not share the matcher's own line helpers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/xmalloc.h"
#include "matchdiff.h"

/* One firing: the offset of its line in the block, and the rule. */
struct firing {
	size_t		 line;
	const struct rule *rule;
};

struct firings {
	struct firing	*v;
	size_t		 n, cap;
	const char	*base;		/* the block, to turn lines into offsets */
	size_t		 line;		/* per-line side: the current line */
	int		 per_line;
};

static int
record(const struct rule *r, const char *line, size_t len,
    pcre2_match_data *md, void *arg)
{
	struct firings	*f = arg;

	(void)len, (void)md;
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 64;
		f->v = xreallocarray(f->v, f->cap, sizeof *f->v);
	}
	f->v[f->n].line = f->per_line ? f->line : (size_t)(line - f->base);
	f->v[f->n++].rule = r;
	return 0;
}

/* The complete lines end after the last terminator. */
static size_t
complete_len(const char *buf, size_t len)
{
	while (len > 0 && buf[len - 1] != '\n' && buf[len - 1] != '\r')
		len--;
	return len;
}

/* Fire every line of buf[0..len) alone. */
static void
per_line(struct matcher *m, const char *buf, size_t len, struct firings *f)
{
	size_t	off = 0, end;

	while (off < len) {
		for (end = off; end < len && buf[end] != '\n' &&
		    buf[end] != '\r'; end++)
			;
		f->line = off;
		matcher_line(m, buf + off, end - off, record, f);
		off = end + 1;
		if (end + 1 < len && buf[end] == '\r' && buf[end + 1] == '\n')
			off++;
	}
}

int
matchdiff_check(struct matcher *m, const char *buf, size_t len, char **why)
{
	struct firings	 scan, line;
	size_t		 i, n = complete_len(buf, len);
	int		 rc = 0;

	memset(&scan, 0, sizeof scan);
	memset(&line, 0, sizeof line);
	scan.base = buf;
	line.per_line = 1;
	matcher_scan(m, buf, n, record, &scan);
	per_line(m, buf, n, &line);
	for (i = 0; i < scan.n || i < line.n; i++) {
		if (i < scan.n && i < line.n &&
		    scan.v[i].line == line.v[i].line &&
		    scan.v[i].rule == line.v[i].rule)
			continue;
		if (i < line.n)
			*why = xasprintf("line at byte %zu, %s:%u: fired %s "
			    "when matched alone", line.v[i].line,
			    line.v[i].rule->file, line.v[i].rule->line,
			    "but not in a block");
		else
			*why = xasprintf("line at byte %zu, %s:%u: fired in "
			    "a block, not when matched alone", scan.v[i].line,
			    scan.v[i].rule->file, scan.v[i].rule->line);
		rc = -1;
		break;
	}
	free(scan.v);
	free(line.v);
	return rc;
}
