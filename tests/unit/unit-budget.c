/*
 * unit-budget.c: drives src/budget-table.c, the rules every process sharing
 * a budget follows, on a fake clock with fake processes: one bucket for
 * all, ends before updates across processes, four slots, and nothing kept
 * by a process that died or went quiet.  Also checks src/sha256.c against
 * FIPS 180-4's examples.  Prints "ok NAME" or "not ok NAME: why"; exits 1 if
 * any check failed.
 */
#include <stdio.h>
#include <string.h>

#include "../../src/budget-hint.h"
#include "../../src/budget-table.h"
#include "../../src/sha256.h"

#include "check.h"

static int32_t	dead_pid;	/* the fake process that died, or 0 */

static int
alive(int32_t pid)
{
	return pid != dead_pid;
}

static uint64_t
take(struct budget_table *t, enum budget_priority p, int32_t pid,
    uint64_t now)
{
	return budget_table_take(t, BUDGET_FEATURE_ACTIVITY, p, 0, pid, alive,
	    now);
}

/* Two processes share one bucket: five at once, then one per interval. */
static void
shared_bucket(void)
{
	struct budget_table	t;
	int			i;

	budget_table_init(&t, 60, 4, 0);
	for (i = 0; i < 5; i++)
		check_num("shared: the burst is five in all",
		    take(&t, BUDGET_UPDATE, i % 2 ? 100 : 200, 0), 0);
	/* (Updates and pushes come back a moment after the token.) */
	check_num("shared: the sixth waits an interval, whoever asks",
	    take(&t, BUDGET_UPDATE, 300, 0), 1091 + BUDGET_YIELD_MS);
}

/* An end waiting in one process goes before another's updates. */
static void
priority(void)
{
	struct budget_table	t;
	int			i;

	budget_table_init(&t, 60, 4, 0);
	for (i = 0; i < 5; i++)
		take(&t, BUDGET_UPDATE, 100, 0);
	check_num("priority: the end waits for a token",
	    take(&t, BUDGET_END, 200, 0), 1091);
	check_num("priority: the update leaves the new token to the end",
	    take(&t, BUDGET_UPDATE, 100, 1091), BUDGET_YIELD_MS);
	check_num("priority: a push leaves it too",
	    take(&t, BUDGET_PUSH, 100, 1091), BUDGET_YIELD_MS);
	check_num("priority: the end takes it", take(&t, BUDGET_END, 200, 1100),
	    0);
	check_num("priority: then updates go again",
	    take(&t, BUDGET_UPDATE, 100, 2182), 0);
	for (i = 0; i < 5; i++)
		take(&t, BUDGET_UPDATE, 100, 50000);
	take(&t, BUDGET_END, 200, 50000);
	take(&t, BUDGET_PUSH, 200, 50000);
	check_num("priority: a process's push does not lower its end's want",
	    take(&t, BUDGET_PUSH, 100, 51091), BUDGET_YIELD_MS);

	for (i = 0; i < 5; i++)
		take(&t, BUDGET_UPDATE, 100, 100000);
	take(&t, BUDGET_START, 200, 100000);
	check_num("priority: a want of a quiet process lapses",
	    take(&t, BUDGET_UPDATE, 100, 100000 + BUDGET_WANT_TTL_MS), 0);
	for (i = 0; i < 5; i++)
		take(&t, BUDGET_UPDATE, 100, 200000);
	take(&t, BUDGET_END, 200, 200000);
	dead_pid = 200;
	check_num("priority: a dead process's want is forgotten",
	    take(&t, BUDGET_UPDATE, 100, 201091), 0);
	dead_pid = 0;
}

/*
 * Processes with updates take turns: a token goes to the one waiting
 * longest, and one that got a token waits behind the others.
 */
static void
round_robin(void)
{
	struct budget_table	t;
	int			i;

	budget_table_init(&t, 60, 4, 0);
	for (i = 0; i < 5; i++)
		take(&t, BUDGET_UPDATE, 100, 0);
	check_num("turns: 100 waits", take(&t, BUDGET_UPDATE, 100, 10),
	    1081 + BUDGET_YIELD_MS);
	check_num("turns: then 200", take(&t, BUDGET_UPDATE, 200, 20),
	    1071 + BUDGET_YIELD_MS);
	check_num("turns: then 300", take(&t, BUDGET_UPDATE, 300, 30),
	    1061 + BUDGET_YIELD_MS);
	check_num("turns: 300 asking first leaves the token to 100",
	    take(&t, BUDGET_UPDATE, 300, 1091), BUDGET_YIELD_MS);
	check_num("turns: 200 too", take(&t, BUDGET_UPDATE, 200, 1091),
	    BUDGET_YIELD_MS);
	check_num("turns: 100 waited longest and takes it",
	    take(&t, BUDGET_UPDATE, 100, 1095), 0);
	check_num("turns: 100 again waits behind the others",
	    take(&t, BUDGET_UPDATE, 100, 2182), BUDGET_YIELD_MS);
	check_num("turns: 200 is next", take(&t, BUDGET_UPDATE, 200, 2183), 0);
	check_num("turns: then 300", take(&t, BUDGET_UPDATE, 300, 3274), 0);
	check_num("turns: then 100", take(&t, BUDGET_UPDATE, 100, 4365), 0);
	check_num("turns: an end still goes first",
	    take(&t, BUDGET_END, 400, 4366), 1089);
	check_num("turns: before 200 that waited longer",
	    take(&t, BUDGET_UPDATE, 200, 5456), BUDGET_YIELD_MS);
	check_num("turns: the end", take(&t, BUDGET_END, 400, 5457), 0);
}

