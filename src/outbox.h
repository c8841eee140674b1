/*
 * outbox.h: requests waiting for the sender.
 *
 * The reader adds requests (outbox_add never waits for the network); the
 * sender thread takes the most urgent one that may go (outbox_pick), and
 * says how it went.  On the way the outbox keeps the queue small and honest:
 *
 *  - each Live Activity's requests stay in order; an update replaces the
 *    update still waiting before it (latest state wins), an end drops the
 *    updates waiting before it, and a whole run that never left is dropped
 *    when the next run starts; a start that the budget holds back (for a
 *    token or a Live Activity slot) takes in the later states of its run;
 *  - a Live Activity's state updates are spaced: one goes no sooner than
 *    one spacing (the bucket's interval, outbox_set_spacing) after its
 *    activity's last request, while later states replace it; starts, ends
 *    and what waits before an end are not held;
 *  - ends go first (with what waits before them in their lane), then
 *    starts, then pushes and state updates (updates, metrics, badges),
 *    taking turns while both wait (a state older than the push goes on
 *    the push's turn too: pushes get at most half);
 *  - at most push_max pushes wait; more are folded into the last one
 *    ("... and 12 more") rather than lost;
 *  - metrics and the badge keep only their latest value.
 *
 * Every request dropped, folded or given up on is counted.  A dry run goes
 * through all of this too, only its sender answers at once (sender.h).
 */
#ifndef AS_TAIL_OUTBOX_H
#define AS_TAIL_OUTBOX_H

#include <stdint.h>
#include <stdio.h>

#include "api.h"

struct outbox;
struct shown_item;

struct outbox_stats {
	unsigned long	added;
	unsigned long	sent;
	unsigned long	coalesced;	/* replaced by a later state */
	unsigned long	folded;		/* pushes folded into a summary */
	unsigned long	retried;
	unsigned long	failed;		/* given up on */
	unsigned long	queued;		/* waiting or in flight now */
	unsigned long	ends;		/* of them, ends */
};

/*
 * Return a new outbox holding at most push_max pushes.  trace (may be
 * NULL; borrowed) gets each request as one JSON line when it is sent.  Free
 * with outbox_free.
 */
struct outbox	*outbox_new(FILE *, unsigned);
void		 outbox_free(struct outbox *);
/* Queue a request; takes ownership.  Safe from any thread. */
void		 outbox_add(struct outbox *, struct request *);
/*
 * Call fn(arg) after each outbox_add, on the adding thread and without the
 * outbox's lock: a dry run's sender, which has no thread of its own.
 */
void		 outbox_on_add(struct outbox *, void (*)(void *), void *);

/*
 * The sender's side; these lock the outbox themselves.  outbox_pick returns
 * the request to send at time now, marked in flight and still owned by the
 * outbox, or NULL; then *wait_ms says when a held-back request becomes due
 * (UINT64_MAX if none).
 */
struct request	*outbox_pick(struct outbox *, uint64_t, uint64_t *);
/*
 * Space each Live Activity's state updates by ms (0, the default: not at
 * all), on the clock of outbox_pick's now: the sender passes the budget's
 * interval, so that a token goes to a bar's latest state rather than to
 * one that the next moment replaces.
 */
void		 outbox_set_spacing(struct outbox *, uint64_t);
/* The request was delivered: drop it. */
void		 outbox_sent(struct outbox *, struct request *);
/*
 * Try the request again, not before the given time; returns 1.  But a
 * state that a later request of its lane replaces (a newer update, or its
 * run's end) is dropped as coalesced instead, and 0 returned.
 */
int		 outbox_retry(struct outbox *, struct request *, uint64_t);
/*
 * Put a picked request back untried (the budget said wait), not before the
 * given time; not a retry, and not a change that wakes the sender.  With
 * slot set, it waits for a Live Activity slot.  Returns whether it was
 * waiting for one already.  From then on a start folds in the later states
 * of its run (latest state wins), so that it goes with the latest.
 */
int		 outbox_hold(struct outbox *, struct request *, uint64_t, int);
/* The request got its slot: returns whether it had waited for one. */
int		 outbox_slot_got(struct outbox *, struct request *);
/* Whether the Live Activity named activity waits for a slot to start. */
int		 outbox_slot_waiting(struct outbox *, const char *);
/* Give up on the request, and on what depends on it. */
void		 outbox_failed(struct outbox *, struct request *);
/* Give up on everything queued (after a 401); returns how many. */
unsigned long	 outbox_abandon(struct outbox *);
/* A counter that moves on every change (a request added or finished). */
uint64_t	 outbox_changes(struct outbox *);
/* Wait up to ms for a change after the one outbox_changes returned. */
void		 outbox_wait(struct outbox *, uint64_t, uint64_t);
/*
 * Wait until nothing is queued or in flight (with ends set: no end), or
 * until deadline_ms (on the clock of clock_now_ms); returns how many
 * requests are left.
 */
unsigned long	 outbox_drain(struct outbox *, uint64_t, int);
/* Wake every waiter (the sender is stopping). */
void		 outbox_wake(struct outbox *);
void		 outbox_stats(struct outbox *, struct outbox_stats *);
/* Set a run's activity id (the sender, from a start's reply). */
void		 outbox_set_id(struct outbox *, struct instance *, const char *);
/* Return a new copy of a run's activity id, or NULL if not known yet. */
char		*outbox_get_id(struct outbox *, struct instance *);
/*
 * What the phone shows (see shown.h), with the requests of each item still
 * waiting or in flight: a new array; returns its length.  Free with
 * shown_items_free.
 */
size_t		 outbox_shown(struct outbox *, struct shown_item **);
/* Write the trace line for a request. */
void		 outbox_trace(struct outbox *, const struct request *);

#endif /* AS_TAIL_OUTBOX_H */
