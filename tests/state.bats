#!/usr/bin/env bats
# state.bats: --state: a restarted as-tail continues where it stopped (no
# line matched twice, none skipped, the same Live Activity continued);
# a corrupt state file is reported and ignored; stall alerts and idle ends.

load helpers/common
load helpers/fake-server

R='activity b title=Build steps=9
match /^Step (\d+)/ step b current=$1'

setup() {
	cd "$BATS_TEST_TMPDIR"
	fake_server_start
}

teardown() {
	[ -z "${PID:-}" ] || kill "$PID" 2>/dev/null || true
	fake_server_stop
}

run_follow() {
	"$AS_TAIL" -q -v --api-url "$FAKE_URL" --state state.json \
	    -r "$(rules "$R")" -F "$@" 2>> err 3>&- &
	PID=$!
}

stop_follow() {
	kill -TERM "$PID"
	wait "$PID" || true
	PID=
}

# dry_fifo RULES-TEXT: a dry run reading from a fifo that the test writes
# to on fd 5; its requests land in ./trace.  dry_fifo_end closes the fifo
# and waits for as-tail to finish.
dry_fifo() {
	mkfifo fifo
	"$AS_TAIL" -n -q --trace trace -r "$(rules "$1")" < fifo 2> err 3>&- &
	PID=$!
	exec 5> fifo
}

dry_fifo_end() {
	exec 5>&-
	wait $PID
	PID=
}

@test "a restart continues: no line twice, none skipped, the same activity" {
	printf 'Step 1\n' > app.log
	run_follow --from-start app.log
	wait_for_log_lines 1 10
	printf 'Step 2\n' >> app.log
	wait_for_log_lines 2 10
	stop_follow
	# Written while as-tail was down; a partial line too.
	printf 'Step 3\nStep 4\nSte' >> app.log
	grep -q '"offset":14' state.json
	run_follow app.log
	wait_for_log_lines 3 10
	printf 'p 5\n' >> app.log
	wait_for_log_lines 4 10
	stop_follow
	# One start; then only updates of that stream (updates may coalesce),
	# steps strictly rising (no line twice) up to the last one (none lost).
	python3 - "$FAKE_LOG" <<'PY'
import json, sys
log = [json.loads(l) for l in open(sys.argv[1])]
paths = {e["method"] + " " + e["path"] for e in log}
assert len(paths) == 1 and paths.pop().startswith("PUT /live-activity/stream/"), paths
assert all(e["status"] == 200 for e in log), log
ops = [e["operation"] for e in log]
assert ops[0] == "started" and set(ops[1:]) == {"updated"}, ops
steps = [e["body"]["content_state"]["current_step"] for e in log]
assert steps[:2] == [1, 2] and steps[-1] == 5, steps
assert all(a < b for a, b in zip(steps, steps[1:])), steps
PY
	grep -q 'app.log: resuming at byte 14' err
	grep -q 'state.json: 1 open activity continued' err
}

@test "a restarted watch keeps its run's name: a stream it starts later shares it" {
	R='activity a title=A
activity b title=B
match /^A/ start a
match /^B/ start b'
	printf 'A\n' > app.log
	run_follow --from-start app.log
	wait_for_log_lines 1 10
	stop_follow
	printf 'B\n' >> app.log
	run_follow app.log
	wait_for_log_lines 2 10
	stop_follow
	python3 - "$FAKE_LOG" <<'PY'
import json, re, sys
log = [json.loads(l) for l in open(sys.argv[1])]
keys = [e["path"].rsplit("/", 1)[1] for e in log if e["method"] == "PUT"]
runs = [re.fullmatch(r"[A-Za-z0-9_-]+-([ab])-(\d{8}-\d{6}-\d+)", k) for k in keys]
assert all(runs) and [m.group(1) for m in runs] == ["a", "b"], keys
assert runs[0].group(2) == runs[1].group(2), keys
PY
	grep -q '"run":"[0-9]\{8\}-[0-9]\{6\}-[0-9]*"' state.json
}

