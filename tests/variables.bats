#!/usr/bin/env bats
# variables.bats: rules that remember: "set NAME=VALUE" and ${var:NAME},
# the if= and unless= options, and once=ACTIVITY (once per run).  Their first user is
# rules/ansible.rules, which pushes a failure only once the recap shows it
# was real.

load helpers/common

check() {
	run as_tail --check -r "$(rules "$1")"
}

@test "the variable store passes its unit test (set, unset, oldest forgotten)" {
	make -s -C "$TOP" tests/unit/unit-vars
	run "$TOP/tests/unit/unit-vars"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" != *"not ok"* ]]
}

@test "a variable set by one line is read by a rule on a later line" {
	dry 'target web\nerror: disk full\n' 'match /^target (\w+)/ set target=$1
match /^error: (.*)/ push title="${var:target} failed" message="$1"'
	[ "$(requests)" = "POST /push-notification" ]
	[ "$(field 1 'b["title"]')" = "web failed" ]
}

@test "a variable never set reads as empty text" {
	dry 'error\n' 'match /^error/ push title="[${var:nope}]"'
	[ "$(field 1 'b["title"]')" = "[]" ]
}

@test "?= sets only a variable that is not set; an empty value unsets" {
	dry 'e one\ne two\nshow\nclear\ne three\nshow\n' 'match /^e (\w+)/ set first?=$1
match /^show/ push title="${var:first}"
match /^clear/ set first=""'
	[ "$(requests | wc -l)" -eq 2 ]
	[ "$(field 1 'b["title"]') $(field 2 'b["title"]')" = "one three" ]
}

@test "variable names are templates: one variable per capture" {
	dry 'fail web1 boom\nfail web2 bang\nfail web1 again\nrecap web2\nrecap web1\n' 'match /^fail (\w+) (\w+)/ set err.$1?=$2
match /^recap (\w+)/ push title="$1" message="${var:err.$1}"'
	[ "$(field 1 'b["message"]') $(field 2 'b["message"]')" = "bang boom" ]
}

@test "a variable name may read another variable" {
	dry 'task 7\nfail web1\nrecap web1\n' 'match /^task (\d+)/ set task=$1
match /^fail (\w+)/ set err.${var:task}.$1="failed in task ${var:task}"; set last.$1=${var:task}
match /^recap (\w+)/ push title="$1" message="${var:err.${var:last.$1}.$1}"'
	[ "$(field 1 'b["message"]')" = "failed in task 7" ]
}

@test "the sets of a rule are done in order, before the actions after them" {
	dry 'x\n' 'match /^x/ set a=1; set b="${var:a}2"; push title="${var:b}"'
	[ "$(field 1 'b["title"]')" = "12" ]
}

@test "variable values hold invalid UTF-8 as U+FFFD and are cut at 1024 bytes" {
	long=$(head -c 3000 /dev/zero | tr '\0' 'a')
	dry "v \\xff$long\\nshow\\n" 'match /^v (.*)/ set v=$1
match /^show/ push title=t message="${var:v}"'
	msg=$(field 1 'b["message"]')
	[ "${#msg}" -eq 1022 ]	# U+FFFD is 3 bytes, 1 character
	[ "${msg:0:1}" = $'\xef\xbf\xbd' ]
}

@test "thousands of variable names keep memory bounded and still work" {
	python3 -c '
for i in range(20000):
    print("fail host%d boom%d" % (i, i))
print("recap host19999")
print("recap host0")' > "$BATS_TEST_TMPDIR/in"
	as_tail -n -q --trace "$BATS_TEST_TMPDIR/trace" -r "$(rules 'match /^fail (\w+) (\w+)/ set err.$1=$2
match /^recap (\w+)/ push title="$1" message="[${var:err.$1}]"')" "$BATS_TEST_TMPDIR/in"
	# The newest is kept; the oldest was forgotten.
	[ "$(field 1 'b["message"]')" = "[boom19999]" ]
	[ "$(field 2 'b["message"]')" = "[]" ]
}

@test "set errors: no name, two pairs, bad references, all reported at their column" {
	check 'match /^(x)/ set ; push title=a
match /^y/ set a=1 b=2
match /^z/ push title="${var:}"
match /^w/ push title="${var:a.${nope}}"
match /^v/ set a.$2=x
match /^u/ push title="${var:a"'
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "as-tail: $BATS_TEST_TMPDIR/t.rules:1:14: set needs NAME=VALUE" ]
	[ "${lines[1]}" = "as-tail: $BATS_TEST_TMPDIR/t.rules:2:20: set takes one NAME=VALUE; put ';' between sets" ]
	[ "${lines[2]}" = "as-tail: $BATS_TEST_TMPDIR/t.rules:3:24: \${var:NAME} needs a name" ]
	[ "${lines[3]}" = "as-tail: $BATS_TEST_TMPDIR/t.rules:4:32: unknown reference \${nope}" ]
	[ "${lines[4]}" = "as-tail: $BATS_TEST_TMPDIR/t.rules:5:18: capture 2: the regex has only 0 captures" ]
	[ "${lines[5]}" = "as-tail: $BATS_TEST_TMPDIR/t.rules:6:24: '\$' must start \$N, \${NAME} or \$\$" ]
}

