/*
 * budget.c: which budget is in use, and the fallbacks between them.
 *
 * The local and host budgets share their rules (budget-table.c); they
 * differ only in where the table lives: in this struct, or in the host file
 * between a lock and an unlock.  The Redis budget runs the same rules in a
 * script (budget-redis.c).  When Redis fails (down, slow, an error), this
 * process says so once and uses the host budget from then on; when the host
 * file fails (a full disk, a removed directory), it says so once and carries
 * on alone.
 *
 * The test time scale multiplies the clock the table sees and divides the
 * waits it returns, so a minute's budget passes in a tenth of the time at
 * scale 10 with every ratio intact.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "budget-host.h"
#include "budget-redis.h"
#include "budget.h"
#include "clock.h"
#include "msg.h"
#include "sha256.h"
#include "xmalloc.h"

/* The account's concurrent Live Activities. */
#define BUDGET_SLOT_MAX		4

struct budget {
	enum budget_kind	 kind;
	unsigned		 scale;
	unsigned		 rate;
	int32_t			 pid;
	char			 hash[65];	/* of the key */
	struct budget_table	 local;
	struct budget_host	*host;
	struct budget_redis	*redis;
};

int
budget_parse(const char *s, struct budget_config *c, char **cause)
{
	if (strcmp(s, "local") == 0)
		c->kind = BUDGET_LOCAL;
	else if (strcmp(s, "host") == 0)
		c->kind = BUDGET_HOST;
	else if (strncmp(s, "redis://", 8) == 0) {
		if (budget_redis_check_url(s, cause) == -1)
			return -1;
		c->kind = BUDGET_REDIS;
		c->redis_url = s;
	} else {
		*cause = xasprintf("--budget: '%s' is not local, host or a redis:// "
		    "URL", s);
		return -1;
	}
	return 0;
}

/* Always alive: the local table has only this process in it. */
static int
self_alive(int32_t pid)
{
	(void)pid;
	return 1;
}

/* The budget's clock: now, run faster by the test time scale. */
static uint64_t
scaled(const struct budget *b, uint64_t now)
{
	return now * b->scale;
}

/* A wait on the budget's clock, in real milliseconds (rounded up). */
static uint64_t
unscaled(const struct budget *b, uint64_t ms)
{
	return (ms + b->scale - 1) / b->scale;
}

static void
budget_go_local(struct budget *b, char *cause)
{
	msg_warnx("host budget: %s; sharing nothing with other as-tail "
	    "processes", cause);
	free(cause);
	budget_host_close(b->host);
	b->host = NULL;
	b->kind = BUDGET_LOCAL;
}

/* Use the host budget from now on (or the local one if that fails). */
static void
budget_go_host(struct budget *b)
{
	char	*cause;

	b->kind = BUDGET_HOST;
	b->host = budget_host_open(b->hash, b->rate, BUDGET_SLOT_MAX,
	    scaled(b, clock_now_ms()), &cause);
	if (b->host == NULL)
		budget_go_local(b, cause);
	else
		msg_verbose(2, "budget: %s", budget_host_path(b->host));
}

/* Redis failed: say so, and use the host budget from now on. */
static void
budget_redis_failed(struct budget *b, char *cause)
{
	msg_warnx("redis budget: %s; using the host budget", cause);
	free(cause);
	if (b->redis != NULL)
		budget_redis_close(b->redis);
	b->redis = NULL;
	budget_go_host(b);
}

struct budget *
budget_new(const struct budget_config *c)
{
	struct budget	*b;
	char		*cause, *salted;

	b = xcalloc(1, sizeof *b);
	b->kind = c->kind;
	b->scale = c->time_scale < 1 ? 1 : c->time_scale;
	b->rate = c->rate;
	b->pid = (int32_t)getpid();
	salted = xasprintf("as-tail budget %s", c->key);
	sha256_hex(salted, strlen(salted), b->hash);
	free(salted);
	budget_table_init(&b->local, c->rate, 0, scaled(b, clock_now_ms()));
	if (b->kind == BUDGET_HOST)
		budget_go_host(b);
	else if (b->kind == BUDGET_REDIS) {
		b->redis = budget_redis_open(c->redis_url, b->hash, c->rate,
		    b->scale, &cause);
		if (b->redis == NULL)
			budget_redis_failed(b, cause);
	}
	return b;
}

/* The table to work on: locked if it is the host's; NULL if that failed. */
static struct budget_table *
budget_lock(struct budget *b, uint64_t now)
{
	struct budget_table	*t;
	char			*cause;

	if (b->kind != BUDGET_HOST)
		return &b->local;
	if ((t = budget_host_lock(b->host, now, &cause)) == NULL) {
		budget_go_local(b, cause);
		return &b->local;
	}
	return t;
}

static void
budget_unlock(struct budget *b)
{
	char	*cause;

	if (b->kind == BUDGET_HOST &&
	    budget_host_unlock(b->host, &cause) == -1)
		budget_go_local(b, cause);
}

static budget_alive_fn
budget_alive(const struct budget *b)
{
	return b->kind == BUDGET_HOST ? budget_host_alive : self_alive;
}

