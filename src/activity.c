/*
 * activity.c: Live Activity state and transitions.
 *
 * Each declared activity is closed until a rule drives it.  The first change
 * starts it with the declaration's defaults plus the change; later changes
 * update it, but only when the state differs from what was last sent, and
 * progress only moves forward within one run.  An end sends the final state
 * in the color of its outcome and closes the activity, so the next change
 * starts a new run.  There are three outcomes: success (the job said so, or
 * its input ended), failure (a fail rule matched, or the job said so) and
 * interrupted (as-tail was stopped, its output cut, or the run went idle
 * before the job said how it ended), which also says in the subtitle where
 * the run stopped.  Bad values (step 9 of 7, 120%) are warned about once per
 * activity and ignored; they never reach the API.
 *
 * A segmented bar of more than ACTIVITY_SEGMENTS_MAX segments cannot be read
 * on the lock screen: such a run is drawn as a progress bar instead, at the
 * step's percentage of the total (a request that changes how the run is
 * drawn says the new type).
 *
 * A step counted without a total (make's compiler lines) is shown out of the
 * count the job's last successful run reached (history.c), or, on a first
 * run, out of one more than so far: a bar that counts up, never full until
 * the run succeeds.  Past the learned total, the total grows the same way.
 * Such a run whose rules give no subtitle gets the time left as one: the
 * last successful run's duration less the time this one has taken, or, on
 * a first run, that there is no estimate yet (activity_eta).
 *
 * The requests of one line wait for the line to be done (activities_flush):
 * a start and the step that the next rule gives on the same line go as one
 * start that carries the first real state, not a 0/N start that the update
 * replaces at once.
 *
 * Each run gets a new struct instance: for classic activities the sender
 * fills in its id from the start's reply; stream activities are named by
 * their key.  Unless the rules name one, a stream key is HOST-NAME-RUN,
 * where RUN names this run of as-tail (its start time and pid; kept in the
 * --state file), so that two jobs on one host never share a stream.
 *
 * iOS ends a Live Activity after 8 hours.  A stream is kept alive by the
 * service (it answers "rotated"); a classic activity is renewed here before
 * the mark: its Live Activity is ended, dismissed at once, and a new one is
 * started with the current state, the same run going on.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "activity.h"
#include "button.h"
#include "clock.h"
#include "history.h"
#include "msg.h"
#include "outbox.h"
#include "xmalloc.h"

/* The most segments a segmented bar is drawn with; see as-tail.rules(5). */
#define ACTIVITY_SEGMENTS_MAX	20
/* The longest run name as-tail makes or takes from a state file. */
#define RUN_ID_MAX	64
/* When a classic Live Activity is renewed: 15 minutes before 8 hours. */
#define RENEW_MS_DEFAULT	((8 * 3600 - 15 * 60) * 1000ULL)

/* Bad values already warned about, per activity. */
#define WARNED_STEP	0x1
#define WARNED_PERCENT	0x2
#define WARNED_VALUE	0x4
#define WARNED_METRICS	0x8
#define WARNED_DEFAULTS	0x10

struct activity {
	const struct activity_decl	*decl;
	enum api_kind		 api;
	int			 open;
	int			 runs;		/* runs started so far */
	int			 failed;
	int			 warned;
	struct instance		*instance;	/* the current run */
	char			*stream_key;
	int			 total_known;	/* steps= or total= seen */
	long			 learned;	/* counted: last run's count, or 0 */
	uint64_t		 started_ms;	/* when this run started, or 0 */
	uint64_t		 expected_ms;	/* last run's duration, or 0 */
	char			*eta;		/* the subtitle we last gave */
	uint64_t		 changed_ms;	/* when a rule last drove it */
	uint64_t		 began_ms;	/* when its Live Activity started */
	time_t			 began_s;	/* the same, as Unix time */
	int			 stalled;	/* the stall alert went out */
	struct content		 cur;		/* state after the last change */
	struct content		 sent;		/* state in the last request */
	enum activity_type	 sent_type;	/* how the last request drew it */
	int			 pending;	/* a start or update waits */
	int			 pending_start;	/* ... and it is the run's start */
};

