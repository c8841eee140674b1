/*
 * fuzz-matchdiff.c: the differential matcher target.  The input's first
 * byte picks the line limit (odd: 16 bytes, so that long lines are cut);
 * then up to four regexes, one a line, end at an empty line, and the rest
 * is the text.  Block scanning must fire the same rules on the same lines
 * as matching each line alone (tests/unit/matchdiff.h); a difference
 * aborts with the line and rule.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/buf.h"
#include "../unit/matchdiff.h"
#include "fuzz.h"

#define FUZZ_RULES_MAX	4

/* The rules file for the regexes in p[0..len), one a line. */
static void
rules_text(struct buf *b, const char *p, size_t len)
{
	const char	*nl;
	size_t		 i, n;
	int		 nrules = 0;

	while (len > 0 && nrules++ < FUZZ_RULES_MAX) {
		nl = memchr(p, '\n', len);
		n = nl == NULL ? len : (size_t)(nl - p);
		buf_addstr(b, "match /");
		for (i = 0; i < n; i++) {
			if (p[i] == '/')
				buf_addstr(b, "\\/");
			else
				buf_add(b, p + i, 1);
		}
		buf_addstr(b, "/ push title=x\n");
		if (nl == NULL)
			break;
		len -= n + 1;
		p = nl + 1;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct ruleset	*rs;
	struct matcher	*m;
	struct buf	 b;
	const char	*p = (const char *)data + 1, *split;
	char		*why;
	size_t		 max_line, nrules_len;

	if (len < 2)
		return 0;
	max_line = data[0] & 1 ? 16 : 65536;
	for (split = p; split + 1 < p + len - 1 &&
	    (split[0] != '\n' || split[1] != '\n'); split++)
		;
	if (split + 1 >= p + len - 1)
		split = NULL;
	nrules_len = split == NULL ? len - 1 : (size_t)(split - p);
	buf_init(&b, 64 * 1024);
	rules_text(&b, p, nrules_len);
	rs = ruleset_new();
	if (ruleset_load(rs, fuzz_file("rules", b.data, b.len)) +
	    ruleset_finish(rs) == 0 && split != NULL) {
		m = matcher_new(rs, max_line);
		if (matchdiff_check(m, split + 2, len - 1 - nrules_len - 2,
		    &why) != 0) {
			fprintf(stderr, "matchdiff: %s\n%.*s", why,
			    (int)b.len, b.data);
			abort();
		}
		matcher_free(m);
	}
	ruleset_free(rs);
	buf_free(&b);
	return 0;
}
