/*
 * sender.c: delivery, and what to do when it fails.
 *
 * The loop: take the most urgent request the outbox has, spend the budget
 * on it (a token, and for a start a Live Activity slot; budget.h), send it,
 * and sort the reply (as curl's tool does with an
 * enum of reasons):
 *
 *   2xx              done; a start's activity id is kept for its run.  A
 *                    classic start whose reply has no activity_id (not JSON,
 *                    cut) is not: see below
 *   404 to an end    done: the activity or stream had already ended (an
 *                    earlier try whose reply was lost may have ended it)
 *   429              the budget is spent: wait Retry-After (at most 60 s,
 *                    said when cut), or without it 1 s, 2 s, 4 s ... up to
 *                    60 s with jitter as 429s follow each other; then retry.
 *                    With "limit" it is the 4-activity cap instead, reported
 *                    and not retried
 *   5xx, no reply    retry after 1 s, 2 s, 4 s ... (at most 60 s, with
 *                    jitter); pushes, metrics and the badge until
 *                    --retry-max-time has passed since the first try
 *
 * A Live Activity's requests are never given up for time while as-tail runs:
 * the phone must get the latest state of each activity, and each end, when
 * the network comes back.  What bounds them is the outbox: a failed update
 * is dropped when a later state of its run waits (outbox_retry), and a run
 * that never left is dropped when the next one starts.
 *   401              the key is wrong: say so once, send nothing more
 *   TLS certificate  not retried: trying again will not mend it
 *   other 4xx        report the API's error and message, do not retry
 *
 * A classic start is the one request that cannot be repeated safely: the
 * server may have opened an activity whose id never reached us, and a second
 * start would open a second one that we could end while the first stayed.
 * So a start waits longer for its reply (LIFECYCLE_WAIT_S; ends too, being
 * the request that must arrive), is retried only when it surely did not
 * reach the server (no connection, 5xx, 408, 429), and is otherwise given up
 * with its run, saying why.  Streams need none of this: PUT is idempotent.
 *
 * Messages name the request ("POST /live-activity/end") and never contain
 * the key: error text from the server is searched for it first.
 *
 * When the budget says wait, the request goes back to the outbox untried,
 * held until it may ask again, where later states of its activity still
 * coalesce with it; meanwhile requests that spend another bucket, or need
 * no slot, go.
 *
 * A dry run (-n) has a sender too, so that it sends what a real run would,
 * in the same order: no thread and no network, each request answered at
 * once with a 200 (sender_fake_reply), on the reader's thread whenever a
 * request is added; at exit the waits of the drain are skipped, not spent.
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoff.h"
#include "budget-hint.h"
#include "clock.h"
#include "http.h"
#include "msg.h"
#include "sender.h"
#include "show.h"
#include "xmalloc.h"

/* A start or an end waits this long for its reply, or --timeout if longer. */
#define LIFECYCLE_WAIT_S	60
/*
 * An end is retried at least this often; and a Retry-After that comes while
 * as-tail drains at exit holds the requests no longer.
 */
#define END_BACKOFF_MAX_MS	10000
/* The account's concurrent Live Activities. */
#define ACTIVITY_LIMIT		4

enum verdict {
	VERDICT_DONE,
	VERDICT_RETRY,
	VERDICT_RATE_LIMITED,
	VERDICT_GIVE_UP,
	VERDICT_UNKNOWN_START,
	VERDICT_KEY_REFUSED
};

struct sender {
	pthread_t		 thread;
	struct outbox		*outbox;
	struct sender_config	 config;
	struct http		*http;
	uint64_t		 renew_ms;	/* when to renew our slots */
	atomic_int		 stop;		/* leave the loop */
	atomic_int		 abort;		/* and drop what is in flight */
	atomic_int		 draining;	/* as-tail is exiting */
	atomic_int		 answered;	/* the server answered once */
	int			 key_refused;
	int			 open;		/* Live Activities we started */
	unsigned		 limited;	/* 429s in a row */
	unsigned int		 seed;
	/* A dry run's: no thread, no network (http is NULL). */
	FILE			*show;		/* each request in words */
	uint64_t		 skipped_ms;	/* time skipped, not waited */
	uint64_t		 no_token_until_ms;	/* the bucket is empty */
	unsigned long		 dry_ids;	/* dry-run-1, dry-run-2 ... */
};

