/*
 * budget-redis.h: the fleet budget, kept in Redis so that as-tail on any
 * number of hosts shares the account's budget.  Each request runs one Lua
 * script (EVAL, atomic in Redis) that does what budget-table.c does for the
 * host file, on Redis's own clock (TIME), so that hosts need not agree on
 * the time.  The keys, for PREFIX (default "as-tail") and HASH (32 hex
 * digits of the key's SHA-256):
 *
 *   PREFIX:HASH:bucket:POLICY  hash: pm, burst, interval, tokens, last,
 *                              blocked (the ratelimit.h bucket, in ms)
 *   PREFIX:HASH:features       hash: feature -> policy (default "default")
 *   PREFIX:HASH:wants          hash: HOST:PID -> "priority policy expires"
 *   PREFIX:HASH:slots          hash: HOST:PID|NAMEHASH -> expires
 *
 * Every key expires a day after its last use.  A process on another host
 * cannot be asked whether it is alive, so wants and slots lapse only by
 * their expiry (renewed while the process runs) or when it leaves.
 *
 * Every call returns -1 with *cause set to a new message when Redis does not
 * answer within 500 ms or answers with an error; the caller falls back.
 */
#ifndef AS_TAIL_BUDGET_REDIS_H
#define AS_TAIL_BUDGET_REDIS_H

#include <stdint.h>

#include "budget-table.h"

struct budget_redis;

/*
 * Check a redis://HOST[:PORT][/DB][?key=PREFIX] URL; 0, or -1 with *cause
 * set to a new message.
 */
int	budget_redis_check_url(const char *, char **);
/*
 * Connect to url for the key hash (borrowed hex), as the process HOST:PID;
 * rate (a minute) makes a bucket that does not exist yet; scale runs the
 * budget's clock faster (tests).  Returns a new handle (free with
 * budget_redis_close) or NULL with *cause set.
 */
struct budget_redis *budget_redis_open(const char *, const char *, unsigned,
	    unsigned, char **);
void	budget_redis_close(struct budget_redis *);
/*
 * As budget_table_take etc.; the waits are on the budget's clock, the time
 * a request has waited in real ms.
 */
int	budget_redis_take(struct budget_redis *, enum budget_feature,
	    enum budget_priority, uint64_t, uint64_t *, char **);
int	budget_redis_block(struct budget_redis *, enum budget_feature,
	    uint64_t, uint64_t *, char **);
int	budget_redis_hint(struct budget_redis *, enum budget_feature,
	    const struct budget_hint *, char **);
int	budget_redis_slot_take(struct budget_redis *, uint32_t, uint64_t *,
	    unsigned *, char **);
int	budget_redis_slot_free(struct budget_redis *, uint32_t, char **);
int	budget_redis_renew(struct budget_redis *, char **);
int	budget_redis_leave(struct budget_redis *, char **);

#endif /* AS_TAIL_BUDGET_REDIS_H */
