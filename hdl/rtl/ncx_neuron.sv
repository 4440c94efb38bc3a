// ncx_neuron — the neuron datapath: one neuron update per cycle, three-stage pipeline
//
// Computes docs/semantics.md §4.2 (core.rs `integrate`) for one neuron per cycle:
//   I' = sat24(decay(I, δ_I) + (acc << weight_shift))
//   r > 0:  v' = v, r' = r − 1, no spike
//   else:   u = sat24(decay(v, δ_v) + I' + bias); fire iff u >= θ;
//           fired: v' = reset, r' = R;  else v' = u, r' = 0
// Each result is the exact sum saturated once, as the model computes it (stage 2 takes
// an acc << weight_shift beyond 25 bits as saturating I' outright, which it provably
// does, and adds the others in 26 bits). The pipeline carries only what later stages
// use; the fields that only the last stage uses (θ, reset, R and r) are not carried but
// come in then (late_i: the core keeps them in a memory read two cycles after the
// others), θ as stored (XOR 0x7FFFFF).
//
// Ports
//   valid_i              a neuron's parameters, state and acc are on the inputs (the read
//                          data of the memories, read in the previous cycle)
//   params_i             {bias (24 bits), δ_v, δ_I (12 each)}
//   state_i              {v, I (24 bits each)}
//   acc_i                the neuron's weight sum of this timestep (20 bits, signed)
//   weight_shift_i       the core's weight_shift; used in stage 2, so it must hold while
//                          a neuron is in the pipeline (the core's configuration changes
//                          only while the core is idle)
//   late_i               {θ ^ 0x7FFFFF, reset (24 bits each), R, r (8 each)} of the same
//                          neuron, two cycles after valid_i (in the cycle of valid_o)
//   valid_o,             the result, two cycles after valid_i: the new state
//   state_o, fired_o       {v', I', r'} and the spike
//   held_o, v_new_o      r > 0 (v' = v) and, for held_o low, v' — for a caller that stores
//                          the state and need not write v when it is held, so that
//                          state_o's v' (the pipeline's copy of v) may go unused
//
// Timing: valid_i in cycle k gives valid_o in cycle k + 2 (stage 1: the decays; stage 2:
// I' (with the shifted acc) and decay(v) + bias; stage 3, combinational on the stage-3
// registers and late_i: u, the threshold test and the selection). The core reads neuron
// n's memories in cycle n of the NEURON phase (late_i's in cycle n + 2), so the result
// is written in cycle n + 3.
module ncx_neuron (
  input  logic         clk_i,
  input  logic         rst_ni,
  input  logic         valid_i,
  input  logic [47:0]  params_i,
  input  logic [47:0]  state_i,
  input  logic [19:0]  acc_i,
  input  logic [3:0]   weight_shift_i,
  input  logic [63:0]  late_i,
  output logic         valid_o,
  output logic [55:0]  state_o,
  output logic         fired_o,
  output logic         held_o,
  output logic [23:0]  v_new_o
);

  // Saturate a 26-bit two's-complement value to 24 bits.
  function automatic logic [23:0] sat24_26(input logic [25:0] x);
    if (x[25:23] == {3{x[25]}}) begin
      sat24_26 = x[23:0];
    end else begin
      sat24_26 = x[25] ? 24'h800000 : 24'h7FFFFF;
    end
  endfunction

  // Stage 1 (combinational on the inputs).
  logic [23:0] bias, v, i_cur;
  logic [11:0] v_decay, i_decay;
  logic [23:0] i_decayed, v_decayed;

  assign bias    = params_i[47:24];
  assign v_decay = params_i[23:12];
  assign i_decay = params_i[11:0];
  assign v       = state_i[47:24];
  assign i_cur   = state_i[23:0];

  ncx_decay24 u_decay_i (
    .x_i    (i_cur),
    .delta_i(i_decay),
    .y_o    (i_decayed)
  );

  ncx_decay24 u_decay_v (
    .x_i    (v),
    .delta_i(v_decay),
    .y_o    (v_decayed)
  );

  // Stage 2 registers.
  logic        s2_valid_q;
  logic [23:0] s2_i_decayed_q, s2_v_decayed_q, s2_bias_q, s2_v_q;
  logic [19:0] s2_acc_q;

  // Stage 2 (combinational on the stage-2 registers). I' = sat24(d + s) with d =
  // decay(I) (|d| <= 2^23) and s = acc << weight_shift. For s outside 25 bits (s >= 2^24
  // or s < −2^24) d + s saturates whatever d is, high for s > 0 and low for s < 0; else
  // the sum is exact in 26 bits. The shift is the multiplication acc · 2^weight_shift (a
  // DSP block where the target has them, rather than a barrel shifter), exact in 37 bits.
  logic [15:0]        scale;   // 2^weight_shift
  logic signed [36:0] scaled;  // acc << weight_shift
  logic               fits;    // acc << weight_shift fits in 25 bits
  logic [25:0]        i_sum;   // d + s when it fits
  logic               i_high, i_low;  // I' saturates high, low
  logic [23:0]        i_new;
  logic [24:0]        vb_sum;  // decay(v) + bias

  assign scale  = 16'd1 << weight_shift_i;
  assign scaled = $signed(s2_acc_q) * $signed({1'b0, scale});
  assign fits   = scaled[36:24] == {13{scaled[36]}};
  assign i_sum  = {{2{s2_i_decayed_q[23]}}, s2_i_decayed_q} + {scaled[24], scaled[24:0]};
  assign i_high = fits ? (!i_sum[25] && (i_sum[24:23] != 2'b00)) : !scaled[36];
  assign i_low  = fits ? (i_sum[25] && (i_sum[24:23] != 2'b11)) : scaled[36];
  assign i_new  = i_high ? 24'h7FFFFF : (i_low ? 24'h800000 : i_sum[23:0]);
  assign vb_sum = {s2_v_decayed_q[23], s2_v_decayed_q} + {s2_bias_q[23], s2_bias_q};

  // Stage 3 registers.
  logic        s3_valid_q;
  logic [23:0] s3_i_q, s3_v_q;
  logic [24:0] s3_vb_q;

  // Stage 3 (combinational on the stage-3 registers and late_i).
  logic [23:0] theta_stored, reset_v;
  logic [7:0]  refractory, r_cur;
  logic        held;   // r > 0: v is held, r' = r − 1
  logic [25:0] u_sum;
  logic [23:0] u, threshold;
  logic        fired;
  logic [23:0] v_new;  // v' unless held
  logic [23:0] v_next;
  logic [7:0]  r_next;

  assign theta_stored = late_i[63:40];
  assign reset_v      = late_i[39:16];
  assign refractory   = late_i[15:8];
  assign r_cur        = late_i[7:0];
  assign held         = r_cur != 8'd0;
  assign u_sum        = {s3_vb_q[24], s3_vb_q} + {{2{s3_i_q[23]}}, s3_i_q};
  assign u            = sat24_26(u_sum);
  assign threshold    = theta_stored ^ 24'h7FFFFF;
  assign fired        = !held && ($signed(u) >= $signed(threshold));
  assign v_new        = fired ? reset_v : u;
  assign v_next       = held ? s3_v_q : v_new;
  assign r_next       = held ? (r_cur - 8'd1) : (fired ? refractory : 8'd0);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      s2_valid_q <= 1'b0;
      s3_valid_q <= 1'b0;
    end else begin
      s2_valid_q <= valid_i;
      s3_valid_q <= s2_valid_q;
    end
  end

  always_ff @(posedge clk_i) begin
    s2_i_decayed_q <= i_decayed;
    s2_v_decayed_q <= v_decayed;
    s2_bias_q      <= bias;
    s2_acc_q       <= acc_i;
    s2_v_q         <= v;

    s3_i_q         <= i_new;
    s3_vb_q        <= vb_sum;
    s3_v_q         <= s2_v_q;
  end

  assign valid_o = s3_valid_q;
  assign state_o = {v_next, s3_i_q, r_next};
  assign fired_o = fired;
  assign held_o  = held;
  assign v_new_o = v_new;

endmodule
