#!/bin/sh
# deps.sh: install the Debian packages a make target needs, when missing.
#
#   tools/deps.sh GROUP...
#
# Each GROUP names the packages of one need (see group_packages below):
# "build" to compile as-tail, "test" to run make check, and one group per
# optional suite, so that only the targets that need valgrind, clang or a
# browser install them.  A package counts as present when `dpkg -s` says
# "install ok installed".  Missing packages are installed with apt-get,
# directly as root and through sudo otherwise; with neither, the exact
# command is printed and the script exits 1.  Nothing is run when nothing
# is missing.  AS_TAIL_NO_DEPS=1 skips every check (for packagers and
# systems without dpkg, which are told what is needed and left alone).
#
# Only shell built-ins and dpkg, id, apt-get and sudo are used, so that the
# test (tests/deps.bats) can put fakes of those four on PATH.

group_packages() {
	case $1 in
	build)    echo "build-essential pkg-config libcurl4-openssl-dev libpcre2-dev libjson-c-dev libhiredis-dev" ;;
	test)     echo "bats python3 openssl curl mandoc groff-base zsh strace tmux" ;;
	valgrind) echo "valgrind" ;;
	redis)    echo "redis-server" ;;
	fuzz)     echo "clang libclang-rt-14-dev" ;;
	browser)  echo "chromium" ;;
	*)        return 1 ;;
	esac
}

# is_installed PKG: 0 when dpkg knows PKG as installed.
is_installed() {
	status=$(dpkg -s "$1" 2>/dev/null) || return 1
	case $status in
	*"Status: install ok installed"*) return 0 ;;
	esac
	return 1
}

[ $# -gt 0 ] || { echo "usage: tools/deps.sh GROUP..." >&2; exit 2; }

wanted=
for group; do
	packages=$(group_packages "$group") || {
		echo "deps.sh: $group: unknown group" >&2
		exit 2
	}
	wanted="$wanted $packages"
done

[ "${AS_TAIL_NO_DEPS:-}" = 1 ] && exit 0
if ! command -v dpkg >/dev/null 2>&1; then
	echo "deps.sh: no dpkg here: make sure these are installed:$wanted" >&2
	exit 0
fi

missing=
for p in $wanted; do
	case " $missing " in *" $p "*) continue ;; esac
	is_installed "$p" || missing="$missing $p"
done
[ -n "$missing" ] || exit 0

install="apt-get install -y -q --no-install-recommends$missing"
if [ "$(id -u)" = 0 ]; then
	as_root() { DEBIAN_FRONTEND=noninteractive "$@"; }
	shown=
elif command -v sudo >/dev/null 2>&1; then
	as_root() { sudo DEBIAN_FRONTEND=noninteractive "$@"; }
	shown="sudo "
else
	echo "deps.sh: missing packages:$missing" >&2
	echo "deps.sh: not root and no sudo; as root, run:" >&2
	echo "    apt-get update && $install" >&2
	exit 1
fi
echo "deps.sh: installing:$missing" >&2
if ! as_root apt-get update -q || ! as_root $install; then
	echo "deps.sh: apt-get failed; run by hand:" >&2
	echo "    ${shown}apt-get update && ${shown}$install" >&2
	exit 1
fi
