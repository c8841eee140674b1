#!/usr/bin/env python3
"""check-pack-twice.py: a log twice in a row is two runs, not one.

Usage: check-pack-twice.py [--throttled] AS_TAIL PACK LOG

Runs the pack on LOG, then on LOG followed by LOG again (one stream, two
runs of the tool), both dry, and compares how many Live Activity starts,
ends and pushes each gives: the second must give exactly twice the first,
so that a second run starts its own activity, ends in its own color and
pushes its own first error.  With --throttled the pushes are not counted:
the pack pushes at most once a minute, and the replay takes less.  Prints
the counts and exits 1 when they are not doubled.
"""
import json
import os
import subprocess
import sys
import tempfile


def counts(as_tail, pack, log, tmp):
    trace = os.path.join(tmp, "trace")
    run = subprocess.run([as_tail, "-n", "-q", "--trace", trace, "-r", pack,
                          log], capture_output=True, text=True, timeout=120)
    if run.returncode != 0:
        sys.exit("as-tail exited %d: %s" % (run.returncode, run.stderr))
    starts = ends = pushes = 0
    reds = []
    streams = set()     # open streams: a PUT on another key starts one
    with open(trace, encoding="utf-8") as f:
        for line in f:
            req = json.loads(line)
            path = req["path"]
            if req["method"] == "PUT" and path not in streams:
                streams.add(path)
                starts += 1
            elif req["method"] == "DELETE":
                streams.discard(path)
                ends += 1
                reds.append(req["body"]["content_state"].get("color"))
            elif path == "/push-notification":
                pushes += 1
            elif path.endswith("/start"):
                starts += 1
            elif path.endswith("/end"):
                ends += 1
                reds.append(req["body"]["content_state"].get("color"))
    return starts, ends, pushes, reds


def main():
    args = sys.argv[1:]
    throttled = args[:1] == ["--throttled"]
    if throttled:
        args = args[1:]
    if len(args) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    as_tail, pack, log = args
    with tempfile.TemporaryDirectory() as tmp:
        once = counts(as_tail, pack, log, tmp)
        both = os.path.join(tmp, "twice.log")
        with open(both, "wb") as out, open(log, "rb") as f:
            data = f.read()
            out.write(data)
            out.write(data)
        twice = counts(as_tail, pack, both, tmp)
    want = (2 * once[0], 2 * once[1], 2 * once[2], once[3] + once[3])
    if throttled:
        want = want[:2] + (twice[2],) + want[3:]
    if twice != want:
        print("%s on %s twice: starts, ends, pushes, end colors\n"
              "  got  %s\n  want %s" % (os.path.basename(pack), log,
                                       twice, want))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
