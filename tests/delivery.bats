#!/usr/bin/env bats
# delivery.bats: what as-tail starts, it ends.  A classic start is never
# repeated in a way that could leave a second activity open, a start without
# an activity id is not a success, and the end gets through faults that
# would otherwise leave an activity holding one of the account's 4 slots.
# Each test drives the fake server's faults (tests/fake-activitysmith.py).

load helpers/common
load helpers/fake-server

setup() {
	fake_server_start
}

teardown() {
	fake_server_stop
}

# open_activities: how many activities the fake server holds open.
open_activities() {
	fake_state | python3 -c 'import json, sys; print(json.load(sys.stdin)["open_activities"])'
}

# generic API ARGS...: 'Step 1/2' through the generic pack to the server;
# stderr lands in $BATS_TEST_TMPDIR/err.
generic() {
	local api=$1
	shift
	printf 'Step 1/2\n' | as_tail -q --api "$api" --api-url "$FAKE_URL" -r generic "$@" 2> "$BATS_TEST_TMPDIR/err"
}

@test "classic: a server slower than --timeout gets one start, and its end; nothing stays open" {
	fake_fault '[{"delay":1.5, "count":-1}]'
	generic classic --timeout 1 --drain-timeout 20
	[ "$(served | grep -c 'POST /live-activity/start')" -eq 1 ]
	served | grep -q 'POST /live-activity/end 200'
	[ "$(open_activities)" -eq 0 ]
}

@test "stream: a server slower than --timeout leaves no activity open" {
	fake_fault '[{"delay":1.5, "count":-1}]'
	generic stream --timeout 1 --drain-timeout 20
	served | grep -q 'DELETE /live-activity/stream/.* 200'
	[ "$(open_activities)" -eq 0 ]
}

# no_id_start FAULT: a start answered 200 per FAULT is given up, with its
# run: no update or end goes without an id, and --strict exits 1.
no_id_start() {
	fake_fault "[$1]"
	rc=0
	printf 'Step 1/2\nStep 2/2\n' | as_tail -q --strict --api classic --api-url "$FAKE_URL" -r generic 2> "$BATS_TEST_TMPDIR/err" || rc=$?
	[ "$rc" -eq 1 ]
	[ "$(served)" = "POST /live-activity/start 200" ]
	grep -q "^as-tail: POST /live-activity/start: HTTP 200$2; the activity may be open but its id is unknown: not retried, its run's updates and end are dropped$" "$BATS_TEST_TMPDIR/err"
}

@test "classic: a 2xx start reply that is not JSON is not a success" {
	no_id_start '{"path":"/start", "status":200, "text":"<html>welcome to the hotel wifi"}' ' without an activity_id'
}

@test "classic: a 2xx start reply of truncated JSON is not a success" {
	no_id_start '{"path":"/start", "status":200, "text":"{\"success\":true,\"activity_id\":\"act_1"}' ' without an activity_id'
}

@test "classic: a 2xx start reply of 2 GiB is cut at 64 KiB and is not a success" {
	no_id_start '{"path":"/start", "status":200, "huge":true, "body":{"success":true,"activity_id":"act_1","timestamp":"2026-01-01T00:00:00.000Z"}}' ', reply cut at 64 KiB, no activity_id'
}

@test "classic: a start reply cut after the server took it is never repeated" {
	fake_fault '[{"path":"/start", "cut":true}]'
	printf 'Step 1/2\nStep 2/2\n' | as_tail -q --api classic --api-url "$FAKE_URL" -r generic 2> "$BATS_TEST_TMPDIR/err"
	[ "$(served)" = "POST /live-activity/start 200" ]
	grep -q '^as-tail: POST /live-activity/start: .*; the activity may be open but its id is unknown: not retried' "$BATS_TEST_TMPDIR/err"
	[ "$(open_activities)" -eq 1 ]
}

