# as-tail: watch a log, drive ActivitySmith Live Activities and pushes.
#
#   make                 build ./as-tail
#   make check           install missing packages (tools/deps.sh), build,
#                        then run the whole test suite (bats)
#   make check-asan      the same suite against an ASan+UBSan build
#   make check-tsan      the sender, outbox and delivery suites against a
#                        ThreadSanitizer build
#   make check-valgrind  the pipe, rules, activity, state, variables and ansible tests under valgrind
#   make fuzz            the libFuzzer harnesses, FUZZ_SECONDS (60) each
#   make bench           throughput and memory benchmark, the shared budget's
#                        lock cost and freshness (see bench/README.md)
#   make demo            install missing packages, build, then the build rules
#                        on a real build log, delivered to the bundled fake
#                        server (no key, no network)
#   make sim             the local simulator: the fake service and a page
#                        drawing its lock screen (SIM_PORT, default 8700)
#   make check-sim       the simulator's page in headless Chromium
#   make install PREFIX=/usr/local DESTDIR=

VERSION  = 0.1.0
PREFIX  ?= /usr/local
BINDIR   = $(PREFIX)/bin
MANDIR   = $(PREFIX)/share/man
RULESDIR = $(PREFIX)/share/as-tail/rules
BASHCOMPDIR = $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  = $(PREFIX)/share/zsh/site-functions

CC      ?= cc
PKGS     = libcurl libpcre2-8 json-c hiredis
CFLAGS  ?= -O2 -g
XCFLAGS  = -std=c11 -Wall -Wextra -Werror -D_XOPEN_SOURCE=700
XCFLAGS += $(shell pkg-config --cflags $(PKGS))
CPPFLAGS += -DAS_TAIL_VERSION='"$(VERSION)"' -DAS_TAIL_RULESDIR='"$(RULESDIR)"'
CPPFLAGS += -DAS_TAIL_MANDIR='"$(MANDIR)"'
LDLIBS  += $(shell pkg-config --libs $(PKGS)) -lpthread -lm

