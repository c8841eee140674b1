#!/usr/bin/env bats
# config.bats: the config file ($XDG_CONFIG_HOME/as-tail/config or
# --config FILE) gives option defaults; the command line wins; every error
# is reported at FILE:LINE (issue 13).

load helpers/common
load helpers/fake-server

teardown() {
	fake_server_stop
}

# config TEXT: write the default config file.
config() {
	mkdir -p "$XDG_CONFIG_HOME/as-tail"
	printf '%s\n' "$1" > "$XDG_CONFIG_HOME/as-tail/config"
}

PUSH='match /^go/ push title="t" message="m"'

@test "the config file gives the key file and the API URL" {
	fake_server_start
	printf '%s\n' "$ACTIVITYSMITH_API_KEY" > "$BATS_TEST_TMPDIR/key"
	chmod 600 "$BATS_TEST_TMPDIR/key"
	unset ACTIVITYSMITH_API_KEY
	config "# as-tail defaults
api-url   $FAKE_URL

api-key-file key"
	mv "$BATS_TEST_TMPDIR/key" "$XDG_CONFIG_HOME/as-tail/key"
	run as_tail -q -r "$(rules "$PUSH")" <<< go
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ "$(served)" = "POST /push-notification 200" ]
}

@test "the command line wins over the config file" {
	fake_server_start
	config "api-url http://127.0.0.1:1/nowhere
rate 1/min"
	run as_tail -q --api-url "$FAKE_URL" --rate 60/min -r "$(rules "$PUSH")" \
	    <<< $'go\ngo'
	[ "$status" -eq 0 ]
	[ "$(served)" = "POST /push-notification 200
POST /push-notification 200" ]
}

@test "the config file's rate holds back the second request" {
	fake_server_start
	config "api-url $FAKE_URL
rate 1/min"
	run as_tail -q --drain-timeout 1 -r "$(rules "$PUSH")" <<< $'go\ngo'
	[ "$(served)" = "POST /push-notification 200" ]
	[[ "$output" == *"1 request not delivered"* ]]
}

@test "--config FILE is read instead of the default one" {
	config "unknown-key 1"
	printf 'api classic\n' > "$BATS_TEST_TMPDIR/other"
	run as_tail -n -q --config "$BATS_TEST_TMPDIR/other" -r "$(rules "$PUSH")" < /dev/null
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "a missing --config FILE exits 2; a missing default one is fine" {
	run as_tail -n -q --config "$BATS_TEST_TMPDIR/nope" -r generic < /dev/null
	[ "$status" -eq 2 ]
	[ "$output" = "as-tail: $BATS_TEST_TMPDIR/nope: No such file or directory" ]
	[ ! -e "$XDG_CONFIG_HOME/as-tail/config" ]
	run as_tail -n -q -r generic < /dev/null
	[ "$status" -eq 0 ]
}

@test "every bad line of the config file is reported at FILE:LINE, then exit 2" {
	config "# comment
rate 10/min
colour red
rate 20/min
api"
	f=$XDG_CONFIG_HOME/as-tail/config
	run as_tail -n -q -r generic < /dev/null
	[ "$status" -eq 2 ]
	[ "$output" = "as-tail: $f:3: unknown key 'colour'
as-tail: $f:4: 'rate' is already set on line 2
as-tail: $f:5: 'api' needs a value
as-tail: 3 errors in $f; nothing was read or sent" ]
}

@test "a value the option refuses is reported at its FILE:LINE" {
	config "api classic
rate lots"
	f=$XDG_CONFIG_HOME/as-tail/config
	run as_tail -n -q -r generic < /dev/null
	[ "$status" -eq 2 ]
	[ "$output" = "as-tail: $f:2: --rate: 'lots' is not a rate like 60/min (at most 6000/min)" ]
	config "api fast"
	run as_tail -n -q -r generic < /dev/null
	[ "$status" -eq 2 ]
	[ "$output" = "as-tail: $f:1: --api: 'fast' is not classic or stream" ]
}

@test "a bad value in the config file is an error even when the command line gives the option" {
	config "rate lots"
	run as_tail -n -q --rate 5 -r generic < /dev/null
	[ "$status" -eq 2 ]
	[[ "$output" == *":1: --rate: 'lots'"* ]]
}

@test "the config file's budget is --budget's default, checked at its FILE:LINE" {
	config "budget local"
	run as_tail -n -q -r generic < /dev/null
	[ "$status" -eq 0 ]
	config "api classic
budget nearby"
	f=$XDG_CONFIG_HOME/as-tail/config
	run as_tail -n -q -r generic < /dev/null
	[ "$status" -eq 2 ]
	[ "$output" = "as-tail: $f:2: --budget: 'nearby' is not local, host or a redis:// URL" ]
	run as_tail -n -q --budget host -r generic < /dev/null
	[ "$status" -eq 2 ]
}

@test "the config file's pack replaces generic when nothing else names one" {
	config "pack make"
	run as_tail -v -n -q < /dev/null
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | grep '^as-tail: rules: ')" = "as-tail: rules: the make pack" ]
	run as_tail -v -n -q -r generic < /dev/null
	! printf '%s\n' "$output" | grep -q '^as-tail: rules: '
}

@test "--api stream from the config file: requests go to the stream endpoint" {
	config "api stream"
	run as_tail -n -q --trace "$BATS_TEST_TMPDIR/trace" \
	    -r "$(rules 'activity a type=progress
match /^(\d+)%/ progress a percent=$1')" <<< '50%'
	[ "$status" -eq 0 ]
	[[ "$(requests | head -n 1)" == "PUT /live-activity/stream/"* ]]
	run as_tail -n -q --api classic --trace "$BATS_TEST_TMPDIR/trace" \
	    -r "$BATS_TEST_TMPDIR/t.rules" <<< '50%'
	[ "$(requests | head -n 1)" = "POST /live-activity/start" ]
}

@test "the config file's channels go on the pushes and starts that name none" {
	config "channels ops,dev-1"
	run as_tail -n -q --trace "$BATS_TEST_TMPDIR/trace" -r "$(rules 'activity a
activity b channels=night
match /^a/ start a
match /^b/ start b
match /^p/ push title=t
match /^q/ push title=t channels=pager')" <<< 'a
b
p
q'
	[ "$status" -eq 0 ]
	[ "$(field 1 'b["target"]')" = "{'channels': ['ops', 'dev-1']}" ]
	[ "$(field 2 'b["target"]')" = "{'channels': ['night']}" ]
	[ "$(field 3 'b["target"]')" = "{'channels': ['ops', 'dev-1']}" ]
	[ "$(field 4 'b["target"]')" = "{'channels': ['pager']}" ]
	valid_trace
	run as_tail -n --trace "$BATS_TEST_TMPDIR/trace" --send 'push title=x'
	[ "$status" -eq 0 ]
	[ "$(field 1 'b["target"]')" = "{'channels': ['ops', 'dev-1']}" ]
}

@test "a bad channels value in the config file is reported at its FILE:LINE" {
	config "rate 30/min
channels ops,,dev"
	f=$XDG_CONFIG_HOME/as-tail/config
	run as_tail -n -q -r generic < /dev/null
	[ "$status" -eq 2 ]
	[ "$output" = "as-tail: $f:2: channels: 'ops,,dev' is not a comma-separated list of channel slugs" ]
}
