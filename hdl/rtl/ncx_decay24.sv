// ncx_decay24 — the decay of a 24-bit signed value (docs/semantics.md §3)
//
// y = trunc(x · (4096 − δ) / 4096), rounded toward zero, so |y| <= |x| — bit for bit
// the model's `decay24` (core.rs). Computed on the signed product P = x · (4096 − δ)
// (24 × 13 bits, exact): for x >= 0, y = floor(P / 4096) = P >>> 12; for x < 0 the
// quotient rounds up instead, y = (P >>> 12) + 1 when P's low 12 bits are not all zero
// (a ceiling). No negation of x or of the result. Never overflows: y = −2^23 only for
// x = −2^23 and δ = 0.
//
// Timing: combinational, no clock.
module ncx_decay24 (
  input  logic [23:0] x_i,      // two's complement
  input  logic [11:0] delta_i,  // δ, 0..4095
  output logic [23:0] y_o       // two's complement
);

  logic [12:0]        factor;   // 4096 − δ, 1..4096
  logic signed [37:0] product;  // x · factor, −2^35 <= P < 2^35
  logic               round_up;

  assign factor   = 13'd4096 - {1'b0, delta_i};
  assign product  = $signed({{14{x_i[23]}}, x_i}) * $signed({25'd0, factor});
  assign round_up = x_i[23] && (product[11:0] != 12'd0);
  assign y_o      = product[35:12] + {23'd0, round_up};

  logic unused_product;
  assign unused_product = ^product[37:36];

endmodule
