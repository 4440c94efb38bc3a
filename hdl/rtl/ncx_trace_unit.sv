// ncx_trace_unit — one STDP trace's effective value
//
// eff_o = bump(x) if the trace's owner fired in this timestep, else x, where bump is
// min(x + inc, 255) in add mode and inc in set mode (docs/semantics.md §3, §5; arith.rs
// `bump_trace`, core.rs `effective_trace`). LTP uses eff_o; the TRACE phase stores
// decay(eff_o, δ) = (eff_o · (4096 − δ)) >> 12 (arith.rs `decay_trace`), which the core
// computes on a decay unit of the neuron datapath (ncx_neuron aux_*, ncx_decay24: for
// x = eff_o >= 0 it is exactly that) so that the trace needs no multiplier of its own.
//
// Timing: combinational, no clock.
module ncx_trace_unit (
  input  logic [7:0] x_i,          // the stored trace
  input  logic       fired_i,      // its owner fired in this timestep
  input  logic [7:0] increment_i,  // inc_pre or inc_post
  input  logic       set_mode_i,   // 1: set mode, 0: add mode
  output logic [7:0] eff_o
);

  logic [8:0] sum;
  logic [7:0] bumped;

  assign sum    = {1'b0, x_i} + {1'b0, increment_i};
  assign bumped = set_mode_i ? increment_i : (sum[8] ? 8'hFF : sum[7:0]);
  assign eff_o  = fired_i ? bumped : x_i;

endmodule