struct activities {
	struct activity	*v;
	size_t		 n;
	struct outbox	*outbox;
	struct history	*history;	/* NULL: nothing is learned */
	char		 run_id[RUN_ID_MAX + 1];	/* in default stream keys */
	uint64_t	 renew_ms;	/* classic: renew a Live Activity this old */
};

/* Name this run of as-tail: "20261203-141502-4242", local time and pid. */
static void
activities_name_run(struct activities *as)
{
	struct tm	tm;
	time_t		now = time(NULL);
	char		when[32];

	if (localtime_r(&now, &tm) == NULL ||
	    strftime(when, sizeof when, "%Y%m%d-%H%M%S", &tm) == 0)
		snprintf(when, sizeof when, "%lld", (long long)now);
	snprintf(as->run_id, sizeof as->run_id, "%s-%ld", when,
	    (long)getpid());
}

struct activities *
activities_new(const struct ruleset *rs, struct outbox *ob, enum api_kind api)
{
	struct activities	*as;
	size_t			 i;

	as = xcalloc(1, sizeof *as);
	as->outbox = ob;
	as->renew_ms = RENEW_MS_DEFAULT;
	activities_name_run(as);
	as->n = rs->nactivities;
	as->v = xcalloc(as->n, sizeof *as->v);
	for (i = 0; i < as->n; i++) {
		as->v[i].decl = rs->activities[i];
		as->v[i].api = rs->activities[i]->api != API_DEFAULT ?
		    rs->activities[i]->api : api == API_CLASSIC ? API_CLASSIC :
		    API_STREAM;
		as->v[i].sent_type = rs->activities[i]->type;
		content_init(&as->v[i].cur);
		content_init(&as->v[i].sent);
	}
	return as;
}

void
activities_free(struct activities *as)
{
	size_t	i;

	if (as == NULL)
		return;
	for (i = 0; i < as->n; i++) {
		free(as->v[i].eta);
		content_free(&as->v[i].cur);
		content_free(&as->v[i].sent);
		instance_unref(as->v[i].instance);
		free(as->v[i].stream_key);
	}
	free(as->v);
	free(as);
}

void
activity_change_init(struct activity_change *c)
{
	memset(c, 0, sizeof *c);
	c->current = -1;
	c->percent = -1;
	c->running = -1;
}

/* The state of a declared activity: O(1), by its place in the rules. */
static struct activity *
activities_find(struct activities *as, const struct activity_decl *d)
{
	if (d->index < as->n && as->v[d->index].decl == d)
		return &as->v[d->index];
	msg_fatalx(1, "internal error: activity '%s' has no state", d->name);
}

void
activities_status(const struct activities *as, struct buf *b)
{
	const struct activity	*a;
	const struct content	*c;
	char			 text[128];
	size_t			 i;

	for (i = 0; i < as->n; i++) {
		if (!(a = &as->v[i])->open)
			continue;
		c = &a->cur;
		buf_addstr(b, "; ");
		buf_addstr(b, a->decl->name);
		if (c->current >= 0 && c->total > 0)
			snprintf(text, sizeof text, " %ld/%ld", c->current,
			    c->total);
		else if (c->percent >= 0)
			snprintf(text, sizeof text, " %.0f%%", c->percent);
		else
			snprintf(text, sizeof text, " open");
		buf_addstr(b, text);
		if (c->color != NULL) {
			buf_addstr(b, " ");
			buf_addstr(b, c->color);
		}
		if (a->failed)
			buf_addstr(b, " failed");
		if (a->stalled)
			buf_addstr(b, " stalled");
		if (outbox_slot_waiting(as->outbox, a->decl->name))
			buf_addstr(b, " waiting for a Live Activity slot");
	}
}

int
activities_open(const struct activities *as)
{
	size_t	i;
	int	n = 0;

	for (i = 0; i < as->n; i++)
		n += as->v[i].open;
	return n;
}

/* Longest text a declaration's template expands to. */
#define ACTIVITY_FIELD_MAX	4096

static void
activity_warn(struct activity *a, int what, const char *where,
    const char *fmt, long x, long y)
{
	char	text[256];

	if (a->warned & what)
		return;
	a->warned |= what;
	snprintf(text, sizeof text, fmt, x, y);
	msg_warnx("%s: %s: %s; ignored (warned once)", where, a->decl->name,
	    text);
}

