// ncx_core — the NCX-1 core: memories, timestep sequencer and datapaths
//
// One timestep of docs/semantics.md §4-§5 on the cycle schedule of §6, cycle for cycle
// and bit for bit the Rust cycle engine (firmware-model/src/cycle.rs). N = 2^NeuronsLog2
// neurons, M = 2^InputsLog2 inputs (16..1024 each), P = 2^LanesLog2 accumulate lanes
// (1 <= P <= min(N, 8); a property of the build, not of the image).
//
// Memories: W_in (N·M × 8), W_rec (N·N × 8), E_in (N·M/8 × 8), E_rec (N·N/8 × 8),
// neuron parameters (N × 104), state {v, I, r} (N × 56), acc (N × 20), x_in (M × 8),
// x_pre, x_post (N × 8), in five RAMs: {W_in, W_rec} in P lanes (post mod P) of two
// single-port banks each (ncx_ram_banked: a read and a write a cycle in different
// banks), {E_in, E_rec} in a single-port RAM (ncx_ram_sp), and in simple dual-port RAMs
// (ncx_ram_sdp: one write port, registered read) the neuron RAM (params, state and acc
// but for the late fields; with P > 1 lanes acc is in P RAMs of its own, neuron mod P),
// the late RAM (θ, reset, R, r) and {x_in, x_pre, x_post} (ncx_core_mem: which share a
// RAM, how each is addressed, the lanes and banks). All power on as zeros, which
// is the power-on value of every field (semantics §2) because the threshold is stored
// XOR 0x7FFFFF (θ = 8388607 is stored as 0). Spram = 1 (the iCEBreaker) puts the
// synapses and enable bits in the iCE40 UP's SPRAM, whose contents are undefined at
// power-on: they are cleared in the first 2^(W + 1) cycles from configuration, W =
// log2 max(N·M, N·N) (8192 cycles at 64 × 64, 32768 at 128 × 128), by a counter that no
// reset stops, and the device must be held in reset (rst_ni low) until then — the
// board's power-on reset is longer (ncx_board_icebreaker), and so is the co-simulation
// shim's. Spike sets are
// flop masks: the staged inputs, this timestep's inputs, and S(t), which NEURON shifts
// in over S(t−1) (the mask ACC_REC visits, and spikes_o).
// While idle the memories belong to the region port (ncx_region_port, which also holds
// the configuration); while busy to the sequencer.
//
// Sequencer (s = cycle within the slot; a slot's spike is found in its cycle 0 by a
// find-first-set over the mask still to visit, ncx_ffs, so slots go in ascending order):
//   FETCH     1 cycle: inputs := staged inputs, staged := {}
//   ACC_IN    per input m, N/P+2 cycles: read W_in[(s−1)·P + l][m] and acc[(s−1)·P + l]
//             for every lane l in cycle s (1..N/P); write acc[(s−2)·P + l] +=
//             W_in[(s−2)·P + l][m] for every lane l in cycle s (2..N/P+1)
//   ACC_REC   per j in S(t−1), the same with W_rec
//   NEURON    N+3 cycles: read params, state, acc of neuron s in cycle s (0..N−1; its
//             θ, reset, R and r in cycle s+2); ncx_neuron (3 stages) writes neuron
//             s−3's state, clears its acc and records its spike in cycle s (3..N+2)
//   LTD       per input m, then per j in S(t) (STDP on), N+2 cycles: read W, E and
//             x_post of post s−1 in cycle s; depress post s−2 in cycle s (ncx_stdp_unit)
//   LTP       per n in S(t), M+N+2 cycles: read entry e = s−1 (W_in[n][e], then
//             W_rec[n][e−M]) with its E bit and pre trace; potentiate entry s−2
//   TRACE     M+N+2 cycles: read trace e = s−1; write x_in[s−2], or x_pre and x_post of
//             neuron s−M−2 (ncx_trace_unit)
//   DONE      1 cycle; then WAIT until the period has elapsed (paced mode)
// Phases without slots take no cycle. Every read-modify-write reads in cycle s and
// writes in s+1, and never touches the address being written in the same cycle; the
// synapse written (LTD, LTP) is the one before the synapse read, in the same column or
// row, so the two are in different lanes or banks (ncx_core_mem). The lanes change only
// ACC_IN and ACC_REC (P = 1 is the one-synapse-a-cycle schedule); every other phase
// reads and writes one lane a cycle.
// A slot phase's "mask still to visit" is its spike mask (which does not change during
// the phase) from a pointer on, the pointer moving past each slot's spike. Multipliers
// (DSP blocks on the FPGAs): the neuron datapath's two decay units (ncx_neuron), STDP's
// A · x (ncx_stdp_unit) and the two trace decays (ncx_trace_unit).
//
// Timing (the contract with the co-simulation harness):
//   - start_i in idle cycle c: cycle c+1 is FETCH. busy_o is high from FETCH through
//     DONE and the wait; after the edge ending the timestep's last cycle busy_o is 0,
//     done_o is 1 for one cycle, timestep_o, overruns_o and spikes_o are updated.
//     spikes_o (S of the last timestep, bit n neuron n) then holds, as after a state
//     reset, until the next timestep's NEURON phase, which rewrites it in place (the
//     command layer reads it only between timesteps).
//   - reset_state_i in idle cycle c: busy for N+M cycles (N cycles clearing v, I, r,
//     acc, x_pre, x_post, then M clearing x_in); spike history, timestep and overrun
//     counters are zeroed; cycle c+N+M+1 is idle and its cycle number is 0.
//   - The region port acts only while idle (ncx_region_port: writes at the edge,
//     read data one cycle later). in_clear_i/in_set_i change the staged inputs.
//   - Neuron-write tap (for the command layer's probes, ncx_ctrl): in the cycle in
//     which the NEURON phase writes neuron n's new state, nwr_valid_o is high with
//     nwr_index_o = n, nwr_state_o = {v, I, r} (24, 24, 8 bits) and nwr_fired_o its
//     spike; combinational from the neuron datapath's last stage, no cycle added.
//   - NCX_TRACE: the trace port is registered: after the edge ending cycle c it shows
//     the event written in cycle c, stamped with c (a 64-bit count of cycles since
//     rst_ni, restarted by a state reset).
module ncx_core #(
  parameter int NeuronsLog2 = 8,  // N = 2**NeuronsLog2, 4..10
  parameter int InputsLog2  = 8,  // M = 2**InputsLog2, 4..10
  parameter int Spram       = 0,  // 1: W and E in iCE40 SPRAM, cleared at power-on (above)
  parameter int LanesLog2   = 0   // P = 2^LanesLog2 accumulate lanes, P <= min(N, 8) (above)
) (
  input  logic          clk_i,
  input  logic          rst_ni,

  // Region byte port (docs/protocol.md §9 encodings).
  input  logic          bus_req_i,
  input  logic          bus_we_i,
  input  logic [2:0]    bus_region_i,
  input  logic [31:0]   bus_offset_i,
  input  logic [7:0]    bus_wdata_i,
  output logic [7:0]    bus_rdata_o,

  // Input spikes of the next timestep.
  input  logic          in_clear_i,
  input  logic          in_set_i,
  input  logic [9:0]    in_index_i,

  // Control.
  input  logic          start_i,
  input  logic          reset_state_i,
  output logic          busy_o,
  output logic          done_o,
  output logic [31:0]   timestep_o,
  output logic [31:0]   overruns_o,
  output logic [1023:0] spikes_o,

  // Neuron-write tap: the NEURON phase's state writes, as they happen.
  output logic          nwr_valid_o,
  output logic [9:0]    nwr_index_o,
  output logic [55:0]   nwr_state_o,
  output logic          nwr_fired_o

`ifdef NCX_TRACE
  ,
  output logic          trace_valid_o,
  output logic [1:0]    trace_kind_o,
  output logic [63:0]   trace_cycle_o,
  output logic [31:0]   trace_timestep_o,
  output logic [9:0]    trace_neuron_o,
  output logic [9:0]    trace_pre_o,
  output logic          trace_matrix_o,
  output logic          trace_spike_o,
  output logic [23:0]   trace_v_o,
  output logic [23:0]   trace_i_o,
  output logic [7:0]    trace_r_o,
  output logic [7:0]    trace_old_o,
  output logic [7:0]    trace_new_o,
  output logic [10:0]   trace_spikes_o
`endif
);

  localparam int NL    = NeuronsLog2;
  localparam int IL    = InputsLog2;
  localparam int N     = 2 ** NL;
  localparam int M     = 2 ** IL;
  localparam int SlotW = (NL > IL) ? NL : IL;  // a slot's spike: an input or a neuron
  localparam int LL    = LanesLog2;
  localparam int P     = 2 ** LL;

  // Offsets within a slot: 0..M+N+1 (LTP, TRACE), OffW bits (12 at M = N = 1024).
  localparam int OffW        = $clog2(M + N + 2);
  localparam int NI          = N;
  localparam int MI          = M;
  localparam int MNI         = M + N;
  localparam int NPI         = N / P;
  localparam int LastAccI    = N / P + 1;
  localparam int LastColI    = N + 1;
  localparam int LastNeuronI = N + 2;
  localparam int LastRowI    = M + N + 1;
  localparam int LastResetI  = N + M - 1;
  localparam logic [OffW-1:0] NOff       = NI[OffW-1:0];           // read entries 1..N of a column
  localparam logic [OffW-1:0] NPOff      = NPI[OffW-1:0];          // ACC: read lane words 1..N/P
  localparam logic [OffW-1:0] MOff       = MI[OffW-1:0];           // first W_rec entry of a row
  localparam logic [OffW-1:0] MNOff      = MNI[OffW-1:0];          // read entries 1..M+N of a row
  localparam logic [OffW-1:0] LastAcc    = LastAccI[OffW-1:0];     // ACC_IN, ACC_REC: N/P+2
  localparam logic [OffW-1:0] LastCol    = LastColI[OffW-1:0];     // LTD: N+2
  localparam logic [OffW-1:0] LastNeuron = LastNeuronI[OffW-1:0];  // NEURON: N+3 cycles
  localparam logic [OffW-1:0] LastRow    = LastRowI[OffW-1:0];     // LTP, TRACE: M+N+2 cycles
  localparam logic [OffW-1:0] LastReset  = LastResetI[OffW-1:0];   // state reset: N+M cycles
  localparam logic [OffW-1:0] OffOne     = 1;
  localparam logic [SlotW:0]  PtrNone    = {1'b1, {SlotW{1'b0}}};
  localparam logic [SlotW:0]  PtrOne     = 1;
  localparam logic [NL-1:0]   NTwo       = 2;                      // NEURON: late RAM's read
  localparam logic [NL-1:0]   NThree     = 3;                      // NEURON: the neuron written

  typedef enum logic [3:0] {
    PhIdle,
    PhFetch,
    PhAccIn,
    PhAccRec,
    PhNeuron,
    PhLtd,
    PhLtp,
    PhTrace,
    PhDone,
    PhWait,
    PhReset
  } phase_e;

  ////////////////////////////////
  // Registers of the sequencer //
  ////////////////////////////////

  phase_e           phase_q, phase_d;
  logic [OffW-1:0]  offset_q, offset_d;      // cycle within the slot (state reset: the entry)
  logic [SlotW-1:0] slot_q, slot_d;          // the slot's spike (pre of ACC/LTD, post of LTP)
  logic             slot_rec_q, slot_rec_d;  // LTD: the slot's pre is a neuron (W_rec)
  logic [SlotW:0]   ptr_q, ptr_d;            // spikes from this one on are still to visit
                                             // in this phase (bit SlotW: none)
  logic             ltd_n_q, ltd_n_d;        // LTD: its input slots are over (the neurons')
  logic [M-1:0]     staged_q, staged_d;      // inputs of the next timestep
  logic [M-1:0]     inmask_q, inmask_d;      // inputs of this timestep
  logic [N-1:0]     cur_q, cur_d;            // S(t), shifted in by NEURON (before it: S(t−1))
  // Whether each mask has a set bit, kept alongside it rather than OR-reduced.
  logic             staged_any_q, staged_any_d, inmask_any_q, inmask_any_d;
  logic             prev_any_q, prev_any_d, cur_any_q, cur_any_d;
  logic [31:0]      cycles_q, cycles_d;      // this cycle's number, FETCH being cycle 1
  logic             passed_q, passed_d;      // an earlier cycle of the timestep was the
                                             // period's
  logic [31:0]      timestep_q, timestep_d;
  logic [31:0]      overruns_q, overruns_d;
  logic             done_q;
  logic             ex_valid_q;              // an entry read in the previous cycle
  logic [OffW-1:0]  ex_idx_q;                // its index (post of a column, entry of a row)
  logic             nrd_valid_q;             // a neuron read in the previous cycle

  ///////////////////
  // Configuration //
  ///////////////////

  logic [31:0] cfg_period;
  logic [3:0]  cfg_weight_shift, cfg_stdp_shift;
  logic        cfg_stdp, cfg_trace_set;
  logic [7:0]  cfg_a_plus, cfg_a_minus, cfg_w_min, cfg_w_max, cfg_pre_inc, cfg_post_inc;
  logic [11:0] cfg_pre_keep, cfg_post_keep;  // 4095 − δ_pre, 4095 − δ_post

  //////////////
  // Memories //
  //////////////

  logic                 busy;
  assign busy = phase_q != PhIdle;

  // Read stage decode (below).
  logic        is_acc_in, is_acc_rec, is_neuron, is_ltd, is_ltp, is_trace, is_reset;
  logic        acc_phase, row_phase, rd_valid;
  logic [OffW-1:0] rd_idx, rd_j;
  logic [NL-1:0]   rd_post;  // the post of a column entry read (ACC: lane 0's)

  // Read data.
  logic [7:0]   w_in_rdata, w_rec_rdata, e_in_rdata, e_rec_rdata;
  logic [7:0]   x_in_rdata, x_pre_rdata, x_post_rdata;
  logic [103:0] params_rdata;
  logic [55:0]  state_rdata;
  logic [19:0]  acc_rdata;
  logic [8*P-1:0]  w_lanes_rdata;   // ACC: lane l's weight at [8l +: 8]
  logic [20*P-1:0] acc_lanes_rdata; // ACC: lane l's acc at [20l +: 20]

  // Region port side.
  logic [7:0]         bus_byte;
  logic [NL+IL-1:0]   bus_w_in_addr;
  logic [2*NL-1:0]    bus_w_rec_addr;
  logic [NL+IL-4:0]   bus_e_in_addr;
  logic [2*NL-4:0]    bus_e_rec_addr;
  logic [NL-1:0]      bus_record_addr, bus_x_n_addr;
  logic [IL-1:0]      bus_x_in_addr;
  logic               bus_x_is_in;
  logic               bus_w_in_we, bus_w_rec_we, bus_e_in_we, bus_e_rec_we;
  logic               bus_x_in_we, bus_x_pre_we, bus_x_post_we;
  logic [103:0]       bus_params_we, bus_params_wdata;
  logic [55:0]        bus_state_we, bus_state_wdata;

  // Sequencer side.
  logic [NL+IL-1:0]   seq_w_in_raddr, seq_w_in_waddr;
  logic [2*NL-1:0]    seq_w_rec_raddr, seq_w_rec_waddr;
  logic               seq_w_in_we, seq_w_rec_we;
  logic [7:0]         seq_w_wdata;
  logic [NL-1:0]      seq_acc_raddr, seq_acc_waddr, seq_state_waddr;
  logic               seq_acc_we, seq_acc_lanes, seq_state_we, seq_v_we;
  logic [20*P-1:0]    seq_acc_wdata;
  logic [55:0]        seq_state_wdata;
  logic [IL-1:0]      seq_x_in_waddr;
  logic [NL-1:0]      seq_x_n_waddr;
  logic               seq_x_in_we, seq_x_pre_we, seq_x_post_we;
  logic [7:0]         seq_x_in_wdata, seq_x_pre_wdata, seq_x_post_wdata;

  ncx_region_port #(
    .NeuronsLog2(NL),
    .InputsLog2 (IL)
  ) u_region_port (
    .clk_i           (clk_i),
    .rst_ni          (rst_ni),
    .idle_i          (!busy),
    .bus_req_i       (bus_req_i),
    .bus_we_i        (bus_we_i),
    .bus_region_i    (bus_region_i),
    .bus_offset_i    (bus_offset_i),
    .bus_wdata_i     (bus_wdata_i),
    .bus_rdata_o     (bus_rdata_o),
    .byte_o          (bus_byte),
    .w_in_addr_o     (bus_w_in_addr),
    .w_in_we_o       (bus_w_in_we),
    .w_in_rdata_i    (w_in_rdata),
    .w_rec_addr_o    (bus_w_rec_addr),
    .w_rec_we_o      (bus_w_rec_we),
    .w_rec_rdata_i   (w_rec_rdata),
    .e_in_addr_o     (bus_e_in_addr),
    .e_in_we_o       (bus_e_in_we),
    .e_in_rdata_i    (e_in_rdata),
    .e_rec_addr_o    (bus_e_rec_addr),
    .e_rec_we_o      (bus_e_rec_we),
    .e_rec_rdata_i   (e_rec_rdata),
    .record_addr_o   (bus_record_addr),
    .params_we_o     (bus_params_we),
    .params_wdata_o  (bus_params_wdata),
    .params_rdata_i  (params_rdata),
    .state_we_o      (bus_state_we),
    .state_wdata_o   (bus_state_wdata),
    .state_rdata_i   (state_rdata),
    .x_in_addr_o     (bus_x_in_addr),
    .x_is_in_o       (bus_x_is_in),
    .x_in_we_o       (bus_x_in_we),
    .x_in_rdata_i    (x_in_rdata),
    .x_n_addr_o      (bus_x_n_addr),
    .x_pre_we_o      (bus_x_pre_we),
    .x_pre_rdata_i   (x_pre_rdata),
    .x_post_we_o     (bus_x_post_we),
    .x_post_rdata_i  (x_post_rdata),
    .period_o        (cfg_period),
    .weight_shift_o  (cfg_weight_shift),
    .stdp_enable_o   (cfg_stdp),
    .a_plus_o        (cfg_a_plus),
    .a_minus_o       (cfg_a_minus),
    .stdp_shift_o    (cfg_stdp_shift),
    .w_min_o         (cfg_w_min),
    .w_max_o         (cfg_w_max),
    .trace_set_o     (cfg_trace_set),
    .pre_keep_o      (cfg_pre_keep),
    .post_keep_o     (cfg_post_keep),
    .pre_increment_o (cfg_pre_inc),
    .post_increment_o(cfg_post_inc)
  );

  // The five block RAMs and their ports' multiplexing (ncx_core_mem). Read selects
  // while busy: the synapse is in W_rec (w_rd_rec) for ACC_REC, for an LTD slot whose pre
  // is a neuron, and for LTP's entries M.. (the execute stage's ex_rec one cycle later);
  // the trace word is LTD's post, else the entry read (rd_idx). The neuron RAM is read
  // at one address (NEURON: offset_q; acc's other reads are in ACC_IN and ACC_REC, where
  // no parameter or state is used); the late RAM in NEURON at offset_q − 2, so that
  // neuron n's late fields are read in cycle n + 2 and reach its last stage in cycle
  // n + 3. acc is stored in its low AccW bits: within a timestep it sums at most M + N
  // weights of [−128, 127] from 0 (it is 0 after every NEURON phase and state reset, and
  // at power on), so |acc| <= (M + N) · 128 fits AccW = log2(M + N) + 8 bits.
  logic           w_rd_rec, x_rd_in;
  logic [IL-1:0]  x_in_raddr;
  logic [NL-1:0]  x_n_raddr, late_raddr;
  logic [7:0]     w_rdata, e_rdata;
  logic [63:0]    late_rdata;
  logic [15:0]    x_rdata;
  assign w_rd_rec   = is_acc_rec || (is_ltd && slot_rec_q) || (is_ltp && !(rd_idx < MOff));
  assign x_rd_in    = !is_ltd && (rd_idx < MOff);
  assign x_in_raddr = rd_idx[IL-1:0];
  assign x_n_raddr  = is_ltd ? rd_idx[NL-1:0] : rd_j[NL-1:0];
  assign late_raddr = offset_q[NL-1:0] - NTwo;

  ncx_core_mem #(
    .NeuronsLog2(NL),
    .InputsLog2 (IL),
    .Spram      (Spram),
    .LanesLog2  (LL)
  ) u_mem (
    .clk_i             (clk_i),
    .busy_i            (busy),
    .bus_region_i      (bus_region_i),
    .bus_byte_i        (bus_byte),
    .bus_w_in_addr_i   (bus_w_in_addr),
    .bus_w_in_we_i     (bus_w_in_we),
    .bus_w_rec_addr_i  (bus_w_rec_addr),
    .bus_w_rec_we_i    (bus_w_rec_we),
    .bus_e_in_addr_i   (bus_e_in_addr),
    .bus_e_in_we_i     (bus_e_in_we),
    .bus_e_rec_addr_i  (bus_e_rec_addr),
    .bus_e_rec_we_i    (bus_e_rec_we),
    .bus_record_addr_i (bus_record_addr),
    .bus_params_we_i   (bus_params_we),
    .bus_params_wdata_i(bus_params_wdata),
    .bus_state_we_i    (bus_state_we),
    .bus_state_wdata_i (bus_state_wdata),
    .bus_x_in_addr_i   (bus_x_in_addr),
    .bus_x_is_in_i     (bus_x_is_in),
    .bus_x_in_we_i     (bus_x_in_we),
    .bus_x_n_addr_i    (bus_x_n_addr),
    .bus_x_pre_we_i    (bus_x_pre_we),
    .bus_x_post_we_i   (bus_x_post_we),
    .seq_w_re_i        (rd_valid && !is_trace),
    .w_rd_rec_i        (w_rd_rec),
    .seq_w_in_raddr_i  (seq_w_in_raddr),
    .seq_w_rec_raddr_i (seq_w_rec_raddr),
    .seq_w_in_waddr_i  (seq_w_in_waddr),
    .seq_w_in_we_i     (seq_w_in_we),
    .seq_w_rec_waddr_i (seq_w_rec_waddr),
    .seq_w_rec_we_i    (seq_w_rec_we),
    .seq_w_wdata_i     (seq_w_wdata),
    .seq_acc_raddr_i   (seq_acc_raddr),
    .seq_acc_waddr_i   (seq_acc_waddr),
    .seq_acc_we_i      (seq_acc_we),
    .seq_acc_lanes_i   (seq_acc_lanes),
    .seq_acc_wdata_i   (seq_acc_wdata),
    .late_raddr_i      (late_raddr),
    .seq_state_waddr_i (seq_state_waddr),
    .seq_state_we_i    (seq_state_we),
    .seq_v_we_i        (seq_v_we),
    .seq_state_wdata_i (seq_state_wdata),
    .x_rd_in_i         (x_rd_in),
    .seq_x_in_raddr_i  (x_in_raddr),
    .seq_x_n_raddr_i   (x_n_raddr),
    .seq_x_in_waddr_i  (seq_x_in_waddr),
    .seq_x_in_we_i     (seq_x_in_we),
    .seq_x_in_wdata_i  (seq_x_in_wdata),
    .seq_x_n_waddr_i   (seq_x_n_waddr),
    .seq_x_pre_we_i    (seq_x_pre_we),
    .seq_x_pre_wdata_i (seq_x_pre_wdata),
    .seq_x_post_we_i   (seq_x_post_we),
    .seq_x_post_wdata_i(seq_x_post_wdata),
    .w_rdata_o         (w_rdata),
    .w_lanes_rdata_o   (w_lanes_rdata),
    .e_rdata_o         (e_rdata),
    .params_rdata_o    (params_rdata),
    .state_rdata_o     (state_rdata),
    .acc_rdata_o       (acc_rdata),
    .acc_lanes_rdata_o (acc_lanes_rdata),
    .late_rdata_o      (late_rdata),
    .x_rdata_o         (x_rdata)
  );
  assign w_in_rdata   = w_rdata;
  assign w_rec_rdata  = w_rdata;
  assign e_in_rdata   = e_rdata;
  assign e_rec_rdata  = e_rdata;
  assign x_in_rdata   = x_rdata[7:0];
  assign x_pre_rdata  = x_rdata[7:0];
  assign x_post_rdata = x_rdata[15:8];

  ////////////////////////////////////
  // Slots: find the next spike     //
  ////////////////////////////////////

  // The spikes still to visit: those of the mask being scanned (the inputs of this
  // timestep in ACC_IN and in LTD's input slots, else cur_q: S(t−1) in ACC_REC, which is
  // before NEURON, S(t) after it), widened to
  // SlotW bits, at or above the pointer. The masks do not change while a phase visits
  // them, so this is the mask minus the slots visited. One find-first-set serves every
  // phase: LTD, which visits its inputs then its neurons, switches to the neurons
  // (ltd_n_q, the pointer back to 0) in the last cycle of the last input slot, when the
  // pointer is already past that slot's input.
  logic             scan_in;
  logic [2**SlotW-1:0] mask_in, mask_n, from, rem;
  assign scan_in = is_acc_in || (is_ltd && !ltd_n_q);
  always_comb begin
    mask_in        = '0;
    mask_in[M-1:0] = inmask_q;
    mask_n         = '0;
    mask_n[N-1:0]  = cur_q;
  end

  ncx_thermo #(
    .IdxWidth(SlotW)
  ) u_from (
    .ptr_i (ptr_q),
    .from_o(from)
  );

  assign rem = (scan_in ? mask_in : mask_n) & from;

  logic             any;
  logic [SlotW-1:0] first;
  logic [2**SlotW-1:0] unused_rest;

  ncx_ffs #(
    .Width   (2 ** SlotW),
    .IdxWidth(SlotW),
    .Rest    (1'b0)
  ) u_ffs (
    .bits_i (rem),
    .any_o  (any),
    .index_o(first),
    .rest_o (unused_rest)
  );

  ////////////////
  // Read stage //
  ////////////////


  assign is_acc_in  = phase_q == PhAccIn;
  assign is_acc_rec = phase_q == PhAccRec;
  assign is_neuron  = phase_q == PhNeuron;
  assign is_ltd     = phase_q == PhLtd;
  assign is_ltp     = phase_q == PhLtp;
  assign is_trace   = phase_q == PhTrace;
  assign is_reset   = phase_q == PhReset;
  assign acc_phase  = is_acc_in || is_acc_rec;
  assign row_phase  = is_ltp || is_trace;
  assign rd_valid   = (offset_q != '0)
                   && ((acc_phase && offset_q <= NPOff) || (is_ltd && offset_q <= NOff)
                       || (row_phase && offset_q <= MNOff));
  assign rd_idx     = offset_q - OffOne;
  assign rd_j       = rd_idx - MOff;
  // ACC reads lane word s−1 of every lane: posts (s−1)·P + l.
  assign rd_post    = acc_phase ? (rd_idx[NL-1:0] << LL) : rd_idx[NL-1:0];

  assign seq_w_in_raddr   = is_ltp ? {slot_q[NL-1:0], rd_idx[IL-1:0]}
                                   : {rd_post, slot_q[IL-1:0]};
  assign seq_w_rec_raddr  = is_ltp ? {slot_q[NL-1:0], rd_j[NL-1:0]}
                                   : {rd_post, slot_q[NL-1:0]};
  assign seq_acc_raddr    = is_neuron ? offset_q[NL-1:0] : rd_post;

  ///////////////////
  // Execute stage //
  ///////////////////

  logic          ex_in;      // row entry: an input (else a neuron, ex_j)
  logic [OffW-1:0] ex_j;
  logic          ex_rec;     // LTD/LTP: the synapse is in W_rec
  logic [7:0]    w_old, w_new, e_byte;
  logic [2:0]    pre_bit;
  logic          enabled;
  logic          pre_fired, post_fired;
  logic [7:0]    eff_pre, next_pre, eff_post, next_post;
  logic          weight_write;
  logic          w_change;  // w_new != w_old
  logic [20*P-1:0] acc_sum;  // lane l's acc + weight at [20l +: 20]

  assign ex_in      = ex_idx_q < MOff;
  assign ex_j       = ex_idx_q - MOff;
  assign ex_rec     = is_ltd ? slot_rec_q : !ex_in;
  assign w_old      = ex_rec ? w_rec_rdata : w_in_rdata;
  assign e_byte     = ex_rec ? e_rec_rdata : e_in_rdata;
  assign pre_bit    = is_ltd ? slot_q[2:0] : ex_idx_q[2:0];  // M is a multiple of 8
  assign enabled    = e_byte[pre_bit];
  assign pre_fired  = ex_in ? inmask_q[ex_idx_q[IL-1:0]] : cur_q[ex_j[NL-1:0]];
  assign post_fired = cur_q[ex_j[NL-1:0]];

  ncx_trace_unit u_trace_pre (
    .x_i        (ex_in ? x_in_rdata : x_pre_rdata),
    .fired_i    (pre_fired),
    .increment_i(cfg_pre_inc),
    .set_mode_i (cfg_trace_set),
    .keep_i     (cfg_pre_keep),
    .eff_o      (eff_pre),
    .decayed_o  (next_pre)
  );

  ncx_trace_unit u_trace_post (
    .x_i        (x_post_rdata),
    .fired_i    (post_fired),
    .increment_i(cfg_post_inc),
    .set_mode_i (cfg_trace_set),
    .keep_i     (cfg_post_keep),
    .eff_o      (eff_post),
    .decayed_o  (next_post)
  );

  ncx_stdp_unit u_stdp (
    .potentiate_i(is_ltp),
    .weight_i    (w_old),
    .amplitude_i (is_ltp ? cfg_a_plus : cfg_a_minus),
    .trace_i     (is_ltd ? x_post_rdata : eff_pre),
    .shift_i     (cfg_stdp_shift),
    .bound_i     (is_ltp ? cfg_w_max : cfg_w_min),
    .weight_o    (w_new),
    .change_o    (w_change)
  );

  assign weight_write    = ex_valid_q && (is_ltd || is_ltp) && enabled && w_change;
  assign seq_w_wdata     = w_new;
  assign seq_w_in_we     = weight_write && !ex_rec;
  assign seq_w_rec_we    = weight_write && ex_rec;
  assign seq_w_in_waddr  = is_ltd ? {ex_idx_q[NL-1:0], slot_q[IL-1:0]}
                                  : {slot_q[NL-1:0], ex_idx_q[IL-1:0]};
  assign seq_w_rec_waddr = is_ltd ? {ex_idx_q[NL-1:0], slot_q[NL-1:0]}
                                  : {slot_q[NL-1:0], ex_j[NL-1:0]};

  // ACC_IN / ACC_REC: every lane adds its weight (W_in's or W_rec's: one RAM).
  for (genvar l = 0; l < P; l++) begin : gen_acc_lane
    logic [7:0] acc_w;
    assign acc_w = w_lanes_rdata[8*l +: 8];
    assign acc_sum[20*l +: 20] = acc_lanes_rdata[20*l +: 20] + {{12{acc_w[7]}}, acc_w};
  end

  // The neuron datapath.
  logic          n_valid, n_fired;
  logic [NL-1:0] n_index;
  logic [55:0]   n_state;
  logic          n_held;
  logic [23:0]   n_v_new;

  ncx_neuron u_neuron (
    .clk_i         (clk_i),
    .rst_ni        (rst_ni),
    .valid_i       (nrd_valid_q),
    .params_i      (params_rdata[55:8]),  // {bias, δ_v, δ_I}
    .state_i       (state_rdata[55:8]),   // {v, I}
    .acc_i         (acc_rdata),
    .weight_shift_i(cfg_weight_shift),
    .late_i        (late_rdata),
    .valid_o       (n_valid),
    .state_o       (n_state),
    .fired_o       (n_fired),
    .held_o        (n_held),
    .v_new_o       (n_v_new)
  );
  // The neuron written in NEURON cycle s (when n_valid) is s − 3.
  assign n_index = offset_q[NL-1:0] - NThree;

  // Memory writes of the sequencer (state reset: offsets 0..N−1 clear the neuron
  // memories, offsets N..N+M−1 clear x_in).
  logic          reset_n, reset_in;
  logic [OffW-1:0] reset_in_idx;
  assign reset_n      = is_reset && (offset_q < NOff);
  assign reset_in     = is_reset && !(offset_q < NOff);
  assign reset_in_idx = offset_q - NOff;

  logic [NL-1:0] ex_post, offset_n;  // the post of a column entry; the offset as a neuron
  assign ex_post  = ex_idx_q[NL-1:0];
  assign offset_n = offset_q[NL-1:0];

  always_comb begin
    seq_acc_we    = 1'b0;
    seq_acc_lanes = 1'b0;
    seq_acc_waddr = ex_post << LL;  // ACC: lane word s−2 of every lane
    seq_acc_wdata = acc_sum;
    if (n_valid) begin
      seq_acc_we    = 1'b1;
      seq_acc_waddr = n_index;
      seq_acc_wdata = '0;
    end else if (ex_valid_q && acc_phase) begin
      seq_acc_we    = 1'b1;
      seq_acc_lanes = 1'b1;
    end else if (reset_n) begin
      seq_acc_we    = 1'b1;
      seq_acc_waddr = offset_n;
      seq_acc_wdata = '0;
    end
  end

  // A held neuron's v' = v is already stored: its v is not written (so that the
  // datapath's copy of v serves only the neuron-write tap).
  assign seq_state_we    = n_valid || reset_n;
  assign seq_v_we        = (n_valid && !n_held) || reset_n;
  assign seq_state_waddr = n_valid ? n_index : offset_q[NL-1:0];
  assign seq_state_wdata = n_valid ? {n_v_new, n_state[31:0]} : 56'd0;

  assign seq_x_in_we      = (ex_valid_q && is_trace && ex_in) || reset_in;
  assign seq_x_in_waddr   = is_reset ? reset_in_idx[IL-1:0] : ex_idx_q[IL-1:0];
  assign seq_x_in_wdata   = is_reset ? 8'd0 : next_pre;
  assign seq_x_pre_we     = (ex_valid_q && is_trace && !ex_in) || reset_n;
  assign seq_x_post_we    = seq_x_pre_we;
  assign seq_x_n_waddr    = is_reset ? offset_q[NL-1:0] : ex_j[NL-1:0];
  assign seq_x_pre_wdata  = is_reset ? 8'd0 : next_pre;
  assign seq_x_post_wdata = is_reset ? 8'd0 : next_post;

  ///////////////
  // Sequencer //
  ///////////////

  logic        start, reset_start, fetch, finish, last;
  logic [OffW-1:0] last_offset;
  logic            wait_needed, at_period, overrun;

  assign start          = !busy && start_i && !reset_state_i;
  assign reset_start    = !busy && reset_state_i;
  assign fetch          = phase_q == PhFetch;
  // The comparisons of the DONE cycle's number C with the period P by equality only: the
  // cycle number counts up by one from 1, so C > P >= 1 iff an earlier cycle was P
  // (passed_q), and C < P iff neither that nor C = P nor P = 0 (no pacing). In WAIT,
  // where the cycle number is at most P, the period is reached at equality.
  assign at_period      = cycles_q == cfg_period;
  assign wait_needed    = !(at_period || passed_q || (cfg_period == 32'd0));
  assign overrun        = passed_q;
  assign passed_d       = busy && (passed_q || at_period);
  assign finish         = ((phase_q == PhDone) && !wait_needed)
                       || ((phase_q == PhWait) && at_period);

  always_comb begin
    unique case (phase_q)
      PhAccIn, PhAccRec:        last_offset = LastAcc;
      PhLtd:                    last_offset = LastCol;
      PhNeuron:                 last_offset = LastNeuron;
      PhLtp, PhTrace:           last_offset = LastRow;
      PhReset:                  last_offset = LastReset;
      default:                  last_offset = '0;
    endcase
  end
  assign last = offset_q == last_offset;

  // Spike masks.
  logic [IL-1:0] in_index;
  assign in_index = in_index_i[IL-1:0];

  always_comb begin
    staged_d = staged_q;
    if (fetch) begin
      staged_d = '0;
    end else begin
      if (in_clear_i) begin
        staged_d = '0;
      end
      if (in_set_i) begin
        staged_d[in_index] = 1'b1;
      end
    end
  end

  // The inputs of this timestep are read only from FETCH on (while idle the slot pointer
  // is at none, so that it selects nothing): FETCH loads them, and they need no reset.
  always_comb begin
    inmask_d = inmask_q;
    if (fetch) begin
      inmask_d = staged_q;
    end
  end

  // S(t) is shifted in from the top, one neuron a write: NEURON writes neurons 0..N−1 in
  // order, exactly once each, so after its last write bit n is neuron n's spike (no set
  // decoder). Until then cur_q still holds the previous timestep's S, which is S(t−1)
  // (zero after reset and a state reset), the mask that ACC_REC visits.
  logic [N-1:0] cur_shift;
  assign cur_shift = {n_fired, cur_q[N-1:1]};
  always_comb begin
    cur_d = cur_q;
    if (reset_start) begin
      cur_d = '0;
    end else if (n_valid) begin
      cur_d = cur_shift;
    end
  end

  // The masks' "any" flags follow the masks' updates above.
  assign staged_any_d = !fetch && ((!in_clear_i && staged_any_q) || in_set_i);
  assign inmask_any_d = fetch ? staged_any_q : inmask_any_q;
  assign cur_any_d    = !fetch && (cur_any_q || (n_valid && n_fired));
  assign prev_any_d   = finish ? cur_any_q : (reset_start ? 1'b0 : prev_any_q);

  // The phase after the current one (phases without slots are skipped).
  phase_e after;
  logic   has_in, has_prev, has_cur;
  assign has_in   = inmask_any_d;  // |inmask_d
  assign has_prev = prev_any_q;    // |S(t−1)
  assign has_cur  = cur_any_d;     // |cur_d

  always_comb begin
    after = PhIdle;
    unique case (phase_q)
      PhFetch: begin
        if (has_in) begin
          after = PhAccIn;
        end else if (has_prev) begin
          after = PhAccRec;
        end else begin
          after = PhNeuron;
        end
      end
      PhAccIn: begin
        if (has_prev) begin
          after = PhAccRec;
        end else begin
          after = PhNeuron;
        end
      end
      PhAccRec: after = PhNeuron;
      PhNeuron: begin
        if (!cfg_stdp) begin
          after = PhDone;
        end else if (has_in || has_cur) begin
          after = PhLtd;
        end else begin
          after = PhTrace;
        end
      end
      PhLtd: begin
        if (has_cur) begin
          after = PhLtp;
        end else begin
          after = PhTrace;
        end
      end
      PhLtp:   after = PhTrace;
      PhTrace: after = PhDone;
      default: after = PhIdle;
    endcase
  end

  always_comb begin
    phase_d    = phase_q;
    offset_d   = offset_q + OffOne;
    slot_d     = slot_q;
    slot_rec_d = slot_rec_q;
    ptr_d      = ptr_q;
    ltd_n_d    = ltd_n_q;
    cycles_d   = cycles_q + 32'd1;
    timestep_d = timestep_q;
    overruns_d = overruns_q;

    // A slot's first cycle: take the lowest spike still to visit.
    if (offset_q == '0 && (is_acc_in || is_acc_rec || is_ltd || is_ltp)) begin
      slot_d     = first;
      slot_rec_d = !scan_in;
      ptr_d      = {1'b0, first} + PtrOne;
    end

    unique case (phase_q)
      PhIdle: begin
        offset_d  = '0;
        cycles_d  = 32'd1;
        if (reset_start) begin
          phase_d    = PhReset;
          timestep_d = '0;
          overruns_d = '0;
        end else if (start) begin
          phase_d = PhFetch;
        end
      end
      PhReset: begin
        if (last) begin
          phase_d  = PhIdle;
          offset_d = '0;
        end
      end
      PhDone: begin
        offset_d = '0;
        if (finish) begin
          phase_d    = PhIdle;
          timestep_d = timestep_q + 32'd1;
          overruns_d = overruns_q + {31'd0, overrun};
        end else begin
          phase_d = PhWait;
        end
      end
      PhWait: begin
        offset_d = '0;
        if (finish) begin
          phase_d    = PhIdle;
          timestep_d = timestep_q + 32'd1;
        end
      end
      default: begin
        // FETCH and the slot phases: at the end of a slot, the next slot or phase.
        // (LTD's neurons follow its inputs if S(t) has any.)
        if (last) begin
          offset_d = '0;
          if (is_ltd && scan_in && !any && cur_any_q) begin
            ltd_n_d = 1'b1;
            ptr_d   = '0;
          end else if (!any) begin
            phase_d = after;
            ltd_n_d = !has_in;
            ptr_d   = (after == PhAccIn || after == PhAccRec || after == PhLtd ||
                       after == PhLtp) ? '0 : PtrNone;
          end
        end
      end
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      phase_q     <= PhIdle;
      offset_q    <= '0;
      slot_q      <= '0;
      slot_rec_q  <= 1'b0;
      ptr_q       <= PtrNone;
      ltd_n_q     <= 1'b0;
      staged_q    <= '0;
      staged_any_q <= 1'b0;
      inmask_any_q <= 1'b0;
      prev_any_q   <= 1'b0;
      cur_any_q    <= 1'b0;
      cur_q       <= '0;
      timestep_q  <= '0;
      overruns_q  <= '0;
      done_q      <= 1'b0;
      ex_valid_q  <= 1'b0;
      ex_idx_q    <= '0;
      nrd_valid_q <= 1'b0;
    end else begin
      phase_q     <= phase_d;
      offset_q    <= offset_d;
      slot_q      <= slot_d;
      slot_rec_q  <= slot_rec_d;
      ptr_q       <= ptr_d;
      ltd_n_q     <= ltd_n_d;
      staged_q    <= staged_d;
      staged_any_q <= staged_any_d;
      inmask_any_q <= inmask_any_d;
      prev_any_q   <= prev_any_d;
      cur_any_q    <= cur_any_d;
      cur_q       <= cur_d;
      timestep_q  <= timestep_d;
      overruns_q  <= overruns_d;
      done_q      <= finish;
      ex_valid_q  <= rd_valid;
      ex_idx_q    <= rd_idx;
      nrd_valid_q <= is_neuron && (offset_q < NOff);
    end
  end

  // No reset: cycles_q and passed_q are read only in DONE and WAIT, and IDLE loads them
  // (constant loads, which the FPGA's flip-flops do with their synchronous set and
  // reset); inmask_q is read only from FETCH on, which loads it.
  always_ff @(posedge clk_i) begin
    cycles_q <= cycles_d;
    passed_q <= passed_d;
    inmask_q <= inmask_d;
  end

  assign busy_o     = busy;
  assign done_o     = done_q;
  assign timestep_o = timestep_q;
  assign overruns_o = overruns_q;

  // The neuron-write tap.
  always_comb begin
    nwr_index_o         = '0;
    nwr_index_o[NL-1:0] = n_index;
  end
  assign nwr_valid_o = n_valid;
  assign nwr_state_o = n_state;
  assign nwr_fired_o = n_fired;

  always_comb begin
    spikes_o         = '0;
    spikes_o[N-1:0]  = cur_q;
  end

  logic unused_core;
  // (eff_post: x_post's effective value, of which only the decay is stored.)
  assign unused_core = ^{in_index_i, unused_rest, ex_j, rd_j,
                         reset_in_idx, eff_post};

  //////////////////////////
  // The observation port //
  //////////////////////////

`ifdef NCX_TRACE
  logic [63:0] cycle_q;
  logic [10:0] k_out_q;

  logic        tr_valid_q, tr_matrix_q, tr_spike_q;
  logic [1:0]  tr_kind_q;
  logic [63:0] tr_cycle_q;
  logic [31:0] tr_timestep_q;
  logic [9:0]  tr_neuron_q, tr_pre_q;
  logic [23:0] tr_v_q, tr_i_q;
  logic [7:0]  tr_r_q, tr_old_q, tr_new_q;
  logic [10:0] tr_spikes_q;

  // WeightWrite: post and pre of the synapse, widened to 10 bits.
  logic [NL-1:0] slot_n, ex_jn;
  logic [IL-1:0] ex_m;
  logic [9:0]    ev_post, ev_pre;
  assign slot_n = slot_q[NL-1:0];
  assign ex_jn  = ex_j[NL-1:0];
  assign ex_m   = ex_idx_q[IL-1:0];
  always_comb begin
    ev_post = '0;
    ev_pre  = '0;
    if (is_ltd) begin
      ev_post[NL-1:0]   = ex_post;
      ev_pre[SlotW-1:0] = slot_q;
    end else begin
      ev_post[NL-1:0]   = slot_n;
      if (ex_in) begin
        ev_pre[IL-1:0]  = ex_m;
      end else begin
        ev_pre[NL-1:0]  = ex_jn;
      end
    end
  end

  logic [9:0] ev_neuron;
  always_comb begin
    ev_neuron          = '0;
    ev_neuron[NL-1:0]  = n_index;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      cycle_q       <= '0;
      k_out_q       <= '0;
      tr_valid_q    <= 1'b0;
      tr_kind_q     <= '0;
      tr_cycle_q    <= '0;
      tr_timestep_q <= '0;
      tr_neuron_q   <= '0;
      tr_pre_q      <= '0;
      tr_matrix_q   <= 1'b0;
      tr_spike_q    <= 1'b0;
      tr_v_q        <= '0;
      tr_i_q        <= '0;
      tr_r_q        <= '0;
      tr_old_q      <= '0;
      tr_new_q      <= '0;
      tr_spikes_q   <= '0;
    end else begin
      cycle_q <= (is_reset && last) ? 64'd0 : cycle_q + 64'd1;
      if (fetch) begin
        k_out_q <= '0;
      end else if (n_valid && n_fired) begin
        k_out_q <= k_out_q + 11'd1;
      end
      tr_cycle_q    <= cycle_q;
      tr_timestep_q <= timestep_q;
      tr_valid_q    <= n_valid || weight_write || (phase_q == PhDone);
      if (n_valid) begin
        tr_kind_q   <= 2'd0;
        tr_neuron_q <= ev_neuron;
        tr_spike_q  <= n_fired;
        tr_v_q      <= n_state[55:32];
        tr_i_q      <= n_state[31:8];
        tr_r_q      <= n_state[7:0];
      end else if (weight_write) begin
        tr_kind_q   <= 2'd1;
        tr_neuron_q <= ev_post;
        tr_pre_q    <= ev_pre;
        tr_matrix_q <= ex_rec;
        tr_old_q    <= w_old;
        tr_new_q    <= w_new;
      end else if (phase_q == PhDone) begin
        tr_kind_q   <= 2'd2;
        tr_spikes_q <= k_out_q;
      end
    end
  end

  assign trace_valid_o    = tr_valid_q;
  assign trace_kind_o     = tr_kind_q;
  assign trace_cycle_o    = tr_cycle_q;
  assign trace_timestep_o = tr_timestep_q;
  assign trace_neuron_o   = tr_neuron_q;
  assign trace_pre_o      = tr_pre_q;
  assign trace_matrix_o   = tr_matrix_q;
  assign trace_spike_o    = tr_spike_q;
  assign trace_v_o        = tr_v_q;
  assign trace_i_o        = tr_i_q;
  assign trace_r_o        = tr_r_q;
  assign trace_old_o      = tr_old_q;
  assign trace_new_o      = tr_new_q;
  assign trace_spikes_o   = tr_spikes_q;
`endif

endmodule

