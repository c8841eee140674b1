"""ActivitySmith request validation for the as-tail tests.

This module owns the question "would the ActivitySmith API accept this
request?".  It is shared by the fake server (tests/fake-activitysmith.py)
and the dry-run checker (tests/validate-requests.py).

Two layers do the work.  A small JSON Schema subset validator walks the
real OpenAPI document (tests/fixtures/activitysmith-openapi.json, or the
file named by $ASAPI_SPEC): $ref, type, enum, const, required,
properties, additionalProperties, dependentRequired, items, min/maxItems,
min/maxLength, pattern, format (uri, date-time), minimum, maximum,
exclusiveMinimum/Maximum, allOf, anyOf, oneOf, if/then/else.  Loading
the spec fails loudly if it uses a keyword this subset does not know.
Then the cross-field rules the schema cannot express are checked by hand
(the per-type table in activitysmith-api.md section 2): which
content_state fields each type needs on start, first PUT and later
calls, current_step <= number_of_steps, step_colors length, per-type
badge and secondary_action, step colours only on segmented_progress and
is_running/counts_down only on timers, no media with actions, and so on.

The checks are deliberately a little stricter than the real service
where the as-tail design says so: integers must be written without a
fraction, every PUT must carry content_state.type, auto_dismiss_* is only
accepted when ending, and duplicate JSON keys or NaN are rejected.

Public API:
    validate(method, path, body, first_put=True, known_type=None)
    validate_response(method, path, status, body)
    route(method, path)
    parse_json(raw)
Each returns problems as plain strings: "where: what is wrong".
"""

import datetime
import json
import math
import os
import re
import urllib.parse

SPEC_PATH = os.environ.get("ASAPI_SPEC") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)),
    "fixtures", "activitysmith-openapi.json")

TYPES = ("segmented_progress", "progress", "metrics", "stats", "alert",
         "timer")
BADGE_TYPES = ("alert", "progress", "segmented_progress")
SECONDARY_ACTION_TYPES = BADGE_TYPES

# Keywords the schema walker understands, and ones that only annotate.
VALIDATION_KEYWORDS = {
    "$ref", "type", "enum", "const", "required", "properties",
    "additionalProperties", "dependentRequired", "items", "minItems",
    "maxItems", "minLength", "maxLength", "pattern", "format", "minimum",
    "maximum", "exclusiveMinimum", "exclusiveMaximum", "allOf", "anyOf",
    "oneOf", "if", "then", "else",
}
ANNOTATION_KEYWORDS = {"description", "default", "examples", "example",
                       "title", "deprecated", "readOnly", "writeOnly"}
KNOWN_FORMATS = {"uri", "date-time"}

RFC3339 = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})"
                     r"(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


# ---------------------------------------------------------------- helpers

def json_type(value):
    """Returns the JSON type name of a decoded value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def show(value, limit=40):
    """Returns a short JSON rendering of value for messages."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def join(where, key):
    """Appends an object key or array index to a location string."""
    if isinstance(key, int):
        return "%s[%d]" % (where or "body", key)
    return key if not where else where + "." + key


def at(where, message):
    """Formats one problem: "where: message"."""
    return "%s: %s" % (where or "body", message)


def parse_json(raw):
    """Decodes a request body strictly.

    raw is bytes or str.  Returns (value, None) on success or
    (None, problem) when the text is not UTF-8, not JSON, repeats a key
    in an object, uses NaN/Infinity or a number too big for a double.
    An empty body decodes to (None, None).
    """
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            return None, "body is not valid UTF-8 (%s)" % e.reason
    if raw.strip() == "":
        return None, None

    def no_duplicates(pairs):
        seen = {}
        for key, value in pairs:
            if key in seen:
                raise ValueError("duplicate key %s" % show(key))
            seen[key] = value
        return seen

    def no_constants(name):
        raise ValueError("%s is not valid JSON" % name)

    def finite(text):
        value = float(text)
        if not math.isfinite(value):
            raise ValueError("number %s is out of range" % text)
        return value

    try:
        return json.loads(raw, object_pairs_hook=no_duplicates,
                          parse_constant=no_constants,
                          parse_float=finite), None
    except ValueError as e:
        return None, "invalid JSON: %s" % e


# ---------------------------------------------------------------- schema

