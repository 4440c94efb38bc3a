// ncx_ram_sdp — simple dual-port RAM: one write port, one registered read port
//
// Written in the form yosys maps to block RAM (Xilinx RAMB18/36, iCE40 EBR), which the
// simulators accept as well: one clocked process, a synchronous write and a
// registered read, no reset on the memory or its read register. The word may be split
// into Lanes equal lanes with a write enable each (Lanes = Width: one per bit; the
// iCE40 EBR and Xilinx block RAMs have per-bit / per-byte write masks), so that
// memories sharing their addresses share one block RAM.
//
// A read of the word written in the same cycle (a collision) returns undefined data,
// as the block RAM does (an iCE40 EBR's collision result is undefined): the memory
// carries yosys's (* no_rw_check *), so no bypass registers and multiplexers are built
// around the block RAM. Users must not use such read data. Simulation checks that
// they do not: a collision read returns the complement of the old word, which every
// co-simulation test would see if it mattered (the core's and the transmit queue's
// memories do collide, always with the read data unused).
//
// Power-on contents: every word is 0. Simulators get an explicit `initial` fill; for
// synthesis (yosys defines SYNTHESIS) it is left out, because yosys 0.23 unrolls an
// initial loop in time quadratic in the depth (a minute at 2^14 words, hours at 2^20)
// and the block RAMs of every target already power on as zeros. The core stores its
// fields so that all-zero is the power-on value of every memory (ncx_core).
//
// Ports
//   clk_i               clock
//   we_i, waddr_i,      write: lane l of mem[waddr_i] <= lane l of wdata_i at the edge
//   wdata_i               ending the cycle, for every l with we_i[l] high
//   raddr_i, rdata_o    read: rdata_o in cycle c+1 is mem[raddr_i] as it was at the end
//                         of cycle c, when no write in cycle c addresses raddr_i (a write
//                         in cycle c is seen by a read issued in c+1); with a write in
//                         cycle c to raddr_i it is undefined (simulation: the complement
//                         of the old word)
//
// Timing: one cycle of read latency; writes take effect at the clock edge.
module ncx_ram_sdp #(
  parameter int AddrWidth = 8,
  parameter int Width     = 8,
  parameter int Lanes     = 1
) (
  input  logic                 clk_i,
  input  logic [Lanes-1:0]     we_i,
  input  logic [AddrWidth-1:0] waddr_i,
  input  logic [Width-1:0]     wdata_i,
  input  logic [AddrWidth-1:0] raddr_i,
  output logic [Width-1:0]     rdata_o
);

  localparam int Depth     = 2 ** AddrWidth;
  localparam int LaneWidth = Width / Lanes;

  // no_rw_check: no read-during-write bypass (the collision's read data is undefined).
  (* no_rw_check *)
  logic [Width-1:0] mem_q [Depth];
  logic [Width-1:0] rdata_q;

`ifndef SYNTHESIS
  initial begin
    for (int k = 0; k < Depth; k++) begin
      mem_q[k] = '0;
    end
  end
`endif

  // One write process per lane (yosys merges the lanes' write ports, which share the
  // address, into one port with a per-bit enable).
  for (genvar l = 0; l < Lanes; l++) begin : gen_lane
    always_ff @(posedge clk_i) begin
      if (we_i[l]) begin
        mem_q[waddr_i][l*LaneWidth +: LaneWidth] <= wdata_i[l*LaneWidth +: LaneWidth];
      end
    end
  end

  always_ff @(posedge clk_i) begin
`ifdef SYNTHESIS
    rdata_q <= mem_q[raddr_i];
`else
    // A read of the word written in the same cycle: undefined, so the complement.
    rdata_q <= ((we_i != '0) && (waddr_i == raddr_i)) ? ~mem_q[raddr_i] : mem_q[raddr_i];
`endif
  end

  assign rdata_o = rdata_q;

endmodule
