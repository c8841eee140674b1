/*
 * rules.c: loading rules files into a struct ruleset.
 *
 * A file is read whole, cut into tokens (rules-lex.c) and parsed statement by
 * statement: "include FILE", "activity NAME key=value..." and
 * "match /regex/flags [option...] action... [; action...]", and "event", a
 * match rule whose first line opens a multi-line event (event.c) that its
 * "while", "until" and "then" regexes go on with.  Nothing stops at
 * the first problem: each one becomes a "FILE:LINE:COL: message" string in
 * rs->errors and parsing carries on with the next statement, so that
 * --check reports everything in one run (as tmux's cfg.c does).
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "event.h"
#include "msg.h"
#include "number.h"
#include "rules-find.h"
#include "rules-lex.h"
#include "rules.h"
#include "xmalloc.h"

/* A rules file larger than this is refused: it is surely not one. */
#define RULES_MAX_SIZE		(4 * 1024 * 1024)
/* Includes nested deeper than this are a loop. */
#define RULES_MAX_DEPTH		16
/* A threshold remembers at most this many matches. */
#define RULES_MAX_THRESHOLD	10000

struct parser {
	struct ruleset	*rs;
	const char	*file;
	struct token	*tok;		/* the current statement */
	size_t		 ntok;
	int		 depth;
	int		 in_example;	/* actions are expectations */
	int		 in_event;	/* event_words end an action */
};

static const char *const statement_words[] = { "include", "activity",
    "match", "event", "example", "exit", "detect", NULL };
/* The words of an event statement besides options and actions. */
static const char *const event_words[] = { "while", "until", "then",
    "lines", "bytes", "timeout", NULL };
/* The rule options, in the order of option_words. */
enum option {
	OPTION_ONCE,
	OPTION_STOP,
	OPTION_THROTTLE,
	OPTION_COOLDOWN,
	OPTION_THRESHOLD,
	OPTION_IF,
	OPTION_UNLESS
};
#define NOPTIONS	(OPTION_UNLESS + 1)
static const char *const option_words[] = { "once", "stop", "throttle",
    "cooldown", "threshold", "if", "unless", NULL };
_Static_assert(sizeof option_words / sizeof option_words[0] == NOPTIONS + 1,
    "option_words must match enum option");

/* Indexed by enum action_kind. */
#define NACTIONS	(ACTION_RESUME + 1)
static const char *const action_words[] = { "push", "start", "step",
    "progress", "update", "end", "fail", "metric", "badge", "set", "pause",
    "resume", NULL };
_Static_assert(sizeof action_words / sizeof action_words[0] == NACTIONS + 1,
    "action_words must match enum action_kind");

/* Indexed by enum field. */
static const char *const field_words[] = { "title", "subtitle", "message",
    "url", "channels", "current", "total", "percent", "value", "max", "color",
    "step_color", "count", "sound", "badge", "media", "payload", "icon",
    "icon_color", "badge_color", "step_colors", NULL };
_Static_assert(sizeof field_words / sizeof field_words[0] == FIELD_LAST + 1,
    "field_words must match enum field");

/* The keys of an activity declaration, in the order of activity_words. */
enum activity_key {
	KEY_TYPE,
	KEY_TITLE,
	KEY_SUBTITLE,
	KEY_MESSAGE,
	KEY_STEPS,
	KEY_DURATION,
	KEY_AUTO_DISMISS,
	KEY_COLOR,
	KEY_STEP_COLOR,
	KEY_STEP_COLORS,
	KEY_ICON,
	KEY_ICON_COLOR,
	KEY_BADGE,
	KEY_BADGE_COLOR,
	KEY_COUNTS_DOWN,
	KEY_SUCCESS_COLOR,
	KEY_FAILURE_COLOR,
	KEY_STREAM,
	KEY_API,
	KEY_CHANNELS,
	KEY_STALL,
	KEY_IDLE,
	KEY_INTERRUPTED_COLOR
};
#define NKEYS	(KEY_INTERRUPTED_COLOR + 1)
static const char *const activity_words[] = { "type", "title", "subtitle",
    "message", "steps", "duration", "auto_dismiss", "color", "step_color",
    "step_colors", "icon", "icon_color", "badge", "badge_color", "counts_down",
    "success_color", "failure_color", "stream", "api", "channels", "stall",
    "idle", "interrupted_color", NULL };
_Static_assert(sizeof activity_words / sizeof activity_words[0] == NKEYS + 1,
    "activity_words must match enum activity_key");

#define F(x) (1u << (x))
#define LA_FIELDS (F(FIELD_TITLE) | F(FIELD_SUBTITLE) | F(FIELD_MESSAGE) | \
    F(FIELD_CURRENT) | F(FIELD_TOTAL) | F(FIELD_PERCENT) | F(FIELD_VALUE) | \
    F(FIELD_MAX) | F(FIELD_COLOR) | F(FIELD_STEP_COLOR) | F(FIELD_ICON) | \
    F(FIELD_ICON_COLOR) | F(FIELD_BADGE) | F(FIELD_BADGE_COLOR) | \
    F(FIELD_STEP_COLORS))

/* Which fields each action takes, indexed by enum action_kind. */
static const unsigned action_fields[] = {
	F(FIELD_TITLE) | F(FIELD_SUBTITLE) | F(FIELD_MESSAGE) | F(FIELD_URL) |
	    F(FIELD_CHANNELS) | F(FIELD_SOUND) | F(FIELD_BADGE) |
	    F(FIELD_MEDIA) | F(FIELD_PAYLOAD),		/* push */
	LA_FIELDS,					/* start */
	LA_FIELDS,					/* step */
	LA_FIELDS,					/* progress */
	LA_FIELDS,					/* update */
	LA_FIELDS,					/* end */
	0,						/* fail */
	F(FIELD_VALUE),					/* metric */
	F(FIELD_COUNT),					/* badge */
	0,						/* set */
	0,						/* pause */
	0,						/* resume */
};
_Static_assert(sizeof action_fields / sizeof action_fields[0] == NACTIONS,
    "action_fields must match enum action_kind");

/*
 * The words that may follow a rule's regex: option_words, then
 * action_words, NULL-terminated; built from them on first use.
 */
static const char *const *
rule_words(void)
{
	static const char	*v[NOPTIONS + NACTIONS + 1];
	size_t			 i;

	if (v[0] != NULL)
		return v;
	for (i = 0; i < NOPTIONS; i++)
		v[i] = option_words[i];
	for (i = 0; i < NACTIONS; i++)
		v[NOPTIONS + i] = action_words[i];
	return v;
}

static void parser_error(struct parser *, unsigned, unsigned, const char *,
    ...) __attribute__((format(printf, 4, 5)));
static void ruleset_error_at(struct ruleset *, const char *, unsigned,
    unsigned, const char *, ...) __attribute__((format(printf, 5, 6)));

/* Append text (taken) as an error at file:line:col (file may be NULL). */
static void
ruleset_add_error(struct ruleset *rs, const char *file, unsigned line,
    unsigned col, char *text)
{
	rs->errors = xreallocarray(rs->errors, rs->nerrors + 1,
	    sizeof *rs->errors);
	rs->error_at = xreallocarray(rs->error_at, rs->nerrors + 1,
	    sizeof *rs->error_at);
	rs->error_at[rs->nerrors].file = file == NULL ? NULL : xstrdup(file);
	rs->error_at[rs->nerrors].line = line;
	rs->error_at[rs->nerrors].col = col;
	rs->errors[rs->nerrors++] = text;
}

void
ruleset_errorf(struct ruleset *rs, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	ruleset_add_error(rs, NULL, 0, 0, xvasprintf(fmt, ap));
	va_end(ap);
}

/* An error at file:line:col: "FILE:LINE:COL: message". */
static void
ruleset_error_at(struct ruleset *rs, const char *file, unsigned line,
    unsigned col, const char *fmt, ...)
{
	va_list	 ap;
	char	 msg[1024];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	ruleset_add_error(rs, file, line, col, xasprintf("%s:%u:%u: %s", file,
	    line, col, msg));
}

static void
parser_error(struct parser *p, unsigned line, unsigned col, const char *fmt,
    ...)
{
	va_list	 ap;
	char	 msg[1024];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	ruleset_error_at(p->rs, p->file, line, col, "%s", msg);
}

/*
 * Edit distance counting a swap of two neighbours as one edit (optimal
 * string alignment), for did-you-mean; words of up to 31 bytes.
 */
