/*
 * match.c: finding the lines that rules match, fast.
 *
 * Trying every rule on every line costs a PCRE2 call per rule per line, which
 * is far slower than a build produces output.  Instead each block of lines is
 * scanned whole, as one subject in multiline mode, by a few "scanners":
 *
 *  - the rules anchored at a line start (^...) share one alternation, which
 *    PCRE2 only tries at line starts;
 *  - every other rule scans alone, so that PCRE2's first-character search
 *    (memchr-like in the JIT) skips most of the text.  A leading broad
 *    repeat (".*", "\\S+", "([^:]+)", "\\S.*", also when it opens a group,
 *    as in "^(\\S.* > .+ FAILED)$") is left out of the scan when a literal
 *    follows it, since it would make PCRE2 try every line and run along it
 *    (matcher_scan_part).
 *
 * A scanner hit only marks its line as a candidate.  Each candidate line is
 * then matched against every rule's own per-line regex, in file order: that
 * gives the exact line semantics and the captures, and a false hit from the
 * scan (a match that ran across a line end) costs nothing but time.  After a
 * hit the scan resumes at the next line, so no line is ever skipped.
 *
 * Rules whose meaning could change when the subject is a whole block rather
 * than a line (lookbehind, negative lookahead, \A, \z, \G, \K, dot-all,
 * inline option changes, verbs, and possessive quantifiers and atomic groups,
 * which cannot give back a line end they ate) are "slow": they are tried on
 * every line.  A rule that refers to its own groups (\1, (?(1)...)) keeps
 * its groups: it scans whole and alone.  A line longer than max_line is
 * always a candidate, since it is matched on its first max_line bytes only.
 *
 * While a multi-line event is open (event.c), every line, candidate or not,
 * is first given to the follow callback; between candidates only then are
 * the other lines walked at all.
 *
 * The promise, checked by tests/unit/unit-matchdiff and tests/fuzz: for
 * every rule and input, the lines a rule fires on are those that matching
 * each line alone gives.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "match.h"
#include "msg.h"
#include "xmalloc.h"

/* PCRE2's default JIT stack (32 KiB) fails on lines of a few hundred KiB. */
#define MATCH_JIT_STACK	(1024 * 1024)

struct scanner {
	pcre2_code	*code;
};

struct matcher {
	const struct ruleset	 *rs;
	size_t			  max_line;
	struct scanner		 *scanners;
	size_t			  nscanners;
	const struct rule	**slow;
	size_t			  nslow;
	pcre2_match_data	 *md;		/* per-line matches */
	pcre2_match_data	 *scan_md;	/* scanner hits */
	pcre2_match_context	 *mc;
	pcre2_jit_stack		 *stack;
	size_t			 *cand;		/* candidate line starts */
	size_t			  ncand, capcand;
	int			  scan_failed;	/* warned once */
	void			(*line_done)(void *);
	void			 *line_done_arg;
	int			(*follow_open)(void *);
	void			(*follow_line)(void *, const char *, size_t);
	void			 *follow_arg;
	unsigned char		 *gave_up;	/* per rule: warned once */
};

/*
 * Whether a pattern means the same on a block of lines as on one line.
 * Conservative: anything that looks outside the line, or changes options
 * inline, is not safe.
 */
static int
pattern_scan_safe(const struct rule *r)
{
	const char	*p;
	size_t		 n;
	int		 quantified = 0;	/* the last token was a quantifier */

	if (r->options & PCRE2_DOTALL)
		return 0;
	for (p = r->pattern; *p != '\0'; p++) {
		if (*p == '\\') {
			if (p[1] == '\0')
				break;
			if (strchr("AzZGK", p[1]) != NULL)
				return 0;
			p++;
			quantified = 0;
			continue;
		}
		/* A possessive quantifier: "*+", "++", "?+", "{n,m}+". */
		if (*p == '+' && quantified)
			return 0;
		quantified = strchr("*+?}", *p) != NULL;
		if (p[0] != '(' || (p[1] != '?' && p[1] != '*'))
			continue;
		if (p[1] == '*')
			return 0;
		if (strncmp(p + 2, "<=", 2) == 0 || strncmp(p + 2, "<!", 2) == 0 ||
		    p[2] == '!' || p[2] == '>')
			return 0;
		n = strspn(p + 2, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTU"
		    "VWXYZ-^");
		if ((p[2 + n] == ')' || p[2 + n] == ':') &&
		    strcspn(p + 2, "ms-^") < n)
			return 0;
	}
	return 1;
}