class Schemas:
    """The OpenAPI document plus a JSON Schema subset validator."""

    def __init__(self, spec):
        self.spec = spec
        for name, schema in spec["components"]["schemas"].items():
            self._check_schema(schema, name)
        for where, schema in self._operation_schemas():
            self._check_schema(schema, where)

    def _operation_schemas(self):
        """Yields (where, schema) for every parameter, body and reply."""
        for path, ops in self.spec["paths"].items():
            for method, op in ops.items():
                where = "%s %s" % (method.upper(), path)
                for p in op.get("parameters", []):
                    yield where + " " + p["name"], p["schema"]
                bodies = [("request", op.get("requestBody", {}))] + \
                    list(op.get("responses", {}).items())
                for what, part in bodies:
                    for media in part.get("content", {}).values():
                        yield "%s %s" % (where, what), media["schema"]

    def _check_schema(self, schema, where):
        if not isinstance(schema, dict):
            return
        for key, value in schema.items():
            if key in ANNOTATION_KEYWORDS:
                continue
            if key not in VALIDATION_KEYWORDS:
                raise NotImplementedError(
                    "%s: schema keyword %r is not supported" % (where, key))
            if key == "properties":
                for name, sub in value.items():
                    self._check_schema(sub, where + "." + name)
            elif key in ("items", "additionalProperties", "if", "then",
                         "else"):
                self._check_schema(value, where + "." + key)
            elif key in ("allOf", "anyOf", "oneOf"):
                for i, sub in enumerate(value):
                    self._check_schema(sub, "%s.%s[%d]" % (where, key, i))
            elif key == "format" and value not in KNOWN_FORMATS:
                raise NotImplementedError(
                    "%s: format %r is not supported" % (where, value))

    def component(self, name):
        """Returns the schema components/schemas/NAME."""
        return self.spec["components"]["schemas"][name]

    def resolve(self, ref):
        """Returns the node a local "#/..." $ref points at."""
        if not ref.startswith("#/"):
            raise NotImplementedError("external $ref %r" % ref)
        node = self.spec
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def check(self, schema, value, where=""):
        """Returns the problems of value against schema, located at where."""
        if "$ref" in schema:
            problems = self.check(self.resolve(schema["$ref"]), value, where)
            rest = {k: v for k, v in schema.items() if k != "$ref"}
            return problems + (self.check(rest, value, where) if rest else [])
        problems = self._check_type(schema, value, where)
        if problems:
            return problems
        for check in (self._check_enum, self._check_string,
                      self._check_number, self._check_array,
                      self._check_object, self._check_combinators):
            problems += check(schema, value, where)
        return problems

    def _check_type(self, schema, value, where):
        if "type" not in schema:
            return []
        allowed = schema["type"]
        allowed = [allowed] if isinstance(allowed, str) else allowed
        actual = json_type(value)
        if actual in allowed or (actual == "integer" and "number" in allowed):
            return []
        if actual == "null":
            return [at(where, "null is not allowed (omit the key instead)")]
        if actual == "number" and "integer" in allowed:
            return [at(where, "expected an integer, got %s" % show(value))]
        return [at(where, "expected %s, got %s %s" %
                   (" or ".join(allowed), actual, show(value)))]

    def _check_enum(self, schema, value, where):
        problems = []
        if "enum" in schema and value not in schema["enum"]:
            problems.append(at(where, "%s is not one of %s" % (
                show(value), ", ".join(str(v) for v in schema["enum"]))))
        if "const" in schema and value != schema["const"]:
            problems.append(at(where, "must be %s" % show(schema["const"])))
        return problems

    def _check_string(self, schema, value, where):
        if not isinstance(value, str):
            return []
        problems = []
        if "minLength" in schema and len(value) < schema["minLength"]:
            problems.append(at(where, "must be at least %d characters" %
                               schema["minLength"]) if value else
                            at(where, "must not be empty"))
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            problems.append(at(where, "longer than %d characters" %
                               schema["maxLength"]))
        if "pattern" in schema and not ecma_search(schema["pattern"], value):
            problems.append(at(where, "%s does not match %s" %
                               (show(value), schema["pattern"])))
        fmt = schema.get("format")
        if fmt == "uri" and not is_uri(value):
            problems.append(at(where, "%s is not an absolute URI" %
                               show(value)))
        if fmt == "date-time" and not is_date_time(value):
            problems.append(at(where, "%s is not an RFC 3339 date-time" %
                               show(value)))
        return problems

    def _check_number(self, schema, value, where):
        if json_type(value) not in ("integer", "number"):
            return []
        problems = []
        if isinstance(value, float) and not math.isfinite(value):
            problems.append(at(where, "must be a finite number"))
        if "minimum" in schema and value < schema["minimum"]:
            problems.append(at(where, "%s is less than the minimum %s" %
                               (show(value), schema["minimum"])))
        if "maximum" in schema and value > schema["maximum"]:
            problems.append(at(where, "%s is greater than the maximum %s" %
                               (show(value), schema["maximum"])))
        if "exclusiveMinimum" in schema and \
                value <= schema["exclusiveMinimum"]:
            problems.append(at(where, "%s must be greater than %s" %
                               (show(value), schema["exclusiveMinimum"])))
        if "exclusiveMaximum" in schema and \
                value >= schema["exclusiveMaximum"]:
            problems.append(at(where, "%s must be less than %s" %
                               (show(value), schema["exclusiveMaximum"])))
        return problems

    def _check_array(self, schema, value, where):
        if not isinstance(value, list):
            return []
        problems = []
        if "minItems" in schema and len(value) < schema["minItems"]:
            problems.append(at(where, "needs at least %d item%s, got %d" % (
                schema["minItems"], "s"[:schema["minItems"] != 1],
                len(value))))
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            problems.append(at(where, "allows at most %d items, got %d" %
                               (schema["maxItems"], len(value))))
        if "items" in schema:
            for i, item in enumerate(value):
                problems += self.check(schema["items"], item, join(where, i))
        return problems

    def _check_object(self, schema, value, where):
        if not isinstance(value, dict):
            return []
        problems = []
        props = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in value:
                problems.append(at(join(where, name), "required"))
        for name, item in value.items():
            if name in props:
                problems += self.check(props[name], item, join(where, name))
            else:
                problems += self._check_additional(schema, name, item, where)
        for name, needs in schema.get("dependentRequired", {}).items():
            if name in value:
                for need in needs:
                    if need not in value:
                        problems.append(at(join(where, name),
                                           "needs %s as well" % need))
        return problems

    def _check_additional(self, schema, name, item, where):
        extra = schema.get("additionalProperties", True)
        if extra is False:
            return [at(join(where, name), "unknown key")]
        if isinstance(extra, dict):
            return self.check(extra, item, join(where, name))
        return []

    def _check_combinators(self, schema, value, where):
        problems = []
        for sub in schema.get("allOf", []):
            problems += self.check(sub, value, where)
        if "anyOf" in schema:
            results = [self.check(s, value, where) for s in schema["anyOf"]]
            if all(results):
                problems.append(self._none_matched(results, where))
        if "oneOf" in schema:
            results = [self.check(s, value, where) for s in schema["oneOf"]]
            matched = sum(1 for r in results if not r)
            if matched == 0:
                problems.append(self._none_matched(results, where))
            elif matched > 1:
                problems.append(at(where, "matches more than one oneOf form"))
        if "if" in schema:
            if not self.check(schema["if"], value, where):
                problems += self.check(schema.get("then", {}), value, where)
            else:
                problems += self.check(schema.get("else", {}), value, where)
        return problems

    def _none_matched(self, results, where):
        prefix = at(where, "")
        reasons = [r[0][len(prefix):] if r[0].startswith(prefix) else r[0]
                   for r in results]
        return at(where, "matches no allowed form (%s)" %
                  "; or ".join(reasons))


