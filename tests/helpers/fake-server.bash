# Bats helpers for the fake ActivitySmith server (tests/fake-activitysmith.py).
#
# This file owns starting and stopping one fake server per test, talking
# to its control API and reading its request log.  Load it with
# `load helpers/fake-server` and call fake_server_stop from teardown.
#
# After fake_server_start these are exported:
#   FAKE_PID               the server's process id
#   FAKE_PORT, FAKE_URL    http://127.0.0.1:PORT (https:// with --tls-cert)
#   FAKE_LOG               its JSON-lines request log
#   FAKE_STDERR            its standard error
#   FAKE_CACERT            the --tls-cert file, when serving HTTPS
#   ACTIVITYSMITH_API_KEY  ask_test_key (the server's default --key)
# Nothing waits with a fixed sleep: every wait polls against a deadline.

FAKE_SERVER_PY=${FAKE_SERVER_PY:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/fake-activitysmith.py}

# fake_now_ms: prints a monotonic-enough clock in milliseconds.
fake_now_ms() {
	local t
	t=$(date +%s%N)
	echo $((t / 1000000))
}

# fake_server_start [ARGS...]: starts the server in the background with
# ARGS added, waits (at most $FAKE_START_TIMEOUT seconds, default 10)
# for its port file, and exports the variables above.  Returns 1 with a
# message on stderr if the server does not come up.
fake_server_start() {
	local dir=${BATS_TEST_TMPDIR:?fake_server_start needs bats}
	local port_file=$dir/fake-port
	local deadline arg prev=
	FAKE_LOG=$dir/fake-log.jsonl
	FAKE_STDERR=$dir/fake-stderr
	FAKE_CACERT=
	for arg in "$@"; do
		[ "$prev" = --tls-cert ] && FAKE_CACERT=$arg
		prev=$arg
	done
	rm -f "$port_file" "$FAKE_LOG"
	# 3>&- : bats waits for every process holding its fd 3.
	python3 "$FAKE_SERVER_PY" --port-file "$port_file" --log "$FAKE_LOG" \
		"$@" </dev/null >/dev/null 2>"$FAKE_STDERR" 3>&- &
	FAKE_PID=$!
	deadline=$(($(fake_now_ms) + ${FAKE_START_TIMEOUT:-10} * 1000))
	until [ -s "$port_file" ]; do
		if ! kill -0 "$FAKE_PID" 2>/dev/null; then
			echo "fake server exited at start:" >&2
			cat "$FAKE_STDERR" >&2
			FAKE_PID=
			return 1
		fi
		if [ "$(fake_now_ms)" -gt "$deadline" ]; then
			echo "fake server did not start in time" >&2
			fake_server_stop
			return 1
		fi
		sleep 0.02
	done
	FAKE_PORT=$(cat "$port_file")
	if [ -n "$FAKE_CACERT" ]; then
		FAKE_URL=https://127.0.0.1:$FAKE_PORT
	else
		FAKE_URL=http://127.0.0.1:$FAKE_PORT
	fi
	ACTIVITYSMITH_API_KEY=ask_test_key
	export FAKE_PID FAKE_PORT FAKE_URL FAKE_LOG FAKE_STDERR FAKE_CACERT
	export ACTIVITYSMITH_API_KEY
}

# fake_server_stop: sends SIGTERM, waits up to 5 s, then SIGKILL.
# A no-op when no server is running.
fake_server_stop() {
	local deadline
	[ -n "${FAKE_PID:-}" ] || return 0
	kill -TERM "$FAKE_PID" 2>/dev/null
	deadline=$(($(fake_now_ms) + 5000))
	while kill -0 "$FAKE_PID" 2>/dev/null; do
		if [ "$(fake_now_ms)" -gt "$deadline" ]; then
			echo "fake server ignored SIGTERM; killing it" >&2
			kill -KILL "$FAKE_PID" 2>/dev/null
			break
		fi
		sleep 0.02
	done
	wait "$FAKE_PID" 2>/dev/null
	FAKE_PID=
}

# fake_curl ARGS...: curl with the server's CA when serving HTTPS.
fake_curl() {
	if [ -n "${FAKE_CACERT:-}" ]; then
		curl --cacert "$FAKE_CACERT" "$@"
	else
		curl "$@"
	fi
}

# fake_control METHOD NAME [JSON]: calls /_control/NAME; prints the reply.
fake_control() {
	local method=$1 name=$2 data=${3:-}
	if [ -n "$data" ]; then
		fake_curl -sS -f -X "$method" -H 'Content-Type: application/json' \
			--data-binary "$data" "$FAKE_URL/_control/$name"
	else
		fake_curl -sS -f -X "$method" "$FAKE_URL/_control/$name"
	fi
}

# fake_fault JSON: replaces the fault rules with JSON (a list of rules).
fake_fault() {
	fake_control POST faults "$1" >/dev/null
}

# fake_state: prints the server state as JSON.
fake_state() {
	fake_control GET state
}

# fake_log_paths: prints "METHOD PATH STATUS" per logged request
# ("-" as STATUS for a dropped connection).  Reads $FAKE_LOG directly,
# so it works while the listener is refusing connections.
fake_log_paths() {
	python3 -c '
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    e = json.loads(line)
    status = "-" if e["status"] is None else e["status"]
    print(e["method"], e["path"], status)
' "$FAKE_LOG"
}

# wait_for_log_lines N [TIMEOUT]: waits until $FAKE_LOG has at least N
# lines (TIMEOUT seconds, default 5).  Returns 1 with a message if not.
wait_for_log_lines() {
	local want=$1 deadline have
	deadline=$(($(fake_now_ms) + ${2:-5} * 1000))
	while :; do
		have=0
		[ -f "$FAKE_LOG" ] && have=$(wc -l <"$FAKE_LOG")
		[ "$have" -ge "$want" ] && return 0
		if [ "$(fake_now_ms)" -gt "$deadline" ]; then
			echo "fake server log has $have lines, wanted $want" >&2
			return 1
		fi
		sleep 0.02
	done
}

# paced RATE [ARGS...]: as-tail at --rate RATE gets "Step 1/6", and once the
# server has its start, Steps 2 to 6 in separate writes 50 ms apart (each
# in a read of its own, far within one interval of the bucket); input ends
# once the server holds two requests.  The server's log is then compared.
# Used by budget.bats and server-limits.bats (spacing of a bar's updates).
paced() {
	local rate=$1 in=$BATS_TEST_TMPDIR/in i
	shift
	mkfifo "$in"
	as_tail -q --rate "$rate" --api-url "$FAKE_URL" "$@" \
	    -r "$(rules 'activity b title=Build
match /^Step (\d+)\/(\d+)/ step b current=$1 total=$2')" \
	    < "$in" 2> "$BATS_TEST_TMPDIR/err" 3>&- &
	pid=$!
	exec 5> "$in"
	echo 'Step 1/6' >&5
	wait_for_log_lines 1 10
	for i in 2 3 4 5 6; do
		echo "Step $i/6" >&5
		sleep 0.05
	done
	wait_for_log_lines 2 20
	exec 5>&-
	wait "$pid"
}
