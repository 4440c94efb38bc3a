// ncx_decay24 — the decay of a 24-bit signed value (docs/semantics.md §3)
//
// y = trunc(x · (4096 − δ) / 4096), rounded toward zero, so |y| <= |x| — bit for bit
// the model's `decay24` (core.rs). With f = 4096 − δ (1..4096) and the product P = x · f
// (exact): for x >= 0, y = floor(P / 4096); for x < 0 the quotient rounds up instead,
// y = floor((P + 4095) / 4096) (a ceiling). Both are y = floor((P + c) / 4096) with
// c = 4095 for x < 0, else 0. No negation of x or of the result. Never overflows:
// y = −2^23 only for x = −2^23 and δ = 0.
//
// The product is split at bit 12 of x, x = xh · 4096 + xl (xh = x[23:12] signed, xl =
// x[11:0] unsigned): lo = xl · f + c (< 2^25) and y = xh · f + floor(lo / 4096). Each is
// a multiplication with one addend, the form a DSP block computes whole (iCE40 SB_MAC16,
// Xilinx DSP48), so that no adder of partial products is built in the fabric.
//
// Timing: combinational, no clock.
module ncx_decay24 (
  input  logic [23:0] x_i,      // two's complement
  input  logic [11:0] delta_i,  // δ, 0..4095
  output logic [23:0] y_o       // two's complement
);

  logic [12:0]        factor;  // 4096 − δ, 1..4096
  logic [24:0]        lo;      // xl · f + c
  logic signed [25:0] hi;      // xh · f + floor(lo / 4096) = y

  assign factor = 13'd4096 - {1'b0, delta_i};
  assign lo     = {13'd0, x_i[11:0]} * {12'd0, factor} + {13'd0, {12{x_i[23]}}};
  assign hi     = $signed({{14{x_i[23]}}, x_i[23:12]}) * $signed({13'd0, factor})
                + $signed({13'd0, lo[24:12]});
  assign y_o    = hi[23:0];

  logic unused_decay;
  assign unused_decay = ^{lo[11:0], hi[25:24]};

endmodule