def ecma_search(pattern, text):
    """re.search with ECMAScript's meaning of a final "$" (end of text;
    Python's "$" also matches before a trailing newline) and ASCII
    classes."""
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1] + r"\Z"
    return re.search(pattern, text, re.ASCII) is not None


def is_uri(text):
    """True for an absolute URI with a scheme and a host, no spaces."""
    if re.search(r"[\s\x00-\x1f\x7f]", text):
        return False
    parts = urllib.parse.urlsplit(text)
    return bool(parts.scheme) and bool(parts.netloc)


def is_date_time(text):
    """True for an RFC 3339 date-time with real calendar values."""
    m = RFC3339.match(text)
    if not m:
        return False
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    try:
        datetime.datetime(year, month, day, hour, minute, min(second, 59))
    except ValueError:
        return False
    return second <= 60


_schemas = None


def schemas():
    """Returns the loaded spec (loaded once, on first use)."""
    global _schemas
    if _schemas is None:
        with open(SPEC_PATH, encoding="utf-8") as f:
            _schemas = Schemas(json.load(f))
    return _schemas


# ---------------------------------------------------------------- routing

class Route:
    """One matched endpoint: the spec path, its operation and parameters."""

    def __init__(self, method, template, operation, params):
        self.method = method
        self.template = template
        self.operation = operation      # the spec's operationId
        self.params = params            # decoded path parameters

    @property
    def spec(self):
        return schemas().spec["paths"][self.template][self.method.lower()]


