#!/usr/bin/env bats
# pack-apt.bats: rules/apt.rules on real apt-get logs, beyond what
# packs.bats checks: one activity per apt-get run, update's downloads start
# nothing, and the terminal form (\r redraws) starts one run only.

load helpers/common

apt_dry() {
	as_tail -n -q --api classic --trace "$BATS_TEST_TMPDIR/trace" -r "$RULES/apt.rules" \
	    "$FIXTURES/apt/$1"
}

@test "apt: two apt-get runs in one log are two activities, green then red" {
	apt_dry two-runs.log
	[ "$(requests)" = "POST /live-activity/start
POST /live-activity/update
POST /live-activity/update
POST /live-activity/update
POST /live-activity/end
POST /live-activity/start
POST /push-notification
POST /live-activity/end" ]
	[ "$(field 5 'b["activity_id"]')" = dry-run-1 ]
	[ "$(field 5 'b["content_state"]["color"]')" = green ]
	[ "$(field 5 'b["content_state"]["current_step"]')" = 4 ]
	[ "$(field 8 'b["activity_id"]')" = dry-run-2 ]
	[ "$(field 8 'b["content_state"]["color"]')" = red ]
	valid_trace
}

@test "apt: apt-get update's index downloads start no activity" {
	apt_dry update-install.log
	[ "$(requests | head -1)" = "POST /live-activity/start" ]
	[ "$(field 1 'b["content_state"]["message"]')" = "Resolving dependencies" ]
	[ "$(requests | grep -c start)" -eq 1 ]
}

@test "apt: under a terminal, the redrawn progress and lock waits start one run" {
	apt_dry install-tty.log
	[ "$(requests | grep -c start)" -eq 1 ]
	[ "$(requests | grep -c push)" -eq 0 ]
	[ "$(requests | tail -1)" = "POST /live-activity/end" ]
	valid_trace
}