@test "an action ended by ';' is still checked for what it needs" {
	check 'activity a
match /x/ step a; push title=x'
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "as-tail: $BATS_TEST_TMPDIR/t.rules:2:11: step needs current=" ]
}

@test "if= takes the match only when its template expands to text" {
	dry 'go\narm\ngo\ngo\ndisarm\ngo\n' 'match /^arm/ set armed=yes
match /^disarm/ set armed=""
match /^go/ if=${var:armed} push title="go ${count}"' --explain 2> "$BATS_TEST_TMPDIR/err"
	[ "$(requests | wc -l)" -eq 2 ]
	# ${count} and --explain count only the lines the rule took.
	[ "$(field 1 'b["title"]') $(field 2 'b["title"]')" = "go 1 go 2" ]
	grep -q 'hits 2 fired 2' "$BATS_TEST_TMPDIR/err"
}

@test "if= can test a capture, and a rule that does not take a line does not stop others" {
	dry 'x \nx y\n' 'match /^x (\w*)/ if=$1 stop push title="one $1"
match /^x/ push title=two'
	[ "$(requests | wc -l)" -eq 2 ]
	[ "$(field 1 'b["title"]') $(field 2 'b["title"]')" = "two one y" ]
}

@test "if= or unless= given twice, or without a value, is an error" {
	check 'match /x/ if=$0 if=$0 push title=x
match /y/ if push title=y
match /z/ unless=$0 unless=$0 push title=z'
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "as-tail: $BATS_TEST_TMPDIR/t.rules:1:17: 'if' given twice" ]
	[ "${lines[1]}" = "as-tail: $BATS_TEST_TMPDIR/t.rules:2:11: 'if' needs a value" ]
	[ "${lines[2]}" = "as-tail: $BATS_TEST_TMPDIR/t.rules:3:21: 'unless' given twice" ]
}

@test "once=ACTIVITY pushes the first error of each run" {
	dry 'step 1\nerr a\nerr b\ndone\nstep 1\nerr c\nerr d\ndone\n' 'activity job
match /^step (\d)/ step job current=$1 total=3
match /^done/ end job
match /^err (\w)/ fail job
match /^err (\w)/ once=job push title="error $1"'
	[ "$(requests | grep -c push)" -eq 2 ]
	p=$(requests | grep -n push | cut -d: -f1 | tr '\n' ' ')
	set -- $p
	[ "$(field "$1" 'b["title"]') $(field "$2" 'b["title"]')" = "error a error c" ]
}

@test "once=ACTIVITY: a match between runs counts for the next run" {
	dry 'err a\nstep 1\nerr b\nstopped\nerr c\nstep 1\nerr d\nstopped\n' 'activity job
match /^step (\d)/ step job current=$1 total=3
match /^stopped/ end job failure
match /err (\w)/ once=job push title="error $1"' --api classic
	# a comes before the first run and counts for it, so b is not pushed;
	# c follows run 1's end and is the first of run 2, so d is not pushed.
	[ "$(requests | grep -c start)" -eq 2 ]
	[ "$(requests | grep -c push)" -eq 2 ]
	p=$(requests | grep -n push | cut -d: -f1 | tr '\n' ' ')
	set -- $p
	[ "$(field "$1" 'b["title"]') $(field "$2" 'b["title"]')" = "error a error c" ]
}

# issue 10.3: a match that threshold= or throttle= held back is not the run's
# firing, so once=ACTIVITY still lets a later match of the same run fire.
@test "once=ACTIVITY with threshold=: every run pushes once its threshold is met" {
	dry 'step 1\nerr a\nerr b\nerr x\ndone\nstep 1\nerr c\nerr d\nerr y\ndone\n' 'activity job
match /^step (\d)/ step job current=$1 total=3
match /^done/ end job
match /^err (\w)/ once=job threshold=2/1h push title="error $1"'
	[ "$(requests | grep -c push)" -eq 2 ]
	p=$(requests | grep -n push | cut -d: -f1 | tr '\n' ' ')
	set -- $p
	[ "$(field "$1" 'b["title"]') $(field "$2" 'b["title"]')" = "error b error d" ]
}

