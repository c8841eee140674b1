/*
 * key.c: reading the API key.  The key file holds the key on its first line
 * (surrounding white space is ignored), like an ssh private key it should be
 * readable by its owner only.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "key.h"
#include "msg.h"
#include "xmalloc.h"

#define KEY_MAX	1024

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

static char *
key_from_file(const char *path)
{
	FILE		*f;
	struct stat	 st;
	char		 line[KEY_MAX], *key;

	if ((f = fopen(path, "r")) == NULL)
		msg_fatal(2, "%s", path);
	if (fstat(fileno(f), &st) == 0 && (st.st_mode & 077) != 0)
		msg_warnx("%s: readable by group or others; chmod 600 it",
		    path);
	if (fgets(line, sizeof line, f) == NULL)
		line[0] = '\0';
	fclose(f);
	key = trim(line);
	if (*key == '\0')
		msg_fatalx(2, "%s: no API key on its first line", path);
	key = xstrdup(key);
	memset(line, 0, sizeof line);
	return key;
}

char *
key_load(const char *path)
{
	const char	*env;
	char		*key = NULL;

	if (path != NULL)
		key = key_from_file(path);
	else if ((env = getenv("ACTIVITYSMITH_API_KEY")) != NULL &&
	    *env != '\0')
		key = xstrdup(env);
	key_hide();
	return key;
}

void
key_hide(void)
{
	unsetenv("ACTIVITYSMITH_API_KEY");
}

void
key_free(char *key)
{
	volatile char	*p = key;

	if (key == NULL)
		return;
	while (*p != '\0')
		*p++ = '\0';
	free(key);
}
