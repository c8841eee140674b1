/*
 * budget-table.c: the shared budget's rules, on a table that the caller has
 * locked (see budget-table.h).  Pure: no I/O, no clock; the cost of each
 * call is O(BUDGET_WANTS + BUDGET_SLOTS), a few hundred comparisons.
 */
#include <stdio.h>
#include <string.h>

#include "budget-table.h"

/* Times later than this after "now" come from another boot: start over. */
#define FUTURE_MS	(24ULL * 3600 * 1000)

void
budget_table_init(struct budget_table *t, unsigned per_minute,
    unsigned slot_max, uint64_t now)
{
	memset(t, 0, sizeof *t);
	t->magic = BUDGET_TABLE_MAGIC;
	t->slot_max = slot_max;
	strcpy(t->policies[0].name, "default");
	t->policies[0].per_minute = per_minute;
	ratelimit_init(&t->policies[0].rl, per_minute, now);
}

int
budget_table_valid(const struct budget_table *t, uint64_t now)
{
	size_t	i;

	if (t->magic != BUDGET_TABLE_MAGIC)
		return 0;
	for (i = 0; i < BUDGET_FEATURES; i++)
		if (t->feature_policy[i] >= BUDGET_POLICIES)
			return 0;
	for (i = 0; i < BUDGET_POLICIES; i++) {
		if (t->policies[i].name[BUDGET_POLICY_NAME - 1] != '\0')
			return 0;
		if (t->policies[i].name[0] != '\0' &&
		    (t->policies[i].rl.interval_ms == 0 ||
		    t->policies[i].rl.last_ms > now + FUTURE_MS ||
		    t->policies[i].rl.blocked_until_ms > now + FUTURE_MS))
			return 0;
	}
	for (i = 0; i < BUDGET_SLOTS; i++)
		if (t->slots[i].expires_ms > now + FUTURE_MS)
			return 0;
	for (i = 0; i < BUDGET_WANTS; i++)
		if (t->wants[i].expires_ms > now + FUTURE_MS ||
		    t->wants[i].since_ms > now + FUTURE_MS)
			return 0;
	return 1;
}

static unsigned
policy_of(const struct budget_table *t, enum budget_feature f)
{
	unsigned	p = t->feature_policy[f];

	return p < BUDGET_POLICIES && t->policies[p].name[0] != '\0' ? p : 0;
}

/* Forget the wants and slots of processes that died or went quiet. */
static void
purge(struct budget_table *t, budget_alive_fn alive, uint64_t now)
{
	size_t	i;

	for (i = 0; i < BUDGET_WANTS; i++)
		if (t->wants[i].pid != 0 && (t->wants[i].expires_ms <= now ||
		    !alive(t->wants[i].pid)))
			memset(&t->wants[i], 0, sizeof t->wants[i]);
	for (i = 0; i < BUDGET_SLOTS; i++)
		if (t->slots[i].pid != 0 && (t->slots[i].expires_ms <= now ||
		    !alive(t->slots[i].pid)))
			memset(&t->slots[i], 0, sizeof t->slots[i]);
}

/*
 * Whether want w goes before pid's request of priority prio that has waited
 * since since_ms: more urgent, or as urgent and waiting longer (the lower
 * pid on a tie).
 */
static int
want_before(const struct budget_want *w, enum budget_priority prio,
    uint64_t since_ms, int32_t pid)
{
	if (w->priority != (int16_t)prio)
		return w->priority > (int16_t)prio;
	return w->since_ms < since_ms || (w->since_ms == since_ms &&
	    w->pid < pid);
}

/* How many other processes wait for bucket p before pid's request. */
static unsigned
wants_ahead(const struct budget_table *t, int32_t pid, unsigned p,
    enum budget_priority prio, uint64_t since_ms)
{
	unsigned	n = 0;
	size_t		i;

	for (i = 0; i < BUDGET_WANTS; i++)
		if (t->wants[i].pid != 0 && t->wants[i].pid != pid &&
		    t->wants[i].policy == (int16_t)p &&
		    want_before(&t->wants[i], prio, since_ms, pid))
			n++;
	return n;
}

