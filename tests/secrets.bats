#!/usr/bin/env bats
# secrets.bats: the API key stays with as-tail (issue 11): key file rules,
# no proxy unless configured and never for plain http, redaction before a
# cut, no key in /proc/PID/environ or a core, ${env:ACTIVITYSMITH_API_KEY}
# always empty.

load helpers/common
load helpers/fake-server

R='match /x/ push title=t'

setup() {
	cd "$BATS_TEST_TMPDIR"
	fake_server_start
}

teardown() {
	[ -z "${TRAP_PID:-}" ] || kill "$TRAP_PID" 2>/dev/null || true
	[ -z "${NOBODY_DIR:-}" ] || rm -rf "$NOBODY_DIR"
	fake_server_stop
}

# trap_start [ARGS...]: the trap listener (tests/trap-server.py); sets
# TRAP_URL, and TRAP_LOG for what it received.
trap_start() {
	TRAP_LOG=$BATS_TEST_TMPDIR/trap.log
	: > "$TRAP_LOG"
	python3 "$TOP/tests/trap-server.py" --port-file trap-port \
	    --log "$TRAP_LOG" "$@" </dev/null >/dev/null 2>trap-err 3>&- &
	TRAP_PID=$!
	wait_grep . trap-port || { cat trap-err >&2; return 1; }
	TRAP_URL=http://127.0.0.1:$(cat trap-port)
}

@test "a key file that is a FIFO is refused at once, not waited on" {
	unset ACTIVITYSMITH_API_KEY
	mkfifo key
	run timeout -k 5 20 "$AS_TAIL" -r "$(rules "$R")" --api-key-file key < /dev/null
	[ "$status" -eq 2 ]
	[ "$output" = "as-tail: key: not a regular file; the key file must be one" ]
}

@test "a key of 1024 bytes or more is refused, not cut" {
	unset ACTIVITYSMITH_API_KEY
	head -c 1024 /dev/zero | tr '\0' k > key
	printf '\n' >> key
	chmod 600 key
	run "$AS_TAIL" -r "$(rules "$R")" --api-key-file key < /dev/null
	[ "$status" -eq 2 ]
	[ "$output" = "as-tail: key: the first line is longer than 1023 bytes; not an API key" ]
	run env ACTIVITYSMITH_API_KEY="$(head -c 1024 /dev/zero | tr '\0' k)" \
	    "$AS_TAIL" -r "$(rules "$R")" < /dev/null
	[ "$status" -eq 2 ]
	[ "$output" = "as-tail: ACTIVITYSMITH_API_KEY is longer than 1023 bytes; not an API key" ]
	# 1023 bytes is a key.
	head -c 1023 /dev/zero | tr '\0' k > key
	printf 'x\n' | as_tail -q --api-url "$FAKE_URL" -r "$(rules "$R")" --api-key-file key || true
	[ "$(served | head -1)" = "POST /push-notification 401" ]
}

@test "a bare CR in the key is refused; a CRLF line end is not part of it" {
	unset ACTIVITYSMITH_API_KEY
	printf 'ask_test\rkey\n' > key
	chmod 600 key
	run "$AS_TAIL" -r "$(rules "$R")" --api-key-file key < /dev/null
	[ "$status" -eq 2 ]
	[ "$output" = "as-tail: key: the API key holds a control character (a CR?)" ]
	run env ACTIVITYSMITH_API_KEY="$(printf 'ask\rx')" "$AS_TAIL" -r "$(rules "$R")" < /dev/null
	[ "$status" -eq 2 ]
	[ "$output" = "as-tail: ACTIVITYSMITH_API_KEY: the API key holds a control character (a CR?)" ]
	printf 'ask_test_key\r\n' > key
	printf 'x\n' | as_tail -q --api-url "$FAKE_URL" -r "$(rules "$R")" --api-key-file key
	[ "$(served | head -1)" = "POST /push-notification 200" ]
}

@test "http_proxy and ALL_PROXY are not used for plain http to loopback" {
	trap_start
	printf 'x\n' | http_proxy=$TRAP_URL HTTP_PROXY=$TRAP_URL ALL_PROXY=$TRAP_URL \
	    as_tail -q --api-url "$FAKE_URL" -r "$(rules "$R")" --retry-max-time 0
	[ "$(served | head -1)" = "POST /push-notification 200" ]
	[ ! -s "$TRAP_LOG" ]
}

