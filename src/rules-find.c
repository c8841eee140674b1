/*
 * rules-find.c: finding rules files by name, and --list-rules.
 *
 * One list of rules directories (rules_dirs) serves both the search for a
 * pack and the listing, so that --list-rules shows exactly what -r NAME
 * would load: the first directory holding NAME.rules wins.
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rules-find.h"
#include "xmalloc.h"

/* How many rules directories there can be. */
#define RULES_NDIRS	4

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char * const *)a, *(char * const *)b);
}

/* The directory holding the running binary, as a new string, or NULL. */
static char *
exe_dir(void)
{
	char	 exe[PATH_MAX], *slash;
	ssize_t	 n;

	if ((n = readlink("/proc/self/exe", exe, sizeof exe - 1)) <= 0)
		return NULL;
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')) == NULL)
		return NULL;
	*slash = '\0';
	return xstrdup(exe);
}

/*
 * Fill dirs with the rules directories in search order, as new strings;
 * unused slots are NULL.  The user's directory comes first, then the share
 * directory beside the binary (wherever PREFIX was), the compiled-in one,
 * and rules/ beside the binary (a source tree).
 */
static void
rules_dirs(char *dirs[RULES_NDIRS])
{
	const char	*xdg, *home;
	char		*exe;
	size_t		 i;

	for (i = 0; i < RULES_NDIRS; i++)
		dirs[i] = NULL;
	if ((xdg = getenv("XDG_CONFIG_HOME")) != NULL && *xdg != '\0')
		dirs[0] = xasprintf("%s/as-tail/rules", xdg);
	else if ((home = getenv("HOME")) != NULL && *home != '\0')
		dirs[0] = xasprintf("%s/.config/as-tail/rules", home);
	if ((exe = exe_dir()) != NULL) {
		dirs[1] = xasprintf("%s/../share/as-tail/rules", exe);
		dirs[3] = xasprintf("%s/rules", exe);
		free(exe);
	}
	dirs[2] = xstrdup(AS_TAIL_RULESDIR);
}

static void
rules_dirs_free(char *dirs[RULES_NDIRS])
{
	size_t	i;

	for (i = 0; i < RULES_NDIRS; i++)
		free(dirs[i]);
}

char *
rules_find_pack(const char *name)
{
	char	*dirs[RULES_NDIRS], *base, *path = NULL;
	size_t	 len = strlen(name), i;

	if (len > 6 && strcmp(name + len - 6, ".rules") == 0)
		base = xstrndup(name, len - 6);
	else
		base = xstrdup(name);
	rules_dirs(dirs);
	for (i = 0; i < RULES_NDIRS && path == NULL; i++) {
		if (dirs[i] == NULL)
			continue;
		path = xasprintf("%s/%s.rules", dirs[i], base);
		if (access(path, R_OK) != 0) {
			free(path);
			path = NULL;
		}
	}
	rules_dirs_free(dirs);
	free(base);
	return path;
}

/* The description on the first comment line: "# NAME.rules: TEXT". */
static void
rules_list_file(const char *path, const char *name)
{
	FILE	*f;
	char	 line[512], *text;

	if ((f = fopen(path, "r")) == NULL)
		return;
	if (fgets(line, sizeof line, f) == NULL)
		line[0] = '\0';
	fclose(f);
	line[strcspn(line, "\n")] = '\0';
	text = strstr(line, ".rules:");
	text = text == NULL ? "" : text + strlen(".rules:");
	while (*text == ' ')
		text++;
	printf("%-16s %s\n", name, text);
}

/* Add dir's packs not found already to *packs, sorted by name. */
static void
rules_packs_dir(const char *dir, struct rules_pack **packs, size_t *npacks)
{
	DIR		*d;
	struct dirent	*de;
	char		**names = NULL;
	size_t		  n = 0, i, j, len;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len <= 6 || strcmp(de->d_name + len - 6, ".rules") != 0)
			continue;
		names = xreallocarray(names, n + 1, sizeof *names);
		names[n++] = xstrndup(de->d_name, len - 6);
	}
	closedir(d);
	qsort(names, n, sizeof *names, cmp_str);
	for (i = 0; i < n; i++) {
		for (j = 0; j < *npacks; j++)
			if (strcmp((*packs)[j].name, names[i]) == 0)
				break;
		if (j < *npacks) {
			free(names[i]);
			continue;
		}
		*packs = xreallocarray(*packs, *npacks + 1, sizeof **packs);
		(*packs)[*npacks].name = names[i];
		(*packs)[(*npacks)++].path = xasprintf("%s/%s.rules", dir,
		    names[i]);
	}
	free(names);
}

struct rules_pack *
rules_packs(size_t *n)
{
	char			*dirs[RULES_NDIRS];
	struct rules_pack	*packs = NULL;
	size_t			 i;

	*n = 0;
	rules_dirs(dirs);
	for (i = 0; i < RULES_NDIRS; i++)
		if (dirs[i] != NULL)
			rules_packs_dir(dirs[i], &packs, n);
	rules_dirs_free(dirs);
	return packs;
}

void
rules_packs_free(struct rules_pack *packs, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(packs[i].name);
		free(packs[i].path);
	}
	free(packs);
}

void
rules_list(void)
{
	struct rules_pack	*packs;
	size_t			 n, i;

	packs = rules_packs(&n);
	for (i = 0; i < n; i++)
		rules_list_file(packs[i].path, packs[i].name);
	rules_packs_free(packs, n);
}

/* Whether path names something rules can be read from, not a directory. */
static int
readable_kind(const char *path)
{
	struct stat	st;

	return stat(path, &st) == 0 && (S_ISREG(st.st_mode) ||
	    S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode));
}

char *
rules_find(const char *name)
{
	char	*pack;

	if (strchr(name, '/') != NULL || readable_kind(name))
		return xstrdup(name);
	if ((pack = rules_find_pack(name)) != NULL)
		return pack;
	/* Say what NAME is ("Is a directory") rather than "no such file". */
	return access(name, F_OK) == 0 ? xstrdup(name) : NULL;
}
