/*
 * ansi.h: terminal escape sequences out of text, so that colored output
 * (cargo, pytest, terraform, docker) matches the same rules as plain.
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

#endif /* AS_TAIL_ANSI_H */
