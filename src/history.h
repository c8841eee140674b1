/*
 * history.h: the totals that earlier runs of the same job counted, and how
 * long they took, for steps counted without a total
 * ($XDG_STATE_HOME/as-tail/history).
 */
#ifndef AS_TAIL_HISTORY_H
#define AS_TAIL_HISTORY_H

#include <stdint.h>

struct history;

/*
 * The history of a job: the packs (as "make" or "build,-e") and the command
 * line or the followed files, read from the default file.  Returns a new history (free with history_free), or NULL if
 * there is no state directory; a missing or damaged file is an empty
 * history.
 */
struct history	*history_open(const char *, const char *);
void		 history_free(struct history *);
/* The count the last successful run of activity reached, or 0. */
long		 history_expected(const struct history *, const char *);
/* How long the last successful run of activity took, or 0 if unknown. */
uint64_t	 history_duration_ms(const struct history *, const char *);
/*
 * Remember count and duration_ms for activity and rewrite the file
 * (atomically: a temporary file renamed over it).  A failure to write is
 * warned about once.
 */
void		 history_record(struct history *, const char *, long,
		    uint64_t);

#endif /* AS_TAIL_HISTORY_H */
