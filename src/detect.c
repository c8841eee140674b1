/*
 * detect.c: choosing the rule pack from what as-tail reads.
 *
 * "make 2>&1 | as-tail" names no command: the input has to tell.  Each
 * installed pack may carry "detect /REGEX/" statements, a line its tool
 * prints and others do not.  They are read once, at the start, from every
 * pack but the fallback (usually generic).  Then the first lines of the
 * input are held and tried against them, until one matches, DETECT_LINES
 * lines have come, DETECT_MS have passed or the input ends; the pack that
 * matched, or else the fallback, is set up by the caller and given every
 * held line, in order, before the lines that follow.
 *
 * Only the matching waits: lines.c passes the input through before its
 * lines get here.  Holding the lines instead of letting the fallback act on
 * them first is what keeps the switch clean: no rule has fired when the
 * pack is chosen, so no line is seen by two packs and no activity is
 * started twice for one job.  The cost is that requests for the first
 * lines leave at most DETECT_MS (plus a tick) later.
 *
 * Where several packs' statements match the same line, the first pack in
 * the order --list-rules shows wins.
 */
#include <stdlib.h>
#include <string.h>

#include "detect.h"
#include "msg.h"
#include "rules-find.h"
#include "rules.h"
#include "xmalloc.h"

/* A run of complete lines (or one line without terminator) held back. */
struct detect_block {
	char	*name;		/* the input it came from, or NULL */
	char	*text;
	size_t	 len;
	int	 whole;		/* one line, no terminator */
};

struct detect_statement {
	size_t		 pack;		/* index in packs */
	pcre2_code	*re;		/* a copy of the statement's */
	char		*where;		/* "FILE:LINE", for -vv */
};

struct detect {
	struct detect_use	 use;
	char			**packs;
	size_t			  npacks;
	char			 *fallback;
	struct detect_statement	 *statements;
	size_t			  nstatements;
	pcre2_match_data	 *md;
	pcre2_match_context	 *mc;

	struct detect_block	 *held;
	size_t			  nheld;
	size_t			  lines;	/* held so far */
	uint64_t		  deadline_ms;
	char			 *name;		/* the last source, a copy */
	const char		 *chosen;	/* NULL while looking */
	struct matcher		 *m;		/* the chosen pack's */
};

/*
 * Load pack at path and take its detect statements.  A pack with errors
 * is skipped (-v says so): it could not be used anyway.
 */
static void
detect_load(struct detect *d, const char *name, const char *path)
{
	struct ruleset		*rs = ruleset_new();
	struct detect_statement	*s;
	size_t			 i;

	ruleset_load(rs, path);
	ruleset_finish(rs);
	if (rs->nerrors > 0) {
		msg_verbose(2, "detect: %s skipped: %s", name, rs->errors[0]);
		ruleset_free(rs);
		return;
	}
	if (rs->ndetects > 0) {
		d->packs = xreallocarray(d->packs, d->npacks + 1,
		    sizeof *d->packs);
		d->packs[d->npacks] = xstrdup(name);
		d->statements = xreallocarray(d->statements,
		    d->nstatements + rs->ndetects, sizeof *d->statements);
		for (i = 0; i < rs->ndetects; i++) {
			s = &d->statements[d->nstatements++];
			s->pack = d->npacks;
			s->re = pcre2_code_copy(rs->detects[i]->re);
			s->where = xasprintf("%s:%u", rs->detects[i]->file,
			    rs->detects[i]->line);
		}
		d->npacks++;
	}
	ruleset_free(rs);
}

struct detect *
detect_new(const char *fallback, const struct detect_use *use,
    uint64_t now_ms)
{
	struct detect		*d = xcalloc(1, sizeof *d);
	struct rules_pack	*packs;
	size_t			 n, i;

	d->use = *use;
	d->fallback = xstrdup(fallback);
	packs = rules_packs(&n);
	for (i = 0; i < n; i++)
		if (strcmp(packs[i].name, fallback) != 0)
			detect_load(d, packs[i].name, packs[i].path);
	rules_packs_free(packs, n);
	if (d->nstatements == 0) {
		detect_free(d);
		return NULL;
	}
	d->md = pcre2_match_data_create(1, NULL);
	d->mc = pcre2_match_context_create(NULL);
	pcre2_set_match_limit(d->mc, MATCH_LIMIT_DEFAULT);
	pcre2_set_depth_limit(d->mc, MATCH_LIMIT_DEFAULT / 10);
	d->deadline_ms = now_ms + DETECT_MS;
	msg_verbose(2, "detect: %zu statements in %zu packs", d->nstatements,
	    d->npacks);
	return d;
}

