#!/usr/bin/env python3
"""many.py: as-tail with many rules and many activities (make bench).

A rules file declares N activities, each driven by its own anchored rule
("^jobI: step (\\d+)"), and a dry run reads LINES lines that step random
activities: every line starts or updates one of them, so every lookup on
the way (the matcher's rules, the activity, the outbox lane) is exercised
at that size.  Prints one Markdown row per N: lines a second, and the load
time alone (the same rules on empty input), so that a lookup that grows
with N shows as a falling rate.  Timing only here, never in a test.

    many.py [--as-tail ./as-tail] [--lines 5000] [--sizes 100,1000,10000]
"""
import argparse
import os
import random
import subprocess
import tempfile
import time


def write_case(d, n, lines):
    rules = os.path.join(d, "many-%d.rules" % n)
    with open(rules, "w") as f:
        for i in range(n):
            f.write("activity a%d title=Job%d steps=9\n" % (i, i))
        for i in range(n):
            f.write("match /^job%d: step (\\d+)/ step a%d current=$1\n" % (i, i))
    log = os.path.join(d, "many-%d.log" % n)
    rnd = random.Random(n)
    with open(log, "w") as f:
        for k in range(lines):
            f.write("job%d: step %d\n" % (rnd.randrange(n), k % 9 + 1))
    return rules, log


def timed(cmd):
    start = time.monotonic()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=True, timeout=3600)
    return time.monotonic() - start


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--as-tail", default="./as-tail")
    ap.add_argument("--lines", type=int, default=5000)
    ap.add_argument("--sizes", default="100,1000,10000")
    args = ap.parse_args()
    print("| activities and rules | load (s) | lines a second |")
    print("|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as d:
        for n in [int(s) for s in args.sizes.split(",")]:
            rules, log = write_case(d, n, args.lines)
            load = timed([args.as_tail, "-n", "-q", "-r", rules, os.devnull])
            total = timed([args.as_tail, "-n", "-q", "-r", rules, log])
            rate = args.lines / max(total - load, 1e-3)
            print("| %d | %.2f | %.0f |" % (n, load, rate))


if __name__ == "__main__":
    main()
