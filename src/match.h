/*
 * match.h: running the rules' regexes over input.
 *
 * The matcher is given blocks of complete lines and reports every (line,
 * rule) pair that matches, in line order and, within a line, in rule order.
 * Lines end at "\n", "\r" or "\r\n", so progress bars redrawn with "\r" are
 * lines too.  A line is matched on its first max_line bytes only.
 */
#ifndef AS_TAIL_MATCH_H
#define AS_TAIL_MATCH_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stddef.h>

#include "rules.h"

struct buf;

struct matcher;

/*
 * Called for each match; md holds the captures, borrowed for the call.
 * Return nonzero to skip the remaining rules for this line.
 */
typedef int (*match_cb)(const struct rule *, const char *, size_t,
    pcre2_match_data *, void *);

/* Return a new matcher for rs (borrowed: rs must outlive it). */
struct matcher	*matcher_new(const struct ruleset *, size_t);
void		 matcher_free(struct matcher *);
/* Match the complete lines in buf[0..len). */
void		 matcher_scan(struct matcher *, const char *, size_t,
		    match_cb, void *);
/*
 * Call fn(arg) once each line has been tried against every rule that a
 * match may fire (a line that no scan picked out is not reported).
 */
void		 matcher_on_line_done(struct matcher *, void (*)(void *),
		    void *);
/*
 * While open(arg) is nonzero, give every line to line(arg, text, len)
 * before the rules, also the lines that no scan picked out (each then
 * reported done as above): the lines that may go on with a multi-line
 * event (event.c).  While open(arg) is 0, this costs one call per
 * candidate line.  NULL functions: no such lines.
 */
void		 matcher_follow(struct matcher *, int (*)(void *),
		    void (*)(void *, const char *, size_t), void *);
/* Match one line, given without its terminator. */
void		 matcher_line(struct matcher *, const char *, size_t, match_cb,
		    void *);
/*
 * Bound the work of one regex on one line (or one scan of a block): at most
 * limit steps (PCRE2's match limit), and a backtracking depth of a tenth of
 * that; 0 for no limit.  A rule that hits it is reported once
 * (FILE:LINE) and treated as not matching that line.  matcher_new sets
 * MATCH_LIMIT_DEFAULT.
 */
#define MATCH_LIMIT_DEFAULT	100000
void		 matcher_limit(struct matcher *, uint32_t);
/* JIT-compile a pattern of the rules (not under AS_TAIL_NO_JIT). */
void		 matcher_jit(pcre2_code *);
/*
 * Append to b what the block scan looks for to find r's lines: r's regex,
 * or, when it begins with a broad repeat (".*", "\S+", "[^:]+", "\S.*")
 * that a literal follows, what follows the repeat.  A repeat makes PCRE2
 * try every line start (or every byte) and run along the line; what
 * follows it finds the same lines (and perhaps more, which the per-line
 * match then drops) far faster.  A repeat in a group of its own
 * ("(?<file>[^\s:]+):") goes with its group; one that opens a group that
 * goes on ("^(\S.* > .+ FAILED)$") leaves the rest of the group as
 * "(?: > .+ FAILED)$".  For tests/unit/unit-scanpart.
 */
void		 matcher_scan_part(const struct rule *, struct buf *);
/* How many rules are tried on every line rather than found by a scan. */
size_t		 matcher_slow_rules(const struct matcher *);

#endif /* AS_TAIL_MATCH_H */
