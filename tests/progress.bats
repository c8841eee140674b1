#!/usr/bin/env bats
# progress.bats: progress the phone can show (issue 13): a segmented bar of
# more than 20 segments is sent as a percentage instead.

load helpers/common

STEPS='activity b title=Build type=segmented_progress
match /^Step (\d+)\/(\d+)/ step b current=$1 total=$2
match /^tick/ step b current=+1'

@test "a bar of 20 segments is sent as segments" {
	dry 'Step 1/20\nStep 20/20\n' "$STEPS"
	[ "$(body 1)" = '{"content_state":{"title":"Build","type":"segmented_progress","number_of_steps":20,"current_step":1}}' ]
	[ "$(field 2 'b["content_state"]["current_step"]')" = 20 ]
	valid_trace
}

@test "Step N/100000 starts a percentage progress activity, not 100000 segments" {
	dry 'Step 1/100000\nStep 50000/100000\n' "$STEPS" --api classic
	[ "$(body 1)" = '{"content_state":{"title":"Build","type":"progress","percentage":0.001}}' ]
	[ "$(body 2)" = '{"activity_id":"dry-run-1","content_state":{"title":"Build","percentage":50}}' ]
	[ "$(body 3)" = '{"activity_id":"dry-run-1","content_state":{"title":"Build","percentage":50,"color":"green"}}' ]
	! grep -q number_of_steps "$BATS_TEST_TMPDIR/trace"
	valid_trace
}

@test "a counted bar that grows past 20 segments turns into a percentage, and says so once" {
	dry "$(printf 'tick\\n%.0s' $(seq 21))" "$STEPS" --api classic
	# A first run counts step k of k+1: the start and 18 updates fit in 20
	# segments; step 20 of 21 does not, and says the new type, once.
	[ "$(field 19 'b["content_state"]["number_of_steps"]')" = 20 ]
	[ "$(field 20 'b["content_state"]["type"]')" = progress ]
	[ "$(field 20 'round(b["content_state"]["percentage"], 2)')" = 95.24 ]
	[ "$(field 21 '"type" in b["content_state"]')" = False ]
	[ "$(body 22)" = '{"activity_id":"dry-run-1","content_state":{"title":"Build","percentage":100,"color":"green"}}' ]
	valid_trace
}

@test "with the stream API every request says the type as drawn" {
	dry 'Step 1/10\nStep 2/30\n' "$STEPS" --api stream
	[ "$(field 1 'b["content_state"]["type"]')" = segmented_progress ]
	[ "$(field 2 'b["content_state"]["type"]')" = progress ]
	[ "$(field 2 'round(b["content_state"]["percentage"], 2)')" = 6.67 ]
	valid_trace
}

# No flash start: the start carries the line's state.
FLASH='activity b title=Build type=segmented_progress steps=100
match /^\[1\/\d+\] /            start b
match /^\[(\d+)\/(\d+)\] /      step b current=$1 total=$2 message="${line}"'

