#!/usr/bin/env bats
# dry-run.bats: -n sends what a real run would, in the same order (the
# outbox coalesces, folds and orders as it would, with an instant reply),
# and says each request in words on stderr; --trace keeps the JSON
# (issue 10.14).  These tests check the real policy, so they take away
# the helpers' AS_TAIL_DRY_UNLIMITED.

load helpers/common
load helpers/fake-server

setup() {
	unset AS_TAIL_DRY_UNLIMITED
}

teardown() {
	fake_server_stop
}

BUILD='activity b title=Build subtitle="on vm" color=blue
match /^Step (\d+)\/(\d+)/ step b current=$1 total=$2
match /^error: (.*)/ push title="Build error" message="$1"'

@test "a 100000-push flood under -n sends what a real run would: 16 wait, the rest fold" {
	seq 100000 | sed 's/^/error: /' > "$BATS_TEST_TMPDIR/in"
	as_tail -n -q -v --trace "$BATS_TEST_TMPDIR/trace" -r "$(rules "$BUILD")" \
	    < "$BATS_TEST_TMPDIR/in" 2> "$BATS_TEST_TMPDIR/err"
	n=$(requests | wc -l)
	# The burst and what the 10 s drain lets go: a handful, not 10^5.
	[ "$n" -ge 5 ]
	[ "$n" -le 40 ]
	[ "$(requests | sort -u)" = "POST /push-notification" ]
	# In order: each push starts with a later line than the one before
	# (the burst is lines 1, 2, ...; a token that comes while the input is
	# read, as under valgrind, takes a later line), the rest folded.
	prev=0
	for i in $(seq "$n"); do
		first=$(field "$i" 'b["message"].split("\n")[0]')
		[ "$first" -gt "$prev" ]
		prev=$first
	done
	[ "$(field 1 'b["message"].split("\n")[0]')" = 1 ]
	sent=$(sed -n 's/.*requests: \([0-9]*\) sent, .*/\1/p' "$BATS_TEST_TMPDIR/err")
	folded=$(sed -n 's/.* \([0-9]*\) folded, .*/\1/p' "$BATS_TEST_TMPDIR/err")
	unsent=$(sed -n 's/.* \([0-9]*\) unsent$/\1/p' "$BATS_TEST_TMPDIR/err")
	[ "$sent" -eq "$n" ]
	[ $((sent + folded + unsent)) -eq 100000 ]
	[ "$folded" -ge 99900 ]
	grep -q "as-tail: $unsent requests not delivered" "$BATS_TEST_TMPDIR/err"
}

@test "-n reduces badge and metric values to the latest, as a real run does" {
	seq 30 | sed 's/^/n /' | as_tail -n -q --trace "$BATS_TEST_TMPDIR/trace" \
	    -r "$(rules 'match /^n (\d+)/ badge count=$1; metric cpu.load value=$1')"
	badges=$(requests | grep -c '^POST /badge$')
	metrics=$(requests | grep -c '^POST /metrics/cpu.load/value$')
	[ "$badges" -lt 30 ]
	[ "$metrics" -lt 30 ]
	# The last of each carries the latest value.
	python3 - "$BATS_TEST_TMPDIR/trace" <<'PY'
import json, sys
reqs = [json.loads(l) for l in open(sys.argv[1])]
badge = [r["body"]["badge"] for r in reqs if r["path"] == "/badge"]
load = [r["body"]["value"] for r in reqs if r["path"].startswith("/metrics/")]
assert badge[-1] == 30 and load[-1] == 30, (badge, load)
assert badge == sorted(badge) and load == sorted(load), (badge, load)
PY
}

# normalize FILE: the requests of a trace or of the fake server's log, as
# METHOD PATH BODY lines, with what differs between runs (the stream key,
# the activity id) left out.
normalize() {
	python3 - "$1" <<'PY'
import json, re, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    body = dict(r.get("body") or {})
    body.pop("activity_id", None)
    print(r["method"], re.sub(r"/stream/.*", "/stream/KEY", r["path"]),
          json.dumps(body, sort_keys=True, ensure_ascii=False))
PY
}