static size_t
edit_distance(const char *a, const char *b)
{
	size_t	la = strlen(a), lb = strlen(b), i, j, d, best;
	size_t	m[32][32];

	if (la >= 32 || lb >= 32)
		return SIZE_MAX;
	for (i = 0; i <= la; i++)
		m[i][0] = i;
	for (j = 0; j <= lb; j++)
		m[0][j] = j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			best = m[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if ((d = m[i - 1][j] + 1) < best)
				best = d;
			if ((d = m[i][j - 1] + 1) < best)
				best = d;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && (d = m[i - 2][j - 2] + 1) < best)
				best = d;
			m[i][j] = best;
		}
	}
	return m[la][lb];
}

/* Return " (did you mean 'x'?)" for the closest word, or "". */
static const char *
did_you_mean(const char *word, const char *const *words, char *out,
    size_t size)
{
	const char	*best = NULL;
	size_t		 d, bestd = 3;

	for (; *words != NULL; words++) {
		if ((d = edit_distance(word, *words)) < bestd) {
			bestd = d;
			best = *words;
		}
	}
	if (best == NULL || strlen(word) < 2)
		return "";
	snprintf(out, size, " (did you mean '%s'?)", best);
	return out;
}

static int
word_index(const char *word, const char *const *words)
{
	int	i;

	for (i = 0; words[i] != NULL; i++)
		if (strcmp(word, words[i]) == 0)
			return i;
	return -1;
}

const char *
rules_action_name(enum action_kind kind)
{
	return action_words[kind];
}

const char *
rules_field_name(enum field f)
{
	return field_words[f];
}

int
rules_parse_duration(const char *s, uint64_t *ms)
{
	char		*end;
	double		 v;
	uint64_t	 unit;
	size_t		 n;

	/* Digits, an optional fraction, a unit: no signs, hex or exponents. */
	n = strspn(s, "0123456789");
	if (n == 0)
		return -1;
	if (s[n] == '.' && strspn(s + n + 1, "0123456789") > 0)
		n += 1 + strspn(s + n + 1, "0123456789");
	v = strtod(s, &end);
	if (end != s + n)
		return -1;
	if (strcmp(end, "ms") == 0)
		unit = 1;
	else if (*end == '\0' || strcmp(end, "s") == 0)
		unit = 1000;
	else if (strcmp(end, "m") == 0)
		unit = 60 * 1000;
	else if (strcmp(end, "h") == 0)
		unit = 3600 * 1000;
	else if (strcmp(end, "d") == 0)
		unit = 86400 * 1000;
	else
		return -1;
	if (v * (double)unit > 1e15)
		return -1;
	*ms = (uint64_t)(v * (double)unit);
	return 0;
}

/* Parse a whole number from 0 to max; return 0 or -1. */
static int
parse_long(const char *s, long max, long *out)
{
	return number_parse_long(s, strlen(s), max, out);
}

/* Parse a template, reporting a bad reference at its column. */
static struct template *
parse_template(struct parser *p, const char *text, unsigned line,
    unsigned col, const pcre2_code *re)
{
	struct template	*t;
	const char	*key;
	char		*cause = NULL;
	size_t		 errcol = 0;

	if ((t = template_parse(text, re, &cause, &errcol)) == NULL) {
		parser_error(p, line, col + (unsigned)errcol, "%s", cause);
		free(cause);
	}
	if ((key = strstr(text, "${env:" TEMPLATE_KEY_VAR "}")) != NULL)
		msg_warnx("%s:%u:%u: ${env:%s} is always empty: the API key is "
		    "never sent as text", p->file, line, col +
		    (unsigned)(key - text), TEMPLATE_KEY_VAR);
	return t;
}

/* Check the value of a field when it is plain text, as the API would. */
static void
check_field(struct parser *p, struct token *t, enum field f,
    enum action_kind kind)
{
	const char	*v = t->value, *why = NULL;
	char		*end;
	double		 d;
	long		 l;

	if (strchr(v, '$') != NULL)
		return;
	switch (f) {
	case FIELD_BADGE:
		if (kind == ACTION_PUSH && parse_long(v, INT_MAX, &l) != 0)
			why = "badge must be a whole number";
		break;
	case FIELD_MEDIA:
		if (!model_https_ok(v))
			why = "media must start with https://";
		break;
	case FIELD_PAYLOAD:
		if (!model_json_object_ok(v))
			why = "payload must be a JSON object, such as "
			    "'{\"job\":\"$1\"}'";
		break;
	case FIELD_ICON:
		if (!model_symbol_ok(v))
			why = "icon must be an SF Symbol name, such as "
			    "hammer.fill";
		break;
	case FIELD_STEP_COLORS:
		if (!model_colors_ok(v))
			why = "step_colors must be a comma-separated list of "
			    "colors";
		break;
	case FIELD_COLOR:
	case FIELD_STEP_COLOR:
	case FIELD_ICON_COLOR:
	case FIELD_BADGE_COLOR:
		if (model_color(v) == NULL) {
			char	hint[64];

			parser_error(p, t->line, t->value_col,
			    "unknown color '%s'%s", v,
			    did_you_mean(v, model_colors, hint, sizeof hint));
		}
		break;
	case FIELD_PERCENT:
		d = strtod(v, &end);
		if (end == v || *end != '\0' || d < 0 || d > 100)
			parser_error(p, t->line, t->value_col,
			    "percent must be a number from 0 to 100");
		break;
	case FIELD_CURRENT:
	case FIELD_TOTAL:
	case FIELD_COUNT:
		if (f == FIELD_CURRENT && *v == '+')
			v++;	/* current=+N: N more steps */
		if (parse_long(v, INT_MAX, &l) != 0)
			parser_error(p, t->line, t->value_col,
			    "%s must be a whole number", t->text);
		else if (f == FIELD_TOTAL && l == 0)
			parser_error(p, t->line, t->value_col,
			    "total must be at least 1");
		break;
	case FIELD_URL:
		if (!model_url_ok(v))
			parser_error(p, t->line, t->value_col,
			    "url must start with https:// or shortcuts://");
		break;
	case FIELD_CHANNELS:
		if (!model_channels_ok(v))
			parser_error(p, t->line, t->value_col,
			    "channels must be a comma-separated list of "
			    "channel slugs");
		break;
	default:
		break;
	}
	if (why != NULL)
		parser_error(p, t->line, t->value_col, "%s", why);
}

static int
metric_key_ok(const char *s)
{
	size_t	len = strlen(s), i;

	if (len == 0 || len > 64 || !(islower((unsigned char)s[0]) ||
	    isdigit((unsigned char)s[0])))
		return 0;
	for (i = 1; i < len; i++)
		if (!islower((unsigned char)s[i]) &&
		    !isdigit((unsigned char)s[i]) && strchr("_.-", s[i]) == NULL)
			return 0;
	return 1;
}

/* A "metric.LABEL=VALUE" argument of a Live Activity action. */
static void
parse_metric_arg(struct parser *p, struct token *t, struct action *a,
    const pcre2_code *re)
{
	struct metric_arg	*m;
	struct template		*value;
	const char		*label = t->text + strlen("metric.");

	if (*label == '\0') {
		parser_error(p, t->line, t->col, "metric.LABEL needs a label");
		return;
	}
	if (a->nmetrics == 8) {
		parser_error(p, t->line, t->col,
		    "a Live Activity shows at most 8 metrics");
		return;
	}
	if ((value = parse_template(p, t->value, t->line, t->value_col,
	    re)) == NULL)
		return;
	a->metrics = xreallocarray(a->metrics, a->nmetrics + 1,
	    sizeof *a->metrics);
	m = &a->metrics[a->nmetrics++];
	m->label = xstrdup(label);
	m->value = value;
}

/* did_you_mean among the fields that an action of kind takes. */
static const char *
field_hint(const char *word, enum action_kind kind, char *out, size_t size)
{
	const char	*taken[FIELD_LAST + 1];
	size_t		 i, n = 0;

	for (i = 0; field_words[i] != NULL; i++)
		if (action_fields[kind] & F(i))
			taken[n++] = field_words[i];
	taken[n] = NULL;
	return did_you_mean(word, taken, out, size);
}

/* Whether an action of kind sets a Live Activity's fields. */
static int
action_is_live(enum action_kind kind)
{
	return kind == ACTION_START || kind == ACTION_STEP ||
	    kind == ACTION_PROGRESS || kind == ACTION_UPDATE ||
	    kind == ACTION_END;
}

/* How many buttons an action shows; 0 if it takes none. */
static size_t
action_buttons_max(enum action_kind kind)
{
	if (kind == ACTION_PUSH)
		return BUTTONS_MAX;
	return action_is_live(kind) ? BUTTONS_ACTIVITY_MAX : 0;
}

