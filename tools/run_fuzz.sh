#!/usr/bin/env bash
# Fuzz the public C entry points of libhpcs_core with libFuzzer + ASan + UBSan.
#
# Builds tests/fuzz/fuzz_entry_points.c together with the library sources
# (directly with clang, no meson) into
#   fuzz-baseline  plain build: no target_clones, the SSE2 baseline code
#   fuzz-avx2      the kernels forced to the AVX2 clone (HPCS_FORCE_TARGET=
#                  "arch=x86-64-v3"), only when this CPU has AVX2 and FMA
# writes a small seed corpus (generated here: no binary file is committed),
# then runs each binary for SECONDS (split evenly) and prints libFuzzer's
# final stats, among them stat::number_of_executed_units.  Any crash, sanitizer
# report, invariant violation (__builtin_trap in the harness), timeout or OOM
# fails the script; the crashing inputs are kept in the directory it prints.
# Reproduce one with:  <binary> <crash-file>   (the build dir is printed too).
#
# usage: tools/run_fuzz.sh [SECONDS]      (default 60; total over all binaries)
#   env: HPCS_FUZZ_WORK=DIR   keep build, corpus and crashes in DIR
#                             (default: a fresh mktemp -d, kept, printed)
#        HPCS_FUZZ_JOBS=N     parallel fuzzing jobs per binary (default 1)
#        HPCS_FUZZ_VERBOSE=1  the harness prints each decoded call (use it when
#                             replaying a crash file)
# needs: clang and libclang-rt-14-dev (libFuzzer runtime) -- installed with
#        apt-get when missing (Debian 12: clang 14), python3 (seed corpus)
set -euo pipefail

seconds=${1:-60}
case $seconds in '' | *[!0-9]*) echo "usage: $0 [SECONDS]" >&2; exit 2 ;; esac
repo=$(cd "$(dirname "$0")/.." && pwd)
work=${HPCS_FUZZ_WORK:-$(mktemp -d /tmp/hpcs-fuzz.XXXXXX)}
jobs=${HPCS_FUZZ_JOBS:-1}
mkdir -p "$work"

# ---- toolchain ------------------------------------------------------------
have_fuzzer_rt() { # can clang link a libFuzzer target?
    command -v clang >/dev/null 2>&1 || return 1
    local t
    t=$(mktemp -d)
    echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }' >"$t/t.c"
    clang -fsanitize=fuzzer,address,undefined "$t/t.c" -o "$t/t" >/dev/null 2>&1
    local rc=$?
    rm -rf "$t"
    return $rc
}
if ! have_fuzzer_rt; then
    echo "run_fuzz: installing clang + libFuzzer runtime (apt-get)"
    ver=$(apt-cache policy clang 2>/dev/null | sed -n 's/^ *Candidate: *[0-9]*:\{0,1\}\([0-9]*\).*/\1/p')
    (apt-get update -q && apt-get install -y -q clang "libclang-rt-${ver:-14}-dev") >/dev/null 2>&1 || {
        echo "run_fuzz: could not install clang (apt-get install clang libclang-rt-${ver:-14}-dev)" >&2
        exit 1
    }
fi
echo "run_fuzz: $(clang --version | head -1)"

# ---- build ----------------------------------------------------------------
# The library's sources, as meson.build lists them (the one list):
# `meson introspect` reads meson.build without configuring a build.
if command -v meson >/dev/null 2>&1; then
    meson=(meson)
else
    python3 -m venv "$work/meson-venv" && "$work/meson-venv/bin/pip" install -q meson || {
        echo "run_fuzz: meson is needed to read the source list (pip install meson)" >&2; exit 1; }
    meson=("$work/meson-venv/bin/meson")
