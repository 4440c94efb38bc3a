#!/usr/bin/env bash
# test.sh — every check of the ncx workspace, in the order CI runs them.
#
# Formatting, clippy with warnings as errors, ncx without co-simulation (clippy and its
# unit tests with --no-default-features), the whole test suite, the API docs
# (broken links are errors), the RTL lint (Verilator -Wall, Icarus and yosys over
# hdl/rtl/), a build of the benchmarks (compiled, not run, so that they
# keep compiling), and the boards: every board of the board table (the iCEBreaker and
# ULX3S bitstream flows, the Cmod A7 resource estimate), each checked against the table
# (several minutes), and a short
# run of every fuzz target (scripts/fuzz.sh). Runs
# from the repository root wherever it is called from, and stops at the first
# failure with a non-zero exit status.
#
# Usage: bash scripts/test.sh   (after bash scripts/setup.sh)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '\n==> %s\n' "$*"; }

# setup.sh installed the FPGA tools: the flow tests must run, not skip.
export NCX_REQUIRE_FPGA_TOOLS=1

step "format: cargo fmt --all --check"
cargo fmt --all --check

step "lint: cargo clippy --workspace --all-targets -- -D warnings"
cargo clippy --workspace --all-targets -- -D warnings

step "lean build: ncx without co-simulation (cargo feature cosim off: no Verilator, no C++)"
# `cargo install --path host --no-default-features` must build for a user who only
# compiles networks: ncx-hdl is not a dependency, the CLI and its tests compile, and the
# commands that need the RTL say how to get it (unit tests of the lib and the binary).
# (grep reads all of cargo tree's output, so that pipefail sees no broken pipe.)
if cargo tree -p ncx --no-default-features -e normal | grep 'ncx-hdl'; then
    echo "ncx depends on ncx-hdl without the cosim feature (above)" >&2
    exit 1
fi
cargo clippy -p ncx --no-default-features --all-targets -- -D warnings
cargo test -p ncx --no-default-features --lib --bins

step "test: cargo test --workspace"
cargo test --workspace

step "fuzz: every target of fuzz/ for 10000 inputs (bash scripts/fuzz.sh; docs/reliability.md §6)"
# A short budget on each parser of outside bytes (cargo fuzz, libFuzzer), from the
# committed seeds, with a fixed random seed (the same inputs on every run of the same
# code); the long run is documented in docs/reliability.md §6.
cargo fmt --manifest-path fuzz/Cargo.toml -p ncx-fuzz --check
# The build's target directory outlives the clone (~/.cache/ncx/fuzz-target), so that
# the dependencies are compiled once per machine, not once per clone.
NCX_FUZZ_RUNS=10000 NCX_FUZZ_SEED=1 NCX_FUZZ_TARGET_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/ncx/fuzz-target" \
    bash scripts/fuzz.sh

step "docs: cargo doc --workspace --no-deps (warnings are errors)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps

step "hdl lint: bash scripts/lint-hdl.sh"
bash scripts/lint-hdl.sh

step "bench builds: cargo bench -p ncx-model -p ncx-hdl --no-run"
cargo bench -p ncx-model -p ncx-hdl --no-run

step "boards: ncx hw build (every board of hdl/boards/boards.toml: iCE40 and ECP5 open flows, Cmod A7 yosys estimate; docs/boards.md)"
# Each board of the table is built at its default geometry; each build writes
# build/hw/<board>/report.json and must give the outcome the board table expects (fits
# with timing met, does not fit, or estimate): a change either way fails here until
# hdl/boards/boards.toml and docs/boards.md say so. The ULX3S (ECP5, YoWASP tools from
# scripts/setup.sh) takes the longest (docs/boards.md gives the times).
# (The tools do the work: the debug binary that `cargo test` built is fast enough.)
cargo build -p ncx --bin ncx
boards=$(sed -n 's/^name = "\(.*\)"$/\1/p' hdl/boards/boards.toml)
for board in $boards; do
    ./target/debug/ncx hw build --board "$board" --expect-table
done
./target/debug/ncx hw build --board icebreaker --echo

step "all checks passed"
