/*
 * rules.h: a rules file, loaded.  struct ruleset holds the activity
 * declarations and the rules in file order (includes expanded in place); each
 * rule has its compiled regex, its options and its actions.  See
 * as-tail.rules(5) for the language.
 */
#ifndef AS_TAIL_RULES_H
#define AS_TAIL_RULES_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stddef.h>
#include <stdint.h>

#include "button.h"
#include "model.h"
#include "template.h"

enum action_kind {
	ACTION_PUSH,
	ACTION_START,
	ACTION_STEP,
	ACTION_PROGRESS,
	ACTION_UPDATE,
	ACTION_END,
	ACTION_FAIL,
	ACTION_METRIC,
	ACTION_BADGE,
	ACTION_SET,
	ACTION_PAUSE,		/* a timer stops, keeping its time */
	ACTION_RESUME
};

/* The key=value arguments an action may take. */
enum field {
	FIELD_TITLE,
	FIELD_SUBTITLE,
	FIELD_MESSAGE,
	FIELD_URL,
	FIELD_CHANNELS,
	FIELD_CURRENT,
	FIELD_TOTAL,
	FIELD_PERCENT,
	FIELD_VALUE,
	FIELD_MAX,
	FIELD_COLOR,
	FIELD_STEP_COLOR,
	FIELD_COUNT,
	FIELD_SOUND,
	FIELD_BADGE,		/* push: a count; Live Activity: a title */
	FIELD_MEDIA,
	FIELD_PAYLOAD,
	FIELD_ICON,
	FIELD_ICON_COLOR,
	FIELD_BADGE_COLOR,
	FIELD_STEP_COLORS,
	FIELD_LAST
};

enum api_kind {
	API_DEFAULT,		/* whatever --api says; stream if nothing */
	API_CLASSIC,
	API_STREAM
};

enum outcome {
	OUTCOME_NONE,		/* "end NAME": success unless a fail matched */
	OUTCOME_SUCCESS,
	OUTCOME_FAILURE,
	OUTCOME_INTERRUPTED	/* stopped before the job said how it ended */
};

/* One "metric.LABEL=VALUE" argument of a Live Activity action. */
struct metric_arg {
	char		*label;
	struct template	*value;
};

/* "activity NAME ...": the defaults of one Live Activity. */
struct activity_decl {
	char			*name;
	size_t			 index;		/* in ruleset's activities */
	char			*file;
	unsigned		 line;
	enum activity_type	 type;
	int			 type_set;
	struct template		*title;		/* defaults to the name */
	struct template		*subtitle;
	struct template		*message;
	struct template		*stream_key;	/* NULL: derived from name */
	long			 steps;		/* 0 if unset */
	long			 duration_s;	/* timer; 0: counts up */
	int			 counts_down;	/* timer: -1 if unset, 0, 1 */
	long			 auto_dismiss_min; /* -1 if unset */
	long			 auto_dismiss_s;	/* -1 if unset; streams */
	const char		*color;		/* static strings or NULL */
	const char		*step_color;
	char			*step_colors;	/* "green,red", or NULL */
	struct template		*icon;		/* an SF Symbol name */
	const char		*icon_color;
	struct template		*badge;		/* the badge's title */
	const char		*badge_color;
	struct buttons		 buttons;	/* action, secondary_action */
	const char		*success_color;
	const char		*failure_color;
	const char		*interrupted_color;
	enum api_kind		 api;
	char			**channels;	/* NULL-terminated, or NULL */
	uint64_t		 stall_ms;	/* 0: no stall alert */
	uint64_t		 idle_ms;	/* 0: never ends for idleness */
};

struct action {
	enum action_kind	 kind;
	unsigned		 line, col;
	char			*activity_name;	/* Live Activity actions */
	struct activity_decl	*activity;	/* resolved after loading */
	enum outcome		 outcome;	/* end */
	char			*metric_key;	/* metric */
	struct template		*field[FIELD_LAST];
	struct metric_arg	*metrics;
	size_t			 nmetrics;
	struct buttons		 buttons;	/* push, Live Activity */
	struct template		*var_name;	/* set NAME=VALUE */
	struct template		*var_value;
	int			 var_if_unset;	/* set NAME?=VALUE */
};

/*
 * A regex of a multi-line event after its first line ("while /RE/",
 * "until /RE/", "then /RE/"), and where its named groups go: group n of
 * re is group to[n] of the event's names (0: unnamed, not kept).
 */
struct event_clause {
	pcre2_code	*re;
	uint32_t	*to;
	uint32_t	 ngroups;
};

/* Bounds of a multi-line event (see as-tail.rules(5)). */
#define EVENT_LINES_DEFAULT	200
#define EVENT_LINES_MAX		10000
#define EVENT_BYTES_DEFAULT	(64 * 1024)
#define EVENT_BYTES_MAX		(1024 * 1024)
#define EVENT_TIMEOUT_DEFAULT	2000
#define EVENT_TIMEOUT_MAX	(3600 * 1000)

