#!/usr/bin/env bats
# wrap.bats: as-tail -- COMMAND: both streams passed through and matched,
# the command's exit status as as-tail's, signals passed on, exit rules,
# --notify-exit and --pty.

load helpers/common
bats_require_minimum_version 1.5.0

R='activity b stream=b
match /^\[(\d+)\/(\d+)\]/ step b current=$1 total=$2
match /error: (.*)/ fail b'

# wrap ARGS...: run as-tail ARGS; WRAP_STATUS=-N says N is the status wanted.
wrap() {
	run ${WRAP_STATUS:-} sh -c "timeout 30 $AS_TAIL -n --trace $BATS_TEST_TMPDIR/trace -r $(rules "$R") $* 2> $BATS_TEST_TMPDIR/err"
}

@test "stdout and stderr are each passed through and both are matched" {
	run sh -c "timeout 30 $AS_TAIL -n --trace $BATS_TEST_TMPDIR/trace -r $(rules "$R") -- sh -c 'echo \"[1/2] out\"; echo \"[2/2] err\" >&2' > $BATS_TEST_TMPDIR/out 2> $BATS_TEST_TMPDIR/err"
	[ "$status" -eq 0 ]
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = "[1/2] out" ]
	[ "$(cat "$BATS_TEST_TMPDIR/err")" = "[2/2] err" ]
	[ "$(requests | tail -1)" = "DELETE /live-activity/stream/b" ]
	[ "$(field 2 'b["content_state"]["current_step"]')" = 2 ]
}

@test "\${file} names the wrapped command's stream a line came from" {
	as_tail -q -n --trace "$BATS_TEST_TMPDIR/trace" -r "$(rules 'match /^x (\w+)/ push title="$1 ${file}"')" \
	    -- sh -c 'echo "x a"; echo "x b" >&2; echo "x c"'
	# The two pipes are read as data arrives, so only the pairs are certain.
	titles=$(for i in 1 2 3; do field "$i" 'b["title"]'; done | sort | tr '\n' '|')
	[ "$titles" = "a stdout|b stderr|c stdout|" ]
}

@test "the command's exit status becomes as-tail's: 0, 1, 2" {
	for code in 0 1 2; do
		wrap -- sh -c "'exit $code'"
		[ "$status" -eq "$code" ]
	done
}

@test "a command not found exits 127, one that cannot run 126" {
	WRAP_STATUS=-127 wrap -- no-such-command-here
	[ "$status" -eq 127 ]
	[ "$(cat "$BATS_TEST_TMPDIR/err")" = "as-tail: no-such-command-here: No such file or directory" ]
	printf 'not a program\n' > "$BATS_TEST_TMPDIR/noexec"
	chmod 644 "$BATS_TEST_TMPDIR/noexec"
	wrap -- "$BATS_TEST_TMPDIR/noexec"
	[ "$status" -eq 126 ]
	[ "$(cat "$BATS_TEST_TMPDIR/err")" = "as-tail: $BATS_TEST_TMPDIR/noexec: Permission denied" ]
}

@test "death by a signal exits 128+N and ends the activity red" {
	wrap -- sh -c "'echo \"[1/3] a\"; kill -KILL \$\$'"
	[ "$status" -eq 137 ]
	[ "$(field 2 'b["content_state"]["color"]')" = red ]
}

@test "a failing command ends open activities red, a succeeding one green" {
	wrap -- sh -c "'echo \"[1/3] a\"; exit 3'"
	[ "$status" -eq 3 ]
	[ "$(field 2 'b["content_state"]["color"]')" = red ]
	wrap -- sh -c "'echo \"[1/3] a\"'"
	[ "$status" -eq 0 ]
	[ "$(field 2 'b["content_state"]["color"]')" = green ]
}

@test "SIGTERM to as-tail reaches the command; as-tail still ends its activities" {
	"$AS_TAIL" -n --trace "$BATS_TEST_TMPDIR/trace" -r "$(rules "$R")" -- \
	    sh -c 'trap "echo got TERM; exit 5" TERM; echo "[1/2] up"; while :; do sleep 0.1; done' \
	    > "$BATS_TEST_TMPDIR/out" 2> "$BATS_TEST_TMPDIR/err" 3>&- &
	pid=$!
	wait_grep up "$BATS_TEST_TMPDIR/out"
	kill -TERM $pid
	rc=0
	wait $pid || rc=$?
	[ "$rc" -eq 5 ]
	grep -q 'got TERM' "$BATS_TEST_TMPDIR/out"
	[ "$(requests | tail -1)" = "DELETE /live-activity/stream/b" ]
}

