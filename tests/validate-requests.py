#!/usr/bin/env python3
"""Checks as-tail --dry-run output against the ActivitySmith API.

This file owns the offline check of a request stream.  Each input line
is one JSON object {"method": ..., "path": ..., "body": {...}}, the
format as-tail prints with --dry-run; "body" may be absent or null when
there is none, and other keys are ignored.  Every request is validated
with asapi.validate(), and a little lifecycle state is kept per file:

  - a PUT on a stream key not seen before (or seen DELETEd) is a first
    PUT and needs the full start fields; later PUTs know the type;
  - no start or first PUT may exceed the concurrent Live Activity cap
    (--max-activities, default 4; 0 turns the check off);
  - if any start line carries an id ("activity_id" at the top level or
    in "reply"), update and end must name an id started earlier and not
    yet ended.

Output is one "LINE: problem" per problem ("FILE:LINE: problem" when
more than one file is given), like grep.  Exit status: 0 no problems,
1 some problem, 2 usage error or unreadable input.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import asapi  # noqa: E402

PROG = "validate-requests.py"


class Lifecycle:
    """What one request stream has started and ended so far."""

    def __init__(self, max_activities):
        self.max_activities = max_activities
        self.streams = {}          # stream key -> type
        self.ids = {}              # legacy activity id -> type, or None
        self.tracking_ids = False  # some start carried an id
        self.legacy_open = 0

    def open_count(self):
        return len(self.streams) + self.legacy_open

    def context(self, route, body):
        """(first_put, known_type) to validate this request with."""
        if "stream_key" in route.params:
            key = route.params["stream_key"]
            return key not in self.streams, self.streams.get(key)
        activity_id = body.get("activity_id") if isinstance(body, dict) \
            else None
        return True, self.ids.get(activity_id) if isinstance(
            activity_id, str) else None

    def record(self, route, line, body):
        """Applies one valid request; returns lifecycle problems."""
        op = route.operation
        cs = body.get("content_state", {}) if isinstance(body, dict) else {}
        if op == "startLiveActivity":
            return self._start(line, cs.get("type"))
        if op in ("updateLiveActivity", "endLiveActivity"):
            return self._legacy(op == "endLiveActivity", body)
        if op == "reconcileLiveActivityStream":
            return self._put(route.params["stream_key"], cs.get("type"))
        if op == "endLiveActivityStream":
            self.streams.pop(route.params["stream_key"], None)
        return []

    def _over_cap(self):
        if self.max_activities and self.open_count() >= self.max_activities:
            return ["starts Live Activity number %d; the limit is %d" % (
                self.open_count() + 1, self.max_activities)]
        return []

    def _start(self, line, kind):
        problems = self._over_cap()
        self.legacy_open += 1
        activity_id = line.get("activity_id") or \
            (line.get("reply") or {}).get("activity_id")
        if isinstance(activity_id, str):
            self.tracking_ids = True
            self.ids[activity_id] = kind
        return problems

    def _legacy(self, ending, body):
        activity_id = body["activity_id"]
        if self.tracking_ids and activity_id not in self.ids:
            return ["activity_id %s was not started earlier, or has "
                    "ended" % asapi.show(activity_id)]
        if ending:
            self.ids.pop(activity_id, None)
            self.legacy_open = max(0, self.legacy_open - 1)
        return []

    def _put(self, key, kind):
        problems = [] if key in self.streams else self._over_cap()
        self.streams[key] = kind or self.streams.get(key)
        return problems


def check_line(text, lifecycle):
    """Returns the problems of one input line (may update lifecycle)."""
    line, problem = asapi.parse_json(text)
    if problem:
        return [problem]
    if not isinstance(line, dict):
        return ["expected a JSON object with method, path and body"]
    method, path, body = line.get("method"), line.get("path"), \
        line.get("body")
    if not isinstance(method, str) or not isinstance(path, str):
        return ["method and path must be strings"]
    try:
        route = asapi.route(method, path.partition("?")[0])
    except asapi.RouteError as e:
        return [e.message]
    first_put, known_type = lifecycle.context(route, body)
    problems = asapi.validate(method, path, body, first_put=first_put,
                              known_type=known_type)
    if problems:
        return problems
    return lifecycle.record(route, line, body)


def check_stream(stream, prefix, max_activities, out):
    """Checks every line of a binary stream; returns the problem count."""
    lifecycle = Lifecycle(max_activities)
    count = 0
    for number, text in enumerate(stream, 1):
        if not text.strip():
            continue
        for problem in check_line(text, lifecycle):
            out.write("%s%d: %s\n" % (prefix, number, problem))
            count += 1
    return count


def main(argv):
    p = argparse.ArgumentParser(
        prog=PROG, description="Validate as-tail --dry-run request lines.")
    p.add_argument("files", nargs="*", metavar="FILE",
                   help="input files (default or -: standard input)")
    p.add_argument("--max-activities", type=int, default=4,
                   help="concurrent Live Activity cap, 0 off (default 4)")
    opts = p.parse_args(argv)
    files = opts.files or ["-"]
    problems = 0
    for name in files:
        prefix = name + ":" if len(files) > 1 else ""
        try:
            if name == "-":
                problems += check_stream(sys.stdin.buffer, prefix,
                                         opts.max_activities, sys.stdout)
                continue
            with open(name, "rb") as f:
                problems += check_stream(f, prefix, opts.max_activities,
                                         sys.stdout)
        except OSError as e:
            sys.stderr.write("%s: %s: %s\n" % (PROG, name, e.strerror))
            return 2
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
