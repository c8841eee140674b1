#!/usr/bin/env bats
# pack-cmake.bats: rules/cmake.rules on real cmake and ctest logs, beyond
# what packs.bats checks: the build and ctest are two runs of the activity,
# one after the other, and a failed configure still ends red.

load helpers/common
load helpers/packs

cmake_dry() {
	pack_dry cmake "$1"
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
