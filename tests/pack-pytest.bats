#!/usr/bin/env bats
# pack-pytest.bats: rules/pytest.rules on real pytest logs, beyond what
# packs.bats checks: one push per run, at the summary, with the first
# failure's exception (-rN too); the -v live line shown at once; progress
# through colored output, and no push for a passing run.

load helpers/common

pytest_dry() {
	as_tail -n -q --api classic --trace "$BATS_TEST_TMPDIR/trace" -r "$RULES/pytest.rules" \
	    "$FIXTURES/pytest/$1"
}

@test "pytest: -v shows the first failing test at once; the push quotes its exception and where it was raised" {
	pytest_dry fail-verbose.log
	# The activity names the failing test while the run goes on, at 40%.
	n=$(requests | grep -n live-activity/update | head -40 | while IFS=: read -r i _; do
		[ "$(field "$i" 'b["content_state"].get("message", "")')" = "FAILED tests/test_calc.py::test_divide_by_zero" ] && { echo "$i"; break; }
	done)
	[ -n "$n" ]
	[ "$(field "$n" 'b["content_state"]["percentage"]')" = 40 ]
	# One push, at pytest's summary, with the first "E" line of its section
	# and where it was raised, the section's last "file.py:N: Error" line.
	[ "$(requests | grep -c push-notification)" -eq 1 ]
	push=$(requests | grep -n push-notification | cut -d: -f1)
	[ "$(field "$push" 'b["message"]')" = "tests/test_calc.py::test_divide_by_zero: ZeroDivisionError: division by zero at tests/test_calc.py:7" ]
	valid_trace
}

@test "pytest: a collection error with -rN is pushed with its E line" {
	pytest_dry collect-error-rN.log
	[ "$(requests | grep -c push-notification)" -eq 1 ]
	push=$(requests | grep -n push-notification | cut -d: -f1)
	[ "$(field "$push" 'b["message"]')" = "tests/test_config.py: ModuleNotFoundError: No module named 'tomllib_loader'" ]
	last=$(requests | wc -l)
	[ "$(field "$last" 'b["content_state"]["color"]')" = red ]
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

@test "pytest: an exception raised in the code under test is pushed with the place it was raised, not the test's line" {
	pytest_dry raise-in-code.log
	[ "$(requests | grep -c push-notification)" -eq 1 ]
	push=$(requests | grep -n push-notification | cut -d: -f1)
	[ "$(field "$push" 'b["message"]')" = "tests/test_parse.py::test_two_fields: ValueError: bad input: expected 3 fields, got 2 at parse.py:4" ]
}
