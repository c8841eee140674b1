/*
 * budget-table.h: the state that every as-tail sharing an account's budget
 * keeps in common, and the rules for changing it.  The host budget keeps one
 * struct budget_table in a file (budget-host.c); the local budget keeps one
 * in memory.  The table is plain data of a fixed layout, with no pointers,
 * so that it can be read and written whole under a lock.
 *
 * It holds:
 *
 *  - request buckets (ratelimit.h), one per rate-limit policy: "default",
 *    60 a minute, until the server names others (RateLimit-Policy), and
 *    which bucket each feature (pushes, Live Activities, the rest) spends;
 *  - wants: a process that found the bucket empty says so, with its most
 *    urgent request's priority and since when it waits (since it was
 *    queued, or since the process asked, the earlier); a token goes to the
 *    most urgent want, and among equals to the one waiting longest.  So
 *    ends and starts keep their priority across processes, and processes
 *    with updates take turns (round robin: one that got a token waits
 *    behind the others for the next).  Pushes and state updates are equals
 *    here: a bar whose state has waited since before a push was made goes
 *    first, and neither starves the other;
 *  - slots: one per open Live Activity (pid and a hash of its name), at most
 *    slot_max at once; a fifth start waits until one frees.
 *
 * Wants and slots carry the pid of their process and an expiry; a process
 * that died (alive() says so) or stopped renewing loses them.  Every
 * function takes "now" in milliseconds on one clock shared by the processes
 * (budget.c passes the monotonic clock, times the test time scale).
 */
#ifndef AS_TAIL_BUDGET_TABLE_H
#define AS_TAIL_BUDGET_TABLE_H

#include <stdint.h>

#include "ratelimit.h"

#define BUDGET_TABLE_MAGIC	0x61746232u	/* "atb2": the layout */
#define BUDGET_POLICIES		4
#define BUDGET_POLICY_NAME	24
#define BUDGET_WANTS		64
#define BUDGET_SLOTS		32
/* A want lapses unless asked again within this after the wait it was
 * told (a sender asks again when that wait is over). */
#define BUDGET_WANT_TTL_MS	5000
/* A slot lapses unless its process renews it within this. */
#define BUDGET_SLOT_TTL_MS	90000
/* How long a start waits before asking for a slot again. */
#define BUDGET_SLOT_POLL_MS	250
/* How long a request that leaves tokens to more urgent ones waits; and
 * how long after the token a push or a state update is told to come back. */
#define BUDGET_YIELD_MS		50

enum budget_feature {
	BUDGET_FEATURE_PUSH,
	BUDGET_FEATURE_ACTIVITY,
	BUDGET_FEATURE_OTHER,
	BUDGET_FEATURES
};

/* From least to most urgent, as the outbox orders them. */
enum budget_priority {
	BUDGET_UPDATE,
	BUDGET_PUSH,
	BUDGET_START,
	BUDGET_END
};

struct budget_policy {
	char		 name[BUDGET_POLICY_NAME];	/* "" when unused */
	uint32_t	 per_minute;
	uint32_t	 pad;
	struct ratelimit rl;
};

struct budget_want {
	int32_t		 pid;		/* 0: free */
	int16_t		 priority;	/* enum budget_priority */
	int16_t		 policy;	/* the bucket it waits for */
	uint64_t	 since_ms;	/* waiting since, at this priority */
	uint64_t	 expires_ms;
};

struct budget_slot {
	int32_t		 pid;		/* 0: free */
	uint32_t	 name_hash;
	uint64_t	 expires_ms;
};

struct budget_table {
	uint32_t		 magic;
	uint32_t		 slot_max;	/* 0: no limit */
	uint8_t			 feature_policy[BUDGET_FEATURES];
	uint8_t			 pad[5];
	struct budget_policy	 policies[BUDGET_POLICIES];
	struct budget_want	 wants[BUDGET_WANTS];
	struct budget_slot	 slots[BUDGET_SLOTS];
};

/* What the server said about its limits (budget-hint.c); -1: not said. */
struct budget_hint {
	char	 policy[BUDGET_POLICY_NAME];	/* "" if unnamed */
	long	 quota;
	long	 window_s;
	long	 remaining;
	long	 reset_s;
};

/* Is process pid alive?  (kill(pid, 0), or a fake in tests.) */
typedef int (*budget_alive_fn)(int32_t);

/* Make an empty table: one "default" bucket of per_minute, slot_max slots. */
void		budget_table_init(struct budget_table *, unsigned, unsigned,
		    uint64_t);
/* Whether a table read from elsewhere has this layout and sane times. */
int		budget_table_valid(const struct budget_table *, uint64_t);
/*
 * Ask for a token for a request of the given feature and priority by pid,
 * queued waited_ms ago.  Returns 0 when one was taken, or how many ms to
 * wait before asking again.
 */
uint64_t	budget_table_take(struct budget_table *, enum budget_feature,
		    enum budget_priority, uint64_t, int32_t, budget_alive_fn,
		    uint64_t);
/* The server said 429: the feature's bucket sends nothing for ms.
 * Returns how long that is from now. */
uint64_t	budget_table_block(struct budget_table *, enum budget_feature,
		    uint64_t, uint64_t);
/* Adapt the feature's bucket to what the server said. */
void		budget_table_hint(struct budget_table *, enum budget_feature,
		    const struct budget_hint *, uint64_t);
/*
 * Ask for the slot of pid's Live Activity name_hash: 0 when it is held
 * (taken now or before), else how many ms to wait before asking again.
 * *in_use gets the number of slots held.
 */
uint64_t	budget_table_slot_take(struct budget_table *, int32_t,
		    uint32_t, budget_alive_fn, uint64_t, unsigned *);
void		budget_table_slot_free(struct budget_table *, int32_t,
		    uint32_t);
/* Renew pid's slots. */
void		budget_table_renew(struct budget_table *, int32_t, uint64_t);
/* Drop everything pid holds (it is exiting). */
void		budget_table_leave(struct budget_table *, int32_t);
/* The interval of the feature's bucket, in ms. */
uint64_t	budget_table_interval_ms(const struct budget_table *,
		    enum budget_feature);

#endif /* AS_TAIL_BUDGET_TABLE_H */
