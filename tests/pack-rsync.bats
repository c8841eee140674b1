#!/usr/bin/env bats
# pack-rsync.bats: rules/rsync.rules on real rsync logs, beyond what
# packs.bats checks: the "rsync error:" that rsync glues to its last \r
# progress redraw ends the run once, and the percentage only moves forward.

load helpers/common

rsync_dry() {
	as_tail -n -q --api classic --trace "$BATS_TEST_TMPDIR/trace" -r "$RULES/rsync.rules" \
	    "$FIXTURES/rsync/$1"
}

@test "rsync: an error glued to the last redraw ends the run red, once" {
	rsync_dry progress2-permission-denied.log
	[ "$(requests | grep -c /live-activity/start)" -eq 1 ]
	[ "$(requests | grep -c /live-activity/end)" -eq 1 ]
	[ "$(requests | grep -c push-notification)" -eq 1 ]
	last=$(requests | wc -l)
	[ "$(field "$last" 'b["content_state"]["color"]')" = red ]
	[[ "$(field "$last" 'b["content_state"]["message"]')" == *"(code 23)"* ]]
	valid_trace
}

@test "rsync: the \\r redraws move the bar forward, never back" {
	rsync_dry progress2-success.log
	python3 -c '
import json, sys
p = [json.loads(l)["body"]["content_state"]["percentage"]
     for l in open(sys.argv[1])]
assert p == sorted(p), p
assert p[-1] == 100, p' "$BATS_TEST_TMPDIR/trace"
	valid_trace
}
