/*
 * xmalloc.h: allocation that cannot fail.  Running out of memory is fatal
 * (exit 1 with a message), so callers never check for NULL.
 */
#ifndef AS_TAIL_XMALLOC_H
#define AS_TAIL_XMALLOC_H

#include <stdarg.h>
#include <stddef.h>

/* Return new memory; free with free(). */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
/* Resize; the old pointer is invalid afterwards. */
void	*xrealloc(void *, size_t);
void	*xreallocarray(void *, size_t, size_t);
/* Return a new copy of the string (or of its first n bytes, NUL-terminated). */
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
/* Return a new formatted string. */
char	*xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));
char	*xvasprintf(const char *, va_list)
	    __attribute__((format(printf, 1, 0)));

#endif /* AS_TAIL_XMALLOC_H */
