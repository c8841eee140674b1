/*
 * clock.h: the one place as-tail asks what time it is.  Everything that
 * depends on time (throttles, thresholds, the rate limiter) takes "now" as an
 * argument so that it can be tested on a fake clock.
 */
#ifndef AS_TAIL_CLOCK_H
#define AS_TAIL_CLOCK_H

#include <stdint.h>

/* Milliseconds on the monotonic clock. */
uint64_t	clock_now_ms(void);
/* Format a duration as "1h02m03s", "4m05s" or "6s" into buf. */
void		clock_format_duration(uint64_t, char *, unsigned long);

#endif /* AS_TAIL_CLOCK_H */
