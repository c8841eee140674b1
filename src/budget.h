/*
 * budget.h: the account's budget as the sender spends it: requests a minute
 * and concurrent Live Activities.  ActivitySmith counts both per account, so
 * every as-tail using the same key should share them.  Three kinds sit
 * behind this one interface (as watch.h hides inotify and polling):
 *
 *   local   this process alone (the bucket in memory, no slot limit);
 *   host    every as-tail of this user on this host with the same key:
 *           a small file, locked for each request (budget-host.c);
 *   redis   every as-tail anywhere pointed at the same Redis: one Lua
 *           script per request (budget-redis.c).
 *
 * A Redis that cannot be reached falls back to the host budget, and a host
 * file that cannot be used to the local one; each says so once.  Nothing
 * here ever blocks for long: a Redis call has a short timeout, and a lock is
 * held for one read and one write.
 *
 * Only the sender thread calls these (budget_new and budget_free aside).
 * "now" is clock_now_ms(); waits returned are milliseconds of real time.
 */
#ifndef AS_TAIL_BUDGET_H
#define AS_TAIL_BUDGET_H

#include <stdint.h>

#include "budget-table.h"

enum budget_kind {
	BUDGET_LOCAL,
	BUDGET_HOST,
	BUDGET_REDIS
};

struct budget_config {
	enum budget_kind	 kind;
	const char		*redis_url;	/* BUDGET_REDIS: redis://... */
	const char		*key;		/* the API key; only its hash
						   is kept, never the key */
	unsigned		 rate;		/* requests a minute until the
						   server says otherwise */
	unsigned		 time_scale;	/* tests: the budget's clock
						   runs this many times faster */
};

struct budget;

/*
 * Parse a --budget value ("local", "host" or a redis:// URL) into c.
 * Returns 0, or -1 with *cause set to a new message.
 */
int		 budget_parse(const char *, struct budget_config *, char **);
/* Return a new budget (strings are copied); free with budget_free. */
struct budget	*budget_new(const struct budget_config *);
/* Give back the slots and places this process holds, and free. */
void		 budget_free(struct budget *);
/*
 * Take a token for a request of feature f and priority p that was queued
 * waited_ms ago: 0 when it may go now, else how long to wait before asking
 * again.
 */
uint64_t	 budget_take(struct budget *, enum budget_feature,
		    enum budget_priority, uint64_t, uint64_t);
/*
 * The server answered 429: nothing of feature f goes for ms (on the
 * server's clock: a Retry-After, or a backoff).  Returns how long that is
 * from now, in real time.
 */
uint64_t	 budget_block(struct budget *, enum budget_feature, uint64_t,
		    uint64_t);
/* Adapt to the RateLimit headers of a reply to a request of feature f. */
void		 budget_hint(struct budget *, enum budget_feature,
		    const struct budget_hint *, uint64_t);
/*
 * The interval between two tokens of feature f's bucket, in real ms: from
 * the rate, or from the RateLimit headers of this process's replies (the
 * same server answers everyone sharing the budget).
 */
uint64_t	 budget_interval_ms(const struct budget *, enum budget_feature);
/*
 * Hold a slot for the Live Activity name (borrowed) before it starts: 0
 * when held, else how long to wait before asking again.  *in_use gets the
 * slots in use across everything sharing the budget.
 */
uint64_t	 budget_slot_take(struct budget *, const char *, uint64_t,
		    unsigned *);
/* The Live Activity ended (or never started): its slot is free. */
void		 budget_slot_free(struct budget *, const char *, uint64_t);
/*
 * Tell the others that our slots are still in use; returns how long until
 * this is due again.
 */
uint64_t	 budget_renew(struct budget *, uint64_t);
/* "local", "host" or "redis": what the budget is now. */
const char	*budget_kind_name(const struct budget *);

#endif /* AS_TAIL_BUDGET_H */
