/*
 * event.c: multi-line events, such as a traceback or a panic.
 *
 * An "event" rule's own regex is matched like any rule's (match.c finds its
 * first lines by scanning), and opens an event here.  While an event is
 * open, the matcher offers every line of the input, also the lines no scan
 * picked out, to events_line before the rules see it.  A line that matches
 * the rule's "until" regex joins the event and ends it, unless the rule
 * has "then" regexes: then the lines after it that match one of them join
 * it too, and the first that none matches ends it (a chained traceback
 * goes on after the first exception's line).  A line that matches a
 * "while" regex joins it; any other line ends it without joining it.  An
 * event also ends with the line that reaches its line or byte limit, when
 * no line joined it for its timeout (seen by the next line or by the tick,
 * once a second), when its rule's first line comes again (a new event
 * opens), and when the input ends.  Lines of another input (a wrapped
 * command's other stream) neither join nor end it.
 *
 * Only the values of its captures are kept, never its lines: an event holds
 * at most its number of groups times --max-line bytes, and while none is
 * open the matcher works as if there were no event rules.  A capture that
 * several lines give keeps its last value, and its first for ${first:NAME}.
 * When the event ends, its rule's actions fire once (fire, action.c).
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "clock.h"
#include "event.h"
#include "match.h"
#include "template.h"
#include "msg.h"
#include "xmalloc.h"

/* One capture's value in an open event; s NULL while unset. */
struct value {
	char	*s;
	size_t	 len;
};

/* The event of one event rule. */
struct event {
	const struct rule	*r;
	int			 open;
	char			*file;		/* the input it belongs to */
	char			*line;		/* its first line */
	size_t			 line_len;
	PCRE2_SIZE		 whole[2];	/* $0 in the first line */
	struct value		*first;		/* by group of spec->names */
	struct value		*last;
	int			 after_until;	/* the until line has joined */
	unsigned		 nlines;
	size_t			 nbytes;
	uint64_t		 last_ms;	/* when a line last joined */
};

struct events {
	struct event		*v;
	size_t			 n;
	size_t			 nopen;
	const char		*file;		/* the current input */
	pcre2_match_data	*md;
	pcre2_match_context	*mc;
	event_fire_fn		 fire;
	void			*arg;
};

/* Append "(?<name>)" to b for each name of re that names does not have. */
static void
spec_add_names(struct buf *b, const pcre2_code *re, const pcre2_code *first)
{
	PCRE2_SPTR	table;
	uint32_t	count, size, i;
	const char	*name;
	char		*group;

	pcre2_pattern_info(re, PCRE2_INFO_NAMECOUNT, &count);
	pcre2_pattern_info(re, PCRE2_INFO_NAMEENTRYSIZE, &size);
	pcre2_pattern_info(re, PCRE2_INFO_NAMETABLE, &table);
	for (i = 0; i < count; i++) {
		name = (const char *)table + i * size + 2;
		if (pcre2_substring_number_from_name(first, (PCRE2_SPTR)name) >
		    0)
			continue;
		group = xasprintf("(?<%s>)", name);
		if (strstr(buf_str(b), group) == NULL)
			buf_addstr(b, group);
		free(group);
	}
}

/* Map the named groups of a clause to the groups of names. */
static void
spec_map(struct event_clause *c, const pcre2_code *names)
{
	PCRE2_SPTR	table, e;
	uint32_t	count, size, i, n;
	int		to;

	pcre2_pattern_info(c->re, PCRE2_INFO_CAPTURECOUNT, &c->ngroups);
	c->to = xcalloc(c->ngroups + 1, sizeof *c->to);
	pcre2_pattern_info(c->re, PCRE2_INFO_NAMECOUNT, &count);
	pcre2_pattern_info(c->re, PCRE2_INFO_NAMEENTRYSIZE, &size);
	pcre2_pattern_info(c->re, PCRE2_INFO_NAMETABLE, &table);
	for (i = 0; i < count; i++) {
		e = table + i * size;
		n = (uint32_t)e[0] << 8 | e[1];
		to = pcre2_substring_number_from_name(names, e + 2);
		if (n <= c->ngroups && to > 0)
			c->to[n] = (uint32_t)to;
	}
}