/* Copy text into out with every occurrence of the key blanked. */
static void
redact(const struct sender *s, const char *text, char *out, size_t size)
{
	const char	*key = s->http != NULL ? http_key(s->http) : "", *p;
	size_t		 klen = strlen(key), n = 0;

	for (p = text; *p != '\0' && n + 1 < size; ) {
		if (klen >= 4 && strncmp(p, key, klen) == 0) {
			n += (size_t)snprintf(out + n, size - n, "[key]");
			if (n >= size)
				n = size - 1;
			p += klen;
		} else
			out[n++] = *p++;
	}
	out[n] = '\0';
}

/*
 * "HTTP 400: Bad Request: message" or the transfer error, for messages.  The
 * whole text is redacted before it is cut to size, so that no part of the
 * key survives the cut.
 */
static void
describe(const struct sender *s, const struct http_reply *reply,
    const struct api_reply *ar, char *out, size_t size)
{
	char	*text;

	if (reply->status == 0)
		text = xstrdup(reply->error);
	else if (ar->error != NULL && ar->message != NULL)
		text = xasprintf("HTTP %ld: %s: %s", reply->status, ar->error,
		    ar->message);
	else if (ar->error != NULL)
		text = xasprintf("HTTP %ld: %s", reply->status, ar->error);
	else
		text = xasprintf("HTTP %ld", reply->status);
	redact(s, text, out, size);
	free(text);
}

/* What the budget counts a request against. */
static enum budget_feature
feature(const struct request *r)
{
	if (r->kind == REQUEST_PUSH)
		return BUDGET_FEATURE_PUSH;
	if (r->kind == REQUEST_BADGE || r->kind == REQUEST_METRIC)
		return BUDGET_FEATURE_OTHER;
	return BUDGET_FEATURE_ACTIVITY;
}

/* The outbox's order: ends, starts, pushes, the rest. */
static enum budget_priority
urgency(const struct request *r)
{
	if (request_is_end(r))
		return BUDGET_END;
	if (r->first)
		return BUDGET_START;
	if (r->kind == REQUEST_PUSH)
		return BUDGET_PUSH;
	return BUDGET_UPDATE;
}

/* A request that opens a Live Activity, and so needs a slot. */
static int
needs_slot(const struct request *r)
{
	return r->first && r->activity != NULL &&
	    (r->kind == REQUEST_START || r->kind == REQUEST_STREAM_PUT);
}

/*
 * Spend the budget on r.  Returns 1 if it may go now; else r is back in the
 * outbox, held until it may ask again, so that requests of another bucket,
 * or that do not wait for a slot, can go meanwhile.
 */
static int
sender_spend(struct sender *s, struct request *r, uint64_t now)
{
	unsigned	in_use;
	uint64_t	wait;
	char		what[600];

	if (needs_slot(r)) {
		wait = budget_slot_take(s->config.budget, r->activity, now,
		    &in_use);
		if (wait > 0) {
			/* r may be gone once held: say it first. */
			snprintf(what, sizeof what, "%s %s", request_method(r),
			    r->path);
			if (!outbox_hold(s->outbox, r, now + wait, 1))
				msg_verbose(1, "%s: waiting for a free Live "
				    "Activity slot (%u in use)", what, in_use);
			return 0;
		}
		if (outbox_slot_got(s->outbox, r))
			msg_verbose(1, "%s %s: a Live Activity slot is free",
			    request_method(r), r->path);
	}
	wait = budget_take(s->config.budget, feature(r), urgency(r),
	    now > r->queued_ms ? now - r->queued_ms : 0, now);
	if (wait == 0)
		return 1;
	s->no_token_until_ms = now + wait;
	outbox_hold(s->outbox, r, now + wait, 0);
	return 0;
}

/*
 * What a stream PUT's operation says (all of them are success): started
 * and rotated name the Live Activity now showing, kept for --state;
 * rotated (the service ended the old one and started a new one with this
 * state, as before iOS's 8-hour limit), noop (the same state: the phone got
 * nothing) and paused (the stream is paused: nothing is shown, nothing is
 * wrong) are said with -v.
 */
