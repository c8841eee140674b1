/*
 * unit-scanpart.c: checks what the block scan of src/match.c looks for to
 * find a rule's lines (matcher_scan_part): a leading broad repeat that a
 * literal follows is left out; a ".*" also after a single atom ("\S.*")
 * and when it opens a group (gradle's "^(\S.* > .+ FAILED)$", issue 14), so
 * that the scan does not run along every line; anything else is scanned
 * whole.
 * That the same lines fire either way is tests/unit/unit-matchdiff's job.
 * Prints "ok NAME" or "not ok NAME: why"; exits 1 if any check failed.
 */
#include <stdio.h>

#include "../../src/buf.h"
#include "../../src/match.h"
#include "../../src/rules.h"

#include "check.h"

/* The scan part of the one rule "match /regex/ push title=x". */
static void
scan_part(const char *regex, const char *want)
{
	struct ruleset	*rs = ruleset_new();
	struct buf	 b;
	char		 text[512];

	snprintf(text, sizeof text, "match /%s/ push title=x\n", regex);
	if (ruleset_load_text(rs, "t", text) + ruleset_finish(rs) > 0) {
		check_str(regex, rs->errors[0], "no error");
		ruleset_free(rs);
		return;
	}
	buf_init(&b, (size_t)-1);
	matcher_scan_part(rs->rules[0], &b);
	check_str(regex, buf_str(&b), want);
	buf_free(&b);
	ruleset_free(rs);
}

int
main(void)
{
	/* Left out before a literal, as ever. */
	scan_part("^.*error: (.*)", "error: (.*)");
	scan_part("\\S+ FAILED$", " FAILED$");
	scan_part("^(?<file>[^\\s:]+):(\\d+):", ":(\\d+):");
	scan_part("^(?:.*?) done$", " done$");
	/* A ".*" after single atoms, or opening a group that goes on. */
	scan_part("^\\S.* > (\\w+)", " > (\\w+)");
	scan_part("^[A-Z]\\S.*? failed", " failed");
	scan_part("^(\\S.* > .+ FAILED)$", "(?: > .+ FAILED)$");
	scan_part("^(?<t>\\S.*) > x", " > x");
	scan_part("^(?:.+ FAILED|x)$", "^(?:.+ FAILED|x)$");
	scan_part("^(.* > x){2}y", "^(.* > x){2}y");
	scan_part("^(.* > (a)+) x", "^(.* > (a)+) x");
	scan_part("^(.* > (a)) x", "(?: > (a)) x");
	/* Scanned whole: a class repeat stops soon at a line start. */
	scan_part("^[A-Z]\\w* failed", "^[A-Z]\\w* failed");
	scan_part("^(?<at>[^\\s:]+:\\d+:\\d+): error: (.*)",
	    "^(?<at>[^\\s:]+:\\d+:\\d+): error: (.*)");
	scan_part("^(\\S+\\.py::.*?) FAILED", "^(\\S+\\.py::.*?) FAILED");
	/* Scanned whole: nothing to leave out. */
	scan_part("^Traceback \\(most", "^Traceback \\(most");
	scan_part("^\\S.*(?:a|b)", "^\\S.*(?:a|b)");
	scan_part("^\\S?.* x", "^\\S?.* x");
	scan_part("^\\S{2}.* x", "^\\S{2}.* x");
	scan_part("^\\S\\S\\S\\S\\S.* x", "^\\S\\S\\S\\S\\S.* x");
	scan_part("^(\\w+) of \\1", "^(\\w+) of \\1");
	scan_part("^(?i:.*) x", "^(?i:.*) x");
	scan_part("^(.*|b) x", "^(.*|b) x");
	scan_part("^(\\S.*\\d)", "^(\\S.*\\d)");
	return check_status();
}
