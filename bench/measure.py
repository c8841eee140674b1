#!/usr/bin/env python3
"""Time as-tail against cat|cat, ripgrep and GNU grep on one input; print a table.

Called by bench/run.sh, which prepares the input files and pattern files:

    measure.py --input LOG --huge HUGE --rules RULES --as-tail AS_TAIL
               [--as-tail-opts=-n] --patterns DIR [--rg RG] [--grep GREP]
               [--runs 3] [--timeout 900] --workdir TMP --markdown OUT.md
               [--input-note TEXT] [--patterns-note TEXT] [--skipped FILE]
               [--events RULES_FILE STRIPPED N ...]

Methods (all on the same file, already in the page cache):
  cat|cat     cat LOG | cat > /dev/null                   (pipe throughput limit)
  rg          rg --no-config --no-unicode -a -c -f rg.patterns LOG
  grep        LC_ALL=C grep -c -E -f grep.patterns LOG
  as-tail -q  AS_TAIL OPTS -q -r RULES < LOG > /dev/null  (matching only)
  as-tail     AS_TAIL OPTS -r RULES < LOG > /dev/null     (pass-through: headline)
and for each --events RULES_FILE STRIPPED N (STRIPPED is RULES_FILE without
its N event statements, from strip-events.py), when N > 0:
  as-tail NAME            AS_TAIL OPTS -r RULES_FILE < LOG > /dev/null
  as-tail NAME, no events AS_TAIL OPTS -r STRIPPED < LOG > /dev/null
(for RULES itself the first is the headline run above), whose throughput
ratio is what the event rules cost; the target is a loss of 5% at most.
OPTS (--as-tail-opts) defaults to -n: dry run, so that no benchmark ever sends
anything; as-tail prints the requests it would send on stderr (kept in a file).
Runs are interleaved (round 1: every method, round 2: every method, ...; the
order rotates each round) and the best (shortest) wall time of --runs counts.
Peak RSS of as-tail comes from `/usr/bin/time -f %M` (or the kernel's wait4
rusage when /usr/bin/time is missing).  Extra untimed checks: as-tail's
pass-through output equals its input (piped into cmp), and peak RSS plus
byte-identical output on HUGE, a single line of many MiB.

Throughput is bytes / best wall time in MB/s (10^6 bytes per second).  Only
the ratios between methods measured in the same run are meaningful on a
shared machine.  Exit status: 0 when everything ran and as-tail's output was
correct (targets missed or not), 1 otherwise.  Standard library only.
"""

import argparse
import datetime
import os
import platform
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time

TARGETS = {  # ratio name -> minimum as-tail/baseline throughput
    "rg": 1.0,
    "grep": 1.5,
    "cat|cat": 0.25,
}
EVENTS_TARGET = 0.95   # with events / without: at most a 5% loss (issue 14)
RSS_TARGET_MIB = 16.0
GNU_TIME = "/usr/bin/time"


# --------------------------------------------------------------------------
# Running commands
# --------------------------------------------------------------------------
def run(cmds, stdin=None, stdout=None, stderr=None, env=None, timeout=900.0):
    """Run a pipeline (list of argv lists).  stdin/stdout/stderr are paths
    (stdout/stderr default /dev/null).  Returns dict with elapsed seconds,
    return codes, wait4 max RSS (KiB) per process and timed_out."""
    fin = open(stdin, "rb") if stdin else subprocess.DEVNULL
    fout = open(stdout, "wb") if stdout else subprocess.DEVNULL
    ferr = open(stderr, "wb") if stderr else subprocess.DEVNULL
    procs = []
    timed_out = []

    def kill_all():
        timed_out.append(True)
        for p in procs:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except OSError:
                pass

    timer = threading.Timer(timeout, kill_all)
    try:
        t0 = time.monotonic()
        prev = fin
        for k, argv in enumerate(cmds):
            last = k == len(cmds) - 1
            p = subprocess.Popen(argv, stdin=prev, stdout=fout if last else subprocess.PIPE,
                                 stderr=ferr, env=env, start_new_session=True)
            if prev not in (fin, subprocess.DEVNULL) and hasattr(prev, "close"):
                prev.close()                    # the child holds its own copy
            prev = p.stdout
            procs.append(p)
        timer.start()
        rcs, rss = [], []
        for p in procs:
            _, status, ru = os.wait4(p.pid, 0)
            p.returncode = os.waitstatus_to_exitcode(status)
            rcs.append(p.returncode)
            rss.append(ru.ru_maxrss)
        elapsed = time.monotonic() - t0
    except BaseException:                       # e.g. Ctrl-C: leave no child running
        kill_all()
        for p in procs:
            if p.returncode is None:
                try:
                    os.waitpid(p.pid, 0)
                    p.returncode = -9
                except OSError:
                    pass
        raise
    finally:
        timer.cancel()
        for f in (fin, fout, ferr):
            if f is not subprocess.DEVNULL:
                f.close()
    return {"elapsed": elapsed, "rcs": rcs, "rss_kib": rss, "timed_out": bool(timed_out)}