/*
 * A push and a bar's state are equals across processes: the one queued
 * first goes first, however long its process has asked.
 */
static void
oldest_first(void)
{
	struct budget_table	t;
	int			i;

	budget_table_init(&t, 60, 4, 0);
	for (i = 0; i < 5; i++)
		take(&t, BUDGET_UPDATE, 100, 0);
	check_num("oldest: a push made at 500 waits for the token",
	    budget_table_take(&t, BUDGET_FEATURE_ACTIVITY, BUDGET_PUSH, 0, 300,
	    alive, 500), 591 + BUDGET_YIELD_MS);
	check_num("oldest: a bar's state waiting since 91 takes it",
	    budget_table_take(&t, BUDGET_FEATURE_ACTIVITY, BUDGET_UPDATE,
	    1000, 100, alive, 1091), 0);
	check_num("oldest: a state queued after the push leaves it the next",
	    budget_table_take(&t, BUDGET_FEATURE_ACTIVITY, BUDGET_UPDATE, 100,
	    200, alive, 2182), BUDGET_YIELD_MS);
	check_num("oldest: the push takes it",
	    budget_table_take(&t, BUDGET_FEATURE_ACTIVITY, BUDGET_PUSH, 0, 300,
	    alive, 2190), 0);
	check_num("oldest: an end still goes before both",
	    budget_table_take(&t, BUDGET_FEATURE_ACTIVITY, BUDGET_END, 0, 400,
	    alive, 2200), 1073);
	check_num("oldest: before a state that waited longer",
	    budget_table_take(&t, BUDGET_FEATURE_ACTIVITY, BUDGET_UPDATE, 3000,
	    200, alive, 3273), BUDGET_YIELD_MS);
}

static uint64_t
slot(struct budget_table *t, int32_t pid, uint32_t name, uint64_t now)
{
	unsigned	in_use;

	return budget_table_slot_take(t, pid, name, alive, now, &in_use);
}

static void
slots(void)
{
	struct budget_table	t;
	unsigned		in_use;

	budget_table_init(&t, 60, 4, 0);
	check_num("slots: first", slot(&t, 100, 1, 0), 0);
	check_num("slots: second", slot(&t, 100, 2, 0), 0);
	check_num("slots: third", slot(&t, 200, 1, 0), 0);
	check_num("slots: fourth", slot(&t, 200, 2, 0), 0);
	check_num("slots: a held slot is held", slot(&t, 200, 2, 0), 0);
	check_num("slots: the fifth waits",
	    budget_table_slot_take(&t, 300, 1, alive, 0, &in_use),
	    BUDGET_SLOT_POLL_MS);
	check_num("slots: four in use", in_use, 4);
	budget_table_slot_free(&t, 100, 2);
	check_num("slots: the fifth starts when one frees",
	    slot(&t, 300, 1, 10), 0);
	check_num("slots: then a sixth waits", slot(&t, 300, 2, 10),
	    BUDGET_SLOT_POLL_MS);
	dead_pid = 200;
	check_num("slots: a dead process's slots are free",
	    slot(&t, 300, 2, 20), 0);
	dead_pid = 0;
	budget_table_renew(&t, 300, BUDGET_SLOT_TTL_MS);
	check_num("slots: an unrenewed slot lapses",
	    slot(&t, 400, 1, BUDGET_SLOT_TTL_MS + 10), 0);
	check_num("slots: renewed ones do not",
	    slot(&t, 400, 2, BUDGET_SLOT_TTL_MS + 10), 0);
	check_num("slots: so the next waits",
	    slot(&t, 400, 3, BUDGET_SLOT_TTL_MS + 10), BUDGET_SLOT_POLL_MS);
	budget_table_leave(&t, 300);
	check_num("slots: a process leaving frees its slots",
	    slot(&t, 400, 3, BUDGET_SLOT_TTL_MS + 20), 0);
}