/*
 * "event /FIRST/ ...": what else a multi-line event is made of.  The rule's
 * own regex finds its first line; names is a pattern that is never matched,
 * whose groups are the first line's, then the other names of the clauses:
 * the templates of the actions are checked against it.
 */
struct event_spec {
	struct event_clause	*cont;		/* "while": lines that go on */
	size_t			 ncont;
	struct event_clause	 until;		/* re NULL: none */
	struct event_clause	*then;		/* lines that go on after until */
	size_t			 nthen;
	pcre2_code		*names;
	uint32_t		 ngroups;	/* groups of names */
	unsigned		 max_lines;
	size_t			 max_bytes;
	uint64_t		 timeout_ms;
};

/* "exit success|failure|N": which ends of a wrapped command a rule takes. */
#define EXIT_ON_SUCCESS	(-1)
#define EXIT_ON_FAILURE	(-2)

/*
 * A rule as loaded; nothing in it changes at run time (the counts and
 * once/throttle/threshold state live in action.c, indexed by id).
 */
struct rule {
	size_t		 id;		/* rules 0..nrules-1, then exit rules */
	char		*file;
	unsigned	 line, col;
	int		 exit_on;	/* exit rules: EXIT_ON_* or a status */
	char		*pattern;	/* as written, without the slashes */
	char		 flags[8];	/* as written after the closing slash */
	uint32_t	 options;	/* PCRE2 compile options from flags */
	pcre2_code	*re;		/* per-line pattern */
	int		 once;
	char		*once_name;	/* once=NAME: once per run of NAME */
	struct activity_decl
			*once_activity;	/* resolved after loading */
	int		 stop;
	struct template	*cond;		/* if=TEMPLATE: fire if not empty */
	struct template	*cond_not;	/* unless=TEMPLATE: fire if empty */
	uint64_t	 throttle_ms;
	unsigned	 threshold_n;	/* 0: no threshold */
	uint64_t	 threshold_ms;
	struct action	*actions;
	size_t		 nactions;
	struct event_spec *event;	/* NULL: a one-line match rule */
};

/*
 * "example "LINE" ACTION...": what a rule file promises that LINE does.  The
 * expected actions hold literal fields only; expect->re is NULL.
 */
struct example {
	char		*file;
	unsigned	 line, col;
	char		*text;		/* its lines, each ended by "\n" */
	int		 nothing;	/* "nothing": no rule may fire */
	struct rule	*expect;	/* its actions are the expectation */
};

/* Where an error is, so that each file's errors are told in line order. */
struct rules_error_at {
	char		*file;		/* NULL for an error at no line */
	unsigned	 line;
	unsigned	 col;
};

struct ruleset {
	struct rule		**rules;
	size_t			  nrules;
	struct example		**examples;
	size_t			  nexamples;
	struct rule		**exit_rules;	/* "exit ..." statements */
	size_t			  nexit_rules;
	struct rule		**detects;	/* "detect /re/": no actions */
	size_t			  ndetects;
	struct activity_decl	**activities;
	size_t			  nactivities;
	char			**files;	/* loaded so far, for cycles */
	size_t			  nfiles;
	char			**errors;	/* "FILE:LINE:COL: message" */
	struct rules_error_at	 *error_at;	/* where each error is */
	size_t			  nerrors;
};

/* Return a new empty ruleset; free with ruleset_free. */
struct ruleset	*ruleset_new(void);
void		 ruleset_free(struct ruleset *);
/*
 * Load a rules file into rs, following includes.  Every problem found is
 * appended to rs->errors; returns the number of errors (0 when all is well).
 */
size_t		 ruleset_load(struct ruleset *, const char *);
/*
 * The same for rules given as text (-e), named name in messages; an include
 * in them is found from the current directory.
 */
size_t		 ruleset_load_text(struct ruleset *, const char *,
		    const char *);
/*
 * The same for the actions of one rule that matches every line (--send),
 * named name in messages, whose columns count in the actions text.
 */
size_t		 ruleset_load_actions(struct ruleset *, const char *,
		    const char *);
/*
 * Check what can only be checked once all files are loaded; as above.  Gives
 * each rule its id, and puts each file's errors in line order.  From here
 * on the ruleset is only read: every consumer takes it const.
 */
size_t		 ruleset_finish(struct ruleset *);
/* Append a formatted message ("FILE:LINE:COL: ..." or "FILE: ...") to rs. */
void		 ruleset_errorf(struct ruleset *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
/* Parse "500ms", "30s", "5m", "2h"; return 0 or -1. */
int		 rules_parse_duration(const char *, uint64_t *);
/* Borrowed: the keyword of an action ("push", "step" ...). */
const char	*rules_action_name(enum action_kind);
/* Borrowed: the name of a field ("title", "current" ...). */
const char	*rules_field_name(enum field);

#endif /* AS_TAIL_RULES_H */