int
event_spec_build(struct event_spec *spec, const char *pattern,
    uint32_t options, const pcre2_code *first, char **cause)
{
	pcre2_compile_context	*cc;
	PCRE2_UCHAR		 msg[256];
	PCRE2_SIZE		 erroff;
	struct buf		 b;
	size_t			 i;
	int			 error;

	/* A newline ends a comment of an x regex, and is a blank in it. */
	buf_init(&b, (size_t)-1);
	buf_addstr(&b, "(?:");
	buf_addstr(&b, pattern);
	buf_addstr(&b, options & PCRE2_EXTENDED ? "\n)" : ")");
	for (i = 0; i < spec->ncont; i++)
		spec_add_names(&b, spec->cont[i].re, first);
	if (spec->until.re != NULL)
		spec_add_names(&b, spec->until.re, first);
	for (i = 0; i < spec->nthen; i++)
		spec_add_names(&b, spec->then[i].re, first);
	cc = pcre2_compile_context_create(NULL);
	pcre2_set_newline(cc, PCRE2_NEWLINE_ANYCRLF);
	spec->names = pcre2_compile((PCRE2_SPTR)buf_str(&b),
	    PCRE2_ZERO_TERMINATED, options, &error, &erroff, cc);
	pcre2_compile_context_free(cc);
	buf_free(&b);
	if (spec->names == NULL) {
		pcre2_get_error_message(error, msg, sizeof msg);
		*cause = xasprintf("the captures of the event's regexes do not "
		    "go together: %s", (char *)msg);
		return -1;
	}
	pcre2_pattern_info(spec->names, PCRE2_INFO_CAPTURECOUNT,
	    &spec->ngroups);
	for (i = 0; i < spec->ncont; i++)
		spec_map(&spec->cont[i], spec->names);
	if (spec->until.re != NULL)
		spec_map(&spec->until, spec->names);
	for (i = 0; i < spec->nthen; i++)
		spec_map(&spec->then[i], spec->names);
	return 0;
}

void
event_spec_free(struct event_spec *spec)
{
	size_t	i;

	if (spec == NULL)
		return;
	for (i = 0; i < spec->ncont; i++) {
		pcre2_code_free(spec->cont[i].re);
		free(spec->cont[i].to);
	}
	free(spec->cont);
	for (i = 0; i < spec->nthen; i++) {
		pcre2_code_free(spec->then[i].re);
		free(spec->then[i].to);
	}
	free(spec->then);
	pcre2_code_free(spec->until.re);
	free(spec->until.to);
	pcre2_code_free(spec->names);
	free(spec);
}

