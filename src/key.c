/*
 * key.c: reading the API key, and keeping it to this process.
 *
 * The key file holds the key on its first line (surrounding white space is
 * ignored); like an ssh private key it should be readable by its owner only.
 * It must be a regular file (a FIFO would block as-tail forever), its first
 * line at most KEY_MAX - 1 bytes, and the key free of control characters (a
 * bare CR would end up inside the HTTP header).  The same checks apply to
 * ACTIVITYSMITH_API_KEY.
 *
 * The variable is taken out of the environment and its bytes overwritten in
 * the environment block itself, which /proc/PID/environ shows to anyone who
 * may look at the process (the wrapped command can).  Once a key is read,
 * the process is not dumpable: no core file, no ptrace by other users.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "key.h"
#include "msg.h"
#include "xmalloc.h"

#define KEY_MAX		1024
#define KEY_VAR		"ACTIVITYSMITH_API_KEY"

extern char	**environ;

/* Overwrite a secret in a way the compiler may not optimise away. */
static void
wipe(char *p, size_t n)
{
	volatile char	*v = p;

	while (n-- > 0)
		*v++ = '\0';
}

/* Strip white space from both ends, in place. */
static char *
trim(char *s)
{
	char	*end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

/* Why a key cannot go into an HTTP header, or NULL if it can. */
static const char *
key_bad(const char *key)
{
	for (; *key != '\0'; key++)
		if (iscntrl((unsigned char)*key))
			return "the API key holds a control character (a CR?)";
	return NULL;
}

/*
 * Read up to size - 1 bytes of a regular file into buf, NUL-terminated.
 * Fatal (exit 2) when it cannot be read or is not a regular file.
 */
static size_t
key_read(const char *path, char *buf, size_t size)
{
	struct stat	 st;
	ssize_t		 n;
	size_t		 len = 0;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1)
		msg_fatal(2, "%s", path);
	if (fstat(fd, &st) == -1)
		msg_fatal(2, "%s", path);
	if (!S_ISREG(st.st_mode))
		msg_fatalx(2, "%s: not a regular file; the key file must be one",
		    path);
	if ((st.st_mode & 077) != 0)
		msg_warnx("%s: readable by group or others; chmod 600 it",
		    path);
	while (len < size - 1 && (n = read(fd, buf + len, size - 1 - len)) !=
	    0) {
		if (n == -1 && errno != EINTR)
			msg_fatal(2, "%s", path);
		if (n > 0)
			len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	return len;
}

static char *
key_from_file(const char *path)
{
	char		 buf[KEY_MAX + 1], *key, *nl;
	const char	*why;
	size_t		 len;

	len = key_read(path, buf, sizeof buf);
	if ((nl = memchr(buf, '\n', len)) != NULL)
		*nl = '\0';
	else if (len == sizeof buf - 1) {
		wipe(buf, sizeof buf);
		msg_fatalx(2, "%s: the first line is longer than %d bytes; not "
		    "an API key", path, KEY_MAX - 1);
	}
	key = trim(buf);
	if (*key == '\0')
		msg_fatalx(2, "%s: no API key on its first line", path);
	if ((why = key_bad(key)) != NULL) {
		wipe(buf, sizeof buf);
		msg_fatalx(2, "%s: %s", path, why);
	}
	key = xstrdup(key);
	wipe(buf, sizeof buf);
	return key;
}

static char *
key_from_env(const char *env)
{
	const char	*why;

	if (strlen(env) >= KEY_MAX)
		msg_fatalx(2, "%s is longer than %d bytes; not an API key",
		    KEY_VAR, KEY_MAX - 1);
	if ((why = key_bad(env)) != NULL)
		msg_fatalx(2, "%s: %s", KEY_VAR, why);
	return xstrdup(env);
}

/* Mark the process (not) dumpable: no core file with the key in it. */
static void
key_dumpable(int on)
{
#ifdef __linux__
	prctl(PR_SET_DUMPABLE, on ? 1L : 0L, 0L, 0L, 0L);
#else
	(void)on;
#endif
}

char *
key_load(const char *path)
{
	const char	*env;
	char		*key = NULL;

	key_dumpable(0);
	if (path != NULL)
		key = key_from_file(path);
	else if ((env = getenv(KEY_VAR)) != NULL && *env != '\0')
		key = key_from_env(env);
	key_hide();
	if (key == NULL)
		key_dumpable(1);
	return key;
}

void
key_hide(void)
{
	char	**e, *entry;
	size_t	  len = strlen(KEY_VAR);

	for (;;) {
		entry = NULL;
		for (e = environ; e != NULL && *e != NULL; e++)
			if (strncmp(*e, KEY_VAR, len) == 0 && (*e)[len] == '=')
				entry = *e;
		if (entry == NULL)
			return;
		unsetenv(KEY_VAR);
		wipe(entry, strlen(entry));
	}
}

void
key_free(char *key)
{
	if (key == NULL)
		return;
	wipe(key, strlen(key));
	free(key);
}
