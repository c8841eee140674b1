#!/usr/bin/env bats
# sim.bats: the local simulator (make sim): the fake service's lock-screen
# page, checked in a real browser (headless Chromium, tests/helpers/
# browser.py) while as-tail runs against it, and the screen model behind
# it (sim/lockscreen.py) through its JSON snapshot.  The browser tests
# skip when chromium is not installed (make check-sim installs it).

load helpers/common
load helpers/fake-server

teardown() {
	fake_server_stop
}

# state: the simulator's snapshot, as JSON on stdout.
state() {
	python3 -c '
import sys, urllib.request
print(urllib.request.urlopen(sys.argv[1] + "/_sim/state", timeout=10).read().decode())' "$FAKE_URL"
}

# browser_start UNTIL PRINT: loads the page in the background; returns
# once the page has connected to the event stream.  Its result lands in
# $BATS_TEST_TMPDIR/browser.out (the value of PRINT, then "rc=N").
browser_start() {
	command -v chromium > /dev/null || skip "chromium is not installed (make check-sim installs it)"
	local ready=$BATS_TEST_TMPDIR/browser.ready
	(
		timeout 90 python3 "$TOP/tests/helpers/browser.py" "$FAKE_URL/" \
		    --ready 'document.body.dataset.connected === "1"' \
		    --ready-file "$ready" --until "$1" --print "$2" \
		    --screenshot "$BATS_TEST_TMPDIR/lockscreen.png" \
		    > "$BATS_TEST_TMPDIR/browser.out" 2> "$BATS_TEST_TMPDIR/browser.err"
		echo "rc=$?" >> "$BATS_TEST_TMPDIR/browser.out"
	) 3>&- &
	BROWSER_PID=$!
	wait_file "$ready" 60
}

# wait_file FILE SECONDS: polls until FILE exists.
wait_file() {
	local i
	for ((i = 0; i < $2 * 20; i++)); do
		[ -e "$1" ] && return 0
		sleep 0.05
	done
	echo "no $1 after $2 s" >&2
	cat "$BATS_TEST_TMPDIR/browser.err" >&2 2>/dev/null
	return 1
}

# The DOM, summarised: one object per drawn activity.
SUMMARY='JSON.stringify({
  activities: [...document.querySelectorAll(".activity")].map(e => ({
    ...e.dataset,
    shown_title: e.querySelector(".title").textContent,
    current: e.querySelector(".segments") ? e.querySelector(".segments").dataset.current : null,
    total: e.querySelector(".segments") ? e.querySelector(".segments").dataset.total : null,
    filled: e.querySelectorAll(".segment[data-filled=\"1\"]").length,
    percent: e.querySelector(".progress") ? e.querySelector(".progress").dataset.percent : null,
    metrics: [...e.querySelectorAll(".metric .value")].map(m => m.textContent),
    message: e.querySelector(".message") ? e.querySelector(".message").textContent : null,
    timer: e.querySelector(".timer") ? e.querySelector(".timer").dataset.running : null,
    note: e.querySelector(".ended-note") ? e.querySelector(".ended-note").textContent : null
  })),
  pushes: [...document.querySelectorAll(".push-title")].map(p => p.textContent)
})'

