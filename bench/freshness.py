#!/usr/bin/env python3
"""freshness.py: how fresh the phone stays when several as-tail share one
account's budget.  Issue 12 item 5.

For 1, 3 and 10 watchers at once, each watcher runs its own copy of a
scripted job through its own as-tail: 1000 steps over 5 minutes in bursts
(25 bursts 12 s apart, 40 steps each spread over one second) and a push
every 100 steps, each job driving a Live Activity of its own.  They deliver
to the fake server (tests/fake-activitysmith.py) enforcing 60 requests a
minute, with the default --budget host in a runtime directory of the run's
own.  The clock runs --scale times faster on both sides (the fake server's
--time-scale, as-tail's AS_TAIL_TIME_SCALE), so a 5-minute job takes 30 s at
the default 10; every time below is in job seconds.

Measured from the fake server's log (each line timed with --log-times):
requests it got, the 429s it sent, the most requests in any 60 s, the most
Live Activities open at once, and the phone's lag: for every step line, the
time from the line being written to the server holding that step or a later
one for the job's activity (median and p99 over all steps of all watchers;
a step never shown counts as infinite); and whether every job's end arrived
carrying step 1000.

The account allows 4 Live Activities at once, so with 10 watchers six jobs
wait for a slot until the first ones end: their lag shows that wait.  So the
table also gives the p99 of the lag of the steps written once the job's
activity had started on the server (it held a slot), and the longest time
from a job's first step to its activity starting.

With --redis, a redis-server is started on 127.0.0.1 (a random port) and
every run is repeated with --budget redis://... and the watchers split
between two runtime directories, as on two hosts.

Python 3 standard library only; only 127.0.0.1 is contacted.
"""

import argparse
import json
import math
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
FAKE = os.path.join(ROOT, "tests", "fake-activitysmith.py")
KEY = "ask_test_key"


def job_script(steps, minutes, bursts, push_every):
    """[(job seconds, line)] of the scripted job."""
    per_burst = math.ceil(steps / bursts)
    gap = minutes * 60.0 / bursts
    out, n = [], 0
    for b in range(bursts):
        for i in range(per_burst):
            n += 1
            if n > steps:
                break
            t = b * gap + i * (1.0 / per_burst)
            out.append((t, "step %d" % n))
            if push_every > 0 and n % push_every == 0:
                out.append((t, "alert %d" % n))
    return out


def start_server(tmp, scale):
    port_file = os.path.join(tmp, "port")
    log = os.path.join(tmp, "log.jsonl")
    proc = subprocess.Popen(
        [sys.executable, FAKE, "--port-file", port_file, "--log", log,
         "--log-times", "--rate", "60", "--time-scale", str(scale)],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=open(os.path.join(tmp, "server.err"), "w"))
    deadline = time.time() + 10
    while not os.path.exists(port_file) and time.time() < deadline:
        time.sleep(0.02)
    with open(port_file) as f:
        return proc, "http://127.0.0.1:%d" % int(f.read()), log


def drive(proc, script, scale, emitted):
    """Write the job's lines to proc at their (scaled) times."""
    start = time.time()
    for t, line in script:
        delay = start + t / scale - time.time()
        if delay > 0:
            time.sleep(delay)
        if line.startswith("step "):
            emitted[int(line.split()[1])] = time.time()
        proc.stdin.write((line + "\n").encode())
        proc.stdin.flush()
    proc.stdin.close()


def start_redis(tmp):
    """A redis-server on 127.0.0.1 and a free random port: (proc, url)."""
    for _ in range(20):
        port = random.randrange(20000, 60000)
        proc = subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", tmp],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        while time.time() < deadline and proc.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                return proc, "redis://127.0.0.1:%d" % port
            except OSError:
                time.sleep(0.05)
        proc.kill()
        proc.wait()
    sys.exit("freshness.py: redis-server did not start")


def run(n, opts, tmp, budget):
    """Run n watchers; returns the server log and what each one wrote."""
    server, url, log = start_server(tmp, opts.scale)
    hosts = [os.path.join(tmp, "host1"), os.path.join(tmp, "host2")]
    for h in hosts:
        os.mkdir(h, 0o700)
    env = dict(os.environ, ACTIVITYSMITH_API_KEY=KEY,
               AS_TAIL_TIME_SCALE=str(opts.scale))
    env.pop("ACTIVITYSMITH_BUDGET", None)
    script = job_script(opts.steps, opts.minutes, 25, opts.push_every)
    procs, threads, emitted = [], [], []
    try:
        for k in range(1, n + 1):
            rules = os.path.join(tmp, "job%d.rules" % k)
            with open(rules, "w") as f:
                f.write('activity job%d title="Job %d" stream=job%d '
                        'steps=%d\n' % (k, k, k, opts.steps))
                f.write('match /^step (\\d+)/ step job%d current=$1\n' % k)
                f.write('match /^alert (\\d+)/ push title="job %d: step '
                        '$1"\n' % k)
            # With Redis, odd and even watchers are two "hosts".
            env["XDG_RUNTIME_DIR"] = hosts[k % 2] \
                if budget.startswith("redis:") else hosts[0]
            proc = subprocess.Popen(
                [opts.as_tail, "-q", "--budget", budget, "--api-url",
                 url, "--drain-timeout", "120", "-r", rules],
                stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                stderr=open(os.path.join(tmp, "err%d" % k), "w"), env=env)
            procs.append(proc)
            emitted.append({})
            th = threading.Thread(target=drive,
                                  args=(proc, script, opts.scale,
                                        emitted[-1]))
            threads.append(th)
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        for proc in procs:
            proc.wait(timeout=300)
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        server.terminate()
        server.wait()
    with open(log) as f:
        entries = [json.loads(line) for line in f]
    return entries, emitted