/* A button's key=value (see button.h). */
static void
parse_button_pair(struct parser *p, struct token *t, struct buttons *bs,
    size_t max, const pcre2_code *re)
{
	struct template	*v = NULL;
	const char	*why;
	int		 at_value;

	if (strcmp(t->text, "method") != 0 && (v = parse_template(p, t->value,
	    t->line, t->value_col, re)) == NULL)
		return;
	if ((why = buttons_take(bs, max, t->text, t->value, v, t->line,
	    t->col, &at_value)) != NULL)
		parser_error(p, t->line, at_value ? t->value_col : t->col, "%s",
		    why);
}

/* A key=value argument of an action. */
static void
parse_action_pair(struct parser *p, struct token *t, struct action *a,
    const pcre2_code *re)
{
	char	 hint[64];
	int	 f;

	if (button_key(t->text) && action_buttons_max(a->kind) > 0) {
		parse_button_pair(p, t, &a->buttons,
		    action_buttons_max(a->kind), re);
		return;
	}

	if (strncmp(t->text, "metric.", 7) == 0 && action_is_live(a->kind)) {
		parse_metric_arg(p, t, a, re);
		return;
	}
	f = word_index(t->text, field_words);
	if (f < 0 || (action_fields[a->kind] & F(f)) == 0) {
		parser_error(p, t->line, t->col, "%s takes no '%s'%s",
		    action_words[a->kind], t->text, f >= 0 ? "" :
		    field_hint(t->text, a->kind, hint, sizeof hint));
		return;
	}
	if (a->field[f] != NULL) {
		parser_error(p, t->line, t->col, "'%s' given twice", t->text);
		return;
	}
	check_field(p, t, (enum field)f, a->kind);
	a->field[f] = parse_template(p, t->value, t->line, t->value_col, re);
}

/*
 * The NAME=VALUE of a set action; NAME?=VALUE sets only a name that is not
 * set.  Both are templates.
 */
static void
parse_set_pair(struct parser *p, struct token *t, struct action *a,
    const pcre2_code *re)
{
	size_t	len = strlen(t->text);

	if (a->var_name != NULL) {
		parser_error(p, t->line, t->col, "set takes one NAME=VALUE; "
		    "put ';' between sets");
		return;
	}
	if (len > 0 && t->text[len - 1] == '?') {
		a->var_if_unset = 1;
		t->text[--len] = '\0';
	}
	if (len == 0) {
		parser_error(p, t->line, t->col, "set needs a variable name");
		return;
	}
	a->var_name = parse_template(p, t->text, t->line, t->col, re);
	a->var_value = parse_template(p, t->value, t->line, t->value_col, re);
}

/* The positional words after an action keyword; return the next index. */
static size_t
parse_action_words(struct parser *p, size_t i, struct action *a)
{
	struct token	*t;

	if (a->kind == ACTION_PUSH || a->kind == ACTION_BADGE ||
	    a->kind == ACTION_SET)
		return i;
	if (i >= p->ntok || p->tok[i].kind != TOK_WORD ||
	    word_index(p->tok[i].text, action_words) >= 0) {
		t = &p->tok[i - 1];
		parser_error(p, t->line, t->col, "%s needs %s",
		    action_words[a->kind], a->kind == ACTION_METRIC ?
		    "a metric key" : "an activity name");
		return i;
	}
	t = &p->tok[i++];
	if (a->kind == ACTION_METRIC) {
		if (!metric_key_ok(t->text))
			parser_error(p, t->line, t->col, "bad metric key '%s': "
			    "use a-z, 0-9, '_', '.', '-', at most 64",
			    t->text);
		a->metric_key = xstrdup(t->text);
		return i;
	}
	a->activity_name = xstrdup(t->text);
	if (a->kind == ACTION_END && i < p->ntok &&
	    p->tok[i].kind == TOK_WORD) {
		if (strcmp(p->tok[i].text, "success") == 0)
			a->outcome = OUTCOME_SUCCESS, i++;
		else if (strcmp(p->tok[i].text, "failure") == 0)
			a->outcome = OUTCOME_FAILURE, i++;
	}
	return i;
}

/* Check that an action has what it needs. */
static void
check_action(struct parser *p, struct action *a)
{
	const struct button_arg	*b;
	const char		*missing = NULL, *why;

	if ((why = buttons_check(&a->buttons, &b)) != NULL) {
		parser_error(p, b->line, b->col, "%s", why);
		return;
	}
	if (a->field[FIELD_MEDIA] != NULL && a->buttons.n > 0) {
		b = &a->buttons.v[0];
		parser_error(p, b->line, b->col, "a push cannot show both "
		    "media= and buttons");
		return;
	}

	switch (a->kind) {
	case ACTION_PUSH:
		if (a->field[FIELD_TITLE] == NULL)
			missing = "push needs title=";
		break;
	case ACTION_STEP:
		if (a->field[FIELD_CURRENT] == NULL)
			missing = "step needs current=";
		break;
	case ACTION_PROGRESS:
		if (a->field[FIELD_PERCENT] == NULL &&
		    (a->field[FIELD_VALUE] == NULL ||
		    a->field[FIELD_MAX] == NULL))
			missing = "progress needs percent=, or value= and max=";
		break;
	case ACTION_METRIC:
		if (a->field[FIELD_VALUE] == NULL)
			missing = "metric needs value=";
		break;
	case ACTION_BADGE:
		if (a->field[FIELD_COUNT] == NULL)
			missing = "badge needs count=";
		break;
	case ACTION_SET:
		if (a->var_name == NULL)
			missing = "set needs NAME=VALUE";
		break;
	default:
		break;
	}
	if (missing == NULL && (a->field[FIELD_VALUE] == NULL) !=
	    (a->field[FIELD_MAX] == NULL) && a->kind != ACTION_METRIC)
		missing = "value= and max= go together";
	if (missing != NULL)
		parser_error(p, a->line, a->col, "%s", missing);
}

/* The regex whose captures the templates of r may name. */
static const pcre2_code *
rule_captures(const struct rule *r)
{
	return r->event != NULL ? r->event->names : r->re;
}

/* Parse one action starting at token i; return the index after it. */
static size_t
parse_action(struct parser *p, size_t i, struct rule *r)
{
	struct token	*t = &p->tok[i];
	struct action	*a;
	char		 hint[64];
	size_t		 errors = p->rs->nerrors;

	r->actions = xreallocarray(r->actions, r->nactions + 1,
	    sizeof *r->actions);
	a = &r->actions[r->nactions++];
	memset(a, 0, sizeof *a);
	a->kind = (enum action_kind)word_index(t->text, action_words);
	a->line = t->line;
	a->col = t->col;
	i = parse_action_words(p, i + 1, a);
	for (; i < p->ntok; i++) {
		t = &p->tok[i];
		if (t->kind == TOK_SEMI) {
			i++;
			break;
		}
		if (p->in_event && (t->kind == TOK_WORD || t->kind == TOK_PAIR) &&
		    word_index(t->text, event_words) >= 0)
			break;
		if (t->kind == TOK_PAIR && a->kind == ACTION_SET &&
		    (a->var_name == NULL ||
		    word_index(t->text, option_words) < 0)) {
			parse_set_pair(p, t, a, rule_captures(r));
			continue;
		}
		if (t->kind == TOK_PAIR &&
		    word_index(t->text, option_words) < 0) {
			parse_action_pair(p, t, a, rule_captures(r));
			continue;
		}
		if ((t->kind == TOK_WORD || t->kind == TOK_PAIR) &&
		    (word_index(t->text, action_words) >= 0 ||
		    word_index(t->text, option_words) >= 0))
			break;
		parser_error(p, t->line, t->col, "unexpected %s'%s' in %s%s",
		    t->kind == TOK_REGEX ? "regex " : "", t->text,
		    action_words[a->kind], t->kind != TOK_WORD ? "" :
		    did_you_mean(t->text, action_words, hint, sizeof hint));
	}
	if (p->rs->nerrors == errors && !p->in_example)
		check_action(p, a);
	return i;
}

