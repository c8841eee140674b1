/*
 * key.h: the API key.  It comes from ACTIVITYSMITH_API_KEY or from a file
 * (--api-key-file), never from the command line, and is never printed.
 */
#ifndef AS_TAIL_KEY_H
#define AS_TAIL_KEY_H

/*
 * Return the key as a new string (free with key_free), or NULL if none is
 * set.  A file that cannot be read, or holds no key, is fatal (exit 2); a
 * file others may read is warned about.
 */
char	*key_load(const char *);
/* Overwrite and free the key. */
void	 key_free(char *);

#endif /* AS_TAIL_KEY_H */