/* RateLimit headers: a policy per feature, remaining, reset. */
static void
hints(void)
{
	struct budget_table	t;
	struct budget_hint	h;

	budget_table_init(&t, 60, 4, 0);
	memset(&h, 0, sizeof h);
	h.remaining = h.reset_s = -1;
	strcpy(h.policy, "push");
	h.quota = 10;
	h.window_s = 60;
	budget_table_hint(&t, BUDGET_FEATURE_PUSH, &h, 0);
	check_num("hint: pushes get their own bucket of 10/min",
	    budget_table_interval_ms(&t, BUDGET_FEATURE_PUSH), 6667);
	check_num("hint: Live Activities keep the default",
	    budget_table_interval_ms(&t, BUDGET_FEATURE_ACTIVITY), 1091);
	h.quota = h.window_s = -1;
	h.remaining = 0;
	h.reset_s = 30;
	budget_table_hint(&t, BUDGET_FEATURE_PUSH, &h, 0);
	check_num("hint: remaining 0 waits for the reset",
	    budget_table_take(&t, BUDGET_FEATURE_PUSH, BUDGET_PUSH, 0, 1, alive,
	    0), 30000 + BUDGET_YIELD_MS);
	check_num("hint: the other bucket is untouched", take(&t, BUDGET_UPDATE,
	    1, 0), 0);
	h.remaining = 2;
	h.reset_s = -1;
	budget_table_hint(&t, BUDGET_FEATURE_ACTIVITY, &h, 0);
	take(&t, BUDGET_UPDATE, 1, 0);
	take(&t, BUDGET_UPDATE, 1, 0);
	check_num("hint: remaining 2 leaves two tokens",
	    take(&t, BUDGET_UPDATE, 1, 0), 1091 + BUDGET_YIELD_MS);
	check_num("block: a 429 blocks the feature's bucket",
	    budget_table_block(&t, BUDGET_FEATURE_ACTIVITY, 5000, 10000), 5000);
}

/* hint_str: the parse of two header values as "name q w r t" or "-". */
static const char *
hint_str(const char *policy, const char *ratelimit)
{
	static char		out[128];
	struct budget_hint	h;

	if (!budget_hint_parse(policy, ratelimit, &h))
		return "-";
	snprintf(out, sizeof out, "%s %ld %ld %ld %ld", h.policy, h.quota,
	    h.window_s, h.remaining, h.reset_s);
	return out;
}

static void
headers(void)
{
	check_str("headers: the draft's policy and state",
	    hint_str("\"default\";q=60;w=60", "\"default\";r=12;t=20"),
	    "default 60 60 12 20");
	check_str("headers: the policy RateLimit names",
	    hint_str("\"push\";q=30;w=60, \"default\";q=100;w=60",
	    "\"default\";r=0;t=5"), "default 100 60 0 5");
	check_str("headers: a token name, spaces, unknown parameters",
	    hint_str(" burst ; q=10 ;w=1;pk=:YWJj:", NULL),
	    "burst 10 1 -1 -1");
	check_str("headers: earlier drafts' forms",
	    hint_str("60;w=60", "limit=60, remaining=2, reset=7"),
	    " 60 60 2 7");
	check_str("headers: RateLimit alone", hint_str(NULL,
	    "\"default\";r=3;t=1"), "default -1 -1 3 1");
	check_str("headers: nonsense says nothing",
	    hint_str("q=x;w=", "\"a\";r=-4"), "-");
	check_str("headers: none", hint_str(NULL, NULL), "-");
	check_str("headers: a quota without a window is not used",
	    hint_str("\"p\";q=5", NULL), "-");
}

static void
valid(void)
{
	struct budget_table	t;

	budget_table_init(&t, 60, 4, 1000);
	check_num("valid: a fresh table", budget_table_valid(&t, 1000), 1);
	check_num("valid: a clock a little behind is fine",
	    budget_table_valid(&t, 0), 1);
	t.policies[0].rl.last_ms = 1000ULL * 3600 * 48;
	check_num("valid: times from another boot are not",
	    budget_table_valid(&t, 1000), 0);
	budget_table_init(&t, 60, 4, 1000);
	t.magic++;
	check_num("valid: another layout is not", budget_table_valid(&t, 1000),
	    0);
}

static void
sha256(void)
{
	char	hex[65], a[1000];

	sha256_hex("abc", 3, hex);
	check_num("sha256 abc", strcmp(hex, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad"), 0);
	sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	    56, hex);
	check_num("sha256 two blocks", strcmp(hex, "248d6a61d20638b8e5c02693"
	    "0c3e6039a33ce45964ff2167f6ecedd419db06c1"), 0);
	memset(a, 'a', sizeof a);
	sha256_hex(a, sizeof a, hex);
	check_num("sha256 1000 a", strcmp(hex,
	    "41edece42d63e8d9bf515a9ba6932e1c"
	    "20cbc9f5a5d134645adb5db1b9737ea3"), 0);
}

int
main(void)
{
	shared_bucket();
	priority();
	round_robin();
	oldest_first();
	slots();
	hints();
	headers();
	valid();
	sha256();
	return check_status();
}
