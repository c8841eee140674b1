/*
 * ansi.c: removing ANSI escape sequences.  A sequence cut short by the end
 * of the text, or by a line end, is dropped up to there: it cannot span
 * lines, so a stray ESC never swallows the next line.
 */
#include <string.h>

#include "ansi.h"

/* Skip the sequence starting at in[i] (an ESC); return the index after it. */
static size_t
ansi_skip(const char *in, size_t len, size_t i)
{
	if (++i >= len)
		return i;
	if (in[i] == '[') {
		/* CSI: parameters and intermediates, then a final byte. */
		for (i++; i < len; i++) {
			if (in[i] == '\n' || in[i] == '\r')
				return i;
			if ((unsigned char)in[i] >= 0x40 &&
			    (unsigned char)in[i] <= 0x7e)
				return i + 1;
		}
		return i;
	}
	if (in[i] == ']') {
		/* OSC: up to BEL or ST (ESC \). */
		for (i++; i < len; i++) {
			if (in[i] == '\a')
				return i + 1;
			if (in[i] == '\033' && i + 1 < len && in[i + 1] == '\\')
				return i + 2;
			if (in[i] == '\n' || in[i] == '\r')
				return i;
		}
		return i;
	}
	return in[i] == '\n' || in[i] == '\r' ? i : i + 1;
}

size_t
ansi_strip(const char *in, size_t len, char *out)
{
	const char	*esc;
	size_t		 i = 0, n = 0, run;

	while (i < len) {
		esc = memchr(in + i, '\033', len - i);
		run = (esc == NULL ? len : (size_t)(esc - in)) - i;
		memcpy(out + n, in + i, run);
		n += run;
		i += run;
		if (esc != NULL)
			i = ansi_skip(in, len, i);
	}
	return n;
}

int
ansi_cut(const char *in, size_t len)
{
	size_t	i = len, j;

	while (i > 0 && in[i - 1] != '\033')
		i--;
	if (i == 0)
		return 0;
	if (i == len)
		return 1;	/* a lone ESC */
	if (in[i] != '[' && in[i] != ']')
		return 0;	/* two bytes, both there */
	for (j = i + 1; j < len; j++) {
		if (in[j] == '\n' || in[j] == '\r')
			return 0;
		if (in[i] == '[' && (unsigned char)in[j] >= 0x40 &&
		    (unsigned char)in[j] <= 0x7e)
			return 0;
		if (in[i] == ']' && in[j] == '\a')
			return 0;
	}
	return 1;
}
