#!/usr/bin/env python3
"""latency.py: line -> request latency of as-tail on loopback.

Starts a minimal ActivitySmith stand-in on 127.0.0.1 (it only timestamps
each request and answers 200), runs as-tail with a rule that pushes every
matching line, writes one line at a time to its stdin, and measures how long
each line takes to arrive at the server as a request.  Lines are written at
a pace well under the budget (as-tail runs with --rate 6000/min), so this is
the unloaded latency of the reader -> outbox -> sender -> HTTP path.

Baseline, measured in the same run: the same POST made directly from this
process with a kept-alive http.client connection.

Usage: latency.py [--as-tail ./as-tail] [--samples 300] [--markdown FILE]
"""
import argparse
import http.client
import http.server
import json
import os
import statistics
import subprocess
import tempfile
import threading
import time


class Recorder(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: without this, Nagle's
    # algorithm and the client's delayed ACK hold the body back ~40 ms.
    disable_nagle_algorithm = True
    arrivals = {}
    cond = threading.Condition()

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        now = time.monotonic()
        title = json.loads(body).get("title", "")
        reply = b'{"success":true,"timestamp":"2026-01-01T00:00:00Z"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)
        with Recorder.cond:
            Recorder.arrivals[title] = now
            Recorder.cond.notify_all()

    def log_message(self, *args):
        pass


def wait_arrival(key, timeout=5.0):
    deadline = time.monotonic() + timeout
    with Recorder.cond:
        while key not in Recorder.arrivals:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            Recorder.cond.wait(left)
        return Recorder.arrivals[key]


def percentile(values, p):
    values = sorted(values)
    k = max(0, min(len(values) - 1, int(round(p / 100.0 * len(values) + 0.5)) - 1))
    return values[k]


def measure_as_tail(as_tail, port, samples):
    with tempfile.TemporaryDirectory() as tmp:
        rules = os.path.join(tmp, "latency.rules")
        with open(rules, "w") as f:
            f.write("match /^line (\\d+)$/ push title=$1\n")
        env = dict(os.environ, ACTIVITYSMITH_API_KEY="ask_bench_key")
        proc = subprocess.Popen(
            [as_tail, "-q", "--rate", "6000/min", "--api-url",
             "http://127.0.0.1:%d" % port, "-r", rules],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, env=env)
        lat = []
        for i in range(samples + 5):
            t0 = time.monotonic()
            proc.stdin.write(b"line %d\n" % i)
            proc.stdin.flush()
            t1 = wait_arrival(str(i))
            if t1 is None:
                raise SystemExit("request %d never arrived" % i)
            if i >= 5:                      # the first ones warm up
                lat.append((t1 - t0) * 1000.0)
            time.sleep(0.02)                # 50 lines/s: under budget
        proc.stdin.close()
        proc.wait(timeout=30)
        return lat


def measure_direct(port, samples):
    conn = http.client.HTTPConnection("127.0.0.1", port)
    lat = []
    for i in range(samples + 5):
        key = "direct-%d" % i
        body = json.dumps({"title": key})
        t0 = time.monotonic()
        conn.request("POST", "/push-notification", body,
                     {"Content-Type": "application/json"})
        conn.getresponse().read()
        t1 = wait_arrival(key)
        if i >= 5:
            lat.append((t1 - t0) * 1000.0)
        time.sleep(0.02)
    conn.close()
    return lat


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--as-tail", default="./as-tail")
    ap.add_argument("--samples", type=int, default=300)
    ap.add_argument("--markdown")
    a = ap.parse_args()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    direct = measure_direct(port, a.samples)
    ours = measure_as_tail(a.as_tail, port, a.samples)
    server.shutdown()
    rows = []
    for name, lat in (("as-tail line -> request", ours),
                      ("direct POST (baseline)", direct)):
        rows.append((name, statistics.median(lat), percentile(lat, 99),
                     max(lat)))
    ratio50 = rows[0][1] / rows[1][1]
    ratio99 = rows[0][2] / rows[1][2]
    print("latency on loopback, %d samples each, %s" % (
        a.samples, time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())))
    print("%-26s %8s %8s %8s" % ("", "p50 ms", "p99 ms", "max ms"))
    for r in rows:
        print("%-26s %8.2f %8.2f %8.2f" % r)
    print("as-tail / baseline: p50 %.2fx, p99 %.2fx; target p99 <= 5 ms: %s" % (
        ratio50, ratio99, "met" if rows[0][2] <= 5.0 else "missed"))
    if a.markdown:
        with open(a.markdown, "a") as f:
            f.write("\n**Latency, line to request, loopback** (%d samples)\n\n" % a.samples)
            f.write("| path | p50 ms | p99 ms | max ms |\n|---|---|---|---|\n")
            for r in rows:
                f.write("| %s | %.2f | %.2f | %.2f |\n" % r)
            f.write("\nas-tail / direct POST: p50 %.2fx, p99 %.2fx; target p99 <= 5 ms: %s\n"
                    % (ratio50, ratio99, "met" if rows[0][2] <= 5.0 else "missed"))


if __name__ == "__main__":
    main()
