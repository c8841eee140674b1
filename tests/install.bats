#!/usr/bin/env bats
# install.bats: make install puts the binary, the man pages and the rule
# packs under PREFIX (inside DESTDIR), and the installed binary finds its
# packs wherever PREFIX was.

load helpers/common

@test "make install PREFIX=... installs binary, man pages and packs" {
	make -s -C "$TOP" install PREFIX="$BATS_TEST_TMPDIR/usr" > /dev/null
	[ -x "$BATS_TEST_TMPDIR/usr/bin/as-tail" ]
	[ -f "$BATS_TEST_TMPDIR/usr/share/man/man1/as-tail.1" ]
	[ -f "$BATS_TEST_TMPDIR/usr/share/man/man5/as-tail.rules.5" ]
	for f in "$RULES"/*.rules; do
		cmp "$f" "$BATS_TEST_TMPDIR/usr/share/as-tail/rules/$(basename "$f")"
	done
}

@test "the installed binary finds -r NAME in its share directory" {
	make -s -C "$TOP" install PREFIX=/opt/x DESTDIR="$BATS_TEST_TMPDIR/root" > /dev/null
	mkdir -p "$BATS_TEST_TMPDIR/elsewhere"
	cp "$BATS_TEST_TMPDIR/root/opt/x/bin/as-tail" "$BATS_TEST_TMPDIR/elsewhere/"
	cd "$BATS_TEST_TMPDIR"
	run "$BATS_TEST_TMPDIR/root/opt/x/bin/as-tail" --check -r build
	[ "$status" -eq 0 ]
	run "$BATS_TEST_TMPDIR/root/opt/x/bin/as-tail" --list-rules
	[[ "$output" == *"build "* ]]
	# A copy with no share directory beside it finds nothing of ours.
	run env XDG_CONFIG_HOME=/nonexistent "$BATS_TEST_TMPDIR/elsewhere/as-tail" --check -r build
	[ "$status" -eq 2 ]
	[[ "$output" == *"build: no such rules file"* ]]
}
