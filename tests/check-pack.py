#!/usr/bin/env python3
"""check-pack.py: run a rule pack on a real log and compare the outcome.

Usage: check-pack.py AS_TAIL PACK LOG EXPECT

Runs `AS_TAIL -n -q --trace T -r PACK LOG` and reduces the dry-run trace to
a transcript of three lines:

    outcome: success | failure | none   the color of the last Live Activity
                                        end (green/red), none if no end
    final: CURRENT/TOTAL | N% | none    the last progress any Live Activity
                                        request carried
    error: TEXT | none                  the message of the first push

EXPECT holds the expected transcript (the same lines; `#` comments allowed).
Prints a diff and exits 1 when they differ; exits 0 when they match.
"""
import json
import os
import subprocess
import sys
import tempfile


def transcript(trace_lines):
    outcome, final, error = "none", "none", "none"
    for line in trace_lines:
        req = json.loads(line)
        body = req["body"]
        cs = body.get("content_state")
        if cs is not None:
            if "current_step" in cs:
                final = "%d/%d" % (cs["current_step"], cs.get("number_of_steps", 0))
            elif "percentage" in cs:
                final = "%g%%" % cs["percentage"]
            elif "upper_limit" in cs:
                final = "%g/%g" % (cs["value"], cs["upper_limit"])
            if req["method"] == "DELETE" or req["path"].endswith("/end"):
                outcome = {"green": "success", "red": "failure"}.get(
                    cs.get("color"), cs.get("color", "none"))
        if req["path"] == "/push-notification" and error == "none":
            error = body.get("message", body.get("title"))
    return ["outcome: " + outcome, "final: " + final, "error: " + error]


def main():
    if len(sys.argv) != 5:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    as_tail, pack, log, expect = sys.argv[1:]
    with tempfile.TemporaryDirectory() as tmp:
        trace = os.path.join(tmp, "trace")
        run = subprocess.run([as_tail, "-n", "-q", "--trace", trace, "-r",
                              pack, log], capture_output=True, text=True,
                             timeout=120)
        if run.returncode != 0:
            print("as-tail exited %d: %s" % (run.returncode, run.stderr))
            return 1
        with open(trace, encoding="utf-8") as f:
            got = transcript(f)
    with open(expect, encoding="utf-8") as f:
        want = [l.rstrip("\n") for l in f
                if l.strip() and not l.startswith("#")]
    if got == want:
        return 0
    print("%s on %s:" % (pack, log))
    for g, w in zip(got + [""] * 3, want + [""] * 3):
        mark = "  " if g == w else "! "
        print("%sgot  %s\n%swant %s" % (mark, g, mark, w))
    return 1


if __name__ == "__main__":
    sys.exit(main())
