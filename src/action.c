/*
 * action.c: from a matched line to requests.
 *
 * The rule's options are applied first: "if=TEMPLATE" lets the rule match
 * only when TEMPLATE expands to some text, "unless=TEMPLATE" only when it
 * expands to none, "once" fires on the first match only ("once=NAME": the
 * first in each run of activity NAME), "throttle" at most once per interval,
 * "threshold" only when N matches fall within an interval (and then starts
 * counting afresh).  Matches held back are counted, for --explain.  All of
 * this run-time state lives here, in one struct rule_state per rule (by
 * rule id): the ruleset itself is only read.  A firing expands every field
 * of every action against the line and its captures, checks the numbers, and
 * hands the result to the activity state (activity.c) or, for pushes, metrics
 * and badges, straight to the outbox; "set" writes a variable (vars.c).
 * The first line of an "event" rule opens an event (event.c) instead; the
 * rule fires when the event ends, with the captures of all its lines.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "button.h"
#include "clock.h"
#include "model.h"
#include "msg.h"
#include "number.h"
#include "xmalloc.h"

/* Longest text a field expands to; longer text is cut. */
#define ACTION_FIELD_MAX	4096
/* How much of a matched line --explain keeps. */
#define ACTION_SAMPLE_MAX	200

/* Expanded fields of one action. */
struct expanded {
	struct buf	field[FIELD_LAST];
	int		set[FIELD_LAST];
	struct buf	metric[CONTENT_MAX_METRICS];
};

void
action_template_env(const struct action_env *env, struct template_env *te)
{
	memset(te, 0, sizeof *te);
	te->file = env->file;
	te->elapsed_ms = clock_now_ms() - env->start_ms;
	te->command = env->command;
	te->exit_status = env->exit_status;
	te->signal = env->signal;
	te->vars = env->vars;
}

void
action_source(void *arg, const char *name)
{
	struct action_env	*env = arg;

	env->file = name;
	if (env->events != NULL)
		events_source(env->events, name);
}

int
action_rule_takes(const struct rule *r, const struct template_env *te)
{
	if (r->cond != NULL && !template_test(r->cond, te))
		return 0;
	if (r->cond_not != NULL && template_test(r->cond_not, te))
		return 0;
	return 1;
}

struct rule_state *
action_state_new(const struct ruleset *rs)
{
	struct rule_state	*v;
	const struct rule	*r;
	size_t			 i, n = rs->nrules + rs->nexit_rules;

	v = xcalloc(n + 1, sizeof *v);
	for (i = 0; i < n; i++) {
		r = i < rs->nrules ? rs->rules[i] : rs->exit_rules[i -
		    rs->nrules];
		if (r->threshold_n > 0)
			v[i].window = xcalloc(r->threshold_n,
			    sizeof *v[i].window);
		v[i].warned = xcalloc(r->nactions + 1, sizeof *v[i].warned);
	}
	return v;
}

void
action_state_free(struct rule_state *v, const struct ruleset *rs)
{
	size_t	i, n = rs->nrules + rs->nexit_rules;
	int	j;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(v[i].window);
		free(v[i].warned);
		for (j = 0; j < RULE_SAMPLES; j++)
			free(v[i].samples[j]);
	}
	free(v);
}

/* Remember the first few lines a rule matched. */
static void
rule_sample(struct rule_state *st, const char *line, size_t len)
{
	struct buf	b;
	int		i;

	for (i = 0; i < RULE_SAMPLES && st->samples[i] != NULL; i++)
		;
	if (i == RULE_SAMPLES)
		return;
	buf_init(&b, ACTION_SAMPLE_MAX);
	buf_addtext(&b, line, len);
	st->samples[i] = xstrdup(buf_str(&b));
	buf_free(&b);
}

/* Whether the rule's options let this match fire. */
static int
rule_may_fire(struct action_env *env, const struct rule *r,
    struct rule_state *st, uint64_t now)
{
	unsigned	i;

	/* once=NAME counts firings only: a match held back below does not. */
	if (r->once_activity != NULL) {
		if (st->fired > 0 && st->fired_run == activities_run(
		    env->activities, r->once_activity))
			return 0;
	} else if (r->once && st->fired > 0)
		return 0;
	if (r->throttle_ms > 0 && st->fired > 0 &&
	    now - st->last_fired_ms < r->throttle_ms)
		return 0;
	if (r->threshold_n == 0)
		return 1;
	for (i = 0; i < st->window_len; i++)
		if (now - st->window[i] > r->threshold_ms)
			break;
	/* Drop matches that have left the window (they are the oldest). */
	memmove(st->window + 1, st->window, i * sizeof *st->window);
	st->window[0] = now;
	st->window_len = i + 1;
	if (st->window_len < r->threshold_n)
		return 0;
	st->window_len = 0;
	return 1;
}

