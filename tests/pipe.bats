#!/usr/bin/env bats
# pipe.bats: as-tail as a filter: every input byte reaches stdout unchanged,
# whatever the input, and lines are matched as they arrive.

load helpers/common

setup() {
	R=$(rules 'activity a
match /^hit (\d+)/ step a current=$1 total=9')
}

# passes FILE: as-tail's stdout is byte-identical to FILE.
passes() {
	as_tail -n --trace /dev/null -r "$R" < "$1" > "$BATS_TEST_TMPDIR/out"
	cmp "$1" "$BATS_TEST_TMPDIR/out"
}

@test "plain text passes through unchanged" {
	printf 'one\ntwo\nhit 3\n' > "$BATS_TEST_TMPDIR/in"
	passes "$BATS_TEST_TMPDIR/in"
}

@test "NUL bytes, invalid UTF-8 and CRLF pass through unchanged" {
	printf 'a\0b\nhit 1\r\n\xff\xfe\xc3(\n\xe2\x82\n\r\n\0\0\n' > "$BATS_TEST_TMPDIR/in"
	passes "$BATS_TEST_TMPDIR/in"
}

@test "a last line without a newline passes through and is matched" {
	printf 'x\nhit 4' > "$BATS_TEST_TMPDIR/in"
	passes "$BATS_TEST_TMPDIR/in"
	as_tail -n -q --trace "$BATS_TEST_TMPDIR/trace" -r "$R" < "$BATS_TEST_TMPDIR/in"
	[ "$(field 1 'b["content_state"]["current_step"]')" = 4 ]
}

@test "random binary input passes through unchanged" {
	head -c 3000000 /dev/urandom > "$BATS_TEST_TMPDIR/in"
	passes "$BATS_TEST_TMPDIR/in"
}

@test "a line of 20 MiB passes through whole" {
	{ head -c 20971520 /dev/zero | tr '\0' x; printf '\nhit 2\n'; } > "$BATS_TEST_TMPDIR/in"
	passes "$BATS_TEST_TMPDIR/in"
}

@test "empty input gives empty output and exit 0" {
	run as_tail -n -r "$R" < /dev/null
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "-q suppresses pass-through but still matches" {
	run sh -c "printf 'hit 2\n' | timeout 20 $AS_TAIL -q -n -r $R"
	[ "$status" -eq 0 ]
	[[ "$output" != hit* ]]
	[[ "$output" == *'start  a  2/9'* ]]
}

@test "lines are passed through as they arrive, before the input ends" {
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	as_tail -n --trace /dev/null -r "$R" < "$BATS_TEST_TMPDIR/fifo" > "$BATS_TEST_TMPDIR/out" &
	exec 5> "$BATS_TEST_TMPDIR/fifo"
	printf 'first line\n' >&5
	wait_grep 'first line' "$BATS_TEST_TMPDIR/out"
	grep -q 'first line' "$BATS_TEST_TMPDIR/out"
	exec 5>&-
	wait $!
}

@test "requests are made as lines arrive, before the input ends" {
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	as_tail -n -q --trace "$BATS_TEST_TMPDIR/trace" -r "$R" < "$BATS_TEST_TMPDIR/fifo" &
	exec 5> "$BATS_TEST_TMPDIR/fifo"
	printf 'hit 1\n' >&5
	wait_grep current_step "$BATS_TEST_TMPDIR/trace"
	grep -q '"current_step":1' "$BATS_TEST_TMPDIR/trace"
	exec 5>&-
	wait $!
}

@test "carriage returns end lines for matching, so progress redraws match" {
	dry 'hit 1\rhit 2\rhit 3\r\n' 'activity a
match /^hit (\d+)$/ step a current=$1 total=9'
	[ "$(requests | wc -l)" -eq 4 ]
	[ "$(field 3 'b["content_state"]["current_step"]')" = 3 ]
}

@test "CRLF is one line end, also when split between two reads" {
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	as_tail -n -q --explain --trace /dev/null -r "$R" < "$BATS_TEST_TMPDIR/fifo" 2> "$BATS_TEST_TMPDIR/err" &
	exec 5> "$BATS_TEST_TMPDIR/fifo"
	printf 'hit 1\r' >&5
	sleep 0.2
	printf '\nhit 2\r\n' >&5
	exec 5>&-
	wait $!
	grep -q '^lines read: 2 ' "$BATS_TEST_TMPDIR/err"
}

@test "a line longer than --max-line is matched on its first bytes only" {
	local long
	long=$(head -c 5000 /dev/zero | tr '\0' y)
	dry "hit 1 $long\n${long}hit 2\n" 'activity a
match /hit (\d+)/ step a current=$1 total=9' --max-line 4096
	[ "$(requests | wc -l)" -eq 2 ]
	[ "$(field 1 'b["content_state"]["current_step"]')" = 1 ]
}

@test "an over-long line spanning many reads is matched once, then the next line" {
	{ printf 'hit 1'; head -c 3000000 /dev/zero | tr '\0' z; printf '\nhit 2\n'; } > "$BATS_TEST_TMPDIR/in"
	as_tail -n -q --explain --trace "$BATS_TEST_TMPDIR/trace" -r "$R" < "$BATS_TEST_TMPDIR/in" 2> "$BATS_TEST_TMPDIR/err"
	grep -q '^lines read: 2 ' "$BATS_TEST_TMPDIR/err"
	[ "$(field 1 'b["content_state"]["current_step"]')" = 1 ]
	[ "$(field 2 'b["content_state"]["current_step"]')" = 2 ]
}

@test "memory stays bounded on a 64 MiB line" {
	command -v /usr/bin/time || skip "GNU time is not installed"
	[ -z "${AS_TAIL_SANITIZED:-}" ] || skip "sanitizers inflate memory use"
	run sh -c "head -c 67108864 /dev/zero | tr '\0' q | /usr/bin/time -f 'RSS %M' timeout 60 $AS_TAIL -n -r $R > /dev/null"
	[ "$status" -eq 0 ]
	rss=$(echo "$output" | sed -n 's/^RSS //p')
	[ "$rss" -lt 16384 ]
}

@test "a file named on the command line is read like cat, and \${file} names it" {
	printf 'hit 5\n' > "$BATS_TEST_TMPDIR/app.log"
	R=$(rules 'activity a subtitle=x
match /^hit (\d+)/ step a current=$1 total=9 subtitle=${file}')
	run as_tail -n --trace "$BATS_TEST_TMPDIR/trace" -r "$R" "$BATS_TEST_TMPDIR/app.log"
	[ "$status" -eq 0 ]
	[ "$output" = "hit 5" ]
	[ "$(field 1 'b["content_state"]["subtitle"]')" = "$BATS_TEST_TMPDIR/app.log" ]
}

@test "an unreadable file is reported, the others are read, exit 1" {
	printf 'hit 1\n' > "$BATS_TEST_TMPDIR/a.log"
	run as_tail -n --trace /dev/null -r "$R" "$BATS_TEST_TMPDIR/missing.log" "$BATS_TEST_TMPDIR/a.log"
	[ "$status" -eq 1 ]
	[[ "$output" == *"as-tail: $BATS_TEST_TMPDIR/missing.log: No such file or directory"* ]]
	[[ "$output" == *"hit 1"* ]]
}

@test "a full disk on stdout is reported and exits 1" {
	[ -w /dev/full ] || skip "no /dev/full"
	run sh -c "printf 'hit 1\n' | timeout 20 $AS_TAIL -n --trace /dev/null -r $R > /dev/full"
	[ "$status" -eq 1 ]
	[[ "$output" == "as-tail: stdout: No space left on device" ]]
}

@test "open activities still end when stdout fails" {
	run sh -c "printf 'hit 1\n' | timeout 20 $AS_TAIL -n -r $R 2>&1 > /dev/full"
	[ "$status" -eq 1 ]
	[[ "$output" == *'end  a  '* ]]
}

@test "SIGTERM stops reading, ends open activities and exits 143" {
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	as_tail -n -q --trace "$BATS_TEST_TMPDIR/trace" -r "$R" < "$BATS_TEST_TMPDIR/fifo" &
	pid=$!
	exec 5> "$BATS_TEST_TMPDIR/fifo"
	printf 'hit 1\n' >&5
	wait_grep current_step "$BATS_TEST_TMPDIR/trace"
	kill -TERM $pid
	rc=0
	wait $pid || rc=$?
	exec 5>&-
	[ "$rc" -eq 143 ]
	requests | tail -1 | grep -q 'DELETE /live-activity/stream/'
}
