// ncx_stdp_unit — one bounded STDP weight update (docs/semantics.md §3, §5)
//
// Δ = (A · x) >> shift (0..65025), then
//   potentiate_i = 1:  w' = min(w + Δ, max(w, bound))   (bound = w_max)
//   potentiate_i = 0:  w' = max(w − Δ, min(w, bound))   (bound = w_min)
// computed exactly (arith.rs `stdp_delta`, `potentiate`, `depress`). LTD feeds it
// (A−, x_post, w_min), LTP (A+, the effective pre trace, w_max).
//
// Timing: combinational, no clock.
module ncx_stdp_unit (
  input  logic       potentiate_i,
  input  logic [7:0] weight_i,     // w, two's complement
  input  logic [7:0] amplitude_i,  // A+ or A−
  input  logic [7:0] trace_i,      // x
  input  logic [3:0] shift_i,      // stdp_shift
  input  logic [7:0] bound_i,      // w_max (potentiate) or w_min (depress), two's complement
  output logic [7:0] weight_o      // w', two's complement
);

  logic [15:0] product;
  logic [15:0] delta;
  logic [17:0] w_ext;      // w, sign-extended
  logic [17:0] bound_ext;  // bound, sign-extended
  logic [17:0] moved;      // w ± Δ, exact
  logic [17:0] limit;      // max(w, bound) or min(w, bound)
  logic        w_above;    // w > bound
  logic        past;       // moved is beyond limit

  assign product   = {8'd0, amplitude_i} * {8'd0, trace_i};
  assign delta     = product >> shift_i;
  assign w_ext     = {{10{weight_i[7]}}, weight_i};
  assign bound_ext = {{10{bound_i[7]}}, bound_i};
  assign moved     = potentiate_i ? (w_ext + {2'b00, delta}) : (w_ext - {2'b00, delta});
  assign w_above   = $signed(w_ext) > $signed(bound_ext);
  // potentiate: limit = max(w, bound); depress: limit = min(w, bound)
  assign limit     = (potentiate_i == w_above) ? w_ext : bound_ext;
  assign past      = potentiate_i ? ($signed(moved) > $signed(limit))
                                  : ($signed(moved) < $signed(limit));
  assign weight_o  = past ? limit[7:0] : moved[7:0];

endmodule
