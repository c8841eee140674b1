#!/usr/bin/env python3
"""Extract the regexes of an as-tail rules file into pattern files for rg and grep.

Usage:
    rules2patterns.py [--rg RG] [--grep GREP] [--sample FILE] RULES OUTDIR

Writes into OUTDIR:
    rg.patterns     one pattern per line for `rg --no-unicode -f` (Rust regex)
    grep.patterns   one pattern per line for `LC_ALL=C grep -E -f` (GNU ERE)
    patterns.json   per rule: line, regex, flags, translations, what was skipped
and prints a short summary (skipped patterns included) on stdout.

Rule lines look like `match /REGEX/FLAGS option... action args...` (possibly
indented).  The regex runs from the first `/` after `match` to the next
unescaped `/`; `\\/` stands for `/`.  Lines whose first non-blank character is
`#` are comments; lines without `match /` are ignored.

The regexes are PCRE2 in as-tail's default byte mode (no UTF, ASCII \\d \\s \\w
\\b, `.` = any byte but newline, caseless = ASCII only).  They are parsed
(a practical subset) and re-emitted for:

  * rg with --no-unicode (the byte mode of Rust's regex): \\d \\s \\w \\b and
    (?i) kept natively (flag i -> leading (?i)), bytes >= 0x80 written as \\xHH,
    punctuation escapes that Rust rejects (\\/ \\: \\' ...) written plainly.
  * GNU grep -E under LC_ALL=C: \\d -> [0-9], \\s -> [[:space:]], \\w ->
    [[:alnum:]_], (?:...) -> (...), lazy quantifiers made greedy (same set of
    matching lines).  Caseless matching (flag i, (?i), (?i:...)) is done by
    bracketing letters: `error` -> `[eE][rR][rR][oO][rR]`, classes get both
    cases.  This keeps grep to ONE pass over the input with one pattern file,
    like as-tail, instead of a second `grep -i` pass whose time would have to
    be added (and would penalise grep).

Constructs without a faithful translation (look-around, back-references,
atomic groups, possessive quantifiers, \\p{..}, recursion, verbs ...) make the
pattern "skipped" for that tool, which is reported.  Skipping makes that tool's
run cheaper, so ratios against it stay conservative for as-tail.

With --rg / --grep every translated pattern is also compiled by the real tool
(on /dev/null); with --sample FILE the number of matching lines of each
pattern is compared between rg, grep and -- as the reference for the original
PCRE2 regex -- `rg -P --no-unicode` when rg has PCRE2 (a translation check).
Standard library only.
"""

import argparse
import json
import os
import re
import subprocess
import sys


class Unsupported(Exception):
    """Raised when a construct has no faithful translation."""


# Byte sets (C locale) for POSIX classes and PCRE escapes.
def _rng(a, b):
    return set(range(ord(a), ord(b) + 1))


DIGIT = _rng("0", "9")
UPPER = _rng("A", "Z")
LOWER = _rng("a", "z")
ALPHA = UPPER | LOWER
ALNUM = ALPHA | DIGIT
WORD = ALNUM | {ord("_")}
SPACE = {9, 10, 11, 12, 13, 32}
BLANK = {9, 32}
PUNCT = set(range(33, 48)) | set(range(58, 65)) | set(range(91, 97)) | set(range(123, 127))
CNTRL = set(range(0, 32)) | {127}
PRINT = set(range(32, 127))
GRAPH = set(range(33, 127))
XDIGIT = DIGIT | _rng("a", "f") | _rng("A", "F")
ALL = set(range(256))
POSIX = {"alpha": ALPHA, "digit": DIGIT, "alnum": ALNUM, "upper": UPPER, "lower": LOWER,
         "space": SPACE, "blank": BLANK, "punct": PUNCT, "cntrl": CNTRL, "print": PRINT,
         "graph": GRAPH, "xdigit": XDIGIT, "word": WORD, "ascii": set(range(128))}
# PCRE escapes that denote a class: (set, negated)
CLASS_ESC = {"d": (DIGIT, False), "D": (DIGIT, True), "s": (SPACE, False), "S": (SPACE, True),
             "w": (WORD, False), "W": (WORD, True), "h": (BLANK | {0xA0}, False),
             "H": (BLANK | {0xA0}, True), "v": ({10, 11, 12, 13, 0x85}, False),
             "V": ({10, 11, 12, 13, 0x85}, True), "N": ({10}, True)}