@test "-n sends in the order a real run delivers to the fake server, for the same input" {
	# A budget of one request at once, then one every 1.1 s (12/min on a
	# clock 5 times faster): the start goes, the rest waits, so the real
	# run's order does not depend on how fast it reads.
	{
		echo 'Step 1/8'
		for i in 1 2 3 4 5 6; do echo "error: e$i"; done
		for i in 2 3 4 5 6 7 8; do echo "Step $i/8"; done
	} > "$BATS_TEST_TMPDIR/in"
	fake_server_start --rate 0
	AS_TAIL_TIME_SCALE=5 as_tail -q --rate 12/min --drain-timeout 30 \
	    --api-url "$FAKE_URL" -r "$(rules "$BUILD")" < "$BATS_TEST_TMPDIR/in"
	AS_TAIL_TIME_SCALE=5 as_tail -n -q --rate 12/min --drain-timeout 30 \
	    --trace "$BATS_TEST_TMPDIR/trace" -r "$(rules "$BUILD")" < "$BATS_TEST_TMPDIR/in"
	[ "$(served | grep -cv ' 200$')" -eq 0 ]
	normalize "$FAKE_LOG" > "$BATS_TEST_TMPDIR/real"
	normalize "$BATS_TEST_TMPDIR/trace" > "$BATS_TEST_TMPDIR/dry"
	diff "$BATS_TEST_TMPDIR/real" "$BATS_TEST_TMPDIR/dry"
	# The start, then the end (first, carrying the last step), then the
	# pushes in order; the updates in between coalesced into the end.
	[ "$(requests | wc -l)" -eq 8 ]
	requests | sed -n 1p | grep -Eq '^(PUT /live-activity/stream/|POST /live-activity/start$)'
	requests | sed -n 2p | grep -Eq '^(DELETE /live-activity/stream/|POST /live-activity/end$)'
	[ "$(requests | sed -n '3,$p' | sort -u)" = "POST /push-notification" ]
	[ "$(field 2 'b["content_state"]["current_step"]')" = 8 ]
}

@test "-n says each request in words on stderr, as the phone would show it" {
	# Every request in words, so without the budget: with it, an update a
	# moment after its start waits out the spacing and the end replaces
	# it, as in a real run.
	printf 'Step 3/8\nerror: undefined reference to main\nStep 5/8\n' |
	    AS_TAIL_DRY_UNLIMITED=1 as_tail -n -q -r "$(rules "$BUILD
match /^Step 5/ badge count=2; metric cpu.load value=0.5")" 2> "$BATS_TEST_TMPDIR/err"
	[ "$(cat "$BATS_TEST_TMPDIR/err")" = "start  Build  on vm  3/8  blue
push  Build error: undefined reference to main
badge  2
metric  cpu.load  0.5
update  Build  on vm  5/8  blue
end  Build  on vm  5/8  green" ]
}

@test "-n with --trace writes the JSON there and nothing on stderr" {
	printf 'Step 3/8\n' | as_tail -n -q --trace "$BATS_TEST_TMPDIR/trace" \
	    -r "$(rules "$BUILD")" 2> "$BATS_TEST_TMPDIR/err"
	[ ! -s "$BATS_TEST_TMPDIR/err" ]
	[ "$(requests | wc -l)" -eq 2 ]
	valid_trace
}

@test "--send -n says the request in words" {
	run as_tail -n --send 'push title="Backup done" message="all 3 disks"'
	[ "$status" -eq 0 ]
	[ "$output" = "push  Backup done: all 3 disks" ]
}

@test "SIGUSR1 counts the requests queued behind the budget (issue 10.9)" {
	mkfifo "$BATS_TEST_TMPDIR/in"
	"$AS_TAIL" -n -q --rate 1/min --drain-timeout 600 --trace "$BATS_TEST_TMPDIR/trace" \
	    -r "$(rules "$BUILD")" < "$BATS_TEST_TMPDIR/in" 2> "$BATS_TEST_TMPDIR/err" 3>&- &
	pid=$!
	exec 5> "$BATS_TEST_TMPDIR/in"
	printf 'error: a\nerror: b\nerror: c\nerror: d\n' >&5
	wait_grep '"a"' "$BATS_TEST_TMPDIR/trace"	# the signals are caught
	# Ask until the status has all four lines (within a second of each).
	for i in $(seq 100); do
		kill -USR1 $pid
		grep -q '4 lines read' "$BATS_TEST_TMPDIR/err" && break
		sleep 0.2
	done
	exec 5>&-
	wait $pid
	# A budget of 1 a minute lets one go at once; the other three wait
	# (and go in the drain, whose waits a dry run skips).
	[ "$(grep -m1 '4 lines read' "$BATS_TEST_TMPDIR/err")" = "as-tail: 4 lines read; requests: 1 sent, 3 queued, 0 coalesced, 0 folded, 0 failed" ]
	[ "$(requests | wc -l)" -eq 4 ]
}
