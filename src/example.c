/*
 * example.c: do the rules do what their examples say?
 *
 * An example line is matched like any input line (every matching rule, in
 * file order, "stop", "if=" and "unless=" honoured; once, throttle and
 * threshold ignored).  Each action of each matching rule is expanded against
 * the line, and described as text in the rules language ("step build
 * current=42 total=100").  An expected action is met when some fired action
 * has the same keyword, the same activity, metric key or outcome where the
 * example names one, and the same value for every field the example gives (a
 * set: the same name and value).  Each example starts with no variables set;
 * its set actions are carried out, so a later action on the same line reads
 * them.  "nothing" means no action but set.  An example of several lines is
 * matched line by line, and the events that its lines open (event.c) end
 * after its last line, if not before: their rules fire as they end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "buf.h"
#include "example.h"
#include "vars.h"
#include "xmalloc.h"

#define FIRED_MAX	64

struct fired {
	const struct action	*action;
	char			*field[FIELD_LAST];
	char			*var_name;	/* set */
	char			*var_value;
};

struct firing {
	struct fired	 v[FIRED_MAX];
	size_t		 n;
	struct vars	*vars;
	struct events	*events;
};

static const char *
outcome_name(enum outcome o)
{
	return o == OUTCOME_SUCCESS ? "success" : o == OUTCOME_FAILURE ?
	    "failure" : NULL;
}

/* Carry out a set, keeping its name and value to compare and describe. */
static void
example_set(struct firing *fg, struct fired *f, const struct template_env *te)
{
	struct buf	name, value;

	action_set(f->action, te, fg->vars, &name, &value);
	f->var_name = xstrdup(buf_str(&name));
	f->var_value = xstrdup(buf_str(&value));
	buf_free(&name);
	buf_free(&value);
}

/* Field k of a, expanded as the action expands it (a new string). */
static char *
expand_field(const struct action *a, int k, const struct template_env *te)
{
	struct buf	b;

	buf_init(&b, 4096);
	if (k == FIELD_PAYLOAD)
		template_expand_json(a->field[k], te, &b);
	else
		template_expand(a->field[k], te, &b);
	buf_str(&b);
	return b.data;
}

/* What templates of an example see besides the captures. */
static void
example_env(struct firing *fg, struct template_env *te)
{
	memset(te, 0, sizeof *te);
	te->file = "-";
	te->count = 1;
	te->exit_status = -1;
	te->vars = fg->vars;
}

/* A rule fired: expand every one of its actions. */
static int
example_fire_env(struct firing *fg, const struct rule *r,
    struct template_env *te)
{
	struct fired	*f;
	size_t		 i;
	int		 k;

	if (!action_rule_takes(r, te))
		return 0;
	for (i = 0; i < r->nactions && fg->n < FIRED_MAX; i++) {
		f = &fg->v[fg->n++];
		f->action = &r->actions[i];
		if (f->action->kind == ACTION_SET) {
			example_set(fg, f, te);
			continue;
		}
		for (k = 0; k < FIELD_LAST; k++)
			if (r->actions[i].field[k] != NULL)
				f->field[k] = expand_field(&r->actions[i], k,
				    te);
	}
	return r->stop;
}

/* The matcher's callback: a rule matched a line of the example. */
static int
example_fire(const struct rule *r, const char *line, size_t len,
    pcre2_match_data *md, void *arg)
{
	struct firing		*fg = arg;
	struct template_env	 te;

	if (r->event != NULL) {
		events_start(fg->events, r, line, len, md);
		return r->stop;
	}
	example_env(fg, &te);
	te.line = line;
	te.line_len = len;
	te.ovector = pcre2_get_ovector_pointer(md);
	te.npairs = pcre2_get_ovector_count(md);
	return example_fire_env(fg, r, &te);
}

/* An event of the example ended (see event_fire_fn); arg is the firing. */
static void
example_event(void *arg, const struct rule *r, const struct event_capture *c)
{
	struct firing		*fg = arg;
	struct template_env	 te;

	example_env(fg, &te);
	event_capture_env(c, &te);
	example_fire_env(fg, r, &te);
}

