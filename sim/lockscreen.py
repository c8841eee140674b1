"""The lock screen of the local simulator: what a phone would show.

This file owns the simulator's picture of the account's devices: every
Live Activity the fake service accepted (by stream key or legacy
activity id), its latest content state, whether it is live, ended or
dismissed, and the push notifications, app badge and widget metrics.
The fake server (tests/fake-activitysmith.py) tells a Screen about each
request it answered with a 2xx (Screen.observe); the Screen serves the
page (lockscreen.html beside this file), a JSON snapshot, and a stream of
snapshots as server-sent events, one per change.

Ended activities turn into dismissed ones when their auto-dismiss time
has passed (3 minutes by default, as the spec's schema says); the event
stream wakes up for that by itself, so the page never polls.  Only the
Python standard library is used.
"""

import json
import os
import threading
import time

PAGE = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                    "lockscreen.html")
MAX_ACTIVITIES = 64          # the oldest finished ones are forgotten first
MAX_PUSHES = 50              # newest first
DEFAULT_DISMISS_S = 180
KEEPALIVE_S = 15.0


class Screen:
    """The devices' state, built from accepted API requests."""

    def __init__(self, clock=time.time):
        self.clock = clock
        self.cond = threading.Condition()
        self.version = 0
        self.closed = False
        self.reset()

    def reset(self):
        """Forgets everything (the service's state was reset)."""
        with self.cond:
            self.activities = []     # dicts, oldest first
            self.pushes = []         # dicts, newest first
            self.badge = None
            self.metrics = {}
            self.version += 1
            self.cond.notify_all()

    # ---- what the service accepted

    def observe(self, method, path, status, body, reply):
        """Records one answered request; ignores all but 2xx replies."""
        if status is None or not 200 <= status < 300 or \
                not isinstance(body, (dict, type(None))):
            return
        body = body or {}
        reply = reply if isinstance(reply, dict) else {}
        with self.cond:
            if self._apply(method, path, body, reply):
                self.version += 1
                self.cond.notify_all()

    def _apply(self, method, path, body, reply):
        route = path.partition("?")[0]
        if method == "POST" and route == "/push-notification":
            return self._push(body)
        if method == "POST" and route == "/badge":
            self.badge = body.get("badge")
            return True
        if method == "POST" and route.startswith("/metrics/"):
            self.metrics[route.split("/")[2]] = body.get("value")
            return True
        if route.startswith("/live-activity/stream/"):
            key = route[len("/live-activity/stream/"):]
            if method == "PUT":
                return self._stream_put(key, body, reply)
            if method == "DELETE":
                return self._end(self._find("stream", key), body)
        if method == "POST" and route == "/live-activity/start":
            return self._start("legacy", reply.get("activity_id"), body,
                               reply.get("activity_id"))
        if method == "POST" and route in ("/live-activity/update",
                                          "/live-activity/end"):
            activity = self._find("legacy", body.get("activity_id"))
            if route.endswith("/end"):
                return self._end(activity, body)
            return self._update(activity, body, replace=False)
        return False

    def _push(self, body):
        push = {k: body[k] for k in ("title", "subtitle", "message", "sound",
                                     "badge", "media", "redirection",
                                     "actions") if k in body}
        push["at"] = self.clock()
        self.pushes.insert(0, push)
        del self.pushes[MAX_PUSHES:]
        return True

    def _find(self, kind, key):
        for a in reversed(self.activities):
            if a["kind"] == kind and a["key"] == key and a["ended_at"] is None:
                return a
        return None

    def _start(self, kind, key, body, activity_id):
        state = dict(body.get("content_state") or {})
        self.activities.append({
            "kind": kind, "key": key, "activity_id": activity_id,
            "type": state.get("type", "segmented_progress"),
            "state": state, "action": body.get("action"),
            "secondary_action": body.get("secondary_action"),
            "started_at": self.clock(), "updated_at": self.clock(),
            "timer_from": self.clock(),
            "ended_at": None, "dismiss_at": None})
        self._forget_old()
        return True

    def _stream_put(self, key, body, reply):
        operation = reply.get("operation")
        current = self._find("stream", key)
        if operation in ("noop", "paused"):
            return False
        if operation == "rotated" and current is not None:
            self._end(current, {})
            current = None
        if current is None:
            return self._start("stream", key, body, reply.get("activity_id"))
        return self._update(current, body, replace=True)

    def _update(self, activity, body, replace):
        if activity is None:
            return False
        state = body.get("content_state") or {}
        if "duration_seconds" in state:
            activity["timer_from"] = self.clock()
        if replace:
            activity["state"] = dict(state)
        else:
            activity["state"].update(state)
        activity["type"] = activity["state"].get("type", activity["type"])
        activity["state"]["type"] = activity["type"]
        for k in ("action", "secondary_action"):
            if k in body:
                activity[k] = body[k]
        activity["updated_at"] = self.clock()
        return True

    def _end(self, activity, body):
        if activity is None:
            return False
        if body.get("content_state"):
            self._update(activity, body, replace=False)
        state = activity["state"]
        if "auto_dismiss_seconds" in state:
            dismiss_s = state["auto_dismiss_seconds"]
        elif "auto_dismiss_minutes" in state:
            dismiss_s = 60 * state["auto_dismiss_minutes"]
        else:
            dismiss_s = DEFAULT_DISMISS_S
        now = self.clock()
        activity["ended_at"] = now
        activity["dismiss_at"] = now + dismiss_s
        return True

    def _forget_old(self):
        while len(self.activities) > MAX_ACTIVITIES:
            done = [a for a in self.activities if a["ended_at"] is not None]
            self.activities.remove(done[0] if done else self.activities[0])

    # ---- what the page reads

    def snapshot(self):
        """The whole screen as a JSON-able dict, as of now."""
        with self.cond:
            return self._snapshot(self.clock())

    def _snapshot(self, now):
        activities = []
        for a in self.activities:
            view = {k: v for k, v in a.items() if k != "dismiss_at"}
            if a["ended_at"] is None:
                view["status"] = "live"
            elif now < a["dismiss_at"]:
                view["status"] = "ended"
            else:
                view["status"] = "dismissed"
            activities.append(view)
        return {"now": now, "activities": activities, "pushes": self.pushes,
                "badge": self.badge, "metrics": self.metrics}

    def _next_dismissal(self, now):
        times = [a["dismiss_at"] for a in self.activities
                 if a["dismiss_at"] is not None and a["dismiss_at"] > now]
        return min(times) if times else None

    def events(self):
        """Yields a snapshot now and after each change (an update, or an
        ended activity reaching its dismissal time), or None as a
        keep-alive every KEEPALIVE_S; ends when the screen is closed."""
        seen = None
        while True:
            with self.cond:
                while True:
                    if self.closed:
                        return
                    now = self.clock()
                    snap = self._snapshot(now)
                    marker = (self.version, tuple(
                        a["status"] for a in snap["activities"]))
                    if marker != seen:
                        seen = marker
                        break
                    due = self._next_dismissal(now)
                    timeout = KEEPALIVE_S if due is None else \
                        min(KEEPALIVE_S, max(0.01, due - now))
                    if not self.cond.wait(timeout) and \
                            (due is None or self.clock() < due):
                        snap = None
                        break
            yield snap

    def close(self):
        """Ends every event stream (the server is stopping)."""
        with self.cond:
            self.closed = True
            self.cond.notify_all()


def page_text():
    """The page itself."""
    with open(PAGE, encoding="utf-8") as f:
        return f.read()


def sse_bytes(snapshot):
    """One server-sent event carrying SNAPSHOT, or a keep-alive comment."""
    if snapshot is None:
        return b": keep-alive\n\n"
    data = json.dumps(snapshot, ensure_ascii=False, separators=(",", ":"))
    return ("event: state\ndata: %s\n\n" % data).encode("utf-8")