/* A rule option (once, stop, throttle=, threshold=); 0 if t is not one. */
static int
parse_option(struct parser *p, struct token *t, struct rule *r)
{
	struct template	**cond;
	char		 *slash;
	long		  n;
	int		  which;

	if ((which = word_index(t->text, option_words)) < 0)
		return 0;
	if ((which == OPTION_STOP && t->kind != TOK_WORD) ||
	    (which > OPTION_STOP && t->kind == TOK_WORD)) {
		parser_error(p, t->line, t->col, which == OPTION_STOP ?
		    "'%s' takes no value" : "'%s' needs a value", t->text);
		return 1;
	}
	switch (which) {
	case OPTION_ONCE:
		r->once = 1;
		free(r->once_name);	/* given twice: the last wins */
		r->once_name = t->kind == TOK_PAIR ? xstrdup(t->value) : NULL;
		break;
	case OPTION_STOP:
		r->stop = 1;
		break;
	case OPTION_THROTTLE:
	case OPTION_COOLDOWN:
		if (rules_parse_duration(t->value, &r->throttle_ms) != 0 ||
		    r->throttle_ms == 0)
			parser_error(p, t->line, t->value_col,
			    "bad duration '%s': use e.g. 500ms, 30s, 5m, 2h",
			    t->value);
		break;
	case OPTION_THRESHOLD:
		slash = strchr(t->value, '/');
		if (slash != NULL)
			*slash = '\0';
		if (slash == NULL || parse_long(t->value, RULES_MAX_THRESHOLD,
		    &n) != 0 || n < 1 || rules_parse_duration(slash + 1,
		    &r->threshold_ms) != 0 || r->threshold_ms == 0) {
			parser_error(p, t->line, t->value_col,
			    "threshold must be COUNT/DURATION, e.g. 5/1m, "
			    "with COUNT from 1 to %d", RULES_MAX_THRESHOLD);
			break;
		}
		r->threshold_n = (unsigned)n;
		break;
	case OPTION_IF:
	case OPTION_UNLESS:
		cond = which == OPTION_IF ? &r->cond : &r->cond_not;
		if (*cond != NULL)
			parser_error(p, t->line, t->col, "'%s' given twice",
			    t->text);
		else
			*cond = parse_template(p, t->value, t->line,
			    t->value_col, rule_captures(r));
		break;
	}
	return 1;
}

/*
 * Compile the regex token t with its flags, giving its PCRE2 options in
 * *options; NULL after reporting the error.
 */
static pcre2_code *
compile_pattern(struct parser *p, struct token *t, uint32_t *options)
{
	pcre2_compile_context	*cc;
	pcre2_code		*re;
	PCRE2_UCHAR		 msg[256];
	PCRE2_SIZE		 erroff;
	const char		*f;
	int			 error;

	*options = 0;
	for (f = t->flags; *f != '\0'; f++) {
		switch (*f) {
		case 'i':
			*options |= PCRE2_CASELESS;
			break;
		case 'x':
			*options |= PCRE2_EXTENDED;
			break;
		case 's':
			*options |= PCRE2_DOTALL;
			break;
		case 'u':
			*options |= PCRE2_UTF | PCRE2_UCP |
			    PCRE2_MATCH_INVALID_UTF;
			break;
		default:
			parser_error(p, t->line, t->col + (unsigned)strlen(
			    t->text) + 2 + (unsigned)(f - t->flags),
			    "unknown regex flag '%c': use i, x, s or u", *f);
			return NULL;
		}
	}
	cc = pcre2_compile_context_create(NULL);
	pcre2_set_newline(cc, PCRE2_NEWLINE_ANYCRLF);
	re = pcre2_compile((PCRE2_SPTR)t->text, PCRE2_ZERO_TERMINATED,
	    *options, &error, &erroff, cc);
	pcre2_compile_context_free(cc);
	if (re == NULL) {
		pcre2_get_error_message(error, msg, sizeof msg);
		if (erroff > strlen(t->text))
			erroff = strlen(t->text);
		parser_error(p, t->line, (unsigned)t->map[erroff],
		    "bad regex: %s (at offset %zu)", (char *)msg,
		    (size_t)erroff);
	}
	return re;
}

/* Compile the regex of a rule; 0 or -1 after reporting the error. */
static int
compile_regex(struct parser *p, struct token *t, struct rule *r)
{
	snprintf(r->flags, sizeof r->flags, "%.7s", t->flags);
	r->re = compile_pattern(p, t, &r->options);
	return r->re == NULL ? -1 : 0;
}

static void
rule_free(struct rule *r)
{
	size_t	i, j;
	int	f;

	if (r == NULL)
		return;
	for (i = 0; i < r->nactions; i++) {
		struct action	*a = &r->actions[i];

		free(a->activity_name);
		free(a->metric_key);
		for (f = 0; f < FIELD_LAST; f++)
			template_free(a->field[f]);
		for (j = 0; j < a->nmetrics; j++) {
			free(a->metrics[j].label);
			template_free(a->metrics[j].value);
		}
		free(a->metrics);
		buttons_free(&a->buttons);
		template_free(a->var_name);
		template_free(a->var_value);
	}
	free(r->actions);
	free(r->pattern);
	free(r->once_name);
	template_free(r->cond);
	template_free(r->cond_not);
	event_spec_free(r->event);
	free(r->file);
	pcre2_code_free(r->re);
	free(r);
}

/* A new rule for the current statement; pattern is what it is shown as. */
static struct rule *
rule_new(struct parser *p, const char *pattern)
{
	struct rule	*r;

	r = xcalloc(1, sizeof *r);
	r->file = xstrdup(p->file);
	r->line = p->tok[0].line;
	r->col = p->tok[0].col;
	r->pattern = xstrdup(pattern);
	return r;
}

/* How many tokens the event word at i takes (a clause: with its regex). */
static size_t
event_word_len(struct parser *p, size_t i)
{
	return p->tok[i].kind == TOK_WORD && i + 1 < p->ntok &&
	    p->tok[i + 1].kind == TOK_REGEX ? 2 : 1;
}

/* A clause of an event, with its regex: "while", "until" or "then". */
static void
parse_event_clause(struct parser *p, size_t i, struct event_spec *spec)
{
	struct token		 *t = &p->tok[i];
	struct event_clause	**v = &spec->cont;
	size_t			 *n = &spec->ncont;
	pcre2_code		 *re;
	uint32_t		  options;

	if (t->kind != TOK_WORD || event_word_len(p, i) != 2) {
		parser_error(p, t->line, t->col, "'%s' needs a /regex/",
		    t->text);
		return;
	}
	if (strcmp(t->text, "until") == 0 && spec->until.re != NULL) {
		parser_error(p, t->line, t->col, "'until' given twice");
		return;
	}
	if ((re = compile_pattern(p, &p->tok[i + 1], &options)) == NULL)
		return;
	if (strcmp(t->text, "until") == 0) {
		spec->until.re = re;
		return;
	}
	if (strcmp(t->text, "then") == 0) {
		v = &spec->then;
		n = &spec->nthen;
	}
	*v = xreallocarray(*v, *n + 1, sizeof **v);
	memset(&(*v)[*n], 0, sizeof (*v)[*n]);
	(*v)[(*n)++].re = re;
}

/* A limit of an event: lines=N, bytes=N[k], timeout=DURATION. */
static void
parse_event_limit(struct parser *p, struct token *t, struct event_spec *spec)
{
	size_t	len;
	long	n;
	int	kib;

	if (t->kind != TOK_PAIR) {
		parser_error(p, t->line, t->col, "'%s' needs a value",
		    t->text);
		return;
	}
	if (strcmp(t->text, "lines") == 0) {
		if (parse_long(t->value, EVENT_LINES_MAX, &n) != 0 || n < 2)
			parser_error(p, t->line, t->value_col, "lines must be "
			    "a whole number from 2 to %d", EVENT_LINES_MAX);
		else
			spec->max_lines = (unsigned)n;
	} else if (strcmp(t->text, "bytes") == 0) {
		len = strlen(t->value);
		kib = len > 0 && (t->value[len - 1] == 'k' ||
		    t->value[len - 1] == 'K');
		if (number_parse_long(t->value, len - (size_t)kib,
		    EVENT_BYTES_MAX, &n) != 0 || n * (kib ? 1024 : 1) < 1 ||
		    n * (kib ? 1024 : 1) > EVENT_BYTES_MAX)
			parser_error(p, t->line, t->value_col, "bytes must be "
			    "a whole number from 1 to %d, or 1k to %dk",
			    EVENT_BYTES_MAX, EVENT_BYTES_MAX / 1024);
		else
			spec->max_bytes = (size_t)n * (kib ? 1024 : 1);
	} else if (rules_parse_duration(t->value, &spec->timeout_ms) != 0 ||
	    spec->timeout_ms < 1000 || spec->timeout_ms > EVENT_TIMEOUT_MAX)
		parser_error(p, t->line, t->value_col, "bad duration '%s': "
		    "from 1s to 1h", t->value);
}

/*
 * The clauses and limits of an event, wherever they stand in the
 * statement, before its actions are parsed against the names they
 * capture; 0, or -1 after reporting an error.
 */
