/*
 * action.h: what happens when a rule matches a line.  The rule's options
 * (once, throttle, threshold) decide whether it fires; firing expands each
 * action's templates and turns it into Live Activity changes or requests.
 */
#ifndef AS_TAIL_ACTION_H
#define AS_TAIL_ACTION_H

#include <stdint.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "activity.h"
#include "buf.h"
#include "event.h"
#include "outbox.h"
#include "rules.h"
#include "vars.h"

/* Where actions go, and what templates may refer to besides captures. */
struct action_env {
	struct activities	*activities;
	struct outbox		*outbox;
	const char		*file;		/* current input name */
	uint64_t		 start_ms;
	const char		*command;	/* wrapped command, or NULL */
	int			 exit_status;	/* -1 while unknown */
	int			 signal;
	char			*last_fail;	/* last line that fired a fail */
	struct vars		*vars;		/* what set actions wrote */
	struct rule_state	*state;		/* per rule, by id */
	struct events		*events;	/* open multi-line events */
};

/* How many matched lines a rule keeps for --explain. */
#define RULE_SAMPLES 3

/*
 * What happened to one rule so far, and its once/throttle/threshold state.
 * The ruleset itself is never written at run time: this is where the
 * counts live.  Owned by action.c; explain.c reads it.
 */
struct rule_state {
	uint64_t	 hits;		/* lines matched */
	uint64_t	 fired;		/* matches that ran the actions */
	uint64_t	 suppressed;	/* matches held back by an option */
	uint64_t	 last_fired_ms;
	int		 fired_run;	/* once=NAME: the run it fired in */
	uint64_t	*window;	/* threshold: times of recent matches */
	unsigned	 window_len;
	unsigned char	*warned;	/* per action: a bad value was seen */
	char		*samples[RULE_SAMPLES];
};

/*
 * Return the state of every rule of rs, indexed by rule id (see
 * ruleset_finish); free with action_state_free.
 */
struct rule_state *action_state_new(const struct ruleset *);
void	action_state_free(struct rule_state *, const struct ruleset *);

/*
 * The matcher's callback (see match_cb); arg is a struct action_env.
 * Returns the rule's "stop".
 */
int	action_match(const struct rule *, const char *, size_t,
	    pcre2_match_data *, void *);
/*
 * An event ended (see event_fire_fn); arg is a struct action_env.  Its
 * rule fires as a match rule does on a line, with the event's captures.
 */
void	action_event(void *, const struct rule *,
	    const struct event_capture *);
/*
 * Carry out a set action: expand its name and value into name and value
 * (initialised here; the caller frees them) and write the variable, for
 * NAME?=VALUE only if it is not set.
 */
void	action_set(const struct action *, const struct template_env *,
	    struct vars *, struct buf *, struct buf *);
/*
 * The lines' source callback (see struct lines_sink); arg is a struct
 * action_env.  ${file} is name from now on (borrowed: valid while that
 * input is open; NULL when no input is).
 */
void	action_source(void *, const char *);
/*
 * The tick: end the events that timed out, and send what they did; arg is
 * a struct action_env.
 */
void	action_tick(struct action_env *, uint64_t);
/* Whether the rule's if= and unless= let it take a line it matched. */
int	action_rule_takes(const struct rule *, const struct template_env *);
/*
 * The wrapped command ended: run the exit rules that fit its status, with
 * ${line} the last line that fired a fail action.
 */
void	action_exit(struct action_env *, const struct ruleset *);
/*
 * The matcher's line-done callback (see matcher_on_line_done); arg is a
 * struct action_env.  The line's Live Activity changes go out.
 */
void	action_line_done(void *);
/* The template environment of env at this moment, without a line. */
void	action_template_env(const struct action_env *, struct template_env *);

#endif /* AS_TAIL_ACTION_H */
