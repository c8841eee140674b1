#!/usr/bin/env python3
"""check-readme-packs.py: do the tables of packs and fixtures match the tree?

Usage: check-readme-packs.py TOP

Every rules/NAME.rules must have a row in the table under "## Rule packs",
with the description from its header line, its activities and types, the
number of its `example` statements and of its real logs
(tests/fixtures/NAME/*.log); and every row must name a pack that exists.
tests/fixtures/SOURCES.md must give each fixture directory's number of
logs.  Prints each difference; exits 1 if there is one.
"""
import glob
import os
import re
import sys


def pack_row(top, path):
    name = os.path.basename(path)[:-len(".rules")]
    text = open(path, encoding="utf-8").read()
    desc = text.splitlines()[0].split(": ", 1)[1]
    acts = []
    for m in re.finditer(r"^activity (\S+)(.*(?:\n[ \t]+.*)*)", text, re.M):
        t = re.search(r"\btype=(\w+)", m.group(2))
        acts.append("%s (%s)" % (m.group(1), t.group(1) if t else "?"))
    examples = len(re.findall(r"^example ", text, re.M))
    logs = len(glob.glob(os.path.join(top, "tests/fixtures", name, "*.log")))
    return name, [desc, ", ".join(acts), str(examples), str(logs)]


def readme_rows(top):
    rows = {}
    text = open(os.path.join(top, "README.md"), encoding="utf-8").read()
    section = text.split("## Rule packs", 1)[1].split("\n## ", 1)[0]
    for line in section.splitlines():
        m = re.match(r"^\| `([\w-]+)` \| (.*) \|$", line)
        if m:
            rows[m.group(1)] = [c.strip() for c in m.group(2).split(" | ")]
    return rows


def main():
    top = sys.argv[1]
    rows = readme_rows(top)
    bad = 0
    for path in sorted(glob.glob(os.path.join(top, "rules/*.rules"))):
        name, want = pack_row(top, path)
        got = rows.pop(name, None)
        if got != want:
            print("README row for %s:\n  has  %s\n  want %s" % (name, got, want))
            bad = 1
    for name in rows:
        print("README names a pack that does not exist: %s" % name)
        bad = 1
    sources = open(os.path.join(top, "tests/fixtures/SOURCES.md"),
                   encoding="utf-8").read()
    for d in sorted(glob.glob(os.path.join(top, "tests/fixtures/*/"))):
        name = os.path.basename(os.path.dirname(d))
        logs = len(glob.glob(os.path.join(d, "*.log")))
        m = re.search(r"^\| `%s/` \| (\d+) \|" % re.escape(name), sources,
                      re.M)
        if m is None or int(m.group(1)) != logs:
            print("SOURCES.md: %s/ has %d logs, the table says %s" %
                  (name, logs, m.group(1) if m else "nothing"))
            bad = 1
    return bad


if __name__ == "__main__":
    sys.exit(main())