/* pid's want, or a free entry for it, or NULL if the table is full. */
static struct budget_want *
want_find(struct budget_table *t, int32_t pid)
{
	struct budget_want	*free_want = NULL;
	size_t			 i;

	for (i = 0; i < BUDGET_WANTS; i++) {
		if (t->wants[i].pid == pid)
			return &t->wants[i];
		if (t->wants[i].pid == 0 && free_want == NULL)
			free_want = &t->wants[i];
	}
	return free_want;
}

uint64_t
budget_table_take(struct budget_table *t, enum budget_feature f,
    enum budget_priority prio, uint64_t waited_ms, int32_t pid,
    budget_alive_fn alive, uint64_t now)
{
	unsigned		 p = policy_of(t, f);
	struct ratelimit	*rl = &t->policies[p].rl;
	struct budget_want	*w, *mine;
	uint64_t		 wait, since;

	/* A push and a bar's state: the one waiting longer goes first. */
	if (prio == BUDGET_PUSH)
		prio = BUDGET_UPDATE;
	purge(t, alive, now);
	wait = ratelimit_wait_ms(rl, now);
	w = want_find(t, pid);
	mine = w != NULL && w->pid == pid && w->priority == (int16_t)prio &&
	    w->policy == (int16_t)p ? w : NULL;
	/* Waiting since it was queued, or since the process asked. */
	since = now > waited_ms ? now - waited_ms : 0;
	if (mine != NULL && mine->since_ms < since)
		since = mine->since_ms;
	if (wait == 0 && rl->tokens > wants_ahead(t, pid, p, prio, since)) {
		ratelimit_take(rl, now);
		if (w != NULL && w->pid == pid && w->priority <= (int16_t)prio)
			memset(w, 0, sizeof *w);
		return 0;
	}
	/*
	 * A push or a state update comes back a moment after the token is
	 * due: a bar whose spacing ends as that token comes (it was spaced
	 * from the same token) has then asked, and the older goes first.
	 */
	if (wait == 0)
		wait = BUDGET_YIELD_MS;
	else if (prio == BUDGET_UPDATE)
		wait += BUDGET_YIELD_MS;
	/* A process's want is its most urgent request's, since it waits. */
	if (w != NULL && (w->pid != pid || w->priority <= (int16_t)prio)) {
		w->since_ms = since;
		w->pid = pid;
		w->priority = (int16_t)prio;
		w->policy = (int16_t)p;
		w->expires_ms = now + wait + BUDGET_WANT_TTL_MS;
	}
	return wait;
}

uint64_t
budget_table_block(struct budget_table *t, enum budget_feature f,
    uint64_t ms, uint64_t now)
{
	struct ratelimit	*rl = &t->policies[policy_of(t, f)].rl;

	if (now + ms > rl->blocked_until_ms)
		ratelimit_block(rl, now, ms);
	return ratelimit_wait_ms(rl, now);
}

/* The bucket named name, made if there is room; else the default. */
static unsigned
policy_named(struct budget_table *t, const char *name)
{
	size_t	i;

	if (*name == '\0')
		name = "default";
	for (i = 0; i < BUDGET_POLICIES; i++)
		if (strcmp(t->policies[i].name, name) == 0)
			return (unsigned)i;
	for (i = 0; i < BUDGET_POLICIES; i++) {
		if (t->policies[i].name[0] == '\0') {
			snprintf(t->policies[i].name, BUDGET_POLICY_NAME, "%s",
			    name);
			t->policies[i].per_minute = t->policies[0].per_minute;
			t->policies[i].rl = t->policies[0].rl;
			return (unsigned)i;
		}
	}
	return 0;
}

