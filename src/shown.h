/*
 * shown.h: what the phone shows, as far as as-tail knows: each Live
 * Activity's content state as it was last delivered, and the last push
 * delivered.  The outbox keeps one and tells it, under its lock, what was
 * queued, delivered or given up; --preview reads a copy (outbox_shown).
 */
#ifndef AS_TAIL_SHOWN_H
#define AS_TAIL_SHOWN_H

#include <stddef.h>
#include <stdint.h>

#include "api.h"

struct shown;

/* One Live Activity, or the pushes, as a plain copy. */
struct shown_item {
	char		*activity;	/* the Live Activity; NULL: pushes */
	char		*state;		/* JSON: the content_state last
					   delivered (with the type and timer
					   its start said), or the last
					   push's body; NULL: none yet */
	int		 ended;		/* the last delivery ended the run */
	uint64_t	 started_ms;	/* when the run's start was delivered */
	uint64_t	 ended_ms;	/* when its end was */
	unsigned	 failed;	/* requests given up on */
	unsigned	 queued;	/* waiting or in flight (the outbox's) */
};

/* Return a new, empty record; free with shown_free. */
struct shown	*shown_new(void);
void		 shown_free(struct shown *);
/*
 * A Live Activity request or a push was queued: its item exists from now
 * on, in the order of first requests.  Metrics and the badge are not kept.
 */
void		 shown_queued(struct shown *, const struct request *);
/* The request was delivered at now (the clock of clock_now_ms). */
void		 shown_delivered(struct shown *, const struct request *,
		    uint64_t);
/* The request was given up on. */
void		 shown_failed(struct shown *, const struct request *);
/*
 * Copy every item into a new array (queued left 0); returns how many.
 * Free with shown_items_free.
 */
size_t		 shown_copy(const struct shown *, struct shown_item **);
void		 shown_items_free(struct shown_item *, size_t);

#endif /* AS_TAIL_SHOWN_H */
