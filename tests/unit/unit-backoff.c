/*
 * unit-backoff.c: checks src/backoff.c's waits exactly: the doubling from
 * 1 s, the cap, the jitter's bounds, Retry-After's cap, and how a wait is
 * stated.  Prints "ok NAME" or "not ok NAME: why" per check; exits 1 if any
 * check failed.
 */
#include <stdio.h>

#include "../../src/backoff.h"

#include "check.h"

/* The nth wait spans [75%, 100%] of 1 s * 2^(n-1), capped at max. */
static void
doubling(uint64_t max_ms)
{
	uint64_t	full = 1000, lo = UINT64_MAX, hi = 0, w;
	unsigned	n, draw;
	char		name[96];

	for (n = 1; n <= 12; n++) {
		if (full > max_ms)
			full = max_ms;
		lo = UINT64_MAX;
		hi = 0;
		for (draw = 0; draw <= full / 4 + 1; draw++) {
			w = backoff_ms(n, max_ms, draw);
			if (w < lo)
				lo = w;
			if (w > hi)
				hi = w;
		}
		snprintf(name, sizeof name, "failure %u, cap %llus: at most "
		    "%llums", n, (unsigned long long)max_ms / 1000,
		    (unsigned long long)full);
		check_num(name, hi, full);
		snprintf(name, sizeof name, "failure %u, cap %llus: at least "
		    "%llums", n, (unsigned long long)max_ms / 1000,
		    (unsigned long long)(full - full / 4));
		check_num(name, lo, full - full / 4);
		full *= 2;
	}
}

int
main(void)
{
	char	buf[32];
	int	capped;

	doubling(BACKOFF_MAX_MS);
	doubling(10000);
	check_num("draw 0 waits the whole step", backoff_ms(3, 60000, 0), 4000);
	check_num("draw 1000 cuts 1000 ms", backoff_ms(3, 60000, 1000), 3000);
	check_num("a huge failure count stays at the cap",
	    backoff_ms(4000000000u, 60000, 0), 60000);

	check_num("Retry-After 2", backoff_retry_after_ms(2, 60000, &capped),
	    2000);
	check_num("Retry-After 2 is not capped", capped, 0);
	check_num("Retry-After 60", backoff_retry_after_ms(60, 60000, &capped),
	    60000);
	check_num("Retry-After 60 is not capped", capped, 0);
	check_num("Retry-After 3600", backoff_retry_after_ms(3600, 60000,
	    &capped), 60000);
	check_num("Retry-After 3600 is capped", capped, 1);
	check_num("Retry-After 0", backoff_retry_after_ms(0, 60000, &capped),
	    0);

	backoff_format(750, buf, sizeof buf);
	check_str("750 ms is stated 0.8s", buf, "0.8s");
	backoff_format(1091, buf, sizeof buf);
	check_str("1091 ms is stated 1.1s", buf, "1.1s");
	backoff_format(2000, buf, sizeof buf);
	check_str("2000 ms is stated 2.0s", buf, "2.0s");
	backoff_format(9949, buf, sizeof buf);
	check_str("9949 ms is stated 9.9s", buf, "9.9s");
	backoff_format(9950, buf, sizeof buf);
	check_str("9950 ms is stated 10s", buf, "10s");
	backoff_format(60000, buf, sizeof buf);
	check_str("60000 ms is stated 60s", buf, "60s");
	return check_status();
}
