/*
 * watch-inotify.c: directory watches with Linux inotify.  Watching the
 * directory rather than the file sees a file appear, be renamed away,
 * deleted, re-created and written, with one watch per directory.  Without
 * inotify (or with --poll) this file falls back to a timer of its own;
 * watch-poll.c is the build for systems without inotify.
 */
#ifdef __linux__

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "msg.h"
#include "watch.h"
#include "xmalloc.h"

/* With inotify, still look every second: a safety net, as tail -F does. */
#define WATCH_SAFETY_MS	1000
#define WATCH_POLL_MS	250

struct watch {
	int	fd;		/* inotify, or -1 when polling */
};

struct watch *
watch_new(int force_poll)
{
	struct watch	*w;

	w = xcalloc(1, sizeof *w);
	w->fd = -1;
	if (!force_poll &&
	    (w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1)
		msg_verbose(1, "inotify: %s; polling instead",
		    strerror(errno));
	return w;
}

void
watch_free(struct watch *w)
{
	if (w == NULL)
		return;
	if (w->fd != -1)
		close(w->fd);
	free(w);
}

void
watch_add(struct watch *w, const char *path)
{
	char	*copy, *dir;

	if (w->fd == -1)
		return;
	copy = xstrdup(path);
	dir = dirname(copy);
	if (inotify_add_watch(w->fd, dir, IN_MODIFY | IN_ATTRIB |
	    IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM |
	    IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF) == -1)
		msg_verbose(1, "%s: cannot watch (%s); polling it",
		    dir, strerror(errno));
	free(copy);
}

int
watch_fd(const struct watch *w)
{
	return w->fd;
}

void
watch_drain(struct watch *w)
{
	char	buf[16 * 1024];

	while (w->fd != -1 && read(w->fd, buf, sizeof buf) > 0)
		;
}

int
watch_interval_ms(const struct watch *w)
{
	return w->fd == -1 ? WATCH_POLL_MS : WATCH_SAFETY_MS;
}

const char *
watch_kind(const struct watch *w)
{
	return w->fd == -1 ? "poll" : "inotify";
}

#endif /* __linux__ */
