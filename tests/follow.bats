#!/usr/bin/env bats
# follow.bats: -F follows files like tail -F: rotation by rename,
# copytruncate, deletion and re-creation, late creation, several files,
# --pid, and inotify or polling.

load helpers/common

R='activity b stream=b
match /^Step (\d+)/ step b current=$1 total=20 subtitle=${file}'

setup() {
	cd "$BATS_TEST_TMPDIR"
}

teardown() {
	[ -z "${PID:-}" ] || kill "$PID" 2>/dev/null || true
}

# start_follow ARGS...: as-tail -F in the background, dry run into trace.
start_follow() {
	"$AS_TAIL" -n -v --trace "$BATS_TEST_TMPDIR/trace" -r "$(rules "$R")" \
	    -F "$@" > "$BATS_TEST_TMPDIR/out" 2> "$BATS_TEST_TMPDIR/err" 3>&- &
	PID=$!
	wait_for "following"
}

# wait_for TEXT: until TEXT shows in as-tail's stderr (10 s at most).
wait_for() {
	wait_grep "$1" "$BATS_TEST_TMPDIR/err" && return 0
	echo "never saw: $1" >&2
	cat "$BATS_TEST_TMPDIR/err" >&2
	return 1
}

# wait_step N: until a request carries current_step N.
wait_step() {
	wait_grep "\"current_step\":$1[,}]" "$BATS_TEST_TMPDIR/trace" && return 0
	echo "no request with step $1" >&2
	return 1
}

stop_follow() {
	kill -TERM "$PID"
	wait "$PID" || true
	PID=
}

@test "starts at the end of the file, then follows what is appended" {
	printf 'Step 1\n' > app.log
	start_follow app.log
	printf 'Step 2\n' >> app.log
	wait_step 2
	stop_follow
	! grep -q '"current_step":1[,}]' trace
	[ "$(cat out)" = "Step 2" ]
}

@test "--from-start reads what is already there first" {
	printf 'Step 1\n' > app.log
	start_follow --from-start app.log
	wait_step 1
	stop_follow
}

@test "rotation by rename: the rest of the old file, then the new one" {
	printf 'Step 1\n' > app.log
	start_follow app.log
	printf 'Step 2\n' >> app.log
	wait_step 2
	mv app.log app.log.1
	printf 'Step 3\n' >> app.log.1
	printf 'Step 4\n' > app.log
	wait_step 4
	stop_follow
	grep -q '"current_step":3[,}]' trace
	grep -q 'app.log: has been replaced; following the new file' err
}

@test "copytruncate: rewinds and says so with -v" {
	printf 'Step 1\nStep 2\n' > app.log
	start_follow app.log
	printf 'Step 3\n' >> app.log
	wait_step 3
	: > app.log
	printf 'Step 5\n' >> app.log
	wait_step 5
	stop_follow
	grep -q 'app.log: file truncated' err
}

@test "deletion and re-creation" {
	printf 'Step 1\n' > app.log
	start_follow app.log
	rm app.log
	sleep 0.3
	printf 'Step 6\n' > app.log
	wait_step 6
	stop_follow
}

@test "a file that does not exist yet is waited for" {
	start_follow late.log
	grep -q 'late.log: No such file or directory; waiting for it to appear' err
	printf 'Step 7\n' > late.log
	wait_step 7
	stop_follow
	grep -q 'late.log: has appeared; following it' err
}

