#!/usr/bin/env bats
# pack-terraform.bats: rules/terraform.rules beyond packs.bats: a one-kind
# plan sets the total before anything finishes, a mixed plan counts up, and
# boxed warnings push nothing while the first boxed error does.

load helpers/common

tf_dry() {
	as_tail -n -q --api classic --trace "$BATS_TEST_TMPDIR/trace" -r "$RULES/terraform.rules" \
	    "$FIXTURES/terraform/$1"
}

@test "terraform: 'Plan: 2 to add' shows 0 of 2 before the first resource" {
	tf_dry create-success.log
	[ "$(field 1 'b["content_state"]["current_step"]')" = 0 ]
	[ "$(field 1 'b["content_state"]["number_of_steps"]')" = 2 ]
	[ "$(requests | grep -c update)" -eq 2 ]
}

@test "terraform: a replacement plan counts up, warnings push nothing" {
	tf_dry replace-warnings-success.log
	[ "$(requests | grep -c push)" -eq 0 ]
	[ "$(field 1 'b["content_state"]["message"]')" = "Plan: 1 to add, 0 to change, 1 to destroy." ]
	n=$(requests | wc -l)
	[ "$(field "$n" 'b["content_state"]["color"]')" = green ]
}

@test "terraform: two boxed errors push one notification; the run ends red at the end" {
	tf_dry apply-errors-failure.log
	[ "$(requests | grep -c push)" -eq 1 ]
	[ "$(requests | tail -1)" = "POST /live-activity/end" ]
	n=$(requests | wc -l)
	[ "$(field "$n" 'b["content_state"]["color"]')" = red ]
}
