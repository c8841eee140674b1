#!/usr/bin/env bats
# api-fields.bats: everything the API can show (issue 15).  Each field of
# the rules language reaches the fake server, which validates it against
# the provider's spec, and each of the spec's constraints is refused: when
# the rules load if the value is plain text (FILE:LINE:COL), else when the
# template expands (a warning, once, naming the rule; nothing invalid is
# sent).

load helpers/common
load helpers/fake-server

teardown() {
	fake_server_stop
}

# check RULES-TEXT: --check of the rules; output and status in $output, $status.
check() {
	run as_tail --check -r "$(rules "$1")"
}

@test "a push's sound, badge, payload and buttons reach the service and are accepted" {
	fake_server_start
	run send 'fail 42 he said "no"\n' 'match /^fail (\d+) (.*)/ push title="Build failed" message="$2"
    sound=default badge=3 payload='"'"'{"job":"$1","why":"$2"}'"'"'
    button="Open CI log" open_url=https://ci.example/jobs/$1
    button="Retry" webhook=https://ci.example/retry method=POST body='"'"'{"job":$1}'"'"'
    button="Status" webhook=https://ci.example/status method=GET
    button="Run shortcut" open_url="shortcuts://run-shortcut?name=CI"'
	[ "$status" -eq 0 ]
	[ "$(served)" = "POST /push-notification 200" ]
	[ "$(served_body 1)" = '{"title":"Build failed","message":"he said \"no\"","sound":"default","badge":3,"payload":{"job":"42","why":"he said \"no\""},"actions":[{"title":"Open CI log","type":"open_url","url":"https://ci.example/jobs/42"},{"title":"Retry","type":"webhook","url":"https://ci.example/retry","method":"POST","body":{"job":42}},{"title":"Status","type":"webhook","url":"https://ci.example/status","method":"GET"},{"title":"Run shortcut","type":"open_url","url":"shortcuts://run-shortcut?name=CI"}]}' ]
	[ ! -s "$BATS_TEST_TMPDIR/err" ]
}

@test "a push's media, url and channels are accepted together" {
	fake_server_start
	run send 'shot\n' 'match /^shot/ push title="Screenshot" media=https://img.example/a.png url=https://img.example/ channels=ops'
	[ "$status" -eq 0 ]
	[ "$(served)" = "POST /push-notification 200" ]
	[ "$(served_body 1)" = '{"title":"Screenshot","redirection":"https://img.example/","media":"https://img.example/a.png","target":{"channels":["ops"]}}' ]
}

@test "--send takes the push fields (issue 13's example)" {
	fake_server_start
	run as_tail --api-url "$FAKE_URL" --send 'push title="Backup done" sound=default badge=1 button=Logs open_url=https://logs.example/'
	[ "$status" -eq 0 ]
	[ "$(served)" = "POST /push-notification 200" ]
	[ "$(served_body 1)" = '{"title":"Backup done","sound":"default","badge":1,"actions":[{"title":"Logs","type":"open_url","url":"https://logs.example/"}]}' ]
}

@test "each push constraint is refused when the rules load, at its column" {
	check 'match /x/ push title=t media=http://a.example/p.png
match /x/ push title=t badge=three
match /x/ push title=t payload="[1,2]"
match /x/ push title=t button=A webhook=http://a.example/hook
match /x/ push title=t button=A open_url=ftp://a.example/
match /x/ push title=t button=A webhook=https://a.example/ method=PUT
match /x/ push title=t button=A webhook=https://a.example/ body=notjson
match /x/ push title=t button=A open_url=https://a.example/ method=GET
match /x/ push title=t open_url=https://a.example/
match /x/ push title=t button=A
match /x/ push title=t button=A open_url=https://a.example/ webhook=https://a.example/
match /x/ push title=t button=1 open_url=https://a/ button=2 open_url=https://a/ button=3 open_url=https://a/ button=4 open_url=https://a/ button=5
match /x/ push title=t media=https://a.example/p.png button=A open_url=https://a.example/'
	[ "$status" -eq 2 ]
	f=$BATS_TEST_TMPDIR/t.rules
	[ "${lines[0]}" = "as-tail: $f:1:30: media must start with https://" ]
	[ "${lines[1]}" = "as-tail: $f:2:30: badge must be a whole number" ]
	[ "${lines[2]}" = "as-tail: $f:3:33: payload must be a JSON object, such as '{\"job\":\"\$1\"}'" ]
	[ "${lines[3]}" = "as-tail: $f:4:41: webhook must start with https://" ]
	[ "${lines[4]}" = "as-tail: $f:5:42: open_url must start with https:// or shortcuts://" ]
	[ "${lines[5]}" = "as-tail: $f:6:67: method must be GET or POST" ]
	[ "${lines[6]}" = "as-tail: $f:7:65: body must be a JSON object, such as '{\"ref\":\"main\"}'" ]
	[ "${lines[7]}" = "as-tail: $f:8:61: method= goes after webhook=" ]
	[ "${lines[8]}" = "as-tail: $f:9:24: a button begins with button=TITLE" ]
	[ "${lines[9]}" = "as-tail: $f:10:24: button needs open_url=URL or webhook=URL" ]
	[ "${lines[10]}" = "as-tail: $f:11:61: a button takes one open_url= or webhook=" ]
	[ "${lines[11]}" = "as-tail: $f:12:140: a push shows at most 4 buttons" ]
	[ "${lines[12]}" = "as-tail: $f:13:54: a push cannot show both media= and buttons" ]
	[ "${#lines[@]}" -eq 14 ]
}