# single-byte escapes
BYTE_ESC = {"t": 9, "r": 13, "f": 12, "a": 7, "e": 27}
RUST_META = set("\\.+*?()|[]{}^$#&-~")
ERE_META = set("\\.[]()*+?{}|^$")
QUANT_RE = re.compile(r"\{(\d+)(,(\d*))?\}")


def fold(s):
    """Add the other ASCII case of every letter in byte set s."""
    out = set(s)
    for b in s:
        if 65 <= b <= 90:
            out.add(b + 32)
        elif 97 <= b <= 122:
            out.add(b - 32)
    return out


def runs(s):
    """Sorted list of (lo, hi) runs of the integers in s."""
    out = []
    for b in sorted(s):
        if out and out[-1][1] == b - 1:
            out[-1][1] = b
        else:
            out.append([b, b])
    return [tuple(r) for r in out]


class Translator:
    """Translate one PCRE2 (byte mode) pattern to Rust regex or GNU ERE."""

    def __init__(self, target):
        assert target in ("rust", "ere")
        self.t = target

    # -- emitting -------------------------------------------------------------
    def lit(self, b, icase):
        """Atom matching the single byte b."""
        c = chr(b)
        if self.t == "rust":
            if c in RUST_META:
                return "\\" + c
            if b < 32 or b >= 127:
                return "\\x%02X" % b
            return c
        if b == 10:
            raise Unsupported("newline can never occur inside a line")
        if b == 0:
            raise Unsupported("NUL byte in pattern")
        if icase and chr(b).isalpha() and b < 128:
            return "[%s%s]" % (c.upper(), c.lower())
        if c in ERE_META:
            return "\\" + c
        return c

    def cls(self, s, neg, icase):
        """Atom matching one byte of set s (or of its complement when neg)."""
        s = set(s) - {10}
        if self.t == "ere":
            s -= {0}
            if icase:
                s = fold(s)
        if not s and neg:                       # [^] of nothing: any byte
            return "."
        if not s:
            raise Unsupported("empty character class")
        if len(s) == 1 and not neg:
            b = next(iter(s))
            return self.lit(b, False) if self.t == "ere" else self.lit(b, icase)
        if self.t == "rust":
            body = []
            for lo, hi in runs(s):
                f = (lambda b: chr(b) if chr(b).isalnum() and b < 128 else "\\x%02X" % b)
                body.append(f(lo) if lo == hi else f(lo) + "-" + f(hi))
            return "[" + ("^" if neg else "") + "".join(body) + "]"
        # GNU ERE bracket expression: ']' first, '[' and '^' late, '-' last.
        special = {ord("]"), ord("-"), ord("^"), ord("[")}
        body = []
        if SPACE - {10} <= s:                   # readable instead of raw control bytes
            body.append("[:space:]")
            s = s - SPACE
        for lo, hi in runs(s - special):
            if lo == hi:
                body.append(chr(lo))
            elif hi == lo + 1:
                body.append(chr(lo) + chr(hi))
            else:
                body.append(chr(lo) + "-" + chr(hi))
        head = "]" if ord("]") in s else ""
        tail = "[" if ord("[") in s else ""
        mid = "".join(body)
        if ord("^") in s:
            if head or mid or tail:
                tail += "^"
            elif ord("-") in s:
                return "[" + ("^" if neg else "") + "-^]"
            else:
                return "[^^]" if neg else "\\^"
        if ord("-") in s:
            tail += "-"
        return "[" + ("^" if neg else "") + head + mid + tail + "]"

    # -- parsing --------------------------------------------------------------
    def escape(self, p, i, in_class):
        """Parse the escape at p[i] == '\\'.  Returns (next_i, kind, value):
        kind 'byte' (value int), 'class' (value (set, neg)), 'atom' (value str,
        outside classes only), 'quote' (value literal string)."""
        if i + 1 >= len(p):
            raise Unsupported("trailing backslash")
        c = p[i + 1]
        j = i + 2
        if c in CLASS_ESC:
            return j, "class", CLASS_ESC[c]
        if c in BYTE_ESC:
            return j, "byte", BYTE_ESC[c]
        if c == "n":
            raise Unsupported("\\n can never match inside a line")
        if c == "x":
            m = re.match(r"\{([0-9A-Fa-f]+)\}|([0-9A-Fa-f]{1,2})", p[j:])
            v = int(m.group(1) or m.group(2), 16) if m else 0
            if v > 255:
                raise Unsupported("\\x{...} above 0xff in byte mode")
            return j + (m.end() if m else 0), "byte", v
        if c == "o":
            m = re.match(r"\{([0-7]+)\}", p[j:])
            if not m or int(m.group(1), 8) > 255:
                raise Unsupported("bad \\o{...}")
            return j + m.end(), "byte", int(m.group(1), 8)
        if c == "0":
            m = re.match(r"[0-7]{0,2}", p[j:])
            return j + m.end(), "byte", int("0" + m.group(0), 8)
        if c == "c" and j < len(p):
            return j + 1, "byte", ord(p[j].upper()) ^ 0x40
        if in_class:
            if c == "b":
                return j, "byte", 8
            if c == "E":
                return j, "quote", ""
            if c.isalnum():
                raise Unsupported("escape \\%s in a class" % c)
            return j, "byte", ord(c)
        if c in "bB":
            return j, "atom", "\\" + c
        if c == "A":
            return j, "atom", "^"
        if c in "zZ":
            return j, "atom", "$"
        if c == "E":
            return j, "quote", ""
        if c == "Q":
            k = p.find("\\E", j)
            k = len(p) if k == -1 else k
            return (k + 2 if k < len(p) else k), "quote", p[j:k]
        if c.isdigit():
            raise Unsupported("back-reference \\" + c)
        if c.isalnum():
            raise Unsupported("escape \\" + c)
        return j, "byte", ord(c)

    def bracket(self, p, i):
        """Parse a class starting at p[i] == '['; returns (next_i, set, neg)."""
        j = i + 1
        neg = False
        if j < len(p) and p[j] == "^":
            neg, j = True, j + 1
        s = set()
        first = True
        for _ in range(len(p) + 1):            # bounded by the pattern length
            if j >= len(p):
                raise Unsupported("unterminated [")
            c = p[j]
            if c == "]" and not first:
                return j + 1, s, neg
            first = False
            if c == "[" and p[j + 1:j + 2] in (":", ".", "="):
                m = re.match(r"\[:(\^?)([a-z]+):\]", p[j:])
                if not m or m.group(2) not in POSIX:
                    raise Unsupported("POSIX class syntax")
                cs = POSIX[m.group(2)]
                s |= (ALL - cs) if m.group(1) else cs
                j += m.end()
                continue
            j, kind, val = self.element(p, j)
            if kind == "class":
                cs, cneg = val
                s |= (ALL - cs) if cneg else cs
                continue
            if kind == "quote":
                s |= {ord(ch) for ch in val}
                continue
            if p[j:j + 1] == "-" and p[j + 1:j + 2] not in ("]", ""):
                j2, kind2, hi = self.element(p, j + 1)
                if kind2 != "byte":
                    # PCRE treats '-' literally here
                    s |= {val, ord("-")}
                    if kind2 == "class":
                        cs, cneg = hi
                        s |= (ALL - cs) if cneg else cs
                    j = j2
                    continue
                if hi < val:
                    raise Unsupported("range out of order in class")
                s |= set(range(val, hi + 1))
                j = j2
            else:
                s.add(val)
        raise Unsupported("unterminated [")

    def element(self, p, j):
        if p[j] == "\\":
            if p[j + 1:j + 2] == "Q":
                k = p.find("\\E", j + 2)
                k = len(p) if k == -1 else k
                return (k + 2 if k < len(p) else k), "quote", p[j + 2:k]
            return self.escape(p, j, in_class=True)
        return j + 1, "byte", ord(p[j])

    def flags(self, spec):
        """Parse the letters of (?imsx-imsx); returns dict of changes."""
        on = True
        ch = {}
        for c in spec:
            if c == "-":
                on = False
            elif c in "imsx":                   # m and s change nothing within one line
                ch[c] = on
            elif c == "^":
                ch.update({"i": False, "m": False, "s": False, "x": False})
            else:
                raise Unsupported("inline flag " + c)
        return ch

    def translate(self, p, icase=False, ext=False):
        out = []
        if icase and self.t == "rust":
            out.append("(?i)")
        stack = []
        i = 0
        n = len(p)
        can_quantify = False
        for _ in range(4 * n + 8):              # bounded; each step consumes >= 1 char
            if i >= n:
                break
            c = p[i]
            if ext and c in " \t\n\r\f\v":
                i += 1
                continue
            if ext and c == "#":
                k = p.find("\n", i)
                i = n if k == -1 else k + 1
                continue
            if c == "\\":
                i, kind, val = self.escape(p, i, in_class=False)
                if kind == "byte":
                    out.append(self.lit(val, icase))
                elif kind == "class":
                    out.append(self.class_escape(p, val, icase))
                elif kind == "quote":
                    out.extend(self.lit(ord(ch), icase) for ch in val)
                    if not val:
                        continue
                else:
                    out.append(val)
                    can_quantify = val not in ("^", "$", "\\b", "\\B")
                    continue
                can_quantify = True
            elif c == "[":
                i, s, neg = self.bracket(p, i)
                out.append(self.cls(s, neg, icase))
                can_quantify = True
            elif c == "(":
                i, icase, ext = self.open_group(p, i, icase, ext, out, stack)
                can_quantify = False
            elif c == ")":
                if not stack:
                    raise Unsupported("unbalanced )")
                icase, ext = stack.pop()
                out.append(")")
                i += 1
                can_quantify = True
            elif c == "|":
                out.append("|")
                i += 1
                can_quantify = False
            elif c in "*+?" or (c == "{" and QUANT_RE.match(p, i)):
                if not can_quantify:
                    raise Unsupported("quantifier without operand")
                q = c if c != "{" else QUANT_RE.match(p, i).group(0)
                i += len(q)
                if p[i:i + 1] == "+":
                    raise Unsupported("possessive quantifier")
                if p[i:i + 1] == "?":            # lazy: same set of matching lines
                    i += 1
                    if self.t == "rust":
                        q += "?"
                out.append(q)
                can_quantify = False
            elif c == ".":
                out.append(".")
                i += 1
                can_quantify = True
            elif c in "^$":
                out.append(c)
                i += 1
                can_quantify = False
            else:
                out.append(self.lit(ord(c), icase))
                i += 1
                can_quantify = True
        if stack:
            raise Unsupported("unbalanced (")
        return "".join(out)

    def class_escape(self, p, val, icase):
        s, neg = val
        if self.t == "rust":
            # native escapes where Rust's ASCII meaning equals PCRE's byte meaning
            for k, v in (("d", DIGIT), ("s", SPACE), ("w", WORD)):
                if s == v:
                    return "\\" + (k.upper() if neg else k)
        elif s == DIGIT:
            return "[^0-9]" if neg else "[0-9]"
        elif s == SPACE:
            return "[^[:space:]]" if neg else "[[:space:]]"
        elif s == WORD:
            return "[^[:alnum:]_]" if neg else "[[:alnum:]_]"
        return self.cls(s, neg, icase)

    def open_group(self, p, i, icase, ext, out, stack):
        """Handle '(' at p[i]; returns (next_i, icase, ext)."""
        rust = self.t == "rust"
        if p.startswith("(*", i):
            raise Unsupported("backtracking verb (*...)")
        if not p.startswith("(?", i):
            stack.append((icase, ext))
            out.append("(")
            return i + 1, icase, ext
        j = i + 2
        rest = p[j:j + 2]
        if rest[:1] == "#":
            k = p.find(")", j)
            if k == -1:
                raise Unsupported("unterminated comment")
            return k + 1, icase, ext
        if rest[:1] == ":":
            stack.append((icase, ext))
            out.append("(?:" if rust else "(")
            return j + 1, icase, ext
        if rest[:1] in ("=", "!") or rest in ("<=", "<!"):
            raise Unsupported("look-around")
        if rest[:1] in (">", "|"):
            raise Unsupported("atomic group / branch reset")
        m = re.match(r"(?:<([A-Za-z_]\w*)>|P<([A-Za-z_]\w*)>|'([A-Za-z_]\w*)')", p[j:])
        if m:                                   # named group -> plain group
            stack.append((icase, ext))
            out.append("(")
            return j + m.end(), icase, ext
        m = re.match(r"([A-Za-z^-]*)([:)])", p[j:])
        if not m:
            raise Unsupported("group syntax (?%s" % p[j:j + 3])
        ch = self.flags(m.group(1))
        new_icase = ch.get("i", icase)
        new_ext = ch.get("x", ext)
        if m.group(2) == ")":                   # applies to the rest of this group
            if rust and new_icase != icase:
                out.append("(?i)" if new_icase else "(?-i)")
            return j + m.end(), new_icase, new_ext
        stack.append((icase, ext))
        if rust:
            out.append("(?i:" if new_icase else "(?-i:")
        else:
            out.append("(")
        return j + m.end(), new_icase, new_ext