/* Resize bucket p to per_minute, keeping what it had spent and its block. */
static void
policy_resize(struct budget_policy *bp, unsigned per_minute, uint64_t now)
{
	struct ratelimit	old = bp->rl;

	if (per_minute == bp->per_minute)
		return;
	bp->per_minute = per_minute;
	ratelimit_init(&bp->rl, per_minute, now);
	ratelimit_wait_ms(&old, now);	/* refills old up to now */
	if (old.tokens < bp->rl.tokens)
		bp->rl.tokens = old.tokens;
	bp->rl.blocked_until_ms = old.blocked_until_ms;
}

void
budget_table_hint(struct budget_table *t, enum budget_feature f,
    const struct budget_hint *h, uint64_t now)
{
	struct budget_policy	*bp;
	unsigned		 p = policy_of(t, f);
	long			 per_minute;

	if (h->quota > 0 && h->window_s > 0) {
		p = policy_named(t, h->policy);
		t->feature_policy[f] = (uint8_t)p;
		per_minute = h->quota * 60 / h->window_s;
		policy_resize(&t->policies[p], per_minute < 1 ? 1 :
		    per_minute > 100000 ? 100000 : (unsigned)per_minute, now);
	}
	bp = &t->policies[p];
	if (h->remaining < 0)
		return;
	ratelimit_wait_ms(&bp->rl, now);	/* refill first */
	if ((unsigned long)h->remaining < bp->rl.tokens)
		bp->rl.tokens = (unsigned)h->remaining;
	if (h->remaining == 0 && h->reset_s > 0 &&
	    now + (uint64_t)h->reset_s * 1000 > bp->rl.blocked_until_ms)
		ratelimit_block(&bp->rl, now, (uint64_t)h->reset_s * 1000);
}

uint64_t
budget_table_slot_take(struct budget_table *t, int32_t pid,
    uint32_t name_hash, budget_alive_fn alive, uint64_t now,
    unsigned *in_use)
{
	struct budget_slot	*free_slot = NULL;
	size_t			 i;

	purge(t, alive, now);
	*in_use = 0;
	for (i = 0; i < BUDGET_SLOTS; i++) {
		if (t->slots[i].pid == pid &&
		    t->slots[i].name_hash == name_hash) {
			t->slots[i].expires_ms = now + BUDGET_SLOT_TTL_MS;
			return 0;
		}
		if (t->slots[i].pid != 0)
			(*in_use)++;
		else if (free_slot == NULL)
			free_slot = &t->slots[i];
	}
	if ((t->slot_max != 0 && *in_use >= t->slot_max) || free_slot == NULL)
		return BUDGET_SLOT_POLL_MS;
	free_slot->pid = pid;
	free_slot->name_hash = name_hash;
	free_slot->expires_ms = now + BUDGET_SLOT_TTL_MS;
	(*in_use)++;
	return 0;
}

void
budget_table_slot_free(struct budget_table *t, int32_t pid,
    uint32_t name_hash)
{
	size_t	i;

	for (i = 0; i < BUDGET_SLOTS; i++)
		if (t->slots[i].pid == pid &&
		    t->slots[i].name_hash == name_hash)
			memset(&t->slots[i], 0, sizeof t->slots[i]);
}

void
budget_table_renew(struct budget_table *t, int32_t pid, uint64_t now)
{
	size_t	i;

	for (i = 0; i < BUDGET_SLOTS; i++)
		if (t->slots[i].pid == pid)
			t->slots[i].expires_ms = now + BUDGET_SLOT_TTL_MS;
}

void
budget_table_leave(struct budget_table *t, int32_t pid)
{
	size_t	i;

	for (i = 0; i < BUDGET_SLOTS; i++)
		if (t->slots[i].pid == pid)
			memset(&t->slots[i], 0, sizeof t->slots[i]);
	for (i = 0; i < BUDGET_WANTS; i++)
		if (t->wants[i].pid == pid)
			memset(&t->wants[i], 0, sizeof t->wants[i]);
}

uint64_t
budget_table_interval_ms(const struct budget_table *t, enum budget_feature f)
{
	return t->policies[policy_of(t, f)].rl.interval_ms;
}