SRCS = $(wildcard src/*.c)
OBJS = $(SRCS:.c=.o)
HDRS = $(wildcard src/*.h)
UNIT = tests/unit/unit-ratelimit tests/unit/unit-outbox tests/unit/unit-vars \
       tests/unit/unit-backoff \
       tests/unit/unit-budget tests/unit/unit-matchdiff tests/unit/unit-preview \
       tests/unit/unit-scanpart
# The sanitizer run skips the suites that run no C (the fake server's own
# tests, the man page checks).
ASAN_TESTS = $(filter-out tests/fake-server.bats tests/man.bats,$(wildcard tests/*.bats))
# The suites where the reader and the sender thread share the outbox.
TSAN_TESTS = tests/send.bats tests/retry.bats tests/budget.bats tests/delivery.bats

all: as-tail

as-tail: $(OBJS)
	$(CC) $(XCFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $(OBJS) $(LDLIBS)

src/%.o: src/%.c $(HDRS)
	$(CC) $(XCFLAGS) $(CFLAGS) $(CPPFLAGS) -c -o $@ $<

tests/unit/unit-%: tests/unit/unit-%.c tests/unit/check.h $(filter-out src/main.o,$(OBJS)) $(HDRS)
	$(CC) $(XCFLAGS) $(CFLAGS) $(CPPFLAGS) $(LDFLAGS) -o $@ $< $(filter-out src/main.o,$(OBJS)) $(LDLIBS)

# The matcher's promise, also checked by the differential fuzz target.
tests/unit/unit-matchdiff: tests/unit/unit-matchdiff.c tests/unit/matchdiff.c tests/unit/matchdiff.h $(filter-out src/main.o,$(OBJS)) $(HDRS)
	$(CC) $(XCFLAGS) $(CFLAGS) $(CPPFLAGS) $(LDFLAGS) -o $@ tests/unit/unit-matchdiff.c tests/unit/matchdiff.c $(filter-out src/main.o,$(OBJS)) $(LDLIBS)

# make fuzz: the libFuzzer harnesses in tests/fuzz (clang, ASan, UBSan),
# each run for FUZZ_SECONDS from its seeds (tests/fuzz/run.sh).
FUZZ_SECONDS ?= 60
FUZZ_CC       = clang
FUZZ_TARGETS  = rules template lines state reply matchdiff
FUZZ_DIR      = tests/fuzz/build
FUZZ_CFLAGS   = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_OBJS     = $(patsubst src/%.c,$(FUZZ_DIR)/%.o,$(filter-out src/main.c,$(SRCS)))
FUZZ_BINS     = $(FUZZ_TARGETS:%=$(FUZZ_DIR)/fuzz-%)
FUZZ_COMMON   = tests/fuzz/fuzz.c tests/unit/matchdiff.c

$(FUZZ_DIR)/%.o: src/%.c $(HDRS)
	@mkdir -p $(FUZZ_DIR)
	$(FUZZ_CC) $(XCFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(CPPFLAGS) -c -o $@ $<

$(FUZZ_DIR)/fuzz-%: tests/fuzz/fuzz-%.c $(FUZZ_COMMON) tests/fuzz/fuzz.h tests/unit/matchdiff.h $(FUZZ_OBJS)
	$(FUZZ_CC) $(XCFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer $(CPPFLAGS) -o $@ $< $(FUZZ_COMMON) $(FUZZ_OBJS) $(LDLIBS)

# The targets a newcomer types first install what they need themselves.
DEPS = sh tools/deps.sh

check:
	$(DEPS) build test redis
	$(MAKE) as-tail $(UNIT) fuzz-syntax
	bats tests

check-asan:
	$(DEPS) build test redis
	$(MAKE) clean
	$(MAKE) CFLAGS='-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all' as-tail $(UNIT)
	AS_TAIL_SANITIZED=1 ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 bats $(ASAN_TESTS); \
	    status=$$?; $(MAKE) clean; exit $$status

check-tsan:
	$(DEPS) build test
	$(MAKE) clean
	$(MAKE) CFLAGS='-O1 -g -fsanitize=thread' as-tail $(UNIT)
	AS_TAIL_SANITIZED=1 AS_TAIL_TSAN=1 TSAN_OPTIONS=halt_on_error=1:exitcode=66 bats $(TSAN_TESTS); \
	    status=$$?; $(MAKE) clean; exit $$status

check-valgrind:
	$(DEPS) build test valgrind
	$(MAKE) as-tail
	AS_TAIL_NO_JIT=1 AS_TAIL_WRAPPER='valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite' bats tests/pipe.bats tests/rules.bats tests/activity.bats tests/state.bats tests/variables.bats tests/pack-ansible.bats

# The harnesses also compile with the project's compiler (syntax only: no
# libFuzzer), so that make check sees an interface change that breaks them.
fuzz-syntax:
	for f in tests/fuzz/*.c; do \
	    $(CC) $(XCFLAGS) $(CFLAGS) $(CPPFLAGS) -fsyntax-only $$f || exit 1; \
	done

fuzz:
	$(DEPS) build fuzz
	$(MAKE) $(FUZZ_BINS)
	sh tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

check-sim:
	$(DEPS) build test browser
	$(MAKE) as-tail
	bats tests/sim.bats

# The local simulator: the fake service with its lock-screen page.
SIM_PORT ?= 8700
sim:
	$(DEPS) test
	python3 tests/fake-activitysmith.py --sim --port $(SIM_PORT)

lint-man:
	$(DEPS) test
	mandoc -Tlint -W warning man/as-tail.1 man/as-tail.rules.5
	groff -mandoc -ww -z man/as-tail.1 man/as-tail.rules.5

bench: as-tail bench/budget-lock
	$(DEPS) redis
	bash bench/run.sh
	python3 bench/latency.py --markdown bench/results-latest.md
	python3 bench/many.py --as-tail ./as-tail
	d=$$(mktemp -d) && XDG_RUNTIME_DIR=$$d bench/budget-lock; \
	    status=$$?; rm -rf "$$d"; exit $$status
	python3 bench/freshness.py --redis --markdown bench/freshness-latest.md

bench/budget-lock: bench/budget-lock.c $(filter-out src/main.o,$(OBJS)) $(HDRS)
	$(CC) $(XCFLAGS) $(CFLAGS) $(CPPFLAGS) $(LDFLAGS) -o $@ $< $(filter-out src/main.o,$(OBJS)) $(LDLIBS)

demo:
	$(DEPS) build test
	$(MAKE) as-tail
	bash tests/demo.sh

install: as-tail
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(RULESDIR)
	install -m 755 as-tail $(DESTDIR)$(BINDIR)/as-tail
	install -m 644 man/as-tail.1 $(DESTDIR)$(MANDIR)/man1/as-tail.1
	install -m 644 man/as-tail.rules.5 $(DESTDIR)$(MANDIR)/man5/as-tail.rules.5
	install -m 644 rules/*.rules $(DESTDIR)$(RULESDIR)/
	install -d $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	install -m 644 contrib/completion/as-tail.bash $(DESTDIR)$(BASHCOMPDIR)/as-tail
	install -m 644 contrib/completion/_as-tail $(DESTDIR)$(ZSHCOMPDIR)/_as-tail

clean:
	rm -f as-tail $(OBJS) $(UNIT) bench/budget-lock
	rm -f $(FUZZ_DIR)/*.o $(FUZZ_BINS)

.PHONY: all fuzz fuzz-syntax sim check check-asan check-sim check-tsan check-valgrind lint-man bench demo install clean
