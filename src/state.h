/*
 * state.h: --state FILE, so that a restarted as-tail carries on where it
 * stopped: each followed file resumes after the last line it matched, and
 * open Live Activities are continued rather than started again.
 */
#ifndef AS_TAIL_STATE_H
#define AS_TAIL_STATE_H

#include "activity.h"
#include "follow.h"

struct state;

/*
 * Return a new state kept in path (borrowed).  follow may be NULL (no -F).
 * Free with state_free.
 */
struct state	*state_new(const char *, struct follow *, struct activities *);
void		 state_free(struct state *);
/*
 * Read the file, if there is one: resume the files, reopen the activities.
 * A file that is not an as-tail state file is reported and ignored.
 */
void		 state_load(struct state *);
/* Write the file if anything changed (temp file, fsync, rename). */
void		 state_save(struct state *);

#endif /* AS_TAIL_STATE_H */
