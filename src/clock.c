/*
 * clock.c: monotonic time and the human form of a duration.
 */
#include <stdio.h>
#include <time.h>

#include "clock.h"

uint64_t
clock_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void
clock_format_duration(uint64_t ms, char *buf, unsigned long size)
{
	uint64_t	s = ms / 1000;

	if (s >= 3600)
		snprintf(buf, size, "%lluh%02llum%02llus",
		    (unsigned long long)(s / 3600),
		    (unsigned long long)(s / 60 % 60),
		    (unsigned long long)(s % 60));
	else if (s >= 60)
		snprintf(buf, size, "%llum%02llus",
		    (unsigned long long)(s / 60), (unsigned long long)(s % 60));
	else
		snprintf(buf, size, "%llus", (unsigned long long)s);
}