@test "once=ACTIVITY with throttle=: a match throttled early in a run does not use up the run" {
	[ -z "${AS_TAIL_WRAPPER:-}" ] || skip "timing: valgrind is too slow for the interval"
	R=$(rules 'activity job
match /^step (\d)/ step job current=$1 total=3
match /^done/ end job
match /^err (\w)/ once=job throttle=1s push title="error $1"')
	# b comes at once after a and is throttled; c comes 1.3 s later and is
	# the first firing of run 2.
	{ printf 'step 1\nerr a\ndone\nstep 1\nerr b\n'; sleep 1.3; printf 'err c\nerr d\ndone\n'; } |
	    as_tail -n -q --trace "$BATS_TEST_TMPDIR/trace" -r "$R"
	[ "$(requests | grep -c push)" -eq 2 ]
	p=$(requests | grep -n push | cut -d: -f1 | tr '\n' ' ')
	set -- $p
	[ "$(field "$1" 'b["title"]') $(field "$2" 'b["title"]')" = "error a error c" ]
}

@test "unless= takes the match only when its template expands to nothing" {
	dry 'scan\nerr a\nerr b\nend\nerr b2\nscan\nerr c\n' 'match /^scan/ set pushed=""
match /^err (\w+)/ unless=${var:pushed} push title="$1"; set pushed=yes'
	[ "$(requests | wc -l)" -eq 2 ]
	[ "$(field 1 'b["title"]') $(field 2 'b["title"]')" = "a c" ]
}

@test "if= and unless= together: both must agree" {
	dry 'x 1 1\nx 1 \nx  1\nx  \n' 'match /^x (\d?) (\d?)/ if=$1 unless=$2 push title="[$1|$2]"'
	[ "$(requests | wc -l)" -eq 1 ]
	[ "$(field 1 'b["title"]')" = "[1|]" ]
}

@test "once=ACTIVITY names a declared activity" {
	check 'activity job
match /x/ once=jbo push title=x'
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "as-tail: $BATS_TEST_TMPDIR/t.rules:2:1: no activity named 'jbo' (did you mean 'job'?); declare it with 'activity jbo'" ]
}

@test "examples carry out their sets, and nothing allows a set" {
	check 'match /^fail (\w+)/ set err.$1?="$1 failed"; push title="${var:err.$1}"
match /^ignore/ set last=""
example "fail web" set err.web?="web failed"; push title="web failed"
example "ignore" nothing
example "fail db" set err.db="db failed"'
	[ "$status" -eq 2 ]
	[ "${#lines[@]}" -eq 2 ]
	[ "${lines[0]}" = "as-tail: $BATS_TEST_TMPDIR/t.rules:5:1: example: expected set err.db=\"db failed\"; what fired: set err.db?=\"db failed\"; push title=\"db failed\"" ]
}

@test "examples honour if=, with no variables set" {
	check 'match /^go/ if=${var:armed} push title=go
example "go" nothing'
	[ "$status" -eq 0 ]
}

@test "\${var:...} nests at most 8 deep and a template is at most 4096 bytes (issue 11)" {
	local open='' close='' i
	for i in $(seq 8); do open="$open\${var:"; close="$close}"; done
	run as_tail --check -r "$(rules "match /x/ push title=${open}a${close}")"
	[ "$status" -eq 0 ]
	run as_tail --check -r "$(rules "match /x/ push title=\${var:${open}a${close}}")"
	[ "$status" -eq 2 ]
	[[ "$output" = *'${var:...} nested more than 8 deep'* ]]
	run as_tail --check -r "$(rules "match /x/ push title=$(head -c 4097 /dev/zero | tr '\0' a)")"
	[ "$status" -eq 2 ]
	[[ "$output" = *'t.rules:1:22: a template longer than 4096 bytes'* ]]
}

@test "a deeply nested template costs little memory: refused, not expanded (issue 11)" {
	[ -z "${AS_TAIL_SANITIZED:-}" ] || skip "sanitizers reserve address space"
	[ -z "${AS_TAIL_WRAPPER:-}" ] || skip "the wrapper needs its own memory"
	python3 -c '
n = 20000
print("match /x/ push title=" + "${var:" * n + "a" + "}" * n)' > "$BATS_TEST_TMPDIR/deep.rules"
	# 200 MB of address space is plenty; quadratic copying needs gigabytes.
	run bash -c "ulimit -v 200000; exec $AS_TAIL --check -r $BATS_TEST_TMPDIR/deep.rules"
	[ "$status" -eq 2 ]
	[[ "$output" = *'a template longer than 4096 bytes'* ]]
	python3 -c '
n = 500
print("match /x/ push title=" + "${var:" * n + "a" + "}" * n)' > "$BATS_TEST_TMPDIR/deep.rules"
	run bash -c "ulimit -v 200000; exec $AS_TAIL --check -r $BATS_TEST_TMPDIR/deep.rules"
	[ "$status" -eq 2 ]
	[[ "$output" = *'nested more than 8 deep'* ]]
}
