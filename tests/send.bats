#!/usr/bin/env bats
# send.bats: delivery to the (fake) service: every endpoint, the wire format,
# the key, and what as-tail refuses to do.

load helpers/common
load helpers/fake-server

setup() {
	fake_server_start --metric deploy.seconds
}

teardown() {
	fake_server_stop
}

STEPS='activity b title=Build steps=3
match /^Step (\d+)/ step b current=$1
match /^DONE/ end b'
CLASSIC="${STEPS/steps=3/steps=3 api=classic}"

# feed RULES-TEXT LINE N [LINE N ...]: write each LINE to as-tail, then wait
# until the server has logged N requests, so that nothing is coalesced.
feed() {
	local text=$1
	shift
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	as_tail -q --api-url "$FAKE_URL" -r "$(rules "$text")" \
	    < "$BATS_TEST_TMPDIR/fifo" 2> "$BATS_TEST_TMPDIR/err" 3>&- &
	local pid=$! rc=0
	exec 5> "$BATS_TEST_TMPDIR/fifo"
	while [ $# -ge 2 ] && [ $rc -eq 0 ]; do
		printf '%s\n' "$1" >&5
		wait_for_log_lines "$2" 10 || rc=1
		shift 2
	done
	exec 5>&-
	wait $pid
	return $rc
}

@test "classic lifecycle: start, then updates and end carry the start's activity id" {
	feed "$CLASSIC" 'Step 1' 1 'Step 2' 2 'DONE' 3
	[ "$(served)" = "POST /live-activity/start 200
POST /live-activity/update 200
POST /live-activity/end 200" ]
	[ "$(served_body 2)" = '{"activity_id":"act_1","content_state":{"title":"Build","number_of_steps":3,"current_step":2}}' ]
	[ "$(served_body 3)" = '{"activity_id":"act_1","content_state":{"title":"Build","number_of_steps":3,"current_step":2,"color":"green"}}' ]
}

@test "updates waiting behind an end are dropped: the end carries the last state" {
	send 'Step 1\nStep 2\nStep 3\nDONE\n' "$CLASSIC"
	[ "$(served | head -1)" = "POST /live-activity/start 200" ]
	[ "$(served | tail -1)" = "POST /live-activity/end 200" ]
	[ "$(served_body '$')" = '{"activity_id":"act_1","content_state":{"title":"Build","number_of_steps":3,"current_step":3,"color":"green"}}' ]
}

@test "stream lifecycle: PUT started, PUT updated, DELETE ended" {
	feed 'activity b title=Build steps=3 stream=ci-42
match /^Step (\d+)/ step b current=$1
match /^DONE/ end b' 'Step 1' 1 'Step 2' 2 'DONE' 3
	[ "$(served)" = "PUT /live-activity/stream/ci-42 200
PUT /live-activity/stream/ci-42 200
DELETE /live-activity/stream/ci-42 200" ]
	[ "$(python3 -c 'import json,sys; print(" ".join(json.loads(l).get("operation","") for l in open(sys.argv[1])))' "$FAKE_LOG")" = "started updated ended" ]
}

@test "push, metric and badge are delivered as the rules say" {
	send 'deployed v2 in 42s\n' 'match /^deployed (\S+) in (\d+)s/
    push title="Deployed $1" message="took $2s"
    metric deploy.seconds value=$2
    badge count=3'
	[ "$(served | sort)" = "POST /badge 200
POST /metrics/deploy.seconds/value 200
POST /push-notification 200" ]
	[ "$(fake_state | python3 -c 'import json,sys; s=json.load(sys.stdin); print(s["badge"], s["metrics"]["deploy.seconds"])')" = "3 42" ]
}

@test "the reader is not slowed by delivery: output equals input" {
	seq 1 200000 > "$BATS_TEST_TMPDIR/in"
	as_tail --api-url "$FAKE_URL" -r "$(rules "$STEPS")" < "$BATS_TEST_TMPDIR/in" > "$BATS_TEST_TMPDIR/out" 2> "$BATS_TEST_TMPDIR/err"
	cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out"
}

@test "the key is sent as a bearer token and a wrong key is reported once" {
	rc=0
	ACTIVITYSMITH_API_KEY=ask_wrong_key_123 send 'Step 1\nStep 2\nDONE\n' "$STEPS" || rc=$?
	[ "$rc" -eq 1 ]
	[[ "$(served | head -1)" == "PUT /live-activity/stream/"*"-b-"*" 401" ]]
	[ "$(served | wc -l)" -eq 1 ]
	grep -q 'HTTP 401: the API key was refused; nothing more will be sent' "$BATS_TEST_TMPDIR/err"
	[ "$(grep -c 401 "$BATS_TEST_TMPDIR/err")" -eq 1 ]
	! grep -q ask_wrong_key_123 "$BATS_TEST_TMPDIR/err"
}

@test "the key is never printed, not in -v, traces or echoed errors" {
	fake_fault '[{"path":"/push", "status":400, "body":{"error":"Bad Request","message":"bad key ask_test_key here"}}]'
	printf 'x\n' | as_tail -v -v -q --trace "$BATS_TEST_TMPDIR/trace" --api-url "$FAKE_URL" \
	    -r "$(rules 'match /x/ push title=t')" 2> "$BATS_TEST_TMPDIR/err"
	grep -q 'HTTP 400: Bad Request: bad key \[key\] here; not retried' "$BATS_TEST_TMPDIR/err"
	! grep -rq ask_test_key "$BATS_TEST_TMPDIR/err" "$BATS_TEST_TMPDIR/trace"
}

@test "no key and no --dry-run: exit 2 with how to set one, nothing read" {
	unset ACTIVITYSMITH_API_KEY
	run sh -c "printf 'Step 1\n' | timeout 20 $AS_TAIL -r $(rules "$STEPS")"
	[ "$status" -eq 2 ]
	[ "$output" = "as-tail: no API key: set ACTIVITYSMITH_API_KEY or use --api-key-file FILE (or -n for a dry run)" ]
}

@test "--api-key-file reads the key and warns when others can read the file" {
	unset ACTIVITYSMITH_API_KEY
	printf '  ask_test_key  \n' > "$BATS_TEST_TMPDIR/key"
	chmod 600 "$BATS_TEST_TMPDIR/key"
	send 'Step 1\n' "$STEPS" --api-key-file "$BATS_TEST_TMPDIR/key"
	[[ "$(served | head -1)" == "PUT /live-activity/stream/"*"-b-"*" 200" ]]
	[ ! -s "$BATS_TEST_TMPDIR/err" ]
	chmod 644 "$BATS_TEST_TMPDIR/key"
	send 'Step 1\n' "$STEPS" --api-key-file "$BATS_TEST_TMPDIR/key"
	grep -q "key: readable by group or others; chmod 600 it" "$BATS_TEST_TMPDIR/err"
}

@test "plain http is refused for anything but loopback" {
	run as_tail --api-url http://example.com/api -r "$(rules "$STEPS")" < /dev/null
	[ "$status" -eq 2 ]
	[ "$output" = "as-tail: http://example.com/api: plain http only to a loopback address; the key would cross the network in clear" ]
}

@test "ACTIVITYSMITH_API_URL sets the base URL" {
	printf 'Step 1\n' | ACTIVITYSMITH_API_URL=$FAKE_URL as_tail -q -r "$(rules "$STEPS")"
	[[ "$(served | head -1)" == "PUT /live-activity/stream/"*"-b-"*" 200" ]]
}

@test "HTTPS with --cacert; without it the private CA is not trusted" {
	command -v openssl || skip "no openssl"
	fake_server_stop
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
	    -addext subjectAltName=IP:127.0.0.1 -keyout "$BATS_TEST_TMPDIR/tls.key" \
	    -out "$BATS_TEST_TMPDIR/tls.crt" 2>/dev/null
	fake_server_start --tls-cert "$BATS_TEST_TMPDIR/tls.crt" --tls-key "$BATS_TEST_TMPDIR/tls.key"
	[[ "$FAKE_URL" == https://* ]]
	send 'Step 1\n' "$STEPS" --cacert "$BATS_TEST_TMPDIR/tls.crt"
	[[ "$(served | head -1)" == "PUT /live-activity/stream/"*"-b-"*" 200" ]]
	: > "$FAKE_LOG"
	send 'Step 1\n' "$STEPS" --retry-max-time 0
	[ ! -s "$FAKE_LOG" ]
	grep -q 'PUT /live-activity/stream/[A-Za-z0-9_-]*: SSL certificate problem' "$BATS_TEST_TMPDIR/err"
}

@test "-v prints a delivery summary at exit" {
	send 'Step 1\nStep 2\nStep 3\nDONE\n' "$STEPS" -v
	grep -Eq '^as-tail: requests: [0-9]+ sent, [0-9]+ coalesced, 0 folded, 0 retried, 0 failed, 0 unsent$' "$BATS_TEST_TMPDIR/err"
}

@test "the final state always arrives: the end carries the last step" {
	seq 1 100000 | sed 's/^/Step /' > "$BATS_TEST_TMPDIR/in"
	as_tail -q --api-url "$FAKE_URL" -r "$(rules 'activity b title=Build steps=100000
match /^Step (\d+)/ step b current=$1')" < "$BATS_TEST_TMPDIR/in" 2> "$BATS_TEST_TMPDIR/err"
	[[ "$(served | head -1)" == "PUT /live-activity/stream/"*"-b-"*" 200" ]]
	[[ "$(served | tail -1)" == "DELETE /live-activity/stream/"*"-b-"*" 200" ]]
	# Under the sanitizers the reader is slow enough for the bucket to
	# refill while it reads: the count depends on that speed there.
	[ -n "${AS_TAIL_SANITIZED:-}" ] || [ "$(served | wc -l)" -le 10 ]
	# 100000 segments are drawn as a percentage (see tests/progress.bats).
	[ "$(sed -n '$p' "$FAKE_LOG" | python3 -c 'import json,sys; print(json.load(sys.stdin)["body"]["content_state"]["percentage"])')" = 100 ]
}

@test "a wrapped command never sees the API key in its environment" {
	R=$(rules "$STEPS")
	run as_tail --api-url "$FAKE_URL" -r "$R" -- sh -c 'echo "Step 1"; echo "key=${ACTIVITYSMITH_API_KEY-unset}"'
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = "key=unset" ]
	# as-tail itself still sent with it.
	[[ "$(served | head -1)" == "PUT /live-activity/stream/"*"-b-"*" 200" ]]
	# Also when the key comes from a file and the variable is set too.
	printf '%s\n' "$ACTIVITYSMITH_API_KEY" > "$BATS_TEST_TMPDIR/key"
	chmod 600 "$BATS_TEST_TMPDIR/key"
	run as_tail --api-url "$FAKE_URL" --api-key-file "$BATS_TEST_TMPDIR/key" -r "$R" -- sh -c 'echo "key=${ACTIVITYSMITH_API_KEY-unset}" >&2'
	[ "$status" -eq 0 ]
	[ "$output" = "key=unset" ]
}

@test "two concurrent runs on one host never share a stream key: one's end leaves the other open" {
	R=$(rules 'activity job title=Job steps=3
match /^Step (\d+)/ step job current=$1')
	mkfifo "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
	as_tail -q --api-url "$FAKE_URL" -r "$R" < "$BATS_TEST_TMPDIR/a" 2> "$BATS_TEST_TMPDIR/err-a" 3>&- &
	pa=$!
	as_tail -q --api-url "$FAKE_URL" -r "$R" < "$BATS_TEST_TMPDIR/b" 2> "$BATS_TEST_TMPDIR/err-b" 3>&- &
	pb=$!
	exec 5> "$BATS_TEST_TMPDIR/a" 6> "$BATS_TEST_TMPDIR/b"
	printf 'Step 1/3\n' >&5
	printf 'Step 2/3\n' >&6
	wait_for_log_lines 2 10
	[ "$(fake_state | python3 -c 'import json,sys; print(json.load(sys.stdin)["open_activities"])')" = 2 ]
	exec 6>&-
	wait $pb
	# b's end ended b's stream only: a's is open, still at a's step.
	[ "$(fake_state | python3 -c 'import json,sys
s = json.load(sys.stdin)["streams"]
print(len(s), [v["content_state"]["current_step"] for v in s.values()])')" = "1 [1]" ]
	exec 5>&-
	wait $pa
	[ "$(fake_state | python3 -c 'import json,sys; print(json.load(sys.stdin)["open_activities"])')" = 0 ]
	[ "$(served | run_keys | sort | uniq -c | awk '{print $1, $2, $4}')" = "2 DELETE 200
2 PUT 200" ]
	[ "$(served | awk '{print $2}' | sort -u | wc -l)" -eq 2 ]
	[ ! -s "$BATS_TEST_TMPDIR/err-a" ] && [ ! -s "$BATS_TEST_TMPDIR/err-b" ]
}

@test "stream operations: rotated and paused are success, said with -v; --state keeps the rotated id" {
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	as_tail -q -v --strict --api-url "$FAKE_URL" --state "$BATS_TEST_TMPDIR/state.json" \
	    -r "$(rules 'activity b title=Build steps=3 stream=ci
match /^Step (\d+)/ step b current=$1')" \
	    < "$BATS_TEST_TMPDIR/fifo" 2> "$BATS_TEST_TMPDIR/err" 3>&- &
	pid=$!
	exec 5> "$BATS_TEST_TMPDIR/fifo"
	printf 'Step 1\n' >&5
	wait_for_log_lines 1 10
	fake_control POST rotate '{"stream_key":"ci"}' >/dev/null
	printf 'Step 2\n' >&5
	wait_for_log_lines 2 10
	wait_grep '"id":"act_2"' "$BATS_TEST_TMPDIR/state.json"
	fake_control POST pause '{"stream_key":"ci","paused":true}' >/dev/null
	printf 'Step 3\n' >&5
	wait_for_log_lines 3 10
	exec 5>&-
	rc=0
	wait $pid || rc=$?
	[ "$rc" -eq 0 ]
	[ "$(python3 -c 'import json,sys; print(" ".join(json.loads(l).get("operation","") for l in open(sys.argv[1])))' "$FAKE_LOG")" = "started rotated paused ended" ]
	grep -q 'as-tail: PUT /live-activity/stream/ci: rotated: Live Activity act_1 ended, act_2 started with the current state' "$BATS_TEST_TMPDIR/err"
	grep -q 'as-tail: PUT /live-activity/stream/ci: paused: the stream is paused, nothing is shown until it is resumed' "$BATS_TEST_TMPDIR/err"
	! grep -Eq 'retry|not retried|not delivered' "$BATS_TEST_TMPDIR/err"
}
