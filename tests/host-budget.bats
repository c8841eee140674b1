#!/usr/bin/env bats
# host-budget.bats: every as-tail on a host using the same key shares one
# request budget and one count of open Live Activities (--budget host, the
# default), through a file in $XDG_RUNTIME_DIR/as-tail; --budget local opts
# out.  The pure rules are in tests/unit/unit-budget.c.  Issue 12.

load helpers/common
load helpers/fake-server

teardown() {
	local p
	for p in ${PIDS:-}; do
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	fake_server_stop
}

PUSHES='match /^oops (\d+)/ push title="oops $1"'

# flood NAME BUDGET [LINES]: LINES pushes (200), one each 10 ms, into as-tail
# with that budget, in the background; its pid is appended to PIDS.
flood() {
	python3 -c '
import sys, time
for i in range(int(sys.argv[1])):
    print("oops %d" % i, flush=True)
    time.sleep(0.01)' "${3:-200}" | as_tail -q --budget "$2" --rate 50/min --drain-timeout 1 \
	    --api-url "$FAKE_URL" -r "$(rules "$PUSHES")" \
	    2> "$BATS_TEST_TMPDIR/err-$1" 3>&- &
	PIDS="${PIDS:-} $!"
}

@test "the budget's rules pass their fake-clock unit test" {
	make -s -C "$TOP" tests/unit/unit-budget
	run "$TOP/tests/unit/unit-budget"
	[ "$status" -eq 0 ]
	[[ "$output" != *"not ok"* ]]
	[[ "$output" == *"ok priority: the update leaves the new token to the end"* ]]
	[[ "$output" == *"ok slots: a dead process's slots are free"* ]]
	[[ "$output" == *"ok turns: 100 waited longest and takes it"* ]]
}

@test "two floods with the host budget share it: no 429; alone each would not" {
	# A minute is 3 s here (AS_TAIL_TIME_SCALE=20); the server allows 60
	# in it, each as-tail is told 50.
	export AS_TAIL_TIME_SCALE=20
	fake_server_start --rate 60 --rate-window 3
	flood a host
	flood b host
	wait $PIDS
	PIDS=
	[ "$(served | grep -c ' 200$')" -ge 20 ]
	[ "$(served | grep -c ' 429$')" -eq 0 ]
	[ ! -s "$BATS_TEST_TMPDIR/err-a" ] && [ ! -s "$BATS_TEST_TMPDIR/err-b" ]
	# The same two with --budget local: 100 a minute against 60, for longer
	# than the server's window, so that a slow start of one of them on a
	# loaded machine cannot keep the two under 60 in every 3 s.
	fake_control POST reset >/dev/null
	flood a local 500
	flood b local 500
	wait $PIDS
	PIDS=
	[ "$(served | grep -c ' 429$')" -gt 0 ]
}

@test "the budget file: under \$XDG_RUNTIME_DIR/as-tail, 0600, named by a hash, never the key" {
	fake_server_start
	send 'oops 1\n' "$PUSHES"
	[ "$(served)" = "POST /push-notification 200" ]
	run ls "$BATS_TEST_TMPDIR/as-tail"
	[[ "$output" =~ ^budget-[0-9a-f]{32}$ ]]
	f=$BATS_TEST_TMPDIR/as-tail/$output
	[ "$(stat -c %a "$BATS_TEST_TMPDIR/as-tail")" = 700 ]
	[ "$(stat -c %a "$f")" = 600 ]
	! grep -q ask_test_key "$f"
	! grep -q "$(printf %s ask_test_key | sha256sum | cut -c1-32)" <<< "$f"
}

@test "--budget local and ACTIVITYSMITH_BUDGET=local keep no file; a bad --budget is a usage error" {
	fake_server_start
	send 'oops 1\n' "$PUSHES" --budget local
	ACTIVITYSMITH_BUDGET=local send 'oops 2\n' "$PUSHES"
	[ "$(served | grep -c ' 200$')" -eq 2 ]
	[ ! -e "$BATS_TEST_TMPDIR/as-tail" ]
	run as_tail --budget sometimes -r "$(rules "$PUSHES")" < /dev/null
	[ "$status" -eq 2 ]
	[[ "$output" == *"--budget: 'sometimes' is not local, host or a redis:// URL"* ]]
}