@test "the lock-screen page draws every activity type as as-tail drives it" {
	fake_server_start --sim --max-activities 8
	rules=$(rules '
activity build type=segmented_progress title="Build" steps=8
activity copy type=progress title="Copy"
activity backup type=timer title="Backup" duration=600
activity deploy type=alert title="Deploy" message="waiting for approval"
activity load type=metrics title="Load"
activity disk type=stats title="Disk"
match /^step (\d+)/ step build current=$1
match /^copied (\d+)/ progress copy percent=$1
match /^backup/ start backup
match /^approve/ start deploy
match /^load (\d+)/ update load metric.cpu=$1
match /^disk (\d+)/ update disk metric.free=$1
match /^copy done/ end copy success
match /^error: (.*)/ fail build
    push title="Build failed" message="$1"')
	browser_start 'document.querySelectorAll(".activity").length === 6 &&
	    document.querySelector(".activity[data-title=Copy]").dataset.status === "ended" &&
	    document.querySelector(".activity[data-title=Build]").dataset.color === "red" &&
	    document.querySelectorAll(".push").length === 1' "$SUMMARY"
	printf 'step 5\ncopied 40\nbackup\napprove\nload 73\ndisk 120\ncopied 90\ncopy done\nerror: missing ;\n' |
	    as_tail -q --api classic --api-url "$FAKE_URL" -r "$rules"
	wait "$BROWSER_PID"
	run tail -n 1 "$BATS_TEST_TMPDIR/browser.out"
	[ "$output" = "rc=0" ]
	[ -s "$BATS_TEST_TMPDIR/lockscreen.png" ]
	[ -z "${SIM_SCREENSHOT:-}" ] || cp "$BATS_TEST_TMPDIR/lockscreen.png" "$SIM_SCREENSHOT"
	run python3 - "$BATS_TEST_TMPDIR/browser.out" <<-'EOF'
	import json, sys
	dom = json.loads(json.loads(open(sys.argv[1]).readline()))
	by = {a["title"]: a for a in dom["activities"]}
	def check(title, **want):
	    got = {k: by[title][k] for k in want}
	    assert got == want, (title, got, want)
	# As-tail ends every activity at the end of input: the failed build
	# red, the rest green, each with its last state still drawn.
	check("Build", type="segmented_progress", status="ended", color="red",
	      current="5", total="8", filled=5, note="Ended")
	check("Copy", type="progress", status="ended", color="green",
	      percent="90", note="Ended")
	check("Backup", type="timer", status="ended", timer="0")
	check("Deploy", type="alert", status="ended",
	      message="waiting for approval")
	check("Load", type="metrics", status="ended", metrics=["73"])
	check("Disk", type="stats", status="ended", metrics=["120"])
	assert dom["pushes"] == ["Build failed"], dom["pushes"]
	print("ok")
	EOF
	[ "$status" -eq 0 ]
	[ "$output" = ok ]
}

@test "the page draws icons, badges and buttons: an activity's, and a push's with its media, badge and sound (issue 15)" {
	fake_server_start --sim
	rules=$(rules '
activity deploy type=progress title="Deploy" icon=shippingbox.fill icon_color=cyan badge=prod badge_color=purple
    button="Open log" open_url=https://ci.example/log button="Roll back" webhook=https://ci.example/rollback
match /^deploy (\d+)/ progress deploy percent=$1
match /^failed/ push title="Deploy failed" sound=default badge=2
    button="Open CI log" open_url=https://ci.example/job button="Retry" webhook=https://ci.example/retry method=POST
match /^shot/ push title="Screenshot" media=https://img.example/cpu.png')
	browser_start 'document.querySelectorAll(".push").length === 2 &&
	    document.querySelector(".activity[data-title=Deploy]") !== null' 'JSON.stringify({
	  icon: [...document.querySelectorAll(".activity .icon")].map(e => [e.dataset.symbol, e.dataset.color]),
	  badge: [...document.querySelectorAll(".activity .badge")].map(e => [e.textContent, e.dataset.color]),
	  buttons: [...document.querySelectorAll(".activity .actions span")].map(e => [e.textContent, e.dataset.type]),
	  push_buttons: [...document.querySelectorAll(".push .actions span")].map(e => [e.textContent, e.dataset.type]),
	  media: [...document.querySelectorAll(".push-media")].map(e => e.dataset.url),
	  marks: [...document.querySelectorAll(".push-marks")].map(e => e.textContent)
	})'
	printf 'deploy 40\nfailed\nshot\n' | as_tail -q --api-url "$FAKE_URL" -r "$rules"
	wait "$BROWSER_PID"
	run tail -n 1 "$BATS_TEST_TMPDIR/browser.out"
	[ "$output" = "rc=0" ]
	run python3 - "$BATS_TEST_TMPDIR/browser.out" <<-'EOF'
	import json, sys
	dom = json.loads(json.loads(open(sys.argv[1]).readline()))
	assert dom["icon"] == [["shippingbox.fill", "cyan"]], dom
	assert dom["badge"] == [["prod", "purple"]], dom
	assert dom["buttons"] == [["Open log", "open_url"], ["Roll back", "webhook"]], dom
	assert sorted(dom["push_buttons"]) == [["Open CI log", "open_url"], ["Retry", "webhook"]], dom
	assert dom["media"] == ["https://img.example/cpu.png"], dom
	assert dom["marks"] == ["badge 2 \u00b7 sound default"], dom
	print("ok")
	EOF
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = ok ]
}

@test "the page follows a running activity live, without reloading" {
	fake_server_start --sim
	rules=$(rules '
activity build type=segmented_progress title="Build" steps=4
match /^step (\d+)/ step build current=$1')
	browser_start 'document.querySelector(".activity[data-title=Build] .segments") &&
	    document.querySelector(".activity[data-title=Build] .segments").dataset.current === "3" &&
	    document.querySelector(".activity[data-title=Build]").dataset.status === "live"' \
	    'document.body.dataset.version'
	# The page was loaded before the activity existed; it sees step 1,
	# then step 3, while as-tail is still running (its input is open).
	mkfifo "$BATS_TEST_TMPDIR/in"
	as_tail -q --api stream --api-url "$FAKE_URL" -r "$rules" \
	    < "$BATS_TEST_TMPDIR/in" 3>&- &
	tail_pid=$!
	exec 5> "$BATS_TEST_TMPDIR/in"
	echo "step 1" >&5
	wait_grep '"current_step": *1[,}]' "$FAKE_LOG"
	echo "step 3" >&5
	wait "$BROWSER_PID"
	exec 5>&-
	wait "$tail_pid"
	run head -n 1 "$BATS_TEST_TMPDIR/browser.out"
	# Three renders at least: empty, step 1, step 3.
	[ "$(echo "$output" | tr -d '"')" -ge 3 ]
	run tail -n 1 "$BATS_TEST_TMPDIR/browser.out"
	[ "$output" = "rc=0" ]
}

@test "an ended activity is dismissed when its auto-dismiss time has passed" {
	fake_server_start --sim
	rules=$(rules '
activity now type=progress title="Now" auto_dismiss=0
activity later type=progress title="Later" auto_dismiss=30
match /^(\d+)/ progress now percent=$1; progress later percent=$1')
	printf '50\n' | as_tail -q --api classic --api-url "$FAKE_URL" -r "$rules"
	run state
	[ "$status" -eq 0 ]
	run python3 -c '
import json, sys
snap = json.loads(sys.argv[1])
print(" ".join("%s=%s" % (a["state"]["title"], a["status"])
               for a in sorted(snap["activities"], key=lambda a: a["state"]["title"])))' "$output"
	[ "$output" = "Later=ended Now=dismissed" ]
}

@test "the screen model: streams rotate, noop and paused change nothing, failed requests are not shown" {
	run python3 - "$TOP/sim" <<-'EOF'
	import sys
	sys.path.insert(0, sys.argv[1])
	import lockscreen
	t = [1000.0]
	s = lockscreen.Screen(clock=lambda: t[0])
	cs = {"title": "Job", "type": "progress", "percentage": 10}
	path = "/live-activity/stream/job"
	s.observe("PUT", path, 200, {"content_state": cs}, {"operation": "started"})
	s.observe("PUT", path, 200, {"content_state": dict(cs, percentage=20)},
	          {"operation": "noop"})
	s.observe("PUT", path, 200, {"content_state": dict(cs, percentage=30)},
	          {"operation": "paused"})
	s.observe("PUT", path, 503, {"content_state": dict(cs, percentage=40)}, None)
	snap = s.snapshot()
	assert [a["state"]["percentage"] for a in snap["activities"]] == [10], snap
	s.observe("PUT", path, 200, {"content_state": dict(cs, percentage=50)},
	          {"operation": "rotated"})
	snap = s.snapshot()
	assert [(a["state"]["percentage"], a["status"]) for a in snap["activities"]] \
	    == [(10, "ended"), (50, "live")], snap
	s.observe("DELETE", path, 200, {"content_state": dict(
	    cs, percentage=60, auto_dismiss_seconds=5)}, {"operation": "ended"})
	t[0] += 4
	assert [a["status"] for a in s.snapshot()["activities"]] == ["ended", "ended"]
	t[0] += 2
	assert [a["status"] for a in s.snapshot()["activities"]] == ["ended", "dismissed"]
	# The first one ended by rotation keeps the default 3 minutes.
	t[0] += 180
	assert [a["status"] for a in s.snapshot()["activities"]] == ["dismissed", "dismissed"]
	print("ok")
	EOF
	[ "$status" -eq 0 ]
	[ "$output" = ok ]
}

@test "the page loads nothing from elsewhere: no external scripts, styles or fonts" {
	run grep -nE '(src|href)=|@import|url\(|https?://' "$TOP/sim/lockscreen.html"
	[ "$status" -eq 1 ]
}

@test "--sim accepts any key and says where the page is" {
	fake_server_start --sim
	run grep -c "lock screen: http://127.0.0.1:$FAKE_PORT/" "$FAKE_STDERR"
	[ "$output" = 1 ]
	printf 'x\n' | ACTIVITYSMITH_API_KEY=ask_anything_at_all as_tail -q \
	    --api-url "$FAKE_URL" -r "$(rules 'match /x/ push title="hi"')"
	run state
	[[ "$output" == *'"title":"hi"'* || "$output" == *'"title": "hi"'* ]]
}