@test "SIGINT and SIGHUP are passed on too" {
	for sig in INT HUP; do
		# As in a foreground job, even in a background job or under
		# nohup: see "ignored at start" below.
		env --default-signal=INT,HUP "$AS_TAIL" -n --trace /dev/null -r "$(rules "$R")" -- \
		    sh -c "trap 'echo got $sig; exit 7' $sig; echo up; while :; do sleep 0.1; done" \
		    > "$BATS_TEST_TMPDIR/out.$sig" 2> "$BATS_TEST_TMPDIR/err.$sig" 3>&- &
		pid=$!
		wait_grep up "$BATS_TEST_TMPDIR/out.$sig"
		kill -$sig $pid
		rc=0
		wait $pid || rc=$?
		[ "$rc" -eq 7 ]
		grep -q "got $sig" "$BATS_TEST_TMPDIR/out.$sig"
	done
}

@test "--notify-exit 60 -- cmd suggests --notify-exit=60 (issue 10.4)" {
	run as_tail -n --notify-exit 60 -- true
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "as-tail: '60' before --: a value of --notify-exit goes with it, as --notify-exit=60" ]
}

@test "SIGUSR1 prints one status line on stderr and reading goes on (issue 10.9)" {
	mkfifo "$BATS_TEST_TMPDIR/go"
	"$AS_TAIL" -n --trace "$BATS_TEST_TMPDIR/trace" -r "$(rules "$R")" -- \
	    sh -c 'echo "[3/8] a"; kill -USR1 $PPID; read x < "$0"; echo "[4/8] b"' "$BATS_TEST_TMPDIR/go" \
	    > "$BATS_TEST_TMPDIR/out" 2> "$BATS_TEST_TMPDIR/err" 3>&- &
	pid=$!
	wait_grep 'line read' "$BATS_TEST_TMPDIR/err"
	timeout 10 sh -c 'echo go > "$0"' "$BATS_TEST_TMPDIR/go" || true
	rc=0
	wait $pid || rc=$?
	[ "$rc" -eq 0 ]
	[ "$(cat "$BATS_TEST_TMPDIR/err")" = "as-tail: 1 line read; requests: 1 sent, 0 queued, 0 coalesced, 0 folded, 0 failed; b 3/8" ]
	[ "$(field 2 'b["content_state"]["current_step"]')" = 4 ]
}

@test "SIGUSR2 is passed to a wrapped command, and ignored without one (issue 10.9)" {
	"$AS_TAIL" -n --trace /dev/null -r "$(rules "$R")" -- \
	    sh -c 'trap "echo got USR2; exit 4" USR2; echo up; while :; do sleep 0.1; done' \
	    > "$BATS_TEST_TMPDIR/out" 2> "$BATS_TEST_TMPDIR/err" 3>&- &
	pid=$!
	wait_grep up "$BATS_TEST_TMPDIR/out"
	kill -USR2 $pid
	rc=0
	wait $pid || rc=$?
	[ "$rc" -eq 4 ]
	grep -q 'got USR2' "$BATS_TEST_TMPDIR/out"
	mkfifo "$BATS_TEST_TMPDIR/in"
	"$AS_TAIL" -n --trace "$BATS_TEST_TMPDIR/trace" -r "$(rules "$R")" \
	    < "$BATS_TEST_TMPDIR/in" > /dev/null 2> "$BATS_TEST_TMPDIR/err" 3>&- &
	pid=$!
	exec 5> "$BATS_TEST_TMPDIR/in"
	echo "[1/2] a" >&5
	wait_grep stream "$BATS_TEST_TMPDIR/trace"
	kill -USR2 $pid
	echo "[2/2] b" >&5
	exec 5>&-
	rc=0
	wait $pid || rc=$?
	[ "$rc" -eq 0 ]
	[ "$(field 2 'b["content_state"]["current_step"]')" = 2 ]
}

@test "a signal ignored at start (nohup) stays ignored, for as-tail and the command (issue 10.7)" {
	mkfifo "$BATS_TEST_TMPDIR/go"
	env --ignore-signal=HUP "$AS_TAIL" -n --trace "$BATS_TEST_TMPDIR/trace" -r "$(rules "$R")" -- \
	    sh -c 'echo "[1/2] up"; read x < "$0"; kill -HUP $$; echo "[2/2] survived"' "$BATS_TEST_TMPDIR/go" \
	    > "$BATS_TEST_TMPDIR/out" 2> "$BATS_TEST_TMPDIR/err" 3>&- &
	pid=$!
	wait_grep up "$BATS_TEST_TMPDIR/out"
	kill -HUP $pid
	# (If the command died of the HUP, nothing reads the fifo.)
	timeout 10 sh -c 'echo go > "$0"' "$BATS_TEST_TMPDIR/go" || true
	rc=0
	wait $pid || rc=$?
	[ "$rc" -eq 0 ]
	grep -q survived "$BATS_TEST_TMPDIR/out"
	[ "$(field 2 'b["content_state"]["current_step"]')" = 2 ]
	[ ! -s "$BATS_TEST_TMPDIR/err" ]
}

@test "a signal sent just as the command starts is still passed on (issue 10.8)" {
	# The command signals as-tail at once, while as-tail may still be
	# between fork and knowing the command's pid; a signal it takes then
	# must reach the command all the same.
	for i in $(seq 20); do
		run sh -c "timeout 30 $AS_TAIL -n --trace /dev/null -r $(rules "$R") -- sh -c 'kill -TERM \$PPID; sleep 2; echo not-passed-on' 2>&1"
		[ "$status" -eq 143 ]
		[ -z "$output" ]
	done
}