static int
parse_event_spec(struct parser *p, struct rule *r)
{
	struct event_spec	*spec;
	struct token		*t, *then = NULL;
	char			*cause = NULL;
	size_t			 i, errors = p->rs->nerrors;

	spec = r->event = xcalloc(1, sizeof *spec);
	spec->max_lines = EVENT_LINES_DEFAULT;
	spec->max_bytes = EVENT_BYTES_DEFAULT;
	spec->timeout_ms = EVENT_TIMEOUT_DEFAULT;
	for (i = 2; i < p->ntok; i++) {
		t = &p->tok[i];
		if ((t->kind != TOK_WORD && t->kind != TOK_PAIR) ||
		    word_index(t->text, event_words) < 0)
			continue;
		if (strcmp(t->text, "then") == 0 && then == NULL)
			then = t;
		if (strcmp(t->text, "while") == 0 ||
		    strcmp(t->text, "until") == 0 ||
		    strcmp(t->text, "then") == 0)
			parse_event_clause(p, i, spec);
		else
			parse_event_limit(p, t, spec);
		i += event_word_len(p, i) - 1;
	}
	if (p->rs->nerrors != errors)
		return -1;
	if (spec->ncont == 0 && spec->until.re == NULL) {
		parser_error(p, r->line, r->col, "event needs 'while /regex/' "
		    "or 'until /regex/'");
		return -1;
	}
	if (then != NULL && spec->until.re == NULL) {
		parser_error(p, then->line, then->col, "'then' needs "
		    "'until /regex/': it takes the lines after the until line");
		return -1;
	}
	if (event_spec_build(spec, r->pattern, r->options, r->re,
	    &cause) != 0) {
		parser_error(p, r->line, r->col, "%s", cause);
		free(cause);
		return -1;
	}
	return 0;
}

static void
parse_match(struct parser *p)
{
	struct rule	*r;
	struct token	*t;
	size_t		 i, errors = p->rs->nerrors;
	char		 hint[64];

	if (p->ntok < 2 || p->tok[1].kind != TOK_REGEX) {
		t = &p->tok[p->ntok < 2 ? 0 : 1];
		parser_error(p, t->line, t->col, "%s needs a /regex/",
		    p->tok[0].text);
		return;
	}
	r = rule_new(p, p->tok[1].text);
	if (compile_regex(p, &p->tok[1], r) != 0 ||
	    (p->in_event && parse_event_spec(p, r) != 0)) {
		rule_free(r);
		return;
	}
	for (i = 2; i < p->ntok; ) {
		t = &p->tok[i];
		if (t->kind == TOK_SEMI) {
			i++;
			continue;
		}
		if (p->in_event && (t->kind == TOK_WORD ||
		    t->kind == TOK_PAIR) && word_index(t->text,
		    event_words) >= 0) {
			i += event_word_len(p, i);
			continue;
		}
		if (t->kind == TOK_WORD &&
		    word_index(t->text, action_words) >= 0) {
			i = parse_action(p, i, r);
			continue;
		}
		if ((t->kind == TOK_WORD || t->kind == TOK_PAIR) &&
		    parse_option(p, t, r)) {
			i++;
			continue;
		}
		parser_error(p, t->line, t->col, "unknown option or action "
		    "'%s'%s", t->text, t->kind == TOK_REGEX ? "" :
		    did_you_mean(t->text, rule_words(), hint, sizeof hint));
		/* Its arguments would only add noise: skip to what follows. */
		for (i++; i < p->ntok && p->tok[i].kind != TOK_SEMI &&
		    word_index(p->tok[i].text, rule_words()) < 0; i++)
			;
	}
	if (r->nactions == 0 && p->rs->nerrors == errors)
		parser_error(p, r->line, r->col, "%s has no action",
		    p->tok[0].text);
	if (p->rs->nerrors != errors) {
		rule_free(r);
		return;
	}
	p->rs->rules = xreallocarray(p->rs->rules, p->rs->nrules + 1,
	    sizeof *p->rs->rules);
	p->rs->rules[p->rs->nrules++] = r;
}

/* "event /FIRST/ ...": a match rule whose first line opens an event. */
static void
parse_event(struct parser *p)
{
	p->in_event = 1;
	parse_match(p);
	p->in_event = 0;
}

/*
 * Parse the rest of a statement, from token i, as actions of r (";"
 * between them is allowed); anything else is reported as not being what
 * was expected.
 */
static void
parse_actions(struct parser *p, size_t i, struct rule *r, const char *expected)
{
	struct token	*t;

	while (i < p->ntok) {
		t = &p->tok[i];
		if (t->kind == TOK_SEMI) {
			i++;
			continue;
		}
		if (t->kind != TOK_WORD ||
		    word_index(t->text, action_words) < 0) {
			parser_error(p, t->line, t->col, "expected %s, not '%s'",
			    expected, t->text);
			return;
		}
		i = parse_action(p, i, r);
	}
}

/*
 * "exit success|failure|N ACTION...": what to do when the wrapped command
 * ends so.  Templates have no captures; ${line} is the last line that made
 * a fail action fire.
 */
static void
parse_exit(struct parser *p)
{
	static const char *const	 exit_words[] = { "success", "failure",
					    NULL };
	struct rule			*r;
	struct token			*t;
	size_t				 errors = p->rs->nerrors;
	long				 n;
	char				 hint[64];

	t = &p->tok[p->ntok < 2 ? 0 : 1];
	if (p->ntok < 3 || t->kind != TOK_WORD) {
		parser_error(p, t->line, t->col, "exit needs success, failure "
		    "or a status, then actions");
		return;
	}
	r = rule_new(p, t->text);
	if (strcmp(t->text, "success") == 0)
		r->exit_on = EXIT_ON_SUCCESS;
	else if (strcmp(t->text, "failure") == 0)
		r->exit_on = EXIT_ON_FAILURE;
	else if (parse_long(t->text, 255, &n) == 0)
		r->exit_on = (int)n;
	else
		parser_error(p, t->line, t->col, "exit takes success, failure "
		    "or a status from 0 to 255, not '%s'%s", t->text,
		    did_you_mean(t->text, exit_words, hint, sizeof hint));
	parse_actions(p, 2, r, "an action");
	if (p->rs->nerrors != errors) {
		rule_free(r);
		return;
	}
	p->rs->exit_rules = xreallocarray(p->rs->exit_rules,
	    p->rs->nexit_rules + 1, sizeof *p->rs->exit_rules);
	p->rs->exit_rules[p->rs->nexit_rules++] = r;
}

/*
 * "detect /REGEX/": a line that tells this pack's tool from others, for
 * choosing a pack from the input (detect.c).  Kept as a rule without
 * actions.
 */
static void
parse_detect(struct parser *p)
{
	struct rule	*r;
	struct token	*t;

	if (p->ntok < 2 || p->tok[1].kind != TOK_REGEX) {
		t = &p->tok[p->ntok < 2 ? 0 : 1];
		parser_error(p, t->line, t->col, "detect needs a /regex/");
		return;
	}
	if (p->ntok > 2) {
		t = &p->tok[2];
		parser_error(p, t->line, t->col, "detect takes one /regex/ and "
		    "nothing else, not '%s'", t->text);
		return;
	}
	r = rule_new(p, p->tok[1].text);
	if (compile_regex(p, &p->tok[1], r) != 0) {
		rule_free(r);
		return;
	}
	p->rs->detects = xreallocarray(p->rs->detects, p->rs->ndetects + 1,
	    sizeof *p->rs->detects);
	p->rs->detects[p->rs->ndetects++] = r;
}

static void
example_free(struct example *ex)
{
	if (ex == NULL)
		return;
	rule_free(ex->expect);
	free(ex->text);
	free(ex->file);
	free(ex);
}

/*
 * "example "LINE"... nothing" or "example "LINE"... ACTION... [; ACTION...]";
 * several lines are an input of several lines, for events.
 */
static void
parse_example(struct parser *p)
{
	struct example	*ex;
	struct token	*t;
	struct buf	 text;
	size_t		 i, errors = p->rs->nerrors;

	for (i = 1; i < p->ntok && p->tok[i].kind == TOK_STRING; i++)
		;
	if (i == 1 || i == p->ntok) {
		t = &p->tok[p->ntok < 2 ? 0 : 1];
		parser_error(p, t->line, t->col, "example needs a \"line\" and "
		    "the actions it makes, or nothing");
		return;
	}
	ex = xcalloc(1, sizeof *ex);
	ex->file = xstrdup(p->file);
	ex->line = p->tok[0].line;
	ex->col = p->tok[0].col;
	buf_init(&text, (size_t)-1);
	for (i = 1; p->tok[i].kind == TOK_STRING; i++) {
		buf_addstr(&text, p->tok[i].text);
		buf_addstr(&text, "\n");
	}
	ex->text = xstrdup(buf_str(&text));
	buf_free(&text);
	ex->expect = rule_new(p, "");
	if (p->ntok == i + 1 && p->tok[i].kind == TOK_WORD &&
	    strcmp(p->tok[i].text, "nothing") == 0)
		ex->nothing = 1;
	p->in_example = 1;
	if (!ex->nothing)
		parse_actions(p, i, ex->expect, "an action or 'nothing'");
	p->in_example = 0;
	if (p->rs->nerrors != errors) {
		example_free(ex);
		return;
	}
	p->rs->examples = xreallocarray(p->rs->examples, p->rs->nexamples + 1,
	    sizeof *p->rs->examples);
	p->rs->examples[p->rs->nexamples++] = ex;
}

