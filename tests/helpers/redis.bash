# redis.bash: a real redis-server for one test, on 127.0.0.1 and a random
# port, with no persistence; load with `load helpers/redis` and call
# redis_stop from teardown.
#
# After redis_start: REDIS_PID, REDIS_PORT, REDIS_URL (redis://127.0.0.1:PORT).

# redis_start: start the server; try other ports while the one picked is
# taken; wait (at most 10 s each) until it answers, and is the one started
# (not another server that holds the port: its process id says).
redis_start() {
	local try i
	for try in $(seq 20); do
		REDIS_PORT=$((20000 + RANDOM % 40000))
		redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' \
		    --appendonly no --dir "$BATS_TEST_TMPDIR" \
		    </dev/null >"$BATS_TEST_TMPDIR/redis.log" 2>&1 3>&- &
		REDIS_PID=$!
		for i in $(seq 100); do
			if redis-cli -p "$REDIS_PORT" info server 2>/dev/null |
			    tr -d '\r' | grep -qx "process_id:$REDIS_PID"; then
				REDIS_URL=redis://127.0.0.1:$REDIS_PORT
				export REDIS_PID REDIS_PORT REDIS_URL
				return 0
			fi
			kill -0 "$REDIS_PID" 2>/dev/null || break
			sleep 0.1
		done
		redis_stop
	done
	echo "redis-server did not start" >&2
	return 1
}

# redis_stop: stop the server and wait for it; a no-op if none runs.  A
# server that already exited (its port was taken) is not an error: under
# bats's errexit a failing kill or wait would end redis_start's retries.
redis_stop() {
	[ -n "${REDIS_PID:-}" ] || return 0
	kill -TERM "$REDIS_PID" 2>/dev/null || true
	wait "$REDIS_PID" 2>/dev/null || true
	REDIS_PID=
}

# rcli ARGS...: redis-cli against the test's server.
rcli() {
	redis-cli -p "$REDIS_PORT" "$@"
}
