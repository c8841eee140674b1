/*
 * ansi.h: terminal escape sequences out of text, so that colored output
 * (cargo, pytest, terraform, docker) matches the same rules as plain; and
 * whether text stops in the middle of one, so that --preview does not draw
 * into it.
 */
#ifndef AS_TAIL_ANSI_H
#define AS_TAIL_ANSI_H

#include <stddef.h>

/*
 * Copy in[0..len) to out without ANSI escape sequences (CSI "ESC [ ... X",
 * OSC "ESC ] ... BEL" or "ESC ] ... ESC \", and two-byte "ESC X"); line
 * terminators are kept.  out must hold len bytes; returns the length
 * written.
 */
size_t	ansi_strip(const char *, size_t, char *);
/*
 * Whether in[0..len) ends inside an escape sequence: an ESC, a CSI without
 * its final byte, an OSC without its BEL or ESC \.  Only the last ESC of
 * the text counts (and a sequence ends at a line end, as for ansi_strip).
 */
int	ansi_cut(const char *, size_t);

#endif /* AS_TAIL_ANSI_H */
