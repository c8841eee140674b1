/*
 * buf.c: bounded growable buffers, and the UTF-8 cleaning that every piece of
 * log text goes through before it can reach a JSON request.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "xmalloc.h"

void
buf_init(struct buf *b, size_t max)
{
	memset(b, 0, sizeof *b);
	b->max = max;
}

void
buf_free(struct buf *b)
{
	free(b->data);
	memset(b, 0, sizeof *b);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	b->truncated = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

/* Make room for n more bytes (and a NUL); return how many of them fit. */
static size_t
buf_room(struct buf *b, size_t n)
{
	size_t	want;

	if (n > b->max - b->len) {
		n = b->max - b->len;
		b->truncated = 1;
	}
	want = b->len + n + 1;
	if (want > b->size) {
		if (b->size == 0)
			b->size = 64;
		while (b->size < want)
			b->size *= 2;
		b->data = xrealloc(b->data, b->size);
	}
	return n;
}

void
buf_add(struct buf *b, const void *p, size_t n)
{
	n = buf_room(b, n);
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
buf_addstr(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

/* Length of the valid UTF-8 sequence at p (at most n bytes), or 0. */
static size_t
utf8_seqlen(const unsigned char *p, size_t n)
{
	size_t		len, i;
	unsigned int	cp;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4, cp = p[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

void
buf_addtext(struct buf *b, const void *v, size_t n)
{
	static const char	 replacement[] = "\xef\xbf\xbd";
	const unsigned char	*p = v;
	size_t			 i, len;

	for (i = 0; i < n && !b->truncated; i += len) {
		if ((len = utf8_seqlen(p + i, n - i)) == 0) {
			len = 1;
			if (b->max - b->len >= 3)
				buf_add(b, replacement, 3);
			else
				b->truncated = 1;
		} else if (len == 1 && (p[i] < 0x20 || p[i] == 0x7f))
			buf_add(b, " ", 1);
		else if (b->max - b->len >= len)
			buf_add(b, p + i, len);
		else
			b->truncated = 1;
	}
	if (i < n)
		b->truncated = 1;
}

const char *
buf_str(struct buf *b)
{
	if (b->data == NULL)
		buf_add(b, "", 0);
	return b->data;
}
