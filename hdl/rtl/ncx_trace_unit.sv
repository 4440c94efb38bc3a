// ncx_trace_unit — one STDP trace's effective and decayed values
//
// eff_o = bump(x) if the trace's owner fired in this timestep, else x, where bump is
// min(x + inc, 255) in add mode and inc in set mode (docs/semantics.md §3, §5; arith.rs
// `bump_trace`, core.rs `effective_trace`). LTP uses eff_o; the TRACE phase stores
// decayed_o = decay(eff_o, δ) = (eff_o · (4096 − δ)) >> 12 (arith.rs `decay_trace`).
// The decay comes in as 4095 − δ (keep_i, the form the configuration holds it in) and
// the product as eff_o · (4095 − δ) + eff_o: a multiplication with one addend, which a
// DSP block computes whole (no subtractor for 4096 − δ).
//
// Timing: combinational, no clock.
module ncx_trace_unit (
  input  logic [7:0]  x_i,          // the stored trace
  input  logic        fired_i,      // its owner fired in this timestep
  input  logic [7:0]  increment_i,  // inc_pre or inc_post
  input  logic        set_mode_i,   // 1: set mode, 0: add mode
  input  logic [11:0] keep_i,       // 4095 − δ (δ_pre or δ_post)
  output logic [7:0]  eff_o,
  output logic [7:0]  decayed_o
);

  logic [8:0]  sum;
  logic [7:0]  bumped;
  logic [19:0] product;  // eff_o · (4096 − δ) < 2^20

  assign sum       = {1'b0, x_i} + {1'b0, increment_i};
  assign bumped    = set_mode_i ? increment_i : (sum[8] ? 8'hFF : sum[7:0]);
  assign eff_o     = fired_i ? bumped : x_i;
  assign product   = {12'd0, eff_o} * {8'd0, keep_i} + {12'd0, eff_o};
  assign decayed_o = product[19:12];

  logic unused_product;
  assign unused_product = ^product[11:0];

endmodule