static void
sender_stream_put(struct sender *s, struct request *r,
    const struct api_reply *ar)
{
	const char	*op = ar->operation != NULL ? ar->operation : "";

	if ((strcmp(op, "started") == 0 || strcmp(op, "rotated") == 0) &&
	    ar->activity_id != NULL && r->instance != NULL)
		outbox_set_id(s->outbox, r->instance, ar->activity_id);
	if (strcmp(op, "rotated") == 0)
		msg_verbose(1, "PUT %s: rotated: Live Activity %s ended, %s "
		    "started with the current state", r->path,
		    ar->previous_activity_id != NULL ?
		    ar->previous_activity_id : "(unnamed)",
		    ar->activity_id != NULL ? ar->activity_id : "(unnamed)");
	else if (strcmp(op, "paused") == 0)
		msg_verbose(1, "PUT %s: paused: the stream is paused, nothing "
		    "is shown until it is resumed", r->path);
	else if (strcmp(op, "noop") == 0)
		msg_verbose(2, "PUT %s: noop: the same state, nothing was "
		    "shown", r->path);
}

/* Note what a successful reply tells about the run. */
static void
sender_success(struct sender *s, struct request *r,
    const struct api_reply *ar)
{
	if (r->kind == REQUEST_START && ar->activity_id != NULL &&
	    r->instance != NULL)
		outbox_set_id(s->outbox, r->instance, ar->activity_id);
	if (r->kind == REQUEST_STREAM_PUT)
		sender_stream_put(s, r, ar);
	if (r->kind == REQUEST_START || (r->kind == REQUEST_STREAM_PUT &&
	    ar->operation != NULL && strcmp(ar->operation, "started") == 0))
		s->open++;
	if (request_is_end(r) && s->open > 0)
		s->open--;
}

/*
 * Space each Live Activity's updates by the interval of the budget's Live
 * Activity bucket (none without a budget).
 */
static void
sender_space(struct sender *s)
{
	outbox_set_spacing(s->outbox, s->config.budget == NULL ? 0 :
	    budget_interval_ms(s->config.budget, BUDGET_FEATURE_ACTIVITY));
}

/* Adapt the budget to the RateLimit headers of a reply, if it has any. */
static void
sender_listen(struct sender *s, const struct request *r,
    const struct http_reply *reply, uint64_t now)
{
	struct budget_hint	hint;

	if (budget_hint_parse(reply->ratelimit_policy, reply->ratelimit,
	    &hint)) {
		budget_hint(s->config.budget, feature(r), &hint, now);
		sender_space(s);
	}
}

/* An end that went, or a start or end given up on, frees its slot. */
static void
sender_slot_after(struct sender *s, const struct request *r, enum verdict v,
    uint64_t now)
{
	if (r->activity == NULL || s->config.budget == NULL)
		return;
	if ((v == VERDICT_DONE && request_is_end(r)) ||
	    (v == VERDICT_GIVE_UP && (needs_slot(r) || request_is_end(r))))
		budget_slot_free(s->config.budget, r->activity, now);
}

static enum verdict
sender_judge(struct sender *s, struct request *r,
    const struct http_reply *reply, const struct api_reply *ar)
{
	if (reply->status >= 200 && reply->status < 300) {
		if (r->kind == REQUEST_START && ar->activity_id == NULL)
			return VERDICT_UNKNOWN_START;
		sender_success(s, r, ar);
		return VERDICT_DONE;
	}
	if (reply->status == 404 && request_is_end(r))
		return VERDICT_DONE;
	if (reply->status == 0 && reply->hopeless)
		return VERDICT_GIVE_UP;
	if (reply->status == 0 && reply->sent && r->kind == REQUEST_START)
		return VERDICT_UNKNOWN_START;
	if (reply->status == 429)
		return ar->limit ? VERDICT_GIVE_UP : VERDICT_RATE_LIMITED;
	if (reply->status == 401)
		return VERDICT_KEY_REFUSED;
	if (reply->status == 0 || reply->status >= 500 || reply->status == 408)
		return VERDICT_RETRY;
	return VERDICT_GIVE_UP;
}

static void
sender_give_up(struct sender *s, struct request *r, const char *what,
    const struct api_reply *ar)
{
	if (ar->limit)
		msg_warnx("%s %s: Live Activity limit reached (%ld of %ld "
		    "active); not retried", request_method(r), r->path,
		    ar->limit_active, ar->limit_max);
	else
		msg_warnx("%s %s: %s; not retried", request_method(r), r->path,
		    what);
	outbox_failed(s->outbox, r);
}