/*
 * Whether a pattern refers to its own groups by number or name, in a back
 * reference, a subroutine call or a condition.
 */
static int
pattern_self_referent(const char *p)
{
	for (; *p != '\0'; p++) {
		if (*p == '\\' && p[1] != '\0') {
			if (strchr("123456789gk", p[1]) != NULL)
				return 1;
			p++;
		} else if (*p == '(' && p[1] == '?' &&
		    (strchr("0123456789R&+-(", p[2]) != NULL ||
		    strncmp(p + 2, "P=", 2) == 0 || strncmp(p + 2, "P>", 2) == 0))
			return 1;
	}
	return 0;
}

/* The end of the character class that starts at p, or NULL. */
static const char *
class_end(const char *p)
{
	p++;
	if (*p == '^')
		p++;
	if (*p == ']')
		p++;
	while (*p != '\0') {
		if (*p == '\\' && p[1] != '\0')
			p += 2;
		else if (p[0] == '[' && p[1] == ':') {
			if ((p = strstr(p + 2, ":]")) == NULL)
				return NULL;
			p += 2;
		} else if (*p == ']')
			return p + 1;
		else
			p++;
	}
	return NULL;
}

/*
 * If p starts with one atom that matches a single byte of a set (".", "\S",
 * "[^:]"), return what follows it, else NULL.
 */
static const char *
skip_class_atom(const char *p)
{
	if (p[0] == '.')
		return p + 1;
	if (p[0] == '\\' && p[1] != '\0' && strchr("SsWwDd", p[1]))
		return p + 2;
	if (p[0] == '[')
		return class_end(p);
	return NULL;
}

/* How many single atoms may stand before a repeat of "." ("\S" in "\S.*"). */
#define MATCH_LEAD_ATOMS	4

/*
 * If p starts with a broad repeat (".*", "\S+", "[^:]+"), return what
 * follows it, else NULL.  *dot tells a repeat of ".", which runs along the
 * whole line, from one of a class, which stops at the first byte outside it
 * (soon, at most line starts).  Only a repeat of "." may come after a few
 * single atoms, as in "\S.*".
 */
static const char *
skip_broad_repeat(const char *p, int *dot)
{
	const char	*atom = p, *next;
	int		 atoms;

	for (atoms = 0; atoms <= MATCH_LEAD_ATOMS; atoms++) {
		if ((next = skip_class_atom(p)) == NULL)
			return NULL;
		atom = p;
		p = next;
		if (*p == '+' || *p == '*')
			break;
		if (*p == '?' || *p == '{')
			return NULL;
	}
	*dot = *atom == '.';
	if (atoms > MATCH_LEAD_ATOMS || (atoms > 0 && !*dot))
		return NULL;
	p++;
	if (*p == '?' || *p == '+')
		p++;
	return p;
}

/*
 * If p opens a group ("(", "(?:", "(?<name>"), return what follows the
 * opening, else NULL.
 */
static const char *
skip_group_open(const char *p)
{
	if (p[0] != '(')
		return NULL;
	p++;
	if (p[0] == '?' && p[1] == ':')
		return p + 2;
	if (p[0] == '?' && p[1] == '<' && p[2] != '=' && p[2] != '!') {
		if ((p = strchr(p, '>')) == NULL)
			return NULL;
		return p + 1;
	}
	return p[0] == '?' ? NULL : p;
}

/* Whether a scan may start with p: a literal, not a construct. */
static int
scan_starts_literal(const char *p)
{
	if (*p == '\0' || strchr("([.$|?*+{)^", *p) != NULL)
		return 0;
	return !(p[0] == '\\' && (p[1] == '\0' || isalnum((unsigned char)
	    p[1])));
}

/*
 * Whether a group may end in p with a quantifier after it (any ")" followed
 * by one, escaped or not: "){2}" would need the part left out of the scan
 * twice), or hold an alternative ("|").
 */
