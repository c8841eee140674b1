#!/usr/bin/env bats
# completion.bats: the bash and zsh completions (contrib/completion) load,
# complete options, packs and files, keep up with --help, and are installed
# by make install (issue 13).

load helpers/common

BASH_COMP=$TOP/contrib/completion/as-tail.bash
ZSH_COMP=$TOP/contrib/completion/_as-tail

# complete_bash WORD...: the completions bash offers for the last WORD of
# "as-tail WORD...", one a line, sorted.
complete_bash() {
	bash --norc --noprofile -c '
		source "$1"; shift
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		_as_tail
		printf "%s\n" "${COMPREPLY[@]}" | sort' _ "$BASH_COMP" "$AS_TAIL" "$@"
}

# help_options: every option word of as-tail --help, sorted.
help_options() {
	as_tail --help | awk '/^  -/ { sub(/^  /, ""); sub(/  .*/, ""); print }' |
	    tr ', ' '\n\n' | grep '^-' | sed 's/\[.*//' | sort -u
}

@test "the bash completion loads and registers for as-tail" {
	run bash --norc --noprofile -c 'source "$1" && complete -p as-tail' _ "$BASH_COMP"
	[ "$status" -eq 0 ]
	[ "$output" = "complete -o filenames -F _as_tail as-tail" ]
}

@test "bash completes every option of --help, and only those" {
	[ "$(help_options | wc -l)" -ge 30 ]
	[ "$(complete_bash -)" = "$(help_options)" ]
	[ "$(complete_bash --ap)" = "--api
--api-key-file
--api-url" ]
}

@test "bash completes pack names after -r, API kinds after --api, files after --config" {
	cd "$BATS_TEST_TMPDIR"
	run complete_bash -r ca
	[ "$output" = "cargo" ]
	[ "$(complete_bash -r "")" = "$(as_tail --list-rules | awk '{ print $1 }' | sort)" ]
	[ "$(complete_bash --api s)" = stream ]
	touch my.conf
	[ "$(complete_bash --config my)" = my.conf ]
	touch app.log
	[ "$(complete_bash app)" = app.log ]
}

@test "bash completes a command after --" {
	[[ "$(complete_bash -- mak)" == *make* ]]
}

@test "the zsh completion loads and is found for as-tail by compinit" {
	command -v zsh >/dev/null || skip "zsh is not installed"
	run zsh -n "$ZSH_COMP"
	[ "$status" -eq 0 ]
	run zsh -f -c 'fpath=("$1" $fpath)
		autoload -Uz compinit && compinit -u -d "$2/zcompdump"
		print -r -- $_comps[as-tail]
		autoload +X _as-tail && print loaded' _ "$(dirname "$ZSH_COMP")" "$BATS_TEST_TMPDIR"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "_as-tail
loaded" ]
}

@test "the zsh completion describes every option of --help" {
	missing=
	for o in $(help_options); do
		grep -Eq -- "(^|[{,'*])$o([=+,}[]|-\[)" "$ZSH_COMP" || missing="$missing $o"
	done
	echo "missing from _as-tail:$missing"
	[ -z "$missing" ]
}

@test "make install puts both completions where bash-completion and zsh look" {
	make -s -C "$TOP" install PREFIX=/usr DESTDIR="$BATS_TEST_TMPDIR/root" > /dev/null
	cmp "$BASH_COMP" "$BATS_TEST_TMPDIR/root/usr/share/bash-completion/completions/as-tail"
	cmp "$ZSH_COMP" "$BATS_TEST_TMPDIR/root/usr/share/zsh/site-functions/_as-tail"
}
