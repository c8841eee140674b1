#!/usr/bin/env bats
# pack-meson.bats: rules/meson.rules on real meson logs, beyond what
# packs.bats checks: compile and test are two runs of the activity, a
# colored (CLICOLOR_FORCE=1) log pushes its error without escapes, and a
# failed setup ends red.

load helpers/common

meson_dry() {
	as_tail -n -q --trace "$BATS_TEST_TMPDIR/trace" -r "$RULES/meson.rules" \
	    "$FIXTURES/meson/$1"
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

@test "meson: compile ends green when the tests start, a failing test makes the test run red" {
	meson_dry meson-test-failure.log
	[ "$(summary)" = "start meson compile on $(hostname)
end meson compile on $(hostname) green 14/14
start meson test on $(hostname)
push words: FAIL
end meson test on $(hostname) red 3/3" ]
	valid_trace
}

@test "meson: a colored compile error is pushed as plain text, once" {
	meson_dry meson-compile-failure.log
	grep -q $'\e\\[' "$FIXTURES/meson/meson-compile-failure.log"
	[ "$(summary)" = "start meson compile on $(hostname)
push ../src/main.c:8: implicit declaration of function ‘print_summary’ [-Werror=implicit-function-declaration]
end meson compile on $(hostname) red 8/14" ]
	grep -q '"message":"FAILED: sample.p/src_main.c.o"' "$BATS_TEST_TMPDIR/trace"
}

@test "meson: a failed setup ends red" {
	meson_dry meson-setup-failure.log
	[ "$(summary | tail -1)" = "end meson on $(hostname) red 0/1" ]
}
