#!/usr/bin/env bash
# fuzz.sh — run the fuzz targets of fuzz/ (docs/reliability.md §6) with cargo fuzz
# (libFuzzer, coverage-guided), each for a time budget or a number of inputs, and print
# the inputs executed per target.
#
# Usage: bash scripts/fuzz.sh [SECONDS] [TARGET...]
#   SECONDS   budget per target (default 60)
#   TARGET    run only these targets (default: every target in fuzz/fuzz_targets/)
# Environment:
#   NCX_FUZZ_RUNS=N      run each target for exactly N inputs instead of SECONDS
#                        (CI: scripts/test.sh sets 10000)
#   NCX_FUZZ_TIMEOUT=S   per-input time limit in seconds (default 25): a slower input is a hang
#   NCX_FUZZ_RSS_MB=MB   memory limit of the fuzzing process (default 2048)
#   NCX_FUZZ_NICE=K      run the fuzzers under `nice -n K` (default 0)
#   NCX_FUZZ_TARGET_DIR=D  cargo's target directory for the fuzz build (default
#                        fuzz/target; CI keeps it in ~/.cache/ncx so that a fresh clone
#                        rebuilds only the workspace's crates, not every dependency)
#   NCX_FUZZ_SEED=N      libFuzzer's random seed (default: a new one each run; CI sets 1,
#                        so that its inputs are the same on every run of the same code)
#
# Each target starts from its committed seeds (fuzz/seeds/<target>/, made by
# fuzz/make_seeds.py from the repository's golden files) and the corpus it grew before
# (fuzz/corpus/<target>/, not committed), with its dictionary (fuzz/dict/<target>.dict)
# if it has one. A panic, a failed assertion, an input slower
# than the time limit, a process above the memory limit, or a single allocation above
# 256 MiB (fuzz/src/lib.rs) is a finding: the input is saved under
# fuzz/artifacts/<target>/ with the command that replays it, the other targets still
# run, and the script exits 1. Exits 2 when cargo fuzz is missing or the build fails.
#
# The build skips the RTL co-simulation (VERILATOR names a program that does not exist,
# so crate ncx-hdl builds without Verilator, as hdl/build.rs allows unless
# NCX_REQUIRE_VERILATOR=1, which is unset here). No sanitizer (the workspace forbids
# unsafe code; the allocation limit above replaces ASan's malloc limit), debug
# assertions on (an arithmetic overflow is a finding), so the stable toolchain builds it.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$(pwd)

say() { printf 'fuzz: %s\n' "$*"; }

budget=60
if (($# > 0)) && [[ $1 =~ ^[0-9]+$ ]]; then
    budget=$1
    shift
fi
targets=("$@")
if ((${#targets[@]} == 0)); then
    for f in fuzz/fuzz_targets/*.rs; do
        targets+=("$(basename "$f" .rs)")
    done
fi
runs=${NCX_FUZZ_RUNS:-}
timeout=${NCX_FUZZ_TIMEOUT:-25}
rss_mb=${NCX_FUZZ_RSS_MB:-2048}
nice_level=${NCX_FUZZ_NICE:-0}
seed=()
if [[ -n ${NCX_FUZZ_SEED:-} ]]; then
    seed=(-seed="$NCX_FUZZ_SEED")
fi

if ! cargo fuzz --version >/dev/null 2>&1; then
    say "cargo fuzz not found: run bash scripts/setup.sh (it installs cargo-fuzz with cargo install)" >&2
    exit 2
fi

# The build: same flags every time, so that nothing is rebuilt between runs.
unset NCX_REQUIRE_VERILATOR
export VERILATOR=/nonexistent/ncx-fuzz-builds-without-verilator
build_flags=(--sanitizer none --debug-assertions --codegen-units 16)
target_dir=${NCX_FUZZ_TARGET_DIR:-$root/fuzz/target}
mkdir -p "$target_dir"
export CARGO_TARGET_DIR
CARGO_TARGET_DIR=$(cd "$target_dir" && pwd)
say "building ${#targets[@]} targets with $(cargo fuzz --version) (${build_flags[*]})"
start=$SECONDS
for t in "${targets[@]}"; do
    if [[ ! -f fuzz/fuzz_targets/$t.rs ]]; then
        say "no fuzz target $t (fuzz/fuzz_targets/$t.rs)" >&2
        exit 2
    fi
done
build_log=$(mktemp)
if ! (cd fuzz && nice -n "$nice_level" cargo fuzz build "${build_flags[@]}") >"$build_log" 2>&1; then
    tail -n 40 "$build_log" >&2
    rm -f "$build_log"
    say "build failed" >&2
    exit 2
fi
rm -f "$build_log"
say "built in $((SECONDS - start)) s"
triple=$(rustc -vV | sed -n 's/^host: //p')
bin_dir=$CARGO_TARGET_DIR/$triple/release

# Scratch files of the targets (network includes, .npy) go to a directory removed at exit.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

if [[ -n $runs ]]; then
    limit=(-runs="$runs")
    say "each target: $runs inputs, per-input limit ${timeout} s, memory ${rss_mb} MB"
else
    limit=(-max_total_time="$budget")
    say "each target: ${budget} s, per-input limit ${timeout} s, memory ${rss_mb} MB"
fi

failed=()
printf '%-16s %12s %8s %10s %8s  %s\n' target inputs seconds inputs/s corpus result
for t in "${targets[@]}"; do
    corpus=fuzz/corpus/$t
    artifacts=fuzz/artifacts/$t
    mkdir -p "$corpus" "$artifacts"
    log=$scratch/$t.log
    dict=()
    if [[ -f fuzz/dict/$t.dict ]]; then
        dict=(-dict="fuzz/dict/$t.dict")
    fi
    t0=$(date +%s.%N)
    status=0
    TMPDIR=$scratch nice -n "$nice_level" "$bin_dir/$t" "$corpus" "fuzz/seeds/$t" \
        "${limit[@]}" "${seed[@]}" "${dict[@]}" -timeout="$timeout" -rss_limit_mb="$rss_mb" -malloc_limit_mb=256 \
        -artifact_prefix="$artifacts/" -print_final_stats=1 >"$log" 2>&1 || status=$?
    t1=$(date +%s.%N)
    inputs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    inputs=${inputs:-?}
    seconds=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
    rate=$(awk -v n="$inputs" -v s="$seconds" 'BEGIN { if (n ~ /^[0-9]+$/ && s > 0) printf "%.0f", n / s; else print "?" }')
    size=$(find "$corpus" -type f | wc -l)
    if ((status == 0)); then
        result=ok
    else
        result="FAILED (exit $status)"
        failed+=("$t")
        cp "$log" "$artifacts/last-run.log"
    fi
    printf '%-16s %12s %8s %10s %8s  %s\n' "$t" "$inputs" "$seconds" "$rate" "$size" "$result"
done

if ((${#failed[@]} > 0)); then
    for t in "${failed[@]}"; do
        say "$t found a problem; its log: fuzz/artifacts/$t/last-run.log" >&2
        grep -E 'panicked at|==ncx-fuzz==|ERROR: libFuzzer|SUMMARY|Test unit written to|out-of-memory|timeout' \
            "fuzz/artifacts/$t/last-run.log" | head -n 12 >&2 || true
        say "replay: (cd fuzz && VERILATOR=/nonexistent cargo fuzz run ${build_flags[*]} $t <artifact>)" >&2
    done
    exit 1
fi
say "no crash, hang or memory blow-up in ${#targets[@]} targets"
