#!/usr/bin/env bats
# outcome.bats: the three ways a run ends on the phone (issue 9, item 1).
# Green only when the job said it succeeded (a success rule, a wrapped
# command's exit 0, the real end of the input with no failure seen); red
# after a failure; gray "interrupted at ..." when as-tail was stopped, its
# output was cut or the run went idle before the job said how it ended.

load helpers/common

R='activity job title=Job steps=3
match /^Step (\d+)/ step job current=$1
match /^ERROR/ fail job
match /^Done/ end job success'

teardown() {
	[ -z "${PID:-}" ] || kill -KILL "$PID" 2>/dev/null || true
	exec 5>&- || true
}

# start_fifo [ARGS...]: a dry run of $R reading from a fifo that the test
# writes to on fd 5; its requests land in $BATS_TEST_TMPDIR/trace.
start_fifo() {
	rm -f "$BATS_TEST_TMPDIR/fifo" "$BATS_TEST_TMPDIR/trace"
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	# A background job starts with SIGINT ignored, and as-tail would leave
	# it so (nohup): env gives the signals their default back, as in a
	# foreground job.
	env --default-signal=INT,TERM,HUP ${AS_TAIL_WRAPPER:-} "$AS_TAIL" \
	    -n -q --trace "$BATS_TEST_TMPDIR/trace" \
	    -r "$(rules "$R")" "$@" < "$BATS_TEST_TMPDIR/fifo" 3>&- &
	PID=$!
	exec 5> "$BATS_TEST_TMPDIR/fifo"
}

# ending: the last request's method, color and subtitle ("-" if none).
ending() {
	tail -1 "$BATS_TEST_TMPDIR/trace" | python3 -c '
import json, sys
r = json.load(sys.stdin)
cs = r["body"]["content_state"]
print(r["method"], cs.get("color", "-"), cs.get("subtitle", "-"))'
}

@test "SIGINT, SIGTERM and SIGHUP end the open run gray, interrupted at its step, not green" {
	for sig in INT TERM HUP; do
		start_fifo
		printf 'Step 1/3\n' >&5
		wait_grep current_step "$BATS_TEST_TMPDIR/trace"
		kill -$sig $PID
		rc=0
		wait $PID || rc=$?
		PID=
		exec 5>&-
		[ "$rc" -eq $((128 + $(kill -l $sig))) ]
		[ "$(ending)" = "DELETE gray interrupted at step 1/3" ]
		valid_trace
	done
}

@test "Ctrl-C on the whole pipeline (make | as-tail) ends the run interrupted, though its input ends too" {
	# Ctrl-C sends SIGINT to the foreground process group: the job dies
	# and closes the pipe as as-tail gets the signal; that end of the input
	# is not the job's word that it succeeded.
	setsid env --default-signal=INT sh -c '(echo "Step 1/3"; exec sleep 30) |
	    "$0" -n -q --trace "$1" -r "$2"' "$AS_TAIL" "$BATS_TEST_TMPDIR/trace" \
	    "$(rules "$R")" 3>&- &
	PID=$!
	wait_grep current_step "$BATS_TEST_TMPDIR/trace"
	kill -INT -- -"$(ps -o pgid= -p $PID | tr -d ' ')"
	rc=0
	wait $PID || rc=$?
	PID=
	[ "$rc" -eq 130 ]
	[ "$(ending)" = "DELETE gray interrupted at step 1/3" ]
}

@test "output cut by | head -1 ends the open run interrupted" {
	rm -f "$BATS_TEST_TMPDIR/trace"
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	${AS_TAIL_WRAPPER:-} "$AS_TAIL" -n --trace "$BATS_TEST_TMPDIR/trace" \
	    -r "$(rules "$R")" < "$BATS_TEST_TMPDIR/fifo" 2> "$BATS_TEST_TMPDIR/err" 3>&- |
	    head -1 > "$BATS_TEST_TMPDIR/out" &
	head=$!
	exec 5> "$BATS_TEST_TMPDIR/fifo"
	printf 'Step 1/3\n' >&5
	# (wait $head would wait for the whole pipeline.)
	for i in $(seq 100); do
		kill -0 $head 2>/dev/null || break
		sleep 0.1
	done
	! kill -0 $head 2>/dev/null
	# head is gone: this line's pass-through fails with EPIPE.
	printf 'Step 2/3\n' >&5
	wait_grep DELETE "$BATS_TEST_TMPDIR/trace"
	exec 5>&-
	wait $head || true
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = "Step 1/3" ]
	[ "$(ending)" = "DELETE gray interrupted at step 2/3" ]
	grep -q 'as-tail: stdout: Broken pipe' "$BATS_TEST_TMPDIR/err"
}