@test "a push field that expands to what the API refuses is dropped, with one warning naming the rule" {
	fake_server_start
	run send 'v x http://a.example ftp://b [1]\nv y http://a.example ftp://b [2]\n' \
	    'match /^v (\S+) (\S+) (\S+) (\S+)/ push title=b badge=$1; push title=m media=$2; push title=p payload=$4
    push title=u button=A open_url=$3 button=B webhook=https://ok.example/$1 body=$4'
	[ "$status" -eq 0 ]
	[ "$(served | sort | uniq -c | tr -s ' ')" = " 8 POST /push-notification 200" ]
	[ "$(served_body 1)" = '{"title":"b"}' ]
	[ "$(served_body 2)" = '{"title":"m"}' ]
	[ "$(served_body 3)" = '{"title":"p"}' ]
	[ "$(served_body 4)" = '{"title":"u"}' ]
	f=$BATS_TEST_TMPDIR/t.rules
	run cat "$BATS_TEST_TMPDIR/err"
	[ "${lines[0]}" = "as-tail: $f:1:36: badge 'x' is not usable; ignored (warned once)" ]
	[ "${lines[1]}" = "as-tail: $f:1:59: media 'http://a.example' is not usable; ignored (warned once)" ]
	[ "${lines[2]}" = "as-tail: $f:1:82: payload '[1]' is not usable; ignored (warned once)" ]
	[ "${lines[3]}" = "as-tail: $f:2:5: open_url 'ftp://b' is not usable; ignored (warned once)" ]
	[ "${#lines[@]}" -eq 4 ]
}

@test "a webhook body or payload is JSON even when a capture holds quotes and backslashes" {
	run dry 'say a"b\\c\n' 'match /^say (.*)/ push title=t payload='"'"'{"said":"$1"}'"'"' button=B webhook=https://h.example/ body='"'"'{"said":"$1"}'"'"''
	[ "$status" -eq 0 ]
	[ "$(field 1 'b["payload"]["said"]')" = 'a"b\c' ]
	[ "$(field 1 'b["actions"][0]["body"]["said"]')" = 'a"b\c' ]
	valid_trace
}

@test "--check examples compare the new push fields" {
	check 'match /^fail (\S+)/ push title=F sound=default badge=2 payload='"'"'{"job":"$1"}'"'"' button=Log open_url=https://ci.example/$1
example "fail 7" push sound=default badge=2 payload='"'"'{"job":"7"}'"'"'
example "fail 8" push sound=loud'
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "as-tail: $BATS_TEST_TMPDIR/t.rules:3:1: example: expected push sound=\"loud\"; what fired: push title=\"F\" sound=\"default\" badge=\"2\" payload=\"{\"job\":\"8\"}\"" ]
	[ "${lines[1]}" = "as-tail: 1 of 2 examples failed" ]
}

@test "a button whose url is made of variables that are not set is left out without a warning" {
	unset GITHUB_SERVER_URL GITHUB_REPOSITORY GITHUB_RUN_ID CI_JOB_URL
	run dry 'error: x\n' 'match /^error/ push title=t button="Open CI log" open_url=${env:CI_JOB_URL}
    button="Open run" open_url=${env:GITHUB_SERVER_URL}/${env:GITHUB_REPOSITORY}/actions/runs/${env:GITHUB_RUN_ID}'
	[ "$status" -eq 0 ]
	[ "$(body 1)" = '{"title":"t"}' ]
	[[ "$output" != *"not usable"* ]]
	GITHUB_SERVER_URL=https://github.com GITHUB_REPOSITORY=o/r GITHUB_RUN_ID=7 \
	    run dry 'error: x\n' "$(cat "$BATS_TEST_TMPDIR/t.rules")"
	[ "$status" -eq 0 ]
	[ "$(body 1)" = '{"title":"t","actions":[{"title":"Open run","type":"open_url","url":"https://github.com/o/r/actions/runs/7"}]}' ]
	valid_trace
}

