/*
 * number.h: the numbers that users write, in rules files and in what rules
 * capture from the input: whole numbers (digits only, no sign, no base
 * prefix) and clock times such as ffmpeg's "00:01:23.45".
 */
#ifndef AS_TAIL_NUMBER_H
#define AS_TAIL_NUMBER_H

#include <stddef.h>

/*
 * Parse the len bytes at s as a whole number from 0 to max into *out.
 * Returns 0, or -1 if they are not all digits, none, or more than max.
 */
int	number_parse_long(const char *, size_t, long, long *);

/*
 * Parse the string s as a clock time, H:MM:SS or M:SS, each part digits,
 * the minutes and seconds after a colon two digits below 60, the seconds
 * with an optional fraction ("1:02:03.5"), into seconds in *out.
 * Returns 0, or -1 if s is not such a time.
 */
int	number_parse_clock(const char *, double *);

#endif /* AS_TAIL_NUMBER_H */
