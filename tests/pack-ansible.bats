#!/usr/bin/env bats
# pack-ansible.bats: rules/ansible.rules on real ansible-playbook logs,
# beyond packs.bats: ignored and rescued failures push nothing, the PLAY
# RECAP pushes the failing host's first real error line; colors change
# nothing; a multi-host recap pushes the failing host; a second run in the
# same log pushes its own error.

load helpers/common
load helpers/packs

ans_dry() {
	as_tail -n -q --api classic --trace "$BATS_TEST_TMPDIR/trace" -r "$RULES/ansible.rules" \
	    "$@"
}

@test "ansible: an ignored and a rescued fatal line push nothing, the run ends green" {
	ans_dry "$FIXTURES/ansible/ignored-rescued-success.log"
	[ "$(requests | grep -c push)" -eq 0 ]
	[ "$(requests | tail -1)" = "POST /live-activity/end" ]
	n=$(requests | wc -l)
	[ "$(field "$n" 'b["content_state"]["color"]')" = green ]
	valid_trace
}

@test "ansible: the push waits for the recap, after every fatal line" {
	ans_dry "$FIXTURES/ansible/ignored-then-failure.log"
	[ "$(requests | grep -c push)" -eq 1 ]
	# The push comes after the last task's step, not at the first fatal.
	[ "$(requests | tail -2 | head -1)" = "POST /push-notification" ]
	valid_trace
}

@test "ansible: ANSIBLE_FORCE_COLOR output gives the same requests as plain output" {
	ans_dry "$FIXTURES/ansible/failure.log"
	mv "$BATS_TEST_TMPDIR/trace" "$BATS_TEST_TMPDIR/plain"
	ans_dry "$FIXTURES/ansible/failure-color.log"
	cmp "$BATS_TEST_TMPDIR/plain" "$BATS_TEST_TMPDIR/trace"
}

@test "ansible: a recap with one failed host among several fails the run once" {
	ans_dry "$FIXTURES/ansible/multi-host-failure.log"
	[ "$(requests | grep -c push)" -eq 1 ]
	[ "$(requests | grep -c start)" -eq 1 ]
	p=$(requests | grep -n push | cut -d: -f1)
	[ "$(field "$p" 'b["title"]')" = "Ansible failed on web2" ]
	# The assert's msg, read from the indented result under the fatal line.
	[ "$(field "$p" 'b["message"]')" = "web2: not enough free space on web2" ]
}

@test "ansible: the push quotes the real failure, not the ignored or rescued one before it" {
	ans_dry "$FIXTURES/ansible/rescued-loop-failure.log"
	[ "$(requests | grep -c push)" -eq 1 ]
	p=$(requests | grep -n push | cut -d: -f1)
	[ "$(field "$p" 'b["title"]')" = "Ansible failed on web1" ]
	# The first failed item of the loop, not the second one.
	[ "$(field "$p" 'b["message"]')" = "web1: cat: /home/dev/play/out/web1/app.bin: No such file or directory" ]
	n=$(requests | wc -l)
	[ "$(field "$n" 'b["content_state"]["color"]')" = red ]
}

@test "ansible: an unreachable host pushes ansible's reason" {
	ans_dry "$FIXTURES/ansible/unreachable.log"
	p=$(requests | grep -n push | cut -d: -f1)
	[ "$(field "$p" 'b["message"]')" = "db1: Failed to connect to the host via ssh: ssh: connect to host 127.0.0.1 port 1: Connection refused" ]
}

@test "ansible: a failed host with no failure line seen pushes the recap's counts" {
	grep -A99 '^PLAY RECAP' "$FIXTURES/ansible/multi-host-failure.log" >"$BATS_TEST_TMPDIR/recap.log"
	ans_dry "$BATS_TEST_TMPDIR/recap.log"
	p=$(requests | grep -n push | cut -d: -f1)
	[ "$(field "$p" 'b["message"]')" = "web2: failed=1 unreachable=0" ]
}

@test "ansible: two failed runs in one log push one error each" {
	cat "$FIXTURES/ansible/failure.log" "$FIXTURES/ansible/success.log" \
	    "$FIXTURES/ansible/rescued-loop-failure.log" >"$BATS_TEST_TMPDIR/three.log"
	ans_dry "$BATS_TEST_TMPDIR/three.log"
	summary >"$BATS_TEST_TMPDIR/summary"
	cat "$BATS_TEST_TMPDIR/summary"
	[ "$(grep -c '^push ' "$BATS_TEST_TMPDIR/summary")" -eq 2 ]
	grep -q "^push localhost: Could not find or access" "$BATS_TEST_TMPDIR/summary"
	grep -q "^push web1: cat: /home/dev/play/out/web1/app.bin" "$BATS_TEST_TMPDIR/summary"
	[ "$(grep -c '^end .* red ' "$BATS_TEST_TMPDIR/summary")" -eq 2 ]
	[ "$(grep -c '^end .* green ' "$BATS_TEST_TMPDIR/summary")" -eq 1 ]
	[ "$(grep -c "^start " "$BATS_TEST_TMPDIR/summary")" -eq 3 ]
}
