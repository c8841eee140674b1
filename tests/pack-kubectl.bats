#!/usr/bin/env bats
# pack-kubectl.bats: rules/kubectl.rules beyond packs.bats: each deployment
# of `kubectl rollout status deployment` is its own run, timestamps of a
# downloaded Actions log are skipped, client-go error lines push nothing.

load helpers/common

@test "kubectl: every deployment reported is a run of its own, each ending green at 100%" {
	as_tail -n -q --api classic --trace "$BATS_TEST_TMPDIR/trace" -r "$RULES/kubectl.rules" \
	    "$FIXTURES/kubectl/actions-two-deployments-success.log"
	[ "$(requests | grep -c start)" -eq 3 ]
	[ "$(requests | grep -c /end)" -eq 3 ]
	[ "$(requests | grep -c push)" -eq 0 ]
	n=$(requests | wc -l)
	[ "$(field "$n" 'b["content_state"]["subtitle"]')" = "deployment crud-backend" ]
	[ "$(field "$n" 'b["content_state"]["percentage"]')" = 100 ]
	valid_trace
}

@test "kubectl: klog E-lines before the timeout push nothing; the timeout does, once" {
	as_tail -n -q --api classic --trace "$BATS_TEST_TMPDIR/trace" -r "$RULES/kubectl.rules" \
	    "$FIXTURES/kubectl/deployment-timeout-failure.log"
	[ "$(requests)" = "POST /live-activity/start
POST /push-notification
POST /live-activity/end" ]
	[ "$(field 1 'b["content_state"]["value"]')" = 1 ]
	[ "$(field 1 'b["content_state"]["upper_limit"]')" = 2 ]
}
