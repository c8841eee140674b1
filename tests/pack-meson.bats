#!/usr/bin/env bats
# pack-meson.bats: rules/meson.rules on real meson logs, beyond what
# packs.bats checks: compile and test are two runs of the activity, a
# colored (CLICOLOR_FORCE=1) log pushes its error without escapes, and a
# failed setup ends red.

load helpers/common
load helpers/packs

meson_dry() {
	pack_dry meson "$1"
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
