/*
 * ratelimit.c: a token bucket sized so that no minute exceeds the budget.
 * See ratelimit.h for the arithmetic.
 */
#include "ratelimit.h"

void
ratelimit_init(struct ratelimit *rl, unsigned per_minute, uint64_t now)
{
	unsigned	refill;

	if (per_minute < 1)
		per_minute = 1;
	rl->burst = per_minute / 12;
	if (rl->burst < 1)
		rl->burst = 1;
	if (rl->burst > 5)
		rl->burst = 5;
	refill = per_minute - rl->burst;
	if (refill == 0) {
		/* One a minute: the next token strictly after 60 s. */
		rl->interval_ms = 60001;
	} else
		rl->interval_ms = (60000 + refill - 1) / refill;
	rl->tokens = rl->burst;
	rl->last_ms = now;
	rl->blocked_until_ms = 0;
}

static void
ratelimit_refill(struct ratelimit *rl, uint64_t now)
{
	uint64_t	n;

	if (now <= rl->last_ms)
		return;
	n = (now - rl->last_ms) / rl->interval_ms;
	if (n == 0)
		return;
	if (rl->tokens + n >= rl->burst) {
		rl->tokens = rl->burst;
		rl->last_ms = now;
	} else {
		rl->tokens += (unsigned)n;
		rl->last_ms += n * rl->interval_ms;
	}
}

uint64_t
ratelimit_wait_ms(struct ratelimit *rl, uint64_t now)
{
	if (now < rl->blocked_until_ms)
		return rl->blocked_until_ms - now;
	ratelimit_refill(rl, now);
	if (rl->tokens > 0)
		return 0;
	return rl->last_ms + rl->interval_ms - now;
}

void
ratelimit_take(struct ratelimit *rl, uint64_t now)
{
	ratelimit_refill(rl, now);
	if (rl->tokens == rl->burst)
		rl->last_ms = now;	/* a full bucket refills from now */
	if (rl->tokens > 0)
		rl->tokens--;
}

void
ratelimit_block(struct ratelimit *rl, uint64_t now, uint64_t ms)
{
	rl->blocked_until_ms = now + ms;
	rl->tokens = 0;
	/* One token is due the moment the block ends. */
	rl->last_ms = now + ms > rl->interval_ms ? now + ms - rl->interval_ms :
	    0;
}