/* A copy of len bytes, which may hold NULs, NUL-terminated. */
static char *
bytes_dup(const char *s, size_t len)
{
	char	*p = xmalloc(len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

static void
value_set(struct value *v, const char *s, size_t len)
{
	free(v->s);
	v->s = bytes_dup(s, len);
	v->len = len;
}

/* Keep the groups of a match as values of the event (map: see clause). */
static void
event_take(struct event *e, const char *line, const PCRE2_SIZE *ov,
    uint32_t ngroups, const uint32_t *to)
{
	uint32_t	n, g;

	for (n = 1; n <= ngroups; n++) {
		g = to == NULL ? n : to[n];
		if (g == 0 || ov[2 * n] == PCRE2_UNSET)
			continue;
		value_set(&e->last[g], line + ov[2 * n], ov[2 * n + 1] -
		    ov[2 * n]);
		if (e->first[g].s == NULL)
			value_set(&e->first[g], line + ov[2 * n],
			    ov[2 * n + 1] - ov[2 * n]);
	}
}

/* Add a value to the text and point a pair of ov at it. */
static void
capture_add(struct buf *b, const struct value *v, PCRE2_SIZE *ov)
{
	if (v->s == NULL) {
		ov[0] = ov[1] = PCRE2_UNSET;
		return;
	}
	ov[0] = b->len;
	buf_add(b, v->s, v->len);
	ov[1] = b->len;
}

/* End an open event: fire its rule, forget it. */
static void
event_end(struct events *ev, struct event *e)
{
	struct event_capture	 c;
	struct buf		 b;
	PCRE2_SIZE		*last, *first;
	uint32_t		 g, ngroups = e->r->event->ngroups;

	e->open = 0;
	e->after_until = 0;
	ev->nopen--;
	last = xcalloc(2 * (ngroups + 1), sizeof *last);
	first = xcalloc(2 * (ngroups + 1), sizeof *first);
	buf_init(&b, (size_t)-1);
	buf_add(&b, e->line, e->line_len);
	last[0] = first[0] = e->whole[0];
	last[1] = first[1] = e->whole[1];
	for (g = 1; g <= ngroups; g++) {
		capture_add(&b, &e->last[g], &last[2 * g]);
		capture_add(&b, &e->first[g], &first[2 * g]);
	}
	c.text = buf_str(&b);
	c.text_len = b.len;
	c.line_len = e->line_len;
	c.last = last;
	c.first = first;
	c.npairs = ngroups + 1;
	ev->fire(ev->arg, e->r, &c);
	buf_free(&b);
	free(last);
	free(first);
	for (g = 0; g <= ngroups; g++) {
		free(e->last[g].s);
		free(e->first[g].s);
	}
	memset(e->last, 0, (ngroups + 1) * sizeof *e->last);
	memset(e->first, 0, (ngroups + 1) * sizeof *e->first);
	free(e->line);
	free(e->file);
	e->line = e->file = NULL;
}

struct events *
events_new(const struct ruleset *rs, event_fire_fn fire, void *arg)
{
	struct events		*ev;
	const struct event_spec	*spec;
	uint32_t		 ncap, maxcap = 0;
	size_t			 i, j;

	ev = xcalloc(1, sizeof *ev);
	ev->fire = fire;
	ev->arg = arg;
	for (i = 0; i < rs->nrules; i++) {
		if ((spec = rs->rules[i]->event) == NULL)
			continue;
		ev->v = xreallocarray(ev->v, ev->n + 1, sizeof *ev->v);
		memset(&ev->v[ev->n], 0, sizeof ev->v[ev->n]);
		ev->v[ev->n].r = rs->rules[i];
		ev->v[ev->n].first = xcalloc(spec->ngroups + 1,
		    sizeof(struct value));
		ev->v[ev->n].last = xcalloc(spec->ngroups + 1,
		    sizeof(struct value));
		ev->n++;
		/* The JIT code is PCRE2's cache, not a change to the rule. */
		for (j = 0; j <= spec->ncont + spec->nthen; j++) {
			const struct event_clause *c = j < spec->ncont ?
			    &spec->cont[j] : j > spec->ncont ?
			    &spec->then[j - spec->ncont - 1] : &spec->until;

			if (c->re == NULL)
				continue;
			matcher_jit(c->re);
			if (c->ngroups > maxcap)
				maxcap = c->ngroups;
		}
		pcre2_pattern_info(rs->rules[i]->re, PCRE2_INFO_CAPTURECOUNT,
		    &ncap);
		if (ncap > maxcap)
			maxcap = ncap;
	}
	ev->md = pcre2_match_data_create(maxcap + 1, NULL);
	ev->mc = pcre2_match_context_create(NULL);
	if (ev->md == NULL || ev->mc == NULL)
		msg_fatalx(1, "out of memory setting up events");
	pcre2_set_match_limit(ev->mc, MATCH_LIMIT_DEFAULT);
	pcre2_set_depth_limit(ev->mc, MATCH_LIMIT_DEFAULT / 10);
	return ev;
}

void
events_free(struct events *ev)
{
	size_t		i;
	uint32_t	g;

	if (ev == NULL)
		return;
	for (i = 0; i < ev->n; i++) {
		for (g = 0; g <= ev->v[i].r->event->ngroups; g++) {
			free(ev->v[i].first[g].s);
			free(ev->v[i].last[g].s);
		}
		free(ev->v[i].first);
		free(ev->v[i].last);
		free(ev->v[i].line);
		free(ev->v[i].file);
	}
	free(ev->v);
	pcre2_match_data_free(ev->md);
	pcre2_match_context_free(ev->mc);
	free(ev);
}

void
events_source(struct events *ev, const char *name)
{
	ev->file = name;
}

/* Whether e has reached a limit with the line just joined. */
static int
event_full(const struct event *e)
{
	const struct event_spec	*spec = e->r->event;

	return e->nlines >= spec->max_lines || e->nbytes >= spec->max_bytes;
}

void
events_start(struct events *ev, const struct rule *r, const char *line,
    size_t len, pcre2_match_data *md)
{
	const PCRE2_SIZE	*ov = pcre2_get_ovector_pointer(md);
	struct event		*e = NULL;
	uint32_t		 ncap;
	size_t			 i;

	for (i = 0; i < ev->n && e == NULL; i++)
		if (ev->v[i].r == r)
			e = &ev->v[i];
	if (e == NULL)
		return;
	if (e->open)
		event_end(ev, e);
	e->open = 1;
	ev->nopen++;
	e->file = xstrdup(ev->file == NULL ? "" : ev->file);
	e->line = bytes_dup(line, len);
	e->line_len = len;
	e->whole[0] = ov[0];
	e->whole[1] = ov[1];
	pcre2_pattern_info(r->re, PCRE2_INFO_CAPTURECOUNT, &ncap);
	if (ncap > pcre2_get_ovector_count(md) - 1)
		ncap = pcre2_get_ovector_count(md) - 1;
	event_take(e, line, ov, ncap, NULL);
	e->nlines = 1;
	e->nbytes = len + 1;
	e->last_ms = clock_now_ms();
	if (event_full(e))
		event_end(ev, e);
}

int
events_open(void *arg)
{
	struct events	*ev = arg;

	return ev->nopen > 0;
}

/* Whether clause c matches the line; if so, keep its captures. */
static int
event_clause_take(struct events *ev, struct event *e,
    const struct event_clause *c, const char *line, size_t len)
{
	if (c->re == NULL || pcre2_match(c->re, (PCRE2_SPTR)line, len, 0, 0,
	    ev->md, ev->mc) < 0)
		return 0;
	event_take(e, line, pcre2_get_ovector_pointer(ev->md), c->ngroups,
	    c->to);
	return 1;
}

/* Offer a line to one open event of the current input. */
static void
event_line(struct events *ev, struct event *e, const char *line, size_t len,
    uint64_t now)
{
	const struct event_spec	*spec = e->r->event;
	size_t			 i;

	if (now - e->last_ms >= spec->timeout_ms) {
		event_end(ev, e);
		return;
	}
	if (e->after_until) {
		for (i = 0; i < spec->nthen; i++)
			if (event_clause_take(ev, e, &spec->then[i], line, len))
				break;
		if (i == spec->nthen) {
			event_end(ev, e);
			return;
		}
	} else if (event_clause_take(ev, e, &spec->until, line, len)) {
		if (spec->nthen == 0) {
			event_end(ev, e);
			return;
		}
		e->after_until = 1;
	} else {
		for (i = 0; i < spec->ncont; i++)
			if (event_clause_take(ev, e, &spec->cont[i], line,
			    len))
				break;
		if (i == spec->ncont) {
			event_end(ev, e);
			return;
		}
	}
	e->nlines++;
	e->nbytes += len + 1;
	e->last_ms = now;
	if (event_full(e))
		event_end(ev, e);
}

void
events_line(void *arg, const char *line, size_t len)
{
	struct events	*ev = arg;
	uint64_t	 now = clock_now_ms();
	size_t		 i;

	for (i = 0; i < ev->n && ev->nopen > 0; i++)
		if (ev->v[i].open && strcmp(ev->v[i].file, ev->file == NULL ?
		    "" : ev->file) == 0)
			event_line(ev, &ev->v[i], line, len, now);
}

size_t
events_expire(struct events *ev, uint64_t now)
{
	size_t	i, n = 0;

	for (i = 0; i < ev->n && ev->nopen > 0; i++) {
		if (ev->v[i].open && now - ev->v[i].last_ms >=
		    ev->v[i].r->event->timeout_ms) {
			event_end(ev, &ev->v[i]);
			n++;
		}
	}
	return n;
}

void
events_end_all(struct events *ev)
{
	size_t	i;

	for (i = 0; i < ev->n && ev->nopen > 0; i++)
		if (ev->v[i].open)
			event_end(ev, &ev->v[i]);
}

void
event_capture_env(const struct event_capture *c, struct template_env *te)
{
	te->line = c->text;
	te->line_len = c->line_len;
	te->values = c->text;
	te->values_len = c->text_len;
	te->ovector = c->last;
	te->first_ovector = c->first;
	te->npairs = c->npairs;
}
