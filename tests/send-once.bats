#!/usr/bin/env bats
# send-once.bats: as-tail --send ACTION sends one push, metric or badge,
# waits for the reply, prints it (--json: as it came), and exits 0 on a 2xx
# reply, 1 otherwise, 2 if the action is not valid (issue 13).

load helpers/common
load helpers/fake-server

setup() {
	fake_server_start --metric disk.free
}

teardown() {
	fake_server_stop
}

@test "--send pushes once and prints the reply, one field a line; exit 0" {
	HOST=db1 run as_tail --api-url "$FAKE_URL" \
	    --send 'push title="Backup done" message="${env:HOST}"'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(served)" = "POST /push-notification 200" ]
	[ "$(served_body 1)" = '{"title":"Backup done","message":"db1"}' ]
	[[ "${lines[0]}" == "success: true" ]]
	printf '%s\n' "$output" | grep -q '^devices_notified: [0-9]'
}

@test "--send --json prints the reply as it came" {
	run as_tail --api-url "$FAKE_URL" --json --send 'push title=t message=m'
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	printf '%s\n' "$output" | python3 -c 'import json,sys; assert json.load(sys.stdin)["success"] is True'
}

@test "--send of a metric and a badge in one action sends both" {
	run as_tail --api-url "$FAKE_URL" --send 'metric disk.free value=42; badge count=3'
	[ "$status" -eq 0 ]
	[ "$(served | sort)" = "POST /badge 200
POST /metrics/disk.free/value 200" ]
}

@test "--send exits 1 on a 4xx or 5xx reply, once, without retrying, and says why" {
	fake_fault '[{"path":"/push", "status":503}]'
	run as_tail --api-url "$FAKE_URL" --send 'push title=t message=m'
	[ "$status" -eq 1 ]
	[ "$(served)" = "POST /push-notification 503" ]
	[[ "$output" == *"as-tail: POST /push-notification: HTTP 503"* ]]
	fake_fault '[{"path":"/push", "status":400}]'
	run as_tail --api-url "$FAKE_URL" --send 'push title=t message=m'
	[ "$status" -eq 1 ]
}

@test "--send exits 1 when no reply comes" {
	run as_tail --api-url http://127.0.0.1:1 --send 'push title=t message=m'
	[ "$status" -eq 1 ]
	[[ "$output" == "as-tail: POST /push-notification: "* ]]
}

@test "--send with a wrong key exits 1 and never prints the key" {
	ACTIVITYSMITH_API_KEY=ask_wrong_key_123 run as_tail --api-url "$FAKE_URL" \
	    --send 'push title=t message=m'
	[ "$status" -eq 1 ]
	[[ "$output" != *ask_wrong_key_123* ]]
	[ "$(served)" = "POST /push-notification 401" ]
}

@test "an invalid --send action exits 2 with its column, and sends nothing" {
	run as_tail --api-url "$FAKE_URL" --send 'push titel=x'
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "as-tail: --send:1:6: push takes no 'titel' (did you mean 'title'?)" ]
	[ "${lines[1]}" = "as-tail: 1 error in --send; nothing was sent" ]
	run as_tail --api-url "$FAKE_URL" --send 'push title=t message=m; bogus'
	[ "$status" -eq 2 ]
	[ ! -s "$FAKE_LOG" ]
}

@test "a Live Activity action cannot be sent once" {
	run as_tail -n --send 'push title=t message=m; end x'
	[ "$status" -eq 2 ]
	[[ "$output" == *"no activity named 'x'"* ]]
}

@test "--send -n shows the request and needs no key; --trace has its JSON" {
	unset ACTIVITYSMITH_API_KEY
	run as_tail -n --send 'badge count=7'
	[ "$status" -eq 0 ]
	[ "$output" = 'badge  7' ]
	run as_tail -n --trace - --send 'badge count=7'
	[ "$status" -eq 0 ]
	[ "$output" = '{"method":"POST","path":"/badge","body":{"badge":7}}' ]
}

@test "--send reads no input and takes no rules; --json needs --send" {
	run as_tail -n --send 'badge count=1' app.log
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "as-tail: --send sends one action: it takes no rules and reads no input" ]
	run as_tail -n -r generic --send 'badge count=1'
	[ "$status" -eq 2 ]
	run as_tail -n --json < /dev/null
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "as-tail: --json goes with --send" ]
}