static int
group_rest_unsafe(const char *p)
{
	if (strchr(p, '|') != NULL)
		return 1;
	for (; (p = strchr(p, ')')) != NULL; p++)
		if (p[1] != '\0' && strchr("*+?{", p[1]) != NULL)
			return 1;
	return 0;
}

void
matcher_scan_part(const struct rule *r, struct buf *b)
{
	const char	*p = r->pattern, *rest, *inner;
	int		 dot;

	if ((r->options & PCRE2_EXTENDED) || pattern_self_referent(r->pattern)) {
		buf_addstr(b, r->pattern);
		return;
	}
	if (*p == '^')
		p++;
	if ((inner = skip_group_open(p)) != NULL &&
	    (rest = skip_broad_repeat(inner, &dot)) != NULL) {
		/* A group of its own, or a ".*" opening one. */
		if (*rest == ')' && scan_starts_literal(rest + 1)) {
			buf_addstr(b, rest + 1);
			return;
		}
		if (dot && !group_rest_unsafe(rest) &&
		    scan_starts_literal(rest)) {
			buf_addstr(b, "(?:");
			buf_addstr(b, rest);
			return;
		}
	} else if ((rest = skip_broad_repeat(p, &dot)) != NULL &&
	    scan_starts_literal(rest)) {
		buf_addstr(b, rest);
		return;
	}
	buf_addstr(b, r->pattern);
}

/*
 * JIT-compile a pattern, unless AS_TAIL_NO_JIT is set: the JIT's wide reads
 * look like uninitialised reads to valgrind (make check-valgrind sets it).
 */
void
matcher_jit(pcre2_code *code)
{
	const char	*no = getenv("AS_TAIL_NO_JIT");

	if (no == NULL || *no == '\0')
		pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
}

static pcre2_code *
scanner_compile(const char *pattern, uint32_t options)
{
	pcre2_compile_context	*cc;
	pcre2_code		*code;
	PCRE2_SIZE		 erroff;
	int			 error;

	cc = pcre2_compile_context_create(NULL);
	pcre2_set_newline(cc, PCRE2_NEWLINE_ANYCRLF);
	code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
	    options | PCRE2_MULTILINE, &error, &erroff, cc);
	pcre2_compile_context_free(cc);
	if (code != NULL)
		matcher_jit(code);
	return code;
}

/* The scanner of one rule alone, or NULL. */
static pcre2_code *
scanner_compile_rule(const struct rule *r)
{
	struct buf	 b;
	pcre2_code	*code;

	buf_init(&b, (size_t)-1);
	matcher_scan_part(r, &b);
	code = scanner_compile(buf_str(&b), r->options);
	buf_free(&b);
	return code;
}

static void
matcher_add_scanner(struct matcher *m, pcre2_code *code)
{
	m->scanners = xreallocarray(m->scanners, m->nscanners + 1,
	    sizeof *m->scanners);
	m->scanners[m->nscanners++].code = code;
}

static void
matcher_add_slow(struct matcher *m, const struct rule *r)
{
	m->slow = xreallocarray(m->slow, m->nslow + 1, sizeof *m->slow);
	m->slow[m->nslow++] = r;
}

/* Whether a compiled scan pattern can only match at line starts. */
static int
scanner_is_anchored(const pcre2_code *code)
{
	uint32_t	type = 0;

	pcre2_pattern_info(code, PCRE2_INFO_FIRSTCODETYPE, &type);
	return type == 2;
}

/*
 * Build one alternation of the anchored rules; on any trouble give each its
 * own scanner instead.
 */
static void
matcher_add_anchored(struct matcher *m, const struct rule **v, size_t n)
{
	struct buf	 b;
	pcre2_code	*code;
	size_t		 i;

	if (n == 0)
		return;
	buf_init(&b, (size_t)-1);
	for (i = 0; i < n; i++) {
		buf_addstr(&b, i == 0 ? "(?:" : "|(?:");
		if (v[i]->options & PCRE2_CASELESS)
			buf_addstr(&b, "(?i)");
		matcher_scan_part(v[i], &b);
		buf_addstr(&b, ")");
	}
	code = n == 1 ? NULL : scanner_compile(buf_str(&b), PCRE2_DUPNAMES);
	buf_free(&b);
	if (code != NULL && scanner_is_anchored(code)) {
		matcher_add_scanner(m, code);
		return;
	}
	pcre2_code_free(code);
	for (i = 0; i < n; i++) {
		code = scanner_compile_rule(v[i]);
		if (code == NULL)
			matcher_add_slow(m, v[i]);
		else
			matcher_add_scanner(m, code);
	}
}

