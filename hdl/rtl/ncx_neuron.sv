// ncx_neuron — the neuron datapath: one neuron update per cycle, three-stage pipeline
//
// Computes docs/semantics.md §4.2 (core.rs `integrate`) for one neuron per cycle:
//   I' = sat24(decay(I, δ_I) + (acc << weight_shift))
//   r > 0:  v' = v, r' = r − 1, no spike
//   else:   u = sat24(decay(v, δ_v) + I' + bias); fire iff u >= θ;
//           fired: v' = reset, r' = R;  else v' = u, r' = 0
// Each result is the exact sum saturated once, as the model computes it (stage 2 clamps
// acc << weight_shift to 25 bits first, which provably leaves I' unchanged). The pipeline
// carries only what later stages use: stage 1 already picks, by r > 0, the v' and r' of
// the held or fired case ({v, r − 1} or {reset, R}), and θ travels as stored (XOR
// 0x7FFFFF).
//
// Ports
//   valid_i, index_i     a neuron's parameters, state and acc are on the inputs (the
//                          read data of the memories, read in the previous cycle)
//   params_i             {θ ^ 0x7FFFFF, reset, bias (24 bits each), δ_v, δ_I (12 each),
//                          R (8)}: the params memory word (θ stored XOR 0x7FFFFF)
//   state_i              {v, I (24 bits each), r (8)}
//   acc_i                the neuron's weight sum of this timestep (20 bits, signed)
//   weight_shift_i       the core's weight_shift; used in stage 2, so it must hold while
//                          a neuron is in the pipeline (the core's configuration changes
//                          only while the core is idle)
//   valid_o, index_o,    the result, two cycles after valid_i: the new state
//   state_o, fired_o       {v', I', r'} and the spike
//   aux_i                1: the two decay units (ncx_decay24, 24 × 13-bit multipliers)
//                          compute for the caller instead, on the aux_* operands — the
//                          core lends them to STDP and the traces outside its NEURON phase,
//                          when valid_i is low and the pipeline is empty
//   aux_v_x_i,           x and δ of the first unit (else v, δ_v), and its result
//   aux_v_delta_i,         aux_v_y_o = trunc(x · (4096 − δ) / 4096), combinational
//   aux_v_y_o
//   aux_i_x_i,           the same for the second unit (else I, δ_I)
//   aux_i_delta_i,
//   aux_i_y_o
//
// Timing: valid_i in cycle k gives valid_o in cycle k + 2 (stage 1: decays and the
// held/fired selections; stage 2: I' (with the shifted acc) and decay(v) + bias;
// stage 3, combinational on the stage-3 registers: u, the threshold test and the
// selection). The core reads neuron n's memories in cycle n of the NEURON phase, so the
// result is written in cycle n + 3. aux_*_y_o are combinational on the aux inputs.
module ncx_neuron #(
  parameter int IndexWidth = 8
) (
  input  logic                  clk_i,
  input  logic                  rst_ni,
  input  logic                  valid_i,
  input  logic [IndexWidth-1:0] index_i,
  input  logic [103:0]          params_i,
  input  logic [55:0]           state_i,
  input  logic [19:0]           acc_i,
  input  logic [3:0]            weight_shift_i,
  input  logic                  aux_i,
  input  logic [23:0]           aux_v_x_i,
  input  logic [11:0]           aux_v_delta_i,
  output logic [23:0]           aux_v_y_o,
  input  logic [23:0]           aux_i_x_i,
  input  logic [11:0]           aux_i_delta_i,
  output logic [23:0]           aux_i_y_o,
  output logic                  valid_o,
  output logic [IndexWidth-1:0] index_o,
  output logic [55:0]           state_o,
  output logic                  fired_o
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
  logic [23:0] theta_stored, reset_v, bias, v, i_cur;
  logic [11:0] v_decay, i_decay;
  logic [7:0]  refractory, r_cur;
  logic [23:0] i_decayed, v_decayed;
  logic        held;    // r > 0: v is held
  logic [23:0] v_pick;  // held: v, else reset (v' unless u is taken)
  logic [7:0]  r_pick;  // held: r − 1, else R (r' unless 0 is taken)

  assign theta_stored = params_i[103:80];
  assign reset_v      = params_i[79:56];
  assign bias         = params_i[55:32];
  assign v_decay      = params_i[31:20];
  assign i_decay      = params_i[19:8];
  assign refractory   = params_i[7:0];
  assign v            = state_i[55:32];
  assign i_cur        = state_i[31:8];
  assign r_cur        = state_i[7:0];
  assign held         = r_cur != 8'd0;
  assign v_pick       = held ? v : reset_v;
  assign r_pick       = held ? (r_cur - 8'd1) : refractory;

  ncx_decay24 u_decay_i (
    .x_i    (aux_i ? aux_i_x_i : i_cur),
    .delta_i(aux_i ? aux_i_delta_i : i_decay),
    .y_o    (i_decayed)
  );

  ncx_decay24 u_decay_v (
    .x_i    (aux_i ? aux_v_x_i : v),
    .delta_i(aux_i ? aux_v_delta_i : v_decay),
    .y_o    (v_decayed)
  );

  assign aux_v_y_o = v_decayed;
  assign aux_i_y_o = i_decayed;

  // Stage 2 registers.
  logic                  s2_valid_q;
  logic [IndexWidth-1:0] s2_index_q;
  logic [23:0]           s2_i_decayed_q, s2_v_decayed_q, s2_bias_q;
  logic [19:0]           s2_acc_q;
  logic [23:0]           s2_theta_q, s2_v_pick_q;
  logic [7:0]            s2_r_pick_q;
  logic                  s2_held_q;

  // Stage 2 (combinational on the stage-2 registers). I' = sat24(d + s) with d =
  // decay(I) (|d| <= 2^23) and s = acc << weight_shift; clamping s to 25 bits first does
  // not change I' (s >= 2^24 saturates d + s high and so does d + 2^24 − 1; s < −2^24
  // saturates it low and so does d − 2^24), so the shift and the sum are 25 and 26 bits.
  logic [24:0] shifted;   // (acc << weight_shift) mod 2^25
  logic [9:0]  sign_run;  // bit j: acc bits 19..j+9 all equal acc's sign
  logic        fits;      // acc << weight_shift fits in 25 bits
  logic [24:0] synaptic;  // clamp25(acc << weight_shift)
  logic [25:0] i_sum;
  logic [23:0] i_new;
  logic [24:0] vb_sum;    // decay(v) + bias

  assign shifted = {{5{s2_acc_q[19]}}, s2_acc_q} << weight_shift_i;
  for (genvar j = 0; j < 10; j++) begin : gen_sign_run
    assign sign_run[j] = s2_acc_q[19:j+9] == {(11 - j) {s2_acc_q[19]}};
  end
  // It fits iff acc's bits 19..24−weight_shift all equal its sign (always for shift <= 5).
  assign fits     = (weight_shift_i <= 4'd5) || sign_run[4'd15 - weight_shift_i];
  assign synaptic = fits ? shifted : (s2_acc_q[19] ? 25'h1000000 : 25'h0FFFFFF);
  assign i_sum    = {{2{s2_i_decayed_q[23]}}, s2_i_decayed_q} + {synaptic[24], synaptic};
  assign i_new    = sat24_26(i_sum);
  assign vb_sum   = {s2_v_decayed_q[23], s2_v_decayed_q} + {s2_bias_q[23], s2_bias_q};

  // Stage 3 registers.
  logic                  s3_valid_q;
  logic [IndexWidth-1:0] s3_index_q;
  logic [23:0]           s3_i_q;
  logic [24:0]           s3_vb_q;
  logic [23:0]           s3_theta_q, s3_v_pick_q;
  logic [7:0]            s3_r_pick_q;
  logic                  s3_held_q;

  // Stage 3 (combinational on the stage-3 registers).
  logic [25:0] u_sum;
  logic [23:0] u, threshold;
  logic        fired;
  logic        pick;   // held or fired: v', r' are the picked ones
  logic [23:0] v_next;
  logic [7:0]  r_next;

  assign u_sum     = {s3_vb_q[24], s3_vb_q} + {{2{s3_i_q[23]}}, s3_i_q};
  assign u         = sat24_26(u_sum);
  assign threshold = s3_theta_q ^ 24'h7FFFFF;
  assign fired     = !s3_held_q && ($signed(u) >= $signed(threshold));
  assign pick      = s3_held_q || fired;
  assign v_next    = pick ? s3_v_pick_q : u;
  assign r_next    = pick ? s3_r_pick_q : 8'd0;

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
    s2_index_q     <= index_i;
    s2_i_decayed_q <= i_decayed;
    s2_v_decayed_q <= v_decayed;
    s2_bias_q      <= bias;
    s2_acc_q       <= acc_i;
    s2_theta_q     <= theta_stored;
    s2_v_pick_q    <= v_pick;
    s2_r_pick_q    <= r_pick;
    s2_held_q      <= held;

    s3_index_q     <= s2_index_q;
    s3_i_q         <= i_new;
    s3_vb_q        <= vb_sum;
    s3_theta_q     <= s2_theta_q;
    s3_v_pick_q    <= s2_v_pick_q;
    s3_r_pick_q    <= s2_r_pick_q;
    s3_held_q      <= s2_held_q;
  end

  assign valid_o = s3_valid_q;
  assign index_o = s3_index_q;
  assign state_o = {v_next, s3_i_q, r_next};
  assign fired_o = fired;

endmodule
