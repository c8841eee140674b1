#!/usr/bin/env python3
"""Load a page in headless Chromium and read what it rendered.

This file owns the tests' browser: it starts Debian's chromium headless
with the DevTools protocol on a pipe (--remote-debugging-pipe: fd 3 in,
fd 4 out, one JSON message per NUL byte), so no WebDriver and no
WebSocket library is needed.  It opens URL, writes READY-FILE once the
expression --ready is true in the page, waits until --until is true,
prints the value of --print as JSON on stdout and saves a screenshot.
Every wait has a deadline (--timeout); the exit status is 0 when --until
became true, 1 otherwise (the page's state is printed either way).

    browser.py URL --ready EXPR --ready-file F --until EXPR \\
        --print EXPR --screenshot PNG [--timeout S]
"""

import argparse
import base64
import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time


class Chromium:
    """One headless browser and one page, driven over the pipe."""

    def __init__(self, width, height):
        self.profile = tempfile.mkdtemp(prefix="as-tail-chromium-")
        to_r, to_w = os.pipe()        # we write commands, chromium reads
        from_r, from_w = os.pipe()    # chromium writes replies, we read
        # The child's ends go above 10 so that placing them on 3 and 4
        # cannot overwrite each other.
        child_in = fcntl.fcntl(to_r, fcntl.F_DUPFD, 10)
        child_out = fcntl.fcntl(from_w, fcntl.F_DUPFD, 10)
        os.close(to_r)
        os.close(from_w)

        def place_fds():
            os.dup2(child_in, 3)
            os.dup2(child_out, 4)

        binary = shutil.which("chromium") or "chromium"
        self.proc = subprocess.Popen(
            [binary, "--headless", "--no-sandbox", "--disable-gpu",
             "--remote-debugging-pipe", "--no-first-run",
             "--no-default-browser-check", "--user-data-dir=" + self.profile,
             "--window-size=%d,%d" % (width, height), "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, preexec_fn=place_fds,
            pass_fds=(3, 4))
        os.close(child_in)
        os.close(child_out)
        self.out = os.fdopen(to_w, "wb")
        self.inp = os.fdopen(from_r, "rb")
        self.buf = b""
        self.next_id = 0
        self.session = None

    def call(self, method, params=None, session=True):
        """Sends one command and returns its result (raises on error)."""
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            msg["sessionId"] = self.session
        self.out.write(json.dumps(msg).encode() + b"\0")
        self.out.flush()
        while True:
            reply = self._read()
            if reply.get("id") != self.next_id:
                continue              # an event, or an older reply
            if "error" in reply:
                raise RuntimeError("%s: %s" % (method, reply["error"]))
            return reply.get("result", {})

    def _read(self):
        while b"\0" not in self.buf:
            chunk = self.inp.read1(65536)
            if not chunk:
                raise RuntimeError("chromium closed the pipe")
            self.buf += chunk
        msg, _, self.buf = self.buf.partition(b"\0")
        return json.loads(msg)

    def open(self, url):
        target = self.call("Target.createTarget", {"url": "about:blank"},
                           session=False)["targetId"]
        self.session = self.call("Target.attachToTarget", {
            "targetId": target, "flatten": True},
            session=False)["sessionId"]
        self.call("Page.enable")
        self.call("Page.navigate", {"url": url})

    def evaluate(self, expr):
        """The value of EXPR in the page (None while it throws)."""
        result = self.call("Runtime.evaluate", {
            "expression": expr, "returnByValue": True})
        if "exceptionDetails" in result:
            return None
        return result.get("result", {}).get("value")

    def wait(self, expr, deadline):
        """Evaluates EXPR every 50 ms until it is true or DEADLINE."""
        while time.monotonic() < deadline:
            if self.evaluate(expr):
                return True
            time.sleep(0.05)
        return False

    def screenshot(self, path):
        data = self.call("Page.captureScreenshot", {"format": "png"})["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))

    def close(self):
        try:
            self.call("Browser.close", session=False)
        except (RuntimeError, OSError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("url")
    p.add_argument("--ready", default="true")
    p.add_argument("--ready-file")
    p.add_argument("--until", default="true")
    p.add_argument("--print", dest="show", default="null")
    p.add_argument("--screenshot")
    p.add_argument("--timeout", type=float, default=30)
    p.add_argument("--size", default="420x900")
    opts = p.parse_args(argv)
    width, height = (int(n) for n in opts.size.split("x"))
    deadline = time.monotonic() + opts.timeout
    browser = Chromium(width, height)
    try:
        browser.open(opts.url)
        if not browser.wait(opts.ready, deadline):
            print("browser.py: page not ready: %s" % opts.ready,
                  file=sys.stderr)
            return 1
        if opts.ready_file:
            with open(opts.ready_file, "w") as f:
                f.write("ready\n")
        ok = browser.wait(opts.until, deadline)
        print(json.dumps(browser.evaluate(opts.show), ensure_ascii=False))
        if opts.screenshot:
            browser.screenshot(opts.screenshot)
        if not ok:
            print("browser.py: still false at the deadline: %s" % opts.until,
                  file=sys.stderr)
        return 0 if ok else 1
    finally:
        browser.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
