#!/usr/bin/env bats
# events.bats: multi-line events ("event /FIRST/ while /RE/ until /RE/"), on
# real tracebacks and panics (tests/fixtures/*/SOURCE.md says how each was
# made): one push that says what went wrong, bounded in lines, bytes and
# time, and never holding back the pass-through (issue 14 item 3).

load helpers/common

PYTHON_EVENT='event /^Traceback \(most recent call last\):$/
    while /^  File "(?:.*\/)?(?<file>[^\/"]+)", line (?<lineno>\d+)/
    while /^\s/
    until /^(?<error>[A-Za-z_][\w.]*(?::.*)?)$/
    push title="Python error" message="${error} at ${file}:${lineno}"'

# The same, for chained tracebacks: what follows an exception's line
# ("During handling of the above exception, ...") goes on with the event,
# which then pushes nothing; the next traceback is the next event.
PYTHON_CHAINED_EVENT='event /^Traceback \(most recent call last\):$/
    while /^  File "(?:.*\/)?(?<file>[^\/"]+)", line (?<lineno>\d+)/
    while /^\s/
    until /^(?<error>[A-Za-z_][\w.]*(?::.*)?)$/
    then /^$|^(?<chained>During handling of the above exception, .*|The above exception was the direct cause .*)$/
    unless=${chained}
    push title="Python error" message="${error} at ${file}:${lineno}"'

