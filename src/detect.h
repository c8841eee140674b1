/*
 * detect.h: choosing the rule pack from what as-tail reads, when nothing
 * else chose one (no -r, no -e, no pack for the wrapped command).
 */
#ifndef AS_TAIL_DETECT_H
#define AS_TAIL_DETECT_H

#include <stddef.h>
#include <stdint.h>

#include "match.h"

/* At most this many lines, or this long, are read before giving up. */
#define DETECT_LINES	50
#define DETECT_MS	3000

struct detect;

/*
 * Where the lines go once the pack is chosen: use(arg, pack) sets the pack
 * up and returns its matcher (borrowed: valid until the next use or the
 * end of the run); matches go to match(arg_match), sources to source.
 */
struct detect_use {
	struct matcher	*(*use)(void *, const char *);
	void		 *arg;
	match_cb	  match;
	void		(*source)(void *, const char *);
	void		 *match_arg;
};

/*
 * Read the detect statements of every installed pack but fallback (in the
 * order --list-rules shows them), and start holding lines at now_ms.
 * Returns a new detector (free with detect_free), or NULL if no pack has a
 * detect statement: then fallback is all there is.
 */
struct detect	*detect_new(const char *, const struct detect_use *,
		    uint64_t);
void		 detect_free(struct detect *);
/*
 * The lines_sink hooks, with the detector as the sink's arg.  detect_lines
 * (divert): text holds complete lines (whole: one line without its
 * terminator), from the input named by the last detect_source call.  While
 * no pack is chosen they are held and tried against the detect
 * statements; then they go to the chosen pack's matcher, and the sources
 * to use->source.
 */
void		 detect_lines(void *, const char *, size_t, int);
void		 detect_source(void *, const char *);
/*
 * Stop waiting: the time is up (called once a second with now_ms), or the
 * input ended (now_ms UINT64_MAX).  The fallback pack gets the held lines.
 */
void		 detect_tick(struct detect *, uint64_t);
/* The pack chosen so far (borrowed), or NULL while still looking. */
const char	*detect_pack(const struct detect *);

#endif /* AS_TAIL_DETECT_H */
