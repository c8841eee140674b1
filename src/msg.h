/*
 * msg.h: every message as-tail prints about itself goes through here, so
 * they share one shape: "as-tail: what: why", lower case, one line, stderr.
 * Safe to call from the sender thread: each message is one write(2).
 */
#ifndef AS_TAIL_MSG_H
#define AS_TAIL_MSG_H

/* -v count; messages of a higher level than this are not printed. */
extern int msg_verbosity;

/* Print "as-tail: MSG" and exit with status. _fatal appends strerror(errno). */
void	msg_fatal(int, const char *, ...)
	    __attribute__((format(printf, 2, 3), noreturn));
void	msg_fatalx(int, const char *, ...)
	    __attribute__((format(printf, 2, 3), noreturn));
/* Print "as-tail: MSG"; _warn appends strerror(errno). */
void	msg_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	msg_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
/* Print "as-tail: MSG" only when -v was given at least level times. */
void	msg_verbose(int, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/*
 * Print a usage error with a hint to --help and exit 2.  After
 * msg_usage_at(FILE, LINE), until msg_usage_at(NULL, 0), the error is a
 * config file's: "FILE:LINE: ...", without the hint.
 */
void	msg_usage_at(const char *, unsigned);
void	msg_usage(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

#endif /* AS_TAIL_MSG_H */
