/*
 * lines.h: one input, read in large blocks, passed through and cut into
 * lines for the matcher.  Memory stays bounded whatever the input: a line
 * longer than max_line is passed through whole but matched on its first
 * max_line bytes.
 */
#ifndef AS_TAIL_LINES_H
#define AS_TAIL_LINES_H

#include <signal.h>
#include <stdint.h>
#include <sys/types.h>

#include "match.h"

/* How much one read asks for. */
#define LINES_BLOCK	(256 * 1024)

enum lines_status {
	LINES_OK,		/* read something (or nothing, try again) */
	LINES_EOF,
	LINES_READ_ERROR,	/* errno says why */
	LINES_WRITE_ERROR	/* pass-through failed; errno says why */
};

struct lines;

/*
 * Where a reader's lines go.  Before it matches lines the reader calls
 * source(arg, name) with its name, so that the consumer knows which input
 * they come from; then match (see match_cb) for each match, or divert.
 */
struct lines_sink {
	match_cb	  match;
	void		(*source)(void *, const char *);
	void		 *arg;
	uint64_t	 *read;		/* if not NULL, lines read are
					   counted here as they go */
	/*
	 * If not NULL, the lines go to divert(arg, text, len, whole) instead
	 * of the matcher: complete lines, or (whole) one line without its
	 * terminator.  See detect.h.
	 */
	void		(*divert)(void *, const char *, size_t, int);
};

/*
 * Return a new reader of fd (borrowed; the caller closes it), called name in
 * messages.  out is the pass-through fd, or -1 for none; lines longer than
 * max_line are matched on that many bytes; lines are counted only if asked
 * (it costs a pass over the data).  Free with lines_free.
 */
struct lines		*lines_new(int, const char *, int, size_t, int);
void			 lines_free(struct lines *);
/*
 * Read once, pass the bytes through, and match the complete lines with m,
 * giving the matches to sink.  A last line without a terminator waits: at
 * the real end of the input, call lines_flush.
 */
enum lines_status	 lines_read(struct lines *, struct matcher *,
			    const struct lines_sink *);
/*
 * Once *stop (borrowed) is nonzero, a pass-through write that waits more
 * than a second, as on a full pipe that nobody reads, is given up with a
 * warning, and that input is no longer passed through: so that a signal
 * can still stop as-tail and end its activities.
 */
void			 lines_set_stop(volatile sig_atomic_t *);
/* Match the last line even without a terminator. */
void			 lines_flush(struct lines *, struct matcher *,
			    const struct lines_sink *);
/* Forget any partial line and read fd from now on (truncation, rotation). */
void			 lines_reset(struct lines *, int);
/* Bytes read but not yet matched (a partial last line). */
uint64_t		 lines_pending(const struct lines *);
/* Where the bytes passed through so far, by any reader, end. */
enum lines_end {
	LINES_END_LINE,		/* after a line terminator, or none yet */
	LINES_END_MID,		/* inside a line */
	LINES_END_CUT		/* inside a character or an escape sequence */
};
/*
 * For --preview, which draws on the terminal the pass-through may go to:
 * a draw must not split a character or an escape sequence, and the final
 * state starts on a line of its own.
 */
enum lines_end		 lines_passed_end(void);
/* Borrowed: the input's name. */
const char		*lines_name(const struct lines *);
/* Lines (if counting) and bytes read so far. */
uint64_t		 lines_count(const struct lines *);
uint64_t		 lines_bytes(const struct lines *);

#endif /* AS_TAIL_LINES_H */
