#!/usr/bin/env bash
# demo.sh (make demo): as-tail for real, on a real build log, delivering to
# the bundled fake ActivitySmith server on 127.0.0.1 -- no API key, no
# network.  Shows what the server received and, on a terminal, keeps the
# simulator's lock-screen page up until Enter; then stops the server.
set -eu
cd "$(dirname "$0")/.."
dir=$(mktemp -d)
trap 'kill "$server" 2>/dev/null; rm -rf "$dir"' EXIT

python3 tests/fake-activitysmith.py --port-file "$dir/port" --log "$dir/log" \
    2> "$dir/server.err" &
server=$!
for _ in $(seq 100); do
	[ -s "$dir/port" ] && break
	sleep 0.05
done
[ -s "$dir/port" ] || { cat "$dir/server.err" >&2; exit 1; }

echo "== the phone's lock screen: http://127.0.0.1:$(cat "$dir/port")/"
echo "== as-tail -v -r build tests/fixtures/build/cmake-make-failure.log"
ACTIVITYSMITH_API_KEY=ask_test_key ./as-tail -v \
    --api-url "http://127.0.0.1:$(cat "$dir/port")" \
    -r build tests/fixtures/build/cmake-make-failure.log
echo
echo "== what the (fake) ActivitySmith server received"
python3 -c '
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    print(e["status"], e["method"], e["path"], e.get("operation", ""),
          json.dumps(e["body"], ensure_ascii=False))
' "$dir/log"
cat <<'NEXT'

== what to try next
  ./as-tail -n -r build tests/fixtures/build/cmake-make-failure.log
                                  a dry run: what would be sent, no server, no key
  ./as-tail -n --preview -r build tests/fixtures/build/cmake-make-failure.log
                                  the same, drawn as the phone would show it
  make sim                        the lock-screen simulator alone, for your own runs
  ./as-tail --list-rules          the rule packs; use one with -r NAME (-r make, -r cargo ...)
  ./as-tail --check -r rules/generic.rules
                                  check a rules file and run its examples
  man ./man/as-tail.1             the options, delivery, exit status
  man ./man/as-tail.rules.5       the rules language
NEXT
if [ -t 0 ] && [ -t 1 ]; then
	printf '\nThe lock screen of this run is at http://127.0.0.1:%s/ ; press Enter to stop. ' "$(cat "$dir/port")"
	read -r _ || true
fi