# The Live Activity rules the tests below drive.
LA_RULES='activity build type=segmented_progress steps=4 icon=hammer.fill icon_color=blue
    badge=CI badge_color=gray step_colors=green
    button="Open log" open_url=https://ci.example/log
    button="Cancel" webhook=https://ci.example/cancel method=POST body='"'"'{"job":1}'"'"'
    auto_dismiss=30s
activity backup type=timer title=Backup duration=600 counts_down=no icon=timer
activity disk type=alert message=ok button=Ack webhook=https://h.example/ack method=GET
match /^step (\d)/ step build current=$1
match /^warn/ update build step_colors=green,orange badge=WARN badge_color=orange
match /^backup start/ start backup
match /^backup pause/ pause backup
match /^backup resume/ resume backup
match /^disk (.*)/ update disk message="$1" icon=externaldrive.badge.exclamationmark icon_color=red'
LA_INPUT='step 1\nwarn\nstep 3\nbackup start\nbackup pause\nbackup resume\ndisk 91%% full\n'

@test "a Live Activity's icon, badge, buttons, step colors and timer fields reach a stream and are accepted" {
	fake_server_start
	run send "$LA_INPUT" "$LA_RULES" --api stream
	[ "$status" -eq 0 ]
	[ ! -s "$BATS_TEST_TMPDIR/err" ]
	[ "$(served | grep -vc ' 200$')" -eq 0 ]
	run python3 - "$FAKE_LOG" <<-'PY'
	import json, sys
	reqs = [json.loads(l) for l in open(sys.argv[1])]
	def bodies(path_part, method):
	    return [r["body"] for r in reqs if path_part in r["path"] and r["method"] == method]
	start = bodies("build", "PUT")[0]
	assert start["content_state"]["badge"] == {"title": "CI", "color": "gray"}, start
	end = bodies("build", "DELETE")[-1]
	cs = end["content_state"]
	assert cs["icon"] == {"symbol": "hammer.fill", "color": "blue"}, cs
	assert cs["badge"] == {"title": "WARN", "color": "orange"}, cs
	assert cs["step_colors"] == ["green", "orange", "orange"], cs
	assert cs["auto_dismiss_seconds"] == 30, cs
	assert end["action"] == {"title": "Open log", "type": "open_url", "url": "https://ci.example/log"}
	assert end["secondary_action"] == {"title": "Cancel", "type": "webhook", "url": "https://ci.example/cancel", "method": "POST", "body": {"job": 1}}
	backup = bodies("backup", "PUT")[0]["content_state"]
	assert backup["duration_seconds"] == 600 and backup["counts_down"] is False, backup
	disk = bodies("disk", "DELETE")[-1]
	assert disk["content_state"]["icon"] == {"symbol": "externaldrive.badge.exclamationmark", "color": "red"}
	assert disk["action"] == {"title": "Ack", "type": "webhook", "url": "https://h.example/ack", "method": "GET"}
	print("ok")
	PY
	echo "$output"
	[ "$output" = ok ]
}

@test "pause and resume send is_running false, then true, and the service accepts them" {
	run dry "$LA_INPUT" "$LA_RULES" --api stream
	[ "$status" -eq 0 ]
	valid_trace
	run python3 -c '
import json, sys
puts = [json.loads(l)["body"]["content_state"] for l in open(sys.argv[1]) if "backup" in l and "\"PUT\"" in l]
print([c.get("is_running") for c in puts])' "$BATS_TEST_TMPDIR/trace"
	[ "$output" = "[None, False, True]" ]
}

@test "the same on the classic API: accepted, auto_dismiss in seconds rounded up to minutes" {
	fake_server_start
	run send "$LA_INPUT" "$LA_RULES" --api classic
	[ "$status" -eq 0 ]
	[ ! -s "$BATS_TEST_TMPDIR/err" ]
	[ "$(served | grep -vc ' 200$')" -eq 0 ]
	run python3 - "$FAKE_LOG" <<-'PY'
	import json, sys
	reqs = [json.loads(l)["body"] for l in open(sys.argv[1])]
	ends = [b for b in reqs if b.get("content_state", {}).get("title") == "build" and "auto_dismiss_minutes" in b["content_state"]]
	assert ends and ends[-1]["content_state"]["auto_dismiss_minutes"] == 1, ends
	assert all("auto_dismiss_seconds" not in b.get("content_state", {}) for b in reqs)
	print("ok")
	PY
	[ "$output" = ok ]
}

