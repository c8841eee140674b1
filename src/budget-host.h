/*
 * budget-host.h: the host budget's file.  One file per user and key, in
 * $XDG_RUNTIME_DIR/as-tail/ (or /tmp/as-tail-UID/), named after a hash of
 * the key, mode 0600, holding one struct budget_table.  Every as-tail of the
 * user that uses the key locks it (flock), reads it, changes it and writes it
 * back, once per request: a few microseconds.
 */
#ifndef AS_TAIL_BUDGET_HOST_H
#define AS_TAIL_BUDGET_HOST_H

#include <stdint.h>

#include "budget-table.h"

struct budget_host;

/*
 * Open (creating it if needed) the file for the key hash (borrowed hex);
 * an absent or unusable table is made afresh for per_minute and slot_max.
 * Returns a new handle (free with budget_host_close), or NULL with *cause
 * set to a new message.
 */
struct budget_host	*budget_host_open(const char *, unsigned, unsigned,
			    uint64_t, char **);
void			 budget_host_close(struct budget_host *);
/*
 * Lock the file and return its table (borrowed: valid until unlock), or
 * NULL with *cause set to a new message.
 */
struct budget_table	*budget_host_lock(struct budget_host *, uint64_t,
			    char **);
/* Write the table back and unlock; -1 with *cause if it could not. */
int			 budget_host_unlock(struct budget_host *, char **);
/* The file's path (borrowed). */
const char		*budget_host_path(const struct budget_host *);
/* Whether a process is alive on this host. */
int			 budget_host_alive(int32_t);

#endif /* AS_TAIL_BUDGET_HOST_H */