def read_time_rss(path):
    """Peak RSS in KiB written by `/usr/bin/time -f %M -o path` (last line)."""
    try:
        with open(path) as fh:
            lines = [ln.strip() for ln in fh if ln.strip()]
        return int(lines[-1])
    except (OSError, ValueError, IndexError):
        return None


def first_line(argv, env=None):
    """First line printed by e.g. `TOOL --version` ("unknown" if none in 10 s)."""
    try:
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env=env, start_new_session=True)
    except OSError:
        return "unknown"
    try:
        out, err = p.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.communicate()
        return "unknown"
    if p.returncode != 0:                       # e.g. no --version option
        return "unknown"
    text = (out or err).decode("utf-8", "replace").strip().split("\n")[0]
    return text or "unknown"


def tail(path, n=600):
    try:
        with open(path, "rb") as fh:
            fh.seek(0, 2)
            fh.seek(max(0, fh.tell() - n))
            return fh.read().decode("utf-8", "replace").strip()
    except OSError:
        return ""


# --------------------------------------------------------------------------
# Benchmark
# --------------------------------------------------------------------------
class Method:
    def __init__(self, key, label, cmds, ok_rcs=(0,), stdin=None, env=None, rss=False, capture=False):
        self.key, self.label, self.cmds = key, label, cmds
        self.ok_rcs, self.stdin, self.env, self.rss = ok_rcs, stdin, env, rss
        self.capture = capture
        self.times, self.rss_kib, self.errors, self.output = [], [], [], None


def build_methods(a, work):
    c_env = dict(os.environ, LC_ALL="C")
    have_time = os.access(GNU_TIME, os.X_OK)
    ms = [Method("cat|cat", "cat LOG | cat > /dev/null", [["cat", a.input], ["cat"]])]
    rg_pat = os.path.join(a.patterns, "rg.patterns")
    grep_pat = os.path.join(a.patterns, "grep.patterns")
    if a.rg and os.path.getsize(rg_pat) > 0:
        ms.append(Method("rg", "rg --no-unicode -a -c -f PAT LOG",
                         [[a.rg, "--no-config", "--no-unicode", "-a", "-c", "-f", rg_pat, a.input]],
                         ok_rcs=(0, 1), capture=True))
    if a.grep and os.path.getsize(grep_pat) > 0:
        ms.append(Method("grep", "LC_ALL=C grep -c -E -f PAT LOG",
                         [[a.grep, "-c", "-E", "-f", grep_pat, a.input]],
                         ok_rcs=(0, 1), env=c_env, capture=True))
    opts = " ".join(a.as_tail_opts + [""])
    for key, extra in (("as-tail -q", ["-q"]), ("as-tail", [])):
        label = "as-tail %s%s-r RULES < LOG > /dev/null" % (opts, "-q " if extra else "")
        argv = [a.as_tail] + a.as_tail_opts + extra + ["-r", a.rules]
        m = Method(key, label, [argv], stdin=a.input, rss=True)
        m.time_file = os.path.join(work, "time-%s.txt" % ("q" if extra else "pass"))
        if have_time:
            m.cmds = [[GNU_TIME, "-f", "%M", "-o", m.time_file] + argv]
        m.have_time = have_time
        m.stderr_file = os.path.join(work, "stderr-%s.txt" % ("q" if extra else "pass"))
        ms.append(m)
    for k, ev in enumerate(a.events):
        if ev.count == 0:
            continue
        runs = [("no events", ev.stripped)]
        if ev.rules != a.rules:
            runs.insert(0, ("", ev.rules))
        for what, path in runs:
            key = "as-tail" if ev.rules == a.rules else "as-tail " + ev.name
            key += ", " + what if what else ""
            label = "as-tail %s-r %s < LOG > /dev/null" % (
                opts, "%s without its events" % ev.name if what else shown(path))
            m = Method(key, label, [[a.as_tail] + a.as_tail_opts + ["-r", path]],
                       stdin=a.input)
            m.stderr_file = os.path.join(work, "stderr-events-%d%s.txt" % (k, "-no" if what else ""))
            ms.append(m)
        ev.key = "as-tail" if ev.rules == a.rules else "as-tail " + ev.name
    return ms