/*
 * The declaration's icon and buttons, expanded; one that is not usable is
 * left out, after a warning (once per activity).
 */
static void
activity_default_extras(struct activity *a, const struct template_env *env)
{
	const struct activity_decl	*d = a->decl;
	struct content		*c = &a->cur;
	const char		*what;
	char			*text, where[512];
	size_t			 i;
	int			 n = 0;

	snprintf(where, sizeof where, "%s:%u", d->file, d->line);
	c->icon = template_expand_new(d->icon, env, ACTIVITY_FIELD_MAX);
	if (c->icon != NULL && !model_symbol_ok(c->icon)) {
		activity_warn(a, WARNED_DEFAULTS, where, "icon is not an SF "
		    "Symbol name", 0, 0);
		free(c->icon);
		c->icon = NULL;
	}
	for (i = 0; i < d->buttons.n; i++) {
		if ((c->button[n] = button_expand(&d->buttons.v[i], env, &what,
		    &text)) != NULL)
			n++;
		else if (what != NULL) {
			activity_warn(a, WARNED_DEFAULTS, where, "a button's "
			    "value is not usable", 0, 0);
			free(text);
		}
	}
}

/* The state a new run starts from: the declaration's defaults. */
static void
activity_defaults(struct activity *a, const struct template_env *env)
{
	const struct activity_decl	*d = a->decl;
	struct content		*c = &a->cur;

	content_free(c);
	c->title = template_expand_new(d->title, env,
	    ACTIVITY_FIELD_MAX);
	c->subtitle = template_expand_new(d->subtitle, env,
	    ACTIVITY_FIELD_MAX);
	c->message = template_expand_new(d->message, env,
	    ACTIVITY_FIELD_MAX);
	c->color = d->color;
	c->step_color = d->step_color;
	c->duration_s = d->duration_s;
	c->counts_down = d->counts_down;
	c->auto_dismiss_s = d->auto_dismiss_s;
	c->step_colors = d->step_colors != NULL ? xstrdup(d->step_colors) :
	    NULL;
	c->icon_color = d->icon_color;
	c->badge = template_expand_new(d->badge, env, ACTIVITY_FIELD_MAX);
	c->badge_color = d->badge_color;
	activity_default_extras(a, env);
	if (d->type == TYPE_SEGMENTED_PROGRESS) {
		c->total = d->steps > 0 ? d->steps : 1;
		c->current = 0;
		a->total_known = d->steps > 0;
	} else if (d->type == TYPE_PROGRESS)
		c->percent = 0;
}


static void
replace(char **dst, const char *src)
{
	if (src == NULL)
		return;
	free(*dst);
	*dst = *src == '\0' ? NULL : xstrdup(src);
}

/*
 * Apply the step fields of a change, keeping the API's rules.  Without a
 * total from steps= or total=, the total grows with the step: a counted
 * step, for tools that never say how many there will be.
 */
static void
apply_step(struct activity *a, struct content *n,
    const struct activity_change *in)
{
	struct activity_change	 advanced;
	const struct activity_change *ch = in;
	long			 total;

	/* current=+N counts from this run's step (a new run starts at 0). */
	if (in->advance > 0) {
		advanced = *in;
		advanced.current = (n->current < 0 ? 0 : n->current) +
		    in->advance;
		ch = &advanced;
	}
	if (ch->total > 0)
		a->total_known = 1;
	total = ch->total > 0 ? ch->total : n->total;
	if (ch->current < 0) {
		if (ch->total > 0 && n->current <= ch->total)
			n->total = ch->total;
		return;
	}
	if (!a->total_known)
		total = a->learned > 0 && ch->current <= a->learned ?
		    a->learned : ch->current + 1;
	if (ch->current > total) {
		activity_warn(a, WARNED_STEP, ch->where,
		    "step %ld is beyond %ld steps", ch->current, total);
		return;
	}
	if (a->open && ch->current < n->current && total == n->total)
		return;		/* progress only moves forward */
	n->current = ch->current;
	n->total = total;
}