# --------------------------------------------------------------------------
# Rules file
# --------------------------------------------------------------------------
MATCH_RE = re.compile(r"^\s*match\s*/")     # `match` must be the first word


def parse_rules(text):
    """Yield dicts {line, regex, flags} or {line, error} for rule lines."""
    for no, line in enumerate(text.split("\n"), 1):
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        m = MATCH_RE.search(line)
        if not m:
            continue
        k = m.end()
        buf = []
        closed = False
        while k < len(line):
            c = line[k]
            if c == "\\" and k + 1 < len(line):
                buf.append("/" if line[k + 1] == "/" else line[k:k + 2])
                k += 2
                continue
            if c == "/":
                closed = True
                break
            buf.append(c)
            k += 1
        if not closed:
            yield {"line": no, "error": "no closing / after the regex"}
            continue
        flags = re.match(r"[A-Za-z]*", line[k + 1:]).group(0)
        yield {"line": no, "regex": "".join(buf), "flags": flags}


def translate_rule(rule, target):
    flags = rule["flags"]
    unknown = [f for f in flags if f not in "imsx"]
    try:
        if unknown:
            raise Unsupported("rule flag(s) %s" % "".join(unknown))
        pat = Translator(target).translate(rule["regex"], "i" in flags, "x" in flags)
        if not pat:
            raise Unsupported("empty pattern would match every line")
        return pat, None
    except Unsupported as e:
        return None, str(e)


