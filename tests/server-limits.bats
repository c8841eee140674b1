#!/usr/bin/env bats
# server-limits.bats: as-tail listens to the server.  RateLimit-Policy and
# RateLimit (draft-ietf-httpapi-ratelimit-headers) resize and drain the
# shared bucket, per feature when the server names a policy per feature;
# without them the documented 60/min holds.  The header parser is checked in
# tests/unit/unit-budget.c.  Issue 12 item 4.

load helpers/common
load helpers/fake-server

teardown() {
	fake_server_stop
}

RULES_TEXT='activity job stream=job steps=1000
match /^oops (\d+)/ push title="oops $1"
match /^step (\d+)/ step job current=$1'

# flood WHAT: for about 2 s, WHAT lines ("oops" or "step"), numbered, into
# as-tail at its default 60/min; a minute is 3 s (AS_TAIL_TIME_SCALE=20).
flood() {
	python3 -c '
import sys, time
for i in range(1, 201):
    for what in sys.argv[1:]:
        print("%s %d" % (what, i), flush=True)
    time.sleep(0.01)' "$@" | AS_TAIL_TIME_SCALE=20 as_tail -q -v \
	    --drain-timeout 1 --api-url "$FAKE_URL" -r "$(rules "$RULES_TEXT")" \
	    2> "$BATS_TEST_TMPDIR/err"
}

@test "a server of 20/min that says so gets no 429 from an as-tail told 60/min" {
	fake_server_start --rate 20 --time-scale 20
	flood oops
	# Not told: the default 60/min runs into the server's 20.
	[ "$(served | grep -c ' 429$')" -gt 0 ]
	fake_server_stop
	fake_server_start --rate 20 --time-scale 20 --ratelimit-headers
	flood oops
	[ "$(served | grep -c ' 200$')" -ge 10 ]
	[ "$(served | grep -c ' 429$')" -eq 0 ]
}

@test "a push policy of its own slows pushes only; Live Activity updates keep the default" {
	fake_server_start --rate 60 --push-rate 10 --time-scale 20 --ratelimit-headers
	flood oops step
	[ "$(served | grep -c ' 429$')" -eq 0 ]
	pushes=$(served | grep -c '^POST /push-notification 200')
	updates=$(served | grep -c '^PUT /live-activity/stream/job 200')
	# Pushes at their 10 a minute; the activity at the default 60, which
	# a bucket shrunk to the push policy would not allow.
	[ "$pushes" -ge 1 ]
	[ "$updates" -ge $((3 * pushes)) ] || { served | sort | uniq -c; false; }
}

@test "a Live Activity's updates are spaced by the interval the server's RateLimit-Policy gives" {
	# as-tail is told 6000/min (an update every 10 ms); the server says 24
	# a minute (two stocked, one every 2.7 s) in its first reply.  Steps 2
	# to 6 come 50 ms apart after the start: one update carries step 6.
	fake_server_start --rate 24 --ratelimit-headers
	paced 6000/min
	# The start, one update and the end of the activity's stream.
	[ "$(served | awk '{ print $1, $3 }')" = "PUT 200
PUT 200
DELETE 200" ]
	[ "$(served_body 2 | python3 -c 'import json, sys; print(json.load(sys.stdin)["content_state"]["current_step"])')" = 6 ]
	[ ! -s "$BATS_TEST_TMPDIR/err" ]
}
