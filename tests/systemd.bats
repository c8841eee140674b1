#!/usr/bin/env bats
# systemd.bats: contrib/as-tail@.service, the template unit that follows a
# log with its state in $STATE_DIRECTORY, passes systemd-analyze verify,
# and its command line works (issue 13).

load helpers/common

UNIT=$TOP/contrib/as-tail@.service

# exec_start: the unit's ExecStart= command line.
exec_start() {
	sed -n 's/^ExecStart=//p' "$UNIT"
}

@test "the unit passes systemd-analyze verify, for an instance" {
	command -v systemd-analyze >/dev/null || skip "systemd-analyze is not installed"
	mkdir -p "$BATS_TEST_TMPDIR/units" "$BATS_TEST_TMPDIR/man/man1"
	# verify wants the binary and the man page of Documentation= to exist.
	sed "s|/usr/local/bin/as-tail|$AS_TAIL|" "$UNIT" > "$BATS_TEST_TMPDIR/units/as-tail@.service"
	cp "$TOP/man/as-tail.1" "$BATS_TEST_TMPDIR/man/man1/"
	cd "$BATS_TEST_TMPDIR/units"
	run env MANPATH="$BATS_TEST_TMPDIR/man" systemd-analyze verify \
	    "$BATS_TEST_TMPDIR/units/as-tail@var-log-deploy.log.service"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "the unit follows the instance's path with --state in the state directory" {
	[ "$(exec_start)" = '/usr/local/bin/as-tail -q --api-key-file ${CREDENTIALS_DIRECTORY}/key --state ${STATE_DIRECTORY}/state $AS_TAIL_OPTIONS -F %f' ]
	grep -qx 'StateDirectory=as-tail/%i' "$UNIT"
	grep -qx 'LoadCredential=key:/etc/as-tail/key' "$UNIT"
}

@test "the unit's command line, as systemd expands it, follows the log and keeps its state" {
	state=$BATS_TEST_TMPDIR/state-dir
	creds=$BATS_TEST_TMPDIR/creds
	log=$BATS_TEST_TMPDIR/deploy.log
	mkdir -p "$state" "$creds"
	printf 'ask_unused\n' > "$creds/key"
	chmod 600 "$creds/key"
	: > "$log"
	sleep 300 3>&- &
	sleeper=$!
	cmd=$(exec_start | sed -e "s|/usr/local/bin/as-tail|$AS_TAIL|" \
	    -e "s|\${CREDENTIALS_DIRECTORY}|$creds|" \
	    -e "s|\${STATE_DIRECTORY}|$state|" \
	    -e "s|\$AS_TAIL_OPTIONS|-n --trace $BATS_TEST_TMPDIR/trace --pid $sleeper -r generic|" \
	    -e "s|%f|$log|")
	$cmd 2> "$BATS_TEST_TMPDIR/err" 3>&- &
	pid=$!
	# -F starts at the end of the log: write until a line is seen.
	for i in $(seq 100); do
		echo "Step 1/3: fetch $i" >> "$log"
		grep -q live-activity "$BATS_TEST_TMPDIR/trace" 2>/dev/null && break
		sleep 0.1
	done
	grep -q live-activity "$BATS_TEST_TMPDIR/trace"
	kill "$sleeper"
	status=0
	wait "$pid" || status=$?
	cat "$BATS_TEST_TMPDIR/err"
	[ "$status" -eq 0 ]
	[ -s "$state/state" ]
}
