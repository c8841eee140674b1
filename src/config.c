/*
 * config.c: the config file.
 *
 * Each line is "key value": a key from config_keys, blanks, and the value,
 * the rest of the line without the blanks around it.  Blank lines and lines
 * whose first non-blank is '#' are skipped.  A value that is a file name
 * may begin with "~/" for the home directory; a relative one is taken from
 * the directory of the config file.  An unknown key, a key set twice and a
 * key without a value are errors; all of them are reported, as
 * "FILE:LINE: why", before as-tail exits 2.  Checking the values is left to
 * the options they stand for (main.c), so that both say the same.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "msg.h"
#include "xmalloc.h"

/* Longest line read; a longer one is an error. */
#define CONFIG_LINE_MAX	4096

static const char *config_keys[] = {
	"api", "api-key-file", "api-url", "budget", "channels", "pack", "rate",
	NULL
};

/* Keys whose value names a file. */
static const char *config_file_keys[] = { "api-key-file", NULL };

static int
config_known(const char *key, const char **keys)
{
	for (; *keys != NULL; keys++)
		if (strcmp(key, *keys) == 0)
			return 1;
	return 0;
}

/* $XDG_CONFIG_HOME/as-tail/config, or ~/.config/as-tail/config; or NULL. */
static char *
config_default_path(void)
{
	const char	*dir, *home = getenv("HOME");

	if ((dir = getenv("XDG_CONFIG_HOME")) != NULL && dir[0] == '/')
		return xasprintf("%s/as-tail/config", dir);
	if (home != NULL && home[0] == '/')
		return xasprintf("%s/.config/as-tail/config", home);
	return NULL;
}

/* A file name value, made absolute from the config file's directory. */
static char *
config_file_value(const char *config_path, const char *v)
{
	const char	*home = getenv("HOME"), *slash;

	if (strncmp(v, "~/", 2) == 0 && home != NULL)
		return xasprintf("%s/%s", home, v + 2);
	if (v[0] == '/' || (slash = strrchr(config_path, '/')) == NULL)
		return xstrdup(v);
	return xasprintf("%.*s/%s", (int)(slash - config_path), config_path, v);
}

/* One line; returns an error message (a new string) or NULL. */
static char *
config_line(struct config *c, char *s, unsigned line)
{
	struct config_entry	*e;
	char			*key, *end;
	size_t			 i;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	if (*s == '\0' || *s == '#')
		return NULL;
	key = s;
	while (*s != '\0' && !isspace((unsigned char)*s))
		s++;
	if (*s != '\0')
		*s++ = '\0';
	while (isspace((unsigned char)*s))
		s++;
	if (!config_known(key, config_keys))
		return xasprintf("unknown key '%s'", key);
	if (*s == '\0')
		return xasprintf("'%s' needs a value", key);
	for (i = 0; i < c->nentries; i++)
		if (strcmp(c->entries[i].key, key) == 0)
			return xasprintf("'%s' is already set on line %u", key,
			    c->entries[i].line);
	c->entries = xreallocarray(c->entries, c->nentries + 1,
	    sizeof *c->entries);
	e = &c->entries[c->nentries++];
	e->key = xstrdup(key);
	e->value = config_known(key, config_file_keys) ?
	    config_file_value(c->path, s) : xstrdup(s);
	e->line = line;
	return NULL;
}

/* Read f; report each error; return how many there were. */
static unsigned
config_read(struct config *c, FILE *f)
{
	char		 buf[CONFIG_LINE_MAX + 2], *cause;
	unsigned	 line = 0, errors = 0;
	size_t		 len;

	while (fgets(buf, sizeof buf, f) != NULL) {
		line++;
		len = strlen(buf);
		if (len > CONFIG_LINE_MAX && buf[len - 1] != '\n') {
			msg_warnx("%s:%u: line longer than %d bytes", c->path,
			    line, CONFIG_LINE_MAX);
			errors++;
			while (len > 0 && buf[len - 1] != '\n' &&
			    fgets(buf, sizeof buf, f) != NULL)
				len = strlen(buf);
			continue;
		}
		if ((cause = config_line(c, buf, line)) != NULL) {
			msg_warnx("%s:%u: %s", c->path, line, cause);
			free(cause);
			errors++;
		}
	}
	if (ferror(f)) {
		msg_warn("%s", c->path);
		errors++;
	}
	return errors;
}

struct config *
config_load(const char *path)
{
	struct config	*c = xcalloc(1, sizeof *c);
	FILE		*f;
	unsigned	 errors;

	if ((c->path = path != NULL ? xstrdup(path) : config_default_path()) ==
	    NULL)
		return c;
	if ((f = fopen(c->path, "r")) == NULL) {
		if (path == NULL && errno == ENOENT)
			return c;
		msg_warn("%s", c->path);
		config_free(c);
		exit(2);
	}
	errors = config_read(c, f);
	fclose(f);
	if (errors > 0) {
		msg_warnx("%u error%s in %s; nothing was read or sent",
		    errors, errors == 1 ? "" : "s", c->path);
		config_free(c);
		exit(2);
	}
	return c;
}

void
config_free(struct config *c)
{
	size_t	i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nentries; i++) {
		free(c->entries[i].key);
		free(c->entries[i].value);
	}
	free(c->entries);
	free(c->path);
	free(c);
}

const struct config_entry *
config_get(const struct config *c, const char *key)
{
	size_t	i;

	for (i = 0; i < c->nentries; i++)
		if (strcmp(c->entries[i].key, key) == 0)
			return &c->entries[i];
	return NULL;
}
