#!/usr/bin/env bash
# lint-hdl.sh — lint the RTL in hdl/rtl/ and check that it stays in the portable subset.
#
# For the package (hdl/rtl/*_pkg.sv, ncx_pkg.sv first) and then for every module file,
# as its own top with the packages and once per parameter set of the matrix below:
#   - verilator --lint-only -Wall, with hdl/lint/verilator_waiver.vlt read first;
#   - iverilog -g2012 (Icarus Verilog 11) elaborates it;
#   - yosys 0.23 reads it (read_verilog -sv) and elaborates it (hierarchy -check; proc).
# A module's submodules are found by file name (one module per file, named after it).
# Works with only the package in hdl/rtl/ as with package and modules. Writes no files
# outside a temporary directory it removes. Stops at the first failure.
#
# Usage: bash scripts/lint-hdl.sh   (after bash scripts/setup.sh)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

RTL=hdl/rtl
WAIVER=hdl/lint/verilator_waiver.vlt

# The parameter matrix: the parameter sets a module is linted with, one set per line,
# each a space-separated list of Name=value (an empty line: the module's defaults) and
# of +define+NAME (a preprocessor define, for the variants of a module's ports).
# A module not listed here is linted with its defaults only. Modules with parameters
# that change the structure (geometry, STDP on/off) list every supported set.
param_sets() {
    case "$1" in
        ncx_core)
            # Every geometry the co-simulation builds, the extremes, and each of them
            # with the observation port (NCX_TRACE) as the harness builds it.
            for g in "4 4" "5 4" "4 6" "6 4" "8 8" "10 4" "4 10" "10 10"; do
                set -- $g
                echo "NeuronsLog2=$1 InputsLog2=$2"
                echo "NeuronsLog2=$1 InputsLog2=$2 +define+NCX_TRACE"
            done
            echo "NeuronsLog2=6 InputsLog2=6 Spram=1"
            # Accumulate lanes: the co-simulated 64x64 and the ULX3S's 256x256 with
            # four, and the extremes (8 lanes at the smallest geometry, 2 at the largest).
            echo "NeuronsLog2=6 InputsLog2=6 LanesLog2=2"
            echo "NeuronsLog2=6 InputsLog2=6 LanesLog2=2 +define+NCX_TRACE"
            echo "NeuronsLog2=8 InputsLog2=8 LanesLog2=2"
            echo "NeuronsLog2=4 InputsLog2=4 LanesLog2=3"
            echo "NeuronsLog2=10 InputsLog2=10 LanesLog2=1"
            ;;
        ncx_region_port | ncx_core_mem | ncx_region_size | ncx_ctrl_check | ncx_ctrl_reply)
            local module=$1
            for g in "4 4" "5 4" "4 6" "8 8" "4 10" "10 4" "10 10"; do
                set -- $g
                echo "NeuronsLog2=$1 InputsLog2=$2"
            done
            if [[ $module == ncx_core_mem ]]; then
                echo "NeuronsLog2=6 InputsLog2=6 Spram=1"
                echo "NeuronsLog2=4 InputsLog2=10 Spram=1"
                echo "NeuronsLog2=6 InputsLog2=6 LanesLog2=2"
                echo "NeuronsLog2=8 InputsLog2=8 LanesLog2=2"
                echo "NeuronsLog2=4 InputsLog2=4 LanesLog2=3"
                echo "NeuronsLog2=10 InputsLog2=10 LanesLog2=1"
            elif [[ $module == ncx_ctrl_reply ]]; then
                echo "NeuronsLog2=8 InputsLog2=8 LanesLog2=2"
            fi
            ;;
        ncx_ctrl_run)
            for s in 1 2 3 16 255; do
                echo "InputsLog2=4 InputSlots=$s"
            done
            echo "InputsLog2=10 InputSlots=16"
            ;;
        ncx_ctrl_frame) printf 'NeuronsLog2=%s\n' 4 5 6 8 10 ;;
        ncx_thermo) printf 'IdxWidth=%s\n' 4 5 7 10 ;;
        ncx_div_const) printf '%s\n' "QuotWidth=4 Divisor=17" "QuotWidth=4 Divisor=9" "QuotWidth=10 Divisor=17" "QuotWidth=10 Divisor=9" ;;
        ncx_byte_fifo) printf '%s\n' "" "Depth=2" "Depth=5" "Depth=16" ;;
        ncx_top | ncx_ctrl)
            local module=$1
            # The co-simulated geometries (16x16, 64x64 at divisor 4), the default
            # 256x256, the extremes, and odd buffer sizes (one slot, no history, 5 kept;
            # the controller alone also needs the history slot number's width).
            for g in "4 4" "6 6" "8 8" "4 10" "10 4" "10 10"; do
                set -- $g
                echo "NeuronsLog2=$1 InputsLog2=$2"
            done
            echo "NeuronsLog2=4 InputsLog2=4 BaudDivisor=4"
            # Four accumulate lanes: the co-simulated 64x64 and the ULX3S's 256x256.
            echo "NeuronsLog2=6 InputsLog2=6 BaudDivisor=4 LanesLog2=2"
            echo "NeuronsLog2=8 InputsLog2=8 LanesLog2=2"
            if [[ $module == ncx_top ]]; then
                # The iCEBreaker's: synapses and enable bits in SPRAM.
                echo "NeuronsLog2=6 InputsLog2=6 Spram=1"
                echo "NeuronsLog2=4 InputsLog2=5 Spram=1"
                echo "NeuronsLog2=4 InputsLog2=4 InputSlots=1 OutputHistory=0"
                echo "NeuronsLog2=5 InputsLog2=4 InputSlots=3 OutputHistory=5"
            else
                echo "NeuronsLog2=4 InputsLog2=4 InputSlots=1 OutputHistory=0 HistIdxWidth=1"
                echo "NeuronsLog2=5 InputsLog2=4 InputSlots=3 OutputHistory=5 HistIdxWidth=3"
            fi
            ;;
        ncx_ram_sdp) printf '%s\n' "" "Width=16 Lanes=2" "AddrWidth=4 Width=76 Lanes=76" ;;
        ncx_ram_sp | ncx_ram_banked) printf '%s\n' "" "Spram=1" "AddrWidth=12 Width=2 Spram=1" ;;
        ncx_tx_queue) printf '%s\n' "" "HistSlots=1 HistIdxWidth=1" "HistSlots=5 HistIdxWidth=3 HistBytesLog2=9" ;;
        ncx_frame_loop) printf '%s\n' "" "FifoDepth=16" ;;
        *) echo "" ;;
    esac
}

