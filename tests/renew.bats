#!/usr/bin/env bats
# renew.bats: jobs longer than iOS's 8-hour Live Activity limit (issue 9,
# item 6).  A classic Live Activity is ended and started anew with the
# current state before the mark; AS_TAIL_TEST_RENEW_S (for tests only)
# makes the mark seconds instead of 7 h 45 min.  Streams are renewed by the
# service ("rotated", see send.bats).

load helpers/common
load helpers/fake-server

R='activity b title=Build steps=3 auto_dismiss=5
match /^Step (\d+)/ step b current=$1'

teardown() {
	[ -z "${PID:-}" ] || kill -KILL "$PID" 2>/dev/null || true
	fake_server_stop
}

# start_fifo ARGS...: as-tail with ARGS reading a fifo that the test writes
# to on fd 5, renewing after 2 s; stderr in $BATS_TEST_TMPDIR/err.
start_fifo() {
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	AS_TAIL_TEST_RENEW_S=2 ${AS_TAIL_WRAPPER:-} "$AS_TAIL" -q -v "$@" \
	    -r "$(rules "$R")" < "$BATS_TEST_TMPDIR/fifo" \
	    2> "$BATS_TEST_TMPDIR/err" 3>&- &
	PID=$!
	exec 5> "$BATS_TEST_TMPDIR/fifo"
}

stop_fifo() {
	exec 5>&-
	wait $PID
	PID=
}

@test "a classic activity is ended and started anew with its state before the limit" {
	start_fifo -n --api classic --trace "$BATS_TEST_TMPDIR/trace"
	printf 'Step 1\n' >&5
	wait_grep live-activity/end "$BATS_TEST_TMPDIR/trace"
	printf 'Step 2\n' >&5
	stop_fifo
	# start, end of the old one (its state, dismissed at once), start of
	# the new one with the same state; the run goes on in the new one.
	[ "$(requests | sed -n 1,3p)" = "POST /live-activity/start
POST /live-activity/end
POST /live-activity/start" ]
	[ "$(body 2)" = '{"activity_id":"dry-run-1","content_state":{"title":"Build","number_of_steps":3,"current_step":1,"auto_dismiss_minutes":0}}' ]
	[ "$(body 3)" = "$(body 1)" ]
	[ "$(requests | tail -1)" = "POST /live-activity/end" ]
	[ "$(field '$' 'b["content_state"]["current_step"], b["content_state"]["color"], b["content_state"]["auto_dismiss_minutes"]')" = "(2, 'green', 5)" ]
	[ "$(field '$' 'b["activity_id"]')" != dry-run-1 ]
	grep -q 'as-tail: b: renewing its Live Activity before iOS ends it at 8 hours' "$BATS_TEST_TMPDIR/err"
	valid_trace
}

@test "renewed against the service: the old activity is ended, none is left open" {
	fake_server_start
	start_fifo --api classic --api-url "$FAKE_URL"
	printf 'Step 1\n' >&5
	wait_for_log_lines 3 20
	printf 'Step 2\n' >&5
	stop_fifo
	[ "$(served | sed -n 1,3p)" = "POST /live-activity/start 200
POST /live-activity/end 200
POST /live-activity/start 200" ]
	[ "$(fake_state | python3 -c 'import json,sys
s = json.load(sys.stdin)
print(s["open_activities"], s["activities"]["act_1"]["open"], len(s["activities"]) >= 2)')" = "0 False True" ]
}

@test "streams are not renewed by as-tail: the service rotates them" {
	R='activity b title=Build steps=3 api=classic
activity s title=Stream steps=3
match /^Step (\d+)/ step b current=$1; step s current=$1'
	start_fifo -n --trace "$BATS_TEST_TMPDIR/trace"
	printf 'Step 1\n' >&5
	# The classic activity's renewal: the mark has passed for both.
	wait_grep live-activity/end "$BATS_TEST_TMPDIR/trace"
	stop_fifo
	[ "$(requests | grep -c '^POST /live-activity/start')" -ge 2 ]
	[ "$(requests | grep stream/ | run_keys)" = "PUT /live-activity/stream/$(hostname | tr -c 'A-Za-z0-9_\n-' -)-s-RUN
DELETE /live-activity/stream/$(hostname | tr -c 'A-Za-z0-9_\n-' -)-s-RUN" ]
}

@test "--state keeps when the Live Activity began: a restart does not put off its renewal" {
	: > "$BATS_TEST_TMPDIR/app.log"
	began=$(($(date +%s) - 3600))
	printf '{"as-tail-state":1,"activities":[{"name":"b","api":"classic","id":"act_7","failed":false,"began":%d,"content":{"title":"Build","current":1,"total":3}}]}' "$began" > "$BATS_TEST_TMPDIR/state.json"
	AS_TAIL_TEST_RENEW_S=600 ${AS_TAIL_WRAPPER:-} "$AS_TAIL" -q -n --api classic \
	    --trace "$BATS_TEST_TMPDIR/trace" --state "$BATS_TEST_TMPDIR/state.json" \
	    -r "$(rules "$R")" -F "$BATS_TEST_TMPDIR/app.log" 2>/dev/null 3>&- &
	PID=$!
	# An hour old, past the 10-minute mark: renewed at the first tick.
	wait_grep live-activity/start "$BATS_TEST_TMPDIR/trace"
	kill -TERM $PID
	wait $PID || true
	PID=
	[ "$(requests | sed -n 1,2p)" = "POST /live-activity/end
POST /live-activity/start" ]
	[ "$(field 1 'b["activity_id"]')" = act_7 ]
}

@test "AS_TAIL_TEST_RENEW_S must be a number of seconds" {
	run sh -c "AS_TAIL_TEST_RENEW_S=soon $AS_TAIL -n -r $(rules "$R") < /dev/null"
	[ "$status" -eq 2 ]
	[ "$output" = "as-tail: AS_TAIL_TEST_RENEW_S: 'soon' is not a number of seconds from 1 to 86400" ]
}
