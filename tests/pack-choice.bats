#!/usr/bin/env bats
# pack-choice.bats: with no -r, as-tail picks the rule pack itself: from the
# wrapped command's name (issue 13), else the generic pack; -r still wins.

load helpers/common

# fake_commands NAME...: executables that print nothing and exit 0, first in
# PATH, so that any command line can be wrapped without running the tool.
fake_commands() {
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	for name in "$@"; do
		printf '#!/bin/sh\nexit 0\n' > "$BATS_TEST_TMPDIR/bin/$name"
		chmod +x "$BATS_TEST_TMPDIR/bin/$name"
	done
	PATH=$BATS_TEST_TMPDIR/bin:$PATH
}

# chosen COMMAND...: the pack as-tail -v says it uses for the command.
chosen() {
	as_tail -v -n -q -- "$@" 2>&1 < /dev/null |
	    sed -n 's/^as-tail: rules: the \([^ ]*\) pack.*/\1/p'
}

@test "the wrapped command's name picks its pack, through sudo, env, time and nice" {
	fake_commands make gmake ninja cmake ctest meson cargo go npm yarn \
	    pnpm npx pip pip3 python python3 pytest py.test docker terraform \
	    ansible-playbook kubectl gradle gradlew mvn mvnw rsync git apt-get \
	    curl wget dd borg restic rclone jest ffmpeg webpack \
	    webpack-cli vite bazel bazelisk helm sudo env time nice frobnicate
	bad=
	while read -r pack command; do
		got=$(chosen $command)
		[ "$got" = "$pack" ] || bad="$bad
$command: $got, not $pack"
	done <<-'EOF'
	make make -j8
	make gmake
	make /usr/bin/make -C src all
	ninja ninja -C out
	cmake cmake --build build
	cmake ctest --output-on-failure
	meson meson compile -C build
	cargo cargo test --release
	go go test ./...
	npm npm ci
	npm yarn install
	npm pnpm install
	pytest pytest -q
	pytest py.test
	pytest python3 -m pytest tests
	pytest python -m pytest -x
	pip pip install -r requirements.txt
	pip pip3 install --user x
	pip python -m pip install x
	pip python3 -m pip install -U pip
	docker docker compose build
	docker docker buildx build .
	docker docker build -t x .
	terraform terraform apply -auto-approve
	ansible ansible-playbook site.yml
	kubectl kubectl rollout status deploy/web
	gradle ./gradlew build
	gradle gradle test
	maven mvn -B package
	maven ./mvnw verify
	rsync rsync -a --info=progress2 a/ b/
	apt apt-get install -y curl
	git git clone https://example.org/x.git
	curl curl -O https://example.org/x.iso
	wget wget https://example.org/x.iso
	dd dd if=a.img of=/dev/sdz status=progress
	borg borg create --progress ::x /home
	restic restic backup /home
	rclone rclone copy -P a remote:b
	jest jest --ci
	ffmpeg ffmpeg -i in.mov out.mp4
	webpack webpack --mode production
	webpack webpack-cli build
	vite vite build
	bazel bazel build //...
	bazel bazelisk test //t:all
	helm helm upgrade --install web ./chart --wait
	make sudo make install
	make sudo -u root -E make install
	make env CC=clang CFLAGS=-O2 make
	make env -i -u HOME make
	make time -p make
	make nice -n 10 make
	make sudo nice -n 5 env A=b time make -j2
	make nice -- make
	generic frobnicate --all
	generic python3 script.py
	generic sudo
	EOF
	echo "wrong packs:$bad"
	[ -z "$bad" ]
}

@test "a package runner counts as the tool it runs: npx webpack gets the webpack pack (issue 14)" {
	fake_commands npm npx pnpm pnpx yarn bunx sudo time
	bad=
	while read -r pack command; do
		got=$(chosen $command)
		[ "$got" = "$pack" ] || bad="$bad
$command: $got, not $pack"
	done <<-'EOF'
	webpack npx webpack --mode production
	vite npx vite build
	jest npx jest --ci
	webpack npx -y webpack-cli build
	vite npx --yes vite@5 build
	webpack npx -p webpack-cli webpack
	webpack npx --package webpack-cli webpack
	webpack npx --package=webpack-cli webpack
	vite npm exec vite build
	vite npm exec -- vite build
	jest npm x --yes jest
	webpack npm exec --package=webpack-cli -- webpack
	vite pnpm exec vite build
	vite pnpm dlx vite build
	jest pnpm --filter web exec jest
	vite pnpm vite build
	webpack pnpm run webpack
	vite pnpx vite build
	jest yarn jest --ci
	webpack yarn run webpack
	vite yarn dlx vite build
	vite yarn exec vite build
	vite bunx vite build
	jest bunx --bun jest
	webpack time npx webpack
	vite sudo -u ci npx vite build
	npm npm ci
	npm npm install
	npm npm run build
	npm npm exec
	npm npx
	npm yarn
	npm yarn install --frozen-lockfile
	npm yarn add left-pad
	npm yarn run build
	npm yarn build
	npm pnpm install
	npm pnpm run build
	npm pnpm --filter web build
	npm npx npm ci
	generic npx tsc --noEmit
	generic npx @angular/cli build
	generic npm exec tsc
	generic pnpm dlx create-vite app
	generic yarn dlx create-vite app
	generic bunx tsc
	EOF
	echo "wrong packs:$bad"
	[ -z "$bad" ]
}

@test "a runner's tool is said with -v: the webpack pack, for webpack" {
	fake_commands npx
	run as_tail -v -n -q -- npx webpack < /dev/null
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | grep '^as-tail: rules: ')" = \
	    "as-tail: rules: the webpack pack, for webpack" ]
}

