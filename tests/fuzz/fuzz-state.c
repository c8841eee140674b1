/*
 * fuzz-state.c: the --state loader on any file: the files it names are
 * resumed (one followed file exists), the activities it names are
 * restored, then ended, so that restored content goes through the outbox.
 */
#include <stdio.h>
#include <stdlib.h>

#include "../../src/activity.h"
#include "../../src/follow.h"
#include "../../src/outbox.h"
#include "../../src/state.h"
#include "fuzz.h"

static const char	 rules_text[] =
	"activity b title=Build steps=9\n"
	"activity s title=Deploy stream=deploy\n"
	"match /^Step (\\d+)/ step b current=$1\n";
static struct ruleset	*rs;
static char		*log_path;

static void
setup(void)
{
	rs = ruleset_new();
	if (ruleset_load(rs, fuzz_file("setup-rules", rules_text,
	    sizeof rules_text - 1)) + ruleset_finish(rs) > 0)
		abort();
	/* The followed file; the fuzzer tends to name "app.log" (seeds). */
	log_path = "app.log";
	fclose(fopen(log_path, "w"));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct outbox		*ob;
	struct activities	*as;
	struct follow		*f;
	struct state		*st;
	char			*paths[1];

	if (rs == NULL)
		setup();
	paths[0] = log_path;
	ob = outbox_new(NULL, 16);
	as = activities_new(rs, ob, API_STREAM);
	f = follow_new(paths, 1, 0, -1, 4096, 1);
	st = state_new(fuzz_file("state", data, len), f, as);
	state_load(st);
	activities_end_all(as, OUTCOME_NONE);
	state_free(st);
	follow_free(f);
	activities_free(as);
	outbox_free(ob);
	return 0;
}
