/*
 * vars.h: the variables of a rules file.  "set NAME=VALUE" writes one,
 * ${var:NAME} reads it; a name never set reads as empty.  They let a rule
 * remember a line for a later rule (ansible's first real failure is only
 * known once the recap shows which host failed).
 */
#ifndef AS_TAIL_VARS_H
#define AS_TAIL_VARS_H

#include <stddef.h>

/* At most this many names are kept; setting one more forgets the oldest. */
#define VARS_MAX	1024
/* Longest name and value kept, in bytes; longer text is cut. */
#define VARS_NAME_MAX	256
#define VARS_VALUE_MAX	1024

struct vars;

/* Return an empty set of variables; free with vars_free. */
struct vars	*vars_new(void);
void		 vars_free(struct vars *);
/*
 * Set name to value (both copied).  An empty value removes the name.  The
 * name set most recently is the last to be forgotten.
 */
void		 vars_set(struct vars *, const char *, const char *);
/* Borrowed: the value of name, or "" if it is not set. */
const char	*vars_get(const struct vars *, const char *);
/* How many names are set. */
size_t		 vars_count(const struct vars *);

#endif /* AS_TAIL_VARS_H */
