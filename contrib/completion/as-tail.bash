# bash completion for as-tail(1): options, the values some of them take,
# pack names from the rules directories, files, and after -- a command.
#
# Installed by "make install" in share/bash-completion/completions/as-tail.
# The options come from "as-tail --help" and the packs from
# "as-tail --list-rules", so the completion keeps up with the binary.

_as_tail_options()
{
	"$1" --help 2>/dev/null | awk '/^  -/ {
		sub(/^  /, ""); sub(/  .*/, "")
		n = split($0, w, /[ ,]+/)
		for (i = 1; i <= n; i++)
			if (w[i] ~ /^-/) {
				sub(/\[.*/, "", w[i])
				print w[i]
			}
	}'
}

_as_tail_packs()
{
	"$1" --list-rules 2>/dev/null | awk '{ print $1 }'
}

_as_tail()
{
	local prog=${COMP_WORDS[0]} cur=${COMP_WORDS[COMP_CWORD]}
	local prev=${COMP_WORDS[COMP_CWORD-1]} i

	COMPREPLY=()
	for ((i = 1; i < COMP_CWORD; i++)); do
		[[ ${COMP_WORDS[i]} == -- ]] || continue
		if ((i + 1 == COMP_CWORD)); then
			COMPREPLY=($(compgen -c -- "$cur"))
		elif declare -F _command_offset >/dev/null; then
			_command_offset $((i + 1))
		fi
		return 0
	done
	case $prev in
	-r|--rules)
		COMPREPLY=($(compgen -W "$(_as_tail_packs "$prog")" -- "$cur")
		    $(compgen -f -- "$cur"))
		return 0 ;;
	--api)
		COMPREPLY=($(compgen -W "classic stream" -- "$cur"))
		return 0 ;;
	--budget)
		COMPREPLY=($(compgen -W "local host redis://" -- "$cur"))
		return 0 ;;
	--api-key-file|--cacert|--config|--state|--trace)
		COMPREPLY=($(compgen -f -- "$cur"))
		return 0 ;;
	--pid)
		COMPREPLY=($(compgen -W "$(ps -e -o pid= 2>/dev/null)" -- "$cur"))
		return 0 ;;
	-e|--send|--api-url|--drain-timeout|--max-line|--rate|--retry-max-time|--timeout)
		return 0 ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_as_tail_options "$prog")" -- "$cur"))
		return 0
	fi
	COMPREPLY=($(compgen -f -- "$cur"))
}

complete -F _as_tail -o filenames as-tail
