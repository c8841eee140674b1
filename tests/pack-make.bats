#!/usr/bin/env bats
# pack-make.bats: rules/make.rules on real make logs, beyond what
# packs.bats checks: each compiler command is a counted step with its source
# file as the message, -k's closing line ends the run red, and idle= ends
# a run so that a later make is a run of its own.

load helpers/common
load helpers/packs

make_dry() {
	pack_dry make "$1"
}

@test "make: each compiler command is a step, out of one more on a first run, full once green" {
	make_dry make-success.log
	python3 -c '
import json, sys
steps = [(b["content_state"]["current_step"], b["content_state"]["number_of_steps"],
          b["content_state"].get("message"))
         for b in (json.loads(l)["body"] for l in open(sys.argv[1]))]
want = [(1, 2, "src/main.c"), (2, 3, "src/report.c"), (3, 4, "src/config.c"),
        (4, 5, "util.c"), (5, 6, "strings.c"), (6, 7, "error.c"),
        (6, 6, "error.c")]
assert steps == want, steps' "$BATS_TEST_TMPDIR/trace"
	valid_trace
}

@test "make: -k goes on after errors; its closing line ends the run red" {
	make_dry make-keep-going-failure.log
	[ "$(summary)" = "start make on $(hostname)
push src/report.c:6: expected ‘;’ before ‘}’ token
end make on $(hostname) red 6/7" ]
	# The end comes from the last line, not from the end of the input.
	head -n -1 "$FIXTURES/make/make-keep-going-failure.log" |
	    as_tail -n -q --explain --trace /dev/null -r "$RULES/make.rules" 2>&1 |
	    grep -q 'not remade.* hits 0 '
}

@test "make: a link error is pushed, not the ld line before it" {
	make_dry make-link-failure.log
	[ "$(requests | grep -c push)" -eq 1 ]
	[ "$(summary | grep push)" = "push main.c: undefined reference to \`print_summary'" ]
}

@test "make: a second make after an idle gap is a run of its own (idle=, shortened to 1s)" {
	[ -z "${AS_TAIL_WRAPPER:-}" ] || skip "timing: valgrind is too slow for the interval"
	pack_idle_replay make make-clang-failure.log make-link-failure.log
	[ "$(summary)" = "start make on $(hostname)
push src/report.c:6: expected ';' after expression
end make on $(hostname) red 2/3
start make on $(hostname)
push main.c: undefined reference to \`print_summary'
end make on $(hostname) red 6/7" ]
}
