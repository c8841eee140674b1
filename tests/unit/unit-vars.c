/*
 * unit-vars.c: drives src/vars.c: set, read, unset, and the limit that
 * forgets the name set longest ago.  Prints "ok NAME" or "not ok NAME: why";
 * exits 1 if any check failed.
 */
#include <stdio.h>
#include <string.h>

#include "../../src/vars.h"

static int failed;

static void
expect_str(const char *name, const char *got, const char *want)
{
	if (strcmp(got, want) == 0)
		printf("ok %s\n", name);
	else {
		printf("not ok %s: got '%s', want '%s'\n", name, got, want);
		failed = 1;
	}
}

static void
expect_num(const char *name, size_t got, size_t want)
{
	if (got == want)
		printf("ok %s\n", name);
	else {
		printf("not ok %s: got %zu, want %zu\n", name, got, want);
		failed = 1;
	}
}

int
main(void)
{
	struct vars	*vs = vars_new();
	char		 name[32];
	int		 i;

	expect_str("unset reads empty", vars_get(vs, "x"), "");
	expect_str("unset with no vars reads empty", vars_get(NULL, "x"), "");
	vars_set(vs, "x", "1");
	vars_set(vs, "y", "2");
	expect_str("set then read", vars_get(vs, "x"), "1");
	vars_set(vs, "x", "3");
	expect_str("set again replaces", vars_get(vs, "x"), "3");
	expect_num("one entry per name", vars_count(vs), 2);
	vars_set(vs, "y", "");
	expect_str("empty value unsets", vars_get(vs, "y"), "");
	expect_num("unset removes the entry", vars_count(vs), 1);

	/* "x" was set first; setting it again makes it the newest. */
	vars_set(vs, "old", "o");
	vars_set(vs, "x", "4");
	for (i = 0; i < VARS_MAX - 1; i++) {
		snprintf(name, sizeof name, "n%d", i);
		vars_set(vs, name, "v");
	}
	expect_num("never more than VARS_MAX", vars_count(vs), VARS_MAX);
	expect_str("the oldest is forgotten first", vars_get(vs, "old"), "");
	expect_str("a name set again is kept", vars_get(vs, "x"), "4");
	expect_str("the newest is kept", vars_get(vs, "n1022"), "v");
	vars_set(vs, "one-more", "m");
	expect_num("still VARS_MAX", vars_count(vs), VARS_MAX);
	expect_str("x goes next", vars_get(vs, "x"), "");
	expect_str("the new one is there", vars_get(vs, "one-more"), "m");
	vars_free(vs);
	return failed;
}
