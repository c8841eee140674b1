/*
 * explain.c: the --explain report.  Like fail2ban-regex, but from the same
 * engine that runs for real: per rule its hits, how many fired and how many an
 * option held back, and the first lines it matched.
 */
#include "explain.h"

void
explain_print(FILE *f, const struct ruleset *rs,
    const struct rule_state *st, const struct matcher *m, uint64_t nlines,
    uint64_t nbytes, uint64_t elapsed_ms)
{
	const struct rule	*r;
	const char		*p;
	double			 secs = (double)elapsed_ms / 1000.0;
	size_t			 i, j;

	fprintf(f, "lines read: %llu (%.1f MB) in %.2fs", (unsigned long long)
	    nlines, (double)nbytes / 1e6, secs);
	if (secs > 0)
		fprintf(f, ", %.0f lines/s", (double)nlines / secs);
	fputc('\n', f);
	fprintf(f, "rules: %zu, %zu tried on every line\n", rs->nrules,
	    matcher_slow_rules(m));
	for (i = 0; i < rs->nrules; i++) {
		r = rs->rules[i];
		fprintf(f, "%s:%u: /", r->file, r->line);
		for (p = r->pattern; *p != '\0'; p++) {
			if (*p == '/')
				fputc('\\', f);
			fputc(*p, f);
		}
		fprintf(f, "/%s hits %llu fired %llu suppressed %llu\n", r->flags,
		    (unsigned long long)st[r->id].hits,
		    (unsigned long long)st[r->id].fired,
		    (unsigned long long)st[r->id].suppressed);
		for (j = 0; j < RULE_SAMPLES && st[r->id].samples[j] != NULL;
		    j++)
			fprintf(f, "    | %s\n", st[r->id].samples[j]);
	}
	fflush(f);
}
