#!/usr/bin/env bats
# pack-go.bats: rules/go.rules on real go logs, beyond what packs.bats
# checks: each package result is a counted step with the package as the
# message, a failed go build, which prints no package results, still ends
# red, and idle= ends a run so that a later go command is a run of its own,
# with its own first error pushed.

load helpers/common
load helpers/packs

go_dry() {
	pack_dry go "$1"
}

@test "go: each package result is a step with the package as the message" {
	go_dry go-test-v-success.log
	python3 -c '
import json, sys
steps = [(b["content_state"]["current_step"], b["content_state"].get("message"))
         for b in (json.loads(l)["body"] for l in open(sys.argv[1]))]
want = [(1, "example.com/sample/calc"), (2, "example.com/sample/cmd/sample"),
        (3, "example.com/sample/errors"), (4, "example.com/sample/textutil"),
        (4, "example.com/sample/textutil")]
assert steps == want, steps' "$BATS_TEST_TMPDIR/trace"
	[ "$(requests | grep -c push)" -eq 0 ]
	valid_trace
}

@test "go: a failed go build starts the activity at the package header and ends red" {
	go_dry go-build-failure.log
	[ "$(field 1 'b["content_state"]["message"]')" = "# example.com/sample/textutil" ]
	[ "$(summary)" = "start go on $(hostname)
push textutil/words.go:7:58: too many arguments in call to strings.Fields
end go on $(hostname) red 0/1" ]
}

@test "go: the first error is pushed once, among a build failure and a panic" {
	go_dry go-test-panic-failure.log
	[ "$(requests | grep -c push)" -eq 1 ]
	[ "$(summary | tail -1)" = "end go on $(hostname) red 3/4" ]
}

@test "go: a second go test after an idle gap is a run of its own (idle=, shortened to 1s)" {
	[ -z "${AS_TAIL_WRAPPER:-}" ] || skip "timing: valgrind is too slow for the interval"
	pack_idle_replay go go-test-failure.log go-test-failure.log
	[ "$(summary | grep -c '^start ')" -eq 2 ]
	[ "$(summary | grep -c '^push FAIL: TestMean$')" -eq 2 ]
	[ "$(summary | grep -c '^end .* red ')" -eq 2 ]
}

@test "go: a later run's panic is pushed after the run before pushed its error (idle=, shortened to 1s)" {
	[ -z "${AS_TAIL_WRAPPER:-}" ] || skip "timing: valgrind is too slow for the interval"
	# The second go test is killed by -timeout: a panic, no "--- FAIL" line.
	pack_idle_replay go go-test-failure.log go-test-timeout.log
	[ "$(summary | grep -v '^end ' | grep -v '^start ')" = "push FAIL: TestMean
push panic: test timed out after 1s at slow_test.go:9" ]
	[ "$(summary | grep -c '^end .* red ')" -eq 2 ]
}
