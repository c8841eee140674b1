/*
 * backoff.c: the waits between tries (see backoff.h).  The sender owns the
 * counting and the randomness; this file only does the arithmetic, and
 * formats a wait the way retry messages state it.
 */
#include <stdio.h>

#include "backoff.h"

uint64_t
backoff_ms(unsigned n, uint64_t max_ms, unsigned draw)
{
	uint64_t	ms = BACKOFF_FIRST_MS;

	while (n-- > 1 && ms < max_ms)
		ms *= 2;
	if (ms > max_ms)
		ms = max_ms;
	/* Between 75% and 100% of it. */
	return ms - draw % (ms / 4 + 1);
}

uint64_t
backoff_retry_after_ms(long s, uint64_t max_ms, int *capped)
{
	*capped = s < 0 || (uint64_t)s > max_ms / 1000;
	return *capped ? max_ms : (uint64_t)s * 1000;
}

void
backoff_format(uint64_t ms, char *buf, size_t size)
{
	/* Tenths below 10 s, rounded to the nearest; whole seconds above. */
	if (ms < 9950)
		snprintf(buf, size, "%llu.%llus",
		    (unsigned long long)((ms + 50) / 1000),
		    (unsigned long long)((ms + 50) % 1000 / 100));
	else
		snprintf(buf, size, "%llus",
		    (unsigned long long)((ms + 500) / 1000));
}
