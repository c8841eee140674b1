#!/usr/bin/env bats
# packs.bats: every shipped rule pack, on the real logs in
# tests/fixtures/PACK/: --check passes (so its examples hold), and each
# LOG.log gives the outcome, final progress and first error in LOG.expect.
# A pack that misses an outcome on its fixtures fails here.

load helpers/common

@test "every pack passes --check, examples included" {
	for f in "$RULES"/*.rules; do
		run as_tail --check -r "$f"
		echo "$f: $output"
		[ "$status" -eq 0 ]
	done
}

@test "every pack has examples and a header that says what it covers" {
	for f in "$RULES"/*.rules; do
		name=$(basename "$f" .rules)
		head -1 "$f" | grep -q "^# $name.rules: ." || { echo "$f: no header"; false; }
		grep -q '^example ' "$f" || { echo "$f: no examples"; false; }
	done
}

@test "every pack gives the expected outcome on its real logs" {
	n=0
	for expect in "$FIXTURES"/*/*.expect; do
		dir=$(dirname "$expect")
		pack=$RULES/$(basename "$dir").rules
		log=${expect%.expect}.log
		[ -f "$pack" ] || continue
		python3 "$TOP/tests/check-pack.py" "$AS_TAIL" "$pack" "$log" "$expect"
		n=$((n + 1))
	done
	[ "$n" -gt 0 ]
}

@test "--list-rules lists every shipped pack with its description" {
	run as_tail --list-rules
	[ "$status" -eq 0 ]
	for f in "$RULES"/*.rules; do
		name=$(basename "$f" .rules)
		desc=$(head -1 "$f" | sed "s/^# $name.rules: //")
		[[ "$output" == *"$name"*"$desc"* ]]
	done
}

@test "README's pack table and SOURCES.md match the tree: descriptions, activities, examples, logs" {
	python3 "$TOP/tests/check-readme-packs.py" "$TOP"
}

@test "a real log twice in a row is two runs: own activity, own color, own push" {
	# Not for make and go, which print no line that ends a run or begins
	# the next: their runs end after 15 idle minutes (pack-make.bats), not
	# in a replay.  generic pushes at most once a minute, so its pushes
	# are not counted.
	n=0
	for log in "$FIXTURES"/*/*.log; do
		dir=$(basename "$(dirname "$log")")
		pack=$RULES/$dir.rules
		[ -f "$pack" ] || continue
		opt=
		case $dir in
		make | go) continue ;;
		generic) opt=--throttled ;;
		esac
		python3 "$TOP/tests/check-pack-twice.py" $opt "$AS_TAIL" "$pack" "$log"
		n=$((n + 1))
	done
	[ "$n" -gt 50 ]
}
