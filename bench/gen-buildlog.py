#!/usr/bin/env python3
"""Deterministic generator of a synthetic build log for benchmarking as-tail.

Usage:
    gen-buildlog.py [--seed N] [--progress PCT] [--stats] SIZE_MIB OUT
                                                  build log of ~SIZE_MIB MiB
    gen-buildlog.py [--seed N] --huge-line MIB OUT
                                                  one single line of MIB MiB

The build log imitates make / cmake / ninja / autoconf / libtool / gcc /
python / test-runner output:
  * ~128 bytes per line on average; ~1.5% of lines are 4-20 KB long compiler
    or linker command lines (long -I / -D / object lists);
  * UTF-8 in paths and gcc's typographic quotes, and ~0.5% of lines with
    invalid UTF-8 (\xff\xfe, truncated multi-byte sequences, Latin-1 bytes);
  * "events" (warnings, errors, `make: *** ... Error 2`, `FAILED:`, `Built
    target`, `Step N/M :`, tracebacks, test failures ...) on ~0.3% of lines,
    plus many harmless near-misses (-Werror=..., "0 errors", strerror_r);
  * ninja "[12/345] ..." / cmake "[ 42%] Building ..." progress lines on only
    --progress PCT percent of lines (default 0.1): typical rule packs match
    every progress line, and the reference input has ~0.4% matching lines.
    Use e.g. --progress 30 for a ninja-heavy log where many lines match.

Speed: a pool of distinct blocks (at most 32 MiB in total) is generated line by
line with a fixed seed; the output is then written as a deterministic sequence
of those blocks, each rotated by a random number of lines, in large writes.
The same SIZE_MIB and --seed always give byte-identical output.  Statistics go
to stderr.  Standard library only.
"""

import argparse
import bisect
import random
import sys

MIB = 1024 * 1024
BLOCK_BYTES = 2 * MIB          # size of one generated block
POOL_LIMIT = 32 * MIB          # at most this much distinct content
DEFAULT_SEED = 20261126
DEFAULT_PROGRESS_PCT = 0.1     # share of ninja/cmake progress lines (percent)

# --------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------
HOMES = [
    "/home/builder/src/proj", "/home/jörg/src/é-dir", "/home/ana/projets/état-v2",
    "/home/李雷/build/core", "/srv/ci/workspace/as-tail", "/home/user/Übersetzung",
    "/var/lib/buildbot/worker/linux-x86_64/build", "/tmp/tmp.k3j2h1/build",
]
DIRS = [
    "src", "src/core", "src/net", "src/io", "src/parser", "src/util", "lib/util",
    "lib/crypto", "lib/compress", "third_party/zlib", "third_party/lua/src",
    "drivers/gpu/drm", "tools/gen", "tests/unit", "tests/integration", "plugins/json",
    "src/ui/widgets", "src/db/sqlite", "contrib/xxhash", "src/runtime/gc",
]
FILES = [
    "main", "util", "buffer", "hash", "parser", "lexer", "socket", "config", "log",
    "strbuf", "strerror_r", "arena", "vector", "rbtree", "utf8", "base64", "sha256",
    "inflate", "deflate", "crc32", "adler32", "trees", "json", "yaml", "ini", "http",
    "tls", "event", "timer", "signal", "process", "pipe", "mmap", "alloc", "gc",
    "thread", "mutex", "atomic", "queue", "ring", "table", "index", "btree", "pager",
    "wal", "vdbe", "func", "expr", "select", "insert", "update", "errors", "warning_fmt",
    "lapi", "lcode", "ldebug", "ldo", "lgc", "llex", "lparser", "lstate", "lvm",
    "widget", "button", "label", "layout", "render", "font", "image", "png", "zlib_glue",
]
TARGETS = [
    "core", "asnet", "zlibstatic", "lua", "sqlite3", "util", "crypto", "widgets",
    "json", "as-tail", "test_core", "test_net", "bench_hash", "gen_tables", "xxhash",
]
CC = ["/usr/bin/cc", "/usr/bin/gcc", "gcc", "cc", "/usr/lib/ccache/gcc",
      "/usr/bin/x86_64-linux-gnu-gcc-12", "clang"]
