// ncx_decay24 — the decay of a 24-bit signed value (docs/semantics.md §3)
//
// y = trunc(x · (4096 − δ) / 4096): the magnitude |x| is multiplied exactly
// (24 × 13 bits), shifted right by 12 and the sign put back, so the result rounds
// toward zero and |y| <= |x| — bit for bit the model's `decay24` (core.rs). Never
// overflows: y = −2^23 only for x = −2^23 and δ = 0.
//
// Timing: combinational, no clock.
module ncx_decay24 (
  input  logic [23:0] x_i,      // two's complement
  input  logic [11:0] delta_i,  // δ, 0..4095
  output logic [23:0] y_o       // two's complement
);

  logic        negative;
  logic [23:0] magnitude;  // |x| <= 2^23
  logic [12:0] factor;     // 4096 − δ, 1..4096
  logic [36:0] product;    // <= 2^35
  logic [23:0] scaled;     // product >> 12 <= |x|

  assign negative  = x_i[23];
  assign magnitude = negative ? (24'd0 - x_i) : x_i;
  assign factor    = 13'd4096 - {1'b0, delta_i};
  assign product   = {13'd0, magnitude} * {24'd0, factor};
  assign scaled    = product[35:12];
  assign y_o       = negative ? (24'd0 - scaled) : scaled;

  logic unused_product;
  assign unused_product = ^{product[36], product[11:0]};

endmodule