static struct activity_decl *
ruleset_activity(struct ruleset *rs, const char *name)
{
	size_t	i;

	for (i = 0; i < rs->nactivities; i++)
		if (strcmp(rs->activities[i]->name, name) == 0)
			return rs->activities[i];
	return NULL;
}

static void
activity_decl_free(struct activity_decl *d)
{
	template_free(d->title);
	template_free(d->subtitle);
	template_free(d->message);
	template_free(d->stream_key);
	template_free(d->icon);
	template_free(d->badge);
	buttons_free(&d->buttons);
	free(d->step_colors);
	model_channels_free(d->channels);
	free(d->name);
	free(d->file);
	free(d);
}

/* Set a color option of an activity declaration. */
static void
parse_color(struct parser *p, struct token *t, const char **out)
{
	char	hint[64];

	if ((*out = model_color(t->value)) == NULL)
		parser_error(p, t->line, t->value_col, "unknown color '%s'%s",
		    t->value, did_you_mean(t->value, model_colors, hint,
		    sizeof hint));
}

/*
 * auto_dismiss=N: minutes, 0 to 1440; auto_dismiss=Ns: seconds, 0 to
 * 86400, which only streams send as such.
 */
static void
parse_auto_dismiss(struct parser *p, struct token *t,
    struct activity_decl *d)
{
	size_t	len = strlen(t->value);

	d->auto_dismiss_min = d->auto_dismiss_s = -1;
	if (len > 1 && t->value[len - 1] == 's' &&
	    number_parse_long(t->value, len - 1, 86400, &d->auto_dismiss_s) ==
	    0)
		return;
	d->auto_dismiss_s = -1;
	if (parse_long(t->value, 24 * 60, &d->auto_dismiss_min) != 0) {
		d->auto_dismiss_min = -1;
		parser_error(p, t->line, t->value_col, "auto_dismiss is "
		    "minutes, 0 to 1440, or seconds, 0s to 86400s");
	}
}

/* A declaration's fields that its type= cannot show, each at its key. */
static void
check_activity_type(struct parser *p, struct activity_decl *d)
{
	const struct button_arg	*b;
	struct token		*t;
	const char		*why;
	size_t			 i;

	if (!d->type_set)
		return;		/* inferred: progress or segmented_progress */
	for (i = 2; i < p->ntok; i++) {
		t = &p->tok[i];
		if (t->kind == TOK_PAIR &&
		    (why = model_type_field_problem(t->text, d->type)) != NULL)
			parser_error(p, t->line, t->col, "%s= %s; '%s' is %s",
			    t->text, why, d->name, model_type_name(d->type));
	}
	if (d->buttons.n > 1 && !model_type_has_badge(d->type)) {
		b = &d->buttons.v[1];
		parser_error(p, b->line, b->col, "a second button needs an "
		    "alert, progress or segmented_progress activity; '%s' is "
		    "%s", d->name, model_type_name(d->type));
	}
	if (d->type == TYPE_TIMER && d->counts_down == 1 && d->duration_s == 0)
		parser_error(p, d->line, p->tok[1].col, "a timer that counts "
		    "down needs duration=");
}

static void
parse_activity_pair(struct parser *p, struct token *t,
    struct activity_decl *d)
{
	uint64_t	*ms;
	char		 hint[64];
	int		 i, f;

	if (button_key(t->text)) {
		parse_button_pair(p, t, &d->buttons, BUTTONS_ACTIVITY_MAX,
		    NULL);
		return;
	}

	switch ((f = word_index(t->text, activity_words))) {
	case KEY_TYPE:
		if ((i = word_index(t->value, model_type_names)) < 0)
			parser_error(p, t->line, t->value_col,
			    "unknown type '%s'%s", t->value, did_you_mean(
			    t->value, model_type_names, hint, sizeof hint));
		else {
			d->type = (enum activity_type)i;
			d->type_set = 1;
		}
		break;
	case KEY_TITLE:
		template_free(d->title);
		d->title = parse_template(p, t->value, t->line, t->value_col,
		    NULL);
		break;
	case KEY_SUBTITLE:
		template_free(d->subtitle);
		d->subtitle = parse_template(p, t->value, t->line,
		    t->value_col, NULL);
		break;
	case KEY_MESSAGE:
		template_free(d->message);
		d->message = parse_template(p, t->value, t->line,
		    t->value_col, NULL);
		break;
	case KEY_STEPS:
		if (parse_long(t->value, INT_MAX, &d->steps) != 0 ||
		    d->steps < 1)
			parser_error(p, t->line, t->value_col,
			    "steps must be a whole number, at least 1");
		break;
	case KEY_DURATION: {
		uint64_t	ms;

		if (rules_parse_duration(t->value, &ms) != 0 || ms < 1000 ||
		    ms % 1000 != 0)
			parser_error(p, t->line, t->value_col,
			    "bad duration '%s': whole seconds, at least 1s",
			    t->value);
		d->duration_s = (long)(ms / 1000);
		break;
	}
	case KEY_AUTO_DISMISS:
		parse_auto_dismiss(p, t, d);
		break;
	case KEY_COLOR:
		parse_color(p, t, &d->color);
		break;
	case KEY_STEP_COLOR:
		parse_color(p, t, &d->step_color);
		break;
	case KEY_STEP_COLORS:
		if (!model_colors_ok(t->value))
			parser_error(p, t->line, t->value_col, "step_colors must "
			    "be a comma-separated list of colors");
		free(d->step_colors);
		d->step_colors = xstrdup(t->value);
		break;
	case KEY_ICON:
		if (strchr(t->value, '$') == NULL &&
		    !model_symbol_ok(t->value))
			parser_error(p, t->line, t->value_col, "icon must be an "
			    "SF Symbol name, such as hammer.fill");
		template_free(d->icon);
		d->icon = parse_template(p, t->value, t->line, t->value_col,
		    NULL);
		break;
	case KEY_ICON_COLOR:
		parse_color(p, t, &d->icon_color);
		break;
	case KEY_BADGE:
		template_free(d->badge);
		d->badge = parse_template(p, t->value, t->line, t->value_col,
		    NULL);
		break;
	case KEY_BADGE_COLOR:
		parse_color(p, t, &d->badge_color);
		break;
	case KEY_COUNTS_DOWN:
		if (strcmp(t->value, "yes") == 0 || strcmp(t->value, "no") == 0)
			d->counts_down = t->value[0] == 'y';
		else
			parser_error(p, t->line, t->value_col,
			    "counts_down must be yes or no");
		break;
	case KEY_SUCCESS_COLOR:
		parse_color(p, t, &d->success_color);
		break;
	case KEY_FAILURE_COLOR:
		parse_color(p, t, &d->failure_color);
		break;
	case KEY_STREAM:
		template_free(d->stream_key);
		d->stream_key = parse_template(p, t->value, t->line,
		    t->value_col, NULL);
		if (d->api == API_DEFAULT)
			d->api = API_STREAM;
		break;
	case KEY_API:
		if (strcmp(t->value, "classic") == 0)
			d->api = API_CLASSIC;
		else if (strcmp(t->value, "stream") == 0)
			d->api = API_STREAM;
		else
			parser_error(p, t->line, t->value_col,
			    "api must be classic or stream");
		break;
	case KEY_CHANNELS:
		if (!model_channels_ok(t->value))
			parser_error(p, t->line, t->value_col,
			    "channels must be a comma-separated list of "
			    "channel slugs");
		else {
			model_channels_free(d->channels);
			d->channels = model_channels_split(t->value);
		}
		break;
	case KEY_STALL:
	case KEY_IDLE:
		ms = f == KEY_STALL ? &d->stall_ms : &d->idle_ms;
		if (rules_parse_duration(t->value, ms) != 0 || *ms < 1000)
			parser_error(p, t->line, t->value_col,
			    "bad duration '%s': at least 1s", t->value);
		break;
	case KEY_INTERRUPTED_COLOR:
		parse_color(p, t, &d->interrupted_color);
		break;
	default:
		parser_error(p, t->line, t->col, "unknown activity option "
		    "'%s'%s", t->text, did_you_mean(t->text, activity_words,
		    hint, sizeof hint));
	}
}