@test "without \$XDG_RUNTIME_DIR the file is in /tmp/as-tail-UID" {
	key=ask_test_$$_$RANDOM
	fake_server_start --key "$key"
	hash=$(printf 'as-tail budget %s' "$key" | sha256sum | cut -c1-32)
	ACTIVITYSMITH_API_KEY=$key XDG_RUNTIME_DIR= send 'oops 1\n' "$PUSHES"
	[ "$(served)" = "POST /push-notification 200" ]
	f=/tmp/as-tail-$(id -u)/budget-$hash
	[ -f "$f" ]
	rm -f "$f"
}

@test "a budget directory others can write to is refused once; as-tail carries on alone" {
	fake_server_start
	mkdir -m 777 "$BATS_TEST_TMPDIR/as-tail"
	send 'oops 1\noops 2\n' "$PUSHES"
	[ "$(served | grep -c ' 200$')" -eq 2 ]
	[ "$(grep -c 'host budget' "$BATS_TEST_TMPDIR/err")" -eq 1 ]
	grep -q "^as-tail: host budget: $BATS_TEST_TMPDIR/as-tail: not a directory private to this user; sharing nothing with other as-tail processes$" "$BATS_TEST_TMPDIR/err"
}

ACTS='activity a1 stream=a1
activity a2 stream=a2
activity a3 stream=a3
activity b1 stream=b1
activity b2 stream=b2
match /^a$/ start a1; start a2; start a3
match /^b$/ start b1; start b2'

# watcher NAME: an as-tail reading the fifo NAME (kept open on fd 5 or 6,
# which it must not inherit),
# stderr in err-NAME; its pid is appended to PIDS.
watcher() {
	mkfifo "$BATS_TEST_TMPDIR/$1"
	# exec: the pid is as-tail's own (teardown kills what is left).
	(exec ${AS_TAIL_WRAPPER:-} "$AS_TAIL" -q -v --api-url "$FAKE_URL" \
	    -r "$(rules "$ACTS")" < "$BATS_TEST_TMPDIR/$1" \
	    2> "$BATS_TEST_TMPDIR/err-$1" 3>&- 5>&- 6>&-) &
	PIDS="${PIDS:-} $!"
}

@test "a fifth activity across two processes waits for a slot, then starts; never over 4" {
	fake_server_start
	watcher one
	exec 5> "$BATS_TEST_TMPDIR/one"
	printf 'a\n' >&5
	wait_for_log_lines 3 15
	watcher two
	exec 6> "$BATS_TEST_TMPDIR/two"
	printf 'b\n' >&6
	wait_grep 'waiting for a free Live Activity slot (4 in use)' "$BATS_TEST_TMPDIR/err-two"
	[ "$(served | grep -c 'PUT')" -eq 4 ]
	exec 5>&-		# the first watcher ends its three
	wait_for_log_lines 8 15
	exec 6>&-
	wait $PIDS
	PIDS=
	# Never more than 4 open; no limit 429; every start and end went.
	python3 - "$FAKE_LOG" <<'PY'
import json, sys
open_now = peak = 0
for line in open(sys.argv[1]):
    e = json.loads(line)
    assert e["status"] == 200, e
    open_now += 1 if e["method"] == "PUT" else -1
    peak = max(peak, open_now)
assert peak == 4 and open_now == 0, (peak, open_now)
PY
	[ "$(served | grep -c 'PUT /live-activity/stream/b[12] 200')" -eq 2 ]
	[ "$(served | grep -c 'DELETE .* 200')" -eq 5 ]
	grep -q 'a Live Activity slot is free' "$BATS_TEST_TMPDIR/err-two"
}

