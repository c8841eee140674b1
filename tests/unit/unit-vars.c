/*
 * unit-vars.c: drives src/vars.c: set, read, unset, and the limit that
 * forgets the name set longest ago.  Prints "ok NAME" or "not ok NAME: why";
 * exits 1 if any check failed.
 */
#include <stdio.h>

#include "../../src/vars.h"

#include "check.h"

int
main(void)
{
	struct vars	*vs = vars_new();
	char		 name[32];
	int		 i;

	check_str("unset reads empty", vars_get(vs, "x"), "");
	check_str("unset with no vars reads empty", vars_get(NULL, "x"), "");
	vars_set(vs, "x", "1");
	vars_set(vs, "y", "2");
	check_str("set then read", vars_get(vs, "x"), "1");
	vars_set(vs, "x", "3");
	check_str("set again replaces", vars_get(vs, "x"), "3");
	check_num("one entry per name", vars_count(vs), 2);
	vars_set(vs, "y", "");
	check_str("empty value unsets", vars_get(vs, "y"), "");
	check_num("unset removes the entry", vars_count(vs), 1);

	/* "x" was set first; setting it again makes it the newest. */
	vars_set(vs, "old", "o");
	vars_set(vs, "x", "4");
	for (i = 0; i < VARS_MAX - 1; i++) {
		snprintf(name, sizeof name, "n%d", i);
		vars_set(vs, name, "v");
	}
	check_num("never more than VARS_MAX", vars_count(vs), VARS_MAX);
	check_str("the oldest is forgotten first", vars_get(vs, "old"), "");
	check_str("a name set again is kept", vars_get(vs, "x"), "4");
	check_str("the newest is kept", vars_get(vs, "n1022"), "v");
	vars_set(vs, "one-more", "m");
	check_num("still VARS_MAX", vars_count(vs), VARS_MAX);
	check_str("x goes next", vars_get(vs, "x"), "");
	check_str("the new one is there", vars_get(vs, "one-more"), "m");
	vars_free(vs);
	return check_status();
}