static void
parse_activity(struct parser *p)
{
	struct activity_decl	*d, *old;
	const struct button_arg	*b;
	struct token		*t;
	const char		*why;
	size_t			 i;

	if (p->ntok < 2 || p->tok[1].kind != TOK_WORD) {
		t = &p->tok[p->ntok < 2 ? 0 : 1];
		parser_error(p, t->line, t->col, "activity needs a name");
		return;
	}
	t = &p->tok[1];
	if (t->text[strspn(t->text, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")] != '\0') {
		parser_error(p, t->line, t->col, "bad activity name '%s': "
		    "use letters, digits, '_' and '-'", t->text);
		return;
	}
	if (word_index(t->text, action_words) >= 0) {
		parser_error(p, t->line, t->col, "'%s' is an action; an "
		    "activity cannot be called that", t->text);
		return;
	}
	if ((old = ruleset_activity(p->rs, t->text)) != NULL) {
		parser_error(p, t->line, t->col, "activity '%s' is already "
		    "declared at %s:%u", t->text, old->file, old->line);
		return;
	}
	d = xcalloc(1, sizeof *d);
	d->name = xstrdup(t->text);
	d->file = xstrdup(p->file);
	d->line = t->line;
	d->auto_dismiss_min = -1;
	d->auto_dismiss_s = -1;
	d->counts_down = -1;
	d->success_color = "green";
	d->failure_color = "red";
	d->interrupted_color = "gray";
	for (i = 2; i < p->ntok; i++) {
		t = &p->tok[i];
		if (t->kind != TOK_PAIR)
			parser_error(p, t->line, t->col, "expected key=value, "
			    "not '%s'", t->text);
		else
			parse_activity_pair(p, t, d);
	}
	if ((why = buttons_check(&d->buttons, &b)) != NULL)
		parser_error(p, b->line, b->col, "%s", why);
	check_activity_type(p, d);
	if (d->title == NULL)
		d->title = template_parse(d->name, NULL, NULL, NULL);
	p->rs->activities = xreallocarray(p->rs->activities,
	    p->rs->nactivities + 1, sizeof *p->rs->activities);
	d->index = p->rs->nactivities;
	p->rs->activities[p->rs->nactivities++] = d;
}

/* Resolve an include: beside the including file, else in the rules dirs. */
static char *
include_path(const char *from, const char *name)
{
	const char	*slash;
	char		*path, *found;

	if (name[0] == '/' || (slash = strrchr(from, '/')) == NULL)
		path = xstrdup(name);
	else
		path = xasprintf("%.*s/%s", (int)(slash - from), from, name);
	if (access(path, F_OK) != 0 && strchr(name, '/') == NULL &&
	    (found = rules_find_pack(name)) != NULL) {
		free(path);
		return found;
	}
	return path;
}

static size_t	ruleset_load_file(struct ruleset *, const char *, int,
		    const char *, unsigned, unsigned);

static void
parse_include(struct parser *p)
{
	struct token	*t;
	char		*path;

	if (p->ntok != 2 || p->tok[1].kind == TOK_REGEX ||
	    p->tok[1].kind == TOK_SEMI || p->tok[1].kind == TOK_PAIR) {
		t = &p->tok[p->ntok < 2 ? 0 : 1];
		parser_error(p, t->line, t->col, "include takes one file name");
		return;
	}
	t = &p->tok[1];
	if (p->depth >= RULES_MAX_DEPTH) {
		parser_error(p, t->line, t->col, "includes nested too deeply");
		return;
	}
	path = include_path(p->file, t->text);
	ruleset_load_file(p->rs, path, p->depth + 1, p->file, t->line, t->col);
	free(path);
}

static void
parse_statement(struct parser *p)
{
	struct token	*t = &p->tok[0];
	char		 hint[64];

	if (t->kind == TOK_WORD && strcmp(t->text, "match") == 0)
		parse_match(p);
	else if (t->kind == TOK_WORD && strcmp(t->text, "activity") == 0)
		parse_activity(p);
	else if (t->kind == TOK_WORD && strcmp(t->text, "include") == 0)
		parse_include(p);
	else if (t->kind == TOK_WORD && strcmp(t->text, "event") == 0)
		parse_event(p);
	else if (t->kind == TOK_WORD && strcmp(t->text, "example") == 0)
		parse_example(p);
	else if (t->kind == TOK_WORD && strcmp(t->text, "exit") == 0)
		parse_exit(p);
	else if (t->kind == TOK_WORD && strcmp(t->text, "detect") == 0)
		parse_detect(p);
	else
		parser_error(p, t->line, t->col, "unknown keyword '%s'%s",
		    t->text, did_you_mean(t->text, statement_words, hint,
		    sizeof hint));
}

/*
 * Read a whole file, a FIFO or a character device (/dev/stdin, a process
 * substitution) into a new NUL-terminated buffer; NULL with errno set on
 * failure: EISDIR for a directory, EFBIG beyond RULES_MAX_SIZE.
 */
static char *
read_file(const char *path, size_t *len)
{
	FILE		*f;
	struct stat	 st;
	char		*text;
	size_t		 n;

	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	if (fstat(fileno(f), &st) != 0 || S_ISDIR(st.st_mode)) {
		fclose(f);
		errno = EISDIR;
		return NULL;
	}
	/* One byte more than allowed tells a file that is too large. */
	text = xmalloc(RULES_MAX_SIZE + 2);
	n = fread(text, 1, RULES_MAX_SIZE + 1, f);
	if (ferror(f) || n > RULES_MAX_SIZE) {
		errno = ferror(f) ? EIO : EFBIG;
		fclose(f);
		free(text);
		return NULL;
	}
	fclose(f);
	text[n] = '\0';
	*len = n;
	return xrealloc(text, n + 1);
}

/* Whether the lexer failed on a line in [first, next): a broken statement. */
static int
lex_failed_within(const struct tokens *tv, unsigned first, unsigned next)
{
	size_t	i;

	for (i = 0; i < tv->nerrors; i++)
		if (tv->errors[i].line >= first && tv->errors[i].line < next)
			return 1;
	return 0;
}

/* Parse the rules in text, named name in messages, into rs. */
static void
ruleset_parse(struct ruleset *rs, const char *name, const char *text,
    size_t len, int depth)
{
	struct parser	 p = { rs, name, NULL, 0, depth, 0, 0 };
	struct tokens	 tv;
	size_t		 i, start;

	tokens_lex(text, len, &tv);
	for (i = 0; i < tv.nerrors; i++)
		ruleset_error_at(rs, name, tv.errors[i].line,
		    tv.errors[i].col, "%s", tv.errors[i].cause);
	for (start = 0; start < tv.n; start = i) {
		for (i = start + 1; i < tv.n && tv.v[i].col != 1; i++)
			;
		p.tok = &tv.v[start];
		p.ntok = i - start;
		if (!lex_failed_within(&tv, p.tok[0].line, i < tv.n ?
		    tv.v[i].line : UINT_MAX))
			parse_statement(&p);
	}
	tokens_free(&tv);
}

static size_t
ruleset_load_file(struct ruleset *rs, const char *path, int depth,
    const char *from, unsigned line, unsigned col)
{
	char		*text, *real;
	size_t		 len = 0, i, errors = rs->nerrors;

	/* A file already loaded is not loaded again (include once). */
	if ((real = realpath(path, NULL)) == NULL)
		real = xstrdup(path);
	for (i = 0; i < rs->nfiles; i++) {
		if (strcmp(rs->files[i], real) == 0) {
			free(real);
			return 0;
		}
	}
	if ((text = read_file(path, &len)) == NULL) {
		if (from != NULL)
			ruleset_error_at(rs, from, line, col, "include %s: %s",
			    path, strerror(errno));
		else
			ruleset_errorf(rs, "%s: %s", path, strerror(errno));
		free(real);
		return rs->nerrors - errors;
	}
	rs->files = xreallocarray(rs->files, rs->nfiles + 1, sizeof *rs->files);
	rs->files[rs->nfiles++] = real;
	ruleset_parse(rs, path, text, len, depth);
	free(text);
	return rs->nerrors - errors;
}

size_t
ruleset_load(struct ruleset *rs, const char *path)
{
	return ruleset_load_file(rs, path, 0, NULL, 0, 0);
}

size_t
ruleset_load_text(struct ruleset *rs, const char *name, const char *text)
{
	size_t	errors = rs->nerrors;

	ruleset_parse(rs, name, text, strlen(text), 0);
	return rs->nerrors - errors;
}

size_t
ruleset_load_actions(struct ruleset *rs, const char *name,
    const char *actions)
{
	static const char	 prefix[] = "match /^/ ";
	const unsigned		 shift = sizeof prefix - 1;
	struct parser		 p = { rs, name, NULL, 0, 0, 0, 0 };
	struct tokens		 tv;
	char			*text;
	size_t			 i, errors = rs->nerrors;

	text = xasprintf("%s%s", prefix, actions);
	tokens_lex(text, strlen(text), &tv);
	/* Positions in actions, not in text: the prefix is ours. */
	for (i = 0; i < tv.n; i++)
		if (tv.v[i].line == 1 && tv.v[i].col > shift) {
			tv.v[i].col -= shift;
			if (tv.v[i].value_col > shift)
				tv.v[i].value_col -= shift;
		}
	for (i = 0; i < tv.nerrors; i++)
		ruleset_error_at(rs, name, tv.errors[i].line,
		    tv.errors[i].line == 1 && tv.errors[i].col > shift ?
		    tv.errors[i].col - shift : tv.errors[i].col, "%s",
		    tv.errors[i].cause);
	if (tv.nerrors == 0 && tv.n > 2) {
		p.tok = tv.v;
		p.ntok = tv.n;
		parse_match(&p);
	} else if (tv.nerrors == 0)
		ruleset_errorf(rs, "%s: no action", name);
	tokens_free(&tv);
	free(text);
	return rs->nerrors - errors;
}

/* Give activities without a type=: progress if only progress drives them. */
static void
infer_type(struct ruleset *rs, struct activity_decl *d)
{
	size_t	i, j;
	int	progress = 0, step = 0;

	for (i = 0; i < rs->nrules; i++) {
		for (j = 0; j < rs->rules[i]->nactions; j++) {
			struct action	*a = &rs->rules[i]->actions[j];

			if (a->activity != d)
				continue;
			progress |= a->kind == ACTION_PROGRESS;
			step |= a->kind == ACTION_STEP;
		}
	}
	d->type = progress && !step ? TYPE_PROGRESS : TYPE_SEGMENTED_PROGRESS;
}

/* The activity called name, or NULL after reporting it at line:col. */
static struct activity_decl *
resolve_activity(struct ruleset *rs, struct rule *r, unsigned line,
    unsigned col, const char *name)
{
	struct activity_decl	 *d;
	const char		**names;
	char			  hint[64];
	size_t			  i;

	if ((d = ruleset_activity(rs, name)) != NULL)
		return d;
	names = xcalloc(rs->nactivities + 1, sizeof *names);
	for (i = 0; i < rs->nactivities; i++)
		names[i] = rs->activities[i]->name;
	ruleset_error_at(rs, r->file, line, col, "no activity named '%s'%s; "
	    "declare it with 'activity %s'", name,
	    did_you_mean(name, names, hint, sizeof hint), name);
	free(names);
	return NULL;
}

static void
resolve_rule(struct ruleset *rs, struct rule *r)
{
	struct action	*a;
	size_t		 i;

	if (r->once_name != NULL)
		r->once_activity = resolve_activity(rs, r, r->line, r->col,
		    r->once_name);
	for (i = 0; i < r->nactions; i++) {
		a = &r->actions[i];
		if (a->activity_name != NULL)
			a->activity = resolve_activity(rs, r, a->line, a->col,
			    a->activity_name);
	}
}

static void
check_action_type(struct ruleset *rs, struct rule *r, struct action *a)
{
	enum activity_type	 type;
	const char		*why;
	int			 f;

	if (a->activity == NULL)
		return;
	type = a->activity->type;
	for (f = 0; f < FIELD_LAST; f++)
		if (a->field[f] != NULL && (why = model_type_field_problem(
		    rules_field_name(f), type)) != NULL)
			ruleset_error_at(rs, r->file, a->line, a->col, "%s= %s; "
			    "'%s' is %s", rules_field_name(f), why,
			    a->activity->name, model_type_name(type));
	if (a->buttons.n > 1 && !model_type_has_badge(type))
		ruleset_error_at(rs, r->file, a->buttons.v[1].line,
		    a->buttons.v[1].col, "a second button needs an alert, "
		    "progress or segmented_progress activity; '%s' is %s",
		    a->activity->name, model_type_name(type));
	if ((a->kind == ACTION_PAUSE || a->kind == ACTION_RESUME) &&
	    type != TYPE_TIMER)
		ruleset_error_at(rs, r->file, a->line, a->col, "%s needs a "
		    "timer activity; '%s' is %s", action_words[a->kind],
		    a->activity->name, model_type_name(type));
	if (a->kind == ACTION_STEP && type != TYPE_SEGMENTED_PROGRESS)
		ruleset_error_at(rs, r->file, a->line, a->col, "step needs a "
		    "segmented_progress activity; '%s' is %s",
		    a->activity->name, model_type_name(type));
	if (a->kind == ACTION_PROGRESS && type != TYPE_PROGRESS)
		ruleset_error_at(rs, r->file, a->line, a->col, "progress needs "
		    "a progress activity; '%s' is %s", a->activity->name,
		    model_type_name(type));
}

/*
 * Put each file's errors in line order, files in the order of their first
 * error; an error at no line stays after the one before it.  Insertion
 * sort: there are few errors.
 */
static void
ruleset_sort_errors(struct ruleset *rs)
{
	struct rules_error_at	 at, *e = rs->error_at;
	size_t			*rank, i, j, r;
	char			*text;

	rank = xcalloc(rs->nerrors + 1, sizeof *rank);
	for (i = 0; i < rs->nerrors; i++) {
		rank[i] = i;
		for (j = 0; e[i].file != NULL && j < i; j++) {
			if (e[j].file != NULL &&
			    strcmp(e[j].file, e[i].file) == 0) {
				rank[i] = rank[j];
				break;
			}
		}
	}
	for (i = 1; i < rs->nerrors; i++) {
		at = e[i];
		text = rs->errors[i];
		r = rank[i];
		for (j = i; j > 0 && (rank[j - 1] > r || (rank[j - 1] == r &&
		    (e[j - 1].line > at.line || (e[j - 1].line == at.line &&
		    e[j - 1].col > at.col)))); j--) {
			e[j] = e[j - 1];
			rs->errors[j] = rs->errors[j - 1];
			rank[j] = rank[j - 1];
		}
		e[j] = at;
		rs->errors[j] = text;
		rank[j] = r;
	}
	free(rank);
}

size_t
ruleset_finish(struct ruleset *rs)
{
	size_t	i, j, errors = rs->nerrors;

	for (i = 0; i < rs->nrules; i++) {
		rs->rules[i]->id = i;
		resolve_rule(rs, rs->rules[i]);
	}
	for (i = 0; i < rs->nexit_rules; i++) {
		rs->exit_rules[i]->id = rs->nrules + i;
		resolve_rule(rs, rs->exit_rules[i]);
	}
	for (i = 0; i < rs->nactivities; i++)
		if (!rs->activities[i]->type_set)
			infer_type(rs, rs->activities[i]);
	for (i = 0; i < rs->nrules; i++)
		for (j = 0; j < rs->rules[i]->nactions; j++)
			check_action_type(rs, rs->rules[i],
			    &rs->rules[i]->actions[j]);
	ruleset_sort_errors(rs);
	return rs->nerrors - errors;
}

struct ruleset *
ruleset_new(void)
{
	return xcalloc(1, sizeof(struct ruleset));
}

void
ruleset_free(struct ruleset *rs)
{
	size_t	i;

	if (rs == NULL)
		return;
	for (i = 0; i < rs->nrules; i++)
		rule_free(rs->rules[i]);
	for (i = 0; i < rs->nactivities; i++)
		activity_decl_free(rs->activities[i]);
	for (i = 0; i < rs->nexamples; i++)
		example_free(rs->examples[i]);
	free(rs->examples);
	for (i = 0; i < rs->nexit_rules; i++)
		rule_free(rs->exit_rules[i]);
	free(rs->exit_rules);
	for (i = 0; i < rs->ndetects; i++)
		rule_free(rs->detects[i]);
	free(rs->detects);
	for (i = 0; i < rs->nfiles; i++)
		free(rs->files[i]);
	for (i = 0; i < rs->nerrors; i++) {
		free(rs->errors[i]);
		free(rs->error_at[i].file);
	}
	free(rs->error_at);
	free(rs->rules);
	free(rs->activities);
	free(rs->files);
	free(rs->errors);
	free(rs);
}