static void
detect_free_held(struct detect *d)
{
	size_t	i;

	for (i = 0; i < d->nheld; i++) {
		free(d->held[i].name);
		free(d->held[i].text);
	}
	free(d->held);
	d->held = NULL;
	d->nheld = 0;
}

void
detect_free(struct detect *d)
{
	size_t	i;

	if (d == NULL)
		return;
	detect_free_held(d);
	for (i = 0; i < d->nstatements; i++) {
		pcre2_code_free(d->statements[i].re);
		free(d->statements[i].where);
	}
	free(d->statements);
	for (i = 0; i < d->npacks; i++)
		free(d->packs[i]);
	free(d->packs);
	free(d->fallback);
	free(d->name);
	pcre2_match_data_free(d->md);
	pcre2_match_context_free(d->mc);
	free(d);
}

/* Set pack up, then give it the held lines, in order. */
static void
detect_choose(struct detect *d, const char *pack)
{
	struct detect_block	*b;
	size_t			 i;

	d->chosen = pack;
	d->m = d->use.use(d->use.arg, pack);
	for (i = 0; i < d->nheld; i++) {
		b = &d->held[i];
		d->use.source(d->use.match_arg, b->name);
		if (b->whole)
			matcher_line(d->m, b->text, b->len, d->use.match,
			    d->use.match_arg);
		else
			matcher_scan(d->m, b->text, b->len, d->use.match,
			    d->use.match_arg);
	}
	d->use.source(d->use.match_arg, d->name);
	detect_free_held(d);
}

/* The pack whose statement matches line, or NULL. */
static const char *
detect_line(struct detect *d, const char *line, size_t len)
{
	struct detect_statement	*s;
	size_t			 i;

	for (i = 0; i < d->nstatements; i++) {
		s = &d->statements[i];
		if (pcre2_match(s->re, (PCRE2_SPTR)line, len, 0, 0, d->md,
		    d->mc) >= 0) {
			msg_verbose(2, "detect: %s, by %s", d->packs[s->pack],
			    s->where);
			return d->packs[s->pack];
		}
	}
	return NULL;
}

/*
 * Try each line of text until a statement matches or enough lines were
 * seen; the pack to choose, or NULL to go on holding.  Line ends are
 * "\n", "\r" and "\r\n", as for the matcher.
 */
static const char *
detect_scan(struct detect *d, const char *text, size_t len, int whole)
{
	const char	*pack, *end, *p = text, *stop = text + len;
	size_t		 n;

	while (p < stop) {
		for (end = p; end < stop && *end != '\n' && *end != '\r'; end++)
			;
		n = (size_t)(end - p);
		if ((pack = detect_line(d, p, n)) != NULL)
			return pack;
		if (++d->lines >= DETECT_LINES)
			return d->fallback;
		if (end < stop && *end == '\r' && end + 1 < stop &&
		    end[1] == '\n')
			end++;
		p = end + 1;
		if (whole)
			break;
	}
	return NULL;
}

void
detect_lines(void *arg, const char *text, size_t len, int whole)
{
	struct detect		*d = arg;
	struct detect_block	*b;
	const char		*pack;

	if (d->chosen != NULL) {
		if (whole)
			matcher_line(d->m, text, len, d->use.match,
			    d->use.match_arg);
		else
			matcher_scan(d->m, text, len, d->use.match,
			    d->use.match_arg);
		return;
	}
	d->held = xreallocarray(d->held, d->nheld + 1, sizeof *d->held);
	b = &d->held[d->nheld++];
	b->name = d->name != NULL ? xstrdup(d->name) : NULL;
	b->text = xmalloc(len + 1);
	memcpy(b->text, text, len);
	b->text[len] = '\0';
	b->len = len;
	b->whole = whole;
	if ((pack = detect_scan(d, text, len, whole)) != NULL)
		detect_choose(d, pack);
}

void
detect_source(void *arg, const char *name)
{
	struct detect	*d = arg;

	if (d->chosen != NULL) {
		d->use.source(d->use.match_arg, name);
		return;
	}
	free(d->name);
	d->name = name != NULL ? xstrdup(name) : NULL;
}

void
detect_tick(struct detect *d, uint64_t now_ms)
{
	if (d->chosen == NULL && now_ms >= d->deadline_ms)
		detect_choose(d, d->fallback);
}

const char *
detect_pack(const struct detect *d)
{
	return d->chosen;
}