/* Sort the rules into scanners and slow rules. */
static void
matcher_plan(struct matcher *m)
{
	const struct ruleset	 *rs = m->rs;
	const struct rule	**anchored, *r;
	pcre2_code	 *code;
	size_t		  i, nanchored = 0;

	anchored = xcalloc(rs->nrules + 1, sizeof *anchored);
	for (i = 0; i < rs->nrules; i++) {
		r = rs->rules[i];
		if (!pattern_scan_safe(r)) {
			matcher_add_slow(m, r);
			continue;
		}
		code = scanner_compile_rule(r);
		if (code == NULL) {
			matcher_add_slow(m, r);
			continue;
		}
		if (scanner_is_anchored(code) && (r->options & ~PCRE2_CASELESS)
		    == 0 && !pattern_self_referent(r->pattern)) {
			pcre2_code_free(code);
			anchored[nanchored++] = r;
			continue;
		}
		matcher_add_scanner(m, code);
	}
	matcher_add_anchored(m, anchored, nanchored);
	free(anchored);
}

struct matcher *
matcher_new(const struct ruleset *rs, size_t max_line)
{
	struct matcher	*m;
	uint32_t	 ncap, maxcap = 0;
	size_t		 i;

	m = xcalloc(1, sizeof *m);
	m->rs = rs;
	m->max_line = max_line;
	m->gave_up = xcalloc(rs->nrules + 1, sizeof *m->gave_up);
	/* The JIT code is PCRE2's cache inside the pattern, not a rule change. */
	for (i = 0; i < rs->nrules; i++) {
		matcher_jit(rs->rules[i]->re);
		pcre2_pattern_info(rs->rules[i]->re, PCRE2_INFO_CAPTURECOUNT,
		    &ncap);
		if (ncap > maxcap)
			maxcap = ncap;
	}
	m->md = pcre2_match_data_create(maxcap + 1, NULL);
	m->scan_md = pcre2_match_data_create(1, NULL);
	m->mc = pcre2_match_context_create(NULL);
	m->stack = pcre2_jit_stack_create(32 * 1024, MATCH_JIT_STACK, NULL);
	if (m->md == NULL || m->scan_md == NULL || m->mc == NULL ||
	    m->stack == NULL)
		msg_fatalx(1, "out of memory setting up the matcher");
	pcre2_jit_stack_assign(m->mc, NULL, m->stack);
	matcher_limit(m, MATCH_LIMIT_DEFAULT);
	matcher_plan(m);
	return m;
}

void
matcher_free(struct matcher *m)
{
	size_t	i;

	if (m == NULL)
		return;
	for (i = 0; i < m->nscanners; i++)
		pcre2_code_free(m->scanners[i].code);
	free(m->scanners);
	free(m->slow);
	free(m->cand);
	free(m->gave_up);
	pcre2_match_data_free(m->md);
	pcre2_match_data_free(m->scan_md);
	pcre2_match_context_free(m->mc);
	pcre2_jit_stack_free(m->stack);
	free(m);
}

void
matcher_limit(struct matcher *m, uint32_t limit)
{
	if (limit == 0)
		limit = UINT32_MAX;	/* no limit */
	pcre2_set_match_limit(m->mc, limit);
	pcre2_set_depth_limit(m->mc, limit / 10 > 100 ? limit / 10 : 100);
}

size_t
matcher_slow_rules(const struct matcher *m)
{
	return m->nslow;
}

