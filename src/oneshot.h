/*
 * oneshot.h: as-tail --send ACTION: one request, built from an action in
 * the rules' syntax, sent at once; the reply is printed.
 */
#ifndef AS_TAIL_ONESHOT_H
#define AS_TAIL_ONESHOT_H

#include <stdio.h>

struct oneshot {
	const char	*action;	/* "push title=... message=..." */
	const char	*url;		/* base URL, without a trailing slash */
	const char	*key;		/* NULL in a dry run; never printed */
	const char	*cacert;
	const char	*proxy;		/* --proxy, or NULL */
	long		 timeout_s;
	int		 dry_run;	/* show the request, send nothing */
	FILE		*trace;		/* borrowed; may be NULL */
	int		 json;		/* print the reply as it came */
};

/*
 * Send what the action asks for and print each reply on the standard
 * output.  Returns the exit status: 0 if every reply was a 2xx (or in a
 * dry run), 1 if one was not or none came, 2 if the action is not valid
 * (reported like a rules error).
 */
int	oneshot_send(const struct oneshot *);

#endif /* AS_TAIL_ONESHOT_H */
