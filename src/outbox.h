/*
 * outbox.h: where requests go once the rules have produced them.  The outbox
 * owns every request handed to it.  In a dry run there is no sender: each
 * request is traced and taken as delivered at once.
 */
#ifndef AS_TAIL_OUTBOX_H
#define AS_TAIL_OUTBOX_H

#include <stdio.h>

#include "api.h"

struct outbox;

/*
 * Return a new outbox.  trace (may be NULL) gets each request as one JSON
 * line {"method":...,"path":...,"body":{...}}; borrowed, kept open by the
 * caller.  Free with outbox_free.
 */
struct outbox	*outbox_new(FILE *);
void		 outbox_free(struct outbox *);
/* Queue a request; takes ownership. */
void		 outbox_add(struct outbox *, struct request *);
/* How many requests went through. */
unsigned long	 outbox_count(const struct outbox *);

#endif /* AS_TAIL_OUTBOX_H */
