/*
 * budget-lock.c: what the host budget's lock costs a request.  Times
 * budget_take (one flock, one pread, one pwrite and the table's rules) with
 * --budget host against --budget local (the same rules in memory), in a
 * runtime directory of its own, and prints the cost per request and its
 * share of the time between requests at the default rate (60/min) and at
 * the highest --rate (6000/min).  Run by make bench.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "../src/budget.h"
#include "../src/clock.h"

#define CALLS	20000

/* Nanoseconds per budget_take of a budget of the given kind. */
static double
ns_per_take(enum budget_kind kind)
{
	struct budget_config	 c = { 0 };
	struct budget		*b;
	struct timespec		 t0, t1;
	int			 i;

	c.kind = kind;
	c.key = "ask_bench_key";
	c.rate = 6000;
	c.time_scale = 1;
	b = budget_new(&c);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < CALLS; i++)
		budget_take(b, BUDGET_FEATURE_ACTIVITY, BUDGET_UPDATE, 0,
		    clock_now_ms());
	clock_gettime(CLOCK_MONOTONIC, &t1);
	budget_free(b);
	return ((double)(t1.tv_sec - t0.tv_sec) * 1e9 +
	    (double)(t1.tv_nsec - t0.tv_nsec)) / CALLS;
}

int
main(void)
{
	double	local, host, lock;

	local = ns_per_take(BUDGET_LOCAL);
	host = ns_per_take(BUDGET_HOST);
	lock = host - local;
	printf("| budget | per request | lock's share at 60/min | "
	    "at 6000/min |\n|---|---:|---:|---:|\n");
	printf("| local | %.2f us | - | - |\n", local / 1000);
	printf("| host | %.2f us | %.4f%% | %.3f%% |\n", host / 1000,
	    lock / 1e9 * 100, lock / 1e7 * 100);
	return lock / 1e7 < 0.01 ? 0 : 1;
}
