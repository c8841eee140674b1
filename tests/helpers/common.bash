# common.bash: what every as-tail test loads.
#
# AS_TAIL is the binary under test (the one in the source tree unless set);
# AS_TAIL_WRAPPER runs it under a tool (make check-valgrind sets valgrind).
# Everything a test writes goes to its own $BATS_TEST_TMPDIR.

TOP=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
AS_TAIL=${AS_TAIL:-$TOP/as-tail}
RULES=$TOP/rules
FIXTURES=$TOP/tests/fixtures
export XDG_CONFIG_HOME=$BATS_TEST_TMPDIR/config
# The host budget (as-tail's default) is shared through a file in
# $XDG_RUNTIME_DIR/as-tail: each test gets its own, so that tests running at
# the same time with the same fake key do not share one budget.
export XDG_RUNTIME_DIR=$BATS_TEST_TMPDIR
# Learned totals ($XDG_STATE_HOME/as-tail/history) start empty in each test.
export XDG_STATE_HOME=$BATS_TEST_TMPDIR/state
unset ACTIVITYSMITH_API_KEY ACTIVITYSMITH_API_URL ACTIVITYSMITH_BUDGET
# The packs offer CI buttons only where these are set.
unset CI_JOB_URL GITHUB_SERVER_URL GITHUB_REPOSITORY GITHUB_RUN_ID
# A dry run sends what a real one would: after a burst of five, the budget
# holds requests back and the queue coalesces and folds them.  The tests of
# what rules make want every request instead, so their dry runs have no
# budget; tests/dry-run.bats unsets this to check the real policy.
export AS_TAIL_DRY_UNLIMITED=1

# as_tail ARGS...: run as-tail (wrapped if asked) with a time limit.
as_tail() {
	timeout 60 ${AS_TAIL_WRAPPER:-} "$AS_TAIL" "$@"
}

# rules TEXT: write a rules file into the test's directory; print its path.
rules() {
	printf '%s\n' "$1" > "$BATS_TEST_TMPDIR/t.rules"
	echo "$BATS_TEST_TMPDIR/t.rules"
}

# dry INPUT RULES-TEXT [ARGS...]: feed INPUT (printf format) to a dry run;
# the requests land in $BATS_TEST_TMPDIR/trace, stdout in .../out.
dry() {
	local input=$1 text=$2
	shift 2
	printf "$input" | as_tail -n -q --trace "$BATS_TEST_TMPDIR/trace" \
	    -r "$(rules "$text")" "$@"
}

# requests: the trace as "METHOD PATH" lines.
requests() {
	python3 -c '
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    print(r["method"], r["path"])' "$BATS_TEST_TMPDIR/trace"
}

# run_keys: stdin with the run's name at the end of default stream keys
# ("-20261203-141502-4242") replaced by "-RUN".
run_keys() {
	sed -E 's/-[0-9]{8}-[0-9]{6}-[0-9]+([^A-Za-z0-9_-]|$)/-RUN\1/g'
}

# body N: the body of the Nth request (1-based), as compact JSON.
body() {
	sed -n "${1}p" "$BATS_TEST_TMPDIR/trace" | python3 -c '
import json, sys
print(json.dumps(json.load(sys.stdin)["body"], separators=(",", ":")))'
}

# field N EXPR: a Python expression on the Nth body, e.g. 'b["content_state"]["current_step"]'.
field() {
	sed -n "${1}p" "$BATS_TEST_TMPDIR/trace" | python3 -c '
import json, sys
b = json.load(sys.stdin)["body"]
print(eval(sys.argv[1]))' "$2"
}

# valid_trace: every request in the trace passes the API validator.
valid_trace() {
	python3 "$TOP/tests/validate-requests.py" "$BATS_TEST_TMPDIR/trace"
}

# send INPUT RULES-TEXT [ARGS...]: feed INPUT (printf format) to as-tail
# delivering to the fake server; stderr lands in $BATS_TEST_TMPDIR/err.
send() {
	local input=$1 text=$2
	shift 2
	printf "$input" | as_tail -q --api-url "$FAKE_URL" \
	    -r "$(rules "$text")" "$@" 2> "$BATS_TEST_TMPDIR/err"
}

# served: the fake server's log as "METHOD PATH STATUS" lines.
served() {
	fake_log_paths
}

# served_body N: the body of the Nth request the server logged.
served_body() {
	sed -n "${1}p" "$FAKE_LOG" | python3 -c '
import json, sys
print(json.dumps(json.load(sys.stdin)["body"], separators=(",", ":"), ensure_ascii=False))'
}

# wait_grep TEXT FILE: wait, at most 10 s, until FILE holds TEXT (a grep
# pattern); return 1 if it never does.
wait_grep() {
	local i
	for i in $(seq 100); do
		grep -q -- "$1" "$2" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
