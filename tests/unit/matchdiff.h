/*
 * matchdiff.h: the matcher's promise, as a check.  Block scanning
 * (matcher_scan) must fire each rule on exactly the lines that matching each
 * line alone (matcher_line) fires it on, in the same order.  Used by
 * unit-matchdiff (every shipped pack on every fixture) and by the
 * differential fuzz target.
 */
#ifndef AS_TAIL_MATCHDIFF_H
#define AS_TAIL_MATCHDIFF_H

#include <stddef.h>

#include "../../src/match.h"

/*
 * Compare the two ways over buf[0..len), its complete lines given to
 * matcher_scan as one block.  Returns 0 when they agree, else -1 with a
 * new message in *why (free it) naming the first line and rule that differ.
 */
int	matchdiff_check(struct matcher *, const char *, size_t, char **);

#endif /* AS_TAIL_MATCHDIFF_H */
