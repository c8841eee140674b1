/*
 * outbox.c: the queue between the rules and the sender.
 *
 * Requests live in "lanes": one per Live Activity (by name), one per metric
 * (by path), one for the badge.  A lane is sent strictly in order, one
 * request at a time, so a classic update never overtakes the start that
 * gives it its activity id.  Pushes have a queue of their own, bounded by
 * push_max.  The sender picks among the heads of the lanes and of the push
 * queue by priority: ends (and whatever stands before an end in its lane),
 * then starts, then pushes, then the rest; oldest first within a priority.
 * But pushes and the rest (updates, metrics, the badge) take turns while
 * both wait, and a state that has waited longer than the push goes even on
 * the push's turn: pushes that keep coming must not keep the bar from
 * moving.
 * A Live Activity's state update waits until one spacing has passed since
 * its lane's last request went (outbox_set_spacing): the bar moves about as
 * often as the bucket refills, each time to its latest state, and the
 * tokens it would have spent on states replaced a moment later go to other
 * bars, pushes and other processes.
 *
 * Coalescing happens when a request is added, at the tail of its lane and
 * only on entries not yet in flight; see outbox.h for the rules.  A lane is
 * found by its key in O(1) (a hash index beside the list), so adding costs
 * the same with 10^5 lanes as with one; outbox_pick is O(lanes), and there
 * are as many lanes as activities and metrics in the rules.
 *
 * One mutex guards everything; the condition variable wakes the sender on a
 * new request and the drainer when a request finishes.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <time.h>

#include "clock.h"
#include "msg.h"
#include "outbox.h"
#include "shown.h"
#include "xmalloc.h"

struct entry {
	struct request		*req;
	uint64_t		 seq;
	uint64_t		 not_before_ms;
	uint64_t		 picked_ms;	/* when it was last picked */
	int			 in_flight;
	int			 held;		/* the budget held it back */
	int			 slot_wait;	/* held for a Live Activity slot */
	unsigned		 folded;	/* pushes folded into this one */
	char			*message;	/* folded push: its own message */
	TAILQ_ENTRY(entry)	 link;
};
TAILQ_HEAD(entries, entry);

struct lane {
	char		*key;
	struct entries	 entries;
	int		 sent;		/* a request of the lane went */
	uint64_t	 sent_ms;	/* when the last one went */
};

struct outbox {
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;
	FILE			*trace;
	int			 trace_failed;
	void			(*on_add)(void *);
	void			*on_add_arg;
	unsigned		 push_max;
	unsigned		 npushes;
	struct entries		 pushes;
	struct lane		**lanes;	/* each allocated alone: a TAILQ
						   head must not move */
	size_t			 nlanes, caplanes;
	struct lane		**index;	/* open addressing by key */
	size_t			 nindex;	/* a power of two */
	uint64_t		 seq;
	unsigned long		 queued;	/* entries in lanes and pushes */
	unsigned long		 ends;		/* of them, ends */
	uint64_t		 changes;	/* bumped on every change */
	int			 state_turn;	/* a state goes before a push:
						   the last sent was a push */
	uint64_t		 spacing_ms;	/* between a Live Activity's
						   updates */
	struct outbox_stats	 stats;
	struct shown		*shown;		/* what was delivered */
};

struct outbox *
outbox_new(FILE *trace, unsigned push_max)
{
	struct outbox	*ob;

	ob = xcalloc(1, sizeof *ob);
	pthread_mutex_init(&ob->lock, NULL);
	pthread_cond_init(&ob->cond, NULL);
	ob->trace = trace;
	ob->push_max = push_max < 1 ? 1 : push_max;
	TAILQ_INIT(&ob->pushes);
	ob->shown = shown_new();
	return ob;
}

static void
entry_free(struct entry *e)
{
	request_free(e->req);
	free(e->message);
	free(e);
}

static void
entries_free(struct entries *q)
{
	struct entry	*e;

	while ((e = TAILQ_FIRST(q)) != NULL) {
		TAILQ_REMOVE(q, e, link);
		entry_free(e);
	}
}

void
outbox_free(struct outbox *ob)
{
	size_t	i;

	if (ob == NULL)
		return;
	entries_free(&ob->pushes);
	for (i = 0; i < ob->nlanes; i++) {
		entries_free(&ob->lanes[i]->entries);
		free(ob->lanes[i]->key);
		free(ob->lanes[i]);
	}
	free(ob->lanes);
	free(ob->index);
	shown_free(ob->shown);
	pthread_cond_destroy(&ob->cond);
	pthread_mutex_destroy(&ob->lock);
	free(ob);
}

