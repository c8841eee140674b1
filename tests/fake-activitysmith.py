#!/usr/bin/env python3
"""Fake ActivitySmith API server for the as-tail tests.

This file owns a stand-in for https://activitysmith.com/api that runs on
127.0.0.1 only.  It checks the bearer key, validates every body against
the OpenAPI spec (tests/asapi.py), keeps the state the real service
keeps (legacy activity ids, managed streams, the 4-activity cap, a
sliding-window rate limit, known widget metrics) and answers with
spec-shaped replies.  Every API request is appended to a JSON-lines log
that tests compare.

With --ratelimit-headers every reply carries the IETF draft headers
RateLimit-Policy and RateLimit (and a rate-limit 429 a Retry-After);
--push-rate gives pushes a budget of their own, named "push" in those
headers, and --time-scale N runs the rate window N times faster while
the headers still speak of unscaled seconds, for the benchmark.

Tests inject failures through fault rules, given with --faults FILE or
at run time through the control API under /_control/ (no key needed):
429 with or without Retry-After, the activity-cap 429, 5xx with a JSON,
HTML or any other body, a delay, a dropped connection, a refused listener
for a while, or an API key that expires.  A fault that fires changes no
state but is logged with its name.  Three faults spoil only the way the
reply travels, so that alone they let the request be processed first:
"cut" closes the connection halfway through the body, "trickle" sends the
body a byte at a time over that many seconds, and "huge" announces a
2 GiB body and sends up to 1 MiB of it.  "during": N limits a rule to
the N seconds after it was set.

A stream PUT answers every operation of the spec: started, updated, noop,
rotated (the next PUT on a stream after POST /_control/rotate
{"stream_key": K}: a new activity_id and previous_activity_id, as the
service does before iOS ends an activity at 8 hours) and paused (a stream
paused with POST /_control/pause {"stream_key": K, "paused": true}:
nothing changes, activity_id null).

It is also the local simulator (make sim): GET / serves a page that
draws what a phone would show, live (sim/lockscreen.py and .html).

Run with --help for the options; the bats helpers are in
tests/helpers/fake-server.bash.
"""

import argparse
import collections
import datetime
import http
import http.server
import json
import math
import os
import re
import signal
import socket
import socketserver
import ssl
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "sim"))
import asapi  # noqa: E402
import lockscreen  # noqa: E402

PROG = "fake-activitysmith"
HOST = "127.0.0.1"
MAX_BODY_BYTES = 1 << 20
HUGE_BODY_BYTES = 2 << 30       # what fault "huge" announces
HUGE_SENT_BYTES = 1 << 20       # and how much of it it sends

RATE_LIMIT_BODY = {"error": "Rate limit exceeded",
                   "message": "Too many requests, please try again later."}


def limit_body(limit, active):
    """The exact LiveActivityLimitError body."""
    return {"error": "Live Activity limit reached",
            "message": "Only %d concurrent Live Activities are allowed "
                       "per account" % limit,
            "limit": limit, "active": active}


def error_body(status, message):
    return {"error": http.HTTPStatus(status).phrase, "message": message}


