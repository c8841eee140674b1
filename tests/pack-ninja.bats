#!/usr/bin/env bats
# pack-ninja.bats: rules/ninja.rules on real ninja logs, beyond what
# packs.bats checks: each ninja run is its own activity, and "FAILED:"
# shows the failed target as the activity's message.

load helpers/common

ninja_dry() {
	as_tail -n -q --trace "$BATS_TEST_TMPDIR/trace" -r "$RULES/ninja.rules" \
	    "$FIXTURES/ninja/$1"
}

# summary: the trace as one line per start, end and push:
# "start TITLE", "end TITLE COLOR PROGRESS", "push MESSAGE".
summary() {
	python3 -c '
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    b = r["body"]
    cs = b.get("content_state", {})
    if "current_step" in cs:
        prog = "%d/%d" % (cs["current_step"], cs["number_of_steps"])
    elif "percentage" in cs:
        prog = "%g%%" % cs["percentage"]
    elif "upper_limit" in cs:
        prog = "%g/%g" % (cs["value"], cs["upper_limit"])
    else:
        prog = "-"
    if r["path"].endswith("/start"):
        print("start", cs["title"])
    elif r["path"].endswith("/end"):
        print("end", cs["title"], cs.get("color"), prog)
    elif r["path"] == "/push-notification":
        print("push", b.get("message"))' "$BATS_TEST_TMPDIR/trace"
}

@test "ninja: two runs in one log are two activities, red then green" {
	ninja_dry ninja-two-runs.log
	[ "$(summary)" = "start ninja on $(hostname)
push /home/dev/sample/src/report.c:6: expected ‘;’ before ‘}’ token
end ninja on $(hostname) red 7/14
start ninja on $(hostname)
end ninja on $(hostname) green 8/8" ]
	valid_trace
}

@test "ninja: FAILED: names the target in the activity, and is not pushed" {
	ninja_dry ninja-failure.log
	grep -q '"message":"FAILED: CMakeFiles/sample.dir/src/report.c.o"' "$BATS_TEST_TMPDIR/trace"
	[ "$(requests | grep -c push)" -eq 1 ]
	[ "$(summary | grep push)" = "push /home/dev/sample/src/report.c:6: expected ';' after expression" ]
}

@test "ninja: a failing command that prints no diagnostic pushes ninja's own line" {
	ninja_dry ninja-script-failure.log
	[ "$(summary)" = "start ninja on $(hostname)
push ninja: build stopped: subcommand failed.
end ninja on $(hostname) red 1/2" ]
	grep -q '"message":"FAILED: version.h"' "$BATS_TEST_TMPDIR/trace"
}
