#!/usr/bin/env bats
# matcher.bats: block scanning fires every rule on exactly the lines that
# matching each line alone does (issue 11): the cases that once differed,
# and a property test of every shipped pack on every fixture.

load helpers/common

setup() {
	cd "$BATS_TEST_TMPDIR"
	make -s -C "$TOP" tests/unit/unit-matchdiff
}

# fires RULES-TEXT INPUT [ARGS...]: the titles pushed by a dry run, one a
# line.
fires() {
	local text=$1 input=$2
	shift 2
	printf "$input" | as_tail -n -q --trace trace -r "$(rules "$text")" "$@"
	python3 -c '
import json, sys
for line in open("trace"):
    print(json.loads(line)["body"]["title"])'
}

@test "a possessive quantifier does not eat the line end in a block" {
	[ "$(fires 'match /^DONE\s*+$/ push title=done' 'DONE\nnext\n')" = done ]
	[ "$(fires 'match /^DONE(?>\s*)$/ push title=done' 'DONE\nnext\n')" = done ]
}

@test "a conditional group keeps its own group numbers" {
	[ "$(fires 'match /^(q)/ push title=q
match /^(x)?(?(1)y|z)/ push title=xy' 'xy\n')" = xy ]
}

@test "a dropped leading group does not renumber a back reference" {
	[ "$(fires 'match /^(\w+): (\d+) of \1$/ push title=same' 'job: 5 of job\n')" = same ]
}

@test "a \\K after a line end does not hide the line the match began on" {
	[ "$(fires 'match /^a(?:\s*b)?\Kc?/ push title=a' 'a\nb\n')" = a ]
}

@test "a line longer than --max-line is matched on its first bytes in a block too" {
	[ "$(fires 'match /x$/ push title=x' 'abcx123456\nnext\n' --max-line 4)" = x ]
}

@test "the issue's cases agree under the differential check" {
	printf 'match /^DONE\\s*+$/ push title=a\nmatch /^(q)/ push title=b\nmatch /^(x)?(?(1)y|z)/ push title=c\nmatch /^(\\w+): (\\d+) of \\1$/ push title=d\n' > t.rules
	printf 'DONE\nnext\nxy\njob: 5 of job\nq\r\nDONE  \r\n' > in
	run "$TOP/tests/unit/unit-matchdiff" t.rules -- in
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "a broad repeat after a single atom, or opening a group, is left out of the scan (unit-scanpart)" {
	make -s -C "$TOP" tests/unit/unit-scanpart
	run "$TOP/tests/unit/unit-scanpart"
	echo "$output"
	[ "$status" -eq 0 ]
	! grep -q '^not ok' <<< "$output"
	[ "${#lines[@]}" -ge 18 ]
}

@test "a broad repeat left out of the scan after a single atom, or where it opens a group: the same lines fire (issue 14)" {
	# gradle's event: "^(\S.* > .+ FAILED)$" is scanned as
	# "(?: > .+ FAILED)$"; the line that begins with a blank, the one whose
	# FAILED is not last and the one split over two lines must not fire.
	printf 'x\ndemo.PriceTest > splits FAILED\n  a > b FAILED\na > b FAILED!\na >\nb FAILED\nOuter Test > Inner > it FAILED\r\n' > in
	[ "$(fires 'match /^(\S.* > .+ FAILED)$/ push title=$1' "$(cat in)\n")" = "demo.PriceTest > splits FAILED
Outer Test > Inner > it FAILED" ]
	[ "$(fires 'match /^\S.* > (\w+)/ push title=$1' 'a > b\n > c\nq x > d e\n')" = "b
d" ]
	[ "$(fires 'match /^(?<f>\S[^:]*):(\d+): (.*)/ push title=$3' 'a.c:1: one\n:2: two\n b.c:3: three\n')" = one ]
	printf 'match /^(\S.* > .+ FAILED)$/ push title=a\nmatch /^\S.* > (\w+)/ push title=b\nmatch /^(?<f>\S[^:]*):(\d+): (.*)/ push title=c\nmatch /^(?:\w\S*) =(?:\s+)(x|y)/i push title=d\n' > t.rules
	printf 'a = x\nA =  Y\n =x\na.c:1: one\n' >> in
	run "$TOP/tests/unit/unit-matchdiff" t.rules -- in
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "every shipped pack agrees with per-line matching on every fixture" {
	local fixtures
	fixtures=$(find "$FIXTURES" -type f ! -name '*.json' ! -name '*.md' ! -name '*.LICENSE' | sort)
	run "$TOP/tests/unit/unit-matchdiff" "$RULES"/*.rules -- $fixtures
	echo "$output" | tail -20
	[ "$status" -eq 0 ]
	[[ "${lines[-1]}" = "ok "*" checks" ]]
}

@test "a catastrophic regex hits the match limit: reported once with FILE:LINE, lines still pass" {
	local a22=aaaaaaaaaaaaaaaaaaaaaa
	printf '%sb\n%sb\nok\n' "$a22" "$a22" > in
	run as_tail -n --trace trace -r "$(rules 'match /(a+)+$/ push title=cat
match /^ok/ push title=ok')" in
	[ "$status" -eq 0 ]
	[ "$(grep -c 't.rules:1: regex gave up on a line, treated as no match: match limit exceeded' <<< "$output")" -eq 1 ]
	[ "$(grep -c "^${a22}b$" <<< "$output")" -eq 2 ]
	[ "$(requests)" = "POST /push-notification" ]
	# The bold may lift the limit.
	run as_tail -n --match-limit 0 -r "$(rules 'match /(a+)+$/ push title=cat')" in
	[ "$status" -eq 0 ]
	! grep -q 'gave up' <<< "$output"
	run as_tail -n --match-limit x -r "$(rules 'match /x/ push title=x')" in
	[ "$status" -eq 2 ]
}
