/*
 * show.h: a request in words, as the phone would show it: the lines a dry
 * run prints ("start  Build  3/8  blue", "push  Build failed: error 2").
 */
#ifndef AS_TAIL_SHOW_H
#define AS_TAIL_SHOW_H

#include "api.h"
#include "buf.h"

/*
 * Append one line (without its newline) saying r to b: what it does (start,
 * update, end, push, badge, metric), then what the phone shows, fields two
 * spaces apart.  Control characters (a folded push's newline) become spaces.
 */
void	show_request(const struct request *, struct buf *);

#endif /* AS_TAIL_SHOW_H */
