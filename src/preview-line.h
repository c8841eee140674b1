/*
 * preview-line.h: one line of --preview: a Live Activity, or the last push,
 * as the phone would show it, in text (see preview.c for the terminal).
 */
#ifndef AS_TAIL_PREVIEW_LINE_H
#define AS_TAIL_PREVIEW_LINE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "shown.h"

/* How a line is drawn. */
#define PREVIEW_COLOR	0x1	/* the colours, as SGR sequences */
#define PREVIEW_UTF8	0x2	/* block characters; else ASCII bars */
#define PREVIEW_CLOCK	0x4	/* a timer's running time (changes by the second) */
#define PREVIEW_QUEUE	0x8	/* say how many requests still wait */

/*
 * Append to b the line of item: its name, title, subtitle, the segmented or
 * percentage bar with its step or percent, a timer's time at now_ms (the
 * clock of clock_now_ms), metrics, message, and whether it ended or what of
 * it is still queued or was not delivered.  The line takes at most width
 * terminal columns (0: no limit) and holds no control characters other
 * than the SGR sequences of PREVIEW_COLOR; the text of the state (from log
 * lines) is made safe to print.
 */
void	preview_line(struct buf *, const struct shown_item *, uint64_t, int,
	    size_t);

#endif /* AS_TAIL_PREVIEW_LINE_H */
