/*
 * backoff.h: how long to wait before trying a request again.  Pure
 * arithmetic: the caller counts the failures and passes the random draw,
 * so that tests/unit/unit-backoff.c can check exact waits.
 *
 * Exponential backoff as curl's tool and the API reference advise: 1 s after
 * the first failure, then 2 s, 4 s ... up to a cap, each cut to between 75%
 * and 100% by the draw so that clients do not retry in step.  A Retry-After
 * from the server wins, but only up to a cap: a server asking for an hour
 * would otherwise hold every later request, ends included, for that hour.
 */
#ifndef AS_TAIL_BACKOFF_H
#define AS_TAIL_BACKOFF_H

#include <stddef.h>
#include <stdint.h>

#define BACKOFF_FIRST_MS	1000
/* Pushes, updates and 429s without Retry-After; Retry-After's cap. */
#define BACKOFF_MAX_MS		60000

/*
 * The wait after the nth failure in a row (n >= 1): BACKOFF_FIRST_MS
 * doubled n - 1 times, at most max_ms, then cut by draw (any number; taken
 * modulo a quarter of the wait).
 */
uint64_t	backoff_ms(unsigned, uint64_t, unsigned);
/*
 * A Retry-After of s seconds as a wait, at most max_ms; *capped says
 * whether it was cut.
 */
uint64_t	backoff_retry_after_ms(long, uint64_t, int *);
/* Format a wait as the message says it: "0.8s", "2.0s", "12s". */
void		backoff_format(uint64_t, char *, size_t);

#endif /* AS_TAIL_BACKOFF_H */
