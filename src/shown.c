/*
 * shown.c: what the phone shows.
 *
 * One entry per Live Activity, by name, in the order their first requests
 * were queued, and one for the pushes.  A delivered request replaces the
 * entry's state with a copy of its content_state; only a start says the
 * type and a timer's window, so those carry over to the updates of the
 * same run.  The entries are few (one per activity in the rules): a name is
 * found by a linear search.
 *
 * Nothing here locks: the outbox calls in under its own lock.
 */
#include <stdlib.h>
#include <string.h>

#include "shown.h"
#include "xmalloc.h"

struct shown_entry {
	char			*activity;	/* NULL: the pushes */
	struct json_object	*state;		/* owned, or NULL */
	int			 ended;
	uint64_t		 started_ms;
	uint64_t		 ended_ms;
	unsigned		 failed;
};

struct shown {
	struct shown_entry	*v;
	size_t			 n;
};

/* What a start says once for the whole run. */
static const char *const shown_run_keys[] = { "type", "duration_seconds",
    "counts_down", NULL };

struct shown *
shown_new(void)
{
	return xcalloc(1, sizeof(struct shown));
}

void
shown_free(struct shown *sh)
{
	size_t	i;

	if (sh == NULL)
		return;
	for (i = 0; i < sh->n; i++) {
		free(sh->v[i].activity);
		json_object_put(sh->v[i].state);
	}
	free(sh->v);
	free(sh);
}

/* Whether the request is one the phone shows: a Live Activity's or a push. */
static int
shown_kept(const struct request *r)
{
	return r->activity != NULL || r->kind == REQUEST_PUSH;
}

/* The entry of the request's activity (or of the pushes), made if needed. */
static struct shown_entry *
shown_entry(struct shown *sh, const struct request *r)
{
	struct shown_entry	*e;
	size_t			 i;

	for (i = 0; i < sh->n; i++) {
		e = &sh->v[i];
		if (r->activity == NULL ? e->activity == NULL :
		    e->activity != NULL && strcmp(e->activity, r->activity) == 0)
			return e;
	}
	sh->v = xreallocarray(sh->v, sh->n + 1, sizeof *sh->v);
	e = &sh->v[sh->n++];
	memset(e, 0, sizeof *e);
	e->activity = r->activity == NULL ? NULL : xstrdup(r->activity);
	return e;
}

void
shown_queued(struct shown *sh, const struct request *r)
{
	if (shown_kept(r))
		shown_entry(sh, r);
}

/* Carry what the run's start said over to a later state of the run. */
static void
shown_carry(struct json_object *to, struct json_object *from)
{
	struct json_object	*v;
	size_t			 i;

	for (i = 0; shown_run_keys[i] != NULL; i++)
		if (!json_object_object_get_ex(to, shown_run_keys[i], NULL) &&
		    json_object_object_get_ex(from, shown_run_keys[i], &v))
			json_object_object_add(to, shown_run_keys[i],
			    json_object_get(v));
}

void
shown_delivered(struct shown *sh, const struct request *r, uint64_t now)
{
	struct shown_entry	*e;
	struct json_object	*state, *copy = NULL;

	if (!shown_kept(r))
		return;
	e = shown_entry(sh, r);
	if (r->activity == NULL)
		state = r->body;
	else if (!json_object_object_get_ex(r->body, "content_state", &state))
		return;
	if (json_object_deep_copy(state, &copy, NULL) != 0)
		return;
	if (r->activity != NULL && !r->first && e->state != NULL)
		shown_carry(copy, e->state);
	json_object_put(e->state);
	e->state = copy;
	if (r->first) {
		e->started_ms = now;
		e->ended = 0;
	}
	if (request_is_end(r)) {
		e->ended = 1;
		e->ended_ms = now;
	}
}

void
shown_failed(struct shown *sh, const struct request *r)
{
	if (shown_kept(r))
		shown_entry(sh, r)->failed++;
}

size_t
shown_copy(const struct shown *sh, struct shown_item **items)
{
	struct shown_item	*it;
	size_t			 i;

	*items = xcalloc(sh->n == 0 ? 1 : sh->n, sizeof **items);
	for (i = 0; i < sh->n; i++) {
		it = &(*items)[i];
		it->activity = sh->v[i].activity == NULL ? NULL :
		    xstrdup(sh->v[i].activity);
		it->state = sh->v[i].state == NULL ? NULL :
		    xstrdup(json_object_to_json_string_ext(sh->v[i].state,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		it->ended = sh->v[i].ended;
		it->started_ms = sh->v[i].started_ms;
		it->ended_ms = sh->v[i].ended_ms;
		it->failed = sh->v[i].failed;
	}
	return sh->n;
}

void
shown_items_free(struct shown_item *items, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(items[i].activity);
		free(items[i].state);
	}
	free(items);
}