def tool_compiles(cmd, pat):
    """Compile pat with the tool on /dev/null: (ok, message)."""
    try:
        r = subprocess.run(cmd + [b"-e", pat.encode("latin-1"), b"--", b"/dev/null"],
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, timeout=30, env=dict(os.environ, LC_ALL="C"))
    except (OSError, subprocess.TimeoutExpired) as e:
        return False, str(e)
    msg = r.stderr.decode("latin-1").strip().replace("\n", " ")
    return r.returncode in (0, 1), msg


def count_lines(cmd, pat, path):
    r = subprocess.run(cmd + [b"-c", b"-e", pat.encode("latin-1"), b"--", path.encode()],
                       stdin=subprocess.DEVNULL, capture_output=True, timeout=300,
                       env=dict(os.environ, LC_ALL="C"))
    return int(r.stdout.strip() or b"0") if r.returncode in (0, 1) else None


def show(pat):
    """Pattern (bytes as code points) as readable text: UTF-8 shown, bad bytes escaped."""
    return pat.encode("latin-1").decode("utf-8", "backslashreplace")


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rg", help="rg binary: check that every rg pattern compiles")
    ap.add_argument("--grep", help="grep binary: check that every ERE pattern compiles")
    ap.add_argument("--sample", help="compare per-pattern matching line counts of rg and grep on this file")
    ap.add_argument("rules")
    ap.add_argument("outdir")
    a = ap.parse_args(argv)

    with open(a.rules, "rb") as fh:
        text = fh.read().decode("latin-1")      # bytes as code points 0-255
    rules = list(parse_rules(text))
    rg_cmd = [a.rg.encode(), b"--no-config", b"--no-unicode", b"-a"] if a.rg else None
    grep_cmd = [a.grep.encode(), b"-E"] if a.grep else None
    # rg -P (PCRE2, no UTF with --no-unicode) runs the original regexes as a reference
    pcre_cmd = rg_cmd + [b"-P"] if rg_cmd and subprocess.run(
        [a.rg, "--pcre2-version"], capture_output=True).returncode == 0 else None
    for r in rules:
        if "error" in r:
            r["rg_skip"] = r["grep_skip"] = r["error"]
            continue
        r["rg"], r["rg_skip"] = translate_rule(r, "rust")
        r["grep"], r["grep_skip"] = translate_rule(r, "ere")
        for tool, cmd in (("rg", rg_cmd), ("grep", grep_cmd)):
            if cmd and r[tool] is not None:
                ok, msg = tool_compiles(cmd, r[tool])
                if not ok:
                    r[tool], r[tool + "_skip"] = None, "%s rejects it: %s" % (tool, msg[:200])
                elif msg:
                    r[tool + "_warning"] = msg[:200]
        if a.sample and pcre_cmd:               # reference: the original regex in PCRE2
            ref = "".join("(?%s)" % f for f in r["flags"] if f in "ix") + r["regex"]
            if tool_compiles(pcre_cmd, ref)[0]:
                r["sample_pcre2"] = count_lines(pcre_cmd, ref, a.sample)
        for tool, cmd in (("rg", rg_cmd), ("grep", grep_cmd)):
            if a.sample and cmd and r[tool] is not None:
                r["sample_" + tool] = count_lines(cmd, r[tool], a.sample)

    os.makedirs(a.outdir, exist_ok=True)
    for tool in ("rg", "grep"):
        with open(os.path.join(a.outdir, tool + ".patterns"), "wb") as fh:
            for r in rules:
                if r.get(tool) is not None:
                    fh.write(r[tool].encode("latin-1") + b"\n")
    with open(os.path.join(a.outdir, "patterns.json"), "w") as fh:
        json.dump({"rules_file": a.rules, "rules": rules}, fh, indent=1, ensure_ascii=True)

    n = len(rules)
    n_rg = sum(1 for r in rules if r.get("rg") is not None)
    n_grep = sum(1 for r in rules if r.get("grep") is not None)
    print("patterns: %d rules, %d for rg%s, %d for grep%s" % (
        n, n_rg, "" if a.rg else " (not compiled: no rg)", n_grep, "" if a.grep else " (not compiled)"))
    for r in rules:
        where = "line %d" % r["line"] + (" /%s/%s" % (show(r["regex"]), r["flags"]) if "regex" in r else "")
        if r.get("rg_skip") and r.get("rg_skip") == r.get("grep_skip"):
            print("  skipped for rg and grep: %s: %s" % (where, r["rg_skip"]))
        else:
            for tool in ("rg", "grep"):
                if r.get(tool + "_skip"):
                    print("  skipped for %s: %s: %s" % (tool, where, r[tool + "_skip"]))
        for tool in ("rg", "grep"):
            if r.get(tool + "_warning"):
                print("  %s warns on line %d: %s" % (tool, r["line"], r[tool + "_warning"]))
        counts = [r.get("sample_" + k) for k in ("pcre2", "rg", "grep")]
        if len({c for c in counts if c is not None}) > 1:
            print("  MISMATCH line %d /%s/: matching lines on the sample: PCRE2 %s, rg %s, grep %s" % (
                r["line"], show(r["regex"]), *["-" if c is None else c for c in counts]))
    if a.sample and (pcre_cmd or rg_cmd) and grep_cmd:
        checked = [r for r in rules if sum(r.get("sample_" + k) is not None
                                           for k in ("pcre2", "rg", "grep")) >= 2]
        same = sum(1 for r in checked
                   if len({r.get("sample_" + k) for k in ("pcre2", "rg", "grep")} - {None}) == 1)
        print("  translation check: %d/%d patterns match the same number of sample lines in %s" % (
            same, len(checked), ", ".join(name for name, c in (
                ("PCRE2 (rg -P)", pcre_cmd), ("rg", rg_cmd), ("grep", grep_cmd)) if c)))
    if n == 0:
        print("no `match /REGEX/` rules found in %s" % a.rules, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