def measure(methods, a, work):
    # warm the page cache (untimed)
    run([["cat", a.input]], timeout=a.timeout)
    for rnd in range(a.runs):
        k = rnd % len(methods)
        for m in methods[k:] + methods[:k]:
            out = os.path.join(work, "out.txt") if m.capture else None
            try:
                r = run(m.cmds, stdin=m.stdin, stdout=out, stderr=getattr(m, "stderr_file", None),
                        env=m.env, timeout=a.timeout)
            except OSError as e:
                m.errors.append("cannot run: %s" % e)
                continue
            bad = [rc for rc in r["rcs"] if rc not in m.ok_rcs]
            if r["timed_out"]:
                m.errors.append("timed out after %ds" % a.timeout)
                continue
            if bad:
                m.errors.append("exit status %s" % " | ".join(map(str, r["rcs"])))
                continue
            m.times.append(r["elapsed"])
            if m.rss:
                kib = read_time_rss(m.time_file) if m.have_time else r["rss_kib"][-1]
                if kib is not None:
                    m.rss_kib.append(kib)
            if m.capture and m.output is None:
                with open(out, "rb") as fh:
                    m.output = fh.read().decode("utf-8", "replace").strip()
            sys.stderr.write("  round %d %-11s %7.3f s\n" % (rnd + 1, m.key, r["elapsed"]))


def passthrough_check(a, work):
    """as-tail -r RULES < LOG | cmp - LOG  (untimed)."""
    msg = os.path.join(work, "cmp.txt")
    errf = os.path.join(work, "stderr-cmp.txt")
    r = run([[a.as_tail] + a.as_tail_opts + ["-r", a.rules], ["cmp", "-", a.input]],
            stdin=a.input, stdout=msg,
            stderr=errf, timeout=a.timeout)
    as_rc, cmp_rc = r["rcs"]
    if r["timed_out"]:
        return False, "timed out"
    if as_rc not in (0, -signal.SIGPIPE):        # SIGPIPE: cmp stopped at a difference
        return False, "as-tail exit status %d: %s" % (as_rc, tail(errf, 300))
    if cmp_rc == 0:
        return True, "identical"
    return False, "differs: " + (tail(msg, 300) or tail(errf, 300))


def huge_check(a, work):
    """Peak RSS and byte-identical output on the single huge line."""
    out = os.path.join(work, "huge.out")
    tf = os.path.join(work, "time-huge.txt")
    argv = [a.as_tail] + a.as_tail_opts + ["-r", a.rules]
    have_time = os.access(GNU_TIME, os.X_OK)
    cmd = [GNU_TIME, "-f", "%M", "-o", tf] + argv if have_time else argv
    r = run([cmd], stdin=a.huge, stdout=out, stderr=os.path.join(work, "stderr-huge.txt"),
            timeout=a.timeout)
    res = {"elapsed": r["elapsed"], "rss_kib": None, "identical": False, "note": ""}
    if r["timed_out"]:
        res["note"] = "timed out"
    elif r["rcs"][0] != 0:
        res["note"] = "exit status %d: %s" % (r["rcs"][0], tail(os.path.join(work, "stderr-huge.txt"), 300))
    else:
        res["rss_kib"] = read_time_rss(tf) if have_time else r["rss_kib"][0]
        c = subprocess.run(["cmp", out, a.huge], capture_output=True, timeout=a.timeout)
        res["identical"] = c.returncode == 0
        if c.returncode != 0:
            res["note"] = (c.stdout + c.stderr).decode("utf-8", "replace").strip()
    try:
        os.unlink(out)
    except OSError:
        pass
    return res


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------
def cpu_model():
    try:
        with open("/proc/cpuinfo") as fh:
            for ln in fh:
                if ln.startswith("model name"):
                    return ln.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def loadavg():
    try:
        with open("/proc/loadavg") as fh:
            return " ".join(fh.read().split()[:3])
    except OSError:
        return "?"


