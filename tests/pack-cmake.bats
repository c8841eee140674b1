#!/usr/bin/env bats
# pack-cmake.bats: rules/cmake.rules on real cmake and ctest logs, beyond
# what packs.bats checks: the build and ctest are two runs of the activity,
# one after the other, and a failed configure still ends red.

load helpers/common

cmake_dry() {
	as_tail -n -q --trace "$BATS_TEST_TMPDIR/trace" -r "$RULES/cmake.rules" \
	    "$FIXTURES/cmake/$1"
}

# summary: the trace as one line per start, end and push:
# "start TITLE", "end TITLE COLOR PROGRESS", "push MESSAGE".
summary() {
	python3 -c '
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    b = r["body"]
    cs = b.get("content_state", {})
    if "current_step" in cs:
        prog = "%d/%d" % (cs["current_step"], cs["number_of_steps"])
    elif "percentage" in cs:
        prog = "%g%%" % cs["percentage"]
    elif "upper_limit" in cs:
        prog = "%g/%g" % (cs["value"], cs["upper_limit"])
    else:
        prog = "-"
    if r["path"].endswith("/start"):
        print("start", cs["title"])
    elif r["path"].endswith("/end"):
        print("end", cs["title"], cs.get("color"), prog)
    elif r["path"] == "/push-notification":
        print("push", b.get("message"))' "$BATS_TEST_TMPDIR/trace"
}

@test "cmake: the build ends green when ctest starts, and ctest is a run of its own" {
	cmake_dry cmake-success.log
	[ "$(summary)" = "start cmake on $(hostname)
end cmake on $(hostname) green 100%
start ctest on $(hostname)
end ctest on $(hostname) green 3/3" ]
	valid_trace
}

@test "cmake: a failing test makes the ctest run red, not the build" {
	cmake_dry cmake-ctest-failure.log
	[ "$(summary)" = "start cmake on $(hostname)
end cmake on $(hostname) green 100%
start ctest on $(hostname)
push Test #2: words: Failed
end ctest on $(hostname) red 3/3" ]
}

@test "cmake: the Ninja generator's edges are a value out of a maximum" {
	cmake_dry cmake-ninja-success.log
	[ "$(summary | head -2)" = "start cmake on $(hostname)
end cmake on $(hostname) green 14/14" ]
}

@test "cmake: a failed configure ends red though no build started" {
	cmake_dry cmake-configure-failure.log
	[ "$(summary)" = "push CMake Error at CMakeLists.txt:4: add_library
start cmake on $(hostname)
end cmake on $(hostname) red 0%" ]
}

@test "cmake: a link error under -j2 is pushed once, and the build ends at gmake's last line" {
	cmake_dry cmake-link-failure.log
	[ "$(requests | grep -c push)" -eq 1 ]
	[ "$(summary | tail -1)" = "end cmake on $(hostname) red 85%" ]
}
