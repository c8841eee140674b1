#!/bin/sh
# run.sh: run each libFuzzer harness for a bounded time (make fuzz).
#
#   tests/fuzz/run.sh SECONDS TARGET...
#
# Each target starts from its seeds (the shipped rules, the fixtures, the
# files in tests/fuzz/seeds) and keeps what it finds new in
# tests/fuzz/build/corpus-TARGET between runs.  A crash, leak, sanitizer
# report or matcher disagreement leaves its input in tests/fuzz/build/ and
# fails the run.  One line a target says how many inputs were run.
set -u
cd "$(dirname "$0")/../.."
top=$(pwd)
seconds=$1
shift
build=tests/fuzz/build
status=0
for t; do
	case $t in
	rules)     seeds="rules" ;;
	template)  seeds="tests/fuzz/seeds/template" ;;
	lines)     seeds="tests/fixtures" ;;
	state)     seeds="tests/fuzz/seeds/state" ;;
	reply)     seeds="tests/fuzz/seeds/reply" ;;
	matchdiff) seeds="tests/fuzz/seeds/matchdiff" ;;
	*)         echo "run.sh: $t: no such target" >&2; exit 2 ;;
	esac
	mkdir -p "$build/corpus-$t" "$build/work-$t"
	# The state target writes app.log where it runs.
	if (cd "$build/work-$t" && ASAN_OPTIONS=detect_leaks=1 \
	    AS_TAIL_FUZZ_RULES="$top/rules/generic.rules" \
	    "$top/$build/fuzz-$t" -max_total_time="$seconds" -max_len=65536 \
	    -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
	    -artifact_prefix="$top/$build/$t-" "$top/$build/corpus-$t" \
	    $(for s in $seeds; do echo "$top/$s"; done)) \
	    > "$build/$t.log" 2>&1; then
		result=clean
	else
		result="FAILED (see $build/$t.log)"
		status=1
	fi
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$build/$t.log")
	echo "fuzz-$t: ${execs:-0} inputs in ${seconds}s, $result"
done
exit $status
