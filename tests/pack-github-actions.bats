#!/usr/bin/env bats
# pack-github-actions.bats: rules/github-actions.rules beyond packs.bats:
# several jobs in one file are several activities, and the
# `gh run view --log` form (job and step columns) reads like a downloaded
# log.

load helpers/common

@test "github-actions: two jobs in one file are two activities, green then red" {
	cat "$FIXTURES/github-actions/deploy-success.log" \
	    "$FIXTURES/github-actions/setup-failure.log" > "$BATS_TEST_TMPDIR/jobs.log"
	as_tail -n -q --api classic --trace "$BATS_TEST_TMPDIR/trace" \
	    -r "$RULES/github-actions.rules" "$BATS_TEST_TMPDIR/jobs.log"
	[ "$(requests | grep -c start)" -eq 2 ]
	e1=$(requests | grep -n /end | head -1 | cut -d: -f1)
	e2=$(requests | grep -n /end | tail -1 | cut -d: -f1)
	[ "$(field "$e1" 'b["content_state"]["color"]')" = green ]
	[ "$(field "$e2" 'b["activity_id"]')" = dry-run-2 ]
	[ "$(field "$e2" 'b["content_state"]["color"]')" = red ]
	valid_trace
}

@test "github-actions: the gh run view --log columns give the same transcript" {
	log=$FIXTURES/github-actions/typecheck-failure.log
	sed 's/^/build\tRun npm run type-check\t/' "$log" > "$BATS_TEST_TMPDIR/gh.log"
	cp "${log%.log}.expect" "$BATS_TEST_TMPDIR/gh.expect"
	python3 "$TOP/tests/check-pack.py" "$AS_TAIL" \
	    "$RULES/github-actions.rules" "$BATS_TEST_TMPDIR/gh.log" \
	    "$BATS_TEST_TMPDIR/gh.expect"
}
