/*
 * number.h: the whole numbers that users write, in rules files and in what
 * rules capture from the input: digits only, no sign, no base prefix.
 */
#ifndef AS_TAIL_NUMBER_H
#define AS_TAIL_NUMBER_H

#include <stddef.h>

/*
 * Parse the len bytes at s as a whole number from 0 to max into *out.
 * Returns 0, or -1 if they are not all digits, none, or more than max.
 */
int	number_parse_long(const char *, size_t, long, long *);

#endif /* AS_TAIL_NUMBER_H */