/* Whether the request would go past --retry-max-time at now + delay. */
static int
sender_too_late(const struct sender *s, const struct request *r,
    uint64_t now, uint64_t delay)
{
	return r->activity == NULL &&
	    now + delay - r->first_try_ms > s->config.retry_max_ms;
}

static void
sender_retry(struct sender *s, struct request *r, const char *what,
    uint64_t now)
{
	uint64_t	delay;
	unsigned	tries;
	char		wait[32], line[1024];

	delay = backoff_ms(r->tries, request_is_end(r) ? END_BACKOFF_MAX_MS :
	    BACKOFF_MAX_MS, (unsigned)rand_r(&s->seed));
	if (sender_too_late(s, r, now, delay)) {
		msg_warnx("%s %s: %s; giving up after %u tr%s",
		    request_method(r), r->path, what, r->tries,
		    r->tries == 1 ? "y" : "ies");
		outbox_failed(s->outbox, r);
		return;
	}
	backoff_format(delay, wait, sizeof wait);
	snprintf(line, sizeof line, "%s %s: %s", request_method(r), r->path,
	    what);
	tries = r->tries;
	if (outbox_retry(s->outbox, r, now + delay))
		msg_warnx("%s, retry %u in %s", line, tries, wait);
	else
		msg_warnx("%s; a later state replaces it", line);
}

/*
 * A 429 that is not the activity cap: hold every request for Retry-After
 * (capped), or back off further with each 429 in a row.
 */
static void
sender_rate_limited(struct sender *s, struct request *r,
    const struct http_reply *reply, const char *what,
    const struct api_reply *ar, uint64_t now)
{
	uint64_t	delay;
	int		capped = 0;
	char		wait[32];

	s->limited++;
	if (reply->retry_after_s >= 0)
		delay = backoff_retry_after_ms(reply->retry_after_s,
		    atomic_load(&s->draining) ? END_BACKOFF_MAX_MS :
		    BACKOFF_MAX_MS, &capped);
	else
		delay = backoff_ms(s->limited, BACKOFF_MAX_MS,
		    (unsigned)rand_r(&s->seed));
	if (capped) {
		backoff_format(delay, wait, sizeof wait);
		msg_warnx("%s %s: HTTP 429 with Retry-After %lds, capped: "
		    "retry in %s", request_method(r), r->path,
		    reply->retry_after_s, wait);
	}
	delay = budget_block(s->config.budget, feature(r), delay, now);
	if (sender_too_late(s, r, now, delay)) {
		sender_give_up(s, r, what, ar);
		return;
	}
	backoff_format(delay, wait, sizeof wait);
	msg_verbose(1, "%s %s: HTTP 429, rate limited; retry in %s",
	    request_method(r), r->path, wait);
	outbox_retry(s->outbox, r, now);
}

/*
 * A classic start reached the server but brought back no activity id: an
 * activity may be open that we cannot update or end.  Not repeated (that
 * could open a second one); its run is given up.
 */
static void
sender_unknown_start(struct sender *s, struct request *r,
    const struct http_reply *reply, const char *what)
{
	msg_warnx("%s %s: %s%s; the activity may be open but its id is "
	    "unknown: not retried, its run's updates and end are dropped",
	    request_method(r), r->path, what, reply->status == 0 ? "" :
	    reply->cut ? ", reply cut at 64 KiB, no activity_id" :
	    " without an activity_id");
	outbox_failed(s->outbox, r);
}

static void
sender_key_refused(struct sender *s, struct request *r)
{
	unsigned long	n;
	char		what[600];

	snprintf(what, sizeof what, "%s %s", request_method(r), r->path);
	s->key_refused = 1;
	outbox_failed(s->outbox, r);	/* frees r */
	n = outbox_abandon(s->outbox);
	msg_warnx("%s: HTTP 401: the API key was refused; nothing more will "
	    "be sent (%lu request%s dropped)", what, n + 1, n == 0 ? "" : "s");
}

/* Warn before a start that would exceed the account's activity limit. */
static void
sender_check_limit(struct sender *s, const struct request *r)
{
	if (!r->first || s->open < ACTIVITY_LIMIT)
		return;
	msg_warnx("%s %s: starting Live Activity number %d; the account "
	    "allows %d at once", request_method(r), r->path, s->open + 1,
	    ACTIVITY_LIMIT);
}

