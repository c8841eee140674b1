# tmux.bash: a real terminal for the tests that need one (--preview): a
# private tmux server per test on a socket in $BATS_TEST_TMPDIR, so that
# nothing else's tmux is touched.  Load it with `load helpers/tmux` and call
# tmux_stop from teardown; it kills that server, and with it what runs in
# its pane.  Nothing waits with a fixed sleep: every wait polls against a
# deadline.

# tmux_start COLUMNS ROWS COMMAND: a detached session of that size running
# COMMAND (given to bash -c) in its one pane.
tmux_start() {
	TMUX_SOCK=$BATS_TEST_TMPDIR/tmux.sock
	# 3>&- : bats waits for every process holding its fd 3 (the server).
	tmux -S "$TMUX_SOCK" -f /dev/null new-session -d -x "$1" -y "$2" \
	    bash --norc --noprofile -c "$3" 3>&-
}

# tmux_shell COLUMNS ROWS: a detached session of that size running an
# interactive bash (with job control, prompt "$ "); type into it with
# tmux_type.
tmux_shell() {
	tmux_start "$1" "$2" "PS1='\$ ' exec bash --norc --noprofile -i"
}

# tmux_type TEXT: type TEXT and Enter into the pane.
tmux_type() {
	tmux -S "$TMUX_SOCK" send-keys "$1" Enter
}

# tmux_stop: kill this test's tmux server; a no-op when none runs.
tmux_stop() {
	[ -n "${TMUX_SOCK:-}" ] || return 0
	tmux -S "$TMUX_SOCK" kill-server 2>/dev/null
	TMUX_SOCK=
}

# pane [ARGS...]: the pane's text (capture-pane ARGS, e.g. -e for colours).
pane() {
	tmux -S "$TMUX_SOCK" capture-pane -p "$@"
}

# pane_format FORMAT: a tmux format of the pane, e.g. '#{cursor_flag}'.
pane_format() {
	tmux -S "$TMUX_SOCK" display-message -p "$1"
}

# wait_pane TEXT: wait, at most 30 s, until the pane shows TEXT (a fixed
# string); return 1 with the pane on stderr if it never does.
wait_pane() {
	local i
	for i in $(seq 300); do
		pane | grep -qF -- "$1" && return 0
		sleep 0.1
	done
	echo "the pane never showed '$1':" >&2
	pane >&2
	return 1
}

# wait_format FORMAT VALUE: wait, at most 30 s, until pane_format FORMAT
# is VALUE; return 1 if it never is.
wait_format() {
	local i
	for i in $(seq 300); do
		[ "$(pane_format "$1")" = "$2" ] && return 0
		sleep 0.1
	done
	echo "$1 stayed '$(pane_format "$1")', not '$2'" >&2
	return 1
}
