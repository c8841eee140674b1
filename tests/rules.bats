#!/usr/bin/env bats
# rules.bats: the rules language: loading, --check diagnostics, templates,
# rule options and the order rules fire in.

load helpers/common

check() {
	run as_tail --check -r "$(rules "$1")"
}

@test "--check accepts the shipped rule packs without reading input" {
	for f in "$RULES"/*.rules; do
		run as_tail --check -r "$f" < /dev/tty 2>/dev/null || run as_tail --check -r "$f"
		[ "$status" -eq 0 ]
		[ -z "$output" ]
	done
}

@test "--check reports a bad regex with PCRE2's message and its column" {
	check 'activity a
match /ab(c/ start a'
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "as-tail: $BATS_TEST_TMPDIR/t.rules:2:12: bad regex: missing closing parenthesis (at offset 4)" ]
}

@test "a misspelt keyword gets a did-you-mean" {
	check 'activty a'
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "as-tail: $BATS_TEST_TMPDIR/t.rules:1:1: unknown keyword 'activty' (did you mean 'activity'?)" ]
}

@test "a misspelt action, option and field each get a did-you-mean" {
	check 'activity a
match /x/ stpe a
match /y/ step a curent=1
match /z/ oncee push title=x'
	[ "$status" -eq 2 ]
	[[ "$output" == *"t.rules:2:11: unknown option or action 'stpe' (did you mean 'step'?)"* ]]
	[[ "$output" == *"t.rules:3:18: step takes no 'curent' (did you mean 'current'?)"* ]]
	[[ "$output" == *"t.rules:4:11: unknown option or action 'oncee' (did you mean 'once'?)"* ]]
	[ "${#lines[@]}" -eq 4 ]
}

@test "every error is reported before exiting, with a count" {
	check 'activity a type=bogus color=pink
match /ok/ push
match /(/ push title=x
match /x/ step b current=1
frobnicate'
	[ "$status" -eq 2 ]
	[[ "$output" == *"1:17: unknown type 'bogus'"* ]]
	[[ "$output" == *"1:29: unknown color 'pink'"* ]]
	[[ "$output" == *"2:12: push needs title="* ]]
	[[ "$output" == *"3:9: bad regex: missing closing parenthesis"* ]]
	[[ "$output" == *"5:1: unknown keyword 'frobnicate'"* ]]
	[[ "$output" == *"4:11: no activity named 'b'"* ]]
	[[ "${lines[-1]}" == "as-tail: 6 errors in the rules; nothing was read or sent" ]]
}

@test "an undeclared activity is an error with a did-you-mean" {
	check 'activity build
match /x/ step biuld current=1'
	[ "$status" -eq 2 ]
	[[ "${lines[0]}" == *"t.rules:2:11: no activity named 'biuld' (did you mean 'build'?); declare it with 'activity biuld'" ]]
}

@test "references to missing captures are errors at their column" {
	check 'activity a
match /(\d+)/ step a current=$2
match /(?<n>\d+)/ step a current=${nn}'
	[ "$status" -eq 2 ]
	[[ "$output" == *"2:30: capture 2: the regex has only 1 capture"* ]]
	[[ "$output" == *"3:34: unknown reference \${nn}"* ]]
	[ "${#lines[@]}" -eq 3 ]
}

@test "an unterminated regex or string is reported and parsing goes on" {
	check 'match /abc push title=x
match /x/ push title="open
bogus'
	[ "$status" -eq 2 ]
	[[ "${lines[0]}" == *"t.rules:1:7: unterminated regex: missing closing '/'" ]]
	[[ "${lines[1]}" == *"t.rules:2:22: unterminated \"double-quoted\" string" ]]
	[[ "${lines[2]}" == *"t.rules:3:1: unknown keyword 'bogus'" ]]
	[ "${#lines[@]}" -eq 4 ]
}

@test "static values are checked like the API does" {
	check 'activity a
match /x/ progress a percent=120
match /x/ step a current=1 total=0
match /x/ push title=t url=http://example.com
match /x/ metric Bad.Key value=1
match /x/ step a current=1 color=teal'
	[ "$status" -eq 2 ]
	[[ "$output" == *"2:30: percent must be a number from 0 to 100"* ]]
	[[ "$output" == *"3:34: total must be at least 1"* ]]
	[[ "$output" == *"4:28: url must start with https:// or shortcuts://"* ]]
	[[ "$output" == *"5:18: bad metric key 'Bad.Key'"* ]]
	[[ "$output" == *"6:34: unknown color 'teal'"* ]]
}

@test "step and progress must fit the activity's type" {
	check 'activity a type=progress
match /x/ step a current=1'
	[ "$status" -eq 2 ]
	[[ "$output" == *"2:11: step needs a segmented_progress activity; 'a' is progress"* ]]
}

@test "a missing rules file exits 2 and says so" {
	run as_tail -n -r "$BATS_TEST_TMPDIR/nope.rules" < /dev/null
	[ "$status" -eq 2 ]
	[[ "${lines[0]}" == "as-tail: $BATS_TEST_TMPDIR/nope.rules: No such file or directory" ]]
}

@test "include reads a file relative to the including one, once" {
	mkdir -p "$BATS_TEST_TMPDIR/d"
	printf 'activity a\nmatch /^x (\\d)/ step a current=$1 total=9\n' > "$BATS_TEST_TMPDIR/d/inner.rules"
	printf 'include inner.rules\n' > "$BATS_TEST_TMPDIR/d/outer.rules"
	printf 'x 3\n' | as_tail -n -q --trace "$BATS_TEST_TMPDIR/trace" -r "$BATS_TEST_TMPDIR/d/outer.rules"
	[ "$(field 1 'b["content_state"]["current_step"]')" = 3 ]
	# Included again (and in a loop): loaded once, so no activity twice.
	printf 'include ../d/inner.rules\ninclude outer.rules\n' >> "$BATS_TEST_TMPDIR/d/outer.rules"
	printf 'include outer.rules\n' >> "$BATS_TEST_TMPDIR/d/inner.rules"
	run as_tail --check -r "$BATS_TEST_TMPDIR/d/outer.rules"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "-r NAME finds NAME.rules in \$XDG_CONFIG_HOME/as-tail/rules" {
	mkdir -p "$XDG_CONFIG_HOME/as-tail/rules"
	printf 'activity mine\nmatch /^go/ start mine\n' > "$XDG_CONFIG_HOME/as-tail/rules/mine.rules"
	cd "$BATS_TEST_TMPDIR"
	printf 'go\n' | as_tail -n -q --trace "$BATS_TEST_TMPDIR/trace" -r mine
	[[ "$(requests | head -1)" == "PUT /live-activity/stream/"*-mine-* ]]
}

@test "-r NAME finds the shipped packs from the source tree" {
	cd "$BATS_TEST_TMPDIR"
	run as_tail --check -r build
	[ "$status" -eq 0 ]
}

# issue 10.1: a CMake tree holds a directory called build.
@test "-r NAME beside a directory called NAME loads the pack; -v names the file" {
	mkdir "$BATS_TEST_TMPDIR/build"
	cd "$BATS_TEST_TMPDIR"
	run as_tail --check -v -r build
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "as-tail: -r build: reading $RULES/build.rules" ]
	# No pack of that name: loading the directory says what it is.
	mkdir "$BATS_TEST_TMPDIR/nopack"
	run as_tail --check -r nopack
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "as-tail: nopack: Is a directory" ]
}

# issue 10.2: rules from a pipe, process substitution or /dev/stdin.
@test "rules can come from a FIFO, /dev/stdin or a process substitution" {
	R='match /^x (\w)/ push title=$1'
	run bash -c '"$0" --check -r <(printf "%s\n" "$1")' "$AS_TAIL" "$R"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run bash -c 'printf "%s\n" "$1" | "$0" --check -v -r /dev/stdin' "$AS_TAIL" "$R"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = "as-tail: rules ok: 1 rule, 0 activities, 0 examples" ]
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	printf '%s\n' "$R" > "$BATS_TEST_TMPDIR/fifo" &
	printf 'x a\n' | as_tail -n -q --trace "$BATS_TEST_TMPDIR/trace" -r "$BATS_TEST_TMPDIR/fifo"
	wait
	[ "$(field 1 'b["title"]')" = a ]
	# A FIFO that holds a bad rule is reported at its line, like a file.
	printf 'match /x/ psuh\n' > "$BATS_TEST_TMPDIR/fifo" &
	run as_tail --check -r "$BATS_TEST_TMPDIR/fifo"
	wait
	[ "$status" -eq 2 ]
	[[ "${lines[0]}" == "as-tail: $BATS_TEST_TMPDIR/fifo:1:"* ]]
}

@test "comments, quoting and continuation lines" {
	dry 'deploy web v1.2\n' '# a comment line
activity d   # trailing comment
match /^deploy (\S+) (\S+)/   # the rule continues on indented lines
    start d title="Deploying \"$1\"" subtitle='"'"'version $2 #1'"'"'
    ; push title=done message=a#b'
	# The push goes first: the start waits for every rule to see the line.
	[ "$(field 1 'b["message"]')" = 'a#b' ]
	[ "$(field 2 'b["content_state"]["title"]')" = 'Deploying "web"' ]
	[ "$(field 2 'b["content_state"]["subtitle"]')" = 'version v1.2 #1' ]
}

@test "templates expand captures, the line, file, host, env, count and elapsed" {
	export DEPLOY_ENV=prod
	dry 'ok web\nok db\n' 'match /^ok (?<svc>\w+)/ push title="$1/${svc}" message="${line}|$0|${file}|${env:DEPLOY_ENV}|${count}|${elapsed}|$$" subtitle=${host}'
	[ "$(field 1 'b["title"]')" = "web/web" ]
	[ "$(field 1 'b["message"]')" = 'ok web|ok web|-|prod|1|0s|$' ]
	[ "$(field 2 'b["message"]')" = 'ok db|ok db|-|prod|2|0s|$' ]
	[ "$(field 1 'b["subtitle"]')" = "$(hostname)" ]
}

@test "invalid UTF-8 and control bytes in captures become valid JSON text" {
	dry 'oops \xff\xfe bad\x01 end\n' 'match /^oops (.*)/ push title=t message=$1'
	[ "$(field 1 'b["message"]')" = $'\xef\xbf\xbd\xef\xbf\xbd bad  end' ]
}

@test "the i flag makes a regex case-insensitive" {
	dry 'FATAL boom\n' 'match /^fatal/i push title=x'
	[ "$(requests)" = "POST /push-notification" ]
}

@test "every rule that matches a line fires, in file order" {
	dry 'alpha\n' 'match /alpha/ push title=one
match /^a/ push title=two
match /ph/ push title=three'
	[ "$(field 1 'b["title"]') $(field 2 'b["title"]') $(field 3 'b["title"]')" = "one two three" ]
}

@test "stop makes later rules skip the line" {
	dry 'alpha\nbeta\n' 'match /alpha/ stop push title=one
match /a/ push title=two'
	[ "$(requests | wc -l)" -eq 2 ]
	[ "$(field 1 'b["title"]') $(field 2 'b["title"]')" = "one two" ]
	[ "$(field 2 'b["title"]')" = "two" ]
}

@test "once fires on the first match only and counts the rest" {
	dry 'e 1\ne 2\ne 3\n' 'match /^e (\d)/ once push title=$1' --explain 2> "$BATS_TEST_TMPDIR/err"
	[ "$(requests | wc -l)" -eq 1 ]
	[ "$(field 1 'b["title"]')" = 1 ]
	grep -q 'hits 3 fired 1 suppressed 2' "$BATS_TEST_TMPDIR/err"
}

@test "throttle fires at most once per interval" {
	[ -z "${AS_TAIL_WRAPPER:-}" ] || skip "timing: valgrind is too slow for the interval"
	R=$(rules 'match /^e (\d)/ throttle=1s push title=$1')
	{ printf 'e 1\ne 2\n'; sleep 1.3; printf 'e 3\ne 4\n'; } |
	    as_tail -n -q --trace "$BATS_TEST_TMPDIR/trace" -r "$R"
	[ "$(requests | wc -l)" -eq 2 ]
	[ "$(field 1 'b["title"]') $(field 2 'b["title"]')" = "1 3" ]
}

@test "threshold fires when N matches fall within the interval" {
	dry 'e 1\ne 2\ne 3\ne 4\ne 5\ne 6\ne 7\n' 'match /^e (\d)/ threshold=3/1m push title=$1'
	[ "$(requests | wc -l)" -eq 2 ]
	[ "$(field 1 'b["title"]') $(field 2 'b["title"]')" = "3 6" ]
}

@test "threshold forgets matches older than the interval" {
	[ -z "${AS_TAIL_WRAPPER:-}" ] || skip "timing: valgrind is too slow for the interval"
	R=$(rules 'match /^e (\d)/ threshold=2/500ms push title=$1')
	{ printf 'e 1\n'; sleep 0.8; printf 'e 2\n'; sleep 0.8; printf 'e 3\ne 4\n'; } |
	    as_tail -n -q --trace "$BATS_TEST_TMPDIR/trace" -r "$R"
	[ "$(requests | wc -l)" -eq 1 ]
	[ "$(field 1 'b["title"]')" = 4 ]
}

@test "rules with lookbehind or anchors on the subject still match every line" {
	dry 'xfoo\nbar\nfoo\nafoo\n' 'match /(?<!a)foo\z/ push title=$0
match /\Abar/ push title=$0'
	[ "$(requests | wc -l)" -eq 3 ]
	[ "$(field 1 'b["title"]') $(field 2 'b["title"]') $(field 3 'b["title"]')" = "foo bar foo" ]
}

@test "a regex that cannot cross lines does not see the next line" {
	dry 'error\n: x\nerror: y\n' 'match /error\s*: (\w)/ push title=$1'
	[ "$(requests | wc -l)" -eq 1 ]
	[ "$(field 1 'b["title"]')" = y ]
}

@test "--explain reports lines, per-rule hits and the first lines matched" {
	printf 'a 1\nb\na 2\n' | as_tail -n -q --trace /dev/null --explain -r "$(rules 'match /^a (\d)/ push title=$1
match /zzz/ push title=z')" 2> "$BATS_TEST_TMPDIR/err"
	grep -Eq '^lines read: 3 \(0.0 MB\) in [0-9.]+s(, [0-9]+ lines/s)?$' "$BATS_TEST_TMPDIR/err"
	grep -q '^rules: 2, 0 tried on every line$' "$BATS_TEST_TMPDIR/err"
	grep -q 't.rules:1: /^a (\\d)/ hits 2 fired 2 suppressed 0$' "$BATS_TEST_TMPDIR/err"
	grep -q '^    | a 1$' "$BATS_TEST_TMPDIR/err"
	grep -q '^    | a 2$' "$BATS_TEST_TMPDIR/err"
	grep -q 't.rules:2: /zzz/ hits 0 fired 0 suppressed 0$' "$BATS_TEST_TMPDIR/err"
}

@test "--check verifies examples and reports what fired instead" {
	check 'activity b
match /^Step (\d+)/ step b current=$1 total=9
example "Step 4" step b current=5
example "hello" push
example "Step 2" nothing
example "Step 3" step b current=3 total=9'
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "as-tail: $BATS_TEST_TMPDIR/t.rules:3:1: example: expected step b current=\"5\"; what fired: step b current=\"4\" total=\"9\"" ]
	[ "${lines[1]}" = "as-tail: $BATS_TEST_TMPDIR/t.rules:4:1: example: expected push; no rule fired" ]
	[ "${lines[2]}" = "as-tail: $BATS_TEST_TMPDIR/t.rules:5:1: example: expected nothing; what fired: step b current=\"2\" total=\"9\"" ]
	[ "${lines[3]}" = "as-tail: 3 of 4 examples failed" ]
}

@test "examples do not affect a normal run" {
	dry 'Step 4\n' 'activity b
match /^Step (\d+)/ step b current=$1 total=9
example "Step 7" step b current=7'
	[ "$(requests | wc -l)" -eq 2 ]
}

@test "odd tokens are reported, not hung on or crashed on" {
	check 'match /x/ push =foo
match /x/ ; push title=a
activity a ;'
	[ "$status" -eq 2 ]
	[[ "$output" == *"1:16: unexpected '=foo' in push"* ]]
	[[ "$output" == *"3:12: expected key=value, not ';'"* ]]
	[ "${#lines[@]}" -eq 3 ]
}

@test "a missing option value and an unknown short option are usage errors" {
	run as_tail -r
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "as-tail: option '-r' needs a value" ]
	run as_tail -nx -r x
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "as-tail: unknown option '-x'" ]
}

@test "an activity option given twice: the last one counts, the first is freed (issue 10.13)" {
	dry 'x\n' 'activity b title=A subtitle=one subtitle=two message=m1 message=m2 stream=k1 stream=k2 channels=a channels=b
match /x/ step b current=1'
	[ "$(requests | head -1)" = "PUT /live-activity/stream/k2" ]
	[ "$(field 1 'b["content_state"]["subtitle"]')" = two ]
	[ "$(field 1 'b["content_state"]["message"]')" = m2 ]
	dry 'x\n' 'activity b title=A api=classic channels=a channels=b
match /x/ step b current=1'
	[ "$(field 1 'b["target"]["channels"]')" = "['b']" ]
}

@test "did-you-mean only suggests what the action takes; exit gets one too (issue 10.4)" {
	check 'match /x/ push title=x volume=y
exit sucess push title=x'
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "as-tail: $BATS_TEST_TMPDIR/t.rules:1:24: push takes no 'volume'" ]
	[ "${lines[1]}" = "as-tail: $BATS_TEST_TMPDIR/t.rules:2:6: exit takes success, failure or a status from 0 to 255, not 'sucess' (did you mean 'success'?)" ]
}

@test "the errors of one file are told in line order (issue 10.4)" {
	check 'match /x/ step nope current=1
match /x/ push titel=x
match /x/ push title="unterminated'
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "as-tail: $BATS_TEST_TMPDIR/t.rules:1:11: no activity named 'nope'; declare it with 'activity nope'" ]
	[ "${lines[1]}" = "as-tail: $BATS_TEST_TMPDIR/t.rules:2:16: push takes no 'titel' (did you mean 'title'?)" ]
	[ "${lines[2]}" = "as-tail: $BATS_TEST_TMPDIR/t.rules:3:22: unterminated \"double-quoted\" string" ]
}

# The leak shows under make check-asan (LeakSanitizer).
@test "once= given twice: the last wins, and nothing leaks (found by fuzz-rules)" {
	run as_tail --check -r "$(rules 'activity a stream=a
activity b stream=b
match /x/ push title=t once=a once=b
example "x" push title=t')"
	[ "$status" -eq 0 ]
}

@test "detect takes one regex; in a file given with -r it changes nothing" {
	check 'detect /^=+ test session starts =+$/
detect /^ok +\S+/i
activity a
match /x/ start a'
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	dry 'ok 1\n=== test session starts ===\nx\n' \
	    'detect /^=+ test session starts/
activity a
match /x/ start a'
	[[ "$(requests | head -n 1)" == "PUT /live-activity/stream/"* ]]
	check 'detect
detect "make"
detect /a(/
detect /a/ push title=x
detetc /a/'
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "as-tail: $BATS_TEST_TMPDIR/t.rules:1:1: detect needs a /regex/" ]
	[ "${lines[1]}" = "as-tail: $BATS_TEST_TMPDIR/t.rules:2:8: detect needs a /regex/" ]
	[ "${lines[2]}" = "as-tail: $BATS_TEST_TMPDIR/t.rules:3:11: bad regex: missing closing parenthesis (at offset 2)" ]
	[ "${lines[3]}" = "as-tail: $BATS_TEST_TMPDIR/t.rules:4:12: detect takes one /regex/ and nothing else, not 'push'" ]
	[ "${lines[4]}" = "as-tail: $BATS_TEST_TMPDIR/t.rules:5:1: unknown keyword 'detetc' (did you mean 'detect'?)" ]
	[ "${lines[5]}" = "as-tail: 5 errors in the rules; nothing was read or sent" ]
}