/* The sender's clock: a dry run's runs ahead by the waits it skipped. */
static uint64_t
sender_now(const struct sender *s)
{
	return clock_now_ms() + s->skipped_ms;
}

/*
 * A dry run's reply, at once: 200, with a made-up id for a classic start
 * and the operation for a stream.  r is shown in words first, if asked.
 */
static void
sender_fake_reply(struct sender *s, const struct request *r,
    struct http_reply *reply)
{
	struct buf	line;
	char		*text;

	if (s->show != NULL) {
		buf_init(&line, 8192);
		show_request(r, &line);
		fprintf(s->show, "%s\n", buf_str(&line));
		fflush(s->show);
		buf_free(&line);
	}
	memset(reply, 0, sizeof *reply);
	reply->status = 200;
	reply->retry_after_s = -1;
	if (r->kind == REQUEST_START)
		text = xasprintf("{\"activity_id\":\"dry-run-%lu\"}",
		    ++s->dry_ids);
	else if (r->kind == REQUEST_STREAM_PUT)
		text = xasprintf("{\"operation\":\"%s\"}", r->first ?
		    "started" : "updated");
	else
		text = xstrdup("{\"success\":true}");
	buf_init(&reply->body, 1024);
	buf_addstr(&reply->body, text);
	free(text);
}

static void
sender_deliver(struct sender *s, struct request *r, uint64_t now)
{
	struct http_reply	 reply;
	struct api_reply	 ar;
	enum verdict		 v;
	char			*body, what[600];

	if (s->key_refused) {
		outbox_failed(s->outbox, r);
		return;
	}
	if (r->tries++ == 0)
		r->first_try_ms = now;
	sender_check_limit(s, r);
	body = request_body_json(r);
	outbox_trace(s->outbox, r);
	if (s->http != NULL)
		http_send(s->http, request_method(r), r->path, body,
		    r->first || request_is_end(r) ? LIFECYCLE_WAIT_S : 0, &reply);
	else
		sender_fake_reply(s, r, &reply);
	free(body);
	api_reply_parse(reply.body.data, &ar);
	describe(s, &reply, &ar, what, sizeof what);
	now = sender_now(s);
	if (reply.status != 429)
		s->limited = 0;
	sender_listen(s, r, &reply, now);
	if (reply.status != 0)
		atomic_store(&s->answered, 1);
	if (reply.aborted)
		outbox_retry(s->outbox, r, now);
	else {
		v = sender_judge(s, r, &reply, &ar);
		sender_slot_after(s, r, v, now);
		switch (v) {
		case VERDICT_DONE:
			outbox_sent(s->outbox, r);
			break;
		case VERDICT_RETRY:
			sender_retry(s, r, what, now);
			break;
		case VERDICT_RATE_LIMITED:
			sender_rate_limited(s, r, &reply, what, &ar, now);
			break;
		case VERDICT_GIVE_UP:
			sender_give_up(s, r, what, &ar);
			break;
		case VERDICT_UNKNOWN_START:
			sender_unknown_start(s, r, &reply, what);
			break;
		case VERDICT_KEY_REFUSED:
			sender_key_refused(s, r);
			break;
		}
	}
	api_reply_free(&ar);
	http_reply_free(&reply);
}

static void *
sender_main(void *arg)
{
	struct sender	*s = arg;
	struct request	*r;
	uint64_t	 now, wait, since;

	for (;;) {
		/*
		 * Note the outbox's changes before looking at stop: sender_finish
		 * sets stop and then wakes the outbox, so either this sees stop,
		 * or the wake comes after since and outbox_wait does not sleep.
		 * (Read the other way round, a wake between the two was lost and
		 * the sender slept on while sender_finish waited for it.)
		 */
		since = outbox_changes(s->outbox);
		if (atomic_load(&s->stop))
			break;
		now = clock_now_ms();
		if (now >= s->renew_ms)
			s->renew_ms = now + budget_renew(s->config.budget, now);
		if ((r = outbox_pick(s->outbox, now, &wait)) == NULL) {
			outbox_wait(s->outbox, since, wait < s->renew_ms - now ?
			    wait : s->renew_ms - now);
			continue;
		}
		if (!sender_spend(s, r, now))
			continue;
		sender_deliver(s, r, now);
	}
	return NULL;
}

