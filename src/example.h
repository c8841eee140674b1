/*
 * example.h: checking the "example" statements of the rules (--check): each
 * example line is run through the real matcher and the actions it fires are
 * compared with the ones the example promises.
 */
#ifndef AS_TAIL_EXAMPLE_H
#define AS_TAIL_EXAMPLE_H

#include <stddef.h>

#include "match.h"
#include "rules.h"

/*
 * Check every example in rs with m; each failure is appended to rs->errors
 * as "FILE:LINE:COL: example: ...".  Returns the number of failures.
 */
size_t	examples_check(struct ruleset *, struct matcher *);

#endif /* AS_TAIL_EXAMPLE_H */
