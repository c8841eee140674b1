#!/usr/bin/env bats
# redis-budget.bats: --budget redis://... shares the account's budget across
# hosts through a real redis-server: one bucket and four slots for as-tail
# processes with different runtime directories (as on different hosts), and
# a Redis that cannot be reached falls back to the host budget.  Issue 12
# item 2.

load helpers/common
load helpers/fake-server
load helpers/redis

setup() {
	redis_start
}

teardown() {
	local p
	for p in ${PIDS:-}; do
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	fake_server_stop
	redis_stop
}

PUSHES='match /^oops (\d+)/ push title="oops $1"'

# flood NAME BUDGET: pushes for about 2 s into an as-tail of its own "host"
# (runtime directory), in the background; its pid is appended to PIDS.
flood() {
	mkdir -p "$BATS_TEST_TMPDIR/host-$1"
	python3 -c '
import sys, time
for i in range(200):
    print("oops %d" % i, flush=True)
    time.sleep(0.01)' | XDG_RUNTIME_DIR=$BATS_TEST_TMPDIR/host-$1 \
	    as_tail -q --budget "$2" --rate 50/min --drain-timeout 1 \
	    --api-url "$FAKE_URL" -r "$(rules "$PUSHES")" \
	    2> "$BATS_TEST_TMPDIR/err-$1" 3>&- &
	PIDS="${PIDS:-} $!"
}

@test "two hosts sharing one Redis stay within the budget; with host budgets they would not" {
	export AS_TAIL_TIME_SCALE=20
	fake_server_start --rate 60 --rate-window 3
	flood a "$REDIS_URL"
	flood b "$REDIS_URL"
	wait $PIDS
	PIDS=
	[ "$(served | grep -c ' 200$')" -ge 20 ]
	[ "$(served | grep -c ' 429$')" -eq 0 ]
	[ ! -s "$BATS_TEST_TMPDIR/err-a" ] && [ ! -s "$BATS_TEST_TMPDIR/err-b" ]
	fake_control POST reset >/dev/null
	flood a host
	flood b host
	wait $PIDS
	PIDS=
	[ "$(served | grep -c ' 429$')" -gt 0 ]
}

@test "the Redis layout: PREFIX:HASH keys from the URL's db and key, never the key" {
	fake_server_start
	hash=$(printf 'as-tail budget %s' ask_test_key | sha256sum | cut -c1-32)
	send 'oops 1\n' "$PUSHES" --budget "$REDIS_URL/3?key=team"
	[ "$(served)" = "POST /push-notification 200" ]
	[ "$(rcli -n 3 keys '*')" = "team:$hash:bucket:default" ]
	[ "$(rcli -n 3 hget "team:$hash:bucket:default" pm)" = 60 ]
	[ "$(rcli -n 3 hget "team:$hash:bucket:default" tokens)" = 4 ]
	[ "$(rcli -n 0 dbsize)" = 0 ]
	! rcli -n 3 --scan | grep -q ask_test_key
	# ACTIVITYSMITH_BUDGET works too, with the default prefix.
	ACTIVITYSMITH_BUDGET=$REDIS_URL send 'oops 2\n' "$PUSHES"
	[ "$(rcli keys '*')" = "as-tail:$hash:bucket:default" ]
}

@test "a bad redis URL is a usage error" {
	for url in redis:// redis://h:0 redis://h:99999 redis://h/x 'redis://h?db=1' 'redis://h?key='; do
		run as_tail --budget "$url" -r "$(rules "$PUSHES")" < /dev/null
		[ "$status" -eq 2 ]
		[[ "$output" == *"--budget: '$url' is not redis://HOST[:PORT][/DB][?key=PREFIX]"* ]]
	done
}

ACTS='activity a1 stream=a1
activity a2 stream=a2
activity a3 stream=a3
activity b1 stream=b1
activity b2 stream=b2
match /^a$/ start a1; start a2; start a3
match /^b$/ start b1; start b2'

# watcher NAME: an as-tail of its own "host" on the Redis budget, reading
# the fifo NAME (kept open on fd 5 or 6, which it must not inherit).
watcher() {
	mkfifo "$BATS_TEST_TMPDIR/$1"
	mkdir -p "$BATS_TEST_TMPDIR/host-$1"
	(XDG_RUNTIME_DIR=$BATS_TEST_TMPDIR/host-$1 exec ${AS_TAIL_WRAPPER:-} \
	    "$AS_TAIL" -q -v --budget "$REDIS_URL" --api-url "$FAKE_URL" \
	    -r "$(rules "$ACTS")" < "$BATS_TEST_TMPDIR/$1" \
	    2> "$BATS_TEST_TMPDIR/err-$1" 3>&- 5>&- 6>&-) &
	PIDS="${PIDS:-} $!"
}

@test "five activities on two hosts: never more than 4 open, the fifth starts when a slot frees" {
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
	exec 5>&-
	wait_for_log_lines 8 15
	exec 6>&-
	wait $PIDS
	PIDS=
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
	[ "$(served | grep -c 'DELETE .* 200')" -eq 5 ]
	# Every slot was given back.
	hash=$(printf 'as-tail budget %s' ask_test_key | sha256sum | cut -c1-32)
	[ "$(rcli hlen "as-tail:$hash:slots")" = 0 ]
}

