// ncx_neuron — the neuron datapath: one neuron update per cycle, three-stage pipeline
//
// Computes docs/semantics.md §4.2 (core.rs `integrate`) for one neuron per cycle:
//   I' = sat24(decay(I, δ_I) + (acc << weight_shift))
//   r > 0:  v' = v, r' = r − 1, no spike
//   else:   u = sat24(decay(v, δ_v) + I' + bias); fire iff u >= θ;
//           fired: v' = reset, r' = R;  else v' = u, r' = 0
// All sums are exact (36 and 27 bits) and saturated once, as the model does.
//
// Ports
//   valid_i, index_i     a neuron's parameters, state and acc are on the inputs (the
//                          read data of the memories, read in the previous cycle)
//   params_i             {θ ^ 0x7FFFFF, reset, bias (24 bits each), δ_v, δ_I (12 each),
//                          R (8)}: the params memory word (θ stored XOR 0x7FFFFF)
//   state_i              {v, I (24 bits each), r (8)}
//   acc_i                the neuron's weight sum of this timestep (20 bits, signed)
//   weight_shift_i       the core's weight_shift
//   valid_o, index_o,    the result, two cycles after valid_i: the new state
//   state_o, fired_o       {v', I', r'} and the spike
//
// Timing: valid_i in cycle k gives valid_o in cycle k + 2 (stage 1: decays and the
// shifted acc; stage 2: I' and decay(v) + bias; stage 3, combinational on the stage-3
// registers: u, the threshold test and the selection). The core reads neuron n's
// memories in cycle n of the NEURON phase, so the result is written in cycle n + 3.
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
  output logic                  valid_o,
  output logic [IndexWidth-1:0] index_o,
  output logic [55:0]           state_o,
  output logic                  fired_o
);

  // Saturate a wide two's-complement value to 24 bits.
  function automatic logic [23:0] sat24_36(input logic [35:0] x);
    if (x[35:23] == {13{x[35]}}) begin
      sat24_36 = x[23:0];
    end else begin
      sat24_36 = x[35] ? 24'h800000 : 24'h7FFFFF;
    end
  endfunction

  function automatic logic [23:0] sat24_27(input logic [26:0] x);
    if (x[26:23] == {4{x[26]}}) begin
      sat24_27 = x[23:0];
    end else begin
      sat24_27 = x[26] ? 24'h800000 : 24'h7FFFFF;
    end
  endfunction

  // Stage 1 (combinational on the inputs).
  logic [23:0] threshold, reset_v, bias, v, i_cur;
  logic [11:0] v_decay, i_decay;
  logic [7:0]  refractory, r_cur;
  logic [23:0] i_decayed, v_decayed;
  logic [35:0] synaptic;  // acc << weight_shift, |.| < 2^34

  assign threshold  = params_i[103:80] ^ 24'h7FFFFF;
  assign reset_v    = params_i[79:56];
  assign bias       = params_i[55:32];
  assign v_decay    = params_i[31:20];
  assign i_decay    = params_i[19:8];
  assign refractory = params_i[7:0];
  assign v          = state_i[55:32];
  assign i_cur      = state_i[31:8];
  assign r_cur      = state_i[7:0];
  assign synaptic   = {{16{acc_i[19]}}, acc_i} << weight_shift_i;

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
  logic                  s2_valid_q;
  logic [IndexWidth-1:0] s2_index_q;
  logic [23:0]           s2_i_decayed_q, s2_v_decayed_q, s2_bias_q;
  logic [35:0]           s2_synaptic_q;
  logic [23:0]           s2_threshold_q, s2_reset_q, s2_v_q;
  logic [7:0]            s2_refractory_q, s2_r_q;

  // Stage 2 (combinational on the stage-2 registers).
  logic [35:0] i_sum;
  logic [23:0] i_new;
  logic [25:0] vb_sum;  // decay(v) + bias

  assign i_sum  = {{12{s2_i_decayed_q[23]}}, s2_i_decayed_q} + s2_synaptic_q;
  assign i_new  = sat24_36(i_sum);
  assign vb_sum = {{2{s2_v_decayed_q[23]}}, s2_v_decayed_q} + {{2{s2_bias_q[23]}}, s2_bias_q};

  // Stage 3 registers.
  logic                  s3_valid_q;
  logic [IndexWidth-1:0] s3_index_q;
  logic [23:0]           s3_i_q;
  logic [25:0]           s3_vb_q;
  logic [23:0]           s3_threshold_q, s3_reset_q, s3_v_q;
  logic [7:0]            s3_refractory_q, s3_r_q;

  // Stage 3 (combinational on the stage-3 registers).
  logic [26:0] u_sum;
  logic [23:0] u;
  logic        held;   // refractory: v is held
  logic        fired;
  logic [23:0] v_next;
  logic [7:0]  r_next;

  assign u_sum  = {s3_vb_q[25], s3_vb_q} + {{3{s3_i_q[23]}}, s3_i_q};
  assign u      = sat24_27(u_sum);
  assign held   = s3_r_q != 8'd0;
  assign fired  = !held && ($signed(u) >= $signed(s3_threshold_q));
  assign v_next = held ? s3_v_q : (fired ? s3_reset_q : u);
  assign r_next = held ? (s3_r_q - 8'd1) : (fired ? s3_refractory_q : 8'd0);

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
    s2_index_q      <= index_i;
    s2_i_decayed_q  <= i_decayed;
    s2_v_decayed_q  <= v_decayed;
    s2_bias_q       <= bias;
    s2_synaptic_q   <= synaptic;
    s2_threshold_q  <= threshold;
    s2_reset_q      <= reset_v;
    s2_v_q          <= v;
    s2_refractory_q <= refractory;
    s2_r_q          <= r_cur;

    s3_index_q      <= s2_index_q;
    s3_i_q          <= i_new;
    s3_vb_q         <= vb_sum;
    s3_threshold_q  <= s2_threshold_q;
    s3_reset_q      <= s2_reset_q;
    s3_v_q          <= s2_v_q;
    s3_refractory_q <= s2_refractory_q;
    s3_r_q          <= s2_r_q;
  end

  assign valid_o = s3_valid_q;
  assign index_o = s3_index_q;
  assign state_o = {v_next, s3_i_q, r_next};
  assign fired_o = fired;

endmodule
