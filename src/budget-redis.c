/*
 * budget-redis.c: the fleet budget's client side: the URL, the connection
 * (hiredis, blocking, with a 500 ms timeout on connecting and on every
 * reply), and the Lua script that keeps the bucket, wants and slots of
 * budget-redis.h.  The script is the standard Redis token bucket (a hash
 * per bucket, refilled from Redis's TIME on each call) with budget-table.c's
 * rules for priorities and slots; each call is one EVAL, so no two
 * processes ever see the budget half-changed.
 */
#include <hiredis/hiredis.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "budget-redis.h"
#include "xmalloc.h"

#define REDIS_TIMEOUT_MS	500
#define REDIS_PORT		6379

/*
 * KEYS[1]: the base key.  ARGV: op, scale, me, rate (a minute), then the
 * op's own.  Returns the wait in ms on the budget's clock, or for "slot"
 * { wait, slots in use }.
 */
static const char script[] =
"local base, op, scale, me = KEYS[1], ARGV[1], tonumber(ARGV[2]), ARGV[3]\n"
"local rate = tonumber(ARGV[4])\n"
"local t = redis.call('TIME')\n"
"local now = (tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000))"
"    * scale\n"
"local WANT_TTL, SLOT_TTL, SLOT_POLL, YIELD, SLOT_MAX = "
"    5000, 90000, 250, 50, 4\n"
"local DAY = 86400000\n"
"local wants, slots = base .. ':wants', base .. ':slots'\n"
"local features = base .. ':features'\n"
"\n"
"local function fresh(pm)\n"
"  local burst = math.min(math.max(math.floor(pm / 12), 1), 5)\n"
"  local refill, interval = pm - burst, 60001\n"
"  if refill > 0 then interval = math.floor((60000 + refill - 1) / refill) end\n"
"  return {pm = pm, burst = burst, interval = interval, tokens = burst,\n"
"          last = now, blocked = 0}\n"
"end\n"
"local function load(name)\n"
"  local v = redis.call('HMGET', base .. ':bucket:' .. name, 'pm', 'burst',\n"
"                       'interval', 'tokens', 'last', 'blocked')\n"
"  if not v[1] then return fresh(rate) end\n"
"  return {pm = tonumber(v[1]), burst = tonumber(v[2]),\n"
"          interval = tonumber(v[3]), tokens = tonumber(v[4]),\n"
"          last = tonumber(v[5]), blocked = tonumber(v[6])}\n"
"end\n"
"local function save(name, b)\n"
"  local key = base .. ':bucket:' .. name\n"
"  redis.call('HSET', key, 'pm', b.pm, 'burst', b.burst, 'interval',\n"
"             b.interval, 'tokens', b.tokens, 'last', b.last, 'blocked',\n"
"             b.blocked)\n"
"  redis.call('PEXPIRE', key, DAY)\n"
"end\n"
"local function refill(b)\n"
"  if now <= b.last then return end\n"
"  local n = math.floor((now - b.last) / b.interval)\n"
"  if n == 0 then return end\n"
"  if b.tokens + n >= b.burst then b.tokens, b.last = b.burst, now\n"
"  else b.tokens, b.last = b.tokens + n, b.last + n * b.interval end\n"
"end\n"
"local function wait_ms(b)\n"
"  if now < b.blocked then return b.blocked - now end\n"
"  refill(b)\n"
"  if b.tokens > 0 then return 0 end\n"
"  return b.last + b.interval - now\n"
"end\n"
"local function block(b, ms)\n"
"  b.blocked, b.tokens = now + ms, 0\n"
"  b.last = math.max(now + ms - b.interval, 0)\n"
"end\n"
"local function policy(feature)\n"
"  return redis.call('HGET', features, feature) or 'default'\n"
"end\n"
"local function purge(key)\n"
"  local all = redis.call('HGETALL', key)\n"
"  for i = 1, #all, 2 do\n"
"    if tonumber(string.match(all[i + 1], '(%d+)$')) <= now then\n"
"      redis.call('HDEL', key, all[i])\n"
"    end\n"
"  end\n"
"end\n"
"local function touch()\n"
"  redis.call('PEXPIRE', wants, DAY)\n"
"  redis.call('PEXPIRE', slots, DAY)\n"
"  redis.call('PEXPIRE', features, DAY)\n"
"end\n"
"touch()\n"
"\n"
"if op == 'take' then\n"
"  local name, prio = policy(ARGV[5]), tonumber(ARGV[6])\n"
"  if prio == 1 then prio = 0 end\n"
"  local b = load(name)\n"
"  purge(wants)\n"
"  local w, ahead = wait_ms(b), 0\n"
"  local mine = redis.call('HGET', wants, me)\n"
"  local held = -1\n"
"  local since = math.max(now - tonumber(ARGV[7]) * scale, 0)\n"
"  if mine then\n"
"    local p, n, s = string.match(mine, '^(%d+) (%S+) (%d+) ')\n"
"    held = tonumber(p) or -1\n"
"    if held == prio and n == name then\n"
"      since = math.min(since, tonumber(s))\n"
"    end\n"
"  end\n"
"  local all = redis.call('HGETALL', wants)\n"
"  for i = 1, #all, 2 do\n"
"    local p, n, s = string.match(all[i + 1], '^(%d+) (%S+) (%d+) ')\n"
"    p, s = tonumber(p), tonumber(s)\n"
"    if all[i] ~= me and n == name and p and s and (p > prio or\n"
"        (p == prio and (s < since or (s == since and all[i] < me)))) then\n"
"      ahead = ahead + 1\n"
"    end\n"
"  end\n"
"  if w == 0 and b.tokens > ahead then\n"
"    refill(b)\n"
"    if b.tokens == b.burst then b.last = now end\n"
"    b.tokens = b.tokens - 1\n"
"    if held <= prio then redis.call('HDEL', wants, me) end\n"
"    save(name, b)\n"
"    return 0\n"
"  end\n"
"  if w == 0 then w = YIELD elseif prio == 0 then w = w + YIELD end\n"
"  if held <= prio then\n"
"    redis.call('HSET', wants, me, prio .. ' ' .. name .. ' ' ..\n"
"               string.format('%d %d', since, now + w + WANT_TTL))\n"
"  end\n"
"  save(name, b)\n"
"  return w\n"
"elseif op == 'block' then\n"
"  local name, ms = policy(ARGV[5]), tonumber(ARGV[6])\n"
"  local b = load(name)\n"
"  if now + ms > b.blocked then block(b, ms) end\n"
"  local w = wait_ms(b)\n"
"  save(name, b)\n"
"  return w\n"
"elseif op == 'hint' then\n"
"  local feature, pname = ARGV[5], ARGV[6]\n"
"  local quota, window = tonumber(ARGV[7]), tonumber(ARGV[8])\n"
"  local remaining, reset = tonumber(ARGV[9]), tonumber(ARGV[10])\n"
"  local name = policy(feature)\n"
"  local b\n"
"  if quota > 0 and window > 0 then\n"
"    if pname == '' then name = 'default' else name = pname end\n"
"    redis.call('HSET', features, feature, name)\n"
"    local pm = math.min(math.max(math.floor(quota * 60 / window), 1),\n"
"                        100000)\n"
"    b = load(name)\n"
"    if pm ~= b.pm then\n"
"      local nb = fresh(pm)\n"
"      wait_ms(b)\n"
"      nb.tokens, nb.blocked = math.min(b.tokens, nb.tokens), b.blocked\n"
"      b = nb\n"
"    end\n"
"  else\n"
"    b = load(name)\n"
"  end\n"
"  if remaining >= 0 then\n"
"    wait_ms(b)\n"
"    if remaining < b.tokens then b.tokens = remaining end\n"
"    if remaining == 0 and reset > 0 and now + reset * 1000 > b.blocked then\n"
"      block(b, reset * 1000)\n"
"    end\n"
"  end\n"
"  save(name, b)\n"
"  return 0\n"
"elseif op == 'slot' then\n"
"  local field = me .. '|' .. ARGV[5]\n"
"  purge(slots)\n"
"  local n = redis.call('HLEN', slots)\n"
"  if redis.call('HEXISTS', slots, field) == 1 then\n"
"    redis.call('HSET', slots, field, string.format('%d', now + SLOT_TTL))\n"
"    return {0, n}\n"
"  end\n"
"  if n >= SLOT_MAX then return {SLOT_POLL, n} end\n"
"  redis.call('HSET', slots, field, string.format('%d', now + SLOT_TTL))\n"
"  return {0, n + 1}\n"
"elseif op == 'free' then\n"
"  redis.call('HDEL', slots, me .. '|' .. ARGV[5])\n"
"  return 0\n"
"elseif op == 'renew' or op == 'leave' then\n"
"  local all = redis.call('HKEYS', slots)\n"
"  for i = 1, #all do\n"
"    if string.sub(all[i], 1, #me + 1) == me .. '|' then\n"
"      if op == 'renew' then\n"
"        redis.call('HSET', slots, all[i],\n"
"                   string.format('%d', now + SLOT_TTL))\n"
"      else\n"
"        redis.call('HDEL', slots, all[i])\n"
"      end\n"
"    end\n"
"  end\n"
"  if op == 'leave' then redis.call('HDEL', wants, me) end\n"
"  return 0\n"
"end\n"
"return redis.error_reply('as-tail budget: unknown op ' .. op)\n";

