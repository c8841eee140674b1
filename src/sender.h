/*
 * sender.h: the thread that delivers the outbox to ActivitySmith.  It spends
 * the request budget (budget.h), sends one request at a time (http.c),
 * and decides from each reply whether the request is done, to be retried
 * later, or given up on.  The reader never waits for it.
 */
#ifndef AS_TAIL_SENDER_H
#define AS_TAIL_SENDER_H

#include <stdint.h>

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
 * Let the sender empty the outbox until deadline_ms, and go on until
 * end_deadline_ms while ends are still queued (if the server answered at
 * least once: the network worked); then stop it, abandoning a
 * request in flight.  Returns how many requests were left unsent, and sets
 * *key_refused if the server refused the key (401).  Frees the sender.
 */
unsigned long	 sender_finish(struct sender *, uint64_t, uint64_t, int *);
/* How long ends may extend the default drain at exit. */
#define SENDER_END_DRAIN_S	60

#endif /* AS_TAIL_SENDER_H */
