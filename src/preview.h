/*
 * preview.h: --preview, what the phone shows, drawn on the terminal while
 * the input scrolls above it, or printed as plain lines where there is no
 * terminal.
 */
#ifndef AS_TAIL_PREVIEW_H
#define AS_TAIL_PREVIEW_H

#include <stdint.h>

struct outbox;
struct preview;

/*
 * Return a new preview of what ob delivers (borrowed: ob must outlive it),
 * drawn on the standard error if it is a terminal, else printed there as
 * a plain line per change.  Ends with preview_finish.
 */
struct preview	*preview_new(struct outbox *);
/*
 * The input loop's wake hook (arg: the preview; now on the clock of
 * clock_now_ms): redraw if something changed, at most a few times a second.
 */
void		 preview_wake(void *, uint64_t);
/*
 * Redraw now if something changed, however recent the last draw: before
 * as-tail waits for the last requests, so that the rows say what waits.
 */
void		 preview_flush(struct preview *);
/*
 * Show the final state and give the terminal back as it was, the final
 * lines left below the output; then free the preview.  NULL is a no-op.
 */
void		 preview_finish(struct preview *);
/*
 * Give the terminal back at once, from a signal handler or at exit
 * (async-signal-safe); the bar is cleared.
 */
void		 preview_abort(void);

#endif /* AS_TAIL_PREVIEW_H */