struct budget_redis {
	redisContext	*c;
	char		*base;		/* PREFIX:HASH */
	char		*me;		/* HOST:PID */
	char		 scale[16];
	char		 rate[16];
};

/* The parts of a redis:// URL; strings are new, free with free(). */
struct redis_url {
	char	*host;
	int	 port;
	int	 db;
	char	*prefix;
};

static void
redis_url_free(struct redis_url *u)
{
	free(u->host);
	free(u->prefix);
}

/* A number from min to max at *p, up to a character in stops. */
static int
url_number(const char **p, const char *stops, int min, int max)
{
	char	*end;
	long	 v;

	v = strtol(*p, &end, 10);
	if (end == *p || (*end != '\0' && strchr(stops, *end) == NULL) ||
	    v < min || v > max)
		return -1;
	*p = end;
	return (int)v;
}

static int
redis_url_parse(const char *url, struct redis_url *u, char **cause)
{
	const char	*p, *host;
	size_t		 n;

	memset(u, 0, sizeof *u);
	u->port = REDIS_PORT;
	if (strncmp(url, "redis://", 8) != 0)
		goto bad;
	host = p = url + 8;
	n = strcspn(p, ":/?");
	if (n == 0)
		goto bad;
	p += n;
	if (*p == ':') {
		p++;
		if ((u->port = url_number(&p, "/?", 1, 65535)) == -1)
			goto bad;
	}
	if (*p == '/' && p[1] != '\0' && p[1] != '?') {
		p++;
		if ((u->db = url_number(&p, "?", 0, 100000)) == -1)
			goto bad;
	} else if (*p == '/')
		p++;
	if (strncmp(p, "?key=", 5) == 0 && p[5] != '\0' &&
	    strchr(p + 5, '&') == NULL)
		u->prefix = xstrdup(p + 5);
	else if (*p != '\0')
		goto bad;
	else
		u->prefix = xstrdup("as-tail");
	u->host = xstrndup(host, n);
	return 0;
bad:
	free(u->prefix);
	u->prefix = NULL;
	*cause = xasprintf("--budget: '%s' is not redis://HOST[:PORT][/DB]"
	    "[?key=PREFIX]", url);
	return -1;
}

