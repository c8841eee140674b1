/*
 * history.h: the totals that earlier runs of the same job counted, for
 * steps counted without a total ($XDG_STATE_HOME/as-tail/history).
 */
#ifndef AS_TAIL_HISTORY_H
#define AS_TAIL_HISTORY_H

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
/*
 * Remember count for activity and rewrite the file (atomically: a
 * temporary file renamed over it).  A failure to write is warned about
 * once.
 */
void		 history_record(struct history *, const char *, long);

#endif /* AS_TAIL_HISTORY_H */
