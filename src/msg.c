/*
 * msg.c: user-facing diagnostics.  A message is formatted into one buffer and
 * written with a single write(2) so that lines from the reader and the sender
 * thread never interleave mid-line.  Long messages are cut, never split.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "msg.h"

int msg_verbosity;

/* Where a config file value being checked was set, or NULL. */
static const char	*usage_file;
static unsigned		 usage_line;

static void
msg_emit(const char *fmt, va_list ap, int errnum)
{
	char	 line[2048];
	size_t	 len;
	int	 n;

	len = (size_t)snprintf(line, sizeof line, "as-tail: ");
	n = vsnprintf(line + len, sizeof line - len, fmt, ap);
	if (n > 0)
		len += (size_t)n;
	if (len > sizeof line - 2)
		len = sizeof line - 2;
	if (errnum != 0) {
		n = snprintf(line + len, sizeof line - len, ": %s",
		    strerror(errnum));
		if (n > 0)
			len += (size_t)n;
		if (len > sizeof line - 2)
			len = sizeof line - 2;
	}
	line[len++] = '\n';
	(void)!write(STDERR_FILENO, line, len);
}

void
msg_fatal(int status, const char *fmt, ...)
{
	va_list	ap;
	int	errnum = errno;

	va_start(ap, fmt);
	msg_emit(fmt, ap, errnum);
	va_end(ap);
	exit(status);
}

void
msg_fatalx(int status, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	msg_emit(fmt, ap, 0);
	va_end(ap);
	exit(status);
}

void
msg_warn(const char *fmt, ...)
{
	va_list	ap;
	int	errnum = errno;

	va_start(ap, fmt);
	msg_emit(fmt, ap, errnum);
	va_end(ap);
}

void
msg_warnx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	msg_emit(fmt, ap, 0);
	va_end(ap);
}

void
msg_verbose(int level, const char *fmt, ...)
{
	va_list	ap;

	if (msg_verbosity < level)
		return;
	va_start(ap, fmt);
	msg_emit(fmt, ap, 0);
	va_end(ap);
}

void
msg_usage(const char *fmt, ...)
{
	va_list	ap;
	char	line[1024];

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (usage_file != NULL)
		msg_fatalx(2, "%s:%u: %s", usage_file, usage_line, line);
	msg_fatalx(2, "%s\nTry 'as-tail --help' for more information.", line);
}

void
msg_usage_at(const char *file, unsigned line)
{
	usage_file = file;
	usage_line = line;
}
