/*
 * ratelimit.h: the request budget, a token bucket.  Every function takes
 * "now" (milliseconds on any monotonic clock), so that tests can step a fake
 * clock and check exact waits.
 *
 * A budget of N requests a minute gives a burst of b = N/12 tokens (at least
 * 1, at most 5) and one more token every ceil(60000 / (N - b)) ms: no window
 * of 60 seconds can then hold more than N requests.  Worked example, the
 * default 60/min: burst 5, a token every 1091 ms; five requests go at once,
 * the sixth waits 1091 ms, and a minute holds at most 5 + 55 = 60.
 */
#ifndef AS_TAIL_RATELIMIT_H
#define AS_TAIL_RATELIMIT_H

#include <stdint.h>

struct ratelimit {
	unsigned	 burst;
	unsigned	 tokens;
	uint64_t	 interval_ms;	/* one token per interval */
	uint64_t	 last_ms;	/* when tokens were last refilled */
	uint64_t	 blocked_until_ms;
};

/* Start with a full bucket for per_minute requests a minute (>= 1). */
void		ratelimit_init(struct ratelimit *, unsigned, uint64_t);
/* How long until a request may go: 0 if it may go now. */
uint64_t	ratelimit_wait_ms(struct ratelimit *, uint64_t);
/* Spend a token; only after ratelimit_wait_ms said 0. */
void		ratelimit_take(struct ratelimit *, uint64_t);
/* The server said 429: send nothing for ms, then start from empty. */
void		ratelimit_block(struct ratelimit *, uint64_t, uint64_t);

#endif /* AS_TAIL_RATELIMIT_H */
