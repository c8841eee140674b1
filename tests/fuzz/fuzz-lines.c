/*
 * fuzz-lines.c: the line splitter through the matcher, the actions and the
 * outbox (queued, never sent): any bytes as input, read the way as-tail
 * reads a file, with a small line limit so that long lines are cut too.  The
 * rules are the shipped generic pack (run from the top of the tree).
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/action.h"
#include "../../src/activity.h"
#include "../../src/lines.h"
#include "../../src/outbox.h"
#include "../../src/vars.h"
#include "fuzz.h"

#define FUZZ_MAX_LINE	256

static struct ruleset	*rs;
static struct matcher	*m;

static void
setup(void)
{
	const char	*rules = getenv("AS_TAIL_FUZZ_RULES");

	rs = ruleset_new();
	if (ruleset_load(rs, rules != NULL ? rules : "rules/generic.rules") +
	    ruleset_finish(rs) > 0)
		abort();
	m = matcher_new(rs, FUZZ_MAX_LINE);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct action_env	 env;
	struct lines_sink	 sink = { action_match, action_source, &env,
				    NULL, NULL };
	struct lines		*l;
	enum lines_status	 st;
	int			 fd;

	if (rs == NULL)
		setup();
	if ((fd = open(fuzz_file("input", data, len), O_RDONLY)) == -1)
		abort();
	memset(&env, 0, sizeof env);
	env.outbox = outbox_new(NULL, 16);
	env.activities = activities_new(rs, env.outbox, API_STREAM);
	env.vars = vars_new();
	env.exit_status = -1;
	env.state = action_state_new(rs);
	env.events = events_new(rs, action_event, &env);
	matcher_on_line_done(m, action_line_done, &env);
	matcher_follow(m, events_open, events_line, env.events);
	l = lines_new(fd, "input", -1, FUZZ_MAX_LINE, 1);
	do
		st = lines_read(l, m, &sink);
	while (st == LINES_OK);
	lines_flush(l, m, &sink);
	events_end_all(env.events);
	activities_end_all(env.activities, OUTCOME_NONE);
	lines_free(l);
	close(fd);
	events_free(env.events);
	activities_free(env.activities);
	vars_free(env.vars);
	action_state_free(env.state, rs);
	free(env.last_fail);
	outbox_free(env.outbox);
	return 0;
}
