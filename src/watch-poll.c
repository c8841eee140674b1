/*
 * watch-poll.c: the portable watch, for systems without inotify: no
 * descriptor, only a timer; the follow code looks at every file each time
 * it fires.  On Linux watch-inotify.c provides the same interface and falls
 * back to the same timer when asked (--poll).
 */
#ifndef __linux__

#include <stdlib.h>

#include "watch.h"
#include "xmalloc.h"

#define WATCH_POLL_MS	250

struct watch {
	int	unused;
};

struct watch *
watch_new(int force_poll)
{
	(void)force_poll;
	return xcalloc(1, sizeof(struct watch));
}

void
watch_free(struct watch *w)
{
	free(w);
}

void
watch_add(struct watch *w, const char *path)
{
	(void)w, (void)path;
}

int
watch_fd(const struct watch *w)
{
	(void)w;
	return -1;
}

void
watch_drain(struct watch *w)
{
	(void)w;
}

int
watch_interval_ms(const struct watch *w)
{
	(void)w;
	return WATCH_POLL_MS;
}

const char *
watch_kind(const struct watch *w)
{
	(void)w;
	return "poll";
}

#endif /* !__linux__ */
