/*
 * unit-outbox.c: drives src/outbox.c without a sender: requests are added as
 * the activity layer would, then picked at chosen times, and the order and
 * the counters are checked.  Prints "ok NAME" or "not ok NAME: why"; exits
 * 1 if any check failed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/api.h"
#include "../../src/outbox.h"

#include "check.h"

static struct request *
la(enum request_kind kind, int first, struct instance *in, long step)
{
	struct content	c;
	struct request	*r;

	content_init(&c);
	c.title = strdup("Build");
	c.total = 100;
	c.current = step;
	r = api_live_activity(kind, first, "build", TYPE_SEGMENTED_PROGRESS,
	    &c, -1, NULL, in, "k");
	content_free(&c);
	return r;
}

/* Describe r and mark it sent: "start:1", "update:5", "push". */
static size_t
sent(struct outbox *ob, struct request *r, char *out, size_t size)
{
	static const char	*names[] = { "push", "badge", "metric", "start",
	    "update", "end", "put", "delete" };
	struct json_object	*cs, *step;
	size_t			 n;

	n = (size_t)snprintf(out, size, "%s", names[r->kind]);
	if (json_object_object_get_ex(r->body, "content_state", &cs) &&
	    json_object_object_get_ex(cs, "current_step", &step))
		n += (size_t)snprintf(out + n, size - n, ":%d",
		    json_object_get_int(step));
	if (r->kind == REQUEST_START && r->instance->id == NULL)
		r->instance->id = strdup("a1");
	outbox_sent(ob, r);
	return n;
}

/* Pick everything due at now and describe it: "start:1 update:5 push". */
static void
drain_at(struct outbox *ob, uint64_t now, char *out, size_t size)
{
	struct request		*r;
	uint64_t		 wait;
	size_t			 n = 0;

	out[0] = '\0';
	while ((r = outbox_pick(ob, now, &wait)) != NULL) {
		if (n > 0)
			n += (size_t)snprintf(out + n, size - n, " ");
		n += sent(ob, r, out + n, size - n);
	}
}

static void
drain(struct outbox *ob, char *out, size_t size)
{
	drain_at(ob, 1000, out, size);
}

