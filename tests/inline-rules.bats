#!/usr/bin/env bats
# inline-rules.bats: -e RULE adds a rule given on the command line,
# repeatable like grep -e, so a one-liner needs no rules file (issue 13).

load helpers/common

@test "-e alone is enough: the issue's panic one-liner" {
	printf 'starting\npanic: disk full\n' | as_tail -n -q \
	    --trace "$BATS_TEST_TMPDIR/trace" \
	    -e 'match /panic: (.*)/ push title="panic" message="$1"'
	[ "$(requests)" = "POST /push-notification" ]
	[ "$(body 1)" = '{"title":"panic","message":"disk full"}' ]
}

@test "-e is repeatable: each is one line, an activity and its rules" {
	printf 'Step 1/3\nStep 3/3\n' | as_tail -n -q --api classic --trace "$BATS_TEST_TMPDIR/trace" \
	    -e 'activity d title=Deploy' \
	    -e 'match /^Step (\d+)\/(\d+)/ step d current=$1 total=$2'
	[ "$(requests)" = "POST /live-activity/start
POST /live-activity/update
POST /live-activity/end" ]
	[ "$(field 2 'b["content_state"]["current_step"]')" = 3 ]
}

@test "-e rules load after the -r files, and the two mix" {
	printf 'go\n' | as_tail -n -q --api classic --trace "$BATS_TEST_TMPDIR/trace" \
	    -r "$(rules 'activity a title=A steps=2')" \
	    -e 'match /^go/ step a current=1; push title=x message=y'
	[ "$(requests)" = "POST /push-notification
POST /live-activity/start
POST /live-activity/end" ]
}

@test "an error in an -e rule is reported as -e:N:COL, N the -e it is in; exit 2" {
	run as_tail -n -e 'match /x/ push title=t message=m' -e 'matc /y/' < /dev/null
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "as-tail: -e:2:1: unknown keyword 'matc' (did you mean 'match'?)" ]
	[ "${lines[1]}" = "as-tail: 1 error in the rules; nothing was read or sent" ]
}

@test "with -e and no -r no pack is chosen" {
	run as_tail -v -n -q -e 'match /x/ push title=t message=m' < /dev/null
	[ "$status" -eq 0 ]
	[[ "$output" != *pack* ]]
}

@test "--check checks -e rules and their examples" {
	run as_tail --check -e 'match /^up (\S+)/ push title=up message=$1' \
	    -e 'example "up web1" push title=up message=web1'
	[ "$status" -eq 0 ]
	run as_tail --check -e 'match /^up (\S+)/ push title=up message=$1' \
	    -e 'example "up web1" push title=up message=web2'
	[ "$status" -eq 2 ]
	[[ "$output" == *"-e:2:"* ]]
}
