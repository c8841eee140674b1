#!/usr/bin/env bash
# bench/run.sh - benchmark as-tail against `cat | cat`, ripgrep and GNU grep.
#
# Run from the repository root (this is what `make bench` does):
#     bench/run.sh
# Environment (all optional):
#     BENCH_MIB=1024         size of the synthetic build log in MiB
#     BENCH_HUGE_MIB=64      size of the single-line file for the memory test
#     BENCH_RUNS=3           runs per method (best counts), interleaved
#     BENCH_TIMEOUT=900      seconds allowed for any single run
#     RULES=rules/build.rules
#     BENCH_EVENT_RULES="RULES rules/generic.rules"
#                            rules files timed with and without their event
#                            blocks (the word RULES stands for $RULES)
#     AS_TAIL=./as-tail
#     AS_TAIL_OPTS=-n        options before -r in every as-tail run (-n = dry run:
#                            never send anything; requests go to stderr)
#     BENCH_NO_CACHE=1       do not keep the generated input in bench/.cache
#     BENCH_NO_INSTALL=1     never try `apt-get install ripgrep`
#     BENCH_RG=PATH|none     use this rg binary, or leave rg out
#     BENCH_GEN_ARGS=        extra gen-buildlog.py options, e.g. "--progress 30"
#     PYTHON=python3
#
# Steps: generate the input once (bench/.cache/, keyed by size and by the
# generator's hash), extract the rules' regexes into pattern files for rg and
# grep (in a temporary directory), copy each of BENCH_EVENT_RULES without its
# event blocks (strip-events.py), install ripgrep if missing (failure just
# leaves rg out), then bench/measure.py times every method on the same input
# and prints the table; the same results go to bench/results-latest.md.
# Nothing else is written into the repository.
set -eu

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
CACHE_DIR=$BENCH_DIR/.cache
BENCH_MIB=${BENCH_MIB:-1024}
BENCH_HUGE_MIB=${BENCH_HUGE_MIB:-64}
BENCH_RUNS=${BENCH_RUNS:-3}
BENCH_TIMEOUT=${BENCH_TIMEOUT:-900}
BENCH_NO_CACHE=${BENCH_NO_CACHE:-0}
BENCH_NO_INSTALL=${BENCH_NO_INSTALL:-0}
BENCH_GEN_ARGS=${BENCH_GEN_ARGS:-}
RULES=${RULES:-$ROOT/rules/build.rules}
BENCH_EVENT_RULES=${BENCH_EVENT_RULES-RULES $ROOT/rules/generic.rules}
AS_TAIL=${AS_TAIL:-$ROOT/as-tail}
AS_TAIL_OPTS=${AS_TAIL_OPTS--n}
PYTHON=${PYTHON:-python3}
WORK=

log() { printf 'bench: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 2; }

cleanup() {
    if [ -n "$WORK" ] && [ -d "$WORK" ]; then rm -rf -- "$WORK"; fi
    rm -f -- "$CACHE_DIR"/*.tmp.$$        # half-written input after an interrupt
}

check_number() { # NAME VALUE
    case $2 in
        ''|*[!0-9]*) die "$1 must be a positive integer (got '$2')" ;;
    esac
    [ "$2" -ge 1 ] || die "$1 must be >= 1"
}

# Absolute path of an existing file given relative to the caller's directory.
abs_path() {
    local d
    d=$(cd "$(dirname "$1")" && pwd) || return 1
    printf '%s/%s\n' "$d" "$(basename "$1")"
}

resolve_as_tail() {
    case $AS_TAIL in
        */*) [ -e "$AS_TAIL" ] || die "as-tail not found at '$AS_TAIL' (build it first: make)"
             AS_TAIL=$(abs_path "$AS_TAIL") ;;
        *)   AS_TAIL=$(command -v -- "$AS_TAIL") || die "'$AS_TAIL' not found in PATH" ;;
    esac
    [ -x "$AS_TAIL" ] || die "as-tail '$AS_TAIL' is not executable"
    [ -f "$RULES" ] || die "rules file not found: '$RULES'"
    RULES=$(abs_path "$RULES")
}