/* Try one rule on one line; return nonzero if the line is done. */
static int
matcher_try(struct matcher *m, const struct rule *r, const char *line,
    size_t len, match_cb cb, void *arg)
{
	int	rc;

	rc = pcre2_match(r->re, (PCRE2_SPTR)line, len, 0, 0, m->md, m->mc);
	if (rc >= 0)
		return cb(r, line, len, m->md, arg);
	if (rc != PCRE2_ERROR_NOMATCH && !m->gave_up[r->id]) {
		PCRE2_UCHAR	msg[256];

		pcre2_get_error_message(rc, msg, sizeof msg);
		msg_warnx("%s:%u: regex gave up on a line, treated as no "
		    "match: %s", r->file, r->line, (char *)msg);
		m->gave_up[r->id] = 1;
	}
	return 0;
}

void
matcher_follow(struct matcher *m, int (*open)(void *),
    void (*line)(void *, const char *, size_t), void *arg)
{
	m->follow_open = open;
	m->follow_line = line;
	m->follow_arg = arg;
}

/* Give a line (cut to max_line) to an open event first. */
static void
matcher_follow_line(struct matcher *m, const char *line, size_t len)
{
	if (m->follow_open != NULL && m->follow_open(m->follow_arg))
		m->follow_line(m->follow_arg, line, len);
}

void
matcher_line(struct matcher *m, const char *line, size_t len, match_cb cb,
    void *arg)
{
	size_t	i;

	if (len > m->max_line)
		len = m->max_line;
	matcher_follow_line(m, line, len);
	for (i = 0; i < m->rs->nrules; i++)
		if (matcher_try(m, m->rs->rules[i], line, len, cb, arg))
			break;
	if (m->line_done != NULL)
		m->line_done(m->line_done_arg);
}

void
matcher_on_line_done(struct matcher *m, void (*fn)(void *), void *arg)
{
	m->line_done = fn;
	m->line_done_arg = arg;
}

/* Try only the slow rules, in file order. */
static void
matcher_line_slow(struct matcher *m, const char *line, size_t len,
    match_cb cb, void *arg)
{
	size_t	i;

	if (len > m->max_line)
		len = m->max_line;
	matcher_follow_line(m, line, len);
	for (i = 0; i < m->nslow; i++)
		if (matcher_try(m, m->slow[i], line, len, cb, arg))
			break;
	if (m->line_done != NULL)
		m->line_done(m->line_done_arg);
}

static int
is_eol(char c)
{
	return c == '\n' || c == '\r';
}

/* The start of the line holding offset off. */
static size_t
line_start(const char *buf, size_t off)
{
	while (off > 0 && !is_eol(buf[off - 1]))
		off--;
	return off;
}

/* The offset of the terminator of the line holding off (len if none). */
static size_t
line_end(const char *buf, size_t len, size_t off)
{
	const char	*nl, *cr;

	nl = memchr(buf + off, '\n', len - off);
	cr = memchr(buf + off, '\r', (nl == NULL ? len : (size_t)(nl - buf)) -
	    off);
	if (cr != NULL)
		return (size_t)(cr - buf);
	return nl == NULL ? len : (size_t)(nl - buf);
}

/* The start of the line after the terminator at off. */
static size_t
line_next(const char *buf, size_t len, size_t off)
{
	if (off < len && buf[off] == '\r' && off + 1 < len &&
	    buf[off + 1] == '\n')
		return off + 2;
	return off + 1;
}

static void
matcher_add_candidate(struct matcher *m, size_t off)
{
	if (m->ncand == m->capcand) {
		m->capcand = m->capcand ? m->capcand * 2 : 64;
		m->cand = xreallocarray(m->cand, m->capcand, sizeof *m->cand);
	}
	m->cand[m->ncand++] = off;
}