@test "classic: a start reply trickled past --timeout is waited for, then ended" {
	fake_fault '[{"path":"/start", "trickle":3}]'
	generic classic --timeout 1
	[ "$(served)" = "POST /live-activity/start 200
POST /live-activity/end 200" ]
	[ "$(open_activities)" -eq 0 ]
}

@test "stream: a PUT reply cut or trickled is repeated safely, and ended" {
	fake_fault '[{"method":"PUT", "cut":true}, {"method":"PUT", "trickle":3}]'
	generic stream --timeout 1
	[ "$(served | grep -c 'DELETE .* 200')" -eq 1 ]
	[ "$(open_activities)" -eq 0 ]
}

# outage API: the server refuses connections for 5 s from the start, with
# --retry-max-time 2; Step 2 and 3 come once it is back.  The run's latest
# state and its end must arrive.
outage() {
	local api=$1
	fake_control POST refuse '{"seconds":5}' >/dev/null
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	as_tail -q --api "$api" --retry-max-time 2 --api-url "$FAKE_URL" -r "$(rules 'activity b title=Build steps=3 stream=b1
match /^Step (\d+)/ step b current=$1')" < "$BATS_TEST_TMPDIR/fifo" 2> "$BATS_TEST_TMPDIR/err" 3>&- &
	pid=$!
	exec 5> "$BATS_TEST_TMPDIR/fifo"
	printf 'Step 1\n' >&5
	wait_grep 'retry 1 in' "$BATS_TEST_TMPDIR/err"
	# Back once the control API answers: the listener was down.
	for i in $(seq 200); do
		fake_state >/dev/null 2>&1 && break
		sleep 0.05
	done
	printf 'Step 2\n' >&5
	printf 'Step 3\n' >&5
	exec 5>&-
	wait $pid
	python3 - "$FAKE_LOG" <<'PY'
import json, sys
log = [json.loads(l) for l in open(sys.argv[1])]
ok = [e for e in log if e["status"] == 200]
assert ok, log
end = ok[-1]
assert end["method"] == "DELETE" or end["path"].endswith("/end"), end
sent = [e["body"]["content_state"].get("current_step") for e in ok]
# The latest state, 3, reached the phone: on an update, or on the end.
assert 3 in sent, sent
PY
	[ "$(open_activities)" -eq 0 ]
}

@test "classic: a server down at the start still gets the run's latest state and its end" {
	outage classic
}

@test "stream: a server down at the start still gets the run's latest state and its end" {
	outage stream
}

TWO='activity c title=Classic steps=3 api=classic
activity s title=Stream steps=3 api=stream stream=s1
match /^Step (\d+)/ step c current=$1; step s current=$1'

@test "every end answered 503 for 30 s is still delivered with the default options" {
	fake_fault '[{"path":"/end$", "status":503, "count":-1, "during":30}, {"method":"DELETE", "status":503, "count":-1, "during":30}]'
	printf 'Step 1\n' | as_tail -q --api-url "$FAKE_URL" -r "$(rules "$TWO")" 2> "$BATS_TEST_TMPDIR/err"
	served | grep -q 'POST /live-activity/end 200'
	served | grep -q 'DELETE /live-activity/stream/s1 200'
	[ "$(open_activities)" -eq 0 ]
	! grep -q 'not delivered' "$BATS_TEST_TMPDIR/err"
	# Ends are retried at least every 10 s.
	! grep -Eq 'retry [0-9]+ in ([1-9][1-9]|[2-9][0-9])s' "$BATS_TEST_TMPDIR/err"
}

@test "an explicit --drain-timeout bounds the ends too" {
	fake_fault '[{"method":"DELETE", "status":503, "count":-1}]'
	rc=0
	printf 'Step 1\n' | as_tail -q --strict --drain-timeout 2 --api-url "$FAKE_URL" -r "$(rules "$TWO")" 2> "$BATS_TEST_TMPDIR/err" || rc=$?
	[ "$rc" -eq 1 ]
	grep -q '^as-tail: 1 request not delivered$' "$BATS_TEST_TMPDIR/err"
	served | grep -q 'POST /live-activity/end 200'
}

@test "Retry-After: 3600 on an end is capped, and never holds the end past the drain" {
	fake_fault '[{"method":"DELETE", "status":429, "retry_after":3600}, {"path":"/end$", "status":429, "retry_after":3600}]'
	printf 'Step 1\n' | as_tail -q --api-url "$FAKE_URL" -r "$(rules "$TWO")" 2> "$BATS_TEST_TMPDIR/err"
	grep -q 'HTTP 429 with Retry-After 3600s, capped: retry in 10s$' "$BATS_TEST_TMPDIR/err"
	served | grep -q 'POST /live-activity/end 200'
	served | grep -q 'DELETE /live-activity/stream/s1 200'
	[ "$(open_activities)" -eq 0 ]
	! grep -q 'not delivered' "$BATS_TEST_TMPDIR/err"
}

@test "with stdout a full pipe that nobody reads, the first SIGTERM still ends the activity" {
	mkfifo "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out"
	exec 7<> "$BATS_TEST_TMPDIR/out"	# a reader that never reads
	"$AS_TAIL" --api stream --api-url "$FAKE_URL" -r "$(rules 'activity b title=Build steps=3 stream=b1
match /^Step (\d+)/ step b current=$1')" < "$BATS_TEST_TMPDIR/in" > "$BATS_TEST_TMPDIR/out" 2> "$BATS_TEST_TMPDIR/err" 3>&- &
	pid=$!
	exec 5> "$BATS_TEST_TMPDIR/in"
	printf 'Step 1\n' >&5
	wait_for_log_lines 1 10
	head -c 300000 /dev/zero | tr '\0' x >&5 &
	filler=$!
	# Wait until the pipe is full: as-tail is then blocked writing to it.
	python3 - <<'PY'
import array, fcntl, termios, time
deadline = time.monotonic() + 10
while time.monotonic() < deadline:
    n = array.array("i", [0])
    fcntl.ioctl(7, termios.FIONREAD, n)
    if n[0] >= 61440:   # 15 of its 16 pages: as-tail is blocked
        break
    time.sleep(0.05)
else:
    raise SystemExit("the pipe never filled: %d" % n[0])
PY
	kill -TERM $pid
	for i in $(seq 300); do
		kill -0 $pid 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL $pid 2>/dev/null && echo "as-tail hung after SIGTERM" >&2
	rc=0
	wait $pid || rc=$?
	kill $filler 2>/dev/null || true
	exec 5>&- 7<&-
	cat "$BATS_TEST_TMPDIR/err"
	[ "$rc" -eq 143 ]
	grep -q '^as-tail: .*: output blocked while stopping; no longer passed through$' "$BATS_TEST_TMPDIR/err"
	served | grep -q 'DELETE /live-activity/stream/b1 200'
}

@test "a paced run with many pushes and steps still moves the bar: updates get a fair share" {
	# Pushes wait from the start: strict priority would send only pushes.
	(printf 'Step 1\n'; seq 100 120 | sed 's/^/x /'
	 for i in $(seq 2 60); do printf 'x %d\nStep %d\n' "$i" "$i"; sleep 0.1; done) |
	    as_tail -q --api stream --api-url "$FAKE_URL" -r "$(rules 'activity b title=Build steps=100 stream=b1
match /^Step (\d+)/ step b current=$1
match /^x (\d+)/ push title=$1')" 2> "$BATS_TEST_TMPDIR/err"
	python3 - "$FAKE_LOG" <<'PY'
import json, sys
log = [json.loads(l) for l in open(sys.argv[1])]
puts = [e for e in log if e["method"] == "PUT" and e["status"] == 200]
pushes = [e for e in log if "push" in e["path"] and e["status"] == 200]
# The start, and at least one update that moved the bar while pushes waited.
assert len(puts) >= 2, [(e["method"], e["path"]) for e in log]
assert pushes, log
PY
}
