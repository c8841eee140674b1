/*
 * config.h: the config file, $XDG_CONFIG_HOME/as-tail/config or
 * --config FILE: "key value" lines giving defaults for some options.
 */
#ifndef AS_TAIL_CONFIG_H
#define AS_TAIL_CONFIG_H

#include <stddef.h>

struct config_entry {
	char		*key;
	char		*value;
	unsigned	 line;
};

struct config {
	char			*path;
	struct config_entry	*entries;
	size_t			 nentries;
};

/*
 * Read the config file: path if not NULL (it must exist), else the default
 * one (which may be absent).  Every error is reported as "FILE:LINE: why"
 * before exiting 2.  Returns a new config, empty if there is no file; free
 * with config_free().
 */
struct config	*config_load(const char *);
void		 config_free(struct config *);
/* The entry for key, or NULL if the file does not set it.  Borrowed. */
const struct config_entry
		*config_get(const struct config *, const char *);

#endif /* AS_TAIL_CONFIG_H */