void
outbox_trace(struct outbox *ob, const struct request *r)
{
	struct json_object	*line;
	char			*body;

	if (ob->trace == NULL)
		return;
	body = request_body_json(r);
	line = json_object_new_object();
	json_object_object_add(line, "method",
	    json_object_new_string(request_method(r)));
	json_object_object_add(line, "path", json_object_new_string(r->path));
	json_object_object_add(line, "body", json_tokener_parse(body));
	fprintf(ob->trace, "%s\n", json_object_to_json_string_ext(line,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	if (fflush(ob->trace) == EOF && !ob->trace_failed) {
		msg_warn("trace");
		ob->trace_failed = 1;
	}
	json_object_put(line);
	free(body);
}

/* FNV-1a of a lane key. */
static size_t
lane_hash(const char *key)
{
	uint64_t	h = 1469598103934665603ULL;

	for (; *key != '\0'; key++) {
		h ^= (unsigned char)*key;
		h *= 1099511628211ULL;
	}
	return (size_t)h;
}

/* The index slot of key: its lane's, or the empty one it would take. */
static struct lane **
lane_slot(struct outbox *ob, const char *key)
{
	size_t	i = lane_hash(key) & (ob->nindex - 1);

	while (ob->index[i] != NULL && strcmp(ob->index[i]->key, key) != 0)
		i = (i + 1) & (ob->nindex - 1);
	return &ob->index[i];
}

/* Keep the index at most half full: lookups stay O(1) on average. */
static void
lane_index_grow(struct outbox *ob)
{
	size_t	i;

	if (2 * (ob->nlanes + 1) <= ob->nindex)
		return;
	free(ob->index);
	ob->nindex = ob->nindex == 0 ? 64 : 2 * ob->nindex;
	ob->index = xcalloc(ob->nindex, sizeof *ob->index);
	for (i = 0; i < ob->nlanes; i++)
		*lane_slot(ob, ob->lanes[i]->key) = ob->lanes[i];
}

/* The lane a request belongs to, made if needed; NULL for pushes. */
static struct lane *
outbox_lane(struct outbox *ob, const struct request *r)
{
	struct lane	*l, **slot;
	const char	*key;

	if (r->kind == REQUEST_PUSH)
		return NULL;
	key = r->activity != NULL ? r->activity : r->path;
	lane_index_grow(ob);
	if (*(slot = lane_slot(ob, key)) != NULL)
		return *slot;
	l = xcalloc(1, sizeof *l);
	l->key = xstrdup(key);
	TAILQ_INIT(&l->entries);
	if (ob->nlanes == ob->caplanes) {
		ob->caplanes = ob->caplanes == 0 ? 64 : 2 * ob->caplanes;
		ob->lanes = xreallocarray(ob->lanes, ob->caplanes,
		    sizeof *ob->lanes);
	}
	ob->lanes[ob->nlanes++] = l;
	*slot = l;
	return l;
}

/* A state update that a later state of the same run makes pointless. */
static int
is_update(const struct request *r)
{
	return r->kind == REQUEST_UPDATE || r->kind == REQUEST_METRIC ||
	    r->kind == REQUEST_BADGE ||
	    (r->kind == REQUEST_STREAM_PUT && !r->first);
}

static void
outbox_remove(struct outbox *ob, struct entries *q, struct entry *e)
{
	TAILQ_REMOVE(q, e, link);
	if (e->req->kind == REQUEST_PUSH)
		ob->npushes--;
	if (request_is_end(e->req))
		ob->ends--;
	ob->queued--;
	entry_free(e);
}

/* Drop waiting updates of the same run at the tail of the lane. */
static void
lane_drop_updates(struct outbox *ob, struct lane *l, const struct request *r)
{
	struct entry	*e;

	while ((e = TAILQ_LAST(&l->entries, entries)) != NULL &&
	    !e->in_flight && is_update(e->req) &&
	    e->req->instance == r->instance) {
		outbox_remove(ob, &l->entries, e);
		ob->stats.coalesced++;
	}
}

/*
 * A new run is starting: if the lane ends with a whole earlier run that has
 * not left yet (its start and its end both waiting), drop that run.
 */
static void
lane_drop_unsent_run(struct outbox *ob, struct lane *l)
{
	struct entry	*last, *e;
	struct instance	*in;

	last = TAILQ_LAST(&l->entries, entries);
	if (last == NULL || last->in_flight || !request_is_end(last->req))
		return;
	in = last->req->instance;
	for (e = last; e != NULL; e = TAILQ_PREV(e, entries, link)) {
		if (e->in_flight || e->req->instance != in)
			return;
		if (e->req->first)
			break;
	}
	if (e == NULL)
		return;
	while ((last = TAILQ_LAST(&l->entries, entries)) != e) {
		outbox_remove(ob, &l->entries, last);
		ob->stats.coalesced++;
	}
	outbox_remove(ob, &l->entries, e);
	ob->stats.coalesced++;
}

static struct entry *
entry_new(struct outbox *ob, struct request *r)
{
	struct entry	*e;

	e = xcalloc(1, sizeof *e);
	e->req = r;
	e->seq = ++ob->seq;
	ob->queued++;
	if (request_is_end(r))
		ob->ends++;
	return e;
}

static void
lane_add(struct outbox *ob, struct lane *l, struct request *r)
{
	struct entry	*tail, *e;

	tail = TAILQ_LAST(&l->entries, entries);
	if (is_update(r) && tail != NULL && !tail->in_flight &&
	    is_update(tail->req) && tail->req->kind == r->kind &&
	    tail->req->instance == r->instance) {
		r->queued_ms = tail->req->queued_ms;	/* stale since then */
		request_free(tail->req);
		tail->req = r;
		ob->stats.coalesced++;
		return;
	}
	/* A start the budget holds back carries its run's latest state. */
	if (is_update(r) && tail != NULL && !tail->in_flight && tail->held &&
	    api_fold_into_start(tail->req, r)) {
		request_free(r);
		ob->stats.coalesced++;
		return;
	}
	if (request_is_end(r))
		lane_drop_updates(ob, l, r);
	if (r->first)
		lane_drop_unsent_run(ob, l);
	e = entry_new(ob, r);	/* not inside the macro: it evaluates twice */
	TAILQ_INSERT_TAIL(&l->entries, e, link);
}

/* Fold a push that does not fit into the last waiting one. */
static void
push_fold(struct outbox *ob, struct request *r)
{
	struct json_object	*msg;
	struct entry		*e;
	char			*text;

	TAILQ_FOREACH_REVERSE(e, &ob->pushes, entries, link)
		if (!e->in_flight)
			break;
	ob->stats.folded++;
	request_free(r);
	if (e == NULL)
		return;
	if (e->folded++ == 0 && json_object_object_get_ex(e->req->body,
	    "message", &msg))
		e->message = xstrdup(json_object_get_string(msg));
	if (e->message != NULL)
		text = xasprintf("%s\n… and %u more", e->message, e->folded);
	else
		text = xasprintf("… and %u more", e->folded);
	json_object_object_add(e->req->body, "message",
	    json_object_new_string(text));
	free(text);
}

void
outbox_add(struct outbox *ob, struct request *r)
{
	struct lane	*l;
	struct entry	*e;

	r->queued_ms = clock_now_ms();
	pthread_mutex_lock(&ob->lock);
	ob->stats.added++;
	shown_queued(ob->shown, r);
	if ((l = outbox_lane(ob, r)) != NULL)
		lane_add(ob, l, r);
	else if (ob->npushes >= ob->push_max)
		push_fold(ob, r);
	else {
		e = entry_new(ob, r);
		TAILQ_INSERT_TAIL(&ob->pushes, e, link);
		ob->npushes++;
	}
	ob->changes++;
	pthread_cond_broadcast(&ob->cond);
	pthread_mutex_unlock(&ob->lock);
	if (ob->on_add != NULL)
		ob->on_add(ob->on_add_arg);
}

void
outbox_on_add(struct outbox *ob, void (*fn)(void *), void *arg)
{
	pthread_mutex_lock(&ob->lock);
	ob->on_add = fn;
	ob->on_add_arg = arg;
	pthread_mutex_unlock(&ob->lock);
}

/*
 * A lane's head goes first when its lane holds an end: the end can only
 * follow it.
 */
static int
priority(const struct request *r, int lane_ends)
{
	if (request_is_end(r) || lane_ends)
		return 3;
	if (r->first)
		return 2;
	if (r->kind == REQUEST_PUSH)
		return 1;
	return 0;
}

/* Whether the entries from e on hold an end. */
static int
entries_end(const struct entry *e)
{
	for (; e != NULL; e = TAILQ_NEXT(e, link))
		if (request_is_end(e->req))
			return 1;
	return 0;
}

/*
 * Drop the head of a lane if it can never be sent: a classic update or end
 * whose start was given up on.  Returns the head that remains.
 */
static struct entry *
lane_head(struct outbox *ob, struct lane *l)
{
	struct entry	*e;

	while ((e = TAILQ_FIRST(&l->entries)) != NULL && !e->in_flight &&
	    !e->req->first && e->req->instance != NULL &&
	    e->req->instance->failed) {
		outbox_remove(ob, &l->entries, e);
		ob->stats.failed++;
	}
	return e;
}

/* The best request so far, and its priority. */
struct choice {
	struct entry	*e;
	int		 priority;
};

/*
 * When e may go: not before its own time, and if it is a Live Activity's
 * state update (not a start; not an end, nor anything before one in its
 * lane) not before one spacing after the lane's last request went.  Until
 * then later states of its run replace it (lane_add), so that it goes with
 * the latest: a token spent on a bar that moved a moment ago is a token
 * that another bar's latest state lacks.
 */
static uint64_t
entry_due(const struct outbox *ob, const struct lane *l, const struct entry *e)
{
	uint64_t	due = e->not_before_ms, spaced;

	if (l == NULL || !l->sent || ob->spacing_ms == 0 ||
	    e->req->activity == NULL || !is_update(e->req) || entries_end(e))
		return due;
	spaced = l->sent_ms + ob->spacing_ms;
	return spaced > due ? spaced : due;
}

/*
 * Consider e, the head of lane l (NULL for a push), as the next request;
 * track the earliest held-back time, and the best state update apart (see
 * outbox_pick).
 */
static void
consider(const struct outbox *ob, const struct lane *l, struct entry *e,
    uint64_t now, struct choice *best, struct choice *state, uint64_t *wait)
{
	uint64_t	due;
	int		p;

	if (e == NULL || e->in_flight)
		return;
	if ((due = entry_due(ob, l, e)) > now) {
		if (due - now < *wait)
			*wait = due - now;
		return;
	}
	p = priority(e->req, entries_end(e));
	if (p == 0 && (state->e == NULL || e->seq < state->e->seq))
		state->e = e;
	if (best->e == NULL || p > best->priority ||
	    (p == best->priority && e->seq < best->e->seq)) {
		best->e = e;
		best->priority = p;
	}
}

struct request *
outbox_pick(struct outbox *ob, uint64_t now, uint64_t *wait_ms)
{
	struct choice	 best = { NULL, 0 }, state = { NULL, 0 };
	struct entry	*e;
	size_t		 i;

	pthread_mutex_lock(&ob->lock);
	*wait_ms = UINT64_MAX;
	for (i = 0; i < ob->nlanes; i++)
		consider(ob, ob->lanes[i], lane_head(ob, ob->lanes[i]), now,
		    &best, &state, wait_ms);
	TAILQ_FOREACH(e, &ob->pushes, link) {
		if (!e->in_flight) {
			consider(ob, NULL, e, now, &best, &state, wait_ms);
			break;
		}
	}
	/*
	 * Pushes and state updates take turns while both wait: the turn
	 * passes when one is sent (outbox_sent), not when it is picked, as
	 * the budget may hold the one picked back.  But a state that has
	 * waited longer than the push goes even on the push's turn: pushes
	 * get at most half, and a bar's state does not wait behind pushes
	 * made after it.
	 */
	if (best.e != NULL && best.priority == 1 && state.e != NULL &&
	    (ob->state_turn || state.e->seq < best.e->seq))
		best = state;
	if (best.e != NULL) {
		best.e->in_flight = 1;
		best.e->picked_ms = now;
	}
	pthread_mutex_unlock(&ob->lock);
	return best.e == NULL ? NULL : best.e->req;
}

void
outbox_set_spacing(struct outbox *ob, uint64_t ms)
{
	pthread_mutex_lock(&ob->lock);
	ob->spacing_ms = ms;
	pthread_mutex_unlock(&ob->lock);
}

/* Find the entry of an in-flight request, and its queue. */
static struct entry *
outbox_find(struct outbox *ob, const struct request *r, struct entries **q)
{
	struct lane	*l;
	struct entry	*e;

	if ((l = outbox_lane(ob, r)) == NULL)
		*q = &ob->pushes;
	else
		*q = &l->entries;
	TAILQ_FOREACH(e, *q, link)
		if (e->req == r)
			return e;
	msg_fatalx(1, "internal error: %s %s is not in the outbox",
	    request_method(r), r->path);
}

void
outbox_sent(struct outbox *ob, struct request *r)
{
	struct lane	*l;
	struct entries	*q;
	struct entry	*e;

	pthread_mutex_lock(&ob->lock);
	e = outbox_find(ob, r, &q);
	if ((l = outbox_lane(ob, r)) != NULL) {
		l->sent = 1;
		l->sent_ms = e->picked_ms;
	}
	if (r->kind == REQUEST_PUSH)
		ob->state_turn = 1;
	else if (priority(r, entries_end(e)) == 0)
		ob->state_turn = 0;
	ob->stats.sent++;
	shown_delivered(ob->shown, r, clock_now_ms());
	outbox_remove(ob, q, e);
	ob->changes++;
	pthread_cond_broadcast(&ob->cond);
	pthread_mutex_unlock(&ob->lock);
}

/* Whether a later request of the same run replaces the state e holds. */
static int
entry_replaced(const struct entry *e)
{
	const struct entry	*n;

	if (!is_update(e->req))
		return 0;
	for (n = TAILQ_NEXT(e, link); n != NULL; n = TAILQ_NEXT(n, link))
		if (n->req->instance == e->req->instance &&
		    (is_update(n->req) || request_is_end(n->req)))
			return 1;
	return 0;
}

int
outbox_retry(struct outbox *ob, struct request *r, uint64_t not_before)
{
	struct entries	*q;
	struct entry	*e;
	int		 kept = 1;

	pthread_mutex_lock(&ob->lock);
	e = outbox_find(ob, r, &q);
	if (entry_replaced(e)) {
		ob->stats.coalesced++;
		outbox_remove(ob, q, e);
		kept = 0;
	} else {
		e->in_flight = 0;
		e->not_before_ms = not_before;
		ob->stats.retried++;
	}
	ob->changes++;
	pthread_cond_broadcast(&ob->cond);
	pthread_mutex_unlock(&ob->lock);
	return kept;
}

int
outbox_hold(struct outbox *ob, struct request *r, uint64_t not_before,
    int slot)
{
	struct entries	*q;
	struct entry	*e;
	int		 was;

	pthread_mutex_lock(&ob->lock);
	e = outbox_find(ob, r, &q);
	e->in_flight = 0;
	e->not_before_ms = not_before;
	e->held = 1;
	was = e->slot_wait;
	e->slot_wait = slot;
	pthread_mutex_unlock(&ob->lock);
	return was;
}

int
outbox_slot_got(struct outbox *ob, struct request *r)
{
	struct entries	*q;
	struct entry	*e;
	int		 was;

	pthread_mutex_lock(&ob->lock);
	e = outbox_find(ob, r, &q);
	was = e->slot_wait;
	e->slot_wait = 0;
	pthread_mutex_unlock(&ob->lock);
	return was;
}

int
outbox_slot_waiting(struct outbox *ob, const char *activity)
{
	struct lane	*l;
	struct entry	*e;
	int		 waiting = 0;

	pthread_mutex_lock(&ob->lock);
	if (ob->nindex > 0 && (l = *lane_slot(ob, activity)) != NULL &&
	    (e = TAILQ_FIRST(&l->entries)) != NULL)
		waiting = e->slot_wait;
	pthread_mutex_unlock(&ob->lock);
	return waiting;
}

void
outbox_failed(struct outbox *ob, struct request *r)
{
	struct entries	*q;
	struct entry	*e;

	pthread_mutex_lock(&ob->lock);
	e = outbox_find(ob, r, &q);
	if (r->first && r->instance != NULL)
		r->instance->failed = 1;
	ob->stats.failed++;
	shown_failed(ob->shown, r);
	outbox_remove(ob, q, e);
	ob->changes++;
	pthread_cond_broadcast(&ob->cond);
	pthread_mutex_unlock(&ob->lock);
}

/* Drop every entry of q that is not in flight; count them as failed. */
static void
entries_abandon(struct outbox *ob, struct entries *q)
{
	struct entry	*e, *next;

	for (e = TAILQ_FIRST(q); e != NULL; e = next) {
		next = TAILQ_NEXT(e, link);
		if (e->in_flight)
			continue;
		shown_failed(ob->shown, e->req);
		outbox_remove(ob, q, e);
		ob->stats.failed++;
	}
}

unsigned long
outbox_abandon(struct outbox *ob)
{
	unsigned long	before;
	size_t		i;

	pthread_mutex_lock(&ob->lock);
	before = ob->stats.failed;
	entries_abandon(ob, &ob->pushes);
	for (i = 0; i < ob->nlanes; i++)
		entries_abandon(ob, &ob->lanes[i]->entries);
	before = ob->stats.failed - before;
	ob->changes++;
	pthread_cond_broadcast(&ob->cond);
	pthread_mutex_unlock(&ob->lock);
	return before;
}

/*
 * Wait on the condition variable for at most ms (a day at the most).  The
 * deadline is on the wall clock (CLOCK_REALTIME), as pthread_cond_timedwait
 * measures by default, so a clock step can shorten or stretch one wait; the
 * callers re-check their monotonic times after every wake-up.
 */
static void
outbox_timedwait(struct outbox *ob, uint64_t ms)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (ms > 24ULL * 3600 * 1000)
		ms = 24ULL * 3600 * 1000;
	ts.tv_sec += (time_t)(ms / 1000);
	ts.tv_nsec += (long)(ms % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_cond_timedwait(&ob->cond, &ob->lock, &ts);
}

uint64_t
outbox_changes(struct outbox *ob)
{
	uint64_t	n;

	pthread_mutex_lock(&ob->lock);
	n = ob->changes;
	pthread_mutex_unlock(&ob->lock);
	return n;
}

void
outbox_wait(struct outbox *ob, uint64_t since, uint64_t ms)
{
	pthread_mutex_lock(&ob->lock);
	if (ob->changes == since)
		outbox_timedwait(ob, ms);
	pthread_mutex_unlock(&ob->lock);
}

unsigned long
outbox_drain(struct outbox *ob, uint64_t deadline_ms, int ends)
{
	unsigned long	left;
	uint64_t	now;

	pthread_mutex_lock(&ob->lock);
	while ((ends ? ob->ends : ob->queued) > 0 &&
	    (now = clock_now_ms()) < deadline_ms)
		outbox_timedwait(ob, deadline_ms - now);
	left = ob->queued;
	pthread_mutex_unlock(&ob->lock);
	return left;
}

void
outbox_wake(struct outbox *ob)
{
	pthread_mutex_lock(&ob->lock);
	ob->changes++;
	pthread_cond_broadcast(&ob->cond);
	pthread_mutex_unlock(&ob->lock);
}

void
outbox_set_id(struct outbox *ob, struct instance *in, const char *id)
{
	pthread_mutex_lock(&ob->lock);
	free(in->id);
	in->id = xstrdup(id);
	pthread_mutex_unlock(&ob->lock);
}

char *
outbox_get_id(struct outbox *ob, struct instance *in)
{
	char	*id;

	pthread_mutex_lock(&ob->lock);
	id = in->id == NULL ? NULL : xstrdup(in->id);
	pthread_mutex_unlock(&ob->lock);
	return id;
}

void
outbox_stats(struct outbox *ob, struct outbox_stats *st)
{
	pthread_mutex_lock(&ob->lock);
	*st = ob->stats;
	st->queued = ob->queued;
	st->ends = ob->ends;
	pthread_mutex_unlock(&ob->lock);
}

/* How many requests of q are waiting or in flight. */
static unsigned
entries_count(const struct entries *q)
{
	const struct entry	*e;
	unsigned		 n = 0;

	TAILQ_FOREACH(e, q, link)
		n++;
	return n;
}

size_t
outbox_shown(struct outbox *ob, struct shown_item **items)
{
	struct lane	*l;
	size_t		 i, n;

	pthread_mutex_lock(&ob->lock);
	n = shown_copy(ob->shown, items);
	for (i = 0; i < n; i++) {
		if ((*items)[i].activity == NULL)
			(*items)[i].queued = ob->npushes;
		else if (ob->nindex > 0 && (l = *lane_slot(ob,
		    (*items)[i].activity)) != NULL)
			(*items)[i].queued = entries_count(&l->entries);
	}
	pthread_mutex_unlock(&ob->lock);
	return n;
}