check_tools() {
    local t
    for t in "$PYTHON" cat cmp wc head sha256sum; do
        command -v "$t" >/dev/null 2>&1 || die "'$t' is required"
    done
    "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 9))' \
        || die "$PYTHON is older than Python 3.9"
}

# Is there room for MIB_NEEDED more MiB in DIR?
check_disk() { # DIR MIB_NEEDED
    local avail
    avail=$(df -Pk "$1" | awk 'NR == 2 { print int($4 / 1024) }')
    if [ -n "$avail" ] && [ "$avail" -lt "$2" ]; then
        die "need about $2 MiB free in $1, only $avail MiB available"
    fi
}

# MiB still to generate in DIR for a KIND file of MIB MiB (0 when cached).
to_generate() { # KIND MIB DIR
    if [ -s "$3/$1-$2MiB-$(gen_hash).log" ]; then echo 0; else echo "$2"; fi
}

# Cache key: the generator's source plus the extra generator arguments.
gen_hash() {
    { cat "$BENCH_DIR/gen-buildlog.py"; printf '\n%s' "$BENCH_GEN_ARGS"; } | sha256sum | cut -c1-12
}

# ensure_file KIND SIZE_MIB DIR -> prints the path; generates it when missing.
ensure_file() {
    local kind=$1 mib=$2 dir=$3 hash path f t0
    hash=$(gen_hash)
    path=$dir/$kind-${mib}MiB-$hash.log
    if [ -s "$path" ]; then
        log "reusing $path"
        printf '%s\n' "$path"
        return
    fi
    mkdir -p "$dir"
    for f in "$dir/$kind-${mib}MiB-"*.log; do   # stale versions of the generator
        if [ -e "$f" ] && [ "$f" != "$path" ]; then rm -f -- "$f"; fi
    done
    t0=$(date +%s.%N)
    log "generating $path ($mib MiB)"
    if [ "$kind" = hugeline ]; then
        "$PYTHON" "$BENCH_DIR/gen-buildlog.py" --huge-line "$mib" "$path.tmp.$$" >&2
    else
        local -a extra
        read -r -a extra <<<"$BENCH_GEN_ARGS"
        "$PYTHON" "$BENCH_DIR/gen-buildlog.py" --stats ${extra[@]+"${extra[@]}"} "$mib" "$path.tmp.$$" >&2
    fi
    mv -f -- "$path.tmp.$$" "$path"
    log "generated in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s"
    printf '%s\n' "$path"
}

# Sets RG to the ripgrep binary, or to "" when it is not available.
ensure_rg() {
    case ${BENCH_RG:-} in
        none) RG=; log "BENCH_RG=none: rg left out"; return 0 ;;
        ?*)   RG=$(command -v -- "$BENCH_RG") || die "BENCH_RG='$BENCH_RG' not found"; return 0 ;;
    esac
    RG=$(command -v rg 2>/dev/null || true)
    if [ -n "$RG" ]; then return 0; fi
    if [ "$BENCH_NO_INSTALL" = 1 ] || [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        log "ripgrep not installed (and not installing it): rg is reported as unavailable"
        return 0
    fi
    log "ripgrep missing: apt-get install -y ripgrep"
    if ! DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -q ripgrep >"$WORK/apt.log" 2>&1; then
        log "install failed; running apt-get update once and retrying"
        timeout 600 apt-get update -q >>"$WORK/apt.log" 2>&1 || true
        DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -q ripgrep >>"$WORK/apt.log" 2>&1 || true
    fi
    RG=$(command -v rg 2>/dev/null || true)
    [ -n "$RG" ] || log "ripgrep could not be installed: rg is reported as unavailable (see: $(tail -n 1 "$WORK/apt.log"))"
}

