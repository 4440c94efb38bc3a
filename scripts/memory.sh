#!/usr/bin/env bash
# memory.sh — peak resident memory of `ncx run` against the number of timesteps
# (docs/reliability.md §2): the stdp example with a Poisson stimulus over the whole
# run, raster, probe CSV and plot written, for each step count given (default 10^6
# and 10^8). Prints steps, wall time, peak RSS (VmHWM, sampled every 0.2 s until the
# process exits) and the raster's size. Builds the release binary first.
#
# Usage: bash scripts/memory.sh [STEPS ...]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo build --release -p ncx --bin ncx >&2
ncx="$PWD/target/release/ncx"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
printf 'seed = 3\n[[poisson]]\ngroup = "afferents"\nprobability = 0.05\n' >"$work/s.toml"
"$ncx" compile examples/stdp/net.toml -o "$work/net.ncx" -q
printf '%12s %10s %12s %14s\n' steps seconds peak_rss_kib raster_bytes
for steps in "${@:-1000000 100000000}"; do
    for n in $steps; do
        start=$(date +%s.%N)
        "$ncx" run "$work/net.ncx" --stimulus "$work/s.toml" --steps "$n" -q \
            --raster "$work/r.csv" --probe "$work/p.csv" --plot "$work/r.svg" &
        pid=$!
        peak=0
        while kill -0 "$pid" 2>/dev/null; do
            hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
            if [[ -n "$hwm" && "$hwm" -gt "$peak" ]]; then peak=$hwm; fi
            sleep 0.2
        done
        wait "$pid"
        end=$(date +%s.%N)
        printf '%12s %10.1f %12s %14s\n' "$n" "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')" "$peak" "$(stat -c %s "$work/r.csv")"
    done
done