WARN = [
    ("unused variable {q}{v}{Q}", "-Wunused-variable"),
    ("unused parameter {q}{v}{Q}", "-Wunused-parameter"),
    ("comparison of integer expressions of different signedness: {q}int{Q} and "
     "{q}size_t{Q} {{aka {q}long unsigned int{Q}}}", "-Wsign-compare"),
    ("implicit declaration of function {q}{v}{Q}", "-Wimplicit-function-declaration"),
    ("{q}{v}{Q} may be used uninitialized", "-Wmaybe-uninitialized"),
    ("this statement may fall through", "-Wimplicit-fallthrough="),
    ("format {q}%d{Q} expects argument of type {q}int{Q}, but argument 2 has type "
     "{q}long int{Q}", "-Wformat="),
]
ERRS = [
    "expected {q};{Q} before {q}}}{Q} token",
    "{q}{v}{Q} undeclared (first use in this function)",
    "conflicting types for {q}{v}{Q}",
    "too few arguments to function {q}{v}{Q}",
    "unknown type name {q}{v}_t{Q}",
]
VARS = ["x", "i", "len", "buf", "ret", "ctx", "n", "tmp", "flags", "fd", "off", "p"]
DEFINES = [
    "_GNU_SOURCE", "_FILE_OFFSET_BITS=64", "NDEBUG", "HAVE_CONFIG_H", "PIC",
    "HAVE_UNISTD_H=1", "HAVE_STDINT_H=1", "ENABLE_NLS=1", "USE_PTHREADS",
    "SQLITE_THREADSAFE=1", "SQLITE_ENABLE_FTS5", "LUA_COMPAT_5_3", "LUA_USE_LINUX",
    "Z_HAVE_UNISTD_H", "VERSION=\\\"1.4.2\\\"", "PACKAGE_NAME=\\\"as-tail\\\"",
    "CONFIG_DEBUG_LEVEL=0", "XXH_INLINE_ALL", "WITH_TLS=1", "BUILD_SHARED_LIBS=OFF",
]
WFLAGS = [
    "-Wall", "-Wextra", "-Wshadow", "-Wformat=2", "-Werror=format-security",
    "-Werror=implicit-function-declaration", "-Werror=return-type", "-Wpedantic",
    "-Wstrict-prototypes", "-Wmissing-prototypes", "-Wno-unused-parameter",
    "-Wvla", "-Wcast-align", "-Wpointer-arith", "-Wundef", "-Werror=vla",
]
OFLAGS = ["-O2", "-O0 -g", "-O3", "-Os", "-O2 -g", "-O2 -flto=auto"]
PYMODS = ["pkg", "pkg/core", "pkg/io", "pkg/_vendor/six", "pkg/tests"]

# Invalid UTF-8 fragments, written as surrogate escapes (encoded back to the
# raw bytes with errors="surrogateescape").
BAD = [
    "\udcff\udcfe", "caf\udcc3", "r\udce9sum\udce9", "\udcc0\udcaf", "\udc80x",
    "na\udcefve", "\udce2\udc80",  # truncated 3-byte sequence
]