@test "two files interleaved, each named by \${file}, with headers" {
	printf '' > a.log
	printf '' > b.log
	start_follow a.log b.log
	printf 'Step 1\n' >> a.log
	wait_step 1
	printf 'Step 2\n' >> b.log
	wait_step 2
	printf 'Step 3\n' >> a.log
	wait_step 3
	stop_follow
	[ "$(field 1 'b["content_state"]["subtitle"]')" = a.log ]
	[ "$(field 2 'b["content_state"]["subtitle"]')" = b.log ]
	[ "$(field 3 'b["content_state"]["subtitle"]')" = a.log ]
	[ "$(cat out)" = "==> a.log <==
Step 1

==> b.log <==
Step 2

==> a.log <==
Step 3" ]
}

@test "--poll follows without inotify" {
	printf '' > app.log
	start_follow --poll app.log
	grep -q 'with poll' err
	printf 'Step 8\n' >> app.log
	wait_step 8
	mv app.log old.log
	printf 'Step 9\n' > app.log
	wait_step 9
	stop_follow
}

@test "--pid: stops when that process dies, then ends activities as at EOF" {
	sleep 30 &
	victim=$!
	printf '' > app.log
	start_follow --pid $victim app.log
	printf 'Step 4\n' >> app.log
	wait_step 4
	kill $victim
	rc=0
	wait $PID || rc=$?
	PID=
	[ "$rc" -eq 0 ]
	grep -q "process $victim has ended" err
	[ "$(requests | tail -1)" = "DELETE /live-activity/stream/b" ]
}

@test "a file read without -F is read to its end, like cat" {
	printf 'Step 1\nStep 2\n' > app.log
	run as_tail -n --trace "$BATS_TEST_TMPDIR/trace" -r "$(rules "$R")" app.log
	[ "$status" -eq 0 ]
	[ "$output" = "Step 1
Step 2" ]
	[ "$(requests | tail -1)" = "DELETE /live-activity/stream/b" ]
}

@test "-F - is a usage error: standard input has no name to follow; ./- is a file" {
	run as_tail -n -q -r "$(rules "$R")" -F -
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "as-tail: -F follows files by name; the standard input has none: pipe into as-tail without -F (a file named - is ./-)" ]
	sleep 30 &
	victim=$!
	printf 'Step 3\n' > ./-
	start_follow --from-start --pid $victim ./-
	wait_step 3
	kill $victim
	wait $PID
	PID=
}

# stopped_within SECONDS: after a SIGTERM, as-tail ends within that long.
stopped_within() {
	local i
	kill -TERM "$PID"
	for i in $(seq $(($1 * 10))); do
		kill -0 "$PID" 2>/dev/null || { wait "$PID" || true; PID=; return 0; }
		sleep 0.1
	done
	echo "as-tail still runs ${1}s after SIGTERM" >&2
	kill -KILL "$PID"
	return 1
}

@test "a followed file replaced by a link to /dev/zero is skipped; SIGTERM still ends it (issue 11)" {
	printf 'Step 1\n' > app.log
	start_follow app.log
	ln -sf /dev/zero app.log
	wait_for 'app.log: a device, not a regular file; waiting for one'
	stopped_within 10
	# Reading /dev/zero would have passed its bytes through.
	[ ! -s out ]
}

@test "a followed file replaced by a FIFO or a directory is reported and skipped (issue 11)" {
	printf 'Step 1\n' > app.log
	start_follow app.log
	rm app.log
	mkfifo app.log
	wait_for 'app.log: a FIFO, not a regular file; waiting for one'
	rm app.log
	mkdir app.log
	wait_for 'app.log: a directory, not a regular file; waiting for one'
	rmdir app.log
	printf 'Step 2\n' > app.log
	wait_step 2
	stopped_within 10
	grep -q 'app.log: has appeared; following it' err
}

@test "-F on a directory warns once per change, even with stderr inside it (issue 11)" {
	mkdir d
	printf 'Step 1\n' > app.log
	"$AS_TAIL" -n -v --trace trace -r "$(rules "$R")" -F d app.log \
	    > out 2> d/err 3>&- &
	PID=$!
	wait_grep 'd: a directory, not a regular file; waiting for one' d/err
	# Each of these makes as-tail look at every file again.
	printf 'Step 2\n' >> app.log
	wait_step 2
	touch d/x d/y
	printf 'Step 3\n' >> app.log
	wait_step 3
	[ "$(grep -c '^as-tail: d:' d/err)" -eq 1 ]
	mv d d.old
	wait_grep 'd: No such file or directory; waiting for it to appear' d.old/err
	mkdir d
	printf 'Step 4\n' >> app.log
	wait_step 4
	[ "$(grep -c '^as-tail: d: a directory' d.old/err)" -eq 2 ]
	stopped_within 10
}
