/*
 * clock.h: the one place as-tail asks what time it is (the monotonic clock;
 * outbox.c also converts to the wall clock for pthread_cond_timedwait).
 * The pure logic that depends on time (the rate limiter, the outbox's
 * retry times, the backoff) takes "now" as an argument so that its unit
 * tests run on a fake clock; the rule options in action.c read the clock
 * once per match and are tested through the program.
 */
#ifndef AS_TAIL_CLOCK_H
#define AS_TAIL_CLOCK_H

#include <stdint.h>

/* Milliseconds on the monotonic clock. */
uint64_t	clock_now_ms(void);
/* Format a duration as "1h02m03s", "4m05s" or "6s" into buf. */
void		clock_format_duration(uint64_t, char *, unsigned long);

#endif /* AS_TAIL_CLOCK_H */