/* Parse a captured whole number, blanks around it allowed; 0 or -1. */
static int
parse_whole(const char *s, long *out)
{
	size_t	len;

	while (isspace((unsigned char)*s))
		s++;
	len = strlen(s);
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	return number_parse_long(s, len, 2147483647L, out);
}

static int
parse_number(const char *s, double *out)
{
	char	*end;
	double	 v;

	errno = 0;
	v = strtod(s, &end);
	while (isspace((unsigned char)*end))
		end++;
	if (end == s || *end != '\0' || errno != 0 || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

/* Warn about an unusable value, once per action. */
static void
action_warn(struct action_env *env, const struct rule *r,
    const struct action *a, const char *what, const char *text)
{
	unsigned char	*warned = &env->state[r->id].warned[a - r->actions];

	if (*warned)
		return;
	*warned = 1;
	msg_warnx("%s:%u:%u: %s '%s' is not usable; ignored (warned once)",
	    r->file, a->line, a->col, what, text);
}

static void
expand_fields(const struct action *a, const struct template_env *te,
    struct expanded *x)
{
	size_t	i;
	int	f;

	for (f = 0; f < FIELD_LAST; f++) {
		buf_init(&x->field[f], ACTION_FIELD_MAX);
		x->set[f] = a->field[f] != NULL;
		if (x->set[f] && f == FIELD_PAYLOAD)
			template_expand_json(a->field[f], te, &x->field[f]);
		else if (x->set[f])
			template_expand(a->field[f], te, &x->field[f]);
		if (x->set[f])		/* unset ones are never read */
			buf_str(&x->field[f]);
	}
	for (i = 0; i < a->nmetrics; i++) {
		buf_init(&x->metric[i], 64);
		template_expand(a->metrics[i].value, te, &x->metric[i]);
		buf_str(&x->metric[i]);
	}
}

static void
expanded_free(struct expanded *x, size_t nmetrics)
{
	size_t	i;
	int	f;

	for (f = 0; f < FIELD_LAST; f++)
		buf_free(&x->field[f]);
	for (i = 0; i < nmetrics; i++)
		buf_free(&x->metric[i]);
}

static const char *
field(struct expanded *x, enum field f)
{
	return x->set[f] ? x->field[f].data : NULL;
}

/* Fill the numeric fields of a change; -1 if one is unusable. */
static int
change_numbers(struct action_env *env, const struct rule *r,
    const struct action *a, struct expanded *x,
    struct activity_change *ch)
{
	enum field		 f;
	double			 d;
	long			 l;

	for (f = FIELD_CURRENT; f <= FIELD_MAX; f++) {
		if (!x->set[f])
			continue;
		if (f == FIELD_CURRENT && x->field[f].data[0] == '+') {
			if (parse_whole(x->field[f].data + 1, &l) != 0)
				goto bad;
			ch->advance = l;
			continue;
		}
		if (f == FIELD_CURRENT || f == FIELD_TOTAL) {
			if (parse_whole(x->field[f].data, &l) != 0 ||
			    (f == FIELD_TOTAL && l == 0))
				goto bad;
			if (f == FIELD_CURRENT)
				ch->current = l;
			else
				ch->total = l;
			continue;
		}
		if (parse_number(x->field[f].data, &d) != 0 &&
		    (f == FIELD_PERCENT ||
		    number_parse_clock(x->field[f].data, &d) != 0))
			goto bad;
		if (d < 0 || (f == FIELD_MAX && d == 0))
			goto bad;
		if (f == FIELD_PERCENT)
			ch->percent = d;
		else if (f == FIELD_VALUE)
			ch->value = d;
		else
			ch->upper = d;
	}
	return 0;
bad:
	action_warn(env, r, a, rules_field_name(f), x->field[f].data);
	return -1;
}

/* A color field: an API color, or NULL after a warning. */
static const char *
change_color(struct action_env *env, const struct rule *r,
    const struct action *a, struct expanded *x, enum field f)
{
	const char	*c;

	if (!x->set[f])
		return NULL;
	if ((c = model_color(x->field[f].data)) == NULL)
		action_warn(env, r, a, "color", x->field[f].data);
	return c;
}

/*
 * A field that must pass ok (if not NULL): its text, or NULL (after a
 * warning) when it does not; an empty field is not sent.
 */
static const char *
checked(struct action_env *env, const struct rule *r, const struct action *a,
    struct expanded *x, enum field f, int (*ok)(const char *))
{
	const char	*v = field(x, f);

	if (v == NULL || *v == '\0')
		return NULL;
	if (ok != NULL && !ok(v)) {
		action_warn(env, r, a, rules_field_name(f), v);
		return NULL;
	}
	return v;
}

/*
 * Expand the buttons of an action into v; a button that is not usable is
 * left out, after a warning.  Returns how many there are.
 */
static size_t
expand_buttons(struct action_env *env, const struct rule *r,
    const struct action *a, const struct template_env *te,
    struct json_object **v)
{
	const char	*what;
	char		*text;
	size_t		 i, n = 0;

	for (i = 0; i < a->buttons.n; i++) {
		if ((v[n] = button_expand(&a->buttons.v[i], te, &what,
		    &text)) != NULL)
			n++;
		else if (what != NULL) {
			action_warn(env, r, a, what, text);
			free(text);
		}
	}
	return n;
}

/*
 * A field that an empty value removes (""), or that must pass ok: NULL
 * (after a warning) when it does not.
 */
static const char *
removable(struct action_env *env, const struct rule *r,
    const struct action *a, struct expanded *x, enum field f,
    int (*ok)(const char *))
{
	const char	*v = field(x, f);

	return v != NULL && *v == '\0' ? v : checked(env, r, a, x, f, ok);
}

static void
run_live_activity(struct action_env *env, const struct rule *r,
    const struct action *a, struct expanded *x, const struct template_env *te)
{
	struct activity_change	ch;
	char			where[512];
	size_t			i;

	activity_change_init(&ch);
	if (change_numbers(env, r, a, x, &ch) != 0)
		return;
	snprintf(where, sizeof where, "%s:%u", r->file, a->line);
	ch.kind = a->kind;
	ch.now_ms = clock_now_ms();
	ch.outcome = a->outcome;
	ch.where = where;
	ch.title = field(x, FIELD_TITLE);
	ch.subtitle = field(x, FIELD_SUBTITLE);
	ch.message = field(x, FIELD_MESSAGE);
	ch.color = change_color(env, r, a, x, FIELD_COLOR);
	ch.step_color = change_color(env, r, a, x, FIELD_STEP_COLOR);
	ch.icon_color = change_color(env, r, a, x, FIELD_ICON_COLOR);
	ch.badge_color = change_color(env, r, a, x, FIELD_BADGE_COLOR);
	ch.icon = removable(env, r, a, x, FIELD_ICON, model_symbol_ok);
	ch.step_colors = removable(env, r, a, x, FIELD_STEP_COLORS,
	    model_colors_ok);
	ch.badge = field(x, FIELD_BADGE);
	if (a->kind == ACTION_PAUSE || a->kind == ACTION_RESUME)
		ch.running = a->kind == ACTION_RESUME;
	ch.nbuttons = (int)expand_buttons(env, r, a, te, ch.button);
	for (i = 0; i < a->nmetrics; i++) {
		if (x->metric[i].len == 0)
			continue;
		ch.metric_label[ch.nmetrics] = a->metrics[i].label;
		ch.metric_value[ch.nmetrics++] = x->metric[i].data;
	}
	activities_apply(env->activities, a->activity, &ch, te);
	json_object_put(ch.button[0]);
	json_object_put(ch.button[1]);
}

static void
run_push(struct action_env *env, const struct rule *r,
    const struct action *a, struct expanded *x, const struct template_env *te)
{
	struct json_object	*buttons[BUTTONS_MAX];
	struct push		 p;
	long			 badge;

	memset(&p, 0, sizeof p);
	p.title = x->field[FIELD_TITLE].data;
	p.message = field(x, FIELD_MESSAGE);
	p.subtitle = field(x, FIELD_SUBTITLE);
	p.url = checked(env, r, a, x, FIELD_URL, model_url_ok);
	p.sound = checked(env, r, a, x, FIELD_SOUND, NULL);
	p.media = checked(env, r, a, x, FIELD_MEDIA, model_https_ok);
	p.payload = checked(env, r, a, x, FIELD_PAYLOAD, model_json_object_ok);
	p.badge = -1;
	if (x->set[FIELD_BADGE] && x->field[FIELD_BADGE].len > 0) {
		if (parse_whole(x->field[FIELD_BADGE].data, &badge) == 0)
			p.badge = badge;
		else
			action_warn(env, r, a, "badge",
			    x->field[FIELD_BADGE].data);
	}
	p.actions = buttons;
	p.nactions = expand_buttons(env, r, a, te, buttons);
	if (x->set[FIELD_CHANNELS] && x->field[FIELD_CHANNELS].len > 0)
		p.channels = model_channels_split(x->field[FIELD_CHANNELS].data);
	outbox_add(env->outbox, api_push_new(&p));
	model_channels_free(p.channels);
}

void
action_set(const struct action *a, const struct template_env *te,
    struct vars *vs, struct buf *name, struct buf *value)
{
	buf_init(name, VARS_NAME_MAX);
	template_expand(a->var_name, te, name);
	buf_init(value, VARS_VALUE_MAX);
	template_expand(a->var_value, te, value);
	if (!a->var_if_unset || *vars_get(vs, buf_str(name)) == '\0')
		vars_set(vs, buf_str(name), buf_str(value));
}

static void
run_action(struct action_env *env, const struct rule *r,
    const struct action *a, const struct template_env *te)
{
	struct expanded	x;
	struct buf	name, value;
	long		count;

	if (a->kind == ACTION_SET) {
		action_set(a, te, env->vars, &name, &value);
		buf_free(&name);
		buf_free(&value);
		return;
	}
	if (a->kind == ACTION_FAIL) {
		activities_fail(env->activities, a->activity);
		if (te->line != NULL && te->line != env->last_fail) {
			free(env->last_fail);
			env->last_fail = xstrndup(te->line, te->line_len > 1024 ?
			    1024 : te->line_len);
		}
		return;
	}
	expand_fields(a, te, &x);
	switch (a->kind) {
	case ACTION_PUSH:
		run_push(env, r, a, &x, te);
		break;
	case ACTION_METRIC:
		if (x.field[FIELD_VALUE].len == 0)
			action_warn(env, r, a, "value", "");
		else
			outbox_add(env->outbox, api_metric(a->metric_key,
			    x.field[FIELD_VALUE].data));
		break;
	case ACTION_BADGE:
		if (parse_whole(x.field[FIELD_COUNT].data, &count) != 0)
			action_warn(env, r, a, "count",
			    x.field[FIELD_COUNT].data);
		else
			outbox_add(env->outbox, api_badge(count));
		break;
	default:
		run_live_activity(env, r, a, &x, te);
		break;
	}
	expanded_free(&x, a->nmetrics);
}

void
action_exit(struct action_env *env, const struct ruleset *rs)
{
	struct template_env	 te;
	const struct rule	*r;
	struct rule_state	*st;
	size_t			 i, j;
	int			 fits;

	action_template_env(env, &te);
	if (env->last_fail != NULL) {
		te.line = env->last_fail;
		te.line_len = strlen(env->last_fail);
	}
	for (i = 0; i < rs->nexit_rules; i++) {
		r = rs->exit_rules[i];
		if (r->exit_on == EXIT_ON_SUCCESS)
			fits = env->exit_status == 0;
		else if (r->exit_on == EXIT_ON_FAILURE)
			fits = env->exit_status != 0;
		else
			fits = env->exit_status == r->exit_on;
		if (!fits)
			continue;
		st = &env->state[r->id];
		st->hits++;
		st->fired++;
		te.count = st->hits;
		for (j = 0; j < r->nactions; j++)
			run_action(env, r, &r->actions[j], &te);
	}
}

void
action_line_done(void *arg)
{
	struct action_env	*env = arg;

	activities_flush(env->activities);
}

void
action_tick(struct action_env *env, uint64_t now)
{
	if (env->events != NULL && events_expire(env->events, now) > 0)
		activities_flush(env->activities);
}

/* A rule matched: te has the line and its captures.  Returns its stop. */
static int
action_fire(struct action_env *env, const struct rule *r,
    struct template_env *te)
{
	struct rule_state	*st = &env->state[r->id];
	uint64_t		 now = clock_now_ms();
	size_t			 i;

	te->count = st->hits + 1;
	/* A rule whose if= or unless= says no did not match: no count, no stop. */
	if (!action_rule_takes(r, te))
		return 0;
	st->hits++;
	rule_sample(st, te->line, te->line_len);
	if (!rule_may_fire(env, r, st, now)) {
		st->suppressed++;
		return r->stop;
	}
	st->fired++;
	st->last_fired_ms = now;
	if (r->once_activity != NULL)
		st->fired_run = activities_run(env->activities,
		    r->once_activity);
	for (i = 0; i < r->nactions; i++)
		run_action(env, r, &r->actions[i], te);
	return r->stop;
}

void
action_event(void *arg, const struct rule *r, const struct event_capture *c)
{
	struct action_env	*env = arg;
	struct template_env	 te;

	action_template_env(env, &te);
	event_capture_env(c, &te);
	action_fire(env, r, &te);
}

int
action_match(const struct rule *r, const char *line, size_t len,
    pcre2_match_data *md, void *arg)
{
	struct action_env	*env = arg;
	struct template_env	 te;

	if (r->event != NULL && env->events != NULL) {
		events_start(env->events, r, line, len, md);
		return r->stop;
	}
	action_template_env(env, &te);
	te.line = line;
	te.line_len = len;
	te.ovector = pcre2_get_ovector_pointer(md);
	te.npairs = pcre2_get_ovector_count(md);
	return action_fire(env, r, &te);
}