def shown_step(state, steps):
    """The step a content state shows: as a step of a segmented bar, or,
    for as many steps as the job has, as a percentage."""
    if "current_step" in state:
        return state["current_step"]
    return round(state.get("percentage", 0) * steps / 100)


def measure(n, entries, emitted, opts, budget):
    """One row of the table."""
    scale = opts.scale
    times = sorted(e["t"] for e in entries)
    window, most, j = 60.0 / scale, 0, 0
    for i, t in enumerate(times):
        while t - times[j] >= window:
            j += 1
        most = max(most, i - j + 1)
    open_now = most_open = 0
    for e in entries:
        if e.get("operation") == "started":
            open_now += 1
        elif e.get("operation") == "ended":
            open_now -= 1
        most_open = max(most_open, open_now)
    lags, held, slot_waits, ends = [], [], [], 0
    for k in range(1, n + 1):
        path = "/live-activity/stream/job%d" % k
        shown = [(e["t"], shown_step(e["body"]["content_state"],
                                     opts.steps))
                 for e in entries
                 if e["path"] == path and e["status"] == 200 and
                 e.get("body") and "content_state" in e["body"]]
        started = min([e["t"] for e in entries if e["path"] == path and
                       e.get("operation") == "started"] or [math.inf])
        if emitted[k - 1]:
            slot_waits.append((started - min(emitted[k - 1].values())) *
                              scale)
        for step, at in emitted[k - 1].items():
            seen = [t for t, cur in shown if cur >= step]
            lag = (min(seen) - at) * scale if seen else math.inf
            lags.append(lag)
            if at >= started:
                held.append(lag)
        if any(e["path"] == path and e["method"] == "DELETE" and
               e["status"] == 200 and
               shown_step(e["body"]["content_state"], opts.steps) ==
               opts.steps for e in entries):
            ends += 1
    lags.sort()
    held.sort()

    def pct(p, of=lags):
        if not of:
            return "-"
        v = of[min(len(of) - 1, int(p * len(of)))]
        return "never" if math.isinf(v) else "%.1f s" % v
    return {"watchers": n,
            "budget": "redis, 2 hosts" if budget.startswith("redis:")
            else budget,
            "requests": len(entries),
            "429s": sum(1 for e in entries if e["status"] == 429),
            "most in 60 s": most, "most open": most_open,
            "lag median": pct(0.5),
            "lag p99": pct(0.99),
            "p99 once started": pct(0.99, held),
            "longest wait to start": "%.1f s" % max(slot_waits)
            if slot_waits and not math.isinf(max(slot_waits)) else "never",
            "final state and end": "%d/%d" % (ends, n)}


def table(rows):
    cols = list(rows[0])
    out = ["| " + " | ".join(cols) + " |",
           "|" + "|".join("---:" for _ in cols) + "|"]
    for r in rows:
        out.append("| " + " | ".join(str(r[c]) for c in cols) + " |")
    return "\n".join(out) + "\n"


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--as-tail", default=os.path.join(ROOT, "as-tail"))
    p.add_argument("--watchers", default="1,3,10")
    p.add_argument("--steps", type=int, default=1000)
    p.add_argument("--minutes", type=float, default=5)
    p.add_argument("--scale", type=int, default=10)
    p.add_argument("--budget", default="host")
    p.add_argument("--push-every", type=int, default=100,
                   help="a push every this many steps (0: none)")
    p.add_argument("--redis", action="store_true",
                   help="repeat each run on a Redis budget, two hosts")
    p.add_argument("--markdown", help="also write the table here")
    opts = p.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="as-tail-redis-") as rtmp:
        budgets, redis = [opts.budget], None
        if opts.redis:
            redis, url = start_redis(rtmp)
            budgets.append(url)
        try:
            for n in [int(x) for x in opts.watchers.split(",")]:
                for budget in budgets:
                    with tempfile.TemporaryDirectory(
                            prefix="as-tail-fresh-") as tmp:
                        entries, emitted = run(n, opts, tmp, budget)
                        if not entries:
                            for k in range(1, n + 1):
                                sys.stderr.write(open(os.path.join(
                                    tmp, "err%d" % k)).read())
                        rows.append(measure(n, entries, emitted, opts,
                                            budget))
                    print("watchers %d, %s: done" % (n, budget),
                          file=sys.stderr)
        finally:
            if redis:
                redis.terminate()
                redis.wait()
    text = ("Freshness: %d steps over %g min per job, %s, server at "
            "60/min, time scale %d (times in job seconds)\n\n" %
            (opts.steps, opts.minutes, "a push every %d steps" %
             opts.push_every if opts.push_every > 0 else "no pushes",
             opts.scale)) + table(rows)
    sys.stdout.write(text)
    if opts.markdown:
        with open(opts.markdown, "w") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
