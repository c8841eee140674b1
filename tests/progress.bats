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
	dry 'Step 1/100000\nStep 50000/100000\n' "$STEPS"
	[ "$(body 1)" = '{"content_state":{"title":"Build","type":"progress","percentage":0.001}}' ]
	[ "$(body 2)" = '{"activity_id":"dry-run-1","content_state":{"title":"Build","percentage":50}}' ]
	[ "$(body 3)" = '{"activity_id":"dry-run-1","content_state":{"title":"Build","percentage":50,"color":"green"}}' ]
	! grep -q number_of_steps "$BATS_TEST_TMPDIR/trace"
	valid_trace
}

@test "a counted bar that grows past 20 segments turns into a percentage, and says so once" {
	dry "$(printf 'tick\\n%.0s' $(seq 21))" "$STEPS"
	# 21 requests: the start, 19 updates with segments, 1 that changes type.
	[ "$(field 20 'b["content_state"]["number_of_steps"]')" = 20 ]
	[ "$(body 21)" = '{"activity_id":"dry-run-1","content_state":{"title":"Build","percentage":100,"type":"progress"}}' ]
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
	dry '[1/3] cc a.c\n[2/3] cc b.c\n' "$FLASH"
	[ "$(requests)" = "POST /live-activity/start
POST /live-activity/update
POST /live-activity/end" ]
	[ "$(body 1)" = '{"content_state":{"title":"Build","type":"segmented_progress","number_of_steps":3,"current_step":1,"message":"[1/3] cc a.c"}}' ]
	valid_trace
}

@test "the build pack's first request on a ninja build is step 1, not 0 of 100" {
	printf '[1/14] Building C object a.o\n[2/14] Building C object b.o\n' |
	    as_tail -n -q --trace "$BATS_TEST_TMPDIR/trace" -r build
	[ "$(field 1 'b["content_state"]["current_step"]')" = 1 ]
	[ "$(field 1 'b["content_state"]["number_of_steps"]')" = 14 ]
	[ "$(requests | head -n 2)" = "POST /live-activity/start
POST /live-activity/update" ]
}

@test "two changes of one activity on one line send one update; other lines one each" {
	dry 'a 1\na 2\n' 'activity b title=Build steps=5
match /^a (\d)/ step b current=$1
match /^a 2/ update b message="two"'
	[ "$(requests)" = "POST /live-activity/start
POST /live-activity/update
POST /live-activity/end" ]
	[ "$(body 2)" = '{"activity_id":"dry-run-1","content_state":{"title":"Build","number_of_steps":5,"current_step":2,"message":"two"}}' ]
}

@test "an end on the line that started a run still sends the start first" {
	dry 'once\n' 'activity b title=Job steps=2
match /^once/ step b current=1; end b success'
	[ "$(requests)" = "POST /live-activity/start
POST /live-activity/end" ]
	[ "$(field 1 'b["content_state"]["current_step"]')" = 1 ]
}