@test "a start and a step on the same line go as one start with the real state" {
	dry '[1/3] cc a.c\n[2/3] cc b.c\n' "$FLASH" --api classic
	[ "$(requests)" = "POST /live-activity/start
POST /live-activity/update
POST /live-activity/end" ]
	[ "$(body 1)" = '{"content_state":{"title":"Build","type":"segmented_progress","number_of_steps":3,"current_step":1,"message":"[1/3] cc a.c"}}' ]
	valid_trace
}

@test "the build pack's first request on a ninja build is step 1, not 0 of 100" {
	printf '[1/14] Building C object a.o\n[2/14] Building C object b.o\n' |
	    as_tail -n -q --api classic --trace "$BATS_TEST_TMPDIR/trace" -r build
	[ "$(field 1 'b["content_state"]["current_step"]')" = 1 ]
	[ "$(field 1 'b["content_state"]["number_of_steps"]')" = 14 ]
	[ "$(requests | head -n 2)" = "POST /live-activity/start
POST /live-activity/update" ]
}

@test "two changes of one activity on one line send one update; other lines one each" {
	dry 'a 1\na 2\n' 'activity b title=Build steps=5
match /^a (\d)/ step b current=$1
match /^a 2/ update b message="two"' --api classic
	[ "$(requests)" = "POST /live-activity/start
POST /live-activity/update
POST /live-activity/end" ]
	[ "$(body 2)" = '{"activity_id":"dry-run-1","content_state":{"title":"Build","number_of_steps":5,"current_step":2,"message":"two"}}' ]
}

@test "an end on the line that started a run still sends the start first" {
	dry 'once\n' 'activity b title=Job steps=2
match /^once/ step b current=1; end b success' --api classic
	[ "$(requests)" = "POST /live-activity/start
POST /live-activity/end" ]
	[ "$(field 1 'b["content_state"]["current_step"]')" = 1 ]
}

# Learned totals: a fake make that runs N compiler commands.
fake_make() {
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	cat > "$BATS_TEST_TMPDIR/bin/make" <<-'SH'
	#!/bin/sh
	i=0
	while [ $i -lt "$N" ]; do i=$((i + 1)); echo "cc -c f$i.c -o f$i.o"; done
	[ -z "$FAIL" ] || { echo "f1.c:1:1: error: boom"; exit 2; }
	SH
	chmod +x "$BATS_TEST_TMPDIR/bin/make"
	PATH=$BATS_TEST_TMPDIR/bin:$PATH
}

# steps: "CURRENT/TOTAL" of each request in the trace, on one line.
steps() {
	python3 -c '
import json, sys
out = []
for line in open(sys.argv[1]):
    cs = json.loads(line)["body"].get("content_state", {})
    if "current_step" in cs:
        out.append("%d/%d" % (cs["current_step"], cs["number_of_steps"]))
print(" ".join(out))' "$BATS_TEST_TMPDIR/trace"
}

@test "a first run counts up, never full until it succeeds; the next run shows k of the learned total" {
	fake_make
	N=4 as_tail -n -q --trace "$BATS_TEST_TMPDIR/trace" -- make
	[ "$(steps)" = "1/2 2/3 3/4 4/5 4/4" ]
	grep -qxE "$(printf '4,[0-9]+\tmake\tmake\tmake')" "$XDG_STATE_HOME/as-tail/history"
	[ "$(wc -l < "$XDG_STATE_HOME/as-tail/history")" -eq 1 ]
	N=4 as_tail -n -q --trace "$BATS_TEST_TMPDIR/trace" -- make
	[ "$(steps)" = "1/4 2/4 3/4 4/4 4/4" ]
}

@test "a run that goes past the learned total grows it, and teaches the new count" {
	fake_make
	N=2 as_tail -n -q -- make 2> /dev/null
	N=4 as_tail -n -q --trace "$BATS_TEST_TMPDIR/trace" -- make
	[ "$(steps)" = "1/2 2/2 3/4 4/5 4/4" ]
	N=4 as_tail -n -q --trace "$BATS_TEST_TMPDIR/trace" -- make
	[ "$(steps)" = "1/4 2/4 3/4 4/4 4/4" ]
}

@test "a failed run ends short of full and teaches nothing" {
	fake_make
	run env N=3 FAIL=1 "$AS_TAIL" -n -q --trace "$BATS_TEST_TMPDIR/trace" -- make
	[ "$status" -eq 2 ]
	[ "$(steps | tr ' ' '\n' | tail -n 1)" = "3/4" ]
	[ ! -e "$XDG_STATE_HOME/as-tail/history" ]
}

@test "each job learns its own total: another command line, another count" {
	fake_make
	N=3 as_tail -n -q -- make all 2> /dev/null
	N=6 as_tail -n -q -- make check 2> /dev/null
	N=3 as_tail -n -q --trace "$BATS_TEST_TMPDIR/trace" -- make all
	[ "$(steps | cut -d' ' -f1)" = "1/3" ]
	[ "$(wc -l < "$XDG_STATE_HOME/as-tail/history")" -eq 2 ]
}

@test "a followed file is a job too; the standard input is not" {
	printf 'x\nx\nx\n' > "$BATS_TEST_TMPDIR/app.log"
	R=$(rules 'activity b title=B
match /^x/ step b current=+1')
	sleep 300 3>&- &
	sleeper=$!
	as_tail -n -q -r "$R" -F --from-start --pid "$sleeper" "$BATS_TEST_TMPDIR/app.log" 2> /dev/null 3>&- &
	pid=$!
	for i in $(seq 100); do [ -s "$XDG_STATE_HOME/as-tail/history" ] && break
		kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill "$sleeper"
	wait "$pid" || true
	grep -qE "^3,[0-9]+	b	.*app.log$" "$XDG_STATE_HOME/as-tail/history"
	rm "$XDG_STATE_HOME/as-tail/history"
	printf 'x\nx\n' | as_tail -n -q -r "$R"
	[ ! -e "$XDG_STATE_HOME/as-tail/history" ]
}

@test "the history stays small: at most 256 jobs, the oldest dropped; a damaged line is ignored" {
	mkdir -p "$XDG_STATE_HOME/as-tail"
	{
		printf 'not a line\n'
		for i in $(seq 300); do printf '%d\tmake\tmake\tmake job%d\n' "$i" "$i"; done
	} > "$XDG_STATE_HOME/as-tail/history"
	fake_make
	N=2 as_tail -n -q -- make job300 2> /dev/null
	[ "$(wc -l < "$XDG_STATE_HOME/as-tail/history")" -eq 256 ]
	! grep -q 'not a line' "$XDG_STATE_HOME/as-tail/history"
	! grep -q 'job44$' "$XDG_STATE_HOME/as-tail/history"
	[[ "$(tail -n 1 "$XDG_STATE_HOME/as-tail/history")" =~ ^2,[0-9]+$'\t'make$'\t'make$'\t''make job300'$ ]]
	# Lines from before durations were kept are read, and kept without one.
	grep -qx "$(printf '299,0\tmake\tmake\tmake job299')" "$XDG_STATE_HOME/as-tail/history"
	# No temporary file is left beside it.
	[ "$(ls "$XDG_STATE_HOME/as-tail")" = history ]
}

# subtitles: the subtitle of each Live Activity request, "-" for none.
subtitles() {
	python3 -c '
import json, sys
out = []
for line in open(sys.argv[1]):
    cs = json.loads(line)["body"].get("content_state")
    if cs is not None:
        out.append(cs.get("subtitle", "-"))
print("|".join(out))' "$BATS_TEST_TMPDIR/trace"
}

@test "learned durations: the first run says it has no estimate; the next shows the time left; the end shows none" {
	fake_make
	N=2 as_tail -n -q --trace "$BATS_TEST_TMPDIR/trace" -- make
	[ "$(subtitles)" = "first run: no estimate yet|first run: no estimate yet|-" ]
	grep -qE "^2,[0-9]+	make	" "$XDG_STATE_HOME/as-tail/history"
	# The last successful run took 3 minutes.
	printf '2,180000\tmake\tmake\tmake\n' > "$XDG_STATE_HOME/as-tail/history"
	N=2 as_tail -n -q --trace "$BATS_TEST_TMPDIR/trace" -- make
	[ "$(subtitles)" = "about 3 min left|about 3 min left|-" ]
	# The standard input names no job: nothing is said.
	printf 'cc -c a.c -o a.o\n' | as_tail -n -q --trace "$BATS_TEST_TMPDIR/trace" -r make
	[ "$(subtitles)" = "-|-" ]
}

@test "learned durations: a run slower than the last says so; a subtitle from the rules wins" {
	mkdir -p "$BATS_TEST_TMPDIR/bin" "$XDG_STATE_HOME/as-tail"
	printf '#!/bin/sh\necho "cc -c a.c -o a.o"\nsleep 1.2\necho "cc -c b.c -o b.o"\n' \
	    > "$BATS_TEST_TMPDIR/bin/make"
	chmod +x "$BATS_TEST_TMPDIR/bin/make"
	PATH=$BATS_TEST_TMPDIR/bin:$PATH
	# The last run took one second; this one takes at least 1.2.
	printf '2,1000\tmake\tmake\tmake\n' > "$XDG_STATE_HOME/as-tail/history"
	as_tail -n -q --trace "$BATS_TEST_TMPDIR/trace" -- make
	[ "$(subtitles)" = "under a minute left|longer than last time (1s)|-" ]
	R=$(rules 'activity make type=segmented_progress subtitle="compiling"
match /^cc / step make current=+1')
	printf '2,180000\tmake\t%s\tmake\n' "$R" > "$XDG_STATE_HOME/as-tail/history"
	as_tail -n -q --trace "$BATS_TEST_TMPDIR/trace" -r "$R" -- make
	[ "$(subtitles)" = "compiling|compiling|compiling" ]
}