class Gen:
    """Line generators; every random choice goes through self.r (seeded)."""

    def __init__(self, seed, progress_pct=DEFAULT_PROGRESS_PCT):
        self.r = random.Random(seed)
        self.step = 0
        self.total = 2400
        self.pct = 0
        self.srcs = [f"{d}/{f}.c" for d in DIRS for f in FILES]
        self.kinds, cum = [], []
        acc = 0.0
        # (weight, method); weights are relative line frequencies.
        table = [
            (8.0, self.make_dir), (22.0, self.kbuild), (5.0, self.short_gcc),
            (6.0, self.libtool), (1.5, self.long_cmd), (14.0, self.autoconf),
            (5.0, self.cmake_config), (3.0, self.scanning), (8.0, self.python_noise),
            (7.0, self.test_ok), (5.0, self.misc_shell), (2.0, self.harmless_words),
            (0.55, self.bad_utf8), (2.0, self.context_line), (3.0, self.make_nothing),
            # rare events, ~0.25% of lines (+ ~0.1% cmake "[ NN%] Built target/Linking")
            (0.12, self.warning), (0.02, self.error), (0.015, self.make_error),
            (0.01, self.ninja_failed), (0.06, self.built_target), (0.04, self.linking),
            (0.02, self.docker_step), (0.005, self.traceback), (0.01, self.test_fail),
            (0.01, self.undefined_ref), (0.005, self.fatal_error),
        ]
        # ninja "[N/M] ..." and cmake "[ NN%] Building ..." progress lines make
        # up progress_pct percent of the lines.  Typical rule packs match every
        # one of them, so the default keeps them rare (the reference input has
        # ~0.4% matching lines in all); --progress 30 gives a ninja-heavy log.
        frac = min(max(progress_pct, 0.0), 95.0) / 100.0
        pw = sum(w for w, _ in table) * frac / (1.0 - frac)
        table += [(0.4 * pw, self.ninja_cmake), (0.2 * pw, self.ninja_meson),
                  (0.4 * pw, self.cmake_progress)]
        for w, fn in table:
            acc += w
            cum.append(acc)
            self.kinds.append(fn)
        self.cum = cum

    # -- helpers -----------------------------------------------------------
    def c(self, seq):
        return seq[int(self.r.random() * len(seq))]

    def q(self):
        # gcc uses typographic quotes in UTF-8 locales, ASCII ones in C locale
        return ("‘", "’") if self.r.random() < 0.5 else ("'", "'")

    def src(self):
        return self.c(self.srcs)

    def progress(self):
        self.step += 1
        if self.step > self.total:
            self.step, self.total = 1, self.r.randint(200, 6000)
        return self.step, self.total

    # -- ordinary lines ----------------------------------------------------
    def ninja_cmake(self):
        i, n = self.progress()
        s = self.src()
        lang = "C" if self.r.random() < 0.9 else "CXX"
        return f"[{i}/{n}] Building {lang} object {s.split('/')[0]}/CMakeFiles/{self.c(TARGETS)}.dir/{s}.o"

    def ninja_meson(self):
        i, n = self.progress()
        s = self.src()
        return f"[{i}/{n}] Compiling C object {self.c(TARGETS)}.p/{s.replace('/', '_')}.o"

    def cmake_progress(self):
        self.pct = min(100, self.pct + (self.r.random() < 0.05))
        if self.pct >= 100:
            self.pct = 0
        s = self.src()
        return f"[{self.pct:3d}%] Building C object {s.split('/')[0]}/CMakeFiles/{self.c(TARGETS)}.dir/{s}.o"

    def make_dir(self):
        lvl = self.r.randint(1, 4)
        verb = "Entering" if self.r.random() < 0.5 else "Leaving"
        return f"make[{lvl}]: {verb} directory '{self.c(HOMES)}/{self.c(DIRS)}'"

    def kbuild(self):
        tool = self.c(["CC", "CC", "CC", "CC", "LD", "AR", "CCLD", "GEN", "HOSTCC"])
        return f"  {tool:<8} {self.src()[:-2]}.o"

    def short_gcc(self):
        s = self.src()
        return (f"{self.c(CC)} {self.c(OFLAGS)} -Wall -Werror=format -Iinclude -I{s.split('/')[0]} "
                f"-c {s} -o build/{s[:-2]}.o")

    def long_cmd(self):
        """4-20 KB compiler / linker command line (the long tail)."""
        r = self.r
        if r.random() < 0.04:                   # a few really long ones, up to 20 KB
            target = r.randint(8192, 20000)
        else:                                   # most just over 4 KB
            target = 4096 + min(int(r.expovariate(1 / 300.0)), 4096)
        s = self.src()
        home = self.c(HOMES)
        obj = f"{s.split('/')[0]}/CMakeFiles/{self.c(TARGETS)}.dir/{s}.o"
        style = r.random()
        if style < 0.5:                         # cmake's Makefiles with VERBOSE=1
            head = f"cd {home}/build/{s.split('/')[0]} && {self.c(CC)}"
        elif style < 0.8:                       # plain make
            head = self.c(CC)
        else:
            head = f"libtool: compile:  {self.c(CC)}"
        parts = [head]
        size = len(head)
        link = r.random() < 0.2
        while size < target - 200:
            x = r.random()
            if link:
                p = f"CMakeFiles/{self.c(TARGETS)}.dir/{self.src()}.o"
            elif x < 0.35:
                p = "-D" + self.c(DEFINES)
            elif x < 0.8:
                p = f"-I{home}/{self.c(DIRS)}" if r.random() < 0.5 else f"-I../{self.c(DIRS)}/include"
            elif x < 0.9:
                p = f"-isystem /usr/include/{self.c(['glib-2.0', 'libxml2', 'lua5.4', 'openssl', 'x86_64-linux-gnu'])}"
            else:
                p = self.c(WFLAGS)
            parts.append(p)
            size += len(p) + 1
        if link:
            parts.append(f"-o bin/{self.c(TARGETS)} -Wl,--as-needed -lpthread -lm -lz -ldl")
        else:
            parts.append(f"{self.c(OFLAGS)} -std=c11 -fPIC -MD -MT {obj} -MF {obj}.d -o {obj} -c {home}/{s}")
        return " ".join(parts)

    def libtool(self):
        s = self.src()
        base = s[:-2].split("/")[-1]
        if self.r.random() < 0.6:
            return (f"/bin/bash ../libtool  --tag=CC   --mode=compile {self.c(CC)} -DHAVE_CONFIG_H -I. -I.. "
                    f"{self.c(OFLAGS)} -MT {base}.lo -MD -MP -MF .deps/{base}.Tpo -c -o {base}.lo {s}")
        return f"mv -f .deps/{base}.Tpo .deps/{base}.Plo"

    def make_nothing(self):
        lvl = self.r.randint(1, 4)
        if self.r.random() < 0.5:
            return f"make[{lvl}]: Nothing to be done for '{self.c(['all', 'all-am', 'install-data-am'])}'."
        return f"Making {self.c(['all', 'install', 'check'])} in {self.c(DIRS)}"

    def autoconf(self):
        h = self.c(["stdint.h", "unistd.h", "sys/types.h", "dlfcn.h", "pthread.h", "inttypes.h",
                    "strings.h", "memory.h", "sys/stat.h", "fcntl.h", "locale.h", "wchar.h"])
        x = self.r.random()
        if x < 0.6:
            return f"checking for {h}... {self.c(['yes', 'yes', 'yes', 'no'])}"
        if x < 0.8:
            return f"checking whether {self.c(['gcc', 'cc'])} accepts {self.c(WFLAGS)}... yes"
        return f"config.status: creating {self.c(DIRS)}/Makefile"

    def cmake_config(self):
        x = self.r.random()
        if x < 0.4:
            return f"-- Looking for {self.c(['pthread_create', 'dlopen', 'strlcpy', 'memrchr', 'getrandom'])} - found"
        if x < 0.7:
            return f"-- Performing Test HAVE_{self.c(FILES).upper()} - Success"
        if x < 0.85:
            return "-- Performing Test COMPILER_SUPPORTS_WERROR - Success"
        return f"-- Found {self.c(['ZLIB', 'Threads', 'PkgConfig', 'OpenSSL', 'Lua'])}: /usr/lib/x86_64-linux-gnu (found version \"1.2.13\")"

    def scanning(self):
        if self.r.random() < 0.5:
            return f"Scanning dependencies of target {self.c(TARGETS)}"
        return f"Consolidate compiler generated dependencies of target {self.c(TARGETS)}"

    def python_noise(self):
        m = self.c(PYMODS)
        f = self.c(FILES)
        x = self.r.random()
        if x < 0.4:
            return f"copying {m}/{f}.py -> build/lib.linux-x86_64-cpython-311/{m}"
        if x < 0.55:
            return f"running {self.c(['build', 'build_py', 'build_ext', 'egg_info', 'install_lib'])}"
        if x < 0.75:
            return (f"Requirement already satisfied: {self.c(['setuptools', 'wheel', 'six', 'packaging'])} "
                    f"in ./venv/lib/python3.11/site-packages (68.0.0)")
        if x < 0.9:
            return f"building '{m.replace('/', '.')}._{f}' extension"
        return f"{m}/{f}.py:{self.r.randint(1, 900)}: DeprecationWarning: distutils Version classes are deprecated."

    def test_ok(self):
        x = self.r.random()
        f = self.c(FILES)
        if x < 0.5:
            return f"test_{f} (tests.test_{self.c(FILES)}.Test{f.title()}.test_{f}) ... ok"
        if x < 0.8:
            return f"PASS: tests/{f}"
        return f"{self.r.randint(1, 400):3d}/{self.r.randint(400, 900)} {self.c(TARGETS)}:{f:<24} OK   {self.r.random():.2f}s"

    def misc_shell(self):
        x = self.r.random()
        if x < 0.3:
            return f"mkdir -p build/{self.c(DIRS)}"
        if x < 0.55:
            objs = " ".join(f"{self.c(FILES)}.o" for _ in range(self.r.randint(2, 8)))
            return f"ar rcs lib{self.c(TARGETS)}.a {objs}"
        if x < 0.75:
            return f"install -m 644 {self.c(FILES)}.h /usr/local/include/{self.c(TARGETS)}"
        return f"In file included from {self.src()[:-2]}.h:{self.r.randint(1, 80)},"

    def harmless_words(self):
        """Lines that contain 'error'/'fail' but are not events."""
        x = self.r.random()
        if x < 0.3:
            return f"Build finished: 0 errors, 0 warnings ({self.r.randint(1, 90)}s)"
        if x < 0.5:
            return f"-- Adding -Werror=implicit-function-declaration to {self.c(TARGETS)}"
        if x < 0.7:
            return f"test_{self.c(FILES)}_errors (tests.test_errors) ... ok"
        if x < 0.85:
            return "checking for strerror_r... yes"
        return f"{self.r.randint(0, 3)} failures-expected tests skipped, errorlevel=0"

    def bad_utf8(self):
        b = self.c(BAD)
        x = self.r.random()
        if x < 0.4:
            return f"make[2]: Entering directory '/home/user/{b}/build'"
        if x < 0.7:
            return f"echo \"{b}\" >> {self.c(FILES)}.tmp"
        return f"  GEN      {b}.po"

    def context_line(self):
        n = self.r.randint(1, 999)
        if self.r.random() < 0.5:
            return f"{n:5d} |     {self.c(VARS)} = {self.c(FILES)}_{self.c(VARS)}({self.c(VARS)});"
        return f"      |     {' ' * self.r.randint(0, 12)}^~~~~"

    # -- rare events (the lines rules are meant to find) --------------------
    def warning(self):
        q, Q = self.q()
        msg, flag = self.c(WARN)
        s = self.src()
        ln, col = self.r.randint(1, 2000), self.r.randint(1, 40)
        v = self.c(VARS)
        return (f"{s}:{ln}:{col}: warning: {msg.format(q=q, Q=Q, v=v)} [{flag}]\n"
                f"{ln:5d} |   int {v};\n      |       ^")

    def error(self):
        q, Q = self.q()
        s = self.src()
        return (f"{s}:{self.r.randint(1, 2000)}:{self.r.randint(1, 40)}: error: "
                f"{self.c(ERRS).format(q=q, Q=Q, v=self.c(VARS))}")

    def make_error(self):
        lvl = self.r.choice(["make", "make[1]", "make[2]", "gmake"])
        return f"{lvl}: *** [Makefile:{self.r.randint(10, 900)}: {self.c(['all', 'install', 'check', 'src/main.o'])}] Error {self.c([1, 2, 2, 2])}"

    def ninja_failed(self):
        s = self.src()
        return f"FAILED: {s.split('/')[0]}/CMakeFiles/{self.c(TARGETS)}.dir/{s}.o\nninja: build stopped: subcommand failed."

    def built_target(self):
        return f"[{self.pct:3d}%] Built target {self.c(TARGETS)}"

    def linking(self):
        kind = self.c(["executable", "static library", "shared library"])
        return f"[{self.pct:3d}%] Linking C {kind} {self.c(TARGETS)}"

    def docker_step(self):
        n = self.r.randint(5, 30)
        return f"Step {self.r.randint(1, n)}/{n} : RUN {self.c(['make -j2', 'cmake --build build', 'ninja -C build', 'apt-get update'])}"

    def traceback(self):
        m, f = self.c(PYMODS), self.c(FILES)
        return ("Traceback (most recent call last):\n"
                f"  File \"/usr/lib/python3.11/{m}/{f}.py\", line {self.r.randint(1, 500)}, in <module>\n"
                f"    {f}()\nModuleNotFoundError: No module named '{f}'")

    def test_fail(self):
        return f"FAIL: tests/{self.c(FILES)}"

    def undefined_ref(self):
        f = self.c(FILES)
        return (f"/usr/bin/ld: CMakeFiles/{self.c(TARGETS)}.dir/{self.src()}.o: in function `{f}_init':\n"
                f"{f}.c:(.text+0x{self.r.randint(16, 4095):x}): undefined reference to `{self.c(FILES)}_free'\n"
                "collect2: error: ld returned 1 exit status")

    def fatal_error(self):
        return (f"{self.src()}:{self.r.randint(1, 40)}:10: fatal error: {self.c(FILES)}.h: No such file or directory\n"
                "compilation terminated.")

    # -- blocks ------------------------------------------------------------
    def block(self, nbytes):
        """Return (bytes, [offsets of line starts]) of about nbytes."""
        lines = []
        size = 0
        cum, kinds, total = self.cum, self.kinds, self.cum[-1]
        rnd = self.r.random
        while size < nbytes:
            for _ in range(1024):
                line = kinds[bisect.bisect(cum, rnd() * total)]()
                lines.append(line)
                size += len(line) + 1
        data = ("\n".join(lines) + "\n").encode("utf-8", "surrogateescape")
        starts = [0]
        pos = data.find(b"\n")
        while pos != -1 and pos + 1 < len(data):
            starts.append(pos + 1)
            pos = data.find(b"\n", pos + 1)
        return data, starts


