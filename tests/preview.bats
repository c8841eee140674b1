#!/usr/bin/env bats
# preview.bats: --preview (issue 16): the Live Activities as the phone shows
# them, drawn on a real terminal (tmux) below a scroll region while the
# output scrolls above, the terminal given back after an end and after
# signals, plain lines without a terminal, and stdout unchanged.

load helpers/common
load helpers/fake-server
load helpers/tmux

RULES_TEXT='activity b title=Build steps=7 color=blue step_color=green
match /^Step (\d+)\/7/ step b current=$1
match /^ALERT (.*)/ push title=Alert message=$1'

setup() {
	dir=$BATS_TEST_TMPDIR
	rules "$RULES_TEXT" > /dev/null
	# The job: prints each file named, but waits for each go* to exist
	# (at most 60 s each).
	cat > "$dir/job.sh" <<-'EOF'
	for f; do
		case $f in
		go*)
			i=0
			while [ ! -e "$f" ] && [ $i -lt 600 ]; do
				sleep 0.1
				i=$((i + 1))
			done ;;
		*)	cat "$f" ;;
		esac
	done
	EOF
	for i in $(seq 1 20); do echo "output line $i"; done > "$dir/part1"
	echo "Step 3/7" >> "$dir/part1"
	printf 'more output\nStep 5/7\nlast line\n' > "$dir/part2"
}

teardown() {
	tmux_stop
	fake_server_stop
}

# run_in_tmux COLUMNS ROWS ARGS: as-tail ARGS in a terminal, in $dir, then
# "exit=STATUS" once it ends.
run_in_tmux() {
	local cols=$1 rows=$2
	shift 2
	tmux_start "$cols" "$rows" "cd '$dir' && LC_ALL=C $AS_TAIL $*; echo exit=\$?; read x"
}

@test "the line of each item, the state the phone was left with, and escape cuts (unit-preview)" {
	make -s -C "$TOP" tests/unit/unit-preview
	run "$TOP/tests/unit/unit-preview"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" != *"not ok"* ]]
}

