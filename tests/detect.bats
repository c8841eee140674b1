#!/usr/bin/env bats
# detect.bats: "CMD | as-tail" with no -r chooses the pack from what it
# reads: the packs' detect statements, tried on the first 50 lines or 3
# seconds, while the generic pack waits (issue 13).

load helpers/common

# user_pack NAME TEXT: a pack in the user's rules directory, found first.
user_pack() {
	mkdir -p "$XDG_CONFIG_HOME/as-tail/rules"
	printf '%s\n' "$2" > "$XDG_CONFIG_HOME/as-tail/rules/$1.rules"
}

# The t1 pack counts "item" lines once its tool said "T1 ready".
T1='# t1.rules: a test pack
detect /^T1 ready$/
activity t1 type=segmented_progress steps=10
match /^item/ step t1 current=+1'

# keyless FILE: the trace with each stream's key (unique to a run) made KEY.
keyless() {
	sed 's#/live-activity/stream/[^"]*#/live-activity/stream/KEY#' "$1"
}

# said: the pack as-tail -v says it chose, from $BATS_TEST_TMPDIR/err.
said() {
	sed -n 's/^as-tail: rules: the \([^ ]*\) pack.*/\1/p' "$BATS_TEST_TMPDIR/err"
}

@test "every shipped pack but generic and build carries a detect statement" {
	bad=
	for f in "$RULES"/*.rules; do
		name=$(basename "$f" .rules)
		case $name in generic|build) continue ;; esac
		grep -q '^detect /' "$f" || bad="$bad $name"
	done
	echo "no detect statement:$bad"
	[ -z "$bad" ]
}

@test "each pack's real logs, piped with no -r, choose that pack and send what -r PACK sends" {
	bad=
	n=0
	for f in "$RULES"/*.rules; do
		pack=$(basename "$f" .rules)
		grep -q '^detect /' "$f" || continue
		for log in "$FIXTURES/$pack"/*.log; do
			[ -e "$log" ] || continue
			n=$((n + 1))
			as_tail -v -n -q --trace "$BATS_TEST_TMPDIR/auto" < "$log" \
			    2> "$BATS_TEST_TMPDIR/err" > /dev/null || true
			as_tail -n -q --trace "$BATS_TEST_TMPDIR/named" -r "$pack" \
			    < "$log" 2> /dev/null > /dev/null || true
			[ "$(said)" = "$pack" ] ||
			    bad="$bad
$log: chose '$(said)'"
			[ "$(keyless "$BATS_TEST_TMPDIR/auto")" = \
			    "$(keyless "$BATS_TEST_TMPDIR/named")" ] ||
			    bad="$bad
$log: requests differ from -r $pack"
		done
	done
	echo "checked $n logs$bad"
	[ "$n" -ge 100 ]
	[ -z "$bad" ]
}

@test "the pack is said once with -v, as detected in the input" {
	as_tail -v -n -q --trace /dev/null < "$FIXTURES/pytest/pass.log" \
	    > /dev/null 2> "$BATS_TEST_TMPDIR/err"
	[ "$(grep -c '^as-tail: rules: ' "$BATS_TEST_TMPDIR/err")" -eq 1 ]
	grep -qx 'as-tail: rules: the pytest pack, detected in the input' \
	    "$BATS_TEST_TMPDIR/err"
}

@test "no line is lost at the switch: the detected pack sees the lines before its detect line" {
	user_pack t1 "$T1"
	printf 'Step 1/4\nitem\nitem\nT1 ready\nitem\n' > "$BATS_TEST_TMPDIR/in"
	as_tail -v -n -q --api classic --trace "$BATS_TEST_TMPDIR/trace" \
	    < "$BATS_TEST_TMPDIR/in" 2> "$BATS_TEST_TMPDIR/err"
	[ "$(said)" = t1 ]
	# Three items counted, the first two read before "T1 ready".
	[ "$(field 1 'b["content_state"]["current_step"]')" = 1 ]
	[ "$(tail -n 1 "$BATS_TEST_TMPDIR/trace" | python3 -c '
import json, sys
print(json.load(sys.stdin)["body"]["content_state"]["current_step"])')" = 3 ]
	# Only the t1 activity: generic never started its "Step 1/4" job.
	[ "$(requests | grep -c /live-activity/start)" -eq 1 ]
	! grep -q '"job"' "$BATS_TEST_TMPDIR/trace"
	mv "$BATS_TEST_TMPDIR/trace" "$BATS_TEST_TMPDIR/auto"
	as_tail -n -q --api classic --trace "$BATS_TEST_TMPDIR/trace" -r t1 \
	    < "$BATS_TEST_TMPDIR/in"
	cmp "$BATS_TEST_TMPDIR/auto" "$BATS_TEST_TMPDIR/trace"
}

@test "a job is one activity: what the fallback would start is left to the detected pack" {
	user_pack t1 "$T1"
	printf 'Step 1/4\nT1 ready\nitem\nStep 2/4\n' |
	    as_tail -n -q --api classic --trace "$BATS_TEST_TMPDIR/trace"
	[ "$(requests | grep -c /live-activity/start)" -eq 1 ]
	[ "$(field 1 'b["content_state"]["title"]')" = t1 ]
}

@test "after 50 lines without a detect line, the fallback takes them all" {
	user_pack t1 "$T1"
	{ seq 49 | sed 's/^/line /'; echo 'T1 ready'; echo item; } \
	    > "$BATS_TEST_TMPDIR/in50"
	{ seq 50 | sed 's/^/line /'; echo 'T1 ready'; echo item; } \
	    > "$BATS_TEST_TMPDIR/in51"
	as_tail -v -n -q --trace /dev/null < "$BATS_TEST_TMPDIR/in50" \
	    2> "$BATS_TEST_TMPDIR/err"
	[ "$(said)" = t1 ]
	as_tail -v -n -q --trace /dev/null < "$BATS_TEST_TMPDIR/in51" \
	    2> "$BATS_TEST_TMPDIR/err"
	[ "$(said)" = generic ]
}

@test "pass-through is not held while the pack is being chosen" {
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	as_tail -v -n --api classic --trace "$BATS_TEST_TMPDIR/trace" \
	    < "$BATS_TEST_TMPDIR/fifo" > "$BATS_TEST_TMPDIR/out" \
	    2> "$BATS_TEST_TMPDIR/err" 3>&- &
	pid=$!
	exec 5> "$BATS_TEST_TMPDIR/fifo"
	printf 'Step 1/4\n' >&5
	# The line is out before any pack was chosen, and so before any request.
	wait_grep 'Step 1/4' "$BATS_TEST_TMPDIR/out"
	# No detect line came: within the 3 seconds (and a tick) the generic
	# pack takes the line, though the input stays open.
	for i in $(seq 300); do
		grep -q /live-activity/start "$BATS_TEST_TMPDIR/trace" && break
		sleep 0.1
	done
	grep -q /live-activity/start "$BATS_TEST_TMPDIR/trace"
	printf 'Step 2/4\n' >&5
	exec 5>&-
	wait $pid
	[ "$(said)" = generic ]
	printf 'Step 1/4\nStep 2/4\n' | cmp - "$BATS_TEST_TMPDIR/out"
}

@test "what comes out is what went in, whichever pack is chosen" {
	for log in "$FIXTURES/make/make-success.log" \
	    "$FIXTURES/docker/buildkit-failure.log" \
	    "$FIXTURES/npm/pnpm-add-tty.log"; do
		as_tail -n --trace /dev/null < "$log" > "$BATS_TEST_TMPDIR/out"
		cmp "$log" "$BATS_TEST_TMPDIR/out"
	done
}

@test "-r and -e win over what the input says" {
	as_tail -v -n -q --trace "$BATS_TEST_TMPDIR/trace" -r generic \
	    < "$FIXTURES/make/make-success.log" 2> "$BATS_TEST_TMPDIR/err"
	[ -z "$(said)" ]
	! grep -q '"make' "$BATS_TEST_TMPDIR/trace"
	as_tail -v -n -q --trace "$BATS_TEST_TMPDIR/trace" \
	    -e 'match /^cc / push title=cc' \
	    < "$FIXTURES/make/make-success.log" 2> "$BATS_TEST_TMPDIR/err"
	[ -z "$(said)" ]
	[ "$(requests | sort -u)" = "POST /push-notification" ]
}

@test "a wrapped command that names no pack is detected from its output too" {
	run as_tail -v -n -q --trace /dev/null -- \
	    cat "$FIXTURES/cargo/cargo-build-success.log"
	[ "$status" -eq 0 ]
	[[ "$output" == *"as-tail: rules: the cargo pack, detected in the input"* ]]
}

@test "with --state the fallback drives: the saved activities belong to its rules" {
	as_tail -v -n -q --state "$BATS_TEST_TMPDIR/state" --trace /dev/null \
	    < "$FIXTURES/make/make-success.log" 2> "$BATS_TEST_TMPDIR/err"
	[ "$(said)" = generic ]
}
