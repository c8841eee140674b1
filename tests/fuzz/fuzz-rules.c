/*
 * fuzz-rules.c: the rules parser on arbitrary text: load, check, free.
 * Whatever the text, it is accepted or rejected with messages; no crash,
 * no leak, no undefined behaviour.
 */
#include "../../src/rules.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct ruleset	*rs = ruleset_new();

	if (ruleset_load(rs, fuzz_file("rules", data, len)) == 0)
		ruleset_finish(rs);
	ruleset_free(rs);
	return 0;
}
