#!/usr/bin/env bats
# pack-ninja.bats: rules/ninja.rules on real ninja logs, beyond what
# packs.bats checks: each ninja run is its own activity, and "FAILED:"
# shows the failed target as the activity's message.

load helpers/common
load helpers/packs

ninja_dry() {
	pack_dry ninja "$1"
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