static void
apply_progress(struct activity *a, struct content *n,
    const struct activity_change *ch)
{
	if (ch->percent >= 0) {
		if (ch->percent > 100) {
			activity_warn(a, WARNED_PERCENT, ch->where,
			    "%ld%% is not a percentage", (long)ch->percent, 0);
			return;
		}
		if (!a->open || ch->percent >= n->percent)
			n->percent = ch->percent;
		return;
	}
	if (ch->upper <= 0)
		return;
	if (ch->value < 0 || ch->value > ch->upper) {
		activity_warn(a, WARNED_VALUE, ch->where,
		    "value %ld is outside 0..%ld", (long)ch->value,
		    (long)ch->upper);
		return;
	}
	if (a->open && n->upper == ch->upper && ch->value < n->value)
		return;
	n->percent = -1;
	n->value = ch->value;
	n->upper = ch->upper;
}

static void
apply_metrics(struct activity *a, struct content *n,
    const struct activity_change *ch)
{
	int	i, j;

	for (i = 0; i < ch->nmetrics; i++) {
		for (j = 0; j < n->nmetrics; j++)
			if (strcmp(n->metrics[j].label, ch->metric_label[i]) == 0)
				break;
		if (j == CONTENT_MAX_METRICS) {
			activity_warn(a, WARNED_METRICS, ch->where,
			    "more than %ld metrics", CONTENT_MAX_METRICS, 0);
			continue;
		}
		if (j == n->nmetrics) {
			n->metrics[j].label = xstrdup(ch->metric_label[i]);
			n->nmetrics++;
		} else
			free(n->metrics[j].value);
		n->metrics[j].value = xstrdup(ch->metric_value[i]);
	}
}

/* Icon, badge, step colours, buttons and a timer's pause. */
static void
apply_extras(struct content *n, const struct activity_change *ch)
{
	int	i;

	replace(&n->icon, ch->icon);
	replace(&n->badge, ch->badge);
	replace(&n->step_colors, ch->step_colors);
	if (ch->icon_color != NULL)
		n->icon_color = ch->icon_color;
	if (ch->badge_color != NULL)
		n->badge_color = ch->badge_color;
	if (ch->running >= 0)
		n->running = ch->running;
	if (ch->nbuttons == 0)
		return;
	for (i = 0; i < 2; i++) {
		json_object_put(n->button[i]);
		n->button[i] = i < ch->nbuttons ?
		    json_object_get(ch->button[i]) : NULL;
	}
}

static void
apply_change(struct activity *a, const struct activity_change *ch)
{
	struct content	*n = &a->cur;

	replace(&n->title, ch->title);
	replace(&n->subtitle, ch->subtitle);
	replace(&n->message, ch->message);
	if (ch->color != NULL)
		n->color = ch->color;
	if (ch->step_color != NULL)
		n->step_color = ch->step_color;
	apply_extras(n, ch);
	apply_step(a, n, ch);
	apply_progress(a, n, ch);
	apply_metrics(a, n, ch);
	if (n->title == NULL)
		n->title = xstrdup(a->decl->name);
}