def write_log(size_mib, out, seed, progress_pct=DEFAULT_PROGRESS_PCT):
    target = size_mib * MIB
    g = Gen(seed, progress_pct)
    pool_bytes = min(target, POOL_LIMIT)
    nblocks = max(1, (pool_bytes + BLOCK_BYTES - 1) // BLOCK_BYTES)
    blocks = [g.block(min(BLOCK_BYTES, pool_bytes)) for _ in range(nblocks)]
    r = random.Random(seed ^ 0x5EED)
    written = 0
    with open(out, "wb", buffering=0) as fh:
        for _ in range(target // (256 * 1024) + 16):   # bounded: >= 256 KiB per step
            if written >= target:
                break
            data, starts = blocks[int(r.random() * len(blocks))]
            k = starts[int(r.random() * len(starts))]
            chunk = data[k:] + data[:k]           # rotate by whole lines
            room = target - written
            if len(chunk) > room:                 # last piece: end on a line boundary
                cut = chunk.find(b"\n", room - 1)
                chunk = chunk[:cut + 1] if cut != -1 else chunk
            fh.write(chunk)
            written += len(chunk)
    return written


def write_huge_line(size_mib, out, seed):
    """One line of exactly size_mib MiB (the last byte is the only newline)."""
    target = size_mib * MIB
    g = Gen(seed)
    pieces = []
    for _ in range(4):                       # four different 1 MiB-ish pieces
        parts, n = [], 0
        while n < MIB:
            p = (f" -I{g.c(HOMES)}/{g.c(DIRS)}" if g.r.random() < 0.6 else f" -D{g.c(DEFINES)}")
            parts.append(p)
            n += len(p.encode())
        parts.append(" -Werror=format error: not-an-error")
        pieces.append("".join(parts).encode("utf-8"))
    written = 0
    with open(out, "wb", buffering=0) as fh:
        head = b"/usr/bin/cc"
        fh.write(head)
        written += len(head)
        for i in range(target // MIB + 2):   # bounded
            room = target - 1 - written
            if room <= 0:
                break
            p = pieces[i % len(pieces)]
            fh.write(p[:room])
            written += min(len(p), room)
        fh.write(b"\n")
        written += 1
    return written


def stats(path):
    """Cheap statistics over the first 64 MiB (stderr only)."""
    with open(path, "rb") as fh:
        data = fh.read(64 * MIB)
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    n = max(1, len(lines))
    long_ = sum(1 for ln in lines if len(ln) >= 4096)
    bad = 0
    for ln in lines:
        if any(b >= 0x80 for b in ln[:4096]):
            try:
                ln.decode("utf-8")
            except UnicodeDecodeError:
                bad += 1
    return (f"lines={len(lines)} avg={len(data) / n:.1f} B/line long(>=4KiB)={100.0 * long_ / n:.2f}% "
            f"invalid-utf8={100.0 * bad / n:.2f}% (first {len(data) // MIB} MiB)")


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--huge-line", type=int, metavar="MIB",
                    help="write one single line of MIB MiB instead of a build log")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--progress", type=float, default=DEFAULT_PROGRESS_PCT, metavar="PCT",
                    help="percent of lines that are ninja/cmake progress lines (default %(default)s)")
    ap.add_argument("--stats", action="store_true", help="print statistics to stderr")
    ap.add_argument("args", nargs="+", metavar="ARG", help="SIZE_MIB OUT, or OUT with --huge-line")
    a = ap.parse_args(argv)
    if a.huge_line is not None:
        if len(a.args) != 1 or a.huge_line < 1:
            ap.error("usage: --huge-line MIB OUT")
        n = write_huge_line(a.huge_line, a.args[0], a.seed)
        print(f"gen-buildlog: wrote {n} bytes (one line) to {a.args[0]}", file=sys.stderr)
        return 0
    if len(a.args) != 2:
        ap.error("usage: SIZE_MIB OUT")
    try:
        size = int(a.args[0])
    except ValueError:
        ap.error("SIZE_MIB must be an integer")
    if size < 1:
        ap.error("SIZE_MIB must be >= 1")
    n = write_log(size, a.args[1], a.seed, a.progress)
    print(f"gen-buildlog: wrote {n} bytes to {a.args[1]}", file=sys.stderr)
    if a.stats:
        print("gen-buildlog: " + stats(a.args[1]), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
