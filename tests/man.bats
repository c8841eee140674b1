#!/usr/bin/env bats
# man.bats: the man pages lint clean and keep up with the code: the SYNOPSIS
# is usage(), every option in src/main.c is described in as-tail.1, every
# keyword the rules parser knows and every template name is described in
# as-tail.rules.5, and the rules in its EXAMPLES pass --check.
#
# MAN1 and MAN5 may name other pages, to check that each test can fail.

load helpers/common

MAN1=${MAN1:-$TOP/man/as-tail.1}
MAN5=${MAN5:-$TOP/man/as-tail.rules.5}

# render PAGE: the page as plain text, wide enough that no line is broken
# inside a word, without the backspaces of bold and underline.
render() {
	if command -v mandoc >/dev/null; then
		mandoc -Tascii -O width=1000 "$1"
	else
		LC_ALL=C groff -mandoc -Tascii -P-cbou -rLL=1000n "$1"
	fi | sed 's/.\x08//g'
}

# section NAME: the body of section NAME of a rendered page on stdin.
section() {
	awk -v name="$1" '/^[^ \t]/ { on = ($0 == name); next } on'
}

# groups: the words of a usage text on stdin, one a line, with each
# [bracketed group] kept whole as one; white space is squeezed to one blank.
groups() {
	tr -s ' \t\n' '   ' | awk '{
		n = length($0)
		for (i = 1; i <= n; i++) {
			c = substr($0, i, 1)
			if (c == "[")
				depth++
			else if (c == "]")
				depth--
			if (c == " " && depth == 0) {
				if (word != "")
					print word
				word = ""
			} else
				word = word c
		}
		if (word != "")
			print word
	}'
}

# words ARRAY: the strings in the array ARRAY of src/rules.c, one a line.
# The words of a NULL-terminated name table in the rules parser or in the
# API model it shares with the requests.
words() {
	sed -n -E "/^(static )?const char \*(const )?$1\[\] = \{/,/\};/p" \
	    "$TOP/src/rules.c" "$TOP/src/model.c" | grep -o '"[^"]*"' | tr -d '"'
}

@test "mandoc -Tlint has no warnings about the man pages" {
	command -v mandoc >/dev/null || skip "mandoc is not installed"
	run mandoc -Tlint -W warning "$MAN1" "$MAN5"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "groff -ww has no warnings about the man pages" {
	command -v groff >/dev/null || skip "groff is not installed"
	run groff -mandoc -ww -z "$MAN1" "$MAN5"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

# help_forms: the first form of each option line of the --help text on stdin
# ("-r rules" of "  -r rules, --rules rules    load ..."), sorted.
help_forms() {
	sed -n 's/^  \(-[^ ,]*\( [^ ,][^ ,]*\)\{0,1\}\)\(,\|  \).*/\1/p' | sort
}

# synopsis_forms: the options of the SYNOPSIS groups on stdin, brackets
# taken off, a cluster of flags ([-FhnqVv]) one flag a line, sorted; the name
# and the operands are left out.
synopsis_forms() {
	sed '1d; /^\[file /d; s/^\[//; s/\]$//' | awk '
		/^-[A-Za-z]+$/ && length($0) > 2 {
			for (i = 2; i <= length($0); i++)
				print "-" substr($0, i, 1)
			next
		}
		{ print }' | sort
}

@test "the SYNOPSIS of as-tail.1 lists the options and operands of as-tail --help" {
	command -v mandoc >/dev/null || command -v groff >/dev/null ||
	    skip "neither mandoc nor groff is installed"
	run as_tail --help
	[ "$status" -eq 0 ]
	help=$output
	synopsis=$(render "$MAN1" | section SYNOPSIS | groups)
	# The forms were found: a fair number of options on both sides.
	[ "$(printf '%s\n' "$help" | help_forms | wc -l)" -ge 20 ]
	[ "$(printf '%s\n' "$synopsis" | head -n 1)" = as-tail ]
	run diff -u --label "as-tail --help" --label "SYNOPSIS of as-tail.1" \
	    <(printf '%s\n' "$help" | help_forms) \
	    <(printf '%s\n' "$synopsis" | synopsis_forms)
	echo "$output"
	[ "$status" -eq 0 ]
	# The operands: the last group of the SYNOPSIS ends the usage line.
	operands=$(printf '%s\n' "$synopsis" | tail -n 1)
	[ "$(printf '%s\n' "$help" | head -n 1)" = \
	    "usage: as-tail [options] $operands" ]
}

@test "--help gives one line per option under input, rules, delivery and diagnostics, then the man pages" {
	run as_tail --help
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | grep -v '^ ' | grep ':$' | tr '\n' ' ')" = \
	    "input: rules: delivery: diagnostics: " ]
	# Every option line fits a terminal; none is wrapped.
	[ -z "$(printf '%s\n' "$output" | awk 'length > 79')" ]
	[ -z "$(printf '%s\n' "$output" | grep '^    ')" ]
	printf '%s\n' "$output" | tail -n 1 | grep -q 'as-tail(1) and as-tail.rules(5), in /'
	# Every long option of the option table has its line.
	for o in $(sed -n '/longopts\[\] = {/,/^};/p' "$TOP/src/main.c" |
	    sed -n 's/^[[:space:]]*{[[:space:]]*"\([^"]*\)".*/\1/p'); do
		printf '%s\n' "$output" | grep -Eq "^  (-[^-][^,]*, )?--$o([ =[]|\$)" ||
		    { echo "--$o has no line in --help"; return 1; }
	done
}

@test "every option in src/main.c is described in as-tail.1" {
	long=$(sed -n '/longopts\[\] = {/,/^};/p' "$TOP/src/main.c" |
	    sed -n 's/^[[:space:]]*{[[:space:]]*"\([^"]*\)".*/\1/p')
	short=$(sed -n 's/.*getopt_long([^"]*"\([^"]*\)".*/\1/p' \
	    "$TOP/src/main.c" | tr -d ':+-' | fold -w 1)
	[ "$(printf '%s\n' "$long" | wc -l)" -ge 10 ]
	[ "$(printf '%s\n' "$short" | wc -l)" -ge 5 ]
	missing=
	for o in $long; do
		grep -Eq "^\.It .*Fl \\\\-$o( |$)" "$MAN1" || missing="$missing --$o"
	done
	for o in $short; do
		grep -Eq "^\.It (.* )?Fl $o( |$)" "$MAN1" || missing="$missing -$o"
	done
	echo "not in the options list of as-tail.1:$missing"
	[ -z "$missing" ]
}

@test "every keyword, option and field of the rules parser is in as-tail.rules.5" {
	missing=
	empty=
	n=0
	for a in statement_words action_words option_words field_words \
	    activity_words model_type_names model_colors; do
		[ -n "$(words "$a")" ] || empty="$empty $a"
		for w in $(words "$a"); do
			n=$((n + 1))
			case $a in
			model_type_names|model_colors)
				re="Cm $w( |$)" ;;
			*)
				re="^\.It .*(Ic|Cm) $w( |=|$)" ;;
			esac
			grep -Eq "$re" "$MAN5" || missing="$missing $a:$w"
		done
	done
	echo "arrays not found in src/rules.c or src/model.c:$empty"
	echo "not described in as-tail.rules.5:$missing"
	[ -z "$empty" ]
	[ "$n" -ge 60 ]
	[ -z "$missing" ]
}

