// ncx_ram_sp — single-port RAM: one address a cycle for a read or a write, registered read
//
// Written in the form yosys maps to a single-ported RAM: one clocked process that either
// writes the word at addr_i or reads it into the read register, no reset on the memory
// or its read register. Spram = 1 asks for the iCE40 UP's SPRAM (SB_SPRAM256KA,
// 16K × 16; yosys `synth_ice40 -spram` honours the attribute ram_style = "huge"; other
// families have no such RAM and reject the attribute, so they get Spram = 0 and block
// RAM). The SPRAM's read register keeps its value in a write cycle (yosys's "rdwr
// no_change"), and so does this one.
//
// Power-on contents: Spram = 0 every word is 0, as in the block RAM (ncx_ram_sdp says
// why simulators only get an `initial` fill). Spram = 1: SPRAM contents are undefined
// at power-on; simulation fills the words with a non-zero pattern, so that a user that
// does not clear the RAM before reading it (ncx_core_mem) is seen in co-simulation.
//
// Ports
//   clk_i               clock
//   we_i, addr_i,       write: mem[addr_i] <= wdata_i at the edge ending the cycle; the
//   wdata_i               read register keeps its value
//   addr_i, rdata_o     read (we_i low): rdata_o in cycle c+1 is mem[addr_i] as it was at
//                         the end of cycle c; it then holds until the next read
//
// Timing: one cycle of read latency; writes take effect at the clock edge.
module ncx_ram_sp #(
  parameter int AddrWidth = 8,
  parameter int Width     = 8,   // >= 2
  parameter int Spram     = 0
) (
  input  logic                 clk_i,
  input  logic                 we_i,
  input  logic [AddrWidth-1:0] addr_i,
  input  logic [Width-1:0]     wdata_i,
  output logic [Width-1:0]     rdata_o
);

  localparam int Depth = 2 ** AddrWidth;

  logic [Width-1:0] rdata_q;

  if (Spram != 0) begin : gen_spram
    (* ram_style = "huge" *)
    logic [Width-1:0] mem_q [Depth];

`ifndef SYNTHESIS
    logic [Width-1:0] garbage;  // a shift register with XOR feedback: never zero
    initial begin
      garbage = '1;
      for (int k = 0; k < Depth; k++) begin
        mem_q[k] = garbage;
        garbage  = {garbage[Width-2:0], garbage[Width-1] ^ garbage[Width-2]};
      end
    end
`endif

    always_ff @(posedge clk_i) begin
      if (we_i) begin
        mem_q[addr_i] <= wdata_i;
      end else begin
        rdata_q <= mem_q[addr_i];
      end
    end
  end else begin : gen_block
    logic [Width-1:0] mem_q [Depth];

`ifndef SYNTHESIS
    initial begin
      for (int k = 0; k < Depth; k++) begin
        mem_q[k] = '0;
      end
    end
`endif

    always_ff @(posedge clk_i) begin
      if (we_i) begin
        mem_q[addr_i] <= wdata_i;
      end else begin
        rdata_q <= mem_q[addr_i];
      end
    end
  end

  assign rdata_o = rdata_q;

endmodule
