#!/usr/bin/env bats
# pack-ansible.bats: rules/ansible.rules on real ansible-playbook logs,
# beyond packs.bats: ignored and rescued failures push nothing, only the
# PLAY RECAP does; colors change nothing; a multi-host recap pushes the
# failing host.

load helpers/common

ans_dry() {
	as_tail -n -q --trace "$BATS_TEST_TMPDIR/trace" -r "$RULES/ansible.rules" \
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
	[ "$(field "$p" 'b["message"]')" = "web2: failed=1 unreachable=0" ]
}