@test "a file replaced while as-tail was down is read from its start" {
	printf 'Step 1\n' > app.log
	run_follow --from-start app.log
	wait_for_log_lines 1 10
	stop_follow
	rm app.log
	printf 'Step 2\n' > app.log
	run_follow app.log
	wait_for_log_lines 2 10
	stop_follow
	grep -q 'app.log: not the file of the saved state; reading it from its start' err
}

@test "the state file is written atomically and only holds what it should" {
	printf 'Step 1\n' > app.log
	run_follow --from-start app.log
	wait_for_log_lines 1 10
	stop_follow
	python3 -c '
import json
s = json.load(open("state.json"))
assert s["as-tail-state"] == 1
assert s["files"][0]["path"] == "app.log" and s["files"][0]["offset"] == 7
assert s["activities"][0]["name"] == "b" and "-b-" in s["activities"][0]["stream_key"]
'
	! ls state.json.tmp.* 2>/dev/null
	! grep -q ask_test_key state.json
}

@test "a corrupt or foreign state file is reported and ignored" {
	printf 'Step 1\n' > app.log
	printf '{"something":"else"}' > state.json
	run_follow --from-start app.log
	wait_for_log_lines 1 10
	stop_follow
	grep -q 'state.json: not an as-tail state file (or a damaged one); ignored' err
	printf 'garbage' > state.json
	run_follow app.log
	sleep 0.5
	stop_follow
	[ "$(grep -c 'not an as-tail state file' err)" -eq 2 ]
}

@test "at the end of input the activities end and the state says so" {
	printf 'Step 1\n' > app.log
	as_tail -q --api-url "$FAKE_URL" --state state.json -r "$(rules "$R")" app.log
	[[ "$(served | tail -1)" == "DELETE /live-activity/stream/"*"-b-"*" 200" ]]
	grep -q '"activities":\[\]' state.json
}

