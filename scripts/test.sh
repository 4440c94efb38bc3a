#!/usr/bin/env bash
# test.sh — every check of the ncx workspace, in the order CI runs them.
#
# Formatting, clippy with warnings as errors, the whole test suite, the API docs
# (broken links are errors), the RTL lint (Verilator -Wall, Icarus and yosys over
# hdl/rtl/), and a build of the benchmarks (compiled, not run, so that they
# keep compiling). Runs from the repository root wherever it is
# called from, and stops at the first failure with a non-zero exit status.
#
# Usage: bash scripts/test.sh   (after bash scripts/setup.sh)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '\n==> %s\n' "$*"; }

step "format: cargo fmt --all --check"
cargo fmt --all --check

step "lint: cargo clippy --workspace --all-targets -- -D warnings"
cargo clippy --workspace --all-targets -- -D warnings

step "test: cargo test --workspace"
cargo test --workspace

step "docs: cargo doc --workspace --no-deps (warnings are errors)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps

step "hdl lint: bash scripts/lint-hdl.sh"
bash scripts/lint-hdl.sh

step "bench builds: cargo bench -p ncx-model -p ncx-hdl --no-run"
cargo bench -p ncx-model -p ncx-hdl --no-run

step "all checks passed"