int
budget_redis_check_url(const char *url, char **cause)
{
	struct redis_url	u;

	if (redis_url_parse(url, &u, cause) == -1)
		return -1;
	redis_url_free(&u);
	return 0;
}

/* Take the reply r: 0 if it is an integer or array as asked, else -1. */
static int
redis_result(struct budget_redis *br, redisReply *r, long long out[2],
    char **cause)
{
	int	rc = -1;

	if (r == NULL)
		*cause = xasprintf("redis: %s", br->c->errstr[0] != '\0' ?
		    br->c->errstr : "no reply");
	else if (r->type == REDIS_REPLY_ERROR)
		*cause = xasprintf("redis: %s", r->str);
	else if (r->type == REDIS_REPLY_INTEGER) {
		out[0] = r->integer;
		rc = 0;
	} else if (r->type == REDIS_REPLY_ARRAY && r->elements == 2 &&
	    r->element[0]->type == REDIS_REPLY_INTEGER &&
	    r->element[1]->type == REDIS_REPLY_INTEGER) {
		out[0] = r->element[0]->integer;
		out[1] = r->element[1]->integer;
		rc = 0;
	} else
		*cause = xasprintf("redis: unexpected reply to the budget "
		    "script");
	if (r != NULL)
		freeReplyObject(r);
	return rc;
}

/* Run the script for op with up to 6 more arguments (NULL-terminated). */
static int
redis_run(struct budget_redis *br, long long out[2], char **cause,
    const char *op, ...)
{
	const char	*argv[16];
	va_list		 ap;
	int		 argc = 0;

	argv[argc++] = "EVAL";
	argv[argc++] = script;
	argv[argc++] = "1";
	argv[argc++] = br->base;
	argv[argc++] = op;
	argv[argc++] = br->scale;
	argv[argc++] = br->me;
	argv[argc++] = br->rate;
	va_start(ap, op);
	while (argc < 16 && (argv[argc] = va_arg(ap, const char *)) != NULL)
		argc++;
	va_end(ap);
	out[0] = out[1] = 0;
	return redis_result(br, redisCommandArgv(br->c, argc, argv, NULL),
	    out, cause);
}

