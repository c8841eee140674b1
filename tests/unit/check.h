/*
 * check.h: the checks and the report of the C drivers in tests/unit.
 *
 * Each check prints "ok NAME" or "not ok NAME: got X, want Y" on the
 * standard output, one line, and a failed one is remembered: the driver's
 * main returns check_status(), 1 if any check failed, so that its .bats
 * file asserts both the status and the lines.  Each driver is one program
 * of one file, so the state is a static of the file that includes this.
 */
#ifndef AS_TAIL_CHECK_H
#define AS_TAIL_CHECK_H

#include <stdio.h>
#include <string.h>

static int	check_failed;

static inline void
check_pass(const char *name)
{
	printf("ok %s\n", name);
}

/* Two numbers that must be equal. */
static inline void
check_num(const char *name, unsigned long long got, unsigned long long want)
{
	if (got == want)
		check_pass(name);
	else {
		printf("not ok %s: got %llu, want %llu\n", name, got, want);
		check_failed = 1;
	}
}

/* The same, for numbers that may be negative. */
static inline void
check_int(const char *name, long long got, long long want)
{
	if (got == want)
		check_pass(name);
	else {
		printf("not ok %s: got %lld, want %lld\n", name, got, want);
		check_failed = 1;
	}
}

/* Two strings that must be equal; got may be NULL, which never is. */
static inline void
check_str(const char *name, const char *got, const char *want)
{
	if (got != NULL && strcmp(got, want) == 0)
		check_pass(name);
	else {
		printf("not ok %s: got '%s', want '%s'\n", name,
		    got == NULL ? "(null)" : got, want);
		check_failed = 1;
	}
}

/* What main returns: 1 if any check failed, else 0. */
static inline int
check_status(void)
{
	return check_failed;
}

#endif /* AS_TAIL_CHECK_H */