struct sender *
sender_start(struct outbox *ob, const struct sender_config *config)
{
	struct sender	*s;
	sigset_t	 block, old;

	s = xcalloc(1, sizeof *s);
	s->outbox = ob;
	s->config = *config;
	s->seed = (unsigned int)clock_now_ms();
	s->http = http_new(config->url, config->key, config->cacert,
	    config->proxy, config->timeout_s, &s->abort);
	s->config.key = NULL;	/* the caller frees it: http keeps the copy */
	sender_space(s);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGQUIT);
	sigaddset(&block, SIGUSR1);
	sigaddset(&block, SIGUSR2);
	sigaddset(&block, SIGWINCH);	/* --preview's, for the reader */
	pthread_sigmask(SIG_BLOCK, &block, &old);
	if (pthread_create(&s->thread, NULL, sender_main, s) != 0)
		msg_fatalx(1, "cannot start the sender thread");
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return s;
}

/* A dry run's sender sends what may go whenever a request is added. */
static void
sender_dry_added(void *arg)
{
	sender_dry_send(arg);
}

struct sender *
sender_dry_new(struct outbox *ob, struct budget *budget, FILE *show)
{
	struct sender	*s;

	s = xcalloc(1, sizeof *s);
	s->outbox = ob;
	s->config.budget = budget;
	s->show = show;
	sender_space(s);
	outbox_on_add(ob, sender_dry_added, s);
	return s;
}

uint64_t
sender_dry_send(struct sender *s)
{
	struct request	*r;
	uint64_t	 now, wait;

	for (;;) {
		/*
		 * Nothing goes while the bucket is empty (a dry run has no
		 * server to name buckets apart); not asking again meanwhile
		 * keeps each request added O(1), not a pick over every lane.
		 */
		now = sender_now(s);
		if (now < s->no_token_until_ms)
			return s->no_token_until_ms - now;
		if ((r = outbox_pick(s->outbox, now, &wait)) == NULL)
			return wait;
		if (s->config.budget == NULL || sender_spend(s, r, now))
			sender_deliver(s, r, now);
	}
}

/*
 * A dry run's drain: send what may go, skipping the waits, until
 * deadline_ms or until nothing (with ends set: no end) is queued.  Returns
 * how many requests are left.
 */
static unsigned long
sender_dry_until(struct sender *s, uint64_t deadline_ms, int ends)
{
	struct outbox_stats	st;
	uint64_t		wait;

	for (;;) {
		wait = sender_dry_send(s);
		outbox_stats(s->outbox, &st);
		if ((ends ? st.ends : st.queued) == 0 || wait == UINT64_MAX ||
		    sender_now(s) + wait > deadline_ms)
			return st.queued;
		s->skipped_ms += wait;
	}
}

/* As sender_finish's drain, on the dry run's clock: the server answers. */
static unsigned long
sender_dry_drain(struct sender *s, uint64_t deadline_ms,
    uint64_t end_deadline_ms)
{
	unsigned long	left;

	left = sender_dry_until(s, deadline_ms + s->skipped_ms, 0);
	if (left > 0 && end_deadline_ms > deadline_ms)
		left = sender_dry_until(s, end_deadline_ms + s->skipped_ms, 1);
	return left;
}

unsigned long
sender_finish(struct sender *s, uint64_t deadline_ms,
    uint64_t end_deadline_ms, int *key_refused)
{
	unsigned long	left;

	if (s->http == NULL) {
		outbox_on_add(s->outbox, NULL, NULL);
		left = sender_dry_drain(s, deadline_ms, end_deadline_ms);
		*key_refused = 0;
		free(s);
		return left;
	}
	atomic_store(&s->draining, 1);
	outbox_wake(s->outbox);
	left = outbox_drain(s->outbox, deadline_ms, 0);
	/* Longer for ends, unless the server was never reached at all. */
	if (left > 0 && end_deadline_ms > deadline_ms &&
	    atomic_load(&s->answered))
		left = outbox_drain(s->outbox, end_deadline_ms, 1);
	atomic_store(&s->abort, 1);
	atomic_store(&s->stop, 1);
	outbox_wake(s->outbox);
	pthread_join(s->thread, NULL);
	*key_refused = s->key_refused;
	http_free(s->http);
	free(s);
	return left;
}