@test "Redis unreachable: the host budget, said once; the pipe is not held up" {
	fake_server_start
	redis_stop
	printf 'oops 1\noops 2\n' | as_tail --budget "$REDIS_URL" \
	    --api-url "$FAKE_URL" -r "$(rules "$PUSHES")" \
	    > "$BATS_TEST_TMPDIR/out" 2> "$BATS_TEST_TMPDIR/err"
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = "oops 1
oops 2" ]
	[ "$(served | grep -c ' 200$')" -eq 2 ]
	[ "$(cat "$BATS_TEST_TMPDIR/err")" = "as-tail: redis budget: redis 127.0.0.1:$REDIS_PORT: Connection refused; using the host budget" ]
	ls "$BATS_TEST_TMPDIR"/as-tail/budget-*
}

@test "Redis going away mid-run: said once, and delivery goes on with the host budget" {
	fake_server_start
	mkfifo "$BATS_TEST_TMPDIR/in"
	as_tail -q --budget "$REDIS_URL" --api-url "$FAKE_URL" \
	    -r "$(rules "$PUSHES")" < "$BATS_TEST_TMPDIR/in" \
	    2> "$BATS_TEST_TMPDIR/err" 3>&- &
	PIDS=$!
	exec 5> "$BATS_TEST_TMPDIR/in"
	printf 'oops 1\n' >&5
	wait_for_log_lines 1 15
	redis_stop
	printf 'oops 2\noops 3\n' >&5
	exec 5>&-
	wait $PIDS
	PIDS=
	[ "$(served | grep -c ' 200$')" -eq 3 ]
	[ "$(grep -c 'redis budget' "$BATS_TEST_TMPDIR/err")" -eq 1 ]
	grep -q '^as-tail: redis budget: redis: .*; using the host budget$' "$BATS_TEST_TMPDIR/err"
}

@test "an end on one host goes before the updates of another host (issue 12.3)" {
	# As in host-budget.bats, with each process on a "host" of its own.
	export AS_TAIL_TIME_SCALE=5
	fake_server_start --rate 60 --rate-window 12
	mkdir -p "$BATS_TEST_TMPDIR/host-a" "$BATS_TEST_TMPDIR/host-b"
	python3 -c '
import os, sys, time
for i in range(3000):
    if os.path.exists(sys.argv[1]):
        break
    print("step %d" % i, flush=True)
    time.sleep(0.01)
print("done", flush=True)' "$BATS_TEST_TMPDIR/stop" |
	    XDG_RUNTIME_DIR=$BATS_TEST_TMPDIR/host-a as_tail -q \
	    --budget "$REDIS_URL" --rate 50/min --api-url "$FAKE_URL" \
	    -r "$(rules 'activity a stream=a steps=3000
match /^step (\d+)/ step a current=$1
match /^done/ end a success')" 2> "$BATS_TEST_TMPDIR/err-a" 3>&- &
	PIDS=$!
	for i in $(seq 200); do
		[ "$(served | grep -c 'stream/a 200')" -ge 10 ] && break
		sleep 0.1
	done
	XDG_RUNTIME_DIR=$BATS_TEST_TMPDIR/host-b send 'go\nstop\n' 'activity b1 stream=b1
activity b2 stream=b2
activity b3 stream=b3
match /^go/ start b1; start b2; start b3
match /^stop/ end b1 success; end b2 success; end b3 success' \
	    --budget "$REDIS_URL" --rate 50/min
	touch "$BATS_TEST_TMPDIR/stop"
	wait $PIDS
	PIDS=
	[ ! -s "$BATS_TEST_TMPDIR/err" ] && [ ! -s "$BATS_TEST_TMPDIR/err-a" ]
	[ "$(served | grep -c ' 429$')" -eq 0 ]
	python3 - "$FAKE_LOG" <<'PY'
import json, sys
log = [json.loads(l)["path"].rsplit("/", 1)[1] for l in open(sys.argv[1])]
b = [i for i, p in enumerate(log) if p.startswith("b")]
assert len(b) == 6, log
between = [p for p in log[b[0]:b[-1]] if p == "a"]
assert len(between) <= 2, log
PY
}

@test "the tests' redis_start takes another port when the one it picked is taken" {
	local first=$REDIS_PID port blocker i
	# The same seed makes redis_start pick this port first.
	RANDOM=1
	port=$((20000 + RANDOM % 40000))
	redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
	    --dir "$BATS_TEST_TMPDIR" </dev/null >/dev/null 2>&1 3>&- &
	blocker=$!
	PIDS="$first $blocker"
	for i in $(seq 100); do
		[ "$(redis-cli -p "$port" ping 2>/dev/null)" = PONG ] && break
		sleep 0.1
	done
	[ "$(redis-cli -p "$port" ping)" = PONG ]
	REDIS_PID=
	RANDOM=1
	redis_start
	[ "$REDIS_PORT" != "$port" ]
	[ "$(rcli ping)" = PONG ]
}