fi
mapfile -t srcs < <("${meson[@]}" introspect --targets "$repo/meson.build" | python3 -c '
import json, sys
for t in json.load(sys.stdin):
    if t["name"] == "hpcs_core":
        for group in t["target_sources"]:
            print("\n".join(s for s in group.get("sources", []) if s.endswith(".c")))')
[ "${#srcs[@]}" -gt 0 ] || { echo "run_fuzz: no sources for hpcs_core in meson.build" >&2; exit 1; }
# trace-cmp instrumentation (libFuzzer's default) is dropped: it made the
# kernels' inner loops several times slower (docs/decisions.md) for no gain
# (they compare data, not input bytes against magic constants).
cflags=(-std=gnu11 -fsanitize=fuzzer,address,undefined -fno-sanitize-coverage=trace-cmp
        -fno-sanitize-recover=undefined
        -g -O1 -ffp-contract=off -fno-omit-frame-pointer -pthread
        -I"$repo/csrc/include" -I"$repo/csrc")
# clang < 16 rejects __builtin_cpu_supports("x86-64-v3") used by csrc/isa.c.
if ! echo 'int f(void) { __builtin_cpu_init(); return __builtin_cpu_supports("x86-64-v3"); }' |
    clang -x c -c -o /dev/null - 2>/dev/null; then
    cflags+=(-include "$repo/tests/fuzz/cpu_supports_shim.h")
fi
builds=(baseline)
flags_baseline=()
if [ "$(uname -m)" = x86_64 ] && grep -qw avx2 /proc/cpuinfo && grep -qw fma /proc/cpuinfo; then
    if echo '__attribute__((target("arch=x86-64-v3"))) int f(void) { return 0; }' |
        clang -Werror -x c -c -o /dev/null - 2>/dev/null; then
        builds+=(avx2)
        flags_avx2=(-DHPCS_FORCE_TARGET='"arch=x86-64-v3"' -DHPCS_FORCE_ISA=2)
    else
        echo "run_fuzz: clang rejects target(\"arch=x86-64-v3\"): AVX2 build skipped"
    fi
else
    echo "run_fuzz: this CPU lacks AVX2/FMA: AVX2 build skipped (baseline only)"
fi
pids=()
for b in "${builds[@]}"; do # the builds run in parallel
    extra="flags_${b}[@]"
    echo "run_fuzz: building $work/fuzz-$b"
    clang "${cflags[@]}" ${!extra+"${!extra}"} "$repo/tests/fuzz/fuzz_entry_points.c" "${srcs[@]}" \
        -lm -o "$work/fuzz-$b" &
    pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid" || { echo "run_fuzz: build failed" >&2; exit 1; }; done

# ---- seed corpus ------------------------------------------------------------
# One seed per op and dtype (valid mode, small ints with ties and NaN), a few
# invalid-mode seeds and one long-series seed.  Layout: see the harness.
seeds="$work/seeds"
rm -rf "$seeds" && mkdir -p "$seeds"
python3 - "$seeds" <<'EOF'
import os, struct, sys
d = sys.argv[1]
nops = 18
def seed(name, b):
    open(os.path.join(d, name), "wb").write(bytes(b))
# header: sel mode flags ddof method scale-flag nq q.. | outer inner n(u16)
#         window(u16) mpb enc mask threads colsel | payload
payload = bytes((i * 37 + 11) % 256 for i in range(256))
for op in range(nops):
    for f32 in (0, 1):
        for k, (flags, outer, inner, n, enc) in enumerate(
                [(0, 1, 1, 40, 2), (1, 2, 3, 25, 1), (3, 3, 2, 0x8000 | 300, 0)]):
            h = [op + nops * f32, 2, flags, 1, k % 5, 1, 2, 0, 126, 252,
                 outer, inner, n & 0xff, n >> 8,
                 0x05, 0x40,   # window: 1 + 0x0005 % ..  (case 2)
                 100, 0x02, 0x00, enc, 1, 1, 9]
            seed(f"op{op:02d}_{'f32' if f32 else 'f64'}_{k}", h + list(payload))
for k in range(14):
    seed(f"invalid_{k:02d}", [k % nops, 8, 0, 0, 0, 1, 1, 128, 2, 5, 3, 2, k, 7, 3, 9])
# long series (big mode: mode % 8 == 1 and mode & 0x70 == 0x70)
for op in (0, 6, 8, 9, 13, 15, 16, 17):
    seed(f"big_op{op:02d}", [op, 0x71, 1, 1, 0, 1, 2, 64, 190, 0, 1, 0, 0, 0x40, 0x40, 10, 2, 0, 0, 0]
         + list(payload))
EOF

# ---- fuzz -----------------------------------------------------------------
crashes="$work/crashes"
mkdir -p "$crashes"
per=$(( seconds / ${#builds[@]} ))
[ "$per" -ge 1 ] || per=1
export ASAN_OPTIONS=${ASAN_OPTIONS:-allocator_may_return_null=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
total_execs=0
for b in "${builds[@]}"; do
    corpus="$work/corpus-$b"
    mkdir -p "$corpus"
    log="$work/fuzz-$b.log"
    echo "run_fuzz: fuzzing $b for ${per}s (log $log)"
    rc=0
    args=(-max_total_time="$per" -print_final_stats=1 -timeout=25 -rss_limit_mb=4096
          -max_len=8192 -artifact_prefix="$crashes/$b-")
    if [ "$jobs" -gt 1 ]; then
        args+=(-jobs="$jobs" -workers="$jobs")
    fi
    (cd "$work" && "$work/fuzz-$b" "${args[@]}" "$corpus" "$seeds") >"$log" 2>&1 || rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | awk '{s += $1} END {print s + 0}')
    total_execs=$((total_execs + execs))
    grep '^stat::' "$log" | sed "s/^/  [$b] /" || true
    echo "  [$b] corpus: $(find "$corpus" -type f | wc -l) inputs"
    if [ "$rc" -ne 0 ]; then
        status=1
        echo "run_fuzz: $b FAILED (exit $rc); report:"
        grep -E 'invariant violated|ERROR: (AddressSanitizer|libFuzzer)|runtime error|SUMMARY|Test unit written' "$log" |
            head -20 | sed 's/^/    /'
    fi
done
echo "run_fuzz: stat::number_of_executed_units total: $total_execs"
if ls "$crashes"/* >/dev/null 2>&1; then
    echo "run_fuzz: crashing inputs kept in $crashes:"
    ls -1 "$crashes" | sed 's/^/    /'
    echo "run_fuzz: reproduce: $work/fuzz-<build> <file>;  minimise: add -minimize_crash=1 -runs=10000"
    status=1
fi
echo "run_fuzz: work dir $work"
[ "$status" -eq 0 ] && echo "run_fuzz: OK, no crash" || echo "run_fuzz: FAILED"
exit $status
