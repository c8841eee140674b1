/*
 * example.c: do the rules do what their examples say?
 *
 * An example line is matched like any input line (every matching rule, in
 * file order, "stop" honoured; once, throttle and threshold ignored).  Each
 * action of each matching rule is expanded against the line, and described
 * as text in the rules language ("step build current=42 total=100").  An
 * expected action is met when some fired action has the same keyword, the
 * same activity, metric key or outcome where the example names one, and the
 * same value for every field the example gives.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "example.h"
#include "xmalloc.h"

#define FIRED_MAX	64

struct fired {
	const struct action	*action;
	char			*field[FIELD_LAST];
};

struct firing {
	struct fired	v[FIRED_MAX];
	size_t		n;
};

static const char *
outcome_name(enum outcome o)
{
	return o == OUTCOME_SUCCESS ? "success" : o == OUTCOME_FAILURE ?
	    "failure" : NULL;
}

/* The matcher's callback: expand every action of the matching rule. */
static int
example_fire(struct rule *r, const char *line, size_t len,
    pcre2_match_data *md, void *arg)
{
	struct firing		*fg = arg;
	struct template_env	 te;
	struct fired		*f;
	struct buf		 b;
	size_t			 i;
	int			 k;

	memset(&te, 0, sizeof te);
	te.line = line;
	te.line_len = len;
	te.ovector = pcre2_get_ovector_pointer(md);
	te.npairs = pcre2_get_ovector_count(md);
	te.file = "-";
	te.count = 1;
	te.exit_status = -1;
	for (i = 0; i < r->nactions && fg->n < FIRED_MAX; i++) {
		f = &fg->v[fg->n++];
		f->action = &r->actions[i];
		for (k = 0; k < FIELD_LAST; k++) {
			if (r->actions[i].field[k] == NULL)
				continue;
			buf_init(&b, 4096);
			template_expand(r->actions[i].field[k], &te, &b);
			buf_str(&b);
			f->field[k] = b.data;
		}
	}
	return r->stop;
}

/* Describe an action as the rules language would write it. */
static void
describe(const struct action *a, char *const *field, struct buf *b)
{
	const char	*name = a->activity_name != NULL ? a->activity_name :
			    a->metric_key;
	int		 k;

	buf_addstr(b, rules_action_name(a->kind));
	if (name != NULL) {
		buf_addstr(b, " ");
		buf_addstr(b, name);
	}
	if (outcome_name(a->outcome) != NULL) {
		buf_addstr(b, " ");
		buf_addstr(b, outcome_name(a->outcome));
	}
	for (k = 0; k < FIELD_LAST; k++) {
		if (field[k] == NULL)
			continue;
		buf_addstr(b, " ");
		buf_addstr(b, rules_field_name(k));
		buf_addstr(b, "=\"");
		buf_addstr(b, field[k]);
		buf_addstr(b, "\"");
	}
}

static int
same_name(const char *want, const char *got)
{
	return want == NULL || (got != NULL && strcmp(want, got) == 0);
}

/* Expand the fields of an expected action (they may name ${host}). */
static void
expand_expected(const struct action *e, char **out)
{
	struct template_env	te;
	struct buf		b;
	int			k;

	memset(&te, 0, sizeof te);
	te.file = "-";
	te.count = 1;		/* as for the action that fires */
	te.exit_status = -1;
	for (k = 0; k < FIELD_LAST; k++) {
		out[k] = NULL;
		if (e->field[k] == NULL)
			continue;
		buf_init(&b, 4096);
		template_expand(e->field[k], &te, &b);
		buf_str(&b);
		out[k] = b.data;
	}
}

/* Whether the fired action f meets e, whose fields expand to want. */
static int
example_meets(const struct action *e, char *const *want,
    const struct fired *f)
{
	const struct action	*a = f->action;
	int			 k;

	if (e->kind != a->kind || !same_name(e->activity_name,
	    a->activity_name) || !same_name(e->metric_key, a->metric_key) ||
	    (e->outcome != OUTCOME_NONE && e->outcome != a->outcome))
		return 0;
	for (k = 0; k < FIELD_LAST; k++) {
		if (want[k] == NULL)
			continue;
		if (f->field[k] == NULL || strcmp(f->field[k], want[k]) != 0)
			return 0;
	}
	return 1;
}

static void
example_error(struct ruleset *rs, const struct example *ex, const char *what,
    const struct firing *fg)
{
	struct buf	b;
	size_t		i;

	buf_init(&b, 8192);
	buf_addstr(&b, what);
	buf_addstr(&b, fg->n == 0 ? "; no rule fired" : "; what fired: ");
	for (i = 0; i < fg->n; i++) {
		if (i > 0)
			buf_addstr(&b, "; ");
		describe(fg->v[i].action, fg->v[i].field, &b);
	}
	rs->errors = xreallocarray(rs->errors, rs->nerrors + 1,
	    sizeof *rs->errors);
	rs->errors[rs->nerrors++] = xasprintf("%s:%u:%u: example: %s",
	    ex->file, ex->line, ex->col, buf_str(&b));
	buf_free(&b);
}

/* Check one example; return 1 if it failed. */
static int
example_check(struct ruleset *rs, struct matcher *m, const struct example *ex)
{
	struct firing	 fg;
	struct buf	 text;
	char		*want[FIELD_LAST];
	size_t		 i, j;
	int		 failed = 0, k;

	memset(&fg, 0, sizeof fg);
	matcher_line(m, ex->text, strlen(ex->text), example_fire, &fg);
	if (ex->nothing && fg.n > 0) {
		example_error(rs, ex, "expected nothing", &fg);
		failed = 1;
	}
	for (i = 0; i < ex->expect->nactions && !failed; i++) {
		expand_expected(&ex->expect->actions[i], want);
		for (j = 0; j < fg.n; j++)
			if (example_meets(&ex->expect->actions[i], want,
			    &fg.v[j]))
				break;
		if (j == fg.n) {
			buf_init(&text, 4096);
			buf_addstr(&text, "expected ");
			describe(&ex->expect->actions[i], want, &text);
			example_error(rs, ex, buf_str(&text), &fg);
			buf_free(&text);
			failed = 1;
		}
		for (k = 0; k < FIELD_LAST; k++)
			free(want[k]);
	}
	for (i = 0; i < fg.n; i++)
		for (k = 0; k < FIELD_LAST; k++)
			free(fg.v[i].field[k]);
	return failed;
}

size_t
examples_check(struct ruleset *rs, struct matcher *m)
{
	size_t	i, failures = 0;

	for (i = 0; i < rs->nexamples; i++)
		failures += (size_t)example_check(rs, m, rs->examples[i]);
	return failures;
}