say() { printf 'lint-hdl: %s\n' "$*"; }
fail() {
    say "$*" >&2
    exit 1
}

for tool in verilator iverilog yosys; do
    command -v "$tool" >/dev/null 2>&1 || fail "$tool not found: run bash scripts/setup.sh"
done

shopt -s nullglob
packages=()
[[ -f $RTL/ncx_pkg.sv ]] || fail "$RTL/ncx_pkg.sv is missing (it is generated: see hdl/README.md)"
packages+=("$RTL/ncx_pkg.sv")
for f in "$RTL"/*_pkg.sv; do
    [[ $f == "$RTL/ncx_pkg.sv" ]] || packages+=("$f")
done
modules=()
for f in "$RTL"/*.sv; do
    [[ $f == *_pkg.sv ]] || modules+=("$f")
done
[[ -f $WAIVER ]] || fail "$WAIVER is missing"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Verilator: lint TOP (a module or a package) over FILES with parameters PARAMS.
verilator_lint() {
    local top=$1 params=$2
    shift 2
    local gs=()
    for p in $params; do
        case $p in
            +define+*) gs+=("$p") ;;
            *) gs+=("-G$p") ;;
        esac
    done
    verilator --lint-only -Wall "$WAIVER" -y "$RTL" --top-module "$top" "${gs[@]}" "$@"
}

# Icarus: elaborate TOP over FILES with parameters PARAMS.
icarus_check() {
    local top=$1 params=$2
    shift 2
    local ps=()
    for p in $params; do
        case $p in
            +define+*) ps+=("-D${p#+define+}") ;;
            *) ps+=("-P$top.$p") ;;
        esac
    done
    local status=0
    iverilog -g2012 -o /dev/null -y "$RTL" -Y .sv -s "$top" "${ps[@]}" "$@" >"$tmp/iverilog.log" 2>&1 || status=$?
    # Icarus 11 notes every `unique case` it compiles as a plain case; that is expected.
    grep -v 'vvp.tgt sorry: Case unique/unique0 qualities are ignored.' "$tmp/iverilog.log" >&2 || true
    return "$status"
}

# yosys: read FILES, elaborate TOP with parameters PARAMS.
yosys_check() {
    local top=$1 params=$2
    shift 2
    local chparam="" defines=""
    for p in $params; do
        case $p in
            +define+*) defines+=" -D${p#+define+}" ;;
            *) chparam+=" -chparam ${p%%=*} ${p#*=}" ;;
        esac
    done
    yosys -q -p "read_verilog -sv$defines $*; hierarchy -check -top $top$chparam; proc" >"$tmp/yosys.log" 2>&1 ||
        {
            cat "$tmp/yosys.log" >&2
            return 1
        }
}

# The packages alone: Verilator lints a package as the top; Icarus and yosys need a
# module to elaborate, so they get an empty one that comes after the packages.
for pkg in "${packages[@]}"; do
    name=$(basename "$pkg" .sv)
    verilator_lint "$name" "" "${packages[@]}" || fail "verilator: $pkg"
done
printf 'module ncx_lint_root;\nendmodule\n' >"$tmp/ncx_lint_root.sv"
icarus_check ncx_lint_root "" "${packages[@]}" "$tmp/ncx_lint_root.sv" || fail "iverilog: ${packages[*]}"
yosys_check ncx_lint_root "" "${packages[@]}" "$tmp/ncx_lint_root.sv" || fail "yosys: ${packages[*]}"
say "packages ok: ${packages[*]}"

# Every module as its own top, once per parameter set. yosys has no library path: it
# reads every module file, and `hierarchy -top` keeps the top's subtree.
for file in "${modules[@]}"; do
    top=$(basename "$file" .sv)
    while IFS= read -r params; do
        what="$top${params:+ ($params)}"
        verilator_lint "$top" "$params" "${packages[@]}" "$file" || fail "verilator: $what"
        icarus_check "$top" "$params" "${packages[@]}" "$file" || fail "iverilog: $what"
        yosys_check "$top" "$params" "${packages[@]}" "${modules[@]}" || fail "yosys: $what"
        say "ok: $what"
    done < <(param_sets "$top")
done
say "${#packages[@]} package(s), ${#modules[@]} module(s): verilator -Wall, iverilog and yosys clean"