void
budget_free(struct budget *b)
{
	struct budget_table	*t;
	uint64_t		 now;
	char			*cause;

	if (b == NULL)
		return;
	if (b->kind == BUDGET_REDIS && budget_redis_leave(b->redis, &cause) ==
	    -1)
		budget_redis_failed(b, cause);
	if (b->kind == BUDGET_HOST) {
		now = scaled(b, clock_now_ms());
		t = budget_lock(b, now);
		budget_table_leave(t, b->pid);
		budget_unlock(b);
	}
	budget_host_close(b->host);
	budget_redis_close(b->redis);
	free(b);
}

uint64_t
budget_take(struct budget *b, enum budget_feature f, enum budget_priority p,
    uint64_t waited_ms, uint64_t now)
{
	struct budget_table	*t;
	uint64_t		 wait;
	char			*cause;

	if (b->kind == BUDGET_REDIS) {
		if (budget_redis_take(b->redis, f, p, waited_ms, &wait,
		    &cause) == 0)
			return unscaled(b, wait);
		budget_redis_failed(b, cause);
	}
	now = scaled(b, now);
	t = budget_lock(b, now);
	wait = budget_table_take(t, f, p, scaled(b, waited_ms), b->pid,
	    budget_alive(b), now);
	budget_unlock(b);
	return unscaled(b, wait);
}

uint64_t
budget_block(struct budget *b, enum budget_feature f, uint64_t ms,
    uint64_t now)
{
	struct budget_table	*t;
	uint64_t		 wait;
	char			*cause;

	if (b->kind == BUDGET_REDIS) {
		if (budget_redis_block(b->redis, f, ms, &wait, &cause) == 0)
			return unscaled(b, wait);
		budget_redis_failed(b, cause);
	}
	now = scaled(b, now);
	t = budget_lock(b, now);
	wait = budget_table_block(t, f, ms, now);
	budget_unlock(b);
	return unscaled(b, wait);
}

void
budget_hint(struct budget *b, enum budget_feature f,
    const struct budget_hint *h, uint64_t now)
{
	struct budget_table	*t;
	char			*cause;

	now = scaled(b, now);
	/* The local table learns it too: budget_interval_ms reads it. */
	if (b->kind != BUDGET_LOCAL)
		budget_table_hint(&b->local, f, h, now);
	if (b->kind == BUDGET_REDIS) {
		if (budget_redis_hint(b->redis, f, h, &cause) == 0)
			return;
		budget_redis_failed(b, cause);
	}
	t = budget_lock(b, now);
	budget_table_hint(t, f, h, now);
	budget_unlock(b);
}

uint64_t
budget_interval_ms(const struct budget *b, enum budget_feature f)
{
	return unscaled(b, budget_table_interval_ms(&b->local, f));
}

/* A Live Activity's name as the table keeps it (FNV-1a). */
static uint32_t
name_hash(const char *name)
{
	uint32_t	h = 2166136261u;

	for (; *name != '\0'; name++)
		h = (h ^ (unsigned char)*name) * 16777619u;
	return h;
}

uint64_t
budget_slot_take(struct budget *b, const char *name, uint64_t now,
    unsigned *in_use)
{
	struct budget_table	*t;
	uint64_t		 wait;
	char			*cause;

	if (b->kind == BUDGET_REDIS) {
		if (budget_redis_slot_take(b->redis, name_hash(name), &wait,
		    in_use, &cause) == 0)
			return unscaled(b, wait);
		budget_redis_failed(b, cause);
	}
	now = scaled(b, now);
	t = budget_lock(b, now);
	wait = budget_table_slot_take(t, b->pid, name_hash(name),
	    budget_alive(b), now, in_use);
	budget_unlock(b);
	return unscaled(b, wait);
}

void
budget_slot_free(struct budget *b, const char *name, uint64_t now)
{
	struct budget_table	*t;
	char			*cause;

	if (b->kind == BUDGET_REDIS) {
		if (budget_redis_slot_free(b->redis, name_hash(name), &cause) ==
		    0)
			return;
		budget_redis_failed(b, cause);
	}
	now = scaled(b, now);
	t = budget_lock(b, now);
	budget_table_slot_free(t, b->pid, name_hash(name));
	budget_unlock(b);
}

uint64_t
budget_renew(struct budget *b, uint64_t now)
{
	struct budget_table	*t;
	char			*cause;

	if (b->kind == BUDGET_REDIS && budget_redis_renew(b->redis, &cause) ==
	    -1)
		budget_redis_failed(b, cause);
	if (b->kind == BUDGET_HOST) {
		now = scaled(b, now);
		t = budget_lock(b, now);
		budget_table_renew(t, b->pid, now);
		budget_unlock(b);
	}
	return unscaled(b, BUDGET_SLOT_TTL_MS / 3);
}

const char *
budget_kind_name(const struct budget *b)
{
	return b->kind == BUDGET_LOCAL ? "local" : b->kind == BUDGET_HOST ?
	    "host" : "redis";
}