@test "a process that dies keeps no slots: the waiting start goes at once" {
	fake_server_start --max-activities 0
	watcher one
	exec 5> "$BATS_TEST_TMPDIR/one"
	printf 'a\nb\n' >&5
	wait_for_log_lines 4 15
	watcher two
	exec 6> "$BATS_TEST_TMPDIR/two"
	printf 'a\n' >&6
	wait_grep 'waiting for a free Live Activity slot' "$BATS_TEST_TMPDIR/err-two"
	[ "$(wc -l < "$FAKE_LOG")" -eq 4 ]
	set -- $PIDS
	kill -KILL "$1"
	wait_for_log_lines 5 15
	exec 5>&- 6>&-
}

@test "a fifth activity waiting for a slot starts with its latest state: one start, no update" {
	fake_server_start
	mkfifo "$BATS_TEST_TMPDIR/in"
	as_tail -q -v --api-url "$FAKE_URL" -r "$(rules 'activity a1 stream=a1 steps=100
activity a2 stream=a2 steps=100
activity a3 stream=a3 steps=100
activity a4 stream=a4 steps=100
activity a5 stream=a5 steps=100
match /^go/ start a1; start a2; start a3; start a4; start a5
match /^s (\d+)/ step a5 current=$1
match /^stop a1/ end a1 success')" < "$BATS_TEST_TMPDIR/in" \
	    2> "$BATS_TEST_TMPDIR/err" 3>&- &
	PIDS=$!
	exec 5> "$BATS_TEST_TMPDIR/in"
	printf 'go\n' >&5
	wait_grep 'stream/a5: waiting for a free Live Activity slot (4 in use)' "$BATS_TEST_TMPDIR/err"
	seq 1 100 | sed 's/^/s /' >&5
	printf 'stop a1\n' >&5
	wait_grep '"percentage":100' "$FAKE_LOG"
	exec 5>&-
	wait $PIDS
	PIDS=
	[ "$(served | grep -c ' 429$')" -eq 0 ]
	python3 - "$FAKE_LOG" <<'PY'
import json, sys
log = [json.loads(l) for l in open(sys.argv[1])]
a5 = [e for e in log if e["path"].endswith("/a5")]
# The start that waited went once, carrying the last step; no update after.
assert [e["method"] for e in a5] == ["PUT", "DELETE"], a5
assert a5[0]["body"]["content_state"]["percentage"] == 100, a5
assert a5[0]["body"]["content_state"]["type"] == "progress", a5
# a5 started only after a1 ended.
order = [e["path"].rsplit("/", 1)[1] + " " + e["method"] for e in log]
assert order.index("a1 DELETE") < order.index("a5 PUT"), order
PY
}

