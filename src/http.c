/*
 * http.c: the libcurl side of delivery.  Nothing here decides what a reply
 * means (sender.c does); it only moves one request and its reply, bounded in
 * time by the timeout and by the abort flag, and in size by HTTP_REPLY_MAX:
 * a longer body is not read to its end (it could be 2 GiB) but cut, and
 * the reply says so.
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "msg.h"
#include "xmalloc.h"

#define HTTP_AUTH	"Authorization: Bearer "

/* Overwrite a secret in a way the compiler may not optimise away. */
static void
wipe(char *p, size_t n)
{
	volatile char	*v = p;

	while (n-- > 0)
		*v++ = '\0';
}

struct http {
	CURL			*curl;
	char			*base_url;
	struct curl_slist	*headers;
	atomic_int		*abort;
	long			 timeout_s;
};

/* Keep the body up to HTTP_REPLY_MAX; past it, stop the transfer. */
static size_t
http_write(char *data, size_t size, size_t n, void *arg)
{
	struct buf	*b = arg;

	if (b->len + size * n > b->max) {
		buf_add(b, data, b->max - b->len);
		return 0;
	}
	buf_add(b, data, size * n);
	return size * n;
}

static int
http_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow,
    curl_off_t ultotal, curl_off_t ulnow)
{
	struct http	*h = arg;

	(void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
	return atomic_load(h->abort) != 0;
}

struct http *
http_new(const char *base_url, const char *key, const char *cacert,
    const char *proxy, long timeout_s, atomic_int *abort_flag)
{
	struct http	*h;
	char		*auth;

	h = xcalloc(1, sizeof *h);
	if ((h->curl = curl_easy_init()) == NULL)
		msg_fatalx(1, "cannot start libcurl");
	h->base_url = xstrdup(base_url);
	h->abort = abort_flag;
	h->timeout_s = timeout_s;
	auth = xasprintf("%s%s", HTTP_AUTH, key);
	h->headers = curl_slist_append(NULL, auth);
	wipe(auth, strlen(auth));
	free(auth);
	h->headers = curl_slist_append(h->headers,
	    "Content-Type: application/json");
	h->headers = curl_slist_append(h->headers, "Accept: application/json");
	curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, h->headers);
	curl_easy_setopt(h->curl, CURLOPT_USERAGENT, "as-tail/" AS_TAIL_VERSION);
	curl_easy_setopt(h->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h->curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h->curl, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h->curl, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(h->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h->curl, CURLOPT_CONNECTTIMEOUT, timeout_s < 10 ?
	    timeout_s : 10L);
	curl_easy_setopt(h->curl, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(h->curl, CURLOPT_XFERINFOFUNCTION, http_progress);
	curl_easy_setopt(h->curl, CURLOPT_XFERINFODATA, h);
	curl_easy_setopt(h->curl, CURLOPT_WRITEFUNCTION, http_write);
	if (cacert != NULL)
		curl_easy_setopt(h->curl, CURLOPT_CAINFO, cacert);
	/* "": no proxy, not even one from http_proxy and the like. */
	if (strncmp(base_url, "https:", 6) != 0)
		curl_easy_setopt(h->curl, CURLOPT_PROXY, "");
	else if (proxy != NULL)
		curl_easy_setopt(h->curl, CURLOPT_PROXY, proxy);
	return h;
}

const char *
http_key(const struct http *h)
{
	return h->headers->data + strlen(HTTP_AUTH);
}

void
http_free(struct http *h)
{
	if (h == NULL)
		return;
	curl_easy_cleanup(h->curl);
	wipe(h->headers->data, strlen(h->headers->data));
	curl_slist_free_all(h->headers);
	free(h->base_url);
	free(h);
}

/* Copy the reply's header name (its last instance) into out, or "". */
static void
http_header(struct http *h, const char *name, char *out, size_t size)
{
	struct curl_header	*hdr;

	out[0] = '\0';
	if (curl_easy_header(h->curl, name, 0, CURLH_HEADER, -1, &hdr) ==
	    CURLHE_OK)
		snprintf(out, size, "%s", hdr->value);
}

void
http_send(struct http *h, const char *method, const char *path,
    const char *json, long wait_s, struct http_reply *reply)
{
	char		 errbuf[CURL_ERROR_SIZE] = "";
	char		*url;
	curl_off_t	 retry_after = 0;
	long		 request_size = 0;
	CURLcode	 rc;

	memset(reply, 0, sizeof *reply);
	buf_init(&reply->body, HTTP_REPLY_MAX);
	reply->retry_after_s = -1;
	url = xasprintf("%s%s", h->base_url, path);
	curl_easy_setopt(h->curl, CURLOPT_URL, url);
	curl_easy_setopt(h->curl, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(h->curl, CURLOPT_POSTFIELDS, json);
	curl_easy_setopt(h->curl, CURLOPT_POSTFIELDSIZE, (long)strlen(json));
	curl_easy_setopt(h->curl, CURLOPT_WRITEDATA, &reply->body);
	curl_easy_setopt(h->curl, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h->curl, CURLOPT_TIMEOUT, wait_s > h->timeout_s ?
	    wait_s : h->timeout_s);
	rc = curl_easy_perform(h->curl);
	free(url);
	buf_str(&reply->body);
	reply->sent = curl_easy_getinfo(h->curl, CURLINFO_REQUEST_SIZE,
	    &request_size) == CURLE_OK && request_size > 0;
	if (rc == CURLE_WRITE_ERROR && reply->body.len == HTTP_REPLY_MAX) {
		reply->cut = 1;
		rc = CURLE_OK;	/* the status and the first bytes came */
	}
	if (rc != CURLE_OK) {
		reply->aborted = rc == CURLE_ABORTED_BY_CALLBACK;
		reply->hopeless = rc == CURLE_PEER_FAILED_VERIFICATION ||
		    rc == CURLE_SSL_CACERT_BADFILE ||
		    rc == CURLE_SSL_CERTPROBLEM ||
		    rc == CURLE_UNSUPPORTED_PROTOCOL ||
		    rc == CURLE_URL_MALFORMAT;
		snprintf(reply->error, sizeof reply->error, "%s",
		    errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc));
		return;
	}
	curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &reply->status);
	if (curl_easy_getinfo(h->curl, CURLINFO_RETRY_AFTER, &retry_after) ==
	    CURLE_OK && retry_after > 0)
		reply->retry_after_s = (long)retry_after;
	http_header(h, "RateLimit", reply->ratelimit, sizeof reply->ratelimit);
	http_header(h, "RateLimit-Policy", reply->ratelimit_policy,
	    sizeof reply->ratelimit_policy);
}

int
http_check_url(const char *url, char **cause)
{
	CURLU	*u;
	char	*scheme = NULL, *host = NULL;
	int	 rc = -1;

	u = curl_url();
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
		*cause = xasprintf("%s: not a URL", url);
	else if (strcmp(scheme, "https") == 0)
		rc = 0;
	else if (strcmp(scheme, "http") != 0)
		*cause = xasprintf("%s: only https is spoken", url);
	else if (strcmp(host, "127.0.0.1") == 0 ||
	    strcmp(host, "[::1]") == 0 || strcmp(host, "localhost") == 0)
		rc = 0;
	else
		*cause = xasprintf("%s: plain http only to a loopback address; "
		    "the key would cross the network in clear", url);
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return rc;
}

void
http_reply_free(struct http_reply *reply)
{
	buf_free(&reply->body);
}