class RouteError(Exception):
    """No endpoint matched; status is 404 (no path) or 405 (no method)."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


def _template_regex(template):
    parts = re.split(r"(\{[^}]+\})", template)
    out = ""
    for part in parts:
        if part.startswith("{"):
            out += "(?P<%s>[^/]*)" % part[1:-1]
        else:
            out += re.escape(part)
    return re.compile("^" + out + "$")


def route(method, path):
    """Finds the endpoint for method and path (query string excluded).

    Returns a Route; raises RouteError when nothing matches.  Path
    parameters are percent-decoded but not validated here.
    """
    methods_seen = []
    for template, ops in schemas().spec["paths"].items():
        m = _template_regex(template).match(path)
        if not m:
            continue
        if method.lower() in ops:
            params = {k: urllib.parse.unquote(v)
                      for k, v in m.groupdict().items()}
            return Route(method.upper(), template,
                         ops[method.lower()]["operationId"], params)
        methods_seen += [k.upper() for k in ops if k in
                         ("get", "post", "put", "delete", "patch")]
    if methods_seen:
        raise RouteError(405, "method %s not allowed on %s (use %s)" % (
            method, path, "/".join(sorted(methods_seen))))
    raise RouteError(404, "no such endpoint: %s %s" % (method, path))


# ---------------------------------------------------------------- requests

def validate(method, path, body, first_put=True, known_type=None):
    """Checks one request; returns a list of problems (empty: valid).

    body is the decoded JSON body, None when there is none.  For a PUT on
    a stream, first_put says whether the stream is new (then the full
    start set of fields is needed).  known_type is the type of the
    existing activity for update, end and later PUTs, so per-type rules
    apply even when content_state.type is omitted.
    """
    path, _, query = path.partition("?")
    problems = ["%s: unexpected query string" % path] if query else []
    try:
        r = route(method, path)
    except RouteError as e:
        return problems + [e.message]
    problems += _check_params(r)
    problems += _check_body_schema(r, body)
    if isinstance(body, dict):
        problems += _check_rules(r, body, first_put, known_type)
    return problems


def _check_params(r):
    problems = []
    for param in r.spec.get("parameters", []):
        if param.get("in") == "path":
            problems += schemas().check(param["schema"],
                                        r.params[param["name"]],
                                        param["name"])
    return problems


def _check_body_schema(r, body):
    request = r.spec.get("requestBody")
    if request is None:
        return [] if body is None else ["body: this endpoint takes no body"]
    if body is None:
        return ["body: required"] if request.get("required") else []
    schema = request["content"]["application/json"]["schema"]
    return schemas().check(schema, body, "")


def _number(obj, key):
    """Returns obj[key] if it is a JSON number, else None."""
    value = obj.get(key)
    return value if json_type(value) in ("integer", "number") else None


def _object(obj, key):
    """Returns obj[key] if it is a JSON object, else {}."""
    value = obj.get(key)
    return value if isinstance(value, dict) else {}


def _list(obj, key):
    """Returns obj[key] if it is a JSON array, else []."""
    value = obj.get(key)
    return value if isinstance(value, list) else []


def _check_rules(r, body, first_put, known_type):
    """Cross-field rules that the OpenAPI schemas cannot express.

    They run after the schema check, on data that may still be wrongly
    typed, so every field is read through _number/_object/_list.
    """
    op = r.operation
    if op == "sendPushNotification":
        return _push_rules(body)
    if op == "startLiveActivity":
        return _activity_rules(body, "start", known_type)
    if op == "updateLiveActivity":
        return _activity_rules(body, "update", known_type)
    if op == "endLiveActivity":
        return _activity_rules(body, "end", known_type)
    if op == "reconcileLiveActivityStream":
        stage = "first_put" if first_put else "later_put"
        return _activity_rules(body, stage, known_type) + \
            _channel_rules(body)
    if op == "endLiveActivityStream":
        return _activity_rules(body, "delete", known_type)
    return []


def _push_rules(body):
    problems = []
    if "media" in body and "actions" in body:
        problems.append("media: cannot be combined with actions")
    for i, action in enumerate(_list(body, "actions")):
        problems += _action_rules(action, join("actions", i))
    return problems


def _action_rules(action, where):
    if not isinstance(action, dict) or action.get("type") == "webhook":
        return []
    return [at(join(where, key), "only allowed on webhook actions")
            for key in ("method", "body") if key in action]


def _channel_rules(body):
    channels = _list(body, "channels")
    targeted = _list(_object(body, "target"), "channels")
    if channels and targeted and \
            sorted(map(str, channels)) != sorted(map(str, targeted)):
        return ["channels: must match target.channels when both are sent"]
    return []


def _activity_rules(body, stage, known_type):
    """Rules for a Live Activity request at one lifecycle stage.

    stage is start, first_put, later_put, update, end or delete.
    """
    cs = body.get("content_state")
    kind = _object(body, "content_state").get("type") or known_type
    kind = kind if kind in TYPES else None
    problems = []
    for key in ("action", "secondary_action"):
        problems += _action_rules(body.get(key), key)
    if "secondary_action" in body and kind and \
            kind not in SECONDARY_ACTION_TYPES:
        problems.append("secondary_action: not supported for type %s" % kind)
    if not isinstance(cs, dict):
        return problems
    return problems + _content_rules(cs, stage, kind)


def _content_rules(cs, stage, kind):
    where = "content_state"
    problems = []
    if stage in ("first_put", "later_put") and "type" not in cs:
        problems.append(at(join(where, "type"),
                           "required on every PUT (the stream may start "
                           "a fresh activity)"))
    if stage in ("first_put", "later_put"):
        problems += [at(join(where, key), "only allowed when ending "
                        "(DELETE), not on PUT")
                     for key in ("auto_dismiss_minutes",
                                 "auto_dismiss_seconds") if key in cs]
    if kind and stage != "delete":
        problems += _type_needs(cs, kind, stage)
    steps, step = _number(cs, "number_of_steps"), _number(cs, "current_step")
    if steps is not None and step is not None and step > steps:
        problems.append(at(join(where, "current_step"),
                           "%s is greater than number_of_steps %s" %
                           (step, steps)))
    colors = cs.get("step_colors")
    if isinstance(colors, list) and step is not None and len(colors) != step:
        problems.append(at(join(where, "step_colors"),
                           "length %d does not match current_step %s" %
                           (len(colors), step)))
    if "badge" in cs and kind and kind not in BADGE_TYPES:
        problems.append(at(join(where, "badge"),
                           "not supported for type %s" % kind))
    for key, only in (("step_colors", "segmented_progress"),
                      ("step_color", "segmented_progress"),
                      ("is_running", "timer"), ("counts_down", "timer")):
        if key in cs and kind and kind != only:
            problems.append(at(join(where, key),
                               "only for type %s, not %s" % (only, kind)))
    return problems


def _type_needs(cs, kind, stage):
    """The per-type required fields (activitysmith-api.md section 2)."""
    where = "content_state"
    starting = stage in ("start", "first_put")
    when = {"start": "on start", "first_put": "on the first PUT",
            "later_put": "on PUT", "update": "on update",
            "end": "on end"}[stage]

    def need(*keys):
        return [at(join(where, k), "required for type %s %s" % (kind, when))
                for k in keys if k not in cs]

    if kind == "segmented_progress":
        return need("number_of_steps", "current_step") if starting \
            else need("current_step")
    if kind == "progress":
        if "percentage" in cs or ("value" in cs and "upper_limit" in cs):
            return []
        return [at(where, "type progress needs percentage or value with "
                          "upper_limit")]
    if kind in ("metrics", "stats"):
        return need("metrics")
    if kind == "alert":
        return need("message")
    if kind == "timer" and starting:
        if "duration_seconds" in cs or cs.get("counts_down") is False:
            return []
        return [at(where, "type timer needs duration_seconds, or "
                          "counts_down false for an elapsed timer")]
    return []


# ---------------------------------------------------------------- replies

def validate_response(method, path, status, body):
    """Checks a reply body against the spec's response schema.

    401 is not in the spec; it is checked as {error, message} strings.
    Returns a list of problems (empty: the reply is spec-shaped).
    """
    path = path.partition("?")[0]
    if status == 401:
        schema = schemas().component("BadRequestError")
    else:
        try:
            responses = route(method, path).spec["responses"]
        except RouteError as e:
            return [e.message]
        if str(status) not in responses:
            return ["status %s is not documented for %s %s" %
                    (status, method, path)]
        content = responses[str(status)].get("content", {})
        if "application/json" not in content:
            return [] if body is None else ["reply should have no body"]
        schema = content["application/json"]["schema"]
    return schemas().check(schema, body, "reply")