@test "-v and SIGUSR1 say which activities wait for a slot, each once" {
	fake_server_start
	mkfifo "$BATS_TEST_TMPDIR/in"
	# exec: the pid is as-tail's own, for kill -USR1.
	(exec ${AS_TAIL_WRAPPER:-} "$AS_TAIL" -q -v --api-url "$FAKE_URL" -r "$(rules 'activity a1 stream=a1
activity a2 stream=a2
activity a3 stream=a3
activity a4 stream=a4
activity a5 stream=a5
activity a6 stream=a6
match /^go/ start a1; start a2; start a3; start a4; start a5; start a6
match /^stop/ end a1 success; end a2 success')" < "$BATS_TEST_TMPDIR/in" \
	    2> "$BATS_TEST_TMPDIR/err" 3>&- 5>&-) &
	PIDS=$!
	exec 5> "$BATS_TEST_TMPDIR/in"
	printf 'go\n' >&5
	wait_grep 'stream/a6: waiting for a free Live Activity slot (4 in use)' "$BATS_TEST_TMPDIR/err"
	wait_grep 'stream/a5: waiting for a free Live Activity slot (4 in use)' "$BATS_TEST_TMPDIR/err"
	# Two status lines, a tick (a second) apart: the two starts have asked
	# for a slot again and again meanwhile.
	kill -USR1 $PIDS
	wait_grep 'line read' "$BATS_TEST_TMPDIR/err"
	kill -USR1 $PIDS
	for i in $(seq 100); do
		[ "$(grep -c 'line read' "$BATS_TEST_TMPDIR/err")" -ge 2 ] && break
		sleep 0.1
	done
	grep 'line read' "$BATS_TEST_TMPDIR/err" | tail -1 > "$BATS_TEST_TMPDIR/status"
	grep -q '; requests: 4 sent, 2 queued, 0 coalesced, 0 folded, 0 failed; a1 0/1; a2 0/1; a3 0/1; a4 0/1; a5 0/1 waiting for a Live Activity slot; a6 0/1 waiting for a Live Activity slot$' "$BATS_TEST_TMPDIR/status"
	[ "$(grep -c 'waiting for a free Live Activity slot' "$BATS_TEST_TMPDIR/err")" -eq 2 ]
	printf 'stop\n' >&5
	wait_grep 'stream/a6: a Live Activity slot is free' "$BATS_TEST_TMPDIR/err"
	wait_grep 'stream/a5: a Live Activity slot is free' "$BATS_TEST_TMPDIR/err"
	kill -USR1 $PIDS
	for i in $(seq 100); do
		[ "$(grep -c 'line read' "$BATS_TEST_TMPDIR/err")" -ge 3 ] && break
		sleep 0.1
	done
	! grep 'line read' "$BATS_TEST_TMPDIR/err" | tail -1 | grep -q 'waiting'
	exec 5>&-
	wait $PIDS
	PIDS=
	[ "$(served | grep -c ' 429$')" -eq 0 ]
}

@test "ends and starts of one process go before the updates of another (issue 12.3)" {
	# A minute is 12 s here; both as-tail are told 50 a minute.
	export AS_TAIL_TIME_SCALE=5
	fake_server_start --rate 60 --rate-window 12
	# One process: a bar stepping every 10 ms until told to stop (30 s at
	# most), so that it always has an update waiting for a token.
	python3 -c '
import os, sys, time
for i in range(3000):
    if os.path.exists(sys.argv[1]):
        break
    print("step %d" % i, flush=True)
    time.sleep(0.01)
print("done", flush=True)' "$BATS_TEST_TMPDIR/stop" |
	    as_tail -q --rate 50/min --api-url "$FAKE_URL" -r "$(rules 'activity a stream=a steps=3000
match /^step (\d+)/ step a current=$1
match /^done/ end a success')" 2> "$BATS_TEST_TMPDIR/err-a" 3>&- &
	PIDS=$!
	# Once its updates have spent the bucket, another process starts and
	# ends three activities of its own.
	for i in $(seq 200); do
		[ "$(served | grep -c 'stream/a 200')" -ge 10 ] && break
		sleep 0.1
	done
	send 'go\nstop\n' 'activity b1 stream=b1
activity b2 stream=b2
activity b3 stream=b3
match /^go/ start b1; start b2; start b3
match /^stop/ end b1 success; end b2 success; end b3 success' --rate 50/min
	touch "$BATS_TEST_TMPDIR/stop"
	wait $PIDS
	PIDS=
	[ ! -s "$BATS_TEST_TMPDIR/err" ] && [ ! -s "$BATS_TEST_TMPDIR/err-a" ]
	[ "$(served | grep -c ' 429$')" -eq 0 ]
	# Between the second process's first start and its last end, the
	# first one's updates got at most a token or two (one on its way, one
	# free while the second's request was in flight); with no priority
	# across processes they take turns (five or more).
	python3 - "$FAKE_LOG" <<'PY'
import json, sys
log = [json.loads(l)["path"].rsplit("/", 1)[1] for l in open(sys.argv[1])]
b = [i for i, p in enumerate(log) if p.startswith("b")]
assert len(b) == 6, log
between = [p for p in log[b[0]:b[-1]] if p == "a"]
assert len(between) <= 2, log
PY
}
