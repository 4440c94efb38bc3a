#!/usr/bin/env bash
# test.sh — every check of the ncx workspace, in the order CI runs them.
#
# Formatting, clippy with warnings as errors (every target: tests, examples and
# benchmarks must compile), ncx without co-simulation (clippy and its unit tests with
# --no-default-features), the whole test suite, a short run of every fuzz target
# (scripts/fuzz.sh), the API docs (broken links are errors), the RTL lint (Verilator
# -Wall, Icarus and yosys over hdl/rtl/), and the boards: every board of the board table
# (the iCEBreaker and ULX3S bitstream flows, the Cmod A7 resource estimate), each checked
# against the table (scripts/boards.sh). The board builds take several minutes on one
# core each, so they start in the background as soon as the ncx binary is built and are
# joined at the end; their log is build/ci/boards.log. Runs from the repository root
# wherever it is called from, and stops at the first failure with a non-zero exit status
# (stopping the board builds too).
#
# Usage: bash scripts/test.sh   (after bash scripts/setup.sh)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '\n==> %s\n' "$*"; }

# setup.sh installed the FPGA tools: the flow tests must run, not skip.
export NCX_REQUIRE_FPGA_TOOLS=1

step "format: cargo fmt --all --check"
cargo fmt --all --check

step "boards: started in the background (bash scripts/boards.sh; joined at the end)"
# A copy of the binary, so that later cargo builds never replace it under the builds.
# The builds get their own process group (setsid), stopped if this script stops early.
cargo build -p ncx --bin ncx
mkdir -p build/ci
cp target/debug/ncx build/ci/ncx
setsid bash scripts/boards.sh build/ci/ncx > build/ci/boards.log 2>&1 &
boards_pid=$!
boards_started=$SECONDS
trap 'kill -- -"$boards_pid" 2>/dev/null || true' EXIT

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

step "boards: join the background builds (build/ci/boards.log)"
if wait "$boards_pid"; then
    status=0
else
    status=$?
fi
trap - EXIT
cat build/ci/boards.log
echo "joined $((SECONDS - boards_started)) s after the board builds started"
if [ "$status" -ne 0 ]; then
    echo "the board builds failed (exit status $status; log above)" >&2
    exit 1
fi

step "all checks passed"
