/*
 * unit-ratelimit.c: drives src/ratelimit.c on a fake clock and checks exact
 * waits and the budget over every 60-second window.  Prints "ok NAME" or
 * "not ok NAME: why" per check; exits 1 if any check failed.
 */
#include <stdio.h>
#include <stdlib.h>

#include "../../src/ratelimit.h"

#include "check.h"

/* Take every token as soon as it is due for minutes; check each window. */
static void
flood(unsigned per_minute, unsigned minutes)
{
	struct ratelimit	 rl;
	uint64_t		*sent, now = 1000, end;
	size_t			 n = 0, i, j, worst = 0;
	char			 name[64];

	end = now + (uint64_t)minutes * 60000;
	sent = calloc((size_t)per_minute * (minutes + 1) + 16, sizeof *sent);
	ratelimit_init(&rl, per_minute, now);
	while (now < end) {
		uint64_t wait = ratelimit_wait_ms(&rl, now);

		if (wait > 0) {
			now += wait;
			continue;
		}
		ratelimit_take(&rl, now);
		sent[n++] = now;
	}
	for (i = 0, j = 0; i < n; i++) {
		while (sent[i] - sent[j] >= 60000)
			j++;
		if (i - j + 1 > worst)
			worst = i - j + 1;
	}
	/* Never over the budget, and never more than one under it. */
	snprintf(name, sizeof name, "flood %u/min: at most %u in any 60s "
	    "window (%zu)", per_minute, per_minute, worst);
	check_num(name, worst <= per_minute && worst + 1 >= per_minute, 1);
	/* The burst once, then the sustained rate of N - burst a minute. */
	snprintf(name, sizeof name, "flood %u/min: %zu requests in %u "
	    "minutes", per_minute, n, minutes);
	/* Rounding the interval up may cost one request a minute. */
	check_num(name, n + minutes + 1 >= rl.burst +
	    (size_t)(per_minute - rl.burst) * minutes &&
	    n <= (size_t)per_minute * minutes, 1);
	free(sent);
}

int
main(void)
{
	struct ratelimit	rl;
	int			i;

	ratelimit_init(&rl, 60, 0);
	check_num("60/min: burst", rl.burst, 5);
	check_num("60/min: interval", rl.interval_ms, 1091);
	for (i = 0; i < 5; i++) {
		check_num("burst: no wait", ratelimit_wait_ms(&rl, 0), 0);
		ratelimit_take(&rl, 0);
	}
	check_num("sixth waits one interval", ratelimit_wait_ms(&rl, 0), 1091);
	check_num("part of the interval left", ratelimit_wait_ms(&rl, 500),
	    591);
	check_num("token due at 1091", ratelimit_wait_ms(&rl, 1091), 0);
	ratelimit_take(&rl, 1091);
	check_num("then the next interval", ratelimit_wait_ms(&rl, 1091), 1091);
	check_num("idle refills to the burst only",
	    (ratelimit_wait_ms(&rl, 600000), rl.tokens), 5);

	ratelimit_block(&rl, 700000, 2000);
	check_num("429 blocks for Retry-After", ratelimit_wait_ms(&rl, 700000),
	    2000);
	check_num("still blocked", ratelimit_wait_ms(&rl, 701999), 1);
	check_num("one token when the block ends",
	    ratelimit_wait_ms(&rl, 702000), 0);
	ratelimit_take(&rl, 702000);
	check_num("then one per interval", ratelimit_wait_ms(&rl, 702000),
	    1091);

	ratelimit_init(&rl, 1, 0);
	ratelimit_take(&rl, 0);
	check_num("1/min waits past a full minute", ratelimit_wait_ms(&rl, 0),
	    60001);

	flood(60, 10);
	flood(10, 5);
	flood(600, 3);
	flood(1, 4);
	return check_status();
}
