/*
 * activity.h: the state of each declared Live Activity, and the requests its
 * transitions produce.  A step or progress on an activity that is not running
 * starts it; a transition that changes nothing sends nothing; an end sends the
 * final state in the outcome's color.
 */
#ifndef AS_TAIL_ACTIVITY_H
#define AS_TAIL_ACTIVITY_H

#include "api.h"
#include "rules.h"
#include "template.h"

struct history;
struct outbox;
struct activities;

/* What one Live Activity action asks to change; unset fields keep theirs. */
struct activity_change {
	enum action_kind	 kind;		/* start, step, progress, update,
						   end, pause, resume */
	enum outcome		 outcome;	/* end */
	const char		*title;
	const char		*subtitle;
	const char		*message;
	long			 current;	/* -1: unset */
	long			 advance;	/* current=+N: steps to add */
	long			 total;		/* 0: unset */
	double			 percent;	/* < 0: unset */
	double			 value, upper;	/* upper <= 0: unset */
	const char		*color;
	const char		*step_color;
	const char		*step_colors;	/* "" removes them */
	const char		*icon;		/* "" removes it */
	const char		*icon_color;
	const char		*badge;		/* "" removes it */
	const char		*badge_color;
	int			 running;	/* timer: -1 unchanged, 0, 1 */
	struct json_object	*button[2];	/* borrowed (see api_button) */
	int			 nbuttons;	/* 0: the buttons stay */
	const char		*metric_label[CONTENT_MAX_METRICS];
	const char		*metric_value[CONTENT_MAX_METRICS];
	int			 nmetrics;
	const char		*where;		/* "FILE:LINE" for warnings */
	uint64_t		 now_ms;	/* when the rule fired */
};

/*
 * Return the state of every activity in rs (borrowed: rs must outlive it),
 * sending requests to outbox; api is the --api choice for activities that do
 * not name one.  Free with activities_free.
 */
struct activities	*activities_new(const struct ruleset *, struct outbox *,
			    enum api_kind);
void			 activities_free(struct activities *);
void			 activity_change_init(struct activity_change *);
/*
 * Learn the totals of counted steps from h, and teach it (borrowed: h
 * must outlive as); without it a counted run is always a first run.
 */
void			 activities_set_history(struct activities *,
			    struct history *);
/* Apply a change to the named activity's state; env expands its defaults. */
void			 activities_apply(struct activities *,
			    const struct activity_decl *,
			    const struct activity_change *,
			    const struct template_env *);
/*
 * The line is done: send the starts and updates its changes made (one
 * request per activity at most).  Ends are never held back.
 */
void			 activities_flush(struct activities *);
/*
 * The number of the run a match made now belongs to, for "once=NAME": the
 * open run, or the one that ended last (tools print their summary of errors
 * after the end), or the first if none has started.
 */
int			 activities_run(struct activities *,
			    const struct activity_decl *);
/*
 * Remember that this run of the activity failed (or the first run, if none
 * has started; once a run has ended, a failure waits for no other run).
 */
void			 activities_fail(struct activities *,
			    const struct activity_decl *);
/*
 * Once a second: an open activity with stall= that no rule drove for that
 * long gets a push and turns orange (once, until a rule drives it again);
 * one with idle= that no rule drove for that long ends interrupted; a
 * classic one near iOS's 8-hour limit is renewed.
 */
void			 activities_tick(struct activities *, uint64_t);
/*
 * Renew a classic Live Activity (end it, start another with the same state)
 * once it is ms old; by default 7 h 45 min, before iOS ends it at 8 hours.
 */
void			 activities_renew_after(struct activities *, uint64_t);
/* The open activities as a new JSON array (for --state). */
struct json_object	*activities_save(struct activities *);
/*
 * Reopen activities saved by an earlier run, so that their next change is an
 * update of the same Live Activity.  Returns how many were restored.
 */
int			 activities_restore(struct activities *,
			    struct json_object *);
/* Mark every activity's run failed (the wrapped command failed). */
void			 activities_fail_all(struct activities *);
/*
 * End every open activity: with OUTCOME_NONE in success unless a failure
 * was seen, with OUTCOME_INTERRUPTED interrupted unless one was.
 */
void			 activities_end_all(struct activities *, enum outcome);
/*
 * Borrowed: the name of this run of as-tail, in default stream keys
 * ("20261203-141502-4242"); valid until activities_free.
 */
const char		*activities_run_id(const struct activities *);
/*
 * Take the run's name from an earlier run (--state), so that a restarted
 * watch keeps its stream keys; a name that is not 1 to 64 of
 * [A-Za-z0-9_-] is ignored.
 */
void			 activities_set_run_id(struct activities *,
			    const char *);
/* How many activities are open now. */
int			 activities_open(const struct activities *);
/*
 * Append each open activity's state to b, for the SIGUSR1 status:
 * "; NAME 3/8 blue" (steps), "; NAME 45%" (progress), failed or stalled,
 * and "waiting for a Live Activity slot" while its start waits for one.
 */
void			 activities_status(const struct activities *,
			    struct buf *);

#endif /* AS_TAIL_ACTIVITY_H */
