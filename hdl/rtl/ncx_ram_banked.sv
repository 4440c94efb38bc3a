// ncx_ram_banked — a read and a write a cycle from two single-port banks
//
// Two single-port RAMs (ncx_ram_sp), bank 0 and bank 1, of 2^AddrWidth words each,
// serve one read and one write a cycle as long as the two go to different banks: the
// bank written takes the write address, the other the read address. The user chooses
// the bank of every word (rbank_i, wbank_i) so that a read whose data it uses and a
// write of the same cycle never fall in one bank. Simulation checks that it does not:
// such a read (the bank, taken by the write, does not read) returns the complement of
// the bank's read register, which every co-simulation test would see if it happened
// (no system task: hdl/README.md). Spram: ncx_ram_sp's (1: iCE40 SPRAM).
//
// Ports
//   clk_i                      clock
//   re_i, rbank_i, raddr_i     read: rdata_o in cycle c+1 is word raddr_i of bank rbank_i
//                                as it was at the end of cycle c; re_i says the data is
//                                used (for the check only: the read is done whenever
//                                that bank is not written)
//   we_i, wbank_i, waddr_i,    write: word waddr_i of bank wbank_i <= wdata_i at the edge
//   wdata_i                      ending the cycle
//
// Timing: one cycle of read latency; writes take effect at the clock edge.
module ncx_ram_banked #(
  parameter int AddrWidth = 8,
  parameter int Width     = 8,
  parameter int Spram     = 0
) (
  input  logic                 clk_i,
  input  logic                 re_i,
  input  logic                 rbank_i,
  input  logic [AddrWidth-1:0] raddr_i,
  input  logic                 we_i,
  input  logic                 wbank_i,
  input  logic [AddrWidth-1:0] waddr_i,
  input  logic [Width-1:0]     wdata_i,
  output logic [Width-1:0]     rdata_o
);

  logic [1:0]       bank_we;
  logic [2*Width-1:0] bank_rdata;  // bank b at [b*Width +: Width]
  logic             rbank_q;

  assign bank_we = {we_i && wbank_i, we_i && !wbank_i};

  for (genvar b = 0; b < 2; b++) begin : gen_bank
    ncx_ram_sp #(
      .AddrWidth(AddrWidth),
      .Width    (Width),
      .Spram    (Spram)
    ) u_ram (
      .clk_i  (clk_i),
      .we_i   (bank_we[b]),
      .addr_i (bank_we[b] ? waddr_i : raddr_i),
      .wdata_i(wdata_i),
      .rdata_o(bank_rdata[b*Width +: Width])
    );
  end

  logic [Width-1:0] rdata;
  assign rdata = rbank_q ? bank_rdata[2*Width-1:Width] : bank_rdata[Width-1:0];

`ifdef SYNTHESIS
  always_ff @(posedge clk_i) begin
    rbank_q <= rbank_i;
  end

  assign rdata_o = rdata;

  logic unused_re;
  assign unused_re = re_i;
`else
  logic collision_q;  // the read of the previous cycle met a write in its bank
  always_ff @(posedge clk_i) begin
    rbank_q     <= rbank_i;
    collision_q <= re_i && we_i && (rbank_i == wbank_i);
  end

  assign rdata_o = collision_q ? ~rdata : rdata;
`endif

endmodule
