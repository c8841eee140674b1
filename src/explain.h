/*
 * explain.h: the --explain report, printed after the input ends: what each
 * rule matched, what it fired, and how fast the input went through.
 */
#ifndef AS_TAIL_EXPLAIN_H
#define AS_TAIL_EXPLAIN_H

#include <stdint.h>
#include <stdio.h>

#include "action.h"
#include "match.h"
#include "rules.h"

/*
 * Print the report to f, with each rule's counts from its state (see
 * action_state_new); elapsed_ms is how long the input took.
 */
void	explain_print(FILE *, const struct ruleset *,
	    const struct rule_state *, const struct matcher *, uint64_t,
	    uint64_t, uint64_t);

#endif /* AS_TAIL_EXPLAIN_H */
