#!/usr/bin/env bats
# size.bats: every request body within the documented limit (issue 9,
# item 6): a content_state, and a push's whole body, at most 4096 bytes of
# JSON; the longest texts are cut first, on a UTF-8 character boundary,
# ending in "…".

load helpers/common

# big N: N bytes (about) of emoji and multi-byte text, on one line.
big() {
	python3 -c '
import sys
unit = "🚀 déploiement 中文 ✓ "
n = int(sys.argv[1])
s = (unit * (n // len(unit.encode()) + 1)).encode()[:n].decode("utf-8", "ignore")
print(s)' "$1"
}

# check_sizes: every content_state and push body in the trace is within
# 4096 bytes; each cut text ends in "…" and is a prefix of the line.
check_sizes() {
	python3 - "$BATS_TEST_TMPDIR/trace" "$BATS_TEST_TMPDIR/line" <<'PY'
import json, sys
line = open(sys.argv[2], encoding="utf-8").read().rstrip("\n")
n = 0
for raw in open(sys.argv[1], encoding="utf-8"):   # fails on broken UTF-8
    r = json.loads(raw)
    b = r["body"]
    part = b["content_state"] if "content_state" in b else b
    size = len(json.dumps(part, ensure_ascii=False, separators=(",", ":")).encode())
    assert size <= 4096, (r["path"], size)
    for k in ("title", "subtitle", "message"):
        v = part.get(k)
        if v is None or v == line or len(v) < 20:
            continue
        assert v.endswith("…") and line.startswith(v[:-1]), (k, v[-20:])
        n += 1
print(n)
PY
}

@test "a push of 10 KB title, subtitle and message is cut to 4 KB, all three alike" {
	big 10000 > "$BATS_TEST_TMPDIR/line"
	as_tail -n -q --trace "$BATS_TEST_TMPDIR/trace" -r "$(rules 'match /^(.*)$/ push title="$1" subtitle="$1" message="$1"')" < "$BATS_TEST_TMPDIR/line"
	[ "$(check_sizes)" = 3 ]
	# The longest first: equal texts are cut to within one character.
	field 1 'sorted(len(b[k].encode()) for k in ("title", "subtitle", "message"))' |
	    python3 -c 'import ast,sys; l = ast.literal_eval(sys.stdin.read()); assert l[2] - l[0] <= 3, l'
	valid_trace
}

@test "a short title stays whole; only the long message is cut" {
	big 10000 > "$BATS_TEST_TMPDIR/line"
	as_tail -n -q --trace "$BATS_TEST_TMPDIR/trace" -r "$(rules 'match /^(.*)$/ push title="Deploy 中文 🚀" message="$1" url="https://ci.example.com/x"')" < "$BATS_TEST_TMPDIR/line"
	[ "$(check_sizes)" = 1 ]
	[ "$(field 1 'b["title"]')" = "Deploy 中文 🚀" ]
	[ "$(field 1 'b["redirection"]')" = "https://ci.example.com/x" ]
	[ "$(field 1 'len(b["message"].encode()) > 3500')" = True ]
}

@test "Live Activity content states of 10 KB texts stay within 4 KB, in both APIs" {
	big 10000 > "$BATS_TEST_TMPDIR/line"
	R='activity b type=segmented_progress steps=3
match /^(.*)$/ step b current=1 title="$1" subtitle="$1" message="$1"'
	for api in stream classic; do
		as_tail -n -q --api $api --trace "$BATS_TEST_TMPDIR/trace" -r "$(rules "$R")" < "$BATS_TEST_TMPDIR/line"
		[ "$(requests | wc -l)" -eq 2 ]
		[ "$(check_sizes)" = 6 ]
		valid_trace
	done
}

@test "multi-byte text is never cut inside a character" {
	# 1 to 4 bytes per character, at every offset against the cut.
	for pad in "" a ab abc; do
		python3 -c 'import sys; print(sys.argv[1] + "é中🚀" * 3000)' "$pad" > "$BATS_TEST_TMPDIR/line"
		as_tail -n -q --trace "$BATS_TEST_TMPDIR/trace" -r "$(rules 'match /^(.*)$/ push title="$1" message="$1"')" < "$BATS_TEST_TMPDIR/line"
		[ "$(check_sizes)" = 2 ]
	done
}

@test "a push's url too long for the limit is left out, not cut" {
	python3 -c 'print("a" * 5000)' > "$BATS_TEST_TMPDIR/line"
	as_tail -n -q --trace "$BATS_TEST_TMPDIR/trace" -r "$(rules 'match /^(a+)$/ push title=Deploy message=done url="https://ci.example.com/$1"')" < "$BATS_TEST_TMPDIR/line"
	[ "$(field 1 '"redirection" in b')" = False ]
	[ "$(body 1)" = '{"title":"Deploy","message":"done"}' ]
}
