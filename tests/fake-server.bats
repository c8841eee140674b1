#!/usr/bin/env bats
# Tests of the test tools themselves: the fake ActivitySmith server
# (tests/fake-activitysmith.py), its validator (tests/asapi.py), the bats
# helpers and tests/validate-requests.py.  Each test runs its own server
# on 127.0.0.1 with a port chosen by the kernel.

setup() {
	load helpers/fake-server
	TESTS_DIR=$BATS_TEST_DIRNAME
}

teardown() {
	fake_server_stop
}

# api METHOD PATH [JSON [CURL-ARGS...]]: sends an authorised request;
# prints the status code, then the reply body.  Headers are saved in
# $BATS_TEST_TMPDIR/headers.  Returns curl's exit status.
api() {
	local method=$1 path=$2 data=${3-}
	shift 2
	[ $# -gt 0 ] && shift
	local args=(-sS -X "$method" -o "$BATS_TEST_TMPDIR/reply"
		-D "$BATS_TEST_TMPDIR/headers" -w '%{http_code}\n'
		-H "Authorization: Bearer $ACTIVITYSMITH_API_KEY")
	if [ -n "$data" ]; then
		args+=(-H 'Content-Type: application/json' --data-binary "$data")
	fi
	fake_curl "${args[@]}" "$@" "$FAKE_URL$path" || return
	cat "$BATS_TEST_TMPDIR/reply"
	echo
}

# spec_reply METHOD PATH: checks the last `run api` reply (${lines[@]})
# against the spec's response schema for its status.
spec_reply() {
	python3 -c '
import json, sys
sys.path.insert(0, sys.argv[1])
import asapi
status, body = int(sys.argv[4]), json.loads(sys.argv[5])
problems = asapi.validate_response(sys.argv[2], sys.argv[3], status, body)
for p in problems:
    print(p, file=sys.stderr)
sys.exit(1 if problems else 0)
' "$TESTS_DIR" "$1" "$2" "${lines[0]}" "${lines[1]}"
}

# json_get JSON EXPR: prints a Python expression over the JSON value `j`.
json_get() {
	python3 -c 'import json, sys; j = json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2"
}

# has_header NAME: true if the last reply carried header NAME.
has_header() {
	grep -qi "^$1:" "$BATS_TEST_TMPDIR/headers"
}

# elapsed_ms START_MS: milliseconds since START_MS.
elapsed_ms() {
	echo $(($(fake_now_ms) - $1))
}

START_PROGRESS='{"content_state":{"title":"Deploy","type":"progress","percentage":10}}'
PUT_ALERT='{"content_state":{"title":"Disk","type":"alert","message":"90% full"}}'

# ---------------------------------------------------------------- basics

@test "server listens on 127.0.0.1 only, on the port in the port file" {
	fake_server_start
	[[ $FAKE_URL == http://127.0.0.1:* ]]
	[ -r /proc/net/tcp ] || skip "no /proc/net/tcp"
	run python3 -c '
import sys
port = "%04X" % int(sys.argv[1])
found = []
for name in ("/proc/net/tcp", "/proc/net/tcp6"):
    try:
        rows = open(name).read().splitlines()[1:]
    except OSError:
        continue
    for row in rows:
        local, state = row.split()[1], row.split()[3]
        if state == "0A" and local.endswith(":" + port):
            found.append(local)
print(" ".join(found))
' "$FAKE_PORT"
	[ "$status" -eq 0 ]
	[ "$output" = "0100007F:$(printf %04X "$FAKE_PORT")" ]
}

@test "SIGTERM stops the server with exit status 0" {
	fake_server_start
	pid=$FAKE_PID
	kill -TERM "$pid"
	deadline=$(($(fake_now_ms) + 5000))
	while kill -0 "$pid" 2>/dev/null; do
		[ "$(fake_now_ms)" -lt "$deadline" ]
		sleep 0.02
	done
	run wait "$pid"
	[ "$status" -eq 0 ]
	FAKE_PID=
}

@test "keep-alive: two requests share one connection" {
	fake_server_start
	run curl -sS -o /dev/null -o /dev/null -w '%{http_code} %{num_connects}\n' \
		-H "Authorization: Bearer $ACTIVITYSMITH_API_KEY" \
		-H 'Content-Type: application/json' --data-binary '{"title":"a"}' \
		"$FAKE_URL/push-notification" "$FAKE_URL/push-notification"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "200 1" ]
	[ "${lines[1]}" = "200 0" ]
}

@test "HTTPS with --tls-cert and --tls-key" {
	command -v openssl >/dev/null || skip "no openssl"
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
		-addext subjectAltName=IP:127.0.0.1 \
		-keyout "$BATS_TEST_TMPDIR/key.pem" -out "$BATS_TEST_TMPDIR/cert.pem" 2>/dev/null
	fake_server_start --tls-cert "$BATS_TEST_TMPDIR/cert.pem" --tls-key "$BATS_TEST_TMPDIR/key.pem"
	[[ $FAKE_URL == https://127.0.0.1:* ]]
	run api POST /push-notification '{"title":"over TLS"}'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 200 ]
	run curl -sS -o /dev/null "http://127.0.0.1:$FAKE_PORT/push-notification"
	[ "$status" -ne 0 ]
}

# ---------------------------------------------------------------- endpoints

@test "push notification: accepted, spec-shaped reply, logged exactly" {
	fake_server_start
	run api POST /push-notification '{"title":"hi","message":"there"}'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 200 ]
	spec_reply POST /push-notification
	[[ ${lines[1]} == '{"success":true,"devices_notified":1,"users_notified":1,"timestamp":"'* ]]
	[ "$(cat "$FAKE_LOG")" = '{"seq":1,"method":"POST","path":"/push-notification","status":200,"body":{"title":"hi","message":"there"}}' ]
}

@test "push notification with target echoes effective_channel_slugs" {
	fake_server_start
	run api POST /push-notification '{"title":"hi","target":{"channels":["ops"]}}'
	[ "${lines[0]}" = 200 ]
	spec_reply POST /push-notification
	[ "$(json_get "${lines[1]}" 'j["effective_channel_slugs"]')" = "['ops']" ]
}

@test "badge: accepted with every required reply field" {
	fake_server_start
	run api POST /badge '{"badge":0}'
	[ "${lines[0]}" = 200 ]
	spec_reply POST /badge
	[[ ${lines[1]} == *'"badge":0,'*'"effective_channel_slugs":null,'* ]]
}

@test "legacy start, update, end; update after end is 404" {
	fake_server_start
	run api POST /live-activity/start "$START_PROGRESS"
	[ "${lines[0]}" = 200 ]
	spec_reply POST /live-activity/start
	id=$(json_get "${lines[1]}" 'j["activity_id"]')
	[ "$id" = act_1 ]

	run api POST /live-activity/update '{"activity_id":"act_1","content_state":{"title":"Deploy","percentage":50}}'
	[ "${lines[0]}" = 200 ]
	spec_reply POST /live-activity/update

	run api POST /live-activity/end '{"activity_id":"act_1","content_state":{"title":"Deploy","percentage":100,"auto_dismiss_minutes":0}}'
	[ "${lines[0]}" = 200 ]
	spec_reply POST /live-activity/end

	run api POST /live-activity/update '{"activity_id":"act_1","content_state":{"title":"Deploy","percentage":60}}'
	[ "${lines[0]}" = 404 ]
	[ "$(json_get "${lines[1]}" 'j["error"]')" = "Not Found" ]
	run api POST /live-activity/end '{"activity_id":"act_9","content_state":{"title":"Deploy","percentage":60}}'
	[ "${lines[0]}" = 404 ]
}

@test "update without type uses the type from start" {
	fake_server_start
	run api POST /live-activity/start '{"content_state":{"title":"CI","type":"segmented_progress","number_of_steps":4,"current_step":1}}'
	[ "${lines[0]}" = 200 ]
	run api POST /live-activity/update '{"activity_id":"act_1","content_state":{"title":"CI"}}'
	[ "${lines[0]}" = 400 ]
	[[ ${lines[1]} == *'current_step: required for type segmented_progress'* ]]
	run api POST /live-activity/update '{"activity_id":"act_1","content_state":{"title":"CI","current_step":2}}'
	[ "${lines[0]}" = 200 ]
}

@test "stream: started, noop, updated, ended, then 404" {
	fake_server_start
	run api PUT /live-activity/stream/disk-1 "$PUT_ALERT"
	[ "${lines[0]}" = 200 ]
	spec_reply PUT /live-activity/stream/disk-1
	[[ ${lines[1]} == '{"success":true,"operation":"started","stream_key":"disk-1","activity_id":"act_1",'* ]]

	run api PUT /live-activity/stream/disk-1 "$PUT_ALERT"
	[[ ${lines[1]} == *'"operation":"noop"'* ]]
	spec_reply PUT /live-activity/stream/disk-1

	run api PUT /live-activity/stream/disk-1 '{"content_state":{"title":"Disk","type":"alert","message":"95% full"}}'
	[[ ${lines[1]} == *'"operation":"updated","stream_key":"disk-1","activity_id":"act_1"'* ]]

	run api DELETE /live-activity/stream/disk-1
	[ "${lines[0]}" = 200 ]
	spec_reply DELETE /live-activity/stream/disk-1
	[[ ${lines[1]} == *'"operation":"ended","stream_key":"disk-1","activity_id":"act_1"'* ]]

	run api DELETE /live-activity/stream/disk-1 '{"content_state":{"title":"Disk","auto_dismiss_seconds":0}}'
	[ "${lines[0]}" = 404 ]
	[ "${lines[1]}" = '{"error":"Live Activity stream not found","message":"No Live Activity stream found for stream_key: disk-1"}' ]

	run fake_log_paths
	[ "$output" = "PUT /live-activity/stream/disk-1 200
PUT /live-activity/stream/disk-1 200
PUT /live-activity/stream/disk-1 200
DELETE /live-activity/stream/disk-1 200
DELETE /live-activity/stream/disk-1 404" ]
	run python3 -c 'import json,sys; print(" ".join(json.loads(l).get("operation","-") for l in open(sys.argv[1])))' "$FAKE_LOG"
	[ "$output" = "started noop updated ended -" ]
}

@test "stream: a PUT after DELETE starts a new activity" {
	fake_server_start
	run api PUT /live-activity/stream/k "$PUT_ALERT"
	[[ ${lines[1]} == *'"activity_id":"act_1"'* ]]
	run api DELETE /live-activity/stream/k
	run api PUT /live-activity/stream/k "$PUT_ALERT"
	[[ ${lines[1]} == *'"operation":"started","stream_key":"k","activity_id":"act_2"'* ]]
}

@test "stream: after /_control/rotate the next PUT rotates the activity, as the spec says" {
	fake_server_start
	run api PUT /live-activity/stream/k "$PUT_ALERT"
	[[ ${lines[1]} == *'"operation":"started","stream_key":"k","activity_id":"act_1"'* ]]
	fake_control POST rotate '{"stream_key":"k"}' >/dev/null
	run api PUT /live-activity/stream/k "$PUT_ALERT"
	spec_reply PUT /live-activity/stream/k
	[[ ${lines[1]} == *'"operation":"rotated","stream_key":"k","activity_id":"act_2","previous_activity_id":"act_1"'* ]]
	run api PUT /live-activity/stream/k '{"content_state":{"title":"Disk","type":"alert","message":"95% full"}}'
	[[ ${lines[1]} == *'"operation":"updated","stream_key":"k","activity_id":"act_2"'* ]]
	[ "$(fake_state | python3 -c 'import json,sys; print(json.load(sys.stdin)["open_activities"])')" = 1 ]
}

@test "stream: a paused stream answers paused, with a null activity_id, and changes nothing" {
	fake_server_start
	run api PUT /live-activity/stream/k "$PUT_ALERT"
	fake_control POST pause '{"stream_key":"k","paused":true}' >/dev/null
	run api PUT /live-activity/stream/k '{"content_state":{"title":"Disk","type":"alert","message":"95% full"}}'
	spec_reply PUT /live-activity/stream/k
	[[ ${lines[1]} == '{"success":true,"operation":"paused","stream_key":"k","activity_id":null,'* ]]
	[ "$(fake_state | python3 -c 'import json,sys; print(json.load(sys.stdin)["streams"]["k"]["content_state"].get("message"))')" = "90% full" ]
	fake_control POST pause '{"stream_key":"k","paused":false}' >/dev/null
	run api PUT /live-activity/stream/k '{"content_state":{"title":"Disk","type":"alert","message":"95% full"}}'
	[[ ${lines[1]} == *'"operation":"updated"'* ]]
	run fake_control POST pause '{"stream_key":"k"}'
	[ "$status" -ne 0 ]
}

@test "metrics: known key accepted, unknown key 404, bad key 400" {
	fake_server_start --metric cpu.load
	run api POST /metrics/cpu.load/value '{"value":0.75,"timestamp":"2026-11-26T12:00:00Z"}'
	[ "${lines[0]}" = 200 ]
	[ "${lines[1]}" = '{"success":true}' ]
	run api POST /metrics/mem/value '{"value":"12 GB"}'
	[ "${lines[0]}" = 404 ]
	[ "${lines[1]}" = '{"error":"Metric not found"}' ]
	spec_reply POST /metrics/mem/value
	run api POST /metrics/Cpu/value '{"value":1}'
	[ "${lines[0]}" = 400 ]
	[[ ${lines[1]} == '{"error":"key: \"Cpu\" does not match'* ]]
	run fake_state
	[ "$(json_get "$output" 'j["metrics"]["cpu.load"]')" = 0.75 ]
}

# ---------------------------------------------------------------- rejects

@test "invalid bodies are rejected with 400 and the first problem" {
	fake_server_start
	run api POST /push-notification '{"title":"x","colour":"red"}'
	[ "${lines[0]}" = 400 ]
	[ "${lines[1]}" = '{"error":"Bad Request","message":"colour: unknown key"}' ]
	spec_reply POST /push-notification

	run api POST /push-notification '{"message":"no title"}'
	[ "${lines[0]}" = 400 ]
	[[ ${lines[1]} == *'"message":"title: required"'* ]]

	run api POST /live-activity/start '{"content_state":{"title":"CI","type":"segmented_progress","number_of_steps":3,"current_step":4}}'
	[ "${lines[0]}" = 400 ]
	[[ ${lines[1]} == *'current_step: 4 is greater than number_of_steps 3'* ]]

	run api PUT /live-activity/stream/x '{"content_state":{"title":"x","type":"progress","percentage":5,"color":"pink"}}'
	[ "${lines[0]}" = 400 ]
	[[ ${lines[1]} == *'content_state.color: \"pink\" is not one of lime, green'* ]]

	run api POST /live-activity/start '{"content_state":{"title":"x","type":"progress","percentage":120}}'
	[ "${lines[0]}" = 400 ]
	[[ ${lines[1]} == *'percentage: 120 is greater than the maximum 100'* ]]

	run fake_state
	[ "$(json_get "$output" 'j["open_activities"]')" = 0 ]
}

@test "more rejects: nulls, value without upper_limit, media with actions, http url" {
	fake_server_start
	run api POST /push-notification '{"title":null}'
	[[ ${lines[1]} == *'title: null is not allowed'* ]]
	run api POST /live-activity/start '{"content_state":{"title":"x","type":"progress","value":3}}'
	[[ ${lines[1]} == *'value: needs upper_limit as well'* ]]
	run api POST /push-notification '{"title":"x","media":"https://a.example/p.png","actions":[{"title":"Go","type":"open_url","url":"https://a.example"}]}'
	[[ ${lines[1]} == *'media: cannot be combined with actions'* ]]
	run api POST /push-notification '{"title":"x","redirection":"http://a.example"}'
	[[ ${lines[1]} == *'redirection: \"http://a.example\" does not match'* ]]
	run api PUT /live-activity/stream/k '{"content_state":{"title":"x","percentage":5}}'
	[[ ${lines[1]} == *'content_state.type: required on every PUT'* ]]
	run api POST /live-activity/start '{"content_state":{"title":"x","type":"metrics","metrics":[]}}'
	[[ ${lines[1]} == *'metrics: needs at least 1 item'* ]]
	run api POST /badge '{"badge":1.0}'
	[[ ${lines[1]} == *'badge: expected an integer'* ]]
	run api PUT '/live-activity/stream/a%20b' "$PUT_ALERT"
	[[ ${lines[1]} == *'stream_key: \"a b\" does not match'* ]]
}

@test "push extras: the validator refuses a 5th action, method on open_url, an http webhook, a string badge, a list payload" {
	fake_server_start
	local go='{"title":"Go","type":"open_url","url":"https://a.example"}'
	run api POST /push-notification '{"title":"x","sound":"default","badge":2,"payload":{"a":1},"actions":['"$go"',{"title":"W","type":"webhook","url":"https://h.example","method":"GET","body":{"k":"v"}}]}'
	[ "${lines[0]}" = 200 ]
	run api POST /push-notification '{"title":"x","actions":['"$go,$go,$go,$go,$go"']}'
	[[ ${lines[1]} == *'actions: allows at most 4 items, got 5'* ]]
	run api POST /push-notification '{"title":"x","actions":[{"title":"Go","type":"open_url","url":"https://a.example","method":"GET"}]}'
	[[ ${lines[1]} == *'actions[0].method: only allowed on webhook actions'* ]]
	run api POST /push-notification '{"title":"x","actions":[{"title":"W","type":"webhook","url":"http://h.example"}]}'
	[[ ${lines[1]} == *'actions[0].url: \"http://h.example\" does not match ^https://'* ]]
	run api POST /push-notification '{"title":"x","actions":[{"title":"W","type":"webhook","url":"https://h.example","method":"PUT"}]}'
	[[ ${lines[1]} == *'actions[0].method: \"PUT\" is not one of'* ]]
	run api POST /push-notification '{"title":"x","badge":"3"}'
	[[ ${lines[1]} == *'badge: expected integer'* ]]
	run api POST /push-notification '{"title":"x","payload":[1]}'
	[[ ${lines[1]} == *'payload: expected object'* ]]
	run api POST /push-notification '{"title":"x","media":"http://a.example/p.png"}'
	[[ ${lines[1]} == *'media: \"http://a.example/p.png\" does not match ^https://'* ]]
}

@test "Live Activity extras: icon, badge, buttons, step colors and timer fields, each refused where the spec says" {
	fake_server_start
	run api PUT /live-activity/stream/ok '{"content_state":{"title":"x","type":"segmented_progress","number_of_steps":3,"current_step":2,"step_colors":["green","red"],"icon":{"symbol":"hammer.fill","color":"blue"},"badge":{"title":"CI","color":"gray"}},"action":{"title":"Log","type":"open_url","url":"https://a.example"},"secondary_action":{"title":"Stop","type":"webhook","url":"https://a.example/stop","method":"POST","body":{"k":1}}}'
	[ "${lines[0]}" = 200 ]
	run api PUT /live-activity/stream/t '{"content_state":{"title":"x","type":"timer","counts_down":false,"badge":{"title":"B"}}}'
	[[ ${lines[1]} == *'content_state.badge: not supported for type timer'* ]]
	run api PUT /live-activity/stream/t '{"content_state":{"title":"x","type":"timer","counts_down":false},"secondary_action":{"title":"B","type":"open_url","url":"https://a.example"}}'
	[[ ${lines[1]} == *'secondary_action: not supported for type timer'* ]]
	run api PUT /live-activity/stream/p '{"content_state":{"title":"x","type":"progress","percentage":5,"step_colors":["red"]}}'
	[[ ${lines[1]} == *'content_state.step_colors: only for type segmented_progress, not progress'* ]]
	run api PUT /live-activity/stream/p '{"content_state":{"title":"x","type":"progress","percentage":5,"is_running":false}}'
	[[ ${lines[1]} == *'content_state.is_running: only for type timer, not progress'* ]]
	run api PUT /live-activity/stream/p '{"content_state":{"title":"x","type":"progress","percentage":5,"icon":{"symbol":""}}}'
	[[ ${lines[1]} == *'content_state.icon.symbol: must not be empty'* ]]
	run api PUT /live-activity/stream/s '{"content_state":{"title":"x","type":"segmented_progress","number_of_steps":3,"current_step":2,"step_colors":["green"]}}'
	[[ ${lines[1]} == *'step_colors: length 1 does not match current_step 2'* ]]
	run api POST /live-activity/start '{"content_state":{"title":"x","type":"alert","message":"m"}}'
	[ "${lines[0]}" = 200 ]
	id=$(json_get "${lines[1]}" 'j["activity_id"]')
	run api POST /live-activity/end '{"activity_id":"'"$id"'","content_state":{"title":"x","auto_dismiss_seconds":5}}'
	[[ ${lines[1]} == *'content_state.auto_dismiss_seconds: unknown key'* ]]
}

@test "bad JSON, duplicate keys and a non-JSON Content-Type get 400" {
	fake_server_start
	run api POST /push-notification '{"title":"x",}'
	[ "${lines[0]}" = 400 ]
	[[ ${lines[1]} == *'invalid JSON'* ]]
	run api POST /push-notification '{"title":"x","title":"y"}'
	[[ ${lines[1]} == *'duplicate key'* ]]
	run curl -sS -w '\n%{http_code}' -H "Authorization: Bearer $ACTIVITYSMITH_API_KEY" \
		-X DELETE --data-binary '{}' "$FAKE_URL/live-activity/stream/k"
	[ "${lines[1]}" = 400 ]
	[[ ${lines[0]} == *'Content-Type must be application/json, got application/x-www-form-urlencoded'* ]]
}

@test "a bad or missing key gets 401 and the key is never logged" {
	fake_server_start
	run curl -sS -w '\n%{http_code}' -H 'Authorization: Bearer ask_wrong' \
		-H 'Content-Type: application/json' -d '{"title":"x"}' "$FAKE_URL/push-notification"
	[ "${lines[1]}" = 401 ]
	[ "${lines[0]}" = '{"error":"Unauthorized","message":"Invalid API key"}' ]
	run curl -sS -w '\n%{http_code}' -H 'Content-Type: application/json' \
		-d '{"title":"x"}' "$FAKE_URL/push-notification"
	[ "${lines[1]}" = 401 ]
	[[ ${lines[0]} == *'Missing API key'* ]]
	run api POST /push-notification '{"title":"x"}'
	[ "${lines[0]}" = 200 ]
	wait_for_log_lines 3
	run grep -c ask_ "$FAKE_LOG"
	[ "$output" = 0 ]
}

@test "unknown path is 404 and a wrong method is 405" {
	fake_server_start
	run api POST /nope '{}'
	[ "${lines[0]}" = 404 ]
	run api GET /push-notification
	[ "${lines[0]}" = 405 ]
}

# ---------------------------------------------------------------- limits

@test "rate limit: with --rate 5 the 6th request is 429, no Retry-After" {
	fake_server_start --rate 5
	for i in 1 2 3 4 5; do
		run api POST /push-notification '{"title":"x"}'
		[ "${lines[0]}" = 200 ]
	done
	run api POST /badge '{"badge":1}'
	[ "${lines[0]}" = 429 ]
	[ "${lines[1]}" = '{"error":"Rate limit exceeded","message":"Too many requests, please try again later."}' ]
	spec_reply POST /badge
	run has_header Retry-After
	[ "$status" -eq 1 ]
}

# header NAME: the value of header NAME in the last reply.
header() {
	grep -i "^$1:" "$BATS_TEST_TMPDIR/headers" | cut -d' ' -f2- | tr -d '\r'
}

@test "--ratelimit-headers: RateLimit-Policy and RateLimit on replies, Retry-After on the 429" {
	fake_server_start --rate 2 --ratelimit-headers
	run api POST /badge '{"badge":1}'
	[ "${lines[0]}" = 200 ]
	[ "$(header RateLimit-Policy)" = '"default";q=2;w=60' ]
	[ "$(header RateLimit)" = '"default";r=1;t=60' ]
	# Seconds until the first request leaves the window: at most 60.
	run api POST /badge '{"badge":1}'
	[[ "$(header RateLimit)" =~ ^\"default\"\;r=0\;t=([0-9]+)$ ]]
	[ "${BASH_REMATCH[1]}" -le 60 ] && [ "${BASH_REMATCH[1]}" -ge 50 ]
	run api POST /badge '{"badge":1}'
	[ "${lines[0]}" = 429 ]
	[ "$(header Retry-After)" -le 60 ] && [ "$(header Retry-After)" -ge 50 ]
	[[ "$(header RateLimit)" =~ ^\"default\"\;r=0\;t=[0-9]+$ ]]
}

@test "--push-rate gives pushes a window and a policy of their own; --time-scale speaks unscaled seconds" {
	fake_server_start --rate 5 --push-rate 1 --rate-window 60 --time-scale 60 --ratelimit-headers
	run api POST /push-notification '{"title":"x"}'
	[ "${lines[0]}" = 200 ]
	[ "$(header RateLimit-Policy)" = '"push";q=1;w=60' ]
	run api POST /push-notification '{"title":"x"}'
	[ "${lines[0]}" = 429 ]
	run api POST /badge '{"badge":1}'
	[ "${lines[0]}" = 200 ]
	[ "$(header RateLimit-Policy)" = '"default";q=5;w=60' ]
	# The window is 1 s of real time at --time-scale 60.
	start=$(fake_now_ms)
	until run api POST /push-notification '{"title":"x"}' && [ "${lines[0]}" = 200 ]; do
		[ "$(elapsed_ms "$start")" -lt 5000 ]
		sleep 0.05
	done
}

@test "--log-times gives each log line the time it was answered" {
	fake_server_start --log-times
	before=$(date +%s)
	run api POST /badge '{"badge":1}'
	python3 - "$FAKE_LOG" "$before" <<'PY'
import json, sys, time
e = json.loads(open(sys.argv[1]).readline())
assert int(sys.argv[2]) - 1 <= e["t"] <= time.time() + 1, e
PY
}

@test "rate limit window slides (--rate-window)" {
	fake_server_start --rate 2 --rate-window 1
	run api POST /push-notification '{"title":"x"}'
	run api POST /push-notification '{"title":"x"}'
	run api POST /push-notification '{"title":"x"}'
	[ "${lines[0]}" = 429 ]
	start=$(fake_now_ms)
	until run api POST /push-notification '{"title":"x"}' && [ "${lines[0]}" = 200 ]; do
		[ "$(elapsed_ms "$start")" -lt 3000 ]
		sleep 0.05
	done
}

@test "activity limit: the 5th start and a new stream get the limit 429" {
	fake_server_start
	for i in 1 2 3; do
		run api POST /live-activity/start "$START_PROGRESS"
		[ "${lines[0]}" = 200 ]
	done
	run api PUT /live-activity/stream/four "$PUT_ALERT"
	[ "${lines[0]}" = 200 ]
	run api POST /live-activity/start "$START_PROGRESS"
	[ "${lines[0]}" = 429 ]
	[ "${lines[1]}" = '{"error":"Live Activity limit reached","message":"Only 4 concurrent Live Activities are allowed per account","limit":4,"active":4}' ]
	spec_reply POST /live-activity/start
	run api PUT /live-activity/stream/five "$PUT_ALERT"
	[ "${lines[0]}" = 429 ]
	[[ ${lines[1]} == *'"limit":4,"active":4}' ]]
	# an existing stream still updates, and ending one frees a slot
	run api PUT /live-activity/stream/four '{"content_state":{"title":"Disk","type":"alert","message":"ok"}}'
	[ "${lines[0]}" = 200 ]
	run api POST /live-activity/end '{"activity_id":"act_1","content_state":{"title":"Deploy","percentage":100}}'
	[ "${lines[0]}" = 200 ]
	run api PUT /live-activity/stream/five "$PUT_ALERT"
	[ "${lines[0]}" = 200 ]
}

@test "--max-activities changes the cap and the limit body" {
	fake_server_start --max-activities 1
	run api POST /live-activity/start "$START_PROGRESS"
	run api POST /live-activity/start "$START_PROGRESS"
	[ "${lines[0]}" = 429 ]
	[[ ${lines[1]} == *'"message":"Only 1 concurrent Live Activities are allowed per account","limit":1,"active":1}' ]]
}

# ---------------------------------------------------------------- faults

@test "fault 429 without Retry-After fires once, changes no state" {
	fake_server_start
	fake_fault '[{"path":"^/live-activity/start$","status":429}]'
	run api POST /live-activity/start "$START_PROGRESS"
	[ "${lines[0]}" = 429 ]
	[ "${lines[1]}" = '{"error":"Rate limit exceeded","message":"Too many requests, please try again later."}' ]
	run has_header Retry-After
	[ "$status" -eq 1 ]
	run fake_state
	[ "$(json_get "$output" 'j["open_activities"], j["rate_used"]')" = "(0, 0)" ]
	run api POST /live-activity/start "$START_PROGRESS"
	[ "${lines[0]}" = 200 ]
	[[ ${lines[1]} == *'"activity_id":"act_1"'* ]]
	run python3 -c 'import json,sys; print([json.loads(l).get("fault") for l in open(sys.argv[1])])' "$FAKE_LOG"
	[ "$output" = "['http_429', None]" ]
}

@test "fault 429 with retry_after sends Retry-After" {
	fake_server_start
	fake_fault '[{"status":429,"retry_after":7}]'
	run api POST /badge '{"badge":2}'
	[ "${lines[0]}" = 429 ]
	grep -qi '^Retry-After: 7' "$BATS_TEST_TMPDIR/headers"
}

@test "fault 429 with limit sends the LiveActivityLimitError body" {
	fake_server_start
	fake_fault '[{"method":"PUT","status":429,"limit":true}]'
	run api PUT /live-activity/stream/k "$PUT_ALERT"
	[ "${lines[0]}" = 429 ]
	[ "${lines[1]}" = '{"error":"Live Activity limit reached","message":"Only 4 concurrent Live Activities are allowed per account","limit":4,"active":4}' ]
}

@test "fault 503 with a JSON body, then with an HTML body" {
	fake_server_start
	fake_fault '[{"status":503,"retry_after":2},{"status":502,"html":true}]'
	run api POST /push-notification '{"title":"x"}'
	[ "${lines[0]}" = 503 ]
	[ "${lines[1]}" = '{"error":"Service Unavailable","message":"injected fault"}' ]
	grep -qi '^Retry-After: 2' "$BATS_TEST_TMPDIR/headers"
	run api POST /push-notification '{"title":"x"}'
	[ "${lines[0]}" = 502 ]
	[[ ${lines[1]} == '<html>'*'502 Bad Gateway'* ]]
	grep -qi '^Content-Type: text/html' "$BATS_TEST_TMPDIR/headers"
	run api POST /push-notification '{"title":"x"}'
	[ "${lines[0]}" = 200 ]
	run fake_log_paths
	[ "$output" = "POST /push-notification 503
POST /push-notification 502
POST /push-notification 200" ]
}

@test "fault delay answers normally after the delay" {
	fake_server_start
	fake_fault '[{"path":"/badge","delay":0.6}]'
	start=$(fake_now_ms)
	run api POST /badge '{"badge":5}'
	took=$(elapsed_ms "$start")
	[ "${lines[0]}" = 200 ]
	[ "$took" -ge 600 ]
	run fake_state
	[ "$(json_get "$output" 'j["badge"]')" = 5 ]
	[[ $(cat "$FAKE_LOG") == *'"status":200,"body":{"badge":5},"fault":"delay"}' ]]
}

@test "fault drop closes the connection without a reply" {
	fake_server_start
	fake_fault '[{"path":"/live-activity/start","drop":true}]'
	run api POST /live-activity/start "$START_PROGRESS"
	[ "$status" -eq 52 ]   # curl: empty reply from server
	run fake_log_paths
	[ "$output" = "POST /live-activity/start -" ]
	run fake_state
	[ "$(json_get "$output" 'j["open_activities"]')" = 0 ]
}

@test "fault cut processes the request, then closes halfway through the reply" {
	fake_server_start
	fake_fault '[{"path":"/live-activity/start","cut":true}]'
	run api POST /live-activity/start "$START_PROGRESS"
	[ "$status" -eq 18 ]   # curl: partial file
	[[ $(cat "$FAKE_LOG") == *'"status":200,'*'"fault":"cut"}' ]]
	run fake_state
	[ "$(json_get "$output" 'j["open_activities"]')" = 1 ]
}

@test "fault trickle sends the whole reply, a byte at a time over its seconds" {
	fake_server_start
	fake_fault '[{"path":"/push","trickle":1}]'
	start=$(fake_now_ms)
	run api POST /push-notification '{"title":"x"}'
	[ "$(elapsed_ms "$start")" -ge 900 ]
	[ "${lines[0]}" = 200 ]
	spec_reply POST /push-notification
}

@test "fault huge announces 2 GiB and sends 1 MiB; text sends any body" {
	fake_server_start
	fake_fault '[{"path":"/live-activity/start","status":200,"huge":true,"body":{"success":true,"activity_id":"act_9","timestamp":"2026-01-01T00:00:00.000Z"}}, {"path":"/live-activity/start","status":200,"text":"<html>captive portal"}]'
	run api POST /live-activity/start "$START_PROGRESS"
	[ "$status" -eq 18 ]
	grep -q '^Content-Length: 2147483648' "$BATS_TEST_TMPDIR/headers"
	[ "$(wc -c < "$BATS_TEST_TMPDIR/reply")" -gt 1000000 ]
	head -c 40 "$BATS_TEST_TMPDIR/reply" | grep -q '^{"success":true,"activity_id":"act_9"'
	run api POST /live-activity/start "$START_PROGRESS"
	[ "${lines[0]}" = 200 ]
	[ "${lines[1]}" = "<html>captive portal" ]
	run fake_state
	[ "$(json_get "$output" 'j["open_activities"]')" = 0 ]
	run fake_control POST faults '[{"path":"/x","cut":true,"drop":true}]'
	[ "$status" -ne 0 ]
	run fake_control POST faults '[{"path":"/x","text":"x"}]'
	[ "$status" -ne 0 ]
}

@test "fault refuse_for refuses connections, then the same port comes back" {
	fake_server_start
	fake_fault '[{"path":"/push","refuse_for":1}]'
	run api POST /push-notification '{"title":"x"}'
	[ "$status" -eq 52 ]
	run api POST /push-notification '{"title":"x"}'
	[ "$status" -eq 7 ]    # curl: failed to connect
	start=$(fake_now_ms)
	until run api POST /push-notification '{"title":"x"}' && [ "${lines[0]}" = 200 ]; do
		[ "$(elapsed_ms "$start")" -lt 5000 ]
		sleep 0.05
	done
	run fake_log_paths
	[ "${lines[0]}" = "POST /push-notification -" ]
	[ "${lines[1]}" = "POST /push-notification 200" ]
}

@test "fault expire_key: every later request gets 401 until reset" {
	fake_server_start
	fake_fault '[{"path":"/badge","expire_key":true}]'
	run api POST /push-notification '{"title":"x"}'
	[ "${lines[0]}" = 200 ]
	run api POST /badge '{"badge":1}'
	[ "${lines[0]}" = 401 ]
	[ "${lines[1]}" = '{"error":"Unauthorized","message":"Invalid API key"}' ]
	run api POST /push-notification '{"title":"x"}'
	[ "${lines[0]}" = 401 ]
	fake_control POST reset >/dev/null
	run api POST /push-notification '{"title":"x"}'
	[ "${lines[0]}" = 200 ]
}

@test "fault queued answers update with devices_queued" {
	fake_server_start
	run api POST /live-activity/start "$START_PROGRESS"
	fake_fault '[{"path":"/update","queued":true}]'
	run api POST /live-activity/update '{"activity_id":"act_1","content_state":{"title":"Deploy","percentage":20}}'
	[ "${lines[0]}" = 200 ]
	[[ ${lines[1]} == *'"devices_queued":1,"devices_notified":0'* ]]
	spec_reply POST /live-activity/update
}

@test "fault rules honour method, path, after and count" {
	fake_server_start
	fake_fault '[{"method":"POST","path":"^/badge$","after":1,"count":2,"status":500}]'
	codes=
	for i in 1 2 3 4; do
		run api POST /badge '{"badge":1}'
		codes="$codes ${lines[0]}"
	done
	run api POST /push-notification '{"title":"x"}'
	codes="$codes ${lines[0]}"
	[ "$codes" = " 200 500 500 200 200" ]
	run fake_control GET faults
	[ "$(json_get "$output" '(j[0]["matched"], j[0]["fired"])')" = "(4, 2)" ]
}

@test "fault during fires only for its seconds after the rules were set" {
	fake_server_start
	fake_fault '[{"path":"/push","status":503,"count":-1,"during":1}]'
	run api POST /push-notification '{"title":"x"}'
	[ "${lines[0]}" = 503 ]
	start=$(fake_now_ms)
	until run api POST /push-notification '{"title":"x"}' && [ "${lines[0]}" = 200 ]; do
		[ "$(elapsed_ms "$start")" -lt 5000 ]
		sleep 0.1
	done
}

@test "count -1 keeps firing; --faults FILE loads rules at start" {
	echo '[{"path":"/push","status":503,"count":-1}]' >"$BATS_TEST_TMPDIR/faults.json"
	fake_server_start --faults "$BATS_TEST_TMPDIR/faults.json"
	for i in 1 2 3; do
		run api POST /push-notification '{"title":"x"}'
		[ "${lines[0]}" = 503 ]
	done
}

@test "invalid fault rules are refused by the control API and at start" {
	fake_server_start
	run fake_control POST faults '[{"status":503,"drop":true}]'
	[ "$status" -ne 0 ]
	run fake_control POST faults '[{"path":"/x","colour":1}]'
	[ "$status" -ne 0 ]
	run fake_control POST faults '[{"path":"/x"}]'
	[ "$status" -ne 0 ]
	echo '[{"delay":"soon"}]' >"$BATS_TEST_TMPDIR/bad.json"
	run python3 "$TESTS_DIR/fake-activitysmith.py" --faults "$BATS_TEST_TMPDIR/bad.json"
	[ "$status" -ne 0 ]
	[[ $output == *"bad.json: fault rule 'delay' has the wrong type"* ]]
}

# ---------------------------------------------------------------- control

@test "control API: log, state and reset" {
	fake_server_start
	run api POST /live-activity/start "$START_PROGRESS"
	run api PUT /live-activity/stream/k "$PUT_ALERT"
	run fake_control GET log
	[ "${#lines[@]}" -eq 2 ]
	[ "$(json_get "${lines[1]}" 'j["operation"]')" = started ]
	run fake_state
	[ "$(json_get "$output" '(j["open_activities"], j["streams"]["k"]["activity_id"])')" = "(2, 'act_2')" ]
	fake_control POST reset >/dev/null
	run fake_state
	[ "$(json_get "$output" '(j["open_activities"], j["requests"])')" = "(0, 0)" ]
	[ ! -s "$FAKE_LOG" ]
}

@test "wait_for_log_lines times out with a message" {
	fake_server_start
	run wait_for_log_lines 1 1
	[ "$status" -eq 1 ]
	[[ $output == *"has 0 lines, wanted 1"* ]]
}

# ---------------------------------------------------------------- validate-requests.py

@test "validate-requests.py accepts a good dry-run stream" {
	run python3 "$TESTS_DIR/validate-requests.py" <<'EOF'
{"method":"POST","path":"/push-notification","body":{"title":"Build failed","message":"make: *** [all] Error 2"}}
{"method":"PUT","path":"/live-activity/stream/build","body":{"content_state":{"title":"Build","type":"segmented_progress","number_of_steps":3,"current_step":1}}}
{"method":"PUT","path":"/live-activity/stream/build","body":{"content_state":{"title":"Build","type":"segmented_progress","current_step":2}}}
{"method":"DELETE","path":"/live-activity/stream/build","body":{"content_state":{"title":"Build","current_step":3,"auto_dismiss_minutes":0}}}
{"method":"DELETE","path":"/live-activity/stream/other"}
{"method":"POST","path":"/metrics/build.time/value","body":{"value":42.5}}
EOF
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
}

@test "validate-requests.py reports LINE: problem and exits 1" {
	printf '%s\n' \
		'{"method":"POST","path":"/live-activity/start","body":{"content_state":{"title":"CI","type":"progress","percentage":5}},"reply":{"activity_id":"a1"}}' \
		'{"method":"POST","path":"/live-activity/update","body":{"activity_id":"a2","content_state":{"title":"CI","percentage":6}}}' \
		'' \
		'{"method":"POST","path":"/push-notification","body":{"title":"x","colour":"red"}}' \
		'not json' \
		'{"method":"PUT","path":"/live-activity/stream/s","body":{"content_state":{"title":"x","type":"timer"}}}' \
		>"$BATS_TEST_TMPDIR/dry.jsonl"
	run python3 "$TESTS_DIR/validate-requests.py" "$BATS_TEST_TMPDIR/dry.jsonl"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = '2: activity_id "a2" was not started earlier, or has ended' ]
	[ "${lines[1]}" = '4: colour: unknown key' ]
	[[ ${lines[2]} == '5: invalid JSON:'* ]]
	[ "${lines[3]}" = '6: content_state: type timer needs duration_seconds, or counts_down false for an elapsed timer' ]
	[ "${#lines[@]}" -eq 4 ]
}

@test "validate-requests.py flags a 5th concurrent activity; FILE: prefix with two files" {
	for k in a b c d e; do
		echo "{\"method\":\"PUT\",\"path\":\"/live-activity/stream/$k\",\"body\":$PUT_ALERT}"
	done >"$BATS_TEST_TMPDIR/five.jsonl"
	: >"$BATS_TEST_TMPDIR/empty.jsonl"
	run python3 "$TESTS_DIR/validate-requests.py" "$BATS_TEST_TMPDIR/empty.jsonl" "$BATS_TEST_TMPDIR/five.jsonl"
	[ "$status" -eq 1 ]
	[ "$output" = "$BATS_TEST_TMPDIR/five.jsonl:5: starts Live Activity number 5; the limit is 4" ]
	run python3 "$TESTS_DIR/validate-requests.py" --max-activities 0 "$BATS_TEST_TMPDIR/five.jsonl"
	[ "$status" -eq 0 ]
	run python3 "$TESTS_DIR/validate-requests.py" "$BATS_TEST_TMPDIR/missing.jsonl"
	[ "$status" -eq 2 ]
}