static int
cmp_size(const void *a, const void *b)
{
	size_t	x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

/* Run one scanner over the block; return -1 if PCRE2 failed. */
static int
scanner_run(struct matcher *m, struct scanner *s, const char *buf, size_t len)
{
	PCRE2_SIZE	*ov = pcre2_get_ovector_pointer(m->scan_md);
	size_t		 off = 0, end, start;
	int		 rc;

	while (off < len) {
		rc = pcre2_match(s->code, (PCRE2_SPTR)buf, len, off, 0,
		    m->scan_md, m->mc);
		if (rc == PCRE2_ERROR_NOMATCH)
			return 0;
		if (rc < 0)
			return -1;
		if (ov[0] >= len)
			return 0;
		start = ov[0];
		/* A match at the "\n" of "\r\n" belongs to the line before. */
		if (start > 0 && buf[start] == '\n' && buf[start - 1] == '\r')
			start--;
		matcher_add_candidate(m, line_start(buf, start));
		end = line_end(buf, len, start);
		off = line_next(buf, len, end);
	}
	return 0;
}

/*
 * Make every line longer than max_line a candidate: the scanners saw all of
 * it, but it is matched on its first max_line bytes, where "$" may match.
 * Lines can only be that long between two "\n" that far apart.
 */
static void
matcher_long_lines(struct matcher *m, const char *buf, size_t len)
{
	const char	*nl;
	size_t		 off = 0, next, end;

	while (off < len) {
		nl = memchr(buf + off, '\n', len - off);
		next = nl == NULL ? len : (size_t)(nl - buf) + 1;
		/* Only then look for the "\r" lines in between. */
		for (; off < next && next - off > m->max_line;
		    off = line_next(buf, len, end)) {
			end = line_end(buf, len, off);
			if (end - off > m->max_line)
				matcher_add_candidate(m, off);
		}
		off = next;
	}
}

/* Sort the candidates and drop duplicates. */
static void
matcher_sort_candidates(struct matcher *m)
{
	size_t	i, n = 0;

	for (i = 1; i < m->ncand && m->cand[i - 1] <= m->cand[i]; i++)
		;
	if (i < m->ncand)
		qsort(m->cand, m->ncand, sizeof *m->cand, cmp_size);
	for (i = 0; i < m->ncand; i++)
		if (n == 0 || m->cand[n - 1] != m->cand[i])
			m->cand[n++] = m->cand[i];
	m->ncand = n;
}

/* Walk every line: candidates get every rule, the rest the slow rules. */
static void
matcher_walk_all(struct matcher *m, const char *buf, size_t len, int all,
    match_cb cb, void *arg)
{
	size_t	off = 0, end, c = 0;

	while (off < len) {
		end = line_end(buf, len, off);
		while (c < m->ncand && m->cand[c] < off)
			c++;
		if (all || (c < m->ncand && m->cand[c] == off))
			matcher_line(m, buf + off, end - off, cb, arg);
		else
			matcher_line_slow(m, buf + off, end - off, cb, arg);
		off = line_next(buf, len, end);
	}
}

/*
 * The lines in buf[off..end) that no scan picked out go to an open event,
 * until none is open.
 */
static void
matcher_follow_gap(struct matcher *m, const char *buf, size_t len,
    size_t off, size_t end)
{
	size_t	eol;

	while (off < end && m->follow_open != NULL &&
	    m->follow_open(m->follow_arg)) {
		eol = line_end(buf, len, off);
		matcher_follow_line(m, buf + off, eol - off > m->max_line ?
		    m->max_line : eol - off);
		if (m->line_done != NULL)
			m->line_done(m->line_done_arg);
		off = line_next(buf, len, eol);
	}
}

void
matcher_scan(struct matcher *m, const char *buf, size_t len, match_cb cb,
    void *arg)
{
	size_t	i, off, end, next = 0;
	int	failed = 0;

	m->ncand = 0;
	for (i = 0; i < m->nscanners && !failed; i++)
		failed = scanner_run(m, &m->scanners[i], buf, len) != 0;
	if (len > m->max_line)
		matcher_long_lines(m, buf, len);
	if (failed && !m->scan_failed) {
		msg_verbose(1, "block scan failed; matching line by line");
		m->scan_failed = 1;
	}
	matcher_sort_candidates(m);
	if (m->nslow > 0 || failed) {
		matcher_walk_all(m, buf, len, failed, cb, arg);
		return;
	}
	for (i = 0; i < m->ncand; i++) {
		off = m->cand[i];
		matcher_follow_gap(m, buf, len, next, off);
		end = line_end(buf, len, off);
		matcher_line(m, buf + off, end - off, cb, arg);
		next = line_next(buf, len, end);
	}
	matcher_follow_gap(m, buf, len, next, len);
}
