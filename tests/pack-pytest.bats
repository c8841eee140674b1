#!/usr/bin/env bats
# pack-pytest.bats: rules/pytest.rules on real pytest logs, beyond what
# packs.bats checks: one push per run (the -v live line, not the summary
# too), progress through colored output, and no push for a passing run.

load helpers/common

pytest_dry() {
	as_tail -n -q --trace "$BATS_TEST_TMPDIR/trace" -r "$RULES/pytest.rules" \
	    "$FIXTURES/pytest/$1"
}

@test "pytest: -v pushes the first failing test once, as it happens" {
	pytest_dry fail-verbose.log
	[ "$(requests | grep -c push-notification)" -eq 1 ]
	push=$(requests | grep -n push-notification | cut -d: -f1)
	[ "$(field "$push" 'b["message"]')" = "FAILED tests/test_calc.py::test_divide_by_zero" ]
	# The push comes before the bar reaches 100%: while the run goes on,
	# with the failing line, whose update (to 40%) follows once every rule
	# has seen the line.
	[ "$(field $((push - 1)) 'b["content_state"]["percentage"]')" = 30 ]
	[ "$(field $((push + 1)) 'b["content_state"]["percentage"]')" = 40 ]
	valid_trace
}

@test "pytest: colored output moves the bar and ends red with the summary" {
	pytest_dry fail-color.log
	[ "$(requests | grep -c push-notification)" -eq 1 ]
	[ "$(field 2 'b["content_state"]["percentage"]')" = 50 ]
	[ "$(requests | tail -1)" = "POST /live-activity/end" ]
	last=$(requests | wc -l)
	[ "$(field "$last" 'b["content_state"]["color"]')" = red ]
	[ "$(field "$last" 'b["content_state"]["message"]')" = "2 failed, 6 passed, 1 xfailed, 1 error in 0.09s" ]
	valid_trace
}

@test "pytest: a passing run with warnings, skips and xfails pushes nothing" {
	pytest_dry pass.log
	[ "$(requests | grep -c push-notification)" -eq 0 ]
	last=$(requests | wc -l)
	[ "$(field "$last" 'b["content_state"]["color"]')" = green ]
}