def now_iso():
    """Current UTC time as ISO-8601 with milliseconds, like the service."""
    now = datetime.datetime.now(datetime.timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (
        now.microsecond // 1000)


class Reply:
    """What to send back for one request, and what to log about it."""

    def __init__(self, status, body=None, text=None, content_type=None,
                 drop=False):
        self.status = status
        self.body = body            # JSON-able, sent compact
        self.text = text            # or a non-JSON body
        self.content_type = content_type or "application/json"
        self.headers = []
        self.drop = drop            # close the connection, send nothing
        self.transport = None       # a rule's cut, trickle or huge
        self.log = {}               # extra log fields: operation, fault...

    def payload(self):
        """Returns the reply body as bytes."""
        if self.text is not None:
            return self.text.encode()
        return json.dumps(self.body, separators=(",", ":")).encode()


# ------------------------------------------------------------------ faults

class RuleError(ValueError):
    pass


class Rule:
    """One fault rule: which requests it matches and what it does."""

    FIELDS = {"name": str, "path": str, "method": str, "count": int,
              "after": int, "status": int, "retry_after": (int, float, str),
              "limit": bool, "html": bool, "body": object,
              "delay": (int, float), "drop": bool,
              "refuse_for": (int, float), "expire_key": bool,
              "queued": bool, "text": str, "cut": bool,
              "trickle": (int, float), "huge": bool,
              "during": (int, float)}
    TERMINAL = ("status", "drop", "refuse_for", "expire_key")
    TRANSPORT = ("cut", "trickle", "huge")

    def __init__(self, spec):
        if not isinstance(spec, dict):
            raise RuleError("a fault rule must be a JSON object")
        for key, value in spec.items():
            self._check_field(key, value)
        self.spec = spec
        self.path = re.compile(spec["path"]) if "path" in spec else None
        self.method = spec.get("method", "").upper() or None
        self.count = spec.get("count", 1)
        self.after = spec.get("after", 0)
        self.matched = 0
        self.fired = 0
        self.since = time.monotonic()   # for "during"
        self._check_actions()
        self.name = spec.get("name") or self._default_name()

    def _check_field(self, key, value):
        if key not in self.FIELDS:
            raise RuleError("unknown fault rule key %r" % key)
        kind = self.FIELDS[key]
        is_bool = isinstance(value, bool)
        if kind is not object and (is_bool != (kind is bool) or
                                   not isinstance(value, kind)):
            raise RuleError("fault rule %r has the wrong type" % key)
        if key == "path":
            try:
                re.compile(value)
            except re.error as e:
                raise RuleError("fault rule path: %s" % e)
        in_range = {"count": lambda v: v >= -1,
                    "after": lambda v: v >= 0,
                    "delay": lambda v: v >= 0,
                    "refuse_for": lambda v: v > 0,
                    "trickle": lambda v: 0 < v <= 60,
                    "during": lambda v: v > 0,
                    "status": lambda v: 100 <= v <= 599}
        if key in in_range and not in_range[key](value):
            raise RuleError("fault rule %r is out of range" % key)

    def _check_actions(self):
        terminal = [k for k in self.TERMINAL if self.spec.get(k)]
        if len(terminal) > 1:
            raise RuleError("fault rule has more than one of %s" %
                            ", ".join(terminal))
        transport = [k for k in self.TRANSPORT if self.spec.get(k)]
        if len(transport) > 1:
            raise RuleError("fault rule has more than one of %s" %
                            ", ".join(transport))
        if transport and terminal and terminal[0] != "status":
            raise RuleError("fault rule %s cannot have %s" %
                            (transport[0], terminal[0]))
        if "text" in self.spec and ("body" in self.spec or
                                    "status" not in self.spec):
            raise RuleError("fault rule text needs status and no body")
        if not terminal and not transport and not self.delay and \
                not self.queued:
            raise RuleError("fault rule has no action (status, delay, "
                            "drop, refuse_for, expire_key, queued, cut, "
                            "trickle or huge)")
        if self.spec.get("limit") and self.spec.get("status") != 429:
            raise RuleError("fault rule limit needs status 429")
        if self.queued and terminal:
            raise RuleError("fault rule queued cannot have %s" % terminal[0])

    def _default_name(self):
        for key in self.TRANSPORT + ("drop", "refuse_for", "expire_key"):
            if self.spec.get(key):
                return key
        if "status" in self.spec:
            return "limit" if self.spec.get("limit") else \
                "http_%d" % self.spec["status"]
        return "delay" if self.delay else "queued"

    @property
    def delay(self):
        return self.spec.get("delay", 0)

    @property
    def queued(self):
        return self.spec.get("queued", False)

    @property
    def transport(self):
        """("cut", True), ("trickle", seconds), ("huge", True) or None."""
        for key in self.TRANSPORT:
            if self.spec.get(key):
                return key, self.spec[key]
        return None

    @property
    def terminal(self):
        return any(self.spec.get(k) for k in self.TERMINAL)

    def matches(self, method, path):
        return (self.method is None or self.method == method) and \
            (self.path is None or self.path.search(path) is not None)

    def armed(self):
        """True if the rule would fire on its latest matching request."""
        during = self.spec.get("during")
        return self.matched > self.after and \
            (self.count == -1 or self.fired < self.count) and \
            (during is None or time.monotonic() - self.since < during)

    def describe(self):
        return dict(self.spec, name=self.name, matched=self.matched,
                    fired=self.fired)


def parse_rules(value):
    """Returns a list of Rules from decoded JSON; raises RuleError."""
    if isinstance(value, dict) and "rules" in value:
        value = value["rules"]
    if not isinstance(value, list):
        raise RuleError("faults must be a JSON list of rules")
    return [Rule(item) for item in value]


# ------------------------------------------------------------------ log

class RequestLog:
    """Numbered JSON-line records of API requests, in memory and a file."""

    def __init__(self, path, times=False):
        self.path = path
        self.times = times          # add "t": the wall-clock time
        self.file = open(path, "a", encoding="utf-8") if path else None
        self.lines = []
        self.seq = 0

    def add(self, method, path, status, body, extra):
        self.seq += 1
        entry = {"seq": self.seq, "method": method, "path": path,
                 "status": status, "body": body}
        if self.times:
            entry["t"] = round(time.time(), 4)
        entry.update(extra)
        line = json.dumps(entry, separators=(",", ":"), ensure_ascii=False,
                          allow_nan=False)
        self.lines.append(line)
        if self.file:
            self.file.write(line + "\n")
            self.file.flush()

    def reset(self):
        self.lines = []
        self.seq = 0
        if self.file:
            self.file.truncate(0)


# ------------------------------------------------------------------ state

class RateWindow:
    """Sliding-window request limit: at most `limit` per `window_s`."""

    def __init__(self, limit, window_s):
        self.limit = limit
        self.window_s = window_s
        self.times = collections.deque()

    def _expire(self, now):
        while self.times and self.times[0] <= now - self.window_s:
            self.times.popleft()

    def allow(self, now):
        """Records and allows a request, or returns False when over."""
        self._expire(now)
        if self.limit and len(self.times) >= self.limit:
            return False
        self.times.append(now)
        return True

    def remaining(self, now):
        self._expire(now)
        return max(self.limit - len(self.times), 0)

    def reset_s(self, now):
        """Seconds until the oldest request leaves the window."""
        self._expire(now)
        if not self.times:
            return 0.0
        return self.times[0] + self.window_s - now


class Service:
    """The fake API: auth, limits, validation and account state.

    Every method that touches state runs under self.lock, so requests
    are processed and logged one at a time in arrival order.
    """

    def __init__(self, opts, listener_ref):
        self.opts = opts
        self.listener = listener_ref      # callable returning the Listener
        self.lock = threading.Lock()
        self.log = RequestLog(opts.log, opts.log_times)
        self.rules = []
        self.screen = lockscreen.Screen()
        self.reset()

    def reset(self):
        self.activities = {}     # legacy activity id -> {type, open}
        self.streams = {}        # stream key -> {activity_id, type, last}
        self.paused = set()      # stream keys paused (via MCP, for real)
        self.rotate = set()      # stream keys whose next PUT rotates
        self.metrics = {key: None for key in self.opts.metric}
        self.badge = None
        self.pushes = 0
        self.next_id = 1
        self.by_status = collections.Counter()
        self.key_expired = False
        scale = self.opts.time_scale
        self.rate = RateWindow(self.opts.rate, self.opts.rate_window / scale)
        self.push_rate = RateWindow(self.opts.push_rate,
                                    self.opts.rate_window / scale) \
            if self.opts.push_rate else None
        if hasattr(self, "screen"):
            self.screen.reset()

    def open_activities(self):
        return len(self.streams) + sum(
            1 for a in self.activities.values() if a["open"])

    # ---- entry point for API requests

    def api(self, method, path, headers, raw):
        """Handles one API request; returns the Reply to send."""
        listener = self.listener()
        if listener.refusing():
            return self._record(method, path, raw, self._dropped("refuse"))
        with self.lock:
            rule = self._pick_rule(method, path)
        if rule and rule.delay:
            time.sleep(rule.delay)
        with self.lock:
            if rule and rule.terminal:
                reply = self._fault_reply(rule)
            else:
                reply = self._process(method, path, headers, raw,
                                      rule is not None and rule.queued)
                if rule:
                    reply.log["fault"] = rule.name
            if rule:
                reply.transport = rule.transport
            self._log(method, path, raw, reply)
        if rule and rule.spec.get("refuse_for"):
            listener.refuse(rule.spec["refuse_for"])
        return reply

    def _record(self, method, path, raw, reply):
        with self.lock:
            self._log(method, path, raw, reply)
        return reply

    def _log(self, method, path, raw, reply):
        body, _ = asapi.parse_json(raw)
        status = None if reply.drop else reply.status
        self.by_status["dropped" if status is None else str(status)] += 1
        self.log.add(method, path, status, body, reply.log)
        self.screen.observe(method, path, status, body, reply.body)

    def _pick_rule(self, method, path):
        """Returns the rule that fires for this request, or None.

        Every matching rule counts the request (for "after"); only the
        first armed one fires, so a list of one-shot rules plays out in
        order.
        """
        fired = None
        for rule in self.rules:
            if not rule.matches(method, path):
                continue
            rule.matched += 1
            if fired is None and rule.armed():
                rule.fired += 1
                fired = rule
        return fired

    def _dropped(self, name):
        reply = Reply(None, drop=True)
        reply.log["fault"] = name
        return reply

    def _fault_reply(self, rule):
        spec = rule.spec
        if spec.get("drop") or spec.get("refuse_for"):
            return self._dropped(rule.name)
        if spec.get("expire_key"):
            self.key_expired = True
            reply = Reply(401, error_body(401, "Invalid API key"))
        else:
            reply = self._status_reply(spec)
        reply.log["fault"] = rule.name
        return reply

    def _status_reply(self, spec):
        status = spec["status"]
        if spec.get("html"):
            phrase = "%d %s" % (status, http.HTTPStatus(status).phrase)
            reply = Reply(status, text="<html><head><title>%s</title>"
                          "</head><body><h1>%s</h1></body></html>\n" %
                          (phrase, phrase), content_type="text/html")
        elif "body" in spec:
            reply = Reply(status, spec["body"])
        elif "text" in spec:
            reply = Reply(status, text=spec["text"])
        elif status == 429 and spec.get("limit"):
            n = self.opts.max_activities or 4
            reply = Reply(429, limit_body(n, n))
        elif status == 429:
            reply = Reply(429, dict(RATE_LIMIT_BODY))
        else:
            reply = Reply(status, error_body(status, "injected fault"))
        if "retry_after" in spec:
            reply.headers.append(("Retry-After", str(spec["retry_after"])))
        return reply

    # ---- normal processing

    def _process(self, method, path, headers, raw, queued):
        """Auth, rate limit, routing, validation, then the endpoint."""
        problem = self._auth_problem(headers.get("Authorization"))
        if problem:
            return Reply(401, error_body(401, problem))
        name, window = self._window(path)
        now = time.monotonic()
        if not window.allow(now):
            reply = Reply(429, dict(RATE_LIMIT_BODY))
            if self.opts.ratelimit_headers:
                reply.headers.append(("Retry-After", str(math.ceil(
                    window.reset_s(now) * self.opts.time_scale))))
                self._ratelimit_headers(reply, name, window, now)
            return reply
        reply = self._route(method, path, headers, raw, queued)
        if self.opts.ratelimit_headers:
            self._ratelimit_headers(reply, name, window, now)
        return reply

    def _window(self, path):
        """The name and RateWindow that count a request to path."""
        if self.push_rate and path.startswith("/push-notification"):
            return "push", self.push_rate
        return "default", self.rate

    def _ratelimit_headers(self, reply, name, window, now):
        """RateLimit-Policy and RateLimit (draft-ietf-httpapi-ratelimit-
        headers), in unscaled seconds."""
        scale = self.opts.time_scale
        reply.headers.append(("RateLimit-Policy", '"%s";q=%d;w=%d' % (
            name, window.limit, round(window.window_s * scale))))
        reply.headers.append(("RateLimit", '"%s";r=%d;t=%d' % (
            name, window.remaining(now),
            math.ceil(window.reset_s(now) * scale))))

    def _route(self, method, path, headers, raw, queued):
        """Routing, validation, then the endpoint."""
        try:
            route = asapi.route(method, path.partition("?")[0])
        except asapi.RouteError as e:
            return Reply(e.status, error_body(e.status, e.message))
        body, problem = self._decode(headers, raw)
        if problem:
            return self._bad_request(route, [problem])
        first_put, known_type = self._context(route, body)
        problems = asapi.validate(method, path, body, first_put=first_put,
                                  known_type=known_type)
        if problems:
            return self._bad_request(route, problems)
        handler = getattr(self, "_op_" + route.operation)
        return handler(route, body or {}, queued)

    def _auth_problem(self, header):
        if self.key_expired:
            return "Invalid API key"
        if not header:
            return "Missing API key"
        scheme, _, key = header.partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            return "Authorization must be Bearer <key>"
        if key.strip() != self.opts.key and not self.opts.any_key:
            return "Invalid API key"
        return None

    def _decode(self, headers, raw):
        if not raw:
            return None, None
        ctype = headers.get("Content-Type", "")
        if ctype.split(";")[0].strip().lower() != "application/json":
            return None, "Content-Type must be application/json, got %s" % (
                ctype or "none")
        return asapi.parse_json(raw)

    def _bad_request(self, route, problems):
        if route.operation == "updateMetricValue":
            reply = Reply(400, {"error": problems[0]})
        else:
            reply = Reply(400, error_body(400, problems[0]))
        reply.log["problems"] = problems
        return reply

    def _context(self, route, body):
        """(first_put, known_type) for validating this request."""
        if "stream_key" in route.params:
            stream = self.streams.get(route.params["stream_key"])
            return stream is None, stream and stream["type"]
        if isinstance(body, dict) and isinstance(body.get("activity_id"),
                                                 str):
            activity = self.activities.get(body["activity_id"])
            return True, activity and activity["type"]
        return True, None

    def _ok(self, fields):
        reply = {"success": True}
        reply.update(fields)
        reply["timestamp"] = now_iso()
        return Reply(200, reply)

    @staticmethod
    def _delivery(queued):
        return {"devices_queued": 1, "devices_notified": 0} if queued \
            else {"devices_notified": 1}

    def _new_id(self):
        activity_id = "act_%d" % self.next_id
        self.next_id += 1
        return activity_id

    def _over_limit(self):
        cap = self.opts.max_activities
        active = self.open_activities()
        if cap and active >= cap:
            return Reply(429, limit_body(cap, active))
        return None

    # ---- endpoints, named after the spec's operationId

    def _op_sendPushNotification(self, route, body, queued):
        self.pushes += 1
        fields = {"devices_notified": 1, "users_notified": 1}
        if "target" in body:
            fields["effective_channel_slugs"] = body["target"]["channels"]
        return self._ok(fields)

    def _op_updateAppIconBadgeCount(self, route, body, queued):
        self.badge = body["badge"]
        return self._ok({
            "badge": body["badge"], "devices_notified": 1,
            "users_notified": 1,
            "effective_channel_slugs": body.get("target", {}).get("channels")})

    def _op_startLiveActivity(self, route, body, queued):
        over = self._over_limit()
        if over:
            return over
        activity_id = self._new_id()
        self.activities[activity_id] = {
            "type": body["content_state"]["type"], "open": True}
        fields = {"activity_id": activity_id, "devices_notified": 1,
                  "users_notified": 1}
        if "target" in body:
            fields["effective_channel_slugs"] = body["target"]["channels"]
        return self._ok(fields)

    def _legacy_activity(self, body):
        activity = self.activities.get(body["activity_id"])
        if activity is None or not activity["open"]:
            return None, Reply(404, error_body(
                404, "Live Activity not found or already ended: %s" %
                body["activity_id"]))
        activity["type"] = body["content_state"].get("type",
                                                     activity["type"])
        return activity, None

    def _op_updateLiveActivity(self, route, body, queued):
        _, missing = self._legacy_activity(body)
        if missing:
            return missing
        fields = {"activity_id": body["activity_id"]}
        fields.update(self._delivery(queued))
        return self._ok(fields)

    def _op_endLiveActivity(self, route, body, queued):
        activity, missing = self._legacy_activity(body)
        if missing:
            return missing
        activity["open"] = False
        fields = {"activity_id": body["activity_id"]}
        fields.update(self._delivery(queued))
        return self._ok(fields)

    def _op_reconcileLiveActivityStream(self, route, body, queued):
        key = route.params["stream_key"]
        if key in self.paused:
            # Paused: nothing is sent and nothing changes (spec: paused,
            # activity_id null).
            reply = self._ok({"operation": "paused", "stream_key": key,
                              "activity_id": None})
            reply.log["operation"] = "paused"
            return reply
        stream = self.streams.get(key)
        state = [body["content_state"], body.get("action"),
                 body.get("secondary_action")]
        previous = None
        if stream is None:
            over = self._over_limit()
            if over:
                return over
            stream = {"activity_id": self._new_id(), "type": None}
            self.streams[key] = stream
            operation = "started"
        elif key in self.rotate:
            # Rotated: the old activity ended, a new one started with this
            # state (the service does so before iOS ends it at 8 hours).
            self.rotate.discard(key)
            previous = stream["activity_id"]
            stream["activity_id"] = self._new_id()
            operation = "rotated"
        elif stream["last"] == state:
            operation = "noop"
        else:
            operation = "updated"
        stream["type"] = body["content_state"].get("type", stream["type"])
        stream["last"] = state
        fields = {"operation": operation, "stream_key": key,
                  "activity_id": stream["activity_id"]}
        if previous:
            fields["previous_activity_id"] = previous
        if operation != "noop":
            fields.update(self._delivery(queued))
            fields["users_notified"] = 1
        channels = body.get("channels") or \
            body.get("target", {}).get("channels")
        if channels:
            fields["effective_channel_slugs"] = channels
        reply = self._ok(fields)
        reply.log["operation"] = operation
        return reply

    def _op_endLiveActivityStream(self, route, body, queued):
        key = route.params["stream_key"]
        stream = self.streams.pop(key, None)
        if stream is None:
            return Reply(404, {
                "error": "Live Activity stream not found",
                "message": "No Live Activity stream found for stream_key: "
                           + key})
        fields = {"operation": "ended", "stream_key": key,
                  "activity_id": stream["activity_id"]}
        fields.update(self._delivery(queued))
        reply = self._ok(fields)
        reply.log["operation"] = "ended"
        return reply

    def _op_updateMetricValue(self, route, body, queued):
        key = route.params["key"]
        if key not in self.metrics:
            return Reply(404, {"error": "Metric not found"})
        self.metrics[key] = body["value"]
        return Reply(200, {"success": True})

    # ---- control API

    def control(self, method, path, raw):
        """Handles /_control/...; returns the Reply."""
        action = "%s %s" % (method, path.partition("?")[0])
        body, problem = asapi.parse_json(raw)
        if problem:
            return Reply(400, error_body(400, problem))
        with self.lock:
            if action == "GET /_control/log":
                text = "".join(line + "\n" for line in self.log.lines)
                return Reply(200, text=text,
                             content_type="application/x-ndjson")
            if action == "GET /_control/state":
                return Reply(200, self.describe())
            if action == "GET /_control/faults":
                return Reply(200, [r.describe() for r in self.rules])
            if action == "POST /_control/faults":
                return self._set_rules(body)
            if action == "POST /_control/reset":
                self.reset()
                self.rules = []
                self.log.reset()
                return Reply(200, {"success": True})
        if action == "POST /_control/pause":
            return self._pause(body)
        if action == "POST /_control/rotate":
            if not isinstance(body, dict) or \
                    not isinstance(body.get("stream_key"), str):
                return Reply(400, error_body(400, "need {\"stream_key\": K}"))
            with self.lock:
                self.rotate.add(body["stream_key"])
            return Reply(200, {"success": True})
        if action == "POST /_control/refuse":
            seconds = (body or {}).get("seconds") \
                if isinstance(body, dict) else None
            if json_number(seconds) is None or seconds <= 0:
                return Reply(400, error_body(400, "need {\"seconds\": N}"))
            self.listener().refuse(seconds)
            return Reply(200, {"success": True})
        return Reply(404, error_body(404, "no control endpoint " + action))

    def _pause(self, body):
        """{"stream_key": K, "paused": true|false}: pause or resume K."""
        if not isinstance(body, dict) or \
                not isinstance(body.get("stream_key"), str) or \
                not isinstance(body.get("paused"), bool):
            return Reply(400, error_body(
                400, "need {\"stream_key\": K, \"paused\": true|false}"))
        with self.lock:
            if body["paused"]:
                self.paused.add(body["stream_key"])
            else:
                self.paused.discard(body["stream_key"])
        return Reply(200, {"success": True})

    def _set_rules(self, body):
        try:
            self.rules = parse_rules(body)
        except RuleError as e:
            return Reply(400, error_body(400, str(e)))
        return Reply(200, {"success": True, "rules": len(self.rules)})

    def describe(self):
        return {
            "open_activities": self.open_activities(),
            "max_activities": self.opts.max_activities,
            "activities": self.activities,
            "streams": {k: {"activity_id": s["activity_id"],
                            "type": s["type"],
                            "content_state": s["last"][0]}
                        for k, s in self.streams.items()},
            "metrics": self.metrics,
            "badge": self.badge,
            "pushes": self.pushes,
            "requests": self.log.seq,
            "by_status": dict(self.by_status),
            "rate_used": len(self.rate.times),
            "key_expired": self.key_expired,
            "refusing": self.listener().refusing(),
        }


def json_number(value):
    return value if asapi.json_type(value) in ("integer", "number") \
        else None


# ------------------------------------------------------------------ HTTP

class Handler(http.server.BaseHTTPRequestHandler):
    """HTTP/1.1 with keep-alive; hands each request to the Service."""

    protocol_version = "HTTP/1.1"
    # Replies go out in two writes; without this Nagle's algorithm and the
    # client's delayed ACK hold each reply back ~40 ms.
    disable_nagle_algorithm = True
    server_version = "fake-activitysmith/1"
    timeout = 120

    def setup(self):
        if isinstance(self.request, ssl.SSLSocket):
            self.request.settimeout(10)
            self.request.do_handshake()
        super().setup()

    def log_message(self, format, *args):
        pass

    def _serve(self):
        raw, problem = self._read_body()
        if problem:
            self.close_connection = True
            self._send(Reply(400, error_body(400, problem)))
            return
        service = self.server.service
        if self.command == "GET" and self._serve_sim(service.screen):
            return
        if self.path.startswith("/_control/"):
            if not self.client_address[0].startswith("127."):
                reply = Reply(403, error_body(403, "loopback only"))
            else:
                reply = service.control(self.command, self.path, raw)
        else:
            reply = service.api(self.command, self.path, self.headers, raw)
        self._send(reply)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

    def _serve_sim(self, screen):
        """Serves the simulator's page, snapshot and event stream;
        returns False for any other path."""
        path = self.path.partition("?")[0]
        if path in ("/", "/index.html"):
            self._send(Reply(200, text=lockscreen.page_text(),
                             content_type="text/html; charset=utf-8"))
        elif path == "/_sim/state":
            self._send(Reply(200, screen.snapshot()))
        elif path == "/_sim/events":
            self._stream_events(screen)
        else:
            return False
        return True

    def _stream_events(self, screen):
        """Server-sent events until the client goes or the server stops."""
        self.close_connection = True
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Connection", "close")
            self.end_headers()
            for snapshot in screen.events():
                self.wfile.write(lockscreen.sse_bytes(snapshot))
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            pass

    def _read_body(self):
        """Returns (bytes, None) or (None, problem) for the request body."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        length = self.headers.get("Content-Length")
        if length is None:
            return b"", None
        if not length.strip().isdigit():
            return None, "bad Content-Length"
        if int(length) > MAX_BODY_BYTES:
            return None, "body too large"
        return self.rfile.read(int(length)), None

    def _read_chunked(self):
        data = b""
        while True:
            line = self.rfile.readline(100).split(b";")[0].strip()
            try:
                size = int(line, 16)
            except ValueError:
                return None, "bad chunk size"
            if size == 0:
                while self.rfile.readline(1000).strip():
                    pass            # trailers
                return data, None
            if len(data) + size > MAX_BODY_BYTES:
                return None, "body too large"
            data += self.rfile.read(size)
            self.rfile.readline(3)

    def _send(self, reply):
        if reply.drop:
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        payload = reply.payload()
        kind = reply.transport[0] if reply.transport else None
        try:
            self.send_response(reply.status)
            for name, value in reply.headers:
                self.send_header(name, value)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(
                HUGE_BODY_BYTES if kind == "huge" else len(payload)))
            if self.close_connection or kind in ("cut", "huge"):
                self.send_header("Connection", "close")
            self.end_headers()
            if kind is None:
                self.wfile.write(payload)
            else:
                getattr(self, "_send_" + kind)(payload, reply.transport[1])
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            self.close_connection = True

    def _send_cut(self, payload, _):
        """Half the body, then the connection closes."""
        self.close_connection = True
        self.wfile.write(payload[:len(payload) // 2])
        self.wfile.flush()
        self.connection.shutdown(socket.SHUT_RDWR)

    def _send_trickle(self, payload, seconds):
        """The body a byte at a time, spread over seconds."""
        for i in range(len(payload)):
            self.wfile.write(payload[i:i + 1])
            self.wfile.flush()
            time.sleep(seconds / len(payload))

    def _send_huge(self, payload, _):
        """The body goes on as padding inside it: never valid JSON."""
        self.close_connection = True
        if payload.endswith(b"}"):
            payload = payload[:-1] + b',"pad":"'
        self.wfile.write(payload)
        chunk = b"a" * 65536
        for _ in range(HUGE_SENT_BYTES // len(chunk)):
            self.wfile.write(chunk)
        self.wfile.flush()
        self.connection.shutdown(socket.SHUT_RDWR)


class Listener(socketserver.ThreadingMixIn, http.server.HTTPServer):
    """The listening socket, on 127.0.0.1 only, that can be taken down
    for a while (refuse) and reopened on the same port."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, port, ssl_ctx, service):
        self.ssl_ctx = ssl_ctx
        self.service = service
        self.refused_until = 0.0
        self.listening = False
        self.stopping = False
        self.guard = threading.Lock()
        super().__init__((HOST, port), Handler)

    def server_bind(self):
        # HTTPServer.server_bind would do a slow reverse DNS lookup.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def get_request(self):
        conn, addr = self.socket.accept()
        if self.ssl_ctx:
            conn = self.ssl_ctx.wrap_socket(conn, server_side=True,
                                            do_handshake_on_connect=False)
        return conn, addr

    def handle_error(self, request, client_address):
        err = sys.exc_info()[1]
        if not isinstance(err, (OSError, ssl.SSLError)):
            super().handle_error(request, client_address)

    def start(self):
        self.listening = True
        threading.Thread(target=self.serve_forever, args=(0.05,),
                         daemon=True).start()

    def _close(self):
        if self.listening:
            self.shutdown()
            self.listening = False
        self.socket.close()

    def refusing(self):
        return time.monotonic() < self.refused_until

    def refuse(self, seconds):
        """Closes the listening socket now and reopens it after seconds."""
        with self.guard:
            already = self.refusing()
            self.refused_until = max(self.refused_until,
                                     time.monotonic() + seconds)
            if already or self.stopping:
                return
            self._close()
        threading.Thread(target=self._reopen_later, daemon=True).start()

    def _reopen_later(self):
        while True:
            left = self.refused_until - time.monotonic()
            if left <= 0:
                break
            time.sleep(min(left, 0.05))
        with self.guard:
            if self.stopping:
                return
            self.socket = socket.socket(self.address_family,
                                        self.socket_type)
            self.server_bind()
            self.server_activate()
            self.start()

    def stop(self):
        with self.guard:
            self.stopping = True
            if not self.refusing():
                self._close()


# ------------------------------------------------------------------ main

def parse_args(argv):
    p = argparse.ArgumentParser(
        prog=PROG, description="Fake ActivitySmith API on 127.0.0.1.")
    p.add_argument("--port", type=int, default=0,
                   help="TCP port (default 0: pick a free one)")
    p.add_argument("--port-file", help="write the port here once listening")
    p.add_argument("--log", help="append one JSON line per API request")
    p.add_argument("--log-times", action="store_true",
                   help='give each log line "t", the time it was answered '
                        "(seconds since the epoch), for the benchmark")
    p.add_argument("--any-key", action="store_true",
                   help="accept any bearer key")
    p.add_argument("--sim", action="store_true",
                   help="the local simulator: --any-key, and say where the "
                        "lock-screen page is")
    p.add_argument("--key", default="ask_test_key",
                   help="expected bearer key (default ask_test_key)")
    p.add_argument("--rate", type=int, default=60,
                   help="requests per window, 0 unlimited (default 60)")
    p.add_argument("--rate-window", type=float, default=60.0,
                   metavar="SECONDS", help="rate window (default 60)")
    p.add_argument("--push-rate", type=int, default=0,
                   help="pushes get a budget of their own, of this many "
                        "per window (default 0: they share --rate)")
    p.add_argument("--ratelimit-headers", action="store_true",
                   help="send RateLimit-Policy and RateLimit on every "
                        "reply, and Retry-After on a rate-limit 429")
    p.add_argument("--time-scale", type=float, default=1.0,
                   metavar="N", help="run the rate window N times faster; "
                   "headers still give unscaled seconds (default 1)")
    p.add_argument("--max-activities", type=int, default=4,
                   help="concurrent Live Activities, 0 unlimited "
                        "(default 4)")
    p.add_argument("--metric", action="append", default=[], metavar="KEY",
                   help="a widget metric that exists (repeatable)")
    p.add_argument("--faults", metavar="FILE",
                   help="JSON list of fault rules to start with")
    p.add_argument("--tls-cert", metavar="FILE", help="serve HTTPS")
    p.add_argument("--tls-key", metavar="FILE")
    opts = p.parse_args(argv)
    opts.any_key = opts.any_key or opts.sim
    if bool(opts.tls_cert) != bool(opts.tls_key):
        p.error("--tls-cert and --tls-key go together")
    if opts.time_scale <= 0 or opts.push_rate < 0:
        p.error("--time-scale must be positive, --push-rate not negative")
    if opts.rate < 0 or opts.max_activities < 0 or opts.rate_window <= 0:
        p.error("--rate, --max-activities and --rate-window must not be "
                "negative")
    return opts


def load_faults(path):
    try:
        with open(path, encoding="utf-8") as f:
            return parse_rules(json.load(f))
    except (OSError, ValueError) as e:
        sys.exit("%s: %s: %s" % (PROG, path, e))


def write_port_file(path, port):
    """Writes the port atomically: readers never see a partial file."""
    tmp = "%s.tmp.%d" % (path, os.getpid())
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.replace(tmp, path)


def main(argv):
    opts = parse_args(argv)
    ssl_ctx = None
    if opts.tls_cert:
        ssl_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ssl_ctx.load_cert_chain(opts.tls_cert, opts.tls_key)
    holder = {}
    service = Service(opts, lambda: holder["listener"])
    if opts.faults:
        service.rules = load_faults(opts.faults)
    try:
        listener = Listener(opts.port, ssl_ctx, service)
    except OSError as e:
        sys.exit("%s: %s:%d: %s" % (PROG, HOST, opts.port, e.strerror))
    holder["listener"] = listener
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    listener.start()
    port = listener.server_port
    if opts.port_file:
        write_port_file(opts.port_file, port)
    if opts.sim:
        print("%s: lock screen: http://%s:%d/  (the API: --api-url "
              "http://%s:%d, any key; Ctrl-C stops)" % (PROG, HOST, port,
                                                        HOST, port),
              file=sys.stderr, flush=True)
    while not stop.wait(0.2):
        pass
    service.screen.close()
    listener.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