@test "each Live Activity constraint is refused when the rules load, at its column" {
	check 'activity t type=timer badge=X step_colors=green button=A open_url=https://a/ button=B open_url=https://b/
activity p type=progress counts_down=no icon="bad name" icon_color=pink auto_dismiss=99999s
activity c type=timer counts_down=yes
activity s type=segmented_progress button=A open_url=https://a/ button=B open_url=https://b/ button=C open_url=https://c/
match /x/ update t badge=Y badge_color=red; pause p
match /y/ update p step_colors=red,bluish
match /z/ push title=t icon=x'
	[ "$status" -eq 2 ]
	f=$BATS_TEST_TMPDIR/t.rules
	[ "${lines[0]}" = "as-tail: $f:1:23: badge= needs an alert, progress or segmented_progress activity; 't' is timer" ]
	[ "${lines[1]}" = "as-tail: $f:1:31: step_colors= needs a segmented_progress activity; 't' is timer" ]
	[ "${lines[2]}" = "as-tail: $f:1:78: a second button needs an alert, progress or segmented_progress activity; 't' is timer" ]
	[ "${lines[3]}" = "as-tail: $f:2:26: counts_down= needs a timer activity; 'p' is progress" ]
	[ "${lines[4]}" = "as-tail: $f:2:47: icon must be an SF Symbol name, such as hammer.fill" ]
	[ "${lines[5]}" = "as-tail: $f:2:68: unknown color 'pink'" ]
	[ "${lines[6]}" = "as-tail: $f:2:86: auto_dismiss is minutes, 0 to 1440, or seconds, 0s to 86400s" ]
	[ "${lines[7]}" = "as-tail: $f:3:10: a timer that counts down needs duration=" ]
	[ "${lines[8]}" = "as-tail: $f:4:94: a Live Activity shows at most 2 buttons" ]
	[ "${lines[9]}" = "as-tail: $f:5:11: badge= needs an alert, progress or segmented_progress activity; 't' is timer" ]
	[ "${lines[10]}" = "as-tail: $f:5:11: badge_color= needs an alert, progress or segmented_progress activity; 't' is timer" ]
	[ "${lines[11]}" = "as-tail: $f:5:45: pause needs a timer activity; 'p' is progress" ]
	[ "${lines[12]}" = "as-tail: $f:6:32: step_colors must be a comma-separated list of colors" ]
	[ "${lines[13]}" = "as-tail: $f:7:24: push takes no 'icon'" ]
	[ "${#lines[@]}" -eq 15 ]
}

@test "a metrics activity takes 1 to 8 metrics: a 9th is refused when the rules load" {
	check 'activity m type=metrics
match /x/ update m metric.a=1 metric.b=2 metric.c=3 metric.d=4 metric.e=5 metric.f=6 metric.g=7 metric.h=8 metric.i=9'
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "as-tail: $BATS_TEST_TMPDIR/t.rules:2:108: a Live Activity shows at most 8 metrics" ]
}

@test "an icon, step colors or button that expands to what the API refuses is dropped, with one warning" {
	fake_server_start
	run send 'v bad/name ftp://x\n' 'activity b type=segmented_progress steps=3
match /^v (\S+) (\S+)/ step b current=1 icon=$1; update b button=A open_url=$2 button=B open_url=https://ok.example/'
	[ "$status" -eq 0 ]
	[ "$(served | grep -vc ' 200$')" -eq 0 ]
	f=$BATS_TEST_TMPDIR/t.rules
	run cat "$BATS_TEST_TMPDIR/err"
	[ "${lines[0]}" = "as-tail: $f:2:24: icon 'bad/name' is not usable; ignored (warned once)" ]
	[ "${lines[1]}" = "as-tail: $f:2:50: open_url 'ftp://x' is not usable; ignored (warned once)" ]
	[ "${#lines[@]}" -eq 2 ]
	run served_body 1
	[[ "$output" != *'"icon"'* ]]
	[[ "$output" == *'"action":{"title":"B","type":"open_url","url":"https://ok.example/"}'* ]]
	[[ "$output" != *'secondary_action'* ]]
}

