#!/usr/bin/env bats
# notify-pid.bats: as-tail --notify-exit --pid PID waits for a process it
# did not start and pushes once it has ended (issue 13).

load helpers/common
load helpers/fake-server

teardown() {
	[ -z "${SLEEPER:-}" ] || kill "$SLEEPER" 2>/dev/null || true
	fake_server_stop
}

# sleeper: a process to wait for, in $SLEEPER.
sleeper() {
	sleep 300 3>&- &
	SLEEPER=$!
}

@test "--notify-exit --pid pushes once the process has ended, with its command line" {
	fake_server_start
	sleeper
	as_tail -v --api-url "$FAKE_URL" --notify-exit --pid "$SLEEPER" \
	    2> "$BATS_TEST_TMPDIR/err" 3>&- &
	waiter=$!
	wait_grep "waiting for process $SLEEPER: sleep 300" "$BATS_TEST_TMPDIR/err"
	# Still waiting: nothing sent while the process runs.
	kill -0 "$waiter"
	[ ! -s "$FAKE_LOG" ]
	kill "$SLEEPER"
	status=0
	wait "$waiter" || status=$?
	[ "$status" -eq 0 ]
	[ "$(served)" = "POST /push-notification 200" ]
	[ "$(served_body 1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["title"])')" = "sleep 300" ]
	served_body 1 | grep -Eq '"message":"ended after [0-9hms]+ on [^"]+"'
}

@test "--notify-exit=SECONDS --pid sends nothing for a process that ended sooner" {
	sleeper
	as_tail -v -n --notify-exit=3600 --pid "$SLEEPER" \
	    2> "$BATS_TEST_TMPDIR/err" 3>&- &
	waiter=$!
	wait_grep "waiting for process" "$BATS_TEST_TMPDIR/err"
	kill "$SLEEPER"
	status=0
	wait "$waiter" || status=$?
	[ "$status" -eq 0 ]
	grep -q "process $SLEEPER has ended" "$BATS_TEST_TMPDIR/err"
	! grep -q push-notification "$BATS_TEST_TMPDIR/err"
}

@test "a signal stops the wait: nothing is sent, exit 128+N" {
	sleeper
	as_tail -v -n --notify-exit --pid "$SLEEPER" 2> "$BATS_TEST_TMPDIR/err" 3>&- &
	waiter=$!
	wait_grep "waiting for process" "$BATS_TEST_TMPDIR/err"
	kill -TERM "$waiter"
	status=0
	wait "$waiter" || status=$?
	[ "$status" -eq 143 ]
	! grep -q push-notification "$BATS_TEST_TMPDIR/err"
}

@test "--pid of a process that does not exist exits 1 and sends nothing" {
	sleeper
	kill "$SLEEPER"
	wait "$SLEEPER" || true
	run as_tail -n --notify-exit --pid "$SLEEPER"
	[ "$status" -eq 1 ]
	[ "$output" = "as-tail: --pid $SLEEPER: no such process" ]
}

@test "--pid needs -F or --notify-exit, and --notify-exit --pid takes no operands" {
	run as_tail -n --pid 1
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "as-tail: --pid goes with -F or --notify-exit" ]
	run as_tail -n --notify-exit --pid 1 app.log
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "as-tail: --notify-exit --pid reads no input: 'app.log'" ]
	run as_tail -n --notify-exit --pid 1 -- true
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "as-tail: --pid waits for a running process; it cannot wrap a command" ]
}