@test "stall=: a push and an orange activity when no rule drives it for that long" {
	R='activity b title=Build steps=9 stall=1s api=classic
match /^Step (\d+)/ step b current=$1'
	dry_fifo "$R"
	printf 'Step 1\n' >&5
	wait_grep stalled trace
	printf 'Step 2\n' >&5
	dry_fifo_end
	[ "$(requests)" = "POST /live-activity/start
POST /push-notification
POST /live-activity/update
POST /live-activity/update
POST /live-activity/end" ]
	[ "$(field 2 'b["title"]')" = "Build: stalled" ]
	[ "$(field 2 'b["message"]')" = "no progress for 1s" ]
	[ "$(field 3 'b["content_state"]["color"]')" = orange ]
	[ "$(field 4 'b["content_state"]["current_step"]')" = 2 ]
	[ "$(field 4 '"color" in b["content_state"]')" = False ]
}

@test "idle=: a run that no rule drives for that long ends; the next line starts another" {
	[ -z "${AS_TAIL_WRAPPER:-}" ] || skip "timing: valgrind is too slow for the interval"
	R='activity b title=Build idle=1s api=classic
match /^cc (\S+)/ step b current=+1 message=$1
match /error/ fail b'
	dry_fifo "$R"
	printf 'cc a.c\nerror: boom\n' >&5
	wait_grep /end trace
	printf 'cc b.c\n' >&5
	dry_fifo_end
	[ "$(requests)" = "POST /live-activity/start
POST /live-activity/end
POST /live-activity/start
POST /live-activity/end" ]
	# The idle end keeps the run's outcome; the next run starts clean.
	[ "$(field 2 'b["content_state"]["color"]')" = red ]
	[ "$(field 3 'b["content_state"]["current_step"]')" = 1 ]
	[ "$(field 4 'b["content_state"]["color"]')" = green ]
}

@test "idle= below a second, or not a duration, is a rules error" {
	run as_tail --check -r "$(rules 'activity a idle=500ms
activity b idle=soon')"
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "as-tail: $BATS_TEST_TMPDIR/t.rules:1:17: bad duration '500ms': at least 1s" ]
	[ "${lines[1]}" = "as-tail: $BATS_TEST_TMPDIR/t.rules:2:17: bad duration 'soon': at least 1s" ]
}

# once_follow ARGS...: -F for one look: the --pid process is already gone.
once_follow() {
	local gone
	sh -c 'exit 0' & gone=$!
	wait "$gone"
	as_tail -n -q -v -r "$(rules "$R")" --state state.json -F --pid "$gone" "$@"
}

@test "a damaged state file never crashes: reported once and ignored (issue 11)" {
	printf 'Step 1\n' > app.log
	local bad
	for bad in \
	    '{"as-tail-state":1,"files":[{"path":null}],"activities":[]}' \
	    '{"as-tail-state":1,"files":[3],"activities":[]}' \
	    '{"as-tail-state":1,"files":{},"activities":7}' \
	    '{"as-tail-state":1,"files":[{"path":"app.log","dev":1,"ino":2,"offset":1.5,"hash":"0"}]}' \
	    '{"as-tail-state":1,"activities":[{"name":"b","api":"classic","id":"a","content":{"metrics":[1]}}]}' \
	    '{"as-tail-state":1,"activities":[{"name":"b","api":"classic","id":"a","content":{"metrics":[[1,2]]}}]}' \
	    '{"as-tail-state":1,"activities":[{"name":"b","api":"classic","id":"a","content":{"current":1e300}}]}' \
	    '{"as-tail-state":1,"activities":[{"name":"b","api":"classic","id":"a","content":{"total":2.5}}]}' \
	    '{"as-tail-state":1,"activities":[{"name":"b","api":"classic","id":"a","content":{"percent":-1e308}}]}' \
	    '{"as-tail-state":1,"activities":[{"name":"b","api":"classic","id":"a","content":{"title":5}}]}' \
	    '{"as-tail-state":1,"activities":[{"name":null,"api":"classic","content":{}}]}' \
	    '{"as-tail-state":1,"activities":[{"name":"b","api":"classic","id":"a","failed":"yes","content":{}}]}' \
	    '{"as-tail-state":1,"activities":[{"name":"b","api":"classic","id":"a"}]}'; do
		printf '%s' "$bad" > state.json
		run once_follow app.log
		echo "$bad: $status: $output"
		[ "$status" -eq 0 ]
		[ "$(grep -c 'state.json: a damaged state file (.*); ignored' <<< "$output")" -eq 1 ]
	done
}

@test "a sound state file of the same shapes is taken (issue 11)" {
	printf 'Step 1\n' > app.log
	printf '%s' '{"as-tail-state":1,"files":[],"activities":[{"name":"b","api":"stream","stream_key":"a","failed":false,"content":{"current":3,"total":9,"percent":-1,"value":0.5,"upper":0,"title":"Build","metrics":[["a","b"]]}}]}' > state.json
	run once_follow app.log
	[ "$status" -eq 0 ]
	[[ "$output" = *"1 open activity continued"* ]]
	! grep -q damaged <<< "$output"
}

@test "a failed rename closes the temporary file once and removes it (issue 10)" {
	[ -z "${AS_TAIL_SANITIZED:-}" ] || skip "LeakSanitizer does not run under ptrace (strace)"
	printf 'Step 1\n' > app.log
	mkdir state.dir
	run strace -f -e trace=close,rename -o trace.strace \
	    "$AS_TAIL" -n -q -r "$(rules "$R")" --state state.dir app.log
	[ "$status" -eq 0 ]
	[[ "$output" = *"state.dir: Is a directory"* ]]
	grep -q 'rename("state.dir.tmp.[0-9]*", "state.dir") = -1 EISDIR' trace.strace
	# The fd of the temporary file is closed once: the next close after
	# the failed rename is not the same fd closed again.
	python3 - <<'PY'
import re
calls = [l for l in open("trace.strace") if "close(" in l or "rename(" in l]
for i, l in enumerate(calls):
    if "rename(" in l and "EISDIR" in l:
        before = [c for c in calls[:i] if "close(" in c][-1]
        fd = re.search(r"close\((\d+)\)", before).group(1)
        after = [c for c in calls[i + 1:i + 2] if "close(" + fd + ")" in c]
        assert not after, "fd %s closed again: %s" % (fd, after)
PY
	! ls state.dir.tmp.* 2>/dev/null
}

@test "a symlink planted at the temporary name is not followed (issue 10)" {
	printf 'Step 1\n' > app.log
	printf 'precious\n' > target
	# exec keeps the shell's pid, so the temporary name is known ahead.
	run sh -c 'ln -s target state.json.tmp.$$ &&
	    exec "$0" -n -q -r "$1" --state state.json app.log' \
	    "$AS_TAIL" "$(rules "$R")"
	[ "$status" -eq 0 ]
	[ "$(cat target)" = precious ]
	grep -q '"as-tail-state":1' state.json
	[ ! -L state.json ]
	[ "$(stat -c %a state.json)" = 600 ]
}

@test "positions of more than 64 followed files are all saved (issue 10)" {
	local i files=()
	for i in $(seq 70); do
		printf 'Step 1\n' > "f$i.log"
		files+=("f$i.log")
	done
	run once_follow "${files[@]}"
	[ "$status" -eq 0 ]
	python3 -c '
import json
s = json.load(open("state.json"))
assert len(s["files"]) == 70, len(s["files"])'
}

@test "a state file naming one activity twice continues it once, from its first entry (issue 10.13)" {
	# Classic: the two entries differ by their activity id.
	R="${R/steps=9/steps=9 api=classic}"
	printf 'Step 1\n' > app.log
	run_follow --from-start app.log
	wait_for_log_lines 1 10
	stop_follow
	python3 -c '
import json
s = json.load(open("state.json"))
twin = dict(s["activities"][0], id="act_twin")
s["activities"].append(twin)
json.dump(s, open("state.json", "w"))
'
	printf 'Step 2\n' > two.log
	as_tail -n -q -v --trace trace --state state.json -r "$(rules "$R")" two.log 2> err2
	grep -q 'state.json: 1 open activity continued' err2
	[ "$(requests | head -1)" = "POST /live-activity/update" ]
	[ "$(field 1 'b["activity_id"]')" = act_1 ]
}

@test "--state keeps an activity's icon, badge, buttons and step colors (issue 15)" {
	R='activity b title=Build steps=9 api=classic icon=hammer.fill badge=CI step_colors=green
    button=Log open_url=https://ci.example/log
match /^Step (\d+)/ step b current=$1'
	printf 'Step 1\n' > app.log
	run_follow --from-start app.log
	wait_for_log_lines 1 10
	stop_follow
	cp state.json saved.json
	printf 'Step 2\n' > two.log
	as_tail -n -q -v --trace trace --state state.json -r "$(rules "$R")" two.log 2> err2
	grep -q 'state.json: 1 open activity continued' err2
	[ "$(requests | sed -n 1p)" = "POST /live-activity/update" ]
	[ "$(field 1 'b["content_state"]["icon"]["symbol"]')" = hammer.fill ]
	[ "$(field 1 'b["content_state"]["badge"]["title"]')" = CI ]
	[ "$(field 1 'b["content_state"]["step_colors"]')" = "['green', 'green']" ]
	[ "$(field 1 'b["action"]["url"]')" = https://ci.example/log ]
	valid_trace
	# A button the API would refuse makes the saved state unusable.
	python3 -c '
import json
s = json.load(open("saved.json"))
s["activities"][0]["content"]["buttons"] = [{"title": "x", "type": "open_url", "url": "http://plain.example"}]
json.dump(s, open("state.json", "w"))
'
	as_tail -n -q --trace trace --state state.json -r "$(rules "$R")" two.log 2> err3 || true
	grep -q 'a button is not one the API takes' err3
}