@test "without a terminal, --preview prints a plain line per change on stderr, and no dry-run trace" {
	printf 'Step 2/7\nALERT disk full\n' > "$dir/in"
	run sh -c "$AS_TAIL -n --preview -q -r '$dir/t.rules' '$dir/in' 2>&1"
	[ "$status" -eq 0 ]
	[ "$output" = "as-tail: preview: b: Build [##-----] 2/7 (blue)
as-tail: preview: push: Alert - disk full
as-tail: preview: b: Build [##-----] 2/7 (green) - ended" ]
}

@test "stdout is byte for byte the same with and without --preview, on a terminal or not" {
	printf 'plain\n\033[31mred\033[0m Step 1/7\r\nbar 10%%\rbar 90%%\r\n\xc3\xa9t\xc3\xa9 \xff\nStep 4/7\nno newline at the end' > "$dir/in"
	as_tail -n -r "$dir/t.rules" "$dir/in" > "$dir/plain.out" 2> /dev/null
	as_tail -n --preview -r "$dir/t.rules" "$dir/in" > "$dir/preview.out" 2> "$dir/err"
	cmp "$dir/in" "$dir/plain.out"
	cmp "$dir/in" "$dir/preview.out"
	run_in_tmux 60 12 "-n --preview -r t.rules in > tty.out"
	wait_pane "exit=0"
	cmp "$dir/in" "$dir/tty.out"
	pane | grep -qF "b: Build [####---] 4/7 - ended"
}

@test "on a terminal the bar stays below a scroll region while the output scrolls above; the end gives the terminal back" {
	run_in_tmux 60 14 "-n --preview -r t.rules -- sh job.sh part1 go part2"
	wait_pane "b: Build [###----] 3/7"
	# One row for one activity, out of the region; the output above it.
	[ "$(pane_format '#{scroll_region_upper} #{scroll_region_lower}')" = "0 12" ]
	[ "$(pane | tail -n 1)" = "b: Build [###----] 3/7" ]
	[ "$(pane | sed -n 12p)" = "Step 3/7" ]
	[ "$(pane | sed -n 11p)" = "output line 20" ]
	# The colours are those of the activity: blue, and green steps.
	pane -e | tail -n 1 | grep -qF $'\033[38;5;33mBuild'
	pane -e | tail -n 1 | grep -qF $'\033[38;5;34m#'
	touch "$dir/go"
	wait_pane "exit=0"
	# The final state under the output, the terminal whole again.
	[ "$(pane | grep -v '^$' | tail -n 5)" = "more output
Step 5/7
last line
b: Build [#####--] 5/7 - ended
exit=0" ]
	[ "$(pane_format '#{scroll_region_upper} #{scroll_region_lower} #{cursor_flag}')" = "0 13 1" ]
	# No line of output was lost under the bar.
	pane -S -100 | grep -F "output line" > "$dir/lines"
	[ "$(wc -l < "$dir/lines")" -eq 20 ]
}

@test "after SIGINT the final state is shown and the terminal given back" {
	printf 'Step 2/7\n' > "$dir/app.log"
	run_in_tmux 60 12 "-n --preview -r t.rules -F --from-start app.log"
	wait_pane "b: Build [##-----] 2/7"
	echo "ALERT disk full" >> "$dir/app.log"
	wait_pane "push: Alert - disk full"
	[ "$(pane_format '#{scroll_region_lower}')" = 9 ]
	tmux -S "$TMUX_SOCK" send-keys C-c
	wait_pane "exit=130"
	pane | grep -qF "b: Build - interrupted at step 2/7 [##-----] 2/7 - ended"
	pane | grep -qF "push: Alert - disk full"
	[ "$(pane_format '#{scroll_region_upper} #{scroll_region_lower} #{cursor_flag}')" = "0 11 1" ]
}

@test "a resized terminal gets its scroll region and bar again" {
	printf 'Step 2/7\n' > "$dir/app.log"
	run_in_tmux 60 12 "-n --preview -r t.rules -F --from-start app.log"
	wait_pane "b: Build [##-----] 2/7"
	[ "$(pane_format '#{scroll_region_lower}')" = 10 ]
	tmux -S "$TMUX_SOCK" resize-window -x 50 -y 8
	wait_format '#{scroll_region_lower}' 6
	echo "Step 6/7" >> "$dir/app.log"
	wait_pane "b: Build [######-] 6/7"
	[ "$(pane | tail -n 1)" = "b: Build [######-] 6/7" ]
	tmux -S "$TMUX_SOCK" send-keys C-c
	wait_pane "exit=130"
	[ "$(pane_format '#{scroll_region_upper} #{scroll_region_lower}')" = "0 7" ]
}

@test "in a real run the bar shows what was delivered and marks what is still queued" {
	fake_server_start
	fake_fault '[{"path":"^/live-activity/update$","delay":4}]'
	printf 'Step 1/7\n' > "$dir/p1"
	printf 'Step 4/7\n' > "$dir/p2"
	run_in_tmux 70 12 "--api classic --api-url $FAKE_URL --preview -r t.rules -- sh job.sh p1 go p2 go2"
	wait_pane "b: Build [#------] 1/7"
	touch "$dir/go"
	# Step 4 waits for the slow server: the phone still shows step 1.
	wait_pane "b: Build [#------] 1/7 - 1 queued"
	wait_pane "b: Build [####---] 4/7"
	touch "$dir/go2"
	wait_pane "exit=0"
	pane | grep -qF "b: Build [####---] 4/7 - ended"
	! pane | grep -qF "queued"
	[ "$(pane_format '#{scroll_region_upper} #{scroll_region_lower} #{cursor_flag}')" = "0 11 1" ]
}

@test "a second signal, while the end waits for the server, still gives the terminal back" {
	fake_server_start
	fake_fault '[{"path":"^/live-activity/end$","delay":20}]'
	printf 'Step 2/7\n' > "$dir/app.log"
	run_in_tmux 60 12 "--api classic --api-url $FAKE_URL --drain-timeout 60 --preview -r t.rules -F --from-start app.log"
	wait_pane "b: Build [##-----] 2/7"
	tmux -S "$TMUX_SOCK" send-keys C-c
	# The end is on its way (the server holds it): the bar says so.
	wait_pane "2/7 - 1 queued"
	tmux -S "$TMUX_SOCK" send-keys C-c
	wait_pane "exit=130"
	[ "$(pane_format '#{scroll_region_upper} #{scroll_region_lower} #{cursor_flag}')" = "0 11 1" ]
}

@test "Control-Z gives the terminal back, and fg brings the bar back" {
	printf 'Step 2/7\n' > "$dir/app.log"
	tmux_shell 60 12
	wait_pane '$'
	tmux_type "cd '$dir' && LC_ALL=C $AS_TAIL -n --preview -r t.rules -F --from-start app.log"
	wait_pane "b: Build [##-----] 2/7"
	[ "$(pane_format '#{scroll_region_lower}')" = 10 ]
	tmux -S "$TMUX_SOCK" send-keys C-z
	wait_pane "Stopped"
	[ "$(pane_format '#{scroll_region_upper} #{scroll_region_lower} #{cursor_flag}')" = "0 11 1" ]
	! pane | grep -qF "b: Build [##-----] 2/7"
	tmux_type fg
	wait_format '#{scroll_region_lower}' 10
	wait_pane "b: Build [##-----] 2/7"
	tmux -S "$TMUX_SOCK" send-keys C-c
	wait_pane "b: Build - interrupted at step 2/7 [##-----] 2/7 - ended"
	[ "$(pane_format '#{scroll_region_upper} #{scroll_region_lower} #{cursor_flag}')" = "0 11 1" ]
}
