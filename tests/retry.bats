#!/usr/bin/env bats
# retry.bats: what the sender does when the service or the network fails:
# retry what is transient, honour 429, report what is not, never lose an
# end, and never hold up the pipe.

load helpers/common
load helpers/fake-server

setup() {
	fake_server_start
}

teardown() {
	fake_server_stop
}

PUSH='match /^x (\d+)/ push title=$1'
STEPS='activity b title=Build steps=3 stream=b1
match /^Step (\d+)/ step b current=$1'

@test "a 503 is retried with backoff and then delivered" {
	fake_fault '[{"path":"/push", "status":503}]'
	send 'x 1\n' "$PUSH"
	[ "$(served)" = "POST /push-notification 503
POST /push-notification 200" ]
	grep -Eq '^as-tail: POST /push-notification: HTTP 503: Service Unavailable: injected fault, retry 1 in (0\.[89]|1\.0)s$' "$BATS_TEST_TMPDIR/err"
}

@test "an HTML 502 and a dropped connection are retried too" {
	fake_fault '[{"path":"/push", "drop":true}, {"path":"/push", "status":502, "html":true}]'
	send 'x 1\n' "$PUSH"
	[ "$(served)" = "POST /push-notification -
POST /push-notification 502
POST /push-notification 200" ]
	grep -Eq '^as-tail: POST /push-notification: Empty reply from server, retry 1 in (0\.[89]|1\.0)s$' "$BATS_TEST_TMPDIR/err"
	grep -Eq '^as-tail: POST /push-notification: HTTP 502, retry 2 in (1\.[5-9]|2\.0)s$' "$BATS_TEST_TMPDIR/err"
}

@test "a slow reply times out and is retried" {
	fake_fault '[{"path":"/push", "delay":3, "status":200}]'
	send 'x 1\n' "$PUSH" --timeout 1
	grep -q 'POST /push-notification: Operation timed out after' "$BATS_TEST_TMPDIR/err"
	[ "$(served | tail -1)" = "POST /push-notification 200" ]
}

@test "a refused connection is retried until the server is back" {
	fake_fault '[{"path":"/push", "refuse_for":2}]'
	send 'x 1\n' "$PUSH"
	grep -Eq 'POST /push-notification: .*retry 1 in (0\.[89]|1\.0)s' "$BATS_TEST_TMPDIR/err"
	[ "$(served | tail -1)" = "POST /push-notification 200" ]
}

@test "429 with Retry-After waits that long, then retries" {
	fake_fault '[{"path":"/push", "status":429, "retry_after":2}]'
	start=$(fake_now_ms)
	send 'x 1\n' "$PUSH" -v
	elapsed=$(( $(fake_now_ms) - start ))
	[ "$(served)" = "POST /push-notification 429
POST /push-notification 200" ]
	grep -q 'POST /push-notification: HTTP 429, rate limited; retry in 2.0s$' "$BATS_TEST_TMPDIR/err"
	[ "$elapsed" -ge 2000 ]
}

@test "429 without Retry-After backs off 1 s, 2 s, 4 s with jitter; each message states the real wait" {
	fake_fault '[{"path":"/push", "status":429, "count":3}]'
	start=$(fake_now_ms)
	send 'x 1\n' "$PUSH" -v --rate 600/min
	elapsed=$(( $(fake_now_ms) - start ))
	[ "$(served)" = "POST /push-notification 429
POST /push-notification 429
POST /push-notification 429
POST /push-notification 200" ]
	waits=$(sed -n 's/^as-tail: POST \/push-notification: HTTP 429, rate limited; retry in \([0-9.]*\)s$/\1/p' "$BATS_TEST_TMPDIR/err")
	[ "$(echo "$waits" | wc -l)" -eq 3 ]
	python3 - "$elapsed" $waits <<'PY'
import sys
elapsed, waits = int(sys.argv[1]), [float(w) for w in sys.argv[2:]]
for n, w in enumerate(waits):
    full = 2 ** n
    assert 0.75 * full - 0.05 <= w <= full, (n, w)
# The waits were really waited: the run lasted at least their sum.
assert elapsed >= 1000 * sum(waits) - 150, (elapsed, waits)
PY
}

@test "the backoff passes its unit test (doubling, cap, jitter, Retry-After cap)" {
	make -s -C "$TOP" tests/unit/unit-backoff
	run "$TOP/tests/unit/unit-backoff"
	[ "$status" -eq 0 ]
	[[ "$output" != *"not ok"* ]]
}

@test "Retry-After: 3600 is capped at 60 s, and the cap is said" {
	fake_fault '[{"path":"/push", "status":429, "retry_after":3600}]'
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	as_tail -q --drain-timeout 1 --api-url "$FAKE_URL" -r "$(rules "$PUSH")" < "$BATS_TEST_TMPDIR/fifo" 2> "$BATS_TEST_TMPDIR/err" 3>&- &
	pid=$!
	exec 5> "$BATS_TEST_TMPDIR/fifo"
	printf 'x 1\n' >&5
	wait_grep 'capped' "$BATS_TEST_TMPDIR/err"
	exec 5>&-
	wait $pid
	grep -q '^as-tail: POST /push-notification: HTTP 429 with Retry-After 3600s, capped: retry in 60s$' "$BATS_TEST_TMPDIR/err"
}

@test "with --budget local the 4-activity limit is reported, not retried; a fifth start is warned about" {
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	as_tail -q --budget local --api-url "$FAKE_URL" -r "$(rules 'activity a1 stream=a1
activity a2 stream=a2
activity a3 stream=a3
activity a4 stream=a4
activity a5 stream=a5
match /^go/ start a1; start a2; start a3; start a4; start a5')" < "$BATS_TEST_TMPDIR/fifo" 2> "$BATS_TEST_TMPDIR/err" 3>&- &
	pid=$!
	exec 5> "$BATS_TEST_TMPDIR/fifo"
	printf 'go\n' >&5
	wait_for_log_lines 5 15
	exec 5>&-
	wait $pid
	[ "$(served | grep -c 'PUT .* 200')" -eq 4 ]
	[ "$(served | grep -c 'PUT /live-activity/stream/a5 429')" -eq 1 ]
	grep -q 'PUT /live-activity/stream/a5: starting Live Activity number 5; the account allows 4 at once' "$BATS_TEST_TMPDIR/err"
	grep -q 'PUT /live-activity/stream/a5: Live Activity limit reached (4 of 4 active); not retried' "$BATS_TEST_TMPDIR/err"
	[ "$(served | grep -c 'DELETE .* 200')" -eq 4 ]
}

@test "400, 403 and 404 are reported with the API's error and not retried" {
	fake_fault '[{"path":"/push", "status":403, "body":{"error":"Forbidden","message":"channel not in scope"}}]'
	send 'x 1\n' "$PUSH"
	[ "$(served)" = "POST /push-notification 403" ]
	grep -q '^as-tail: POST /push-notification: HTTP 403: Forbidden: channel not in scope; not retried$' "$BATS_TEST_TMPDIR/err"
	grep -q '^as-tail: 1 request not delivered$' "$BATS_TEST_TMPDIR/err"
}

@test "a DELETE answered 404 means the stream had ended: not an error" {
	fake_fault '[{"path":"/stream", "method":"DELETE", "status":404, "body":{"error":"Live Activity stream not found","message":"No Live Activity stream found for stream_key: b1"}}]'
	send 'Step 1\n' "$STEPS"
	[ "$(served | tail -1)" = "DELETE /live-activity/stream/b1 404" ]
	[ ! -s "$BATS_TEST_TMPDIR/err" ]
}

@test "an expired key stops all sending and is said once" {
	fake_fault '[{"path":"/push", "after":1, "expire_key":true}]'
	rc=0
	send 'x 1\nx 2\nx 3\nx 4\n' "$PUSH" || rc=$?
	[ "$rc" -eq 1 ]
	[ "$(served | grep -c ' 401$')" -eq 1 ]
	[ "$(grep -c 'the API key was refused' "$BATS_TEST_TMPDIR/err")" -eq 1 ]
}

@test "a refused key (401) exits 1; a wrapped command's failing status still passes through" {
	run sh -c "printf 'x 1\n' | ACTIVITYSMITH_API_KEY=ask_wrong timeout 30 $AS_TAIL -q --api-url $FAKE_URL -r $(rules "$PUSH")"
	[ "$status" -eq 1 ]
	[[ "$output" == *"HTTP 401: the API key was refused; nothing more will be sent"* ]]
	run env ACTIVITYSMITH_API_KEY=ask_wrong timeout 30 "$AS_TAIL" -q --api-url "$FAKE_URL" -r "$BATS_TEST_TMPDIR/t.rules" -- sh -c 'echo x 1; exit 0'
	[ "$status" -eq 1 ]
	run env ACTIVITYSMITH_API_KEY=ask_wrong timeout 30 "$AS_TAIL" -q --api-url "$FAKE_URL" -r "$BATS_TEST_TMPDIR/t.rules" -- sh -c 'echo x 1; exit 3'
	[ "$status" -eq 3 ]
	[ "$(served | grep -c ' 401$')" -eq 3 ]
}

@test "retries stop after --retry-max-time; --strict makes that exit 1" {
	fake_fault '[{"path":"/push", "status":503, "count":-1}]'
	send 'x 1\n' "$PUSH" --retry-max-time 2
	grep -q 'POST /push-notification: HTTP 503: Service Unavailable: injected fault; giving up after [0-9]* tries' "$BATS_TEST_TMPDIR/err"
	printf 'x 1\n' | as_tail -q --strict --retry-max-time 1 --api-url "$FAKE_URL" -r "$(rules "$PUSH")" 2>/dev/null && false
	[ $? -ne 0 ]
	run sh -c "printf 'x 1\n' | timeout 30 $AS_TAIL -q --strict --retry-max-time 1 --api-url $FAKE_URL -r $BATS_TEST_TMPDIR/t.rules"
	[ "$status" -eq 1 ]
}

@test "an end is never lost: retried longest, and sent before waiting pushes" {
	fake_fault '[{"path":"/stream", "method":"PUT", "delay":1}]'
	printf 'Step 1\nx 1\nx 2\nx 3\nx 4\nx 5\nx 6\nx 7\n' | as_tail -q --api-url "$FAKE_URL" \
	    -r "$(rules "$STEPS
$PUSH")" 2> "$BATS_TEST_TMPDIR/err"
	[ "$(served | sed -n 1,2p)" = "PUT /live-activity/stream/b1 200
DELETE /live-activity/stream/b1 200" ]
	[ "$(served | grep -c push-notification)" -eq 7 ]
}

@test "pushes beyond the queue are folded into one summary, not lost" {
	fake_fault '[{"path":"/push", "delay":2, "status":200}]'
	seq 1 40 | sed 's/^/x /' | as_tail -q -v --api-url "$FAKE_URL" -r "$(rules "$PUSH")" --drain-timeout 30 2> "$BATS_TEST_TMPDIR/err"
	n=$(served | grep -c 'push-notification 200')
	[ "$n" -le 17 ]
	grep -q 'folded' "$BATS_TEST_TMPDIR/err"
	python3 - "$FAKE_LOG" <<'PY'
import json, sys
msgs = [json.loads(l)["body"].get("message", "") for l in open(sys.argv[1])]
folded = [m for m in msgs if "more" in m]
assert len(folded) == 1, msgs
assert folded[0].endswith("more"), folded
n = int(folded[0].split("and ")[1].split()[0])
assert n + len(msgs) == 40 + 0, (n, len(msgs))
PY
}

@test "with the server dead the reader goes at full speed and memory stays bounded" {
	fake_server_stop
	command -v /usr/bin/time || skip "GNU time is not installed"
	[ -z "${AS_TAIL_SANITIZED:-}" ] || skip "sanitizers inflate memory use"
	run sh -c "seq 1 3000000 | sed 's/^/Step /' | /usr/bin/time -f 'RSS %M' timeout 60 $AS_TAIL --drain-timeout 1 --api-url http://127.0.0.1:9 -r $(rules "$STEPS
$PUSH") | tail -1"
	[[ "$output" == *"Step 3000000"* ]]
	rss=$(echo "$output" | sed -n 's/^RSS //p')
	[ "$rss" -lt 32768 ]
}

@test "a black-holed server does not hold up the pipe; exit after --drain-timeout" {
	# A sanitized build reads ten times slower: fewer lines keep the
	# bound about the drain, not about the build's speed.
	n=500000
	[ -z "${AS_TAIL_SANITIZED:-}" ] || n=50000
	fake_fault '[{"delay":30, "count":-1, "status":200}]'
	start=$(fake_now_ms)
	seq 1 $n | sed 's/^/x /' | as_tail --drain-timeout 1 --api-url "$FAKE_URL" -r "$(rules "$PUSH")" > "$BATS_TEST_TMPDIR/out" 2> "$BATS_TEST_TMPDIR/err"
	elapsed=$(( $(fake_now_ms) - start ))
	[ "$(wc -l < "$BATS_TEST_TMPDIR/out")" -eq $n ]
	[ "$elapsed" -lt 15000 ]
	grep -q 'requests* not delivered' "$BATS_TEST_TMPDIR/err"
}

@test "SIGTERM stops reading, ends open activities and drains; exit 143" {
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	"$AS_TAIL" -q --api-url "$FAKE_URL" -r "$(rules "$STEPS")" < "$BATS_TEST_TMPDIR/fifo" 2> "$BATS_TEST_TMPDIR/err" 3>&- &
	pid=$!
	exec 5> "$BATS_TEST_TMPDIR/fifo"
	printf 'Step 1\n' >&5
	wait_for_log_lines 1 10
	kill -TERM $pid
	rc=0
	wait $pid || rc=$?
	exec 5>&-
	[ "$rc" -eq 143 ]
	[ "$(served)" = "PUT /live-activity/stream/b1 200
DELETE /live-activity/stream/b1 200" ]
}

@test "a second SIGINT exits at once, without waiting for the drain" {
	fake_fault '[{"method":"DELETE", "delay":30, "count":-1}]'
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	# Not through timeout(1), which would take the SIGINTs itself.  A
	# background job starts with SIGINT ignored, and as-tail would leave it
	# so: env gives it the default back, as in a foreground job.
	env --default-signal=INT "$AS_TAIL" -q --drain-timeout 60 --api-url "$FAKE_URL" -r "$(rules "$STEPS")" < "$BATS_TEST_TMPDIR/fifo" 2> "$BATS_TEST_TMPDIR/err" 3>&- &
	pid=$!
	exec 5> "$BATS_TEST_TMPDIR/fifo"
	printf 'Step 1\n' >&5
	wait_for_log_lines 1 10
	start=$(fake_now_ms)
	kill -INT $pid
	sleep 0.5
	kill -INT $pid
	rc=0
	wait $pid || rc=$?
	exec 5>&-
	[ "$rc" -eq 130 ]
	[ $(( $(fake_now_ms) - start )) -lt 10000 ]
}
