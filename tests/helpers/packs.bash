# packs.bash: helpers for the tests/pack-*.bats files.

# pack_dry PACK LOG: dry-run rules/PACK.rules on tests/fixtures/PACK/LOG;
# the requests land in $BATS_TEST_TMPDIR/trace.  The pack tests use the
# classic API, whose starts and ends show in the paths (activity.bats tests
# both APIs).
pack_dry() {
	as_tail -n -q --api classic --trace "$BATS_TEST_TMPDIR/trace" -r "$RULES/$1.rules" \
	    "$FIXTURES/$1/$2"
}

# summary: the trace as one line per start, end and push:
# "start TITLE", "end TITLE COLOR PROGRESS", "push MESSAGE".
summary() {
	python3 -c '
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    b = r["body"]
    cs = b.get("content_state", {})
    if "current_step" in cs:
        prog = "%d/%d" % (cs["current_step"], cs["number_of_steps"])
    elif "percentage" in cs:
        prog = "%g%%" % cs["percentage"]
    elif "upper_limit" in cs:
        prog = "%g/%g" % (cs["value"], cs["upper_limit"])
    else:
        prog = "-"
    if r["path"].endswith("/start"):
        print("start", cs["title"])
    elif r["path"].endswith("/end"):
        print("end", cs["title"], cs.get("color"), prog)
    elif r["path"] == "/push-notification":
        print("push", b.get("message"))' "$BATS_TEST_TMPDIR/trace"
}

# pack_idle_replay PACK LOG1 LOG2: LOG1, a pause of 2.5 s, then LOG2, through
# rules/PACK.rules with its idle=15m shortened to 1s (so that the pause ends
# the first run); the requests land in $BATS_TEST_TMPDIR/trace.
pack_idle_replay() {
	grep -q 'idle=15m' "$RULES/$1.rules" || return 1
	sed 's/idle=15m/idle=1s/' "$RULES/$1.rules" > "$BATS_TEST_TMPDIR/$1.rules"
	{
		cat "$FIXTURES/$1/$2"
		sleep 2.5
		cat "$FIXTURES/$1/$3"
	} | as_tail -n -q --api classic --trace "$BATS_TEST_TMPDIR/trace" \
	    -r "$BATS_TEST_TMPDIR/$1.rules"
}
