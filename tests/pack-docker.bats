#!/usr/bin/env bats
# pack-docker.bats: rules/docker.rules beyond packs.bats: two builds in one
# log are two activities; a multi-stage build's step follows the stage that
# printed last and ends on the last stage's count.

load helpers/common

@test "docker: a legacy build then a BuildKit build are two activities, green then red" {
	cat "$FIXTURES/docker/classic-success.log" \
	    "$FIXTURES/docker/buildkit-failure.log" > "$BATS_TEST_TMPDIR/two.log"
	as_tail -n -q --api classic --trace "$BATS_TEST_TMPDIR/trace" -r "$RULES/docker.rules" \
	    "$BATS_TEST_TMPDIR/two.log"
	[ "$(requests | grep -c start)" -eq 2 ]
	[ "$(requests | grep -c /end)" -eq 2 ]
	e1=$(requests | grep -n /end | head -1 | cut -d: -f1)
	e2=$(requests | grep -n /end | tail -1 | cut -d: -f1)
	[ "$(field "$e1" 'b["content_state"]["color"]')" = green ]
	[ "$(field "$e1" 'b["content_state"]["current_step"]')" = 12 ]
	[ "$(field "$e2" 'b["activity_id"]')" = dry-run-2 ]
	[ "$(field "$e2" 'b["content_state"]["color"]')" = red ]
	[ "$(requests | grep -c push)" -eq 1 ]
	valid_trace
}

@test "docker: BuildKit RUN output and the repeated error summary push nothing more" {
	as_tail -n -q --api classic --trace "$BATS_TEST_TMPDIR/trace" -r "$RULES/docker.rules" \
	    "$FIXTURES/docker/buildkit-failure.log"
	[ "$(requests | grep -c push)" -eq 1 ]
	p=$(requests | grep -n push | cut -d: -f1)
	[[ "$(field "$p" 'b["message"]')" == process* ]]
}
