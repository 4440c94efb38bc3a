# build.tcl — the NCX-1 bitstream for the Digilent Cmod A7-35T with Vivado, non-project mode.
#
# Usage (from the repository root, Vivado 2019.1 or later on PATH):
#
#   vivado -mode batch -source hdl/boards/cmod_a7/build.tcl \
#          -tclargs [NEURONS_LOG2 [INPUTS_LOG2 [BUILD_ID_HEX [OUT_DIR]]]]
#
#   NEURONS_LOG2, INPUTS_LOG2  geometry (default 8 8: 256 x 256, the board table's)
#   BUILD_ID_HEX               the BuildId parameter as 16 hex digits (default 0): the
#                              digits after 64'h of `BuildId=` in the `parameters` of the
#                              report.json that `ncx hw build --board cmod_a7` writes, so
#                              that HELLO reports that build's id (docs/boards.md)
#   OUT_DIR                    where the bitstream and reports go (default build/hw/cmod_a7)
#
# Writes OUT_DIR/ncx_cmod_a7.bit plus utilisation and timing reports, and fails (exit 1)
# when timing is not met at 100 MHz. Program with Vivado's hardware manager or
#   openFPGALoader -b cmoda7_35t OUT_DIR/ncx_cmod_a7.bit
# Nobody has run this script in this repository's CI (there is no Vivado there): CI runs
# yosys's synth_xilinx on the same sources for a resource estimate instead.

set here [file dirname [file normalize [info script]]]
set root [file normalize [file join $here .. .. ..]]

set neurons_log2 [expr {[llength $argv] > 0 ? [lindex $argv 0] : 8}]
set inputs_log2  [expr {[llength $argv] > 1 ? [lindex $argv 1] : 8}]
set build_id     [expr {[llength $argv] > 2 ? [lindex $argv 2] : "0000000000000000"}]
set out_dir      [expr {[llength $argv] > 3 ? [lindex $argv 3] : [file join $root build hw cmod_a7]}]
file mkdir $out_dir

set part xc7a35tcpg236-1
set top  ncx_board_cmod_a7

# The portable RTL (package first), then the board top and its constraints.
read_verilog -sv [file join $root hdl rtl ncx_pkg.sv]
foreach f [lsort [glob [file join $root hdl rtl ncx_*.sv]]] {
    if {![string match *_pkg.sv $f]} { read_verilog -sv $f }
}
read_verilog -sv [file join $here ncx_board_cmod_a7.sv]
read_xdc [file join $here cmod_a7.xdc]

synth_design -top $top -part $part \
    -generic NeuronsLog2=$neurons_log2 -generic InputsLog2=$inputs_log2 \
    -generic BuildId=64'h$build_id
opt_design
place_design
phys_opt_design
route_design

report_utilization    -file [file join $out_dir utilization.rpt]
report_timing_summary -file [file join $out_dir timing.rpt]
write_bitstream -force [file join $out_dir ncx_cmod_a7.bit]

# Worst negative slack of the setup checks: negative means 100 MHz is not met.
set wns [get_property SLACK [get_timing_paths -max_paths 1 -nworst 1 -setup]]
puts "ncx: WNS $wns ns at 100 MHz; bitstream [file join $out_dir ncx_cmod_a7.bit]"
if {$wns < 0} {
    puts "ncx: timing not met (WNS $wns ns): see [file join $out_dir timing.rpt]"
    exit 1
}
