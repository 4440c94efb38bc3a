#!/usr/bin/env bash
# soak.sh — the soak of docs/reliability.md §7, in release mode:
#
#   1. LOCKSTEP_CASES random networks (default 10000) on the RTL core against the model
#      in lock step, over every core geometry the build verilated, STDP on and off,
#      free-running and paced, some with a state reset halfway;
#   2. FAULT_RUNS fault-injected device runs (default 1000): random networks and stimuli
#      on the device model through the fault injector (drop, corrupt, duplicate, delay;
#      0.1 % to 2 % of the bytes), each bit-identical to its fault-free run.
#
# Both are the tests of tests/tests/soak.rs (which CI runs with 200 and 100 cases in
# `cargo test`). Case i has seed SEED + i; SEED defaults to the time (printed). A failure
# names its seed and the command that runs that case again (NCX_SOAK_CASE=<seed>).
# Prints the counts, the seeds, the machine and the time.
#
# Usage: bash scripts/soak.sh [LOCKSTEP_CASES] [FAULT_RUNS] [SEED]
#        (after bash scripts/setup.sh; without Verilator the lock-step part is skipped)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

lockstep=${1:-10000}
faults=${2:-1000}
seed=${3:-${NCX_SOAK_SEED:-$(date +%s)}}
for value in "$lockstep" "$faults" "$seed"; do
    if ! [[ $value =~ ^[0-9]+$ ]]; then
        echo "soak.sh: \`$value\` is not a whole number" >&2
        echo "usage: bash scripts/soak.sh [LOCKSTEP_CASES] [FAULT_RUNS] [SEED]" >&2
        exit 2
    fi
done

cpu=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ *//' || true)
echo "soak: $lockstep lock-step cases, $faults fault-injected runs, seed $seed"
echo "soak: machine: $(nproc) cores${cpu:+ ($cpu)}, $(uname -sr), $(rustc --version)"

# Build first, then run the test binary itself, so that cargo's lock on the target
# directory is not held for the hours of the run.
echo "soak: building (cargo test --release -p ncx-tests --test soak --no-run) ..."
bin=$(cargo test --release -p ncx-tests --test soak --no-run --message-format=json \
    | sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -n 1)
if [[ -z $bin ]]; then
    echo "soak.sh: cargo did not say where the soak test binary is" >&2
    exit 1
fi

started=$(date +%s)
NCX_SOAK_LOCKSTEP=$lockstep NCX_SOAK_FAULTS=$faults NCX_SOAK_SEED=$seed \
    "$bin" --nocapture --test-threads 2
elapsed=$(( $(date +%s) - started ))
printf 'soak: passed: %s lock-step cases and %s fault-injected runs from seed %s in %d min %02d s\n' \
    "$lockstep" "$faults" "$seed" $((elapsed / 60)) $((elapsed % 60))
