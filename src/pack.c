/*
 * pack.c: the rule pack for a wrapped command, so that
 * "as-tail -- make -j8" needs no -r.
 *
 * The command's name (its last path component) is looked up in a table of
 * the tools the packs are made for.  The wrappers that run another command
 * (sudo, env, time, nice) are skipped with their options, and
 * "python -m pip" or "python -m pytest" count as pip and pytest.  The table
 * names packs that may not be installed (pip); the caller falls back to
 * PACK_FALLBACK for those, as for a command the table does not know.
 */
#include <string.h>

#include "pack.h"

struct pack_tool {
	const char	*tool;
	const char	*pack;
};

static const struct pack_tool pack_tools[] = {
	{ "ansible-playbook",	"ansible" },
	{ "apt",		"apt" },
	{ "apt-get",		"apt" },
	{ "bazel",		"bazel" },
	{ "bazelisk",		"bazel" },
	{ "borg",		"borg" },
	{ "cargo",		"cargo" },
	{ "cmake",		"cmake" },
	{ "ctest",		"cmake" },
	{ "curl",		"curl" },
	{ "dd",			"dd" },
	{ "docker",		"docker" },
	{ "ffmpeg",		"ffmpeg" },
	{ "git",		"git" },
	{ "gmake",		"make" },
	{ "go",			"go" },
	{ "gradle",		"gradle" },
	{ "gradlew",		"gradle" },
	{ "helm",		"helm" },
	{ "jest",		"jest" },
	{ "kubectl",		"kubectl" },
	{ "make",		"make" },
	{ "meson",		"meson" },
	{ "mvn",		"maven" },
	{ "mvnw",		"maven" },
	{ "ninja",		"ninja" },
	{ "npm",		"npm" },
	{ "npx",		"npm" },
	{ "pip",		"pip" },
	{ "pip3",		"pip" },
	{ "pnpm",		"npm" },
	{ "py.test",		"pytest" },
	{ "pytest",		"pytest" },
	{ "rclone",		"rclone" },
	{ "restic",		"restic" },
	{ "rsync",		"rsync" },
	{ "terraform",		"terraform" },
	{ "vite",		"vite" },
	{ "webpack",		"webpack" },
	{ "webpack-cli",	"webpack" },
	{ "wget",		"wget" },
	{ "yarn",		"npm" },
	{ NULL,			NULL }
};

/*
 * The options of the wrappers that take a value as the next word; any other
 * word starting with '-' is an option alone.  env's NAME=VALUE words are
 * skipped too.
 */
struct pack_wrapper {
	const char	*name;
	const char	*valued;	/* letters of the options with a value */
};

static const struct pack_wrapper pack_wrappers[] = {
	{ "env",	"uCS" },
	{ "nice",	"n" },
	{ "sudo",	"ugCDhpRrTtU" },
	{ "time",	"fo" },
	{ NULL,		NULL }
};

static const char *
pack_basename(const char *path)
{
	const char	*slash = strrchr(path, '/');

	return slash == NULL ? path : slash + 1;
}

static const struct pack_wrapper *
pack_wrapper(const char *word)
{
	const struct pack_wrapper	*w;

	for (w = pack_wrappers; w->name != NULL; w++)
		if (strcmp(pack_basename(word), w->name) == 0)
			return w;
	return NULL;
}

/* Skip a wrapper and its options; return the index of the command it runs. */
static int
pack_skip_wrapper(char **argv, int i, const struct pack_wrapper *w)
{
	const char	*word;

	for (i++; (word = argv[i]) != NULL; i++) {
		if (strcmp(word, "--") == 0)
			return i + 1;
		if (word[0] == '-' && word[1] != '-' && word[1] != '\0') {
			/* "-u root" takes the next word; "-uroot" does not. */
			if (word[2] == '\0' && strchr(w->valued, word[1]) != NULL &&
			    argv[i + 1] != NULL)
				i++;
		} else if (word[0] == '-' && word[1] == '-') {
			/* "--user=root" or a long flag: one word. */
		} else if (!(strcmp(w->name, "env") == 0 &&
		    strchr(word, '=') != NULL))
			return i;
	}
	return i;
}

/* "python3 -m pytest": the module run, or NULL. */
static const char *
pack_python_module(char **argv, int i)
{
	if (strncmp(pack_basename(argv[i]), "python", 6) != 0)
		return NULL;
	if (argv[i + 1] == NULL || strcmp(argv[i + 1], "-m") != 0)
		return NULL;
	return argv[i + 2];
}

const char *
pack_for_command(char **argv, const char **tool)
{
	const struct pack_tool		*t;
	const struct pack_wrapper	*w;
	const char			*name, *module;
	int				 i = 0;

	*tool = NULL;
	while (argv[i] != NULL && (w = pack_wrapper(argv[i])) != NULL)
		i = pack_skip_wrapper(argv, i, w);
	if (argv[i] == NULL)
		return NULL;
	name = pack_basename(argv[i]);
	if ((module = pack_python_module(argv, i)) != NULL)
		name = module;
	for (t = pack_tools; t->tool != NULL; t++)
		if (strcmp(name, t->tool) == 0) {
			*tool = name;
			return t->pack;
		}
	return NULL;
}