@test "every template name is in the Templates list of as-tail.rules.5" {
	names=$(sed -n '/builtins\[\] = {/,/^};/p' "$TOP/src/template.c" |
	    sed -n 's/^[[:space:]]*{[[:space:]]*"\([^"]*\)".*/\1/p')
	[ "$(printf '%s\n' "$names" | wc -l)" -ge 8 ]
	missing=
	for w in $names env:; do
		grep -Fq ".It Li \${$w" "$MAN5" || missing="$missing \${$w}"
	done
	echo "not in the Templates list of as-tail.rules.5:$missing"
	[ -z "$missing" ]
}

@test "the rules in the EXAMPLES of as-tail.rules.5 pass --check" {
	# Each literal block of EXAMPLES is written to a file, \e in the page
	# becoming a backslash; a block whose first line that is neither blank
	# nor a comment begins with a statement is a rules file.
	awk -v dir="$BATS_TEST_TMPDIR" '
		/^\.Sh / { on = ($0 == ".Sh EXAMPLES") }
		on && /^\.Bd -literal/ { f = dir "/block-" ++n; next }
		/^\.Ed/ { if (f != "") close(f); f = ""; next }
		f != "" { gsub(/\\e/, "\\"); print > f }' "$MAN5"
	n=0
	for f in "$BATS_TEST_TMPDIR"/block-*; do
		[ -e "$f" ] || continue
		read -r word _ <<-EOF
		$(grep -v -E '^[[:space:]]*(#|$)' "$f" | head -n 1)
		EOF
		case $word in
		activity|match|include|example|exit) ;;
		*) continue ;;
		esac
		n=$((n + 1))
		run as_tail --check -r "$f"
		echo "$f: $output"
		[ "$status" -eq 0 ]
		[ -z "$output" ]
	done
	[ "$n" -ge 3 ]
}

@test "CAVEATS says what the program does: -F -, operands before --, the key and a wrapped command (issue 10.5)" {
	caveats=$(render "$MAN1" | section CAVEATS | tr -s ' \n' '  ')
	# What as-tail does: each of these is a usage error, the key is removed.
	run as_tail -n -r "$(rules 'match /x/ push title=x')" -F -
	[ "$status" -eq 2 ]
	run as_tail -n -r "$(rules 'match /x/ push title=x')" app.log -- true
	[ "$status" -eq 2 ]
	run env ACTIVITYSMITH_API_KEY=k "$AS_TAIL" -n -r "$(rules 'match /x/ push title=x')" -- sh -c 'echo "${ACTIVITYSMITH_API_KEY-unset}"'
	[ "$output" = unset ]
	# ... so the page must not say otherwise.
	[[ "$caveats" != *"is a file of that name, not the standard input"* ]]
	[[ "$caveats" != *"taken as the start of the command line"* ]]
	[[ "$caveats" != *"ACTIVITYSMITH_API_KEY included"* ]]
	[[ "$caveats" == *"without ACTIVITYSMITH_API_KEY"* ]]
	# The -F entry renders its parenthesis whole.
	render "$MAN1" | grep -qF "(a file named \`-' is ./-)"
}
