#!/usr/bin/env bats
# deps.bats: tools/deps.sh, which make demo, make check and .ci/run use to
# install missing Debian packages.  It runs with a PATH that holds only
# fakes of dpkg, id, apt-get and sudo, so nothing is installed for real:
# each fake writes what it was asked to $BATS_TEST_TMPDIR/calls.

load helpers/common

setup() {
	fake=$BATS_TEST_TMPDIR/bin
	mkdir -p "$fake"
	calls=$BATS_TEST_TMPDIR/calls
	: > "$calls"
	# dpkg -s PKG: installed when PKG is listed in $FAKE_INSTALLED.
	cat > "$fake/dpkg" <<-EOF
	#!/bin/sh
	case " \$FAKE_INSTALLED " in
	*" \$2 "*) echo "Package: \$2"; echo "Status: install ok installed" ;;
	*) echo "dpkg-query: package '\$2' is not installed" >&2; exit 1 ;;
	esac
	EOF
	cat > "$fake/id" <<-EOF
	#!/bin/sh
	echo "\$FAKE_UID"
	EOF
	cat > "$fake/apt-get" <<-EOF
	#!/bin/sh
	echo "apt-get \$*" >> "$calls"
	EOF
	chmod +x "$fake/dpkg" "$fake/id" "$fake/apt-get"
}

# fake_sudo: put a sudo on the fake PATH that records its use, then runs
# the command with the VAR=VALUE arguments it was given.
fake_sudo() {
	cat > "$fake/sudo" <<-EOF
	#!/bin/sh
	echo "sudo" >> "$calls"
	while case \$1 in *=*) true ;; *) false ;; esac; do export "\$1"; shift; done
	exec "\$@"
	EOF
	chmod +x "$fake/sudo"
}

# deps GROUP...: run tools/deps.sh with nothing but the fakes on PATH.
deps() {
	run env PATH="$fake" FAKE_INSTALLED="$installed" FAKE_UID="$uid" \
	    /bin/sh "$TOP/tools/deps.sh" "$@"
}

all_build="build-essential pkg-config libcurl4-openssl-dev libpcre2-dev libjson-c-dev libhiredis-dev"

@test "deps.sh runs nothing when every package is installed" {
	installed=$all_build uid=1000
	fake_sudo
	deps build
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ ! -s "$calls" ]
}

@test "deps.sh as root runs apt-get for the missing packages only" {
	installed="build-essential pkg-config libcurl4-openssl-dev" uid=0
	deps build
	[ "$status" -eq 0 ]
	[[ "$output" == "deps.sh: installing: libpcre2-dev libjson-c-dev libhiredis-dev" ]]
	run cat "$calls"
	[ "${lines[0]}" = "apt-get update -q" ]
	[ "${lines[1]}" = "apt-get install -y -q --no-install-recommends libpcre2-dev libjson-c-dev libhiredis-dev" ]
	[ "${#lines[@]}" -eq 2 ]
}

@test "deps.sh not as root goes through sudo" {
	installed=$all_build uid=1000
	fake_sudo
	deps build valgrind
	[ "$status" -eq 0 ]
	run cat "$calls"
	[ "${lines[0]}" = sudo ]
	[ "${lines[1]}" = "apt-get update -q" ]
	[ "${lines[2]}" = sudo ]
	[ "${lines[3]}" = "apt-get install -y -q --no-install-recommends valgrind" ]
}

@test "deps.sh not root and without sudo prints the exact command and fails" {
	installed="pkg-config" uid=1000
	deps build
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "deps.sh: missing packages: build-essential libcurl4-openssl-dev libpcre2-dev libjson-c-dev libhiredis-dev" ]
	[ "${lines[1]}" = "deps.sh: not root and no sudo; as root, run:" ]
	[ "${lines[2]}" = "    apt-get update && apt-get install -y -q --no-install-recommends build-essential libcurl4-openssl-dev libpcre2-dev libjson-c-dev libhiredis-dev" ]
	[ ! -s "$calls" ]
}

@test "deps.sh says what failed when apt-get fails" {
	installed= uid=0
	printf '#!/bin/sh\necho "apt-get $*" >> "%s"\nexit 100\n' "$calls" > "$fake/apt-get"
	deps valgrind
	[ "$status" -eq 1 ]
	[[ "$output" == *"deps.sh: apt-get failed; run by hand:"* ]]
	[[ "$output" == *"    apt-get update && apt-get install -y -q --no-install-recommends valgrind"* ]]
}

@test "deps.sh rejects an unknown group before checking anything" {
	installed= uid=0
	deps build nonsense
	[ "$status" -eq 2 ]
	[ "$output" = "deps.sh: nonsense: unknown group" ]
	[ ! -s "$calls" ]
}

@test "make check and make demo install the build and test packages first" {
	run make --no-print-directory -n -C "$TOP" check
	[[ "${lines[0]}" == *"tools/deps.sh build test redis" ]]
	run make --no-print-directory -n -C "$TOP" demo
	[[ "${lines[0]}" == *"tools/deps.sh build test" ]]
}
