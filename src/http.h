/*
 * http.h: one HTTPS request to the API and its reply, with libcurl.  The
 * handle is reused so the connection stays open between requests.  TLS is
 * always verified; only http and https are spoken; redirects are not
 * followed.
 */
#ifndef AS_TAIL_HTTP_H
#define AS_TAIL_HTTP_H

#include <stdatomic.h>
#include <stdint.h>

#include "buf.h"

struct http;

struct http_reply {
	long		 status;	/* 0 when no HTTP reply came */
	int		 aborted;	/* stopped by the abort flag */
	int		 sent;		/* the request reached the server */
	int		 cut;		/* the body went past REPLY_MAX: cut */
	int		 hopeless;	/* a transfer error that trying again
					   cannot mend (a TLS certificate) */
	char		 error[256];	/* transfer error, when status is 0 */
	long		 retry_after_s;	/* -1 if no Retry-After */
	char		 ratelimit[256];	/* RateLimit: "" if none */
	char		 ratelimit_policy[256];	/* RateLimit-Policy, likewise */
	struct buf	 body;		/* the first 64 KiB of the body */
};

/* The most of a reply's body that is read; a longer body is cut. */
#define HTTP_REPLY_MAX	(64 * 1024)

/*
 * Return a new client for base_url (borrowed strings are copied).  key is
 * sent as a bearer token and never printed; the client keeps the only copy
 * (http_key).  cacert (may be NULL) replaces the system CAs.  proxy (may be
 * NULL: the standard variables, https_proxy and the like) is used for an
 * https base_url only: plain http, to loopback, never goes through a proxy.
 * timeout_s bounds each request.  abort (borrowed) stops a request in flight
 * when it becomes nonzero.  Free with http_free, which overwrites the key.
 */
struct http	*http_new(const char *, const char *, const char *,
		    const char *, long, atomic_int *);
void		 http_free(struct http *);
/* Borrowed: the key, valid until http_free (for redacting replies). */
const char	*http_key(const struct http *);
/*
 * Send method path with a JSON body; fill reply (free with http_reply_free).
 * A try takes at most the client's timeout, or wait_s if that is longer.
 */
void		 http_send(struct http *, const char *, const char *,
		    const char *, long, struct http_reply *);
void		 http_reply_free(struct http_reply *);
/*
 * Check a base URL: https, or http to a loopback address only (the key must
 * not cross a network in clear).  Returns 0, or -1 with *cause set to a new
 * message.
 */
int		 http_check_url(const char *, char **);

#endif /* AS_TAIL_HTTP_H */