def shown(path):
    """Path relative to the repository root when it is inside it."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    rel = os.path.relpath(os.path.abspath(path), root)
    return path if rel.startswith("..") else rel


def fmt_ratio(x):
    return "%.2fx" % x if x is not None else "n/a"


def report(a, methods, pt, huge, meta):
    size = os.path.getsize(a.input)
    by = {m.key: m for m in methods}

    def mbps(key):
        m = by.get(key)
        return size / min(m.times) / 1e6 if m and m.times else None

    rows = []
    for m in methods:
        if m.times:
            best = min(m.times)
            spread = 100.0 * (max(m.times) - best) / best
            rows.append([m.key, "%.3f" % best, "%.0f" % (size / best / 1e6),
                         "%d/%d" % (len(m.times), a.runs), "%.0f%%" % spread, m.label])
        else:
            rows.append([m.key, "-", "FAILED", "0/%d" % a.runs, "-",
                         m.label + "  [" + "; ".join(sorted(set(m.errors))) + "]"])

    head = mbps("as-tail")
    quiet = mbps("as-tail -q")
    ratios = []
    for base, target in TARGETS.items():
        b = mbps(base)
        r = head / b if head and b else None
        rq = quiet / b if quiet and b else None
        status = "n/a" if r is None else ("met" if r >= target else "MISSED")
        if base not in by:
            status = "n/a (%s unavailable)" % base
        ratios.append(["as-tail/" + base, fmt_ratio(r), fmt_ratio(rq), ">= %.2fx" % target, status])

    def rss_row(name, kib):
        if kib is None:
            return [name, "n/a", "<= %d MiB" % RSS_TARGET_MIB, "n/a"]
        mib = kib / 1024.0
        return [name, "%.1f MiB" % mib, "<= %d MiB" % RSS_TARGET_MIB,
                "met" if mib <= RSS_TARGET_MIB else "MISSED"]

    pass_rss = max(by["as-tail"].rss_kib) if by["as-tail"].rss_kib else None
    q_rss = max(by["as-tail -q"].rss_kib) if by["as-tail -q"].rss_kib else None
    rss = [rss_row("as-tail peak RSS, build log (pass-through)", pass_rss),
           rss_row("as-tail -q peak RSS, build log", q_rss),
           rss_row("as-tail peak RSS, %d MiB single line" % (os.path.getsize(a.huge) >> 20),
                   huge["rss_kib"])]
    checks = [["pass-through output == input (build log)", "yes" if pt[0] else "NO: " + pt[1]],
              ["pass-through output == input (single line)",
               "yes" if huge["identical"] else "NO: " + (huge["note"] or "differs")],
              ["single-line run time (s)", "%.2f" % huge["elapsed"]]]
    events = []
    for ev in a.events:
        if ev.count == 0:
            events.append([ev.name, "0", "-", "-", "n/a", ">= %.2fx" % EVENTS_TARGET,
                           "n/a (no event blocks)"])
            continue
        w, wo = mbps(ev.key), mbps(ev.key + ", no events")
        r = w / wo if w and wo else None
        events.append([ev.name, str(ev.count), "%.0f" % w if w else "FAILED",
                       "%.0f" % wo if wo else "FAILED", fmt_ratio(r), ">= %.2fx" % EVENTS_TARGET,
                       "n/a" if r is None else ("met" if r >= EVENTS_TARGET else "MISSED")])
    rg_m, grep_m = by.get("rg"), by.get("grep")
    for name, m in (("rg -c", rg_m), ("grep -c", grep_m)):
        if m and m.output:
            text = m.output
            if text.isdigit() and meta["lines"]:
                text += " (%.3f%% of %d lines)" % (100.0 * int(text) / meta["lines"], meta["lines"])
            checks.append(["matching lines (%s)" % name, text])

    env = [
        ["date", datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")],
        ["machine", "%s, %s, %d CPUs" % (platform.machine(), cpu_model(), os.cpu_count() or 0)],
        ["load average (start / end)", "%s / %s" % (meta["load_start"], loadavg())],
        ["input", "%s: %d bytes (%.0f MiB), %d lines, %s" % (
            os.path.basename(a.input), size, size / 2 ** 20, meta["lines"], meta["input_note"])],
        ["rules", "%s (%s)" % (shown(a.rules), meta["patterns_note"])],
        ["as-tail", "%s (%s), options: %s" % (shown(a.as_tail), first_line([a.as_tail, "--version"]),
                                             " ".join(a.as_tail_opts) or "none")],
        ["rg", first_line([a.rg, "--version"]) if a.rg else "unavailable"],
        ["grep", first_line([a.grep, "--version"]) if a.grep else "unavailable"],
        ["cat", first_line(["cat", "--version"])],
        ["runs", "best of %d, interleaved" % a.runs],
    ]
    return rows, ratios, rss, checks, env, events


def text_table(rows, header):
    w = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    line = lambda r: "  ".join(str(c).ljust(w[i]) for i, c in enumerate(r)).rstrip()
    return "\n".join([line(header), line(["-" * x for x in w])] + [line(r) for r in rows])


def md_table(rows, header):
    esc = lambda s: str(s).replace("|", "\\|")
    out = ["| " + " | ".join(esc(h) for h in header) + " |",
           "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(esc(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


SECTIONS = [
    ("Throughput (best wall time; MB = 10^6 bytes)",
     ["method", "best s", "MB/s", "runs ok", "spread", "command"], 0),
    ("Ratios (as-tail pass-through = headline; -q shown for reference)",
     ["ratio", "as-tail", "as-tail -q", "target", "status"], 1),
    ("Event rules' cost (pass-through MB/s with the rules' event blocks and without them)",
     ["rules", "events", "with MB/s", "without MB/s", "with/without", "target", "status"], 5),
    ("Memory", ["measure", "value", "target", "status"], 2),
    ("Checks", ["check", "result"], 3),
    ("Environment", ["item", "value"], 4),
]


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--input", required=True)
    ap.add_argument("--huge", required=True)
    ap.add_argument("--rules", required=True)
    ap.add_argument("--as-tail", required=True)
    ap.add_argument("--as-tail-opts", default="-n",
                    help="options put before -r for every as-tail run (default: -n, dry run)")
    ap.add_argument("--patterns", required=True, help="directory from rules2patterns.py")
    ap.add_argument("--rg")
    ap.add_argument("--grep", default=shutil.which("grep"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--timeout", type=float, default=900.0, help="seconds per single run")
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--markdown", required=True)
    ap.add_argument("--input-note", default="")
    ap.add_argument("--patterns-note", default="")
    ap.add_argument("--skipped", default="", help="file with the rules2patterns summary")
    ap.add_argument("--events", nargs=3, action="append", default=[],
                    metavar=("RULES_FILE", "STRIPPED", "N"),
                    help="time RULES_FILE against STRIPPED, the same without its N events")
    a = ap.parse_args(argv)
    a.runs = max(1, min(a.runs, 20))
    a.as_tail_opts = shlex.split(a.as_tail_opts)
    a.events = [argparse.Namespace(rules=r, stripped=st, count=int(n),
                                   name=os.path.basename(r).rsplit(".rules", 1)[0])
                for r, st, n in a.events]
    # SIGTERM/SIGHUP -> SystemExit, so run() kills its children on the way out
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda signum, frame: sys.exit(128 + signum))

    meta = {"load_start": loadavg(), "input_note": a.input_note, "patterns_note": a.patterns_note}
    with open(a.input, "rb") as fh:
        c = subprocess.run(["wc", "-l"], stdin=fh, capture_output=True, timeout=a.timeout)
    meta["lines"] = int(c.stdout.split()[0]) if c.returncode == 0 else 0

    methods = build_methods(a, a.workdir)
    sys.stderr.write("measuring %d methods x %d runs ...\n" % (len(methods), a.runs))
    measure(methods, a, a.workdir)
    sys.stderr.write("checking pass-through output ...\n")
    pt = passthrough_check(a, a.workdir)
    sys.stderr.write("single huge line ...\n")
    huge = huge_check(a, a.workdir)
    parts = report(a, methods, pt, huge, meta)

    skipped = ""
    if a.skipped and os.path.exists(a.skipped):
        with open(a.skipped) as fh:
            skipped = fh.read().strip()

    text = ["as-tail benchmark"]
    md = ["### as-tail benchmark (%s)" % parts[4][0][1], "",
          "Generated by `make bench` (bench/run.sh). Only the ratios are comparable across "
          "machines; MB/s are from one run on a shared machine.", ""]
    for title, header, idx in SECTIONS:
        if not parts[idx]:
            continue
        text += ["", title, text_table(parts[idx], header)]
        md += ["**%s**" % title, "", md_table(parts[idx], header), ""]
    if skipped:
        text += ["", "Pattern extraction", skipped]
        md += ["**Pattern extraction**", "", "```", skipped, "```", ""]
    for m in methods:
        if m.errors and hasattr(m, "stderr_file"):
            t = tail(m.stderr_file)
            if t:
                text += ["", "%s stderr (tail):" % m.key, t]
    print("\n".join(text))
    with open(a.markdown, "w") as fh:
        fh.write("\n".join(md).rstrip() + "\n")

    failed = any(not m.times for m in methods if m.key.startswith("as-tail"))
    failed = failed or not pt[0] or not huge["identical"]
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        sys.stderr.write("measure: interrupted\n")
        sys.exit(130)
