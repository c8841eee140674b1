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
 *
 * The package runners (npx, npm exec, pnpm exec and dlx, yarn, bunx) run a
 * tool whose output is the tool's, not the runner's: "npx webpack" gets the
 * webpack pack.  A tool the table does not know gets no pack from the
 * command, so the input chooses (detect.c): the generic pack, or the npm
 * pack if what comes is npm's own errors (a package that could not be
 * fetched).  yarn and pnpm also run a tool or a script named right after
 * them or after their "run" ("yarn jest", "pnpm run build"); there a word
 * the table does not know is one of their own commands ("yarn install") or
 * a script, which npm's pack knows how to follow: the npm pack, as for
 * "npm run build".
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

/*
 * The runners: past the runner's options, and past one of its subcommands
 * "runs" if it has any, the next word is the tool it runs.  A runner with
 * "scripts" also runs a tool or a package.json script named by the word
 * after it or after its "run" ("yarn jest", "pnpm run build").
 */
struct pack_runner {
	const char	*name;
	const char	*runs[3];	/* subcommands; none: runs a tool */
	const char	*valued;	/* letters of the options with a value */
	const char	*valued_long[3];	/* long options with a value */
	int		 scripts;
};

static const struct pack_runner pack_runners[] = {
	{ "bunx",	{ NULL },		"p",	{ "package", NULL },	0 },
	{ "npm",	{ "exec", "x", NULL },	"pcw",	{ "package", "call" },	0 },
	{ "npx",	{ NULL },		"pc",	{ "package", "call" },	0 },
	{ "pnpm",	{ "exec", "dlx", NULL }, "CF",	{ "package", "filter" },
									1 },
	{ "pnpx",	{ NULL },		"",	{ "package", NULL },	0 },
	{ "yarn",	{ "dlx", "exec", NULL }, "p",	{ "package", "cwd" },	1 },
	{ NULL,		{ NULL },		NULL,	{ NULL },		0 }
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

static const struct pack_runner *
pack_runner(const char *name)
{
	const struct pack_runner	*r;

	for (r = pack_runners; r->name != NULL; r++)
		if (strcmp(name, r->name) == 0)
			return r;
	return NULL;
}

static int
pack_word_in(const char *word, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(word, *list) == 0)
			return 1;
	return 0;
}

/*
 * Skip a runner's options from argv[i]: "-p pkg", "--package pkg" and
 * "--package=pkg" are one option; "--" ends them.  Returns the index of the
 * first other word (argv's NULL at the end).
 */
static int
pack_skip_runner_options(char **argv, int i, const struct pack_runner *r)
{
	const char	*word;

	for (; (word = argv[i]) != NULL; i++) {
		if (strcmp(word, "--") == 0)
			return i + 1;
		if (word[0] != '-' || word[1] == '\0')
			return i;
		if (argv[i + 1] == NULL)
			continue;
		if (word[1] != '-' && word[2] == '\0' &&
		    strchr(r->valued, word[1]) != NULL)
			i++;
		else if (word[1] == '-' && strchr(word, '=') == NULL &&
		    pack_word_in(word + 2, r->valued_long))
			i++;
	}
	return i;
}

/*
 * The tool that the runner at argv[i] runs: its index, or -1 when it runs
 * none ("npm install", "npx" alone).  *script is set when the word may name
 * a script or one of the runner's own commands instead.
 */
static int
pack_runner_tool(char **argv, int i, const struct pack_runner *r,
    int *script)
{
	*script = 0;
	i = pack_skip_runner_options(argv, i + 1, r);
	if (argv[i] == NULL)
		return -1;
	if (pack_word_in(argv[i], r->runs))
		i = pack_skip_runner_options(argv, i + 1, r);
	else if (r->scripts) {
		*script = 1;
		if (strcmp(argv[i], "run") == 0)
			i = pack_skip_runner_options(argv, i + 1, r);
	} else if (r->runs[0] != NULL)
		return -1;
	return argv[i] == NULL ? -1 : i;
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

/* The pack for the first len bytes of name, or NULL. */
static const char *
pack_for_tool(const char *name, size_t len)
{
	const struct pack_tool	*t;

	for (t = pack_tools; t->tool != NULL; t++)
		if (strncmp(name, t->tool, len) == 0 && t->tool[len] == '\0')
			return t->pack;
	return NULL;
}

/* The pack for the package a runner runs: "webpack", "vite@5" or NULL. */
static const char *
pack_for_package(const char *word)
{
	word = pack_basename(word);
	if (*word == '\0')
		return NULL;
	return pack_for_tool(word, 1 + strcspn(word + 1, "@"));
}

const char *
pack_for_command(char **argv, const char **tool)
{
	const struct pack_wrapper	*w;
	const struct pack_runner	*r;
	const char			*name, *module, *pack;
	int				 i = 0, run, script;

	*tool = NULL;
	while (argv[i] != NULL && (w = pack_wrapper(argv[i])) != NULL)
		i = pack_skip_wrapper(argv, i, w);
	if (argv[i] == NULL)
		return NULL;
	name = pack_basename(argv[i]);
	if ((module = pack_python_module(argv, i)) != NULL)
		name = module;
	if ((r = pack_runner(name)) != NULL &&
	    (run = pack_runner_tool(argv, i, r, &script)) >= 0) {
		if ((pack = pack_for_package(argv[run])) != NULL) {
			*tool = pack_basename(argv[run]);
			return pack;
		}
		if (!script)
			return NULL;
	}
	if ((pack = pack_for_tool(name, strlen(name))) != NULL)
		*tool = name;
	return pack;
}