int
main(void)
{
	struct outbox		*ob;
	struct outbox_stats	 st;
	struct instance		*run1, *run2;
	struct request		*r;
	uint64_t		 wait;
	char			 got[512];
	int			 i;

	/* Updates coalesce: only the latest state waits. */
	ob = outbox_new(NULL, 4);
	run1 = instance_new();
	outbox_add(ob, la(REQUEST_START, 1, run1, 1));
	for (i = 2; i <= 1000; i++)
		outbox_add(ob, la(REQUEST_UPDATE, 0, run1, i));
	drain(ob, got, sizeof got);
	check_str("updates coalesce behind the start", got,
	    "start:1 update:1000");
	outbox_stats(ob, &st);
	check_num("coalesced count", st.coalesced, 998);

	/* An end drops the updates waiting before it. */
	outbox_add(ob, la(REQUEST_UPDATE, 0, run1, 1001));
	outbox_add(ob, la(REQUEST_END, 0, run1, 1002));
	drain(ob, got, sizeof got);
	check_str("an end drops waiting updates", got, "end:1002");

	/* An update in flight is never replaced. */
	outbox_add(ob, la(REQUEST_UPDATE, 0, run1, 7));
	r = outbox_pick(ob, 1000, &wait);
	outbox_add(ob, la(REQUEST_UPDATE, 0, run1, 8));
	outbox_sent(ob, r);
	drain(ob, got, sizeof got);
	check_str("the update after one in flight still goes", got,
	    "update:8");

	/* Priority: end, then start, then push, then update. */
	run2 = instance_new();
	/* (The badge after the push: a state that waited longer would go
	 * before it, see below.) */
	outbox_add(ob, api_push("p1", NULL, NULL, NULL, NULL));
	outbox_add(ob, api_badge(3));
	outbox_add(ob, la(REQUEST_START, 1, run2, 1));
	outbox_add(ob, la(REQUEST_END, 0, run2, 2));
	drain(ob, got, sizeof got);
	check_str("a start, then its end, before a push, before a badge", got,
	    "start:1 end:2 push badge");

	/* A whole run that never left is dropped when the next one starts. */
	outbox_free(ob);
	ob = outbox_new(NULL, 4);
	instance_unref(run1);
	run1 = instance_new();
	instance_unref(run2);
	run2 = instance_new();
	outbox_add(ob, la(REQUEST_START, 1, run1, 1));
	outbox_add(ob, la(REQUEST_END, 0, run1, 5));
	outbox_add(ob, la(REQUEST_START, 1, run2, 1));
	drain(ob, got, sizeof got);
	check_str("an unsent run gives way to the next", got, "start:1");

	/* Pushes beyond the queue fold into the last one. */
	for (i = 1; i <= 10; i++) {
		char	title[16];

		snprintf(title, sizeof title, "p%d", i);
		outbox_add(ob, api_push(title, "boom", NULL, NULL, NULL));
	}
	outbox_stats(ob, &st);
	check_num("folded count", st.folded, 6);
	for (i = 0; i < 3; i++)
		outbox_sent(ob, outbox_pick(ob, 1000, &wait));
	r = outbox_pick(ob, 1000, &wait);
	check_str("the summary push", json_object_to_json_string_ext(r->body,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
	    "{\"title\":\"p4\",\"message\":\"boom\\n… and 6 more\"}");
	outbox_sent(ob, r);

	/* A held-back retry is not picked before its time. */
	outbox_add(ob, api_push("later", NULL, NULL, NULL, NULL));
	r = outbox_pick(ob, 1000, &wait);
	outbox_retry(ob, r, 5000);
	check_num("nothing due before the retry time",
	    outbox_pick(ob, 4999, &wait) == NULL, 1);
	check_num("the wait until it is due", wait, 1);
	r = outbox_pick(ob, 5000, &wait);
	check_num("due at its time", r != NULL, 1);

	/* Giving up on a start drops the rest of its run. */
	outbox_sent(ob, r);
	instance_unref(run1);
	run1 = instance_new();
	outbox_add(ob, la(REQUEST_START, 1, run1, 1));
	r = outbox_pick(ob, 1000, &wait);
	outbox_add(ob, la(REQUEST_UPDATE, 0, run1, 2));
	outbox_add(ob, la(REQUEST_END, 0, run1, 3));
	outbox_failed(ob, r);
	drain(ob, got, sizeof got);
	check_str("nothing of a failed run is sent", got, "");
	outbox_stats(ob, &st);
	check_num("the failed run is counted", st.failed, 2);

	/*
	 * A start the budget holds back takes in the later states of its
	 * run, keeping what only a start says; one not held does not.
	 */
	instance_unref(run1);
	run1 = instance_new();
	outbox_add(ob, la(REQUEST_START, 1, run1, 1));
	r = outbox_pick(ob, 1000, &wait);
	check_num("a start held for a slot was not waiting before",
	    outbox_hold(ob, r, 1000, 1), 0);
	check_num("it waits for a slot now",
	    outbox_slot_waiting(ob, "build"), 1);
	outbox_add(ob, la(REQUEST_UPDATE, 0, run1, 2));
	outbox_add(ob, la(REQUEST_UPDATE, 0, run1, 3));
	r = outbox_pick(ob, 1000, &wait);
	check_num("held again, it was waiting already",
	    outbox_hold(ob, r, 1000, 1), 1);
	r = outbox_pick(ob, 1000, &wait);
	check_num("it got its slot after waiting", outbox_slot_got(ob, r), 1);
	check_num("and waits no more", outbox_slot_waiting(ob, "build"), 0);
	check_str("the held start carries the latest state, and its type",
	    json_object_to_json_string_ext(r->body, JSON_C_TO_STRING_PLAIN),
	    "{\"content_state\":{\"title\":\"Build\",\"type\":"
	    "\"segmented_progress\",\"number_of_steps\":100,"
	    "\"current_step\":3}}");
	outbox_sent(ob, r);
	drain(ob, got, sizeof got);
	check_str("no update follows it", got, "");
	outbox_add(ob, la(REQUEST_START, 1, run2, 1));
	outbox_add(ob, la(REQUEST_UPDATE, 0, run2, 2));
	drain(ob, got, sizeof got);
	check_str("a start not held goes as it was", got, "start:1 update:2");

	/* Fair share: while pushes keep coming, updates still go. */
	outbox_free(ob);
	ob = outbox_new(NULL, 16);
	instance_unref(run1);
	run1 = instance_new();
	outbox_add(ob, la(REQUEST_START, 1, run1, 1));
	drain(ob, got, sizeof got);
	{
		unsigned long	npush = 0, nupdate = 0;

		for (i = 2; i <= 41; i++) {
			outbox_add(ob, api_push("p", NULL, NULL, NULL, NULL));
			outbox_add(ob, la(REQUEST_UPDATE, 0, run1, i));
			r = outbox_pick(ob, 1000, &wait);
			if (r->kind == REQUEST_PUSH)
				npush++;
			else
				nupdate++;
			outbox_sent(ob, r);
		}
		check_num("pushes and updates take turns: updates sent",
		    nupdate, 20);
		check_num("pushes and updates take turns: pushes sent",
		    npush, 20);
	}

	/*
	 * The older first between a push and a state, even on the push's
	 * turn; a push older than the state goes on its turn.
	 */
	outbox_free(ob);
	ob = outbox_new(NULL, 16);
	outbox_add(ob, la(REQUEST_UPDATE, 0, run1, 2));
	outbox_add(ob, api_push("p", NULL, NULL, NULL, NULL));
	drain(ob, got, sizeof got);
	check_str("a state older than the push goes first", got,
	    "update:2 push");
	outbox_add(ob, la(REQUEST_UPDATE, 0, run1, 3));
	drain(ob, got, sizeof got);
	outbox_add(ob, api_push("p", NULL, NULL, NULL, NULL));
	outbox_add(ob, la(REQUEST_UPDATE, 0, run1, 4));
	drain(ob, got, sizeof got);
	check_str("a push older than the state goes on its turn", got,
	    "push update:4");

	/*
	 * The turn passes when a request is sent, not when it is picked: one
	 * the budget holds back keeps its turn.
	 */
	outbox_free(ob);
	ob = outbox_new(NULL, 16);
	outbox_add(ob, api_push("p", NULL, NULL, NULL, NULL));
	outbox_add(ob, la(REQUEST_UPDATE, 0, run1, 50));
	r = outbox_pick(ob, 1000, &wait);
	check_num("the push's turn", r->kind, REQUEST_PUSH);
	outbox_hold(ob, r, 2000, 0);
	r = outbox_pick(ob, 1000, &wait);
	check_num("the update meanwhile", r->kind, REQUEST_UPDATE);
	outbox_hold(ob, r, 2000, 0);
	drain_at(ob, 2000, got, sizeof got);
	check_str("held back, the push keeps its turn", got,
	    "push update:50");

	/*
	 * Spacing: a Live Activity's update goes one spacing after its
	 * activity's last request, with the latest state; nothing else waits.
	 */
	outbox_free(ob);
	ob = outbox_new(NULL, 16);
	outbox_set_spacing(ob, 1000);
	instance_unref(run1);
	run1 = instance_new();
	instance_unref(run2);
	run2 = instance_new();
	outbox_add(ob, la(REQUEST_START, 1, run1, 1));
	drain_at(ob, 1000, got, sizeof got);
	check_str("a start is not spaced", got, "start:1");
	outbox_add(ob, la(REQUEST_UPDATE, 0, run1, 2));
	outbox_add(ob, api_push("p", NULL, NULL, NULL, NULL));
	outbox_add(ob, api_metric("cpu", "1"));
	drain_at(ob, 1500, got, sizeof got);
	check_str("within the spacing a push and a metric go, the update "
	    "waits", got, "push metric");
	r = outbox_pick(ob, 1500, &wait);
	check_num("nothing else is due", r == NULL, 1);
	check_num("the wait is what is left of the spacing", wait, 500);
	outbox_add(ob, la(REQUEST_UPDATE, 0, run1, 3));
	drain_at(ob, 1999, got, sizeof got);
	check_str("not a moment early", got, "");
	drain_at(ob, 2000, got, sizeof got);
	check_str("then it goes with the latest state", got, "update:3");
	outbox_stats(ob, &st);
	check_num("the state it replaced is counted", st.coalesced, 1);
	outbox_add(ob, la(REQUEST_UPDATE, 0, run1, 4));
	outbox_add(ob, la(REQUEST_END, 0, run1, 5));
	drain_at(ob, 2100, got, sizeof got);
	check_str("an end is not spaced", got, "end:5");
	outbox_add(ob, la(REQUEST_START, 1, run2, 1));
	outbox_add(ob, la(REQUEST_UPDATE, 0, run2, 2));
	drain_at(ob, 2200, got, sizeof got);
	check_str("the next run's start is not spaced", got, "start:1");
	instance_unref(run1);
	run1 = instance_new();
	outbox_add(ob, la(REQUEST_START, 1, run1, 1));
	outbox_add(ob, la(REQUEST_END, 0, run1, 9));
	drain_at(ob, 2300, got, sizeof got);
	check_str("an update before an end in its lane is not spaced", got,
	    "update:2 start:1 end:9");
	outbox_set_spacing(ob, 0);
	instance_unref(run2);
	run2 = instance_new();
	outbox_add(ob, la(REQUEST_START, 1, run2, 1));
	outbox_add(ob, la(REQUEST_UPDATE, 0, run2, 2));
	drain_at(ob, 2300, got, sizeof got);
	check_str("spacing 0 holds nothing", got, "start:1 update:2");

	instance_unref(run1);
	instance_unref(run2);
	outbox_free(ob);
	return check_status();
}