/* Describe an action as the rules language would write it. */
static void
describe(const struct fired *f, struct buf *b)
{
	const struct action	*a = f->action;
	const char		*name = a->activity_name != NULL ?
				    a->activity_name : a->metric_key;
	int			 k;

	buf_addstr(b, rules_action_name(a->kind));
	if (a->kind == ACTION_SET) {
		buf_addstr(b, " ");
		buf_addstr(b, f->var_name);
		buf_addstr(b, a->var_if_unset ? "?=\"" : "=\"");
		buf_addstr(b, f->var_value);
		buf_addstr(b, "\"");
		return;
	}
	if (name != NULL) {
		buf_addstr(b, " ");
		buf_addstr(b, name);
	}
	if (outcome_name(a->outcome) != NULL) {
		buf_addstr(b, " ");
		buf_addstr(b, outcome_name(a->outcome));
	}
	for (k = 0; k < FIELD_LAST; k++) {
		if (f->field[k] == NULL)
			continue;
		buf_addstr(b, " ");
		buf_addstr(b, rules_field_name(k));
		buf_addstr(b, "=\"");
		buf_addstr(b, f->field[k]);
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
expand_expected(const struct action *e, struct fired *want)
{
	struct template_env	te;
	int			k;

	memset(want, 0, sizeof *want);
	want->action = e;
	memset(&te, 0, sizeof te);
	te.file = "-";
	te.count = 1;		/* as for the action that fires */
	te.exit_status = -1;
	if (e->kind == ACTION_SET) {
		want->var_name = template_expand_new(e->var_name, &te, VARS_NAME_MAX);
		want->var_value = template_expand_new(e->var_value, &te,
		    VARS_VALUE_MAX);
	}
	for (k = 0; k < FIELD_LAST; k++)
		if (e->field[k] != NULL)
			want->field[k] = template_expand_new(e->field[k], &te, 4096);
}

static void
fired_clear(struct fired *f)
{
	int	k;

	for (k = 0; k < FIELD_LAST; k++)
		free(f->field[k]);
	free(f->var_name);
	free(f->var_value);
}

/* Whether the fired action f meets the expected one, want. */
static int
example_meets(const struct fired *want, const struct fired *f)
{
	const struct action	*e = want->action, *a = f->action;
	int			 k;

	if (e->kind != a->kind || !same_name(e->activity_name,
	    a->activity_name) || !same_name(e->metric_key, a->metric_key) ||
	    (e->outcome != OUTCOME_NONE && e->outcome != a->outcome))
		return 0;
	if (e->kind == ACTION_SET &&
	    (strcmp(want->var_name, f->var_name) != 0 ||
	    strcmp(want->var_value, f->var_value) != 0 ||
	    e->var_if_unset != a->var_if_unset))
		return 0;
	for (k = 0; k < FIELD_LAST; k++) {
		if (want->field[k] == NULL)
			continue;
		if (f->field[k] == NULL ||
		    strcmp(f->field[k], want->field[k]) != 0)
			return 0;
	}
	return 1;
}

/* Whether anything but a set fired. */
static int
fired_output(const struct firing *fg)
{
	size_t	i;

	for (i = 0; i < fg->n; i++)
		if (fg->v[i].action->kind != ACTION_SET)
			return 1;
	return 0;
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
		describe(&fg->v[i], &b);
	}
	ruleset_errorf(rs, "%s:%u:%u: example: %s", ex->file, ex->line,
	    ex->col, buf_str(&b));
	buf_free(&b);
}

/* Check one example; return 1 if it failed. */
static int
example_check(struct ruleset *rs, struct matcher *m, const struct example *ex)
{
	struct firing	 fg;
	struct fired	 want;
	struct buf	 text;
	const char	*line, *nl;
	size_t		 i, j;
	int		 failed = 0;

	memset(&fg, 0, sizeof fg);
	fg.vars = vars_new();
	fg.events = events_new(rs, example_event, &fg);
	matcher_follow(m, events_open, events_line, fg.events);
	for (line = ex->text; (nl = strchr(line, '\n')) != NULL; line = nl + 1)
		matcher_line(m, line, (size_t)(nl - line), example_fire, &fg);
	events_end_all(fg.events);
	matcher_follow(m, NULL, NULL, NULL);
	events_free(fg.events);
	if (ex->nothing && fired_output(&fg)) {
		example_error(rs, ex, "expected nothing", &fg);
		failed = 1;
	}
	for (i = 0; i < ex->expect->nactions && !failed; i++) {
		expand_expected(&ex->expect->actions[i], &want);
		for (j = 0; j < fg.n; j++)
			if (example_meets(&want, &fg.v[j]))
				break;
		if (j == fg.n) {
			buf_init(&text, 4096);
			buf_addstr(&text, "expected ");
			describe(&want, &text);
			example_error(rs, ex, buf_str(&text), &fg);
			buf_free(&text);
			failed = 1;
		}
		fired_clear(&want);
	}
	for (i = 0; i < fg.n; i++)
		fired_clear(&fg.v[i]);
	vars_free(fg.vars);
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
