#!/usr/bin/env python3
"""Write a rules file without its `event` statements: the bench's baseline.

Usage:
    strip-events.py RULES OUT

`make bench` times as-tail with RULES and with OUT on the same input, so
that the ratio shows what the multi-line event rules cost.  OUT is made
from RULES at each run and never kept, so the two cannot drift apart.

A statement begins with a word in the first column of a line; a line that
begins with blanks continues it (as-tail.rules(5), "Syntax").  So an
`event` statement is its first line and every line after it up to the next
line that begins with a word; blank and comment lines inside it are kept,
since they mean nothing.  Regexes and quoted strings never span lines, so
lines are whole units.  Prints the number of statements removed on stdout.

Exit status 0, or 2 when RULES includes another file (the included file's
events would stay, and a relative name would not be found beside OUT) or
cannot be read.  Standard library only.
"""

import sys


def statement_word(line):
    """The first word of a line that begins a statement, else None."""
    if line[:1] in ("", " ", "\t", "\r", "\f", "\v", "\n", "#"):
        return None
    word = line.split(None, 1)[0]
    return word.split(";", 1)[0]


def strip(lines):
    """(kept lines, number of event statements removed)."""
    kept, removed, in_event = [], 0, False
    for line in lines:
        word = statement_word(line)
        if word == "include":
            raise ValueError("includes another file; strip that file instead")
        if word is not None:
            in_event = word == "event"
            removed += in_event
        if not in_event:
            kept.append(line)
    return kept, removed


def main(argv):
    if len(argv) != 2:
        sys.stderr.write("usage: strip-events.py RULES OUT\n")
        return 2
    try:
        with open(argv[0], encoding="utf-8", errors="surrogateescape") as fh:
            kept, removed = strip(fh.readlines())
    except (OSError, ValueError) as e:
        sys.stderr.write("strip-events: %s: %s\n" % (argv[0], e))
        return 2
    with open(argv[1], "w", encoding="utf-8", errors="surrogateescape") as fh:
        fh.writelines(kept)
    print(removed)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
