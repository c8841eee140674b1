#!/usr/bin/env bats
# budget.bats: the request budget under a flood: the token bucket holds,
# updates coalesce so the final state still arrives, and nothing the server
# counts goes over its limit.

load helpers/common
load helpers/fake-server

setup() {
	fake_server_start --rate 20
}

teardown() {
	fake_server_stop
}

@test "the rate limiter passes its fake-clock unit test" {
	make -s -C "$TOP" tests/unit/unit-ratelimit
	run "$TOP/tests/unit/unit-ratelimit"
	[ "$status" -eq 0 ]
	[[ "$output" != *"not ok"* ]]
	[[ "$output" == *"ok flood 60/min: at most 60 in any 60s window"* ]]
}

@test "the outbox passes its unit test (coalescing, priority, folding)" {
	make -s -C "$TOP" tests/unit/unit-outbox
	run "$TOP/tests/unit/unit-outbox"
	[ "$status" -eq 0 ]
	[[ "$output" != *"not ok"* ]]
}

@test "a flood stays within the budget the server counts; the last state arrives" {
	# 10^5 steps, 3 activities and 300 pushes, against a server allowing 20
	# a minute; as-tail is told the same budget.
	python3 - > "$BATS_TEST_TMPDIR/in" <<'PY'
for i in range(1, 100001):
    print(f"Step {i}")
    if i % 333 == 0:
        print(f"oops {i}")
    if i % 40000 == 0:
        print(f"phase {i}")
PY
	as_tail -q -v --rate 20/min --drain-timeout 8 --api-url "$FAKE_URL" -r "$(rules 'activity b title=Build steps=100000 stream=b
activity p title=Phase stream=p
match /^Step (\d+)/ step b current=$1
match /^phase (\d+)/ step p current=$1 total=100000
match /^oops (\d+)/ push title="oops $1"')" < "$BATS_TEST_TMPDIR/in" 2> "$BATS_TEST_TMPDIR/err"
	# The server never had to refuse anything.
	[ "$(served | grep -c ' 429$')" -eq 0 ]
	# Within 8 s of draining the bucket allows its burst plus a few.
	n=$(served | wc -l)
	[ "$n" -ge 2 ] && [ "$n" -le 8 ]
	# Ends went first, and b's end carries the last step (as 100%).
	python3 - "$FAKE_LOG" <<'PY'
import json, sys
log = [json.loads(l) for l in open(sys.argv[1])]
ends = [e for e in log if e["method"] == "DELETE" and e["path"].endswith("/b")]
assert ends and ends[-1]["status"] == 200, log
# 100000 segments are drawn as a percentage (tests/progress.bats).
assert ends[-1]["body"]["content_state"]["percentage"] == 100, ends
PY
	grep -Eq 'requests: [0-9]+ sent, [0-9]{4,} coalesced, [0-9]+ folded' "$BATS_TEST_TMPDIR/err"
	grep -q 'not delivered' "$BATS_TEST_TMPDIR/err"
}

@test "with a roomy budget every distinct request is delivered, in order per activity" {
	fake_server_stop
	fake_server_start --rate 0
	seq 1 30 | sed 's/^/x /' | as_tail -q --rate 6000/min --api-url "$FAKE_URL" \
	    -r "$(rules 'match /^x (\d+)/ push title=$1')" 2> "$BATS_TEST_TMPDIR/err"
	[ "$(served | grep -c 'push-notification 200')" -eq 16 ]
	[ ! -s "$BATS_TEST_TMPDIR/err" ] || grep -qv 'not delivered' "$BATS_TEST_TMPDIR/err"
}

@test "a burst on a stocked bucket sends the start, then one update with the last step, then the end" {
	fake_server_stop
	fake_server_start --rate 0
	# 24/min: two tokens stocked, one every 2.7 s.  Before each Live
	# Activity's updates were spaced, the second token went to step 2.
	paced 24/min
	# The start, one update and the end of the activity's stream.
	[ "$(served | awk '{ print $1, $3 }')" = "PUT 200
PUT 200
DELETE 200" ]
	[ "$(served_body 2 | python3 -c 'import json, sys; print(json.load(sys.stdin)["content_state"]["current_step"])')" = 6 ]
	[ "$(served_body 3 | python3 -c 'import json, sys; print(json.load(sys.stdin)["content_state"]["current_step"])')" = 6 ]
	[ ! -s "$BATS_TEST_TMPDIR/err" ]
}
