// ncx_stdp_unit — one bounded STDP weight update (docs/semantics.md §3, §5)
//
// Δ = (A · x) >> shift (0..65025), then
//   potentiate_i = 1:  w' = min(w + Δ, max(w, bound))   (bound = w_max)
//   potentiate_i = 0:  w' = max(w − Δ, min(w, bound))   (bound = w_min)
// computed exactly (arith.rs `stdp_delta`, `potentiate`, `depress`). LTD feeds it
// (A−, x_post, w_min), LTP (A+, the effective pre trace, w_max). The product A · x is
// an 8 × 8 multiplication (a DSP block where the target has them).
//
// change_o is w' != w (the core writes only changed weights).
//
// Timing: combinational, no clock.
module ncx_stdp_unit (
  input  logic        potentiate_i,
  input  logic [7:0]  weight_i,     // w, two's complement
  input  logic [7:0]  amplitude_i,  // A: A+ or A−
  input  logic [7:0]  trace_i,      // x: the trace
  input  logic [3:0]  shift_i,      // stdp_shift
  input  logic [7:0]  bound_i,      // w_max (potentiate) or w_min (depress), two's complement
  output logic [7:0]  weight_o,     // w', two's complement
  output logic        change_o      // w' != w
);

  // A Δ of 256 or more moves any 8-bit w past any 8-bit limit, as Δ = 256 does: Δ is
  // clamped to 0..256. Whatever does not depend on Δ (the limit, and the gap: how far w
  // may move before it passes the limit) is formed beside the multiplication, so that
  // only a shift, a compare and a multiplexer follow it: w passes the limit exactly when
  // Δ > gap (an equivalence checked with a SAT miter against the direct form, w ± Δ
  // compared with the limit, when this form was introduced).
  logic [15:0] product;    // A · x, 0..65025
  logic [7:0]  shifted;    // A · x >> shift, its low byte (Δ when Δ < 256)
  logic [15:0] high_mask;  // the product bits that make Δ >= 256: bit 8 + shift and up
  logic [8:0]  delta;      // min(Δ, 256)
  logic [9:0]  w_ext;      // w, sign-extended
  logic [9:0]  bound_ext;  // bound, sign-extended
  logic [7:0]  moved;      // w ± Δ mod 256: w' when it does not pass the limit (Δ <= gap < 256)
  logic [9:0]  limit;      // max(w, bound) or min(w, bound)
  logic [9:0]  gap;        // |limit − w| (>= 0): how far w may move
  logic        w_above;    // w > bound
  logic        past;       // moved is beyond limit

  assign product   = {8'd0, amplitude_i} * {8'd0, trace_i};
  assign shifted   = 8'(product >> shift_i);
  assign high_mask = 16'hFF00 << shift_i;
  assign delta     = ((product & high_mask) != 16'd0) ? 9'd256 : {1'b0, shifted};
  assign w_ext     = {{2{weight_i[7]}}, weight_i};
  assign bound_ext = {{2{bound_i[7]}}, bound_i};
  assign moved     = potentiate_i ? (weight_i + delta[7:0]) : (weight_i - delta[7:0]);
  assign w_above   = $signed(weight_i) > $signed(bound_i);
  // potentiate: limit = max(w, bound); depress: limit = min(w, bound)
  assign limit     = (potentiate_i == w_above) ? w_ext : bound_ext;
  assign gap       = potentiate_i ? (limit - w_ext) : (w_ext - limit);
  assign past      = {1'b0, delta} > gap;
  assign weight_o  = past ? limit[7:0] : moved;
  // w' = w: the limit is w itself, or Δ = 0.
  assign change_o  = past ? (gap != 10'd0) : (delta != 9'd0);

endmodule
