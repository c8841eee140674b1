#!/usr/bin/env bats
# pack-cargo.bats: rules/cargo.rules on real cargo logs, beyond what
# packs.bats checks: cargo's progress bar, redrawn with carriage returns,
# gives the build a real total; the build and the tests are two activities;
# a colored log pushes its error without escapes; cargo run's panic is
# pushed without failing the build; a failing test is pushed once, with its
# panic.

load helpers/common
load helpers/packs

cargo_dry() {
	pack_dry cargo "$1"
}

@test "cargo: the CR-redrawn progress bar gives the step a real total" {
	cargo_dry cargo-progress-success.log
	grep -q $'\r' "$FIXTURES/cargo/cargo-progress-success.log"
	# Counted at first (1 of 2: a first run counts up), then the bar's
	# units out of 6.
	[ "$(field 1 'b["content_state"]["number_of_steps"]')" = 2 ]
	python3 -c '
import json, sys
totals = [json.loads(l)["body"]["content_state"].get("number_of_steps")
          for l in open(sys.argv[1])]
assert 6 in totals, totals
assert totals[-1] == 6, totals' "$BATS_TEST_TMPDIR/trace"
	[ "$(summary)" = "start cargo build on $(hostname)
end cargo build on $(hostname) green 5/6" ]
	valid_trace
}

@test "cargo: the build ends green at Finished, the failing tests end red" {
	cargo_dry cargo-test-failure.log
	grep -q $'\e\\[' "$FIXTURES/cargo/cargo-test-failure.log"
	[ "$(summary)" = "start cargo build on $(hostname)
end cargo build on $(hostname) green 3/3
start cargo test on $(hostname)
push tests::counts_words: assertion \`left == right\` failed (left: 2, right: 3) at src/lib.rs:32:9
end cargo test on $(hostname) red 4/5" ]
	valid_trace
}

@test "cargo: each crate compiled is a step with the crate as the message" {
	cargo_dry cargo-build-success.log
	[ "$(field 1 'b["content_state"]["message"]')" = "memchr v2.5.0" ]
	[ "$(summary)" = "start cargo build on $(hostname)
end cargo build on $(hostname) green 3/3" ]
}

@test "cargo: a panic under cargo run is pushed with its message, on the line after it; the build stays green" {
	cargo_dry cargo-run-failure.log
	[ "$(summary)" = "start cargo build on $(hostname)
end cargo build on $(hostname) green 1/1
push no input on stdin at src/main.rs:6:5" ]
}

@test "cargo: --no-fail-fast's failures in two test binaries are one red test run" {
	cargo_dry cargo-test-no-fail-fast-failure.log
	[ "$(grep -c '^error: test failed' "$FIXTURES/cargo/cargo-test-no-fail-fast-failure.log")" -eq 2 ]
	[ "$(summary)" = "start cargo build on $(hostname)
end cargo build on $(hostname) green 3/3
start cargo test on $(hostname)
push tests::counts_words: assertion \`left == right\` failed (left: 2, right: 3) at src/lib.rs:32:9
end cargo test on $(hostname) red 5/6" ]
}

@test "cargo: of three failing tests, the first panic is the one push, with its message and place" {
	cargo_dry cargo-test-panics.log
	[ "$(grep -c ' panicked at ' "$FIXTURES/cargo/cargo-test-panics.log")" -eq 3 ]
	[ "$(summary | grep '^push ')" = "push tests::empty_line_has_no_fields: an empty line gives no fields at src/lib.rs:29:9" ]
}

@test "cargo: a doctest's panic, in a thread named main, is one push, named after the doctest" {
	cargo_dry cargo-test-doctest-failure.log
	[ "$(summary | grep '^push ')" = "push src/lib.rs - fields (line 5): assertion \`left == right\` failed (left: 3, right: 2) at src/lib.rs:5:1" ]
}

@test "cargo: a test that fails without a panic is pushed by its FAILED line" {
	cargo_dry cargo-test-err-failure.log
	[ "$(summary | grep '^push ')" = "push tests::parses_port_name ... FAILED" ]
}