@test "exit rules act on the command's end; \${line} is the last error line" {
	R="$R
exit success end b success; push title=\"\${command} ok\"
exit failure end b failure; push title=\"failed with \${exit}\" message=\"\${line}\""
	wrap -- sh -c "'echo \"[1/3] a\"; echo \"a.c:1: error: first\" >&2; echo \"b.c:2: error: last\" >&2; exit 4'"
	[ "$status" -eq 4 ]
	[ "$(requests | tail -1)" = "POST /push-notification" ]
	[ "$(field 3 'b["title"]')" = "failed with 4" ]
	[ "$(field 3 'b["message"]')" = "b.c:2: error: last" ]
	wrap -- true
	[ "$(requests | tail -1)" = "POST /push-notification" ]
	[ "$(requests | sed -n 2p)" = "DELETE /live-activity/stream/b" ]
	[ "$(field 3 'b["title"]')" = "true ok" ]
}

@test "--notify-exit pushes once when the command ends, even without rules" {
	run sh -c "timeout 30 $AS_TAIL -n --notify-exit -- sh -c 'exit 3' 2>&1"
	[ "$status" -eq 3 ]
	[[ "$output" == *'push  ✗ sh -c exit 3: exit 3 after 0s on '* ]]
	run sh -c "timeout 30 $AS_TAIL -n --notify-exit -- true 2>&1"
	[ "$status" -eq 0 ]
	[[ "$output" == *'push  ✓ true: '* ]]
}

@test "--notify-exit=SECONDS stays quiet for a command shorter than that" {
	run sh -c "timeout 30 $AS_TAIL -n --notify-exit=60 -- true 2>&1"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "--pty gives the command a terminal; colors pass through, matching ignores them" {
	wrap --pty -- sh -c "'[ -t 1 ] && printf \"\\033[1;32m[1/2] tty\\033[0m\\n\"'"
	[ "$status" -eq 0 ]
	[ "$output" = $'\033[1;32m[1/2] tty\033[0m' ]
	[ "$(field 1 'b["content_state"]["current_step"]')" = 1 ]
}

@test "without --pty the command's stdout is a pipe" {
	wrap -- sh -c "'[ -t 1 ] || echo \"[1/2] pipe\"'"
	[ "$output" = "[1/2] pipe" ]
}

@test "usage errors: nothing after --, -F with a command, --pty without one" {
	run as_tail -n -r "$(rules "$R")" --
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "as-tail: no command after --" ]
	run as_tail -n --pty -r "$(rules "$R")" < /dev/null
	[ "$status" -eq 2 ]
	[[ "${lines[0]}" == "as-tail: --pty is for a wrapped command"* ]]
}

@test "file operands before -- are a usage error, not part of the command" {
	run as_tail -n -r "$(rules "$R")" build.log -- make
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "as-tail: 'build.log' before --: give either files or a command" ]
}

@test "exit rules accept ';' between actions and count their firings" {
	R="$R
exit failure push title=\"x\${count}\"; push title=\"y\""
	wrap -- false
	[ "$(requests)" = "POST /push-notification
POST /push-notification" ]
	[ "$(field 1 'b["title"]')" = x1 ]
}

@test "a dry run's wrapped command does not see ACTIVITYSMITH_API_KEY either" {
	ACTIVITYSMITH_API_KEY=ask_secret_value wrap -- sh -c "'echo key=\${ACTIVITYSMITH_API_KEY-unset}'"
	[ "$status" -eq 0 ]
	[ "$output" = "key=unset" ]
}

@test "an unexpected read error on the command's output ends that stream, no spin (issue 10)" {
	[ -z "${AS_TAIL_SANITIZED:-}" ] || skip "a preloaded read() and ASan do not mix"
	# read() on a pipe other than stdin fails with EINVAL, as no pipe does.
	cat > "$BATS_TEST_TMPDIR/badread.c" <<'C'
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

__attribute__((constructor)) static void init(void) { unsetenv("LD_PRELOAD"); }

ssize_t
read(int fd, void *buf, size_t n)
{
	struct stat st;

	if (fd > 2 && fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode)) {
		errno = EINVAL;
		return -1;
	}
	return syscall(SYS_read, fd, buf, n);
}
C
	cc -shared -fPIC -o "$BATS_TEST_TMPDIR/badread.so" "$BATS_TEST_TMPDIR/badread.c"
	run timeout -k 5 20 env LD_PRELOAD="$BATS_TEST_TMPDIR/badread.so" "$AS_TAIL" -n \
	    -r "$(rules "$R")" -- sh -c 'echo out; echo err >&2; exit 3'
	[ "$status" -eq 3 ]
	[[ "$output" = *"as-tail: stdout: Invalid argument"* ]]
	[[ "$output" = *"as-tail: stderr: Invalid argument"* ]]
}