# Each of BENCH_EVENT_RULES and a copy without its event blocks, as
# measure.py's --events arguments in EVENT_ARGS.
strip_events() {
    local f n k=0 seen=" "
    EVENT_ARGS=()
    for f in $BENCH_EVENT_RULES; do
        if [ "$f" = RULES ]; then f=$RULES; fi
        [ -f "$f" ] || die "BENCH_EVENT_RULES: rules file not found: '$f'"
        f=$(abs_path "$f")
        case $seen in *" $f "*) continue ;; esac
        seen="$seen$f "
        k=$((k + 1))
        n=$("$PYTHON" "$BENCH_DIR/strip-events.py" "$f" "$WORK/noevents-$k.rules") \
            || die "could not strip the events of $f"
        log "$(basename "$f"): $n event statements; without them: $WORK/noevents-$k.rules"
        EVENT_ARGS+=(--events "$f" "$WORK/noevents-$k.rules" "$n")
    done
}

main() {
    local input huge data_dir pat_summary status
    check_number BENCH_MIB "$BENCH_MIB"
    check_number BENCH_HUGE_MIB "$BENCH_HUGE_MIB"
    check_number BENCH_RUNS "$BENCH_RUNS"
    check_number BENCH_TIMEOUT "$BENCH_TIMEOUT"
    check_tools
    resolve_as_tail

    WORK=$(mktemp -d "${TMPDIR:-/tmp}/as-tail-bench.XXXXXX")
    trap cleanup EXIT
    trap 'exit 130' INT TERM

    if [ "$BENCH_NO_CACHE" = 1 ]; then data_dir=$WORK; else data_dir=$CACHE_DIR; fi
    mkdir -p "$data_dir"
    check_disk "$data_dir" $(( $(to_generate buildlog "$BENCH_MIB" "$data_dir") \
                             + $(to_generate hugeline "$BENCH_HUGE_MIB" "$data_dir") + 16 ))
    check_disk "$WORK" $((BENCH_HUGE_MIB + 16))   # as-tail's copy of the huge line
    input=$(ensure_file buildlog "$BENCH_MIB" "$data_dir")
    huge=$(ensure_file hugeline "$BENCH_HUGE_MIB" "$data_dir")

    ensure_rg

    # Pattern files, with a per-pattern rg-vs-grep check on the first 16 MiB.
    head -c $((16 * 1024 * 1024)) "$input" >"$WORK/sample.log"
    pat_summary=$WORK/patterns.txt
    "$PYTHON" "$BENCH_DIR/rules2patterns.py" ${RG:+--rg "$RG"} --grep "$(command -v grep)" \
        --sample "$WORK/sample.log" "$RULES" "$WORK/patterns" >"$pat_summary" \
        || die "could not extract patterns from $RULES: $(cat "$pat_summary")"
    rm -f -- "$WORK/sample.log"
    log "$(head -n 1 "$pat_summary") (details at the end)"
    strip_events

    status=0
    "$PYTHON" "$BENCH_DIR/measure.py" \
        --input "$input" --huge "$huge" --rules "$RULES" --as-tail "$AS_TAIL" \
        --as-tail-opts="$AS_TAIL_OPTS" \
        --patterns "$WORK/patterns" ${RG:+--rg "$RG"} --grep "$(command -v grep)" \
        --runs "$BENCH_RUNS" --timeout "$BENCH_TIMEOUT" --workdir "$WORK" \
        --markdown "$BENCH_DIR/results-latest.md" \
        --input-note "gen-buildlog.py ${BENCH_GEN_ARGS:+$BENCH_GEN_ARGS }(cache key $(gen_hash))" \
        --patterns-note "$(head -n 1 "$pat_summary")" \
        --skipped "$pat_summary" ${EVENT_ARGS[@]+"${EVENT_ARGS[@]}"} || status=$?
    log "markdown written to $BENCH_DIR/results-latest.md"
    return "$status"
}

main "$@"
