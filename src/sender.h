/*
 * sender.h: the thread that delivers the outbox to ActivitySmith.  It spends
 * the request budget (budget.h), sends one request at a time (http.c),
 * and decides from each reply whether the request is done, to be retried
 * later, or given up on.  The reader never waits for it.
 */
#ifndef AS_TAIL_SENDER_H
#define AS_TAIL_SENDER_H

#include <stdint.h>
#include <stdio.h>

#include "budget.h"
#include "outbox.h"

struct sender_config {
	const char	*url;		/* base URL, without a trailing slash */
	const char	*key;		/* the API key; copied by sender_start */
	const char	*cacert;	/* NULL for the system's CAs */
	struct budget	*budget;	/* borrowed: requests and slots */
	const char	*proxy;		/* --proxy, or NULL */
	long		 timeout_s;	/* per request */
	uint64_t	 retry_max_ms;	/* give up a push, metric or badge
					   after this long */
};

struct sender;

/* Start the thread, with the signals as-tail handles blocked in it. */
struct sender	*sender_start(struct outbox *, const struct sender_config *);
/*
 * A dry run's sender: no thread and no network, but the same outbox, budget
 * and reply handling, so that it sends what a real run would, in the same
 * order.  Whenever a request is added it sends, on the adding thread, what
 * may go (sender_dry_send); each is answered at once with a 200 (a classic
 * start with the id dry-run-1, dry-run-2 ...).  show (borrowed; may be NULL)
 * gets each request in words (show.h).  budget is borrowed; give it a local
 * one: a dry run must not spend the host's.  Without one (NULL) nothing is
 * held back: each request goes as soon as it is added (the tests of what
 * rules make).
 */
struct sender	*sender_dry_new(struct outbox *, struct budget *, FILE *);
/*
 * A dry run: send what may go now.  Returns how long until something
 * held back may go (UINT64_MAX if nothing waits).
 */
uint64_t	 sender_dry_send(struct sender *);
/*
 * Let the sender empty the outbox until deadline_ms, and go on until
 * end_deadline_ms while ends are still queued (if the server answered at
 * least once: the network worked); then stop it, abandoning a
 * request in flight.  Returns how many requests were left unsent, and sets
 * *key_refused if the server refused the key (401).  Frees the sender.  A
 * dry run's sender skips the waits instead, sending what a real one would
 * have sent by then.
 */
unsigned long	 sender_finish(struct sender *, uint64_t, uint64_t, int *);
/* How long ends may extend the default drain at exit. */
#define SENDER_END_DRAIN_S	60

#endif /* AS_TAIL_SENDER_H */