# Go's panic with every goroutine (GOTRACEBACK=all): 1386 lines.
GO_EVENT='event /^panic: (?<msg>.*)/ %s
    while /^goroutine (?<g>\d+) /
    while /^$|^\t|^[\w.\/]+\(|^created by /
    push title="Go panic" message="${msg} [${g}]"'

# pushes: the messages of the pushes in the trace, one a line.
pushes() {
	python3 -c '
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r["path"] == "/push-notification":
        print(r["body"].get("message"))' "$BATS_TEST_TMPDIR/trace"
}

@test "an event pushes the error of a real Python traceback, not its first line" {
	run as_tail -n -q --trace "$BATS_TEST_TMPDIR/trace" \
	    -r "$(rules "$PYTHON_EVENT")" "$FIXTURES/generic/python-traceback.log"
	[ "$status" -eq 0 ]
	[ "$(pushes)" = "ValueError: bad input: expected 3 fields, got 2 at parse.py:7" ]
}

@test "\${first:NAME} is the first line's value: a real Java trace's innermost frame" {
	run as_tail -n -q --trace "$BATS_TEST_TMPDIR/trace" -r "$(rules 'event /^Exception in thread "[^"]*" (?<error>.*)/
    while /^\tat (?:[\w$.]+)\((?<where>[^)]*)\)/
    push title="Java" message="${error} at ${first:where}, from ${where}"')" \
	    "$FIXTURES/generic/java-exception.log"
	[ "$status" -eq 0 ]
	[ "$(pushes)" = "java.lang.IllegalArgumentException: bad input: expected 3 fields, got 2 at Parse.java:5, from Parse.java:13" ]
}

@test "until ends an event with its line: a real Rust panic's message is on its second line" {
	run as_tail -n -q --trace "$BATS_TEST_TMPDIR/trace" -r "$(rules 'event /^thread '\''[^'\'']*'\''(?: \(\d+\))? panicked at (?<at>\S+):$/
    until /^(?<msg>.*)$/
    push title="panic" message="${msg} at $1"')" \
	    "$FIXTURES/cargo/cargo-run-panic.log"
	[ "$status" -eq 0 ]
	[ "$(pushes)" = "bad input: expected 3 fields, got 2 at src/main.rs:4:9" ]
}

@test "then: a real chained traceback pushes the exception that ended the program, with its place" {
	run as_tail -n -q --trace "$BATS_TEST_TMPDIR/trace" \
	    -r "$(rules "$PYTHON_CHAINED_EVENT")" \
	    "$FIXTURES/generic/python-chained-context.log"
	[ "$status" -eq 0 ]
	[ "$(pushes)" = "RuntimeError: config has no port at config.py:18" ]
	run as_tail -n -q --trace "$BATS_TEST_TMPDIR/trace" \
	    -r "$(rules "$PYTHON_CHAINED_EVENT")" \
	    "$FIXTURES/generic/python-chained-cause.log"
	[ "$status" -eq 0 ]
	[ "$(pushes)" = "ValueError: bad config broken.json: Expecting property name enclosed in double quotes: line 1 column 13 (char 12) at config.py:11" ]
}

@test "without then, the until line ends the event: each traceback of a chain is pushed" {
	run as_tail -n -q --trace "$BATS_TEST_TMPDIR/trace" \
	    -r "$(rules "$PYTHON_EVENT")" \
	    "$FIXTURES/generic/python-chained-context.log"
	[ "$status" -eq 0 ]
	[ "$(pushes)" = "KeyError: 'port' at config.py:16
RuntimeError: config has no port at config.py:18" ]
}

@test "the first line that no then regex takes ends the event, and is matched as usual" {
	run as_tail -n -q --trace "$BATS_TEST_TMPDIR/trace" \
	    -r "$(rules "$PYTHON_CHAINED_EVENT
match /^(?:make: .*|During handling.*)$/ push title=t message=\"line \$0\"")" \
	    "$FIXTURES/generic/python-chained-make.log"
	[ "$status" -eq 0 ]
	[ "$(pushes)" = "line During handling of the above exception, another exception occurred:
RuntimeError: config has no port at config.py:18
line make: *** [Makefile:2: run] Error 1" ]
}

@test "an event waiting for then lines ends at its timeout while the input stays open" {
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	as_tail -n -q --trace "$BATS_TEST_TMPDIR/trace" \
	    -r "$(rules "$PYTHON_CHAINED_EVENT timeout=1s")" < "$BATS_TEST_TMPDIR/fifo" &
	pid=$!
	exec 5> "$BATS_TEST_TMPDIR/fifo"
	cat "$FIXTURES/generic/python-chained-context.log" >&5
	wait_grep push-notification "$BATS_TEST_TMPDIR/trace"
	kill -0 "$pid"		# the input is still open
	exec 5>&-
	wait "$pid"
	[ "$(pushes)" = "RuntimeError: config has no port at config.py:18" ]
}

@test "then needs until, and a regex" {
	run as_tail --check -r "$(rules 'event /^x/ while /a/ then /b/ push title=t
event /^y/ until /a/ then push title=t')"
	[ "$status" -eq 2 ]
	[ "$output" = "as-tail: $BATS_TEST_TMPDIR/t.rules:1:22: 'then' needs 'until /regex/': it takes the lines after the until line
as-tail: $BATS_TEST_TMPDIR/t.rules:2:22: 'then' needs a /regex/
as-tail: 2 errors in the rules; nothing was read or sent" ]
}

@test "--check runs an example through then lines" {
	run as_tail --check -r "$(rules "$PYTHON_CHAINED_EVENT
example \"Traceback (most recent call last):\"
        \"  File \\\"/src/a.py\\\", line 3, in f\"
        \"KeyError: 'port'\"  \"\"
        \"During handling of the above exception, another exception occurred:\"
        \"\"  \"Traceback (most recent call last):\"
        \"  File \\\"/src/a.py\\\", line 5, in f\"
        \"RuntimeError: no port\"
    push message=\"RuntimeError: no port at a.py:5\"")"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "an event's if= and unless= see its captures when it ends: real gcc errors with and without a note" {
	local ev='/^(?<at>[^\s:]+:\d+:\d+): error: (?<error>.*)/
    while /^ +\d* \| /  while /^[^\s:]+:\d+:\d+: note: (?<note>.*)/'
	cat "$FIXTURES/generic/gcc-error-notes.log" "$FIXTURES/generic/gcc-error.log" |
	    as_tail -n -q --trace "$BATS_TEST_TMPDIR/trace" -r "$(rules "event $ev
    if=\${first:note} push title=gcc message=\"\${at}: \${error} (note: \${first:note})\"
event $ev
    unless=\${first:note} push title=gcc message=\"\${at}: \${error}\"")"
	[ "$(pushes)" = "area.c:18:24: too few arguments to function ‘area’ (note: declared here)
total.c:9:27: expected ‘;’ before ‘printf’" ]
}

@test "a never-ending trace is cut at the line limit, and what follows opens nothing" {
	local log=$FIXTURES/go/go-run-panic-goroutines.log want
	run as_tail -n -q --trace "$BATS_TEST_TMPDIR/trace" \
	    -r "$(rules "$(printf "$GO_EVENT" lines=100)")" "$log"
	[ "$status" -eq 0 ]
	# The goroutine last named in the event's first 100 lines.
	want=$(sed -n '/^panic: /,$p' "$log" | head -100 |
	    sed -n 's/^goroutine \([0-9]*\) .*/\1/p' | tail -1)
	[ "$(sed -n '/^panic: /,$p' "$log" | wc -l)" -gt 1000 ]
	[ "$(pushes)" = "worker 7: empty job [$want]" ]
}

@test "a never-ending trace is cut at the byte limit" {
	local log=$FIXTURES/go/go-run-panic-goroutines.log want
	run as_tail -n -q --trace "$BATS_TEST_TMPDIR/trace" \
	    -r "$(rules "$(printf "$GO_EVENT" bytes=2k)")" "$log"
	[ "$status" -eq 0 ]
	# The lines up to the one that makes 2048 bytes, terminators counted.
	want=$(sed -n '/^panic: /,$p' "$log" |
	    awk '{ n += length($0) + 1; print; if (n >= 2048) exit }' |
	    sed -n 's/^goroutine \([0-9]*\) .*/\1/p' | tail -1)
	[ -n "$want" ]
	[ "$(pushes)" = "worker 7: empty job [$want]" ]
}

@test "without limits the whole real trace is one event: one push" {
	run as_tail -n -q --trace "$BATS_TEST_TMPDIR/trace" \
	    -r "$(rules "$(printf "$GO_EVENT" 'lines=10000 bytes=1024k')")" \
	    "$FIXTURES/go/go-run-panic-goroutines.log"
	[ "$status" -eq 0 ]
	[ "$(pushes | wc -l)" -eq 1 ]
	# The last goroutine of the trace.
	[ "$(pushes)" = "worker 7: empty job [$(sed -n 's/^goroutine \([0-9]*\) .*/\1/p' "$FIXTURES/go/go-run-panic-goroutines.log" | tail -1)]" ]
}

@test "an event that no line joins for its timeout ends then, while the input stays open" {
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	as_tail -n -q --trace "$BATS_TEST_TMPDIR/trace" \
	    -r "$(rules "$PYTHON_EVENT timeout=1s")" < "$BATS_TEST_TMPDIR/fifo" &
	pid=$!
	exec 5> "$BATS_TEST_TMPDIR/fifo"
	head -4 "$FIXTURES/generic/python-traceback.log" >&5
	wait_grep push-notification "$BATS_TEST_TMPDIR/trace"
	kill -0 "$pid"		# the input is still open
	exec 5>&-
	wait "$pid"
	[ "$(pushes)" = " at parse.py:17" ]
}

@test "pass-through is never delayed by an open event" {
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	as_tail -n --trace "$BATS_TEST_TMPDIR/trace" \
	    -r "$(rules "$PYTHON_EVENT timeout=1h")" < "$BATS_TEST_TMPDIR/fifo" \
	    > "$BATS_TEST_TMPDIR/out" &
	pid=$!
	exec 5> "$BATS_TEST_TMPDIR/fifo"
	head -4 "$FIXTURES/generic/python-traceback.log" >&5
	wait_grep 'line 17, in <module>' "$BATS_TEST_TMPDIR/out"
	# Passed through, and the event is still open: nothing was pushed.
	[ ! -s "$BATS_TEST_TMPDIR/trace" ]
	exec 5>&-
	wait "$pid"
	# The end of the input ends the event.
	[ "$(pushes)" = " at parse.py:17" ]
}

@test "a line that no clause takes ends the event, and is matched as usual after it" {
	dry 'Traceback (most recent call last):\n  File "a.py", line 3, in f\n-- DONE\n' \
	    "$PYTHON_EVENT
match /^(?:-- DONE|  File)/ push title=t message=\"other \$0\""
	[ "$(pushes)" = "other   File
 at a.py:3
other -- DONE" ]
}

@test "lines of a wrapped command's other stream neither join nor end an event" {
	run as_tail -n -q --trace "$BATS_TEST_TMPDIR/trace" \
	    -r "$(rules "$PYTHON_EVENT")" -- sh -c '
	    head -3 "$1" >&2; echo "out: working"; sed -n "4,\$p" "$1" >&2' sh \
	    "$FIXTURES/generic/python-traceback.log"
	[ "$status" -eq 0 ]
	[ "$(pushes)" = "ValueError: bad input: expected 3 fields, got 2 at parse.py:7" ]
}

@test "event rules are found by the block scan: no rule is tried on every line" {
	run as_tail -n -q --explain -r "$(rules "$PYTHON_EVENT")" \
	    "$FIXTURES/generic/python-traceback.log"
	[ "$status" -eq 0 ]
	[[ "$output" == *"rules: 1, 0 tried on every line"* ]]
}

@test "--check runs an example of several lines through an event" {
	run as_tail --check -r "$(rules "$PYTHON_EVENT
example \"Traceback (most recent call last):\"
        \"  File \\\"/src/parse.py\\\", line 7, in parse\"
        \"ValueError: bad input\"
    push message=\"ValueError: bad input at parse.py:7\"
example \"Traceback (most recent call last):\"
        \"ValueError: bad input\"
    push message=\"ValueError: bad input at parse.py:7\"")"
	[ "$status" -eq 2 ]
	[ "$output" = "as-tail: $BATS_TEST_TMPDIR/t.rules:10:1: example: expected push message=\"ValueError: bad input at parse.py:7\"; what fired: push title=\"Python error\" message=\"ValueError: bad input at :\"
as-tail: 1 of 2 examples failed" ]
}

@test "an event's mistakes are reported at their place" {
	run as_tail --check -r "$(rules 'event /^x/ push title=t
event /^y/ while /a/ lines=1 bytes=2m timeout=0s push title=t
event /^z/ until /(?<u>b)/ until /c/ push title="${first:v}"
event /^w/ while push title=t')"
	[ "$status" -eq 2 ]
	[ "$output" = "as-tail: $BATS_TEST_TMPDIR/t.rules:1:1: event needs 'while /regex/' or 'until /regex/'
as-tail: $BATS_TEST_TMPDIR/t.rules:2:28: lines must be a whole number from 2 to 10000
as-tail: $BATS_TEST_TMPDIR/t.rules:2:36: bytes must be a whole number from 1 to 1048576, or 1k to 1024k
as-tail: $BATS_TEST_TMPDIR/t.rules:2:47: bad duration '0s': from 1s to 1h
as-tail: $BATS_TEST_TMPDIR/t.rules:3:28: 'until' given twice
as-tail: $BATS_TEST_TMPDIR/t.rules:4:12: 'while' needs a /regex/
as-tail: 6 errors in the rules; nothing was read or sent" ]
}

@test "\${first:NAME} names a capture of the event" {
	run as_tail --check -r "$(rules 'event /^z/ until /(?<u>b)/ push title="${first:v}"')"
	[ "$status" -eq 2 ]
	[ "$output" = "as-tail: $BATS_TEST_TMPDIR/t.rules:1:40: unknown reference \${v}
as-tail: 1 error in the rules; nothing was read or sent" ]
	run as_tail --check -r "$(rules 'event /^z/ until /(?<u>b)/ push title="${first:line}"')"
	[ "$status" -eq 2 ]
	[ "$output" = "as-tail: $BATS_TEST_TMPDIR/t.rules:1:40: \${first:line}: not a capture of the regex
as-tail: 1 error in the rules; nothing was read or sent" ]
}