struct budget_redis *
budget_redis_open(const char *url, const char *key_hash, unsigned rate,
    unsigned scale, char **cause)
{
	struct budget_redis	*br;
	struct redis_url	 u;
	struct timeval		 tv = { 0, REDIS_TIMEOUT_MS * 1000 };
	redisReply		*r;
	char			 host[256], db[16];
	long long		 out[2];

	if (redis_url_parse(url, &u, cause) == -1)
		return NULL;
	br = xcalloc(1, sizeof *br);
	br->base = xasprintf("%s:%.32s", u.prefix, key_hash);
	if (gethostname(host, sizeof host) == -1)
		snprintf(host, sizeof host, "unknown");
	host[sizeof host - 1] = '\0';
	br->me = xasprintf("%s:%ld", host, (long)getpid());
	snprintf(br->scale, sizeof br->scale, "%u", scale);
	snprintf(br->rate, sizeof br->rate, "%u", rate);
	br->c = redisConnectWithTimeout(u.host, u.port, tv);
	if (br->c == NULL || br->c->err != 0) {
		*cause = xasprintf("redis %s:%d: %s", u.host, u.port,
		    br->c == NULL ? "cannot connect" : br->c->errstr);
		goto fail;
	}
	redisSetTimeout(br->c, tv);
	if (u.db != 0) {
		snprintf(db, sizeof db, "%d", u.db);
		r = redisCommand(br->c, "SELECT %s", db);
		if (r == NULL || r->type == REDIS_REPLY_ERROR) {
			*cause = xasprintf("redis %s:%d: SELECT %d: %s", u.host,
			    u.port, u.db, r == NULL ? br->c->errstr : r->str);
			if (r != NULL)
				freeReplyObject(r);
			goto fail;
		}
		freeReplyObject(r);
	}
	if (redis_run(br, out, cause, "renew", NULL) == -1)
		goto fail;
	redis_url_free(&u);
	return br;
fail:
	redis_url_free(&u);
	budget_redis_close(br);
	return NULL;
}

void
budget_redis_close(struct budget_redis *br)
{
	if (br == NULL)
		return;
	if (br->c != NULL)
		redisFree(br->c);
	free(br->base);
	free(br->me);
	free(br);
}

static const char *
feature_name(enum budget_feature f)
{
	return f == BUDGET_FEATURE_PUSH ? "push" :
	    f == BUDGET_FEATURE_ACTIVITY ? "activity" : "other";
}

int
budget_redis_take(struct budget_redis *br, enum budget_feature f,
    enum budget_priority p, uint64_t waited_ms, uint64_t *wait, char **cause)
{
	long long	out[2];
	char		prio[16], waited[32];

	snprintf(prio, sizeof prio, "%d", (int)p);
	snprintf(waited, sizeof waited, "%llu", (unsigned long long)waited_ms);
	if (redis_run(br, out, cause, "take", feature_name(f), prio, waited,
	    NULL) == -1)
		return -1;
	*wait = out[0] > 0 ? (uint64_t)out[0] : 0;
	return 0;
}

int
budget_redis_block(struct budget_redis *br, enum budget_feature f,
    uint64_t ms, uint64_t *wait, char **cause)
{
	long long	out[2];
	char		arg[32];

	snprintf(arg, sizeof arg, "%llu", (unsigned long long)ms);
	if (redis_run(br, out, cause, "block", feature_name(f), arg,
	    NULL) == -1)
		return -1;
	*wait = out[0] > 0 ? (uint64_t)out[0] : 0;
	return 0;
}

int
budget_redis_hint(struct budget_redis *br, enum budget_feature f,
    const struct budget_hint *h, char **cause)
{
	long long	out[2];
	char		n[4][32];

	snprintf(n[0], sizeof n[0], "%ld", h->quota);
	snprintf(n[1], sizeof n[1], "%ld", h->window_s);
	snprintf(n[2], sizeof n[2], "%ld", h->remaining);
	snprintf(n[3], sizeof n[3], "%ld", h->reset_s);
	return redis_run(br, out, cause, "hint", feature_name(f), h->policy,
	    n[0], n[1], n[2], n[3], NULL);
}

int
budget_redis_slot_take(struct budget_redis *br, uint32_t name_hash,
    uint64_t *wait, unsigned *in_use, char **cause)
{
	long long	out[2];
	char		arg[16];

	snprintf(arg, sizeof arg, "%lu", (unsigned long)name_hash);
	if (redis_run(br, out, cause, "slot", arg, NULL) == -1)
		return -1;
	*wait = out[0] > 0 ? (uint64_t)out[0] : 0;
	*in_use = out[1] > 0 ? (unsigned)out[1] : 0;
	return 0;
}

int
budget_redis_slot_free(struct budget_redis *br, uint32_t name_hash,
    char **cause)
{
	long long	out[2];
	char		arg[16];

	snprintf(arg, sizeof arg, "%lu", (unsigned long)name_hash);
	return redis_run(br, out, cause, "free", arg, NULL);
}

int
budget_redis_renew(struct budget_redis *br, char **cause)
{
	long long	out[2];

	return redis_run(br, out, cause, "renew", NULL);
}

int
budget_redis_leave(struct budget_redis *br, char **cause)
{
	long long	out[2];

	return redis_run(br, out, cause, "leave", NULL);
}
