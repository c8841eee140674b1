/*
 * watch.h: "something in these directories may have changed".  The follow
 * code asks no more of the platform than that: after a wake-up it looks at
 * every followed file itself.  Linux uses inotify (watch-inotify.c), which
 * wakes up on a timer instead when inotify fails or with --poll; other
 * systems build watch-poll.c, which only wakes up every interval.
 */
#ifndef AS_TAIL_WATCH_H
#define AS_TAIL_WATCH_H

struct watch;

/*
 * Return a new watch; with force_poll, or when inotify is not available,
 * one that only wakes up on its timer.  Free with watch_free.
 */
struct watch	*watch_new(int);
void		 watch_free(struct watch *);
/* Watch the directory holding path (a directory may be added twice). */
void		 watch_add(struct watch *, const char *);
/* The descriptor to poll for readability, or -1 for a timer-only watch. */
int		 watch_fd(const struct watch *);
/* After the descriptor was readable: consume the pending events. */
void		 watch_drain(struct watch *);
/* How long to sleep at most between looks at the files, in ms. */
int		 watch_interval_ms(const struct watch *);
/* Borrowed: "inotify" or "poll", for -v. */
const char	*watch_kind(const struct watch *);

#endif /* AS_TAIL_WATCH_H */
