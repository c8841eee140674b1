/*
 * buf.h: a growable byte buffer with a hard maximum.  Text added past the
 * maximum is dropped and the buffer remembers that it was truncated, so
 * input can never make as-tail's memory grow without bound.
 */
#ifndef AS_TAIL_BUF_H
#define AS_TAIL_BUF_H

#include <stddef.h>

struct buf {
	char	*data;		/* always NUL-terminated once anything is added */
	size_t	 len;
	size_t	 size;
	size_t	 max;		/* hard limit on len */
	int	 truncated;
};

/* Start an empty buffer that will hold at most max bytes. */
void	buf_init(struct buf *, size_t);
/* Release the memory; the buffer may be reused after buf_init. */
void	buf_free(struct buf *);
void	buf_reset(struct buf *);
/* Append bytes as they are. */
void	buf_add(struct buf *, const void *, size_t);
void	buf_addstr(struct buf *, const char *);
/*
 * Append bytes as text for a JSON string: invalid UTF-8 becomes U+FFFD,
 * control characters other than tab become a space, and a cut never splits
 * a UTF-8 sequence.
 */
void	buf_addtext(struct buf *, const void *, size_t);
/* Borrowed: the contents as a C string, valid until the next change. */
const char *buf_str(struct buf *);

#endif /* AS_TAIL_BUF_H */