/* Make s a stream key: only [A-Za-z0-9_-], at most max bytes. */
static void
stream_key_clean(char *s, size_t max)
{
	char	*p;

	for (p = s; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
			*p = '-';
	if (strlen(s) > max)
		s[max] = '\0';
}

/*
 * A stream key from the declaration, or "HOST-NAME-RUN" (HOST-NAME cut so
 * that the run's name stays whole); only [A-Za-z0-9_-], at most 255 bytes.
 */
static char *
activity_stream_key(struct activities *as, struct activity *a,
    const struct template_env *env)
{
	char	*key, *prefix;

	if (a->decl->stream_key != NULL) {
		key = template_expand_new(a->decl->stream_key, env,
		    ACTIVITY_FIELD_MAX);
		stream_key_clean(key, STREAM_KEY_MAX);
		if (*key != '\0')
			return key;
		free(key);
	}
	prefix = xasprintf("%s-%s", template_host(), a->decl->name);
	stream_key_clean(prefix, STREAM_KEY_MAX - 1 - strlen(as->run_id));
	key = xasprintf("%s-%s", prefix, as->run_id);
	free(prefix);
	return key;
}

/*
 * The state as drawn: a segmented bar of too many segments becomes a
 * progress bar (in *shown, which the caller frees).  Returns the type.
 */
static enum activity_type
activity_shown(const struct activity *a, struct content *shown)
{
	content_copy(shown, &a->cur);
	if (a->decl->type != TYPE_SEGMENTED_PROGRESS ||
	    a->cur.total <= ACTIVITY_SEGMENTS_MAX)
		return a->decl->type;
	shown->percent = shown->current <= 0 ? 0 :
	    100.0 * (double)shown->current / (double)shown->total;
	shown->current = -1;
	shown->total = 0;
	return TYPE_PROGRESS;
}

static void
activity_send(struct activities *as, struct activity *a,
    enum request_kind kind, int first)
{
	const struct activity_decl	*d = a->decl;
	struct request		*r;
	struct content		 shown;
	enum activity_type	 type;

	content_init(&shown);
	type = activity_shown(a, &shown);
	r = api_live_activity(kind, first, d->name, type, &shown,
	    d->auto_dismiss_min, d->channels, a->instance, a->stream_key);
	if (!first && type != a->sent_type)
		api_say_type(r, type);
	a->sent_type = type;
	content_free(&shown);
	content_copy(&a->sent, &a->cur);
	outbox_add(as->outbox, r);
}

/* Start a new run with the current state; 0, or -1 if it cannot start. */
static int
activity_start(struct activities *as, struct activity *a,
    const struct template_env *env)
{
	char	where[512];

	if ((a->decl->type == TYPE_METRICS || a->decl->type == TYPE_STATS) &&
	    a->cur.nmetrics == 0) {
		snprintf(where, sizeof where, "%s:%u", a->decl->file,
		    a->decl->line);
		activity_warn(a, WARNED_METRICS, where, "cannot start without "
		    "a metric.LABEL= value", 0, 0);
		return -1;
	}
	a->runs++;
	instance_unref(a->instance);
	a->instance = instance_new();
	if (a->api == API_STREAM && a->stream_key == NULL)
		a->stream_key = activity_stream_key(as, a, env);
	a->open = 1;
	a->began_ms = a->changed_ms;
	a->began_s = time(NULL);
	a->pending = a->pending_start = 1;
	return 0;
}

/* Send what waits for the line to be done: the start, or an update. */
static void
activity_flush(struct activities *as, struct activity *a)
{
	if (!a->pending)
		return;
	if (a->pending_start)
		activity_send(as, a, a->api == API_CLASSIC ? REQUEST_START :
		    REQUEST_STREAM_PUT, 1);
	else if (!content_equal(&a->cur, &a->sent))
		activity_send(as, a, a->api == API_CLASSIC ? REQUEST_UPDATE :
		    REQUEST_STREAM_PUT, 0);
	a->pending = a->pending_start = 0;
}

void
activities_flush(struct activities *as)
{
	size_t	i;

	for (i = 0; i < as->n; i++)
		activity_flush(as, &as->v[i]);
}

/*
 * The time left in a counted run, into buf: "about 3 min left", "under a
 * minute left", "longer than last time (4m05s)", or "first run: no
 * estimate yet" for a job with no history.  NULL when there is nothing to
 * say: a total that is known, no job (the standard input), or a history
 * written before durations were kept.
 */
static const char *
activity_eta(const struct activities *as, const struct activity *a,
    uint64_t now_ms, char *buf, size_t size)
{
	char		took[32];
	uint64_t	elapsed, left;

	if (as->history == NULL || a->total_known || a->started_ms == 0 ||
	    a->decl->type != TYPE_SEGMENTED_PROGRESS)
		return NULL;
	if (a->learned == 0)
		return "first run: no estimate yet";
	if (a->expected_ms == 0)
		return NULL;
	elapsed = now_ms > a->started_ms ? now_ms - a->started_ms : 0;
	if (elapsed >= a->expected_ms) {
		clock_format_duration(a->expected_ms, took, sizeof took);
		snprintf(buf, size, "longer than last time (%s)", took);
		return buf;
	}
	left = a->expected_ms - elapsed;
	if (left < 60000)
		return "under a minute left";
	snprintf(buf, size, "about %llu min left",
	    (unsigned long long)((left + 59999) / 60000));
	return buf;
}

/* Whether the subtitle is the time left we gave, or none at all. */
static int
activity_eta_owns(const struct activity *a)
{
	return a->cur.subtitle == NULL ||
	    (a->eta != NULL && strcmp(a->cur.subtitle, a->eta) == 0);
}

/* Give a counted run whose rules set no subtitle the time left as one. */
static void
activity_set_eta(const struct activities *as, struct activity *a,
    uint64_t now_ms)
{
	const char	*eta;
	char		 buf[64];

	if (a->decl->subtitle != NULL || !activity_eta_owns(a) ||
	    (eta = activity_eta(as, a, now_ms, buf, sizeof buf)) == NULL)
		return;
	free(a->cur.subtitle);
	a->cur.subtitle = xstrdup(eta);
	free(a->eta);
	a->eta = xstrdup(eta);
}

/*
 * A classic Live Activity nears iOS's 8-hour limit: end it with the state
 * it shows, dismissed at once, and start a new one with that state.  The
 * run goes on (once=NAME, the failure flag and progress are kept).
 */
static void
activity_renew(struct activities *as, struct activity *a, uint64_t now)
{
	const struct activity_decl	*d = a->decl;
	struct content		 shown;
	enum activity_type	 type;

	msg_verbose(1, "%s: renewing its Live Activity before iOS ends it at "
	    "8 hours", d->name);
	activity_flush(as, a);
	content_init(&shown);
	type = activity_shown(a, &shown);
	outbox_add(as->outbox, api_live_activity(REQUEST_END, 0, d->name,
	    type, &shown, 0, NULL, a->instance, NULL));
	content_free(&shown);
	instance_unref(a->instance);
	a->instance = instance_new();
	a->began_ms = now;
	a->began_s = time(NULL);
	activity_send(as, a, REQUEST_START, 1);
}

/* The subtitle of an interrupted run: where it stopped. */
static char *
activity_stopped_at(const struct activity *a)
{
	const struct content	*c = &a->cur;

	if (a->decl->type == TYPE_SEGMENTED_PROGRESS && c->current >= 0)
		return xasprintf("interrupted at step %ld/%ld", c->current,
		    c->total);
	if (a->decl->type == TYPE_PROGRESS && c->percent >= 0)
		return xasprintf("interrupted at %g%%", c->percent);
	if (a->decl->type == TYPE_PROGRESS && c->upper > 0)
		return xasprintf("interrupted at %g of %g", c->value, c->upper);
	return xstrdup("interrupted");
}

/*
 * End the run.  OUTCOME_NONE is success unless a failure was seen; so is an
 * interruption after a failure: the job had failed before it was stopped.
 */
static void
activity_end(struct activities *as, struct activity *a, enum outcome outcome,
    const char *color)
{
	if (a->failed && (outcome == OUTCOME_NONE ||
	    outcome == OUTCOME_INTERRUPTED))
		outcome = OUTCOME_FAILURE;
	else if (outcome == OUTCOME_NONE)
		outcome = OUTCOME_SUCCESS;
	activity_flush(as, a);
	/* A counted run that succeeded is done: full, and remembered. */
	if (a->decl->type == TYPE_SEGMENTED_PROGRESS && !a->total_known &&
	    outcome == OUTCOME_SUCCESS && a->cur.current > 0) {
		a->cur.total = a->cur.current;
		history_record(as->history, a->decl->name, a->cur.current,
		    a->started_ms == 0 ? 0 : clock_now_ms() - a->started_ms);
	}
	/* The run is over: no time left to show. */
	if (a->eta != NULL && a->cur.subtitle != NULL && activity_eta_owns(a)) {
		free(a->cur.subtitle);
		a->cur.subtitle = NULL;
	}
	if (outcome == OUTCOME_INTERRUPTED) {
		free(a->cur.subtitle);
		a->cur.subtitle = activity_stopped_at(a);
	}
	if (color != NULL)
		a->cur.color = color;
	else if (outcome == OUTCOME_FAILURE)
		a->cur.color = a->decl->failure_color;
	else if (outcome == OUTCOME_INTERRUPTED)
		a->cur.color = a->decl->interrupted_color;
	else
		a->cur.color = a->decl->success_color;
	activity_send(as, a, a->api == API_CLASSIC ? REQUEST_END :
	    REQUEST_STREAM_DELETE, 0);
	a->open = 0;
	a->failed = 0;
}

void
activities_apply(struct activities *as, const struct activity_decl *d,
    const struct activity_change *ch, const struct template_env *env)
{
	struct activity	*a = activities_find(as, d);

	/* A timer that is not running cannot be paused or resumed. */
	if (!a->open && (ch->kind == ACTION_PAUSE || ch->kind == ACTION_RESUME))
		return;
	a->changed_ms = ch->now_ms;
	if (a->stalled) {
		a->stalled = 0;
		a->cur.color = a->decl->color;
	}
	if (a->open && ch->kind == ACTION_START)
		activity_end(as, a, OUTCOME_NONE, NULL);
	if (!a->open && ch->kind == ACTION_START)
		a->failed = 0;	/* a new run starts clean */
	if (!a->open) {
		activity_defaults(a, env);
		if (!a->total_known) {
			a->learned = history_expected(as->history,
			    a->decl->name);
			a->expected_ms = history_duration_ms(as->history,
			    a->decl->name);
		}
		a->started_ms = ch->now_ms;
	}
	apply_change(a, ch);
	activity_set_eta(as, a, ch->now_ms);
	if (!a->open) {
		if (activity_start(as, a, env) != 0)
			return;
	} else if (ch->kind != ACTION_END)
		a->pending = 1;
	if (ch->kind == ACTION_END)
		activity_end(as, a, ch->outcome, ch->color);
}

void
activities_set_history(struct activities *as, struct history *h)
{
	as->history = h;
}

int
activities_run(struct activities *as, const struct activity_decl *d)
{
	struct activity	*a = activities_find(as, d);

	return a->open ? a->runs : a->runs + 1;
}

void
activities_fail(struct activities *as, const struct activity_decl *d)
{
	struct activity	*a = activities_find(as, d);

	/* A failure before the first run counts for it; after a run, not. */
	if (a->open || a->runs == 0)
		a->failed = 1;
}

/* No rule drove an open activity for its stall= time: say so, once. */
static void
activity_stall(struct activities *as, struct activity *a)
{
	char	took[32], *title, *message;

	clock_format_duration(a->decl->stall_ms, took, sizeof took);
	title = xasprintf("%s: stalled", a->cur.title != NULL ? a->cur.title :
	    a->decl->name);
	message = xasprintf("no progress for %s", took);
	outbox_add(as->outbox, api_push(title, message, NULL, NULL, NULL));
	free(title);
	free(message);
	a->stalled = 1;
	a->cur.color = "orange";
	activity_send(as, a, a->api == API_CLASSIC ? REQUEST_UPDATE :
	    REQUEST_STREAM_PUT, 0);
}

void
activities_tick(struct activities *as, uint64_t now)
{
	struct activity	*a;
	size_t		 i;

	activities_flush(as);
	for (i = 0; i < as->n; i++) {
		a = &as->v[i];
		if (a->open && !a->stalled && a->decl->stall_ms > 0 &&
		    now - a->changed_ms >= a->decl->stall_ms)
			activity_stall(as, a);
		/*
		 * idle=: the run is over, but the job never said how it
		 * ended; the next change starts another run.
		 */
		if (a->open && a->decl->idle_ms > 0 &&
		    now - a->changed_ms >= a->decl->idle_ms)
			activity_end(as, a, OUTCOME_INTERRUPTED, NULL);
		if (a->open && a->api == API_CLASSIC &&
		    now - a->began_ms >= as->renew_ms)
			activity_renew(as, a, now);
	}
}

void
activities_renew_after(struct activities *as, uint64_t ms)
{
	as->renew_ms = ms;
}

struct json_object *
activities_save(struct activities *as)
{
	struct json_object	*list, *o;
	struct activity		*a;
	char			*id;
	size_t			 i;

	activities_flush(as);
	list = json_object_new_array();
	for (i = 0; i < as->n; i++) {
		a = &as->v[i];
		if (!a->open)
			continue;
		o = json_object_new_object();
		json_object_object_add(o, "name",
		    json_object_new_string(a->decl->name));
		json_object_object_add(o, "api", json_object_new_string(
		    a->api == API_STREAM ? "stream" : "classic"));
		if ((id = outbox_get_id(as->outbox, a->instance)) != NULL)
			json_object_object_add(o, "id",
			    json_object_new_string(id));
		free(id);
		if (a->stream_key != NULL)
			json_object_object_add(o, "stream_key",
			    json_object_new_string(a->stream_key));
		json_object_object_add(o, "failed",
		    json_object_new_boolean(a->failed));
		/* Unix time, not an age: that would rewrite the file each tick. */
		json_object_object_add(o, "began",
		    json_object_new_int64((int64_t)a->began_s));
		json_object_object_add(o, "content", content_save(&a->sent));
		json_object_array_add(list, o);
	}
	return list;
}

/*
 * Restore one saved activity; 0, or -1 if it does not fit these rules or
 * names an activity already restored (the first entry wins).
 */
static int
activity_restore(struct activities *as, struct json_object *o)
{
	struct json_object	*v, *content;
	struct activity		*a = NULL;
	const char		*name, *api, *id = NULL, *key = NULL;
	int64_t			 age_s;
	size_t			 i;

	if (!json_object_object_get_ex(o, "name", &v) ||
	    (name = json_object_get_string(v)) == NULL ||
	    !json_object_object_get_ex(o, "api", &v) ||
	    (api = json_object_get_string(v)) == NULL ||
	    !json_object_object_get_ex(o, "content", &content))
		return -1;
	for (i = 0; i < as->n; i++)
		if (strcmp(as->v[i].decl->name, name) == 0)
			a = &as->v[i];
	if (a == NULL || a->open || strcmp(api, a->api == API_STREAM ?
	    "stream" :
	    "classic") != 0)
		return -1;
	if (json_object_object_get_ex(o, "id", &v))
		id = json_object_get_string(v);
	if (json_object_object_get_ex(o, "stream_key", &v))
		key = json_object_get_string(v);
	if ((a->api == API_CLASSIC && id == NULL) ||
	    (a->api == API_STREAM && key == NULL))
		return -1;	/* its start was never answered */
	a->instance = instance_new();
	if (id != NULL)
		a->instance->id = xstrdup(id);
	if (key != NULL)
		a->stream_key = xstrdup(key);
	a->failed = json_object_object_get_ex(o, "failed", &v) &&
	    json_object_get_boolean(v);
	a->runs = 1;
	content_restore(&a->sent, content);
	content_copy(&a->cur, &a->sent);
	a->total_known = a->decl->steps > 0;
	a->changed_ms = clock_now_ms();
	a->began_ms = a->changed_ms;
	a->began_s = time(NULL);
	if (json_object_object_get_ex(o, "began", &v) &&
	    json_object_is_type(v, json_type_int)) {
		age_s = (int64_t)a->began_s - json_object_get_int64(v);
		if (age_s > 0 && (uint64_t)age_s * 1000 < a->changed_ms) {
			a->began_ms -= (uint64_t)age_s * 1000;
			a->began_s -= (time_t)age_s;
		}
	}
	a->open = 1;
	return 0;
}

const char *
activities_run_id(const struct activities *as)
{
	return as->run_id;
}

void
activities_set_run_id(struct activities *as, const char *id)
{
	size_t	len = strlen(id);

	if (len == 0 || len > RUN_ID_MAX ||
	    strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789_-") != len)
		return;
	memcpy(as->run_id, id, len + 1);
}

int
activities_restore(struct activities *as, struct json_object *list)
{
	size_t	i;
	int	n = 0;

	for (i = 0; i < json_object_array_length(list); i++)
		if (activity_restore(as, json_object_array_get_idx(list, i))
		    == 0)
			n++;
	return n;
}

void
activities_fail_all(struct activities *as)
{
	size_t	i;

	for (i = 0; i < as->n; i++)
		as->v[i].failed = 1;
}

void
activities_end_all(struct activities *as, enum outcome outcome)
{
	size_t	i;

	activities_flush(as);
	for (i = 0; i < as->n; i++)
		if (as->v[i].open)
			activity_end(as, &as->v[i], outcome, NULL);
}
