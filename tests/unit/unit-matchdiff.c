/*
 * unit-matchdiff.c: the matcher's promise as a property test.
 *
 *	unit-matchdiff RULES... -- FILE...
 *
 * Every rules file is checked on every input file (matchdiff.h): block
 * scanning must fire the same rules on the same lines as matching each line
 * alone, with the default line limit and with a small one (so that long
 * lines are exercised too).  Prints "not ok RULES FILE: why" for each
 * disagreement and "ok N checks" at the end; exits 1 if any failed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/xmalloc.h"
#include "matchdiff.h"

static const size_t	max_lines[] = { 65536, 40 };

/* Read a whole file into a new buffer; NULL if it cannot be read. */
static char *
slurp(const char *path, size_t *len)
{
	FILE	*f;
	char	*buf = NULL;
	size_t	 cap = 0, n;

	*len = 0;
	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	do {
		if (*len == cap) {
			cap = cap ? cap * 2 : 65536;
			buf = xrealloc(buf, cap);
		}
		n = fread(buf + *len, 1, cap - *len, f);
		*len += n;
	} while (n > 0);
	fclose(f);
	return buf;
}

/* Check one rules file on every input; return the number of failures. */
static int
check_rules(const char *rules, char **files, int nfiles, unsigned *checks)
{
	struct ruleset	*rs = ruleset_new();
	struct matcher	*m;
	char		*buf, *why;
	size_t		 len, k;
	int		 i, failed = 0;

	if (ruleset_load(rs, rules) + ruleset_finish(rs) > 0) {
		printf("not ok %s: %s\n", rules, rs->errors[0]);
		ruleset_free(rs);
		return 1;
	}
	for (k = 0; k < sizeof max_lines / sizeof max_lines[0]; k++) {
		m = matcher_new(rs, max_lines[k]);
		for (i = 0; i < nfiles; i++) {
			if ((buf = slurp(files[i], &len)) == NULL) {
				printf("not ok %s: cannot read it\n", files[i]);
				failed++;
				continue;
			}
			(*checks)++;
			if (matchdiff_check(m, buf, len, &why) != 0) {
				printf("not ok %s %s (max-line %zu): %s\n",
				    rules, files[i], max_lines[k], why);
				free(why);
				failed++;
			}
			free(buf);
		}
		matcher_free(m);
	}
	ruleset_free(rs);
	return failed;
}

int
main(int argc, char **argv)
{
	unsigned	checks = 0;
	int		i, sep, failed = 0;

	for (sep = 1; sep < argc && strcmp(argv[sep], "--") != 0; sep++)
		;
	if (sep == 1 || sep >= argc - 1) {
		fprintf(stderr, "usage: unit-matchdiff RULES... -- FILE...\n");
		return 2;
	}
	for (i = 1; i < sep; i++)
		failed += check_rules(argv[i], argv + sep + 1, argc - sep - 1,
		    &checks);
	printf("%s %u checks\n", failed ? "not ok" : "ok", checks);
	return failed ? 1 : 0;
}