@test "pause and resume change nothing on a timer that is not running" {
	run dry 'pause\nresume\n' 'activity t type=timer
match /^pause/ pause t
match /^resume/ resume t'
	[ "$status" -eq 0 ]
	[ ! -s "$BATS_TEST_TMPDIR/trace" ]
}

@test "--check examples compare icon, badge and step colors; pause and resume" {
	check 'activity b type=segmented_progress steps=3
activity t type=timer
match /^warn (\w+)/ update b icon=$1 badge=WARN badge_color=orange step_colors=green,orange
match /^hold/ pause t
example "warn flame" update b icon=flame badge=WARN badge_color=orange step_colors=green,orange
example "hold" pause t
example "warn drop" update b icon=flame'
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "as-tail: $BATS_TEST_TMPDIR/t.rules:7:1: example: expected update b icon=\"flame\"; what fired: update b badge=\"WARN\" icon=\"drop\" badge_color=\"orange\" step_colors=\"green,orange\"" ]
	[ "${lines[1]}" = "as-tail: 1 of 3 examples failed" ]
}

@test "shipped packs: make, ninja, cmake and meson show an icon, and in CI their failure push has an Open CI log button" {
	CI_JOB_URL=https://gitlab.example/g/p/-/jobs/42 \
	    run as_tail -n -q --trace "$BATS_TEST_TMPDIR/trace" -r make "$FIXTURES/make/make-clang-failure.log"
	[ "$status" -eq 0 ]
	valid_trace
	[ "$(field 1 'b["content_state"]["icon"]')" = "{'symbol': 'hammer.fill'}" ]
	run python3 -c '
import json, sys
pushes = [json.loads(l)["body"] for l in open(sys.argv[1]) if "/push-notification" in l]
print(json.dumps(pushes[0]["actions"]))' "$BATS_TEST_TMPDIR/trace"
	[ "$output" = '[{"title": "Open CI log", "type": "open_url", "url": "https://gitlab.example/g/p/-/jobs/42"}]' ]
	for pack in ninja cmake meson; do
		log=$(ls "$FIXTURES/$pack/"*failure*.log | head -1)
		GITHUB_SERVER_URL=https://github.com GITHUB_REPOSITORY=o/r GITHUB_RUN_ID=7 \
		    run as_tail -n -q --trace "$BATS_TEST_TMPDIR/trace" -r "$pack" "$log"
		[ "$status" -eq 0 ]
		valid_trace
		run python3 -c '
import json, sys
reqs = [json.loads(l)["body"] for l in open(sys.argv[1])]
icons = {r["content_state"]["icon"]["symbol"] for r in reqs if "content_state" in r}
pushes = [r for r in reqs if "actions" in r]
print(len(icons), pushes[0]["actions"][0]["url"])' "$BATS_TEST_TMPDIR/trace"
		[ "$output" = "1 https://github.com/o/r/actions/runs/7" ]
	done
}

@test "shipped packs outside CI: the failure push has no button and no warning" {
	run as_tail -n -q --trace "$BATS_TEST_TMPDIR/trace" -r make "$FIXTURES/make/make-clang-failure.log"
	[ "$status" -eq 0 ]
	[[ "$output" != *"not usable"* ]]
	! grep -q '"actions"' "$BATS_TEST_TMPDIR/trace"
}

@test "a push over 4 KB: its texts are cut first; a payload that still cannot fit is dropped, never cut" {
	long=$(printf 'x%.0s' $(seq 3000))
	rules='match /^m (.*)/ push title=t message="$1" button=Log open_url=https://ci.example/log payload='"'"'{"k":"$1"}'"'"''
	run dry "m $long\n" "$rules"
	[ "$status" -eq 0 ]
	valid_trace
	size='
import json, sys
b = json.loads(open(sys.argv[1]).readline())["body"]
print(len(json.dumps(b, separators=(",", ":"), ensure_ascii=False).encode()) <= 4096,
      len(b.get("payload", {}).get("k", "")), b["actions"][0]["title"], len(b["message"]) < int(sys.argv[2]))'
	run python3 -c "$size" "$BATS_TEST_TMPDIR/trace" 3000
	[ "$output" = "True 3000 Log True" ]
	long=$(printf 'x%.0s' $(seq 4050))
	run dry "m $long\n" "$rules"
	[ "$status" -eq 0 ]
	valid_trace
	run python3 -c "$size" "$BATS_TEST_TMPDIR/trace" 4050
	[ "$output" = "True 0 Log True" ]
}