@test "--proxy is not used for plain http either; for https it tunnels, the key inside TLS" {
	trap_start
	printf 'x\n' | as_tail -q --api-url "$FAKE_URL" --proxy "$TRAP_URL" \
	    -r "$(rules "$R")" --retry-max-time 0
	[ "$(served | head -1)" = "POST /push-notification 200" ]
	[ ! -s "$TRAP_LOG" ]
	printf 'x\n' | as_tail -q --api-url https://127.0.0.1:9/ --proxy "$TRAP_URL" \
	    -r "$(rules "$R")" --retry-max-time 0 2> err || true
	grep -q '^CONNECT 127.0.0.1:9 ' "$TRAP_LOG"
	! grep -qi 'authorization\|ask_test_key' "$TRAP_LOG"
	# https_proxy from the environment is the deliberate choice for https.
	: > "$TRAP_LOG"
	printf 'x\n' | https_proxy=$TRAP_URL as_tail -q --api-url https://127.0.0.1:9/ \
	    -r "$(rules "$R")" --retry-max-time 0 2> err || true
	grep -q '^CONNECT 127.0.0.1:9 ' "$TRAP_LOG"
	! grep -q ask_test_key "$TRAP_LOG"
}

@test "an echoed error body is redacted before it is cut: no part of the key shows" {
	# The key starts near where a 512-byte message used to be cut.
	local pad
	pad=$(head -c 470 /dev/zero | tr '\0' p)
	trap_start --status 400 --body "{\"error\":\"Bad Request\",\"message\":\"$pad {auth}\"}"
	printf 'x\n' | ACTIVITYSMITH_API_KEY=ask_0123456789abcdefghij as_tail -q \
	    --api-url "$TRAP_URL" -r "$(rules "$R")" 2> err || true
	cat err
	grep -q 'HTTP 400: Bad Request: ppp' err
	# Not even a piece of it: every 4 bytes of the key are absent.
	! grep -q 'ask_\|_012\|0123\|4567\|89ab\|cdef\|ghij' err
}

@test "the key is not in /proc/PID/environ, where the wrapped command could read it" {
	run as_tail --api-url "$FAKE_URL" -r "$(rules "$R")" -- \
	    sh -c 'tr "\0" "\n" < /proc/$PPID/environ | grep -c ask_test_key; exit 0'
	[ "$status" -eq 0 ]
	[ "$output" = 0 ]
	# A dry run too.
	run as_tail -n -r "$(rules "$R")" -- \
	    sh -c 'tr "\0" "\n" < /proc/$PPID/environ | grep -c ask_test_key; exit 0'
	[ "$output" = 0 ]
}

@test "with a key, as-tail is not dumpable: its /proc files belong to root" {
	[ "$(id -u)" = 0 ] || skip "needs root to run as-tail as another user"
	command -v setpriv || skip "no setpriv"
	[ -z "${AS_TAIL_WRAPPER:-}" ] || skip "the wrapper is the process"
	# Somewhere nobody can read the rules from.
	NOBODY_DIR=$(mktemp -d /tmp/as-tail-secrets.XXXXXX)
	chmod 755 "$NOBODY_DIR"
	printf '%s\n' "$R" > "$NOBODY_DIR/t.rules"
	chmod 644 "$NOBODY_DIR/t.rules"
	cd /
	# The wrapped command looks at its parent, as-tail, run as nobody.
	run setpriv --reuid=nobody --regid=nogroup --clear-groups \
	    env HOME="$NOBODY_DIR" XDG_CONFIG_HOME="$NOBODY_DIR" \
	    ACTIVITYSMITH_API_KEY=ask_test_key "$AS_TAIL" --budget local --api-url "$FAKE_URL" \
	    -r "$NOBODY_DIR/t.rules" -- sh -c 'stat -c %U /proc/$PPID/environ'
	[ "$status" -eq 0 ]
	echo "$output"
	[ "$output" = root ]
	# Without a key (a dry run) it stays dumpable, owned by its user.
	run setpriv --reuid=nobody --regid=nogroup --clear-groups \
	    env HOME="$NOBODY_DIR" XDG_CONFIG_HOME="$NOBODY_DIR" "$AS_TAIL" -n -r "$NOBODY_DIR/t.rules" -- sh -c 'stat -c %U /proc/$PPID/environ'
	[ "$output" = nobody ]
}

@test "\${env:ACTIVITYSMITH_API_KEY} is empty, also in --check, with a warning at load" {
	local t='match /x/ push title=k${env:ACTIVITYSMITH_API_KEY}k
example "x" push title=wrong'
	run as_tail --check -r "$(rules "$t")"
	[ "$status" -eq 2 ]
	[[ "$output" = *'t.rules:1:23: ${env:ACTIVITYSMITH_API_KEY} is always empty: the API key is never sent as text'* ]]
	[[ "$output" = *'what fired: push title="kk"'* ]]
	! grep -q ask_test_key <<< "$output"
	printf 'x\n' | as_tail -n -q --trace trace -r "$(rules 'match /x/ push title=k${env:ACTIVITYSMITH_API_KEY}k message=${var:${env:ACTIVITYSMITH_API_KEY}}')" 2> err
	[ "$(field 1 'b["title"]')" = kk ]
	! grep -q ask_test_key trace err
}
