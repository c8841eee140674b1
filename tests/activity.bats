#!/usr/bin/env bats
# activity.bats: Live Activity state: implicit starts, no-op transitions,
# validation, endings, and the exact requests of both API styles.

load helpers/common

STEPS='activity b title=Build steps=7 color=blue step_color=green auto_dismiss=2
match /^Step (\d+)\/(\d+)/ step b current=$1 total=$2
match /^Step (\d+)$/ step b current=$1
match /^FAILED/ fail b
match /^DONE$/ end b'

@test "a step on an activity that has not started starts it, then updates" {
	dry 'Step 1/7\nStep 2/7\n' "$STEPS" --api classic
	[ "$(requests)" = "POST /live-activity/start
POST /live-activity/update
POST /live-activity/end" ]
	[ "$(body 1)" = '{"content_state":{"title":"Build","type":"segmented_progress","number_of_steps":7,"current_step":1,"color":"blue","step_color":"green"}}' ]
	[ "$(body 2)" = '{"activity_id":"dry-run-1","content_state":{"title":"Build","number_of_steps":7,"current_step":2,"color":"blue","step_color":"green"}}' ]
	[ "$(body 3)" = '{"activity_id":"dry-run-1","content_state":{"title":"Build","number_of_steps":7,"current_step":2,"color":"green","step_color":"green","auto_dismiss_minutes":2}}' ]
	valid_trace
}

@test "a transition that changes nothing sends nothing" {
	dry 'Step 1/7\nStep 1/7\nStep 1\nStep 2/7\nStep 2/7\n' "$STEPS"
	[ "$(requests | wc -l)" -eq 3 ]
}

@test "progress only moves forward within one run" {
	dry 'Step 3/7\nStep 2/7\nStep 4/7\n' "$STEPS"
	[ "$(requests | wc -l)" -eq 3 ]
	[ "$(field 2 'b["content_state"]["current_step"]')" = 4 ]
}

@test "a step beyond the number of steps is warned about once and ignored" {
	run sh -c "printf 'Step 1/7\nStep 9/7\nStep 8/7\n' | timeout 20 $AS_TAIL -n -q --trace $BATS_TEST_TMPDIR/trace -r $(rules "$STEPS")"
	[ "$status" -eq 0 ]
	[ "$output" = "as-tail: $BATS_TEST_TMPDIR/t.rules:2: b: step 9 is beyond 7 steps; ignored (warned once)" ]
	[ "$(requests | wc -l)" -eq 2 ]
	valid_trace
}

@test "a percentage over 100 is warned about and ignored" {
	run sh -c "printf '50\n120\n60\n' | timeout 20 $AS_TAIL -n -q --trace $BATS_TEST_TMPDIR/trace -r $(rules 'activity p type=progress
match /^(\d+)$/ progress p percent=$1')"
	[ "$status" -eq 0 ]
	[[ "$output" == *"p: 120% is not a percentage; ignored (warned once)" ]]
	[ "$(field 2 'b["content_state"]["percentage"]')" = 60 ]
	valid_trace
}

@test "a capture that is not a number is warned about once, never sent" {
	run sh -c "printf 'Step x/7\nStep y/7\n' | timeout 20 $AS_TAIL -n -q --trace $BATS_TEST_TMPDIR/trace -r $(rules 'activity b
match /^Step (\w+)\/(\d+)/ step b current=$1 total=$2')"
	[ "$status" -eq 0 ]
	[ "$output" = "as-tail: $BATS_TEST_TMPDIR/t.rules:2:28: current 'x' is not usable; ignored (warned once)" ]
	[ ! -s "$BATS_TEST_TMPDIR/trace" ]
}

@test "at end of input an open activity ends green, or red after a failure" {
	dry 'Step 1/7\n' "$STEPS"
	[ "$(field 2 'b["content_state"]["color"]')" = green ]
	dry 'Step 1/7\nFAILED x\n' "$STEPS"
	[ "$(field 2 'b["content_state"]["color"]')" = red ]
	valid_trace
}

@test "end success and end failure override the failure flag" {
	dry 'Step 1/7\nok\n' 'activity b
match /^Step (\d+)\/(\d+)/ step b current=$1 total=$2
match /^ok/ end b failure' --api classic
	[ "$(requests | tail -1)" = "POST /live-activity/end" ]
	[ "$(field 2 'b["content_state"]["color"]')" = red ]
}

@test "an end on an activity that never started starts and ends it" {
	dry 'DONE\n' "$STEPS" --api classic
	[ "$(requests)" = "POST /live-activity/start
POST /live-activity/end" ]
	valid_trace
}

@test "after an end, the next step starts a new run with a new activity" {
	dry 'Step 1/7\nDONE\nStep 1/3\n' "$STEPS" --api classic
	[ "$(requests)" = "POST /live-activity/start
POST /live-activity/end
POST /live-activity/start
POST /live-activity/end" ]
	[ "$(field 4 'b["activity_id"]')" = dry-run-2 ]
	valid_trace
}

@test "start on an open activity ends it and starts a new one" {
	dry 'go\ngo\n' 'activity d
match /^go/ start d' --api classic
	[ "$(requests)" = "POST /live-activity/start
POST /live-activity/end
POST /live-activity/start
POST /live-activity/end" ]
}

@test "--api stream uses PUT and DELETE on the activity's stream key" {
	dry 'Step 1/7\nStep 2/7\n' 'activity b title=Build stream=ci-build auto_dismiss=0
match /^Step (\d+)\/(\d+)/ step b current=$1 total=$2' --api stream
	[ "$(requests)" = "PUT /live-activity/stream/ci-build
PUT /live-activity/stream/ci-build
DELETE /live-activity/stream/ci-build" ]
	[ "$(body 1)" = '{"content_state":{"title":"Build","type":"segmented_progress","number_of_steps":7,"current_step":1}}' ]
	[ "$(body 2)" = '{"content_state":{"title":"Build","type":"segmented_progress","number_of_steps":7,"current_step":2}}' ]
	[ "$(body 3)" = '{"content_state":{"title":"Build","number_of_steps":7,"current_step":2,"color":"green","auto_dismiss_minutes":0}}' ]
	valid_trace
}

@test "the default API is stream; --api classic and api=classic keep the legacy lifecycle" {
	dry 'go\n' 'activity s
match /^go/ start s'
	[ "$(requests | run_keys)" = "PUT /live-activity/stream/$(hostname | tr -c 'A-Za-z0-9_\n-' -)-s-RUN
DELETE /live-activity/stream/$(hostname | tr -c 'A-Za-z0-9_\n-' -)-s-RUN" ]
	dry 'go\n' 'activity s
match /^go/ start s' --api classic
	[ "$(requests)" = "POST /live-activity/start
POST /live-activity/end" ]
	valid_trace
}

@test "an activity picks its API itself; the default stream key is host, name and run" {
	dry 'go\n' 'activity s api=stream
activity c api=classic
match /^go/ start s; start c' --api stream
	[ "$(requests | run_keys)" = "PUT /live-activity/stream/$(hostname | tr -c 'A-Za-z0-9_\n-' -)-s-RUN
POST /live-activity/start
DELETE /live-activity/stream/$(hostname | tr -c 'A-Za-z0-9_\n-' -)-s-RUN
POST /live-activity/end" ]
}

@test "the default stream key names the run: its start time and pid, unique per run" {
	dry 'go\n' 'activity s
match /^go/ start s'
	k1=$(requests | head -1)
	dry 'go\n' 'activity s
match /^go/ start s'
	k2=$(requests | head -1)
	[[ "$k1" =~ ^"PUT /live-activity/stream/"[A-Za-z0-9_-]+-s-[0-9]{8}-[0-9]{6}-[0-9]+$ ]]
	[ "$k1" != "$k2" ]
	[ "$(printf '%s\n' "$k1" | run_keys)" = "$(printf '%s\n' "$k2" | run_keys)" ]
}

@test "a long host and name are cut so that the key keeps its run and 255 bytes" {
	long=$(printf 'n%.0s' $(seq 300))
	dry 'go\n' "activity $long
match /^go/ start $long"
	key=$(requests | head -1 | sed 's|^PUT /live-activity/stream/||')
	[ "${#key}" -le 255 ]
	[[ "$key" =~ -nnnn+-[0-9]{8}-[0-9]{6}-[0-9]+$ ]]
	valid_trace
}

@test "a stream key is made of the characters the API allows" {
	dry 'go\n' 'activity s stream="my build/${env:BRANCH}"
match /^go/ start s' 
	[ "$(requests | head -1)" = "PUT /live-activity/stream/my-build-" ]
}

@test "progress activities send percentage, or value and upper_limit" {
	dry '40\n3 of 8\n' 'activity p type=progress title=Copy
activity q type=progress title=Files
match /^(\d+)$/ progress p percent=$1
match /^(\d+) of (\d+)$/ progress q value=$1 max=$2'
	[ "$(body 1)" = '{"content_state":{"title":"Copy","type":"progress","percentage":40}}' ]
	[ "$(body 2)" = '{"content_state":{"title":"Files","type":"progress","value":3,"upper_limit":8}}' ]
	valid_trace
}

@test "value and max may be clock times, sent as seconds (ffmpeg's time= against its Duration:)" {
	dry '  Duration: 01:00:30.50, start\ntime=00:01:23.45\ntime=2:05.5\ntime=00:61:00\n' 'activity e type=progress title=Encode
match /Duration: (\S+),/ set d=$1
match /time=(\S+)/ progress e value=$1 max=${var:d}' 2> "$BATS_TEST_TMPDIR/err"
	[ "$(body 1)" = '{"content_state":{"title":"Encode","type":"progress","value":83.45,"upper_limit":3630.5}}' ]
	[ "$(field 2 'b["content_state"]["value"]')" = 125.5 ]
	[ "$(requests | wc -l)" -eq 3 ]
	grep -q ":3:20: value '00:61:00' is not usable; ignored (warned once)$" "$BATS_TEST_TMPDIR/err"
	valid_trace
}

@test "timer, alert and metrics activities send what their type needs" {
	dry 'go\nload 0.5 mem 71\n' 'activity t type=timer title=Deploy
activity t2 type=timer title=Window duration=10m
activity a type=alert title=Disk message="disk almost full"
activity m type=metrics title=Server
match /^go/ start t; start t2; start a
match /^load (\S+) mem (\d+)/ update m metric.load=$1 metric.mem=$2'
	[ "$(body 1)" = '{"content_state":{"title":"Deploy","type":"timer","counts_down":false}}' ]
	[ "$(body 2)" = '{"content_state":{"title":"Window","type":"timer","duration_seconds":600}}' ]
	[ "$(body 3)" = '{"content_state":{"title":"Disk","type":"alert","message":"disk almost full"}}' ]
	[ "$(body 4)" = '{"content_state":{"title":"Server","type":"metrics","metrics":[{"label":"load","value":0.5},{"label":"mem","value":71}]}}' ]
	valid_trace
}

@test "push, metric and badge requests carry exactly what the rule says" {
	dry 'deployed v2 in 42s\n' 'match /^deployed (\S+) in (\d+)s/
    push title="Deployed $1" message="took $2s" subtitle=prod url="https://ci.example.com/$1" channels=ops,dev
    metric deploy.seconds value=$2
    badge count=1'
	[ "$(requests)" = "POST /push-notification
POST /metrics/deploy.seconds/value
POST /badge" ]
	[ "$(body 1)" = '{"title":"Deployed v2","message":"took 42s","subtitle":"prod","redirection":"https://ci.example.com/v2","target":{"channels":["ops","dev"]}}' ]
	[ "$(body 2)" = '{"value":42}' ]
	[ "$(body 3)" = '{"badge":1}' ]
	valid_trace
}

@test "channels on an activity go to its classic start only, and on every stream PUT" {
	dry 'Step 1/2\nStep 2/2\n' 'activity b channels=ops
match /^Step (\d+)\/(\d+)/ step b current=$1 total=$2' --api classic
	[ "$(field 1 'b["target"]')" = "{'channels': ['ops']}" ]
	[ "$(field 2 '"target" in b')" = False ]
	valid_trace
	dry 'Step 1/2\nStep 2/2\n' 'activity b channels=ops
match /^Step (\d+)\/(\d+)/ step b current=$1 total=$2'
	[ "$(field 2 'b["target"]')" = "{'channels': ['ops']}" ]
	[ "$(field 3 '"target" in b')" = False ]
	valid_trace
}

@test "the shipped build rules drive a valid request sequence on a real build log" {
	as_tail -n -q --trace "$BATS_TEST_TMPDIR/trace" -r build < "$FIXTURES/build/cmake-make-failure.log"
	valid_trace
	[[ "$(requests | head -1)" == "PUT /live-activity/stream/"*-build-* ]]
	[[ "$(requests | tail -1)" == "DELETE /live-activity/stream/"*-build-* ]]
}

@test "a failure after a run has ended does not carry into the next run" {
	dry 'Step 1/7\nDONE\nFAILED late\nStep 1/3\n' "$STEPS"
	[ "$(requests | wc -l)" -eq 4 ]
	[ "$(field 4 'b["content_state"]["color"]')" = green ]
}

@test "a failure before the first run counts for it; an explicit start begins clean" {
	dry 'FAILED early\nStep 1/7\n' "$STEPS"
	[ "$(field 2 'b["content_state"]["color"]')" = red ]
	dry 'FAILED early\ngo\n' 'activity b
match /^FAILED/ fail b
match /^go/ start b'
	[ "$(field 2 'b["content_state"]["color"]')" = green ]
}

@test "current=+1 counts steps per run: a new run starts again at 1" {
	dry 'CC a\nCC b\nCC c\nDONE\nCC d\nCC e\n' 'activity b
match /^CC / step b current=+1
match /^DONE/ end b' --api classic
	[ "$(requests)" = "POST /live-activity/start
POST /live-activity/update
POST /live-activity/update
POST /live-activity/end
POST /live-activity/start
POST /live-activity/update
POST /live-activity/end" ]
	[ "$(field 4 'b["content_state"]["current_step"]')" = 3 ]
	[ "$(field 5 'b["content_state"]["current_step"]')" = 1 ]
	[ "$(field 7 'b["content_state"]["current_step"]')" = 2 ]
	valid_trace
}

@test "current=+N is checked when the rules load" {
	run as_tail --check -r "$(rules 'activity b
match /x/ step b current=+x')"
	[ "$status" -eq 2 ]
	[[ "${lines[0]}" == *"2:26: current must be a whole number" ]]
}
