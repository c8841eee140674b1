/*
 * budget-hint.h: what a server says about its rate limits, read from the
 * RateLimit-Policy and RateLimit headers of draft-ietf-httpapi-ratelimit-
 * headers.  Both the current form and the earlier one are understood:
 *
 *   RateLimit-Policy: "push";q=30;w=60, "default";q=60;w=60
 *   RateLimit: "push";r=12;t=20
 *   RateLimit-Policy: 60;w=60                (earlier drafts)
 *   RateLimit: limit=60, remaining=12, reset=20
 *
 * A policy named in RateLimit is looked up in RateLimit-Policy; otherwise
 * the first policy counts.
 */
#ifndef AS_TAIL_BUDGET_HINT_H
#define AS_TAIL_BUDGET_HINT_H

#include "budget-table.h"

/*
 * Fill h from the two header values (either may be NULL; both borrowed).
 * Returns 1 if they said anything usable, else 0.
 */
int	budget_hint_parse(const char *, const char *, struct budget_hint *);

#endif /* AS_TAIL_BUDGET_HINT_H */