@test "an idle= end is interrupted; the next line starts a new run" {
	[ -z "${AS_TAIL_WRAPPER:-}" ] || skip "timing: valgrind is too slow for the interval"
	R="${R/steps=3/steps=3 idle=1s}"
	start_fifo
	printf 'Step 2/3\n' >&5
	wait_grep DELETE "$BATS_TEST_TMPDIR/trace"
	[ "$(ending)" = "DELETE gray interrupted at step 2/3" ]
	printf 'Step 1/3\n' >&5
	exec 5>&-
	wait $PID
	PID=
	# The second run reached the real end of its input: green.
	[ "$(ending)" = "DELETE green -" ]
}

@test "a failure seen before the interruption keeps the run red" {
	start_fifo
	printf 'Step 1/3\nERROR: disk full\n' >&5
	wait_grep current_step "$BATS_TEST_TMPDIR/trace"
	kill -TERM $PID
	wait $PID || true
	PID=
	[ "$(ending)" = "DELETE red -" ]
}

@test "a run that ended before the interruption keeps its color" {
	start_fifo
	printf 'Step 1/3\nDone\n' >&5
	wait_grep DELETE "$BATS_TEST_TMPDIR/trace"
	kill -INT $PID
	wait $PID || true
	PID=
	[ "$(grep -c DELETE "$BATS_TEST_TMPDIR/trace")" -eq 1 ]
	[ "$(ending)" = "DELETE green -" ]
}

@test "green needs the job's word: end of input, or a wrapped command's exit 0; a killed command is red" {
	printf 'Step 1/3\n' | as_tail -n -q --trace "$BATS_TEST_TMPDIR/trace" -r "$(rules "$R")"
	[ "$(ending)" = "DELETE green -" ]
	as_tail -n -q --trace "$BATS_TEST_TMPDIR/trace" -r "$(rules "$R")" -- sh -c 'echo Step 1/3'
	[ "$(ending)" = "DELETE green -" ]
	run as_tail -n -q --trace "$BATS_TEST_TMPDIR/trace" -r "$(rules "$R")" -- sh -c 'echo Step 1/3; kill -TERM $$'
	[ "$status" -eq 143 ]
	[ "$(ending)" = "DELETE red -" ]
}

@test "interrupted_color= chooses the color of an interrupted run" {
	R="${R/steps=3/steps=3 interrupted_color=purple}"
	start_fifo
	printf 'Step 1/3\n' >&5
	wait_grep current_step "$BATS_TEST_TMPDIR/trace"
	kill -INT $PID
	wait $PID || true
	PID=
	[ "$(ending)" = "DELETE purple interrupted at step 1/3" ]
	run as_tail --check -r "$(rules 'activity a interrupted_color=grey')"
	[ "$status" -eq 2 ]
	[[ "${lines[0]}" == *"t.rules:1:30: "* ]]
}

@test "progress and other types say where they stopped too" {
	R='activity p type=progress title=Copy
activity t type=timer title=Deploy
match /^(\d+)%/ progress p percent=$1
match /^go/ start t'
	start_fifo
	printf '40%%\ngo\n' >&5
	wait_grep counts_down "$BATS_TEST_TMPDIR/trace"
	kill -TERM $PID
	wait $PID || true
	PID=
	python3 - "$BATS_TEST_TMPDIR/trace" <<'PY'
import json, sys
ends = [json.loads(l) for l in open(sys.argv[1]) if '"DELETE"' in l]
got = sorted((e["body"]["content_state"]["title"], e["body"]["content_state"]["subtitle"]) for e in ends)
assert got == [("Copy", "interrupted at 40%"), ("Deploy", "interrupted")], got
PY
}
