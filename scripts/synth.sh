#!/usr/bin/env bash
# synth.sh — synthesise the RTL with yosys and print its resource use.
#
# For each target it runs yosys on hdl/rtl (the package, then every module file) with
# the top's geometry parameters and prints the cell counts that matter:
#   xc7    synth_xilinx -family xc7 (the Cmod A7's xc7a35t): LUTs, flip-flops, block RAM
#          (RAMB36E1 = 1, RAMB18E1 = 0.5), LUT RAM, DSP48E1, carry chains
#   ice40  synth_ice40 -dsp (the iCE40 UP5K of the iCEBreaker): logic cells (SB_LUT4),
#          flip-flops, EBR (SB_RAM40_4K), SPRAM, DSP (SB_MAC16)
# The full yosys logs go to build/synth/<target>-<top>-<N>x<M>.log.
#
# Usage: bash scripts/synth.sh [--top ncx_core] [--neurons 256] [--inputs 256] [xc7|ice40 ...]
#        (default: both targets, ncx_core, 256 x 256 — the core's default geometry)
# Needs yosys (bash scripts/setup.sh). docs/performance.md records the figures.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

top=ncx_core
neurons=256
inputs=256
targets=()
while (($#)); do
    case $1 in
        --top) top=$2; shift 2 ;;
        --neurons) neurons=$2; shift 2 ;;
        --inputs) inputs=$2; shift 2 ;;
        xc7 | ice40) targets+=("$1"); shift ;;
        *) echo "synth.sh: unknown argument $1 (see the header of scripts/synth.sh)" >&2; exit 2 ;;
    esac
done
((${#targets[@]})) || targets=(xc7 ice40)
command -v yosys >/dev/null || { echo "synth.sh: yosys not found: run bash scripts/setup.sh" >&2; exit 1; }

log2() {
    local v=$1 k=0
    while ((v > 1)); do
        ((v % 2 == 0)) || { echo "synth.sh: $1 is not a power of two" >&2; exit 2; }
        v=$((v / 2)); k=$((k + 1))
    done
    echo "$k"
}
nl=$(log2 "$neurons")
ml=$(log2 "$inputs")

files=(hdl/rtl/ncx_pkg.sv)
for f in hdl/rtl/ncx_*.sv; do
    [[ $f == *_pkg.sv ]] || files+=("$f")
done
mkdir -p build/synth

# count LOG CELL...: the number of cells of those types in the top's flattened stat.
count() {
    local log=$1
    shift
    local total=0 n
    for cell in "$@"; do
        n=$(awk -v c="$cell" '$1 == c && $2 ~ /^[0-9]+$/ { v = $2 } END { print v + 0 }' "$log")
        total=$((total + n))
    done
    echo "$total"
}

for target in "${targets[@]}"; do
    log=build/synth/$target-$top-${neurons}x$inputs.log
    case $target in
        xc7) synth="synth_xilinx -family xc7 -top $top -flatten" ;;
        ice40) synth="synth_ice40 -dsp -top $top" ;;
    esac
    start=$SECONDS
    # yosys prints its warnings (e.g. block RAM port resizing) even with -q: they are in
    # the log; on failure the log's end is shown.
    yosys -q -l "$log" -p "read_verilog -sv ${files[*]}; chparam -set NeuronsLog2 $nl -set InputsLog2 $ml $top; \
        $synth; tee -o /dev/stdout stat -width" >/dev/null 2>&1 || {
        tail -20 "$log" >&2
        echo "synth.sh: yosys failed for $target; the log is $log" >&2
        exit 1
    }
    # `stat` prints "Number of cells: K" then "  TYPE  COUNT" lines; keep the last table.
    awk '/Number of cells:/ { buf = "" } { buf = buf $0 "\n" } END { printf "%s", buf }' "$log" |
        awk '{ $1 = $1; print }' >"$log.stat"
    secs=$((SECONDS - start))
    case $target in
        xc7)
            luts=$(count "$log.stat" LUT1 LUT2 LUT3 LUT4 LUT5 LUT6)
            ffs=$(count "$log.stat" FDRE FDSE FDCE FDPE)
            b36=$(count "$log.stat" RAMB36E1)
            b18=$(count "$log.stat" RAMB18E1)
            lutram=$(count "$log.stat" RAM32M RAM64M RAM32X1D RAM64X1D RAM128X1D RAM256X1S)
            dsp=$(count "$log.stat" DSP48E1)
            carry=$(count "$log.stat" CARRY4)
            bram=$(awk -v a="$b36" -v b="$b18" 'BEGIN { printf "%g", a + b / 2 }')
            printf 'xc7   %s %dx%d: %s LUT, %s FF, %s BRAM36 (%s RAMB36 + %s RAMB18), %s LUTRAM cells, %s DSP48, %s CARRY4 (%ss)\n' \
                "$top" "$neurons" "$inputs" "$luts" "$ffs" "$bram" "$b36" "$b18" "$lutram" "$dsp" "$carry" "$secs"
            ;;
        ice40)
            lcs=$(count "$log.stat" SB_LUT4)
            ffs=$(count "$log.stat" SB_DFF SB_DFFE SB_DFFSR SB_DFFR SB_DFFS SB_DFFESR SB_DFFER SB_DFFES SB_DFFSS SB_DFFESS)
            ebr=$(count "$log.stat" SB_RAM40_4K)
            spram=$(count "$log.stat" SB_SPRAM256KA)
            dsp=$(count "$log.stat" SB_MAC16)
            carry=$(count "$log.stat" SB_CARRY)
            printf 'ice40 %s %dx%d: %s LUT4, %s FF, %s EBR, %s SPRAM, %s MAC16, %s SB_CARRY (%ss)\n' \
                "$top" "$neurons" "$inputs" "$lcs" "$ffs" "$ebr" "$spram" "$dsp" "$carry" "$secs"
            ;;
    esac
done
