/*
 * key.h: the API key.  It comes from ACTIVITYSMITH_API_KEY or from a file
 * (--api-key-file), never from the command line, and is never printed.
 */
#ifndef AS_TAIL_KEY_H
#define AS_TAIL_KEY_H

/*
 * Return the key as a new string (free with key_free), or NULL if none is
 * set.  A key file that cannot be read, is not a regular file, holds no key,
 * a first line over 1023 bytes or a control character in the key is fatal
 * (exit 2), and so is such a key in the environment; a file others may read
 * is warned about.  The environment loses the key (key_hide).  From then
 * on the process is not dumpable (Linux): no core file holds the key.
 */
char	*key_load(const char *);
/*
 * Remove ACTIVITYSMITH_API_KEY from the environment, and overwrite its bytes
 * in the environment block (/proc/PID/environ), so that a wrapped command,
 * and what it runs, never sees the key.  Call it before any thread starts:
 * the environment is not thread-safe.
 */
void	 key_hide(void);
/* Overwrite and free the key. */
void	 key_free(char *);

#endif /* AS_TAIL_KEY_H */