@test "a tool the table does not know after npx leaves the choice to the input: npm's own errors choose npm" {
	# What npx says when it cannot fetch the package: npm's E404 (a real
	# log of npm install, the same lines).
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	printf '#!/bin/sh\ncat "%s"\nexit 1\n' "$FIXTURES/npm/npm-e404.log" \
	    > "$BATS_TEST_TMPDIR/bin/npx"
	chmod +x "$BATS_TEST_TMPDIR/bin/npx"
	PATH=$BATS_TEST_TMPDIR/bin:$PATH
	run as_tail -v -n -q -- npx this-package-does-not-exist-as-tail-fixture
	[ "$status" -eq 1 ]
	[ "$(printf '%s\n' "$output" | grep '^as-tail: rules: ')" = \
	    "as-tail: rules: the npm pack, detected in the input" ]
}

@test "a pack the table names but that is not installed falls back to generic" {
	[ ! -e /usr/local/share/as-tail/rules/pip.rules ] ||
	    skip "a pip pack is installed in /usr/local"
	# A copy of as-tail beside a rules directory without pip.rules.
	mkdir -p "$BATS_TEST_TMPDIR/tree/rules"
	cp "$AS_TAIL" "$BATS_TEST_TMPDIR/tree/as-tail"
	cp "$RULES/generic.rules" "$BATS_TEST_TMPDIR/tree/rules/"
	AS_TAIL=$BATS_TEST_TMPDIR/tree/as-tail
	fake_commands pip python3
	run as_tail -v -n -q -- pip install x < /dev/null
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "as-tail: no pip pack installed for pip" ]
	[ "${lines[1]}" = "as-tail: rules: the generic pack" ]
	[ "$(chosen python3 -m pip install x)" = generic ]
}

@test "the chosen pack drives the run: the same requests as with -r make" {
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	printf '#!/bin/sh\nprintf "cc -c a.c -o a.o\\ncc -c b.c -o b.o\\n"\n' \
	    > "$BATS_TEST_TMPDIR/bin/make"
	chmod +x "$BATS_TEST_TMPDIR/bin/make"
	PATH=$BATS_TEST_TMPDIR/bin:$PATH
	run as_tail -n -q --trace "$BATS_TEST_TMPDIR/chosen" -- make
	[ "$status" -eq 0 ]
	rm -r "$XDG_STATE_HOME"		# the first run's learned total
	run as_tail -n -q --trace "$BATS_TEST_TMPDIR/named" -r make -- make
	[ "$status" -eq 0 ]
	[ -s "$BATS_TEST_TMPDIR/named" ]
	grep -q '"path":"/live-activity/' "$BATS_TEST_TMPDIR/named"
	# The same but for the run's name in the stream keys.
	[ "$(run_keys < "$BATS_TEST_TMPDIR/chosen")" = "$(run_keys < "$BATS_TEST_TMPDIR/named")" ]
}

@test "-r wins over the command's pack, and says nothing about packs" {
	fake_commands make
	run as_tail -v -n -q -r generic -- make < /dev/null
	[ "$status" -eq 0 ]
	# The messages themselves, not the word: the checkout's path (in the
	# "-r generic: reading PATH" line) may hold "pack".
	[[ "$output" == *"as-tail: -r generic: reading "* ]]
	! printf '%s\n' "$output" | grep -q '^as-tail: rules: the '
	! printf '%s\n' "$output" | grep -q '^as-tail: no .* pack installed'
}

@test "with no -r and no command, the generic pack reads the pipe" {
	run as_tail -v -n -q < /dev/null
	[ "$status" -eq 0 ]
	# Said once the input ended with no detect line (see detect.bats).
	[ "$(printf '%s\n' "$output" | grep '^as-tail: rules: ')" = "as-tail: rules: the generic pack" ]
	printf 'Step 1/4\nStep 2/4\n' | as_tail -n -q --trace "$BATS_TEST_TMPDIR/trace"
	[[ "$(requests | head -n 1)" == "PUT /live-activity/stream/"*-job* ]]
}

@test "the pack is said once with -v, and not at all without it" {
	fake_commands make
	run as_tail -v -n -q -- make < /dev/null
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | grep -c '^as-tail: rules: ')" -eq 1 ]
	[ "$(printf '%s\n' "$output" | grep '^as-tail: rules: ')" = \
	    "as-tail: rules: the make pack, for make" ]
	run as_tail -n -q -- make < /dev/null
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "SIGUSR1's status line names the pack as-tail chose" {
	mkfifo "$BATS_TEST_TMPDIR/go"
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	printf '#!/bin/sh\necho "cc -c a.c -o a.o"; kill -USR1 $PPID; read x < "$GO"; echo "cc -c b.c -o b.o"\n' \
	    > "$BATS_TEST_TMPDIR/bin/make"
	chmod +x "$BATS_TEST_TMPDIR/bin/make"
	GO=$BATS_TEST_TMPDIR/go PATH=$BATS_TEST_TMPDIR/bin:$PATH \
	    "$AS_TAIL" -n -q --trace "$BATS_TEST_TMPDIR/trace" -- make \
	    2> "$BATS_TEST_TMPDIR/err" 3>&- &
	pid=$!
	wait_grep 'line read' "$BATS_TEST_TMPDIR/err"
	timeout 10 sh -c 'echo go > "$0"' "$BATS_TEST_TMPDIR/go" || true
	rc=0
	wait $pid || rc=$?
	[ "$rc" -eq 0 ]
	[ "$(wc -l < "$BATS_TEST_TMPDIR/err")" -eq 1 ]
	[[ "$(cat "$BATS_TEST_TMPDIR/err")" == "as-tail: pack make; 1 line read; requests: 1 sent, 0 queued, 0 coalesced, 0 folded, 0 failed; make 1/"* ]]
}
