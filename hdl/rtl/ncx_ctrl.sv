// ncx_ctrl — the ncx/1 command layer: command executor, run control and output frames
//
// The device side of docs/protocol.md §7–§10, as firmware-model/src/device (Device)
// implements it, between the frame decoder (ncx_frame_rx), the core (ncx_core) and the
// transmit queue (ncx_tx_queue). One controller serves commands and timesteps, one
// thing at a time (§10.1 rule 4); a command whose frame is held by the decoder goes
// before a ready timestep.
//
// A command, once its frame is held (frame_valid_i):
//   1. SLOT    take a free reply slot of the transmit queue (not the one that holds the
//              cached reply of the last acknowledged command);
//   2. LOAD    read payload bytes 0..8 (the fixed fields) from the decoder's buffer, and
//              compare bytes 0..3 with the timestep an INPUT must carry (the core's
//              timestep + the buffered ones), a byte a cycle;
//   3. DECIDE  a duplicate (seq and trailer CRC of the last acknowledged command) has
//              its stored response queued again (DUP; for RESEND its output frames are
//              queued again too); otherwise the checks that the frame alone decides,
//              in the order of §7: opcode, length, region, READ length, range, codes
//              and counts;
//   4. a pass over the payload where the records or indices must be checked before
//      anything changes: VALIDATE (WRITE to CONFIG, NEURONS, STATE: every record field
//      of layout.rs; the first bad record's payload offset), SCAN (INPUT: indices < M,
//      copied into the next free input slot; PROBE: indices < N, into the probes' spare
//      bank, which EXEC makes the one in use);
//   5. EXEC    the state checks (BUSY; NOT_RUNNING, BAD_TIMESTEP, NO_CREDIT), then the
//              command: RESET (scope 1 first writes the power-on bytes of regions 0-5
//              through the region port, then both scopes reset the core's state),
//              WRITE (data bytes to the region port, one a cycle), READ (region bytes
//              straight into the reply slot), CRC (CRC-32 of region bytes), RUN, STOP,
//              INPUT, PROBE, STATUS, RESEND (count the kept frames with timestep >=
//              from), HELLO;
//   6. REPLY   write the reply payload into the slot, one byte a cycle; PUSH it to the
//              queue (an ACK becomes the cached response); for RESEND, WALK pushes the
//              kept output frames; ACK releases the frame.
// A timestep (running, its INPUT buffered, no frame held): STAGE loads its input list
// into the core's staged inputs (in_clear, then one in_set a cycle), START, RUN until
// done_i (the spike count is taken from the core's neuron-write tap while it runs),
// then BUILD writes the output frame (list or bitmap, then the probes: each neuron's v
// and I read through the region port from its STATE record, as the model reads them
// after the timestep) into the next history slot and PUSH queues it.
//
// The steps' logic lives in submodules; this module is their controller (the state
// machine above, the payload register, the cached reply, the kept frames and the region
// port's offset):
//   ncx_ctrl_check    step 3's checks that the frame alone decides (ncx_region_size)
//   ncx_ctrl_records  step 4's VALIDATE: the rules of each record byte
//   ncx_ctrl_run      run control, credits and the input slots' lists (RUN, STOP, INPUT,
//                       STAGE, the retirement of a timestep)
//   ncx_ctrl_reply    step 6's reply bytes (short, HELLO, STATUS)
//   ncx_ctrl_frame    the timestep's output frame (BUILD)
//
// Parameters
//   NeuronsLog2, InputsLog2  the core's geometry (N = 2^NeuronsLog2, M = 2^InputsLog2)
//   ClockHz, BaudDivisor     reported by HELLO
//   BuildId                  HELLO's build id: byte k is BuildId[8k +: 8]
//   InputSlots               timesteps of input buffered (>= 1), HELLO's input_slots
//   OutputHistory            output frames kept for RESEND, HELLO's output_history
//   ReplyLog2, HistIdxWidth, HistBytesLog2  transmit queue geometry (ncx_tx_queue)
//   LanesLog2                the core's accumulate lanes, HELLO's features bits 8..11
//
// Ports
//   clk_i, rst_ni        clock; asynchronous active-low reset: power-on (idle, no run,
//                          no probes, no kept frames, no cached reply)
//   frame_*, opcode_i,   ncx_frame_rx's held frame, its payload read port and counters
//   seq_i, len_i, crc_i,
//   pay_*, rx_*
//   bus_*, in_*, start_o, reset_state_o, busy_i, done_i, timestep_i, overruns_i,
//   spikes_i             ncx_core's region port, staged inputs and control
//   nwr_valid_i,         ncx_core's neuron-write tap (a neuron written, whether it
//   nwr_fired_i,           fired, and which)
//   nwr_index_i
//   rep_*, hist_*, push_*, q_full_i, rep_busy_i, hist_busy_i
//                        ncx_tx_queue's buffers and job queue
//
// Timing: a frame held in cycle c is started in cycle c (SLOT); each step above takes
// the cycles it names (one per payload byte read, region byte, reply byte, kept frame
// walked), and the decoder is released (frame_ack_o) in the cycle after the last push.
module ncx_ctrl #(
  parameter int          NeuronsLog2   = 8,
  parameter int          InputsLog2    = 8,
  parameter logic [31:0] ClockHz       = 32'd100000000,
  parameter logic [31:0] BaudDivisor   = 32'd100,
  parameter logic [63:0] BuildId       = 64'd0,
  parameter int          InputSlots    = 16,
  parameter int          OutputHistory = 16,
  parameter int          ReplyLog2     = 2,
  parameter int          HistIdxWidth  = 4,
  parameter int          HistBytesLog2 = 8,
  parameter int          LanesLog2     = 0
) (
  input  logic                          clk_i,
  input  logic                          rst_ni,

  // Frame decoder.
  input  logic                          frame_valid_i,
  input  logic [7:0]                    opcode_i,
  input  logic [7:0]                    seq_i,
  input  logic [10:0]                   len_i,
  input  logic [31:0]                   crc_i,
  output logic                          frame_ack_o,
  output logic [9:0]                    pay_addr_o,
  input  logic [7:0]                    pay_rdata_i,
  input  logic [31:0]                   rx_frames_i,
  input  logic [31:0]                   rx_header_errors_i,
  input  logic [31:0]                   rx_crc_errors_i,
  input  logic [31:0]                   rx_discarded_i,

  // Core.
  output logic                          bus_req_o,
  output logic                          bus_we_o,
  output logic [2:0]                    bus_region_o,
  output logic [31:0]                   bus_offset_o,
  output logic [7:0]                    bus_wdata_o,
  input  logic [7:0]                    bus_rdata_i,
  output logic                          in_clear_o,
  output logic                          in_set_o,
  output logic [9:0]                    in_index_o,
  output logic                          start_o,
  output logic                          reset_state_o,
  input  logic                          busy_i,
  input  logic                          done_i,
  input  logic [31:0]                   timestep_i,
  input  logic [31:0]                   overruns_i,
  input  logic [1023:0]                 spikes_i,
  input  logic                          nwr_valid_i,
  input  logic                          nwr_fired_i,
  input  logic [9:0]                    nwr_index_i,

  // Transmit queue.
  output logic                          rep_we_o,
  output logic [ReplyLog2-1:0]          rep_slot_o,
  output logic [9:0]                    rep_addr_o,
  output logic [7:0]                    rep_wdata_o,
  output logic                          hist_we_o,
  output logic [HistIdxWidth-1:0]       hist_slot_o,
  output logic [HistBytesLog2-1:0]      hist_addr_o,
  output logic [7:0]                    hist_wdata_o,
  output logic                          push_o,
  output logic                          push_hist_o,
  output logic [7:0]                    push_slot_o,
  output logic [7:0]                    push_opcode_o,
  output logic [7:0]                    push_seq_o,
  output logic [10:0]                   push_len_o,
  input  logic                          q_full_i,
  input  logic [2**ReplyLog2-1:0]       rep_busy_i,
  input  logic [((OutputHistory > 0) ? OutputHistory : 1)-1:0] hist_busy_i
);

  ///////////////
  // Constants //
  ///////////////

  localparam int N       = 2 ** NeuronsLog2;
  localparam int M       = 2 ** InputsLog2;
  localparam int Hist    = (OutputHistory > 0) ? OutputHistory : 1;

  // The state-cycle counter's width: every state counts to at most a region's size (CRC,
  // RESET), 1023 (payload and reply bytes; with cnt_inc's 1024, 11 bits) or N + M + 1 (the
  // state reset's wait).
  localparam int MaxRegion = (N * M > N * N) ? N * M : N * N;  // >= 17 N, 9 N, M + 2 N
  localparam int MaxCount  = (MaxRegion > 17 * N) ? MaxRegion : 17 * N;
  localparam int CntW      = ($clog2(MaxCount + 1) > 11) ? $clog2(MaxCount + 1) : 11;
  localparam int OffW      = $clog2(MaxCount + 1);  // a region's offsets (< MaxCount)

  localparam int          HistM1I    = Hist - 1;
  localparam logic [8:0]  HistKeep   = OutputHistory[8:0];
  localparam logic [8:0]  Hist9      = Hist[8:0];
  localparam logic [HistIdxWidth-1:0] HistLast  = HistM1I[HistIdxWidth-1:0];

  localparam logic [7:0] StOk       = ncx_pkg::StatusOk;
  localparam logic [7:0] StBadValue = ncx_pkg::StatusBadValue;
  localparam logic [7:0] StBusy     = ncx_pkg::StatusBusy;
  localparam logic [7:0] StNotRun   = ncx_pkg::StatusNotRunning;
  localparam logic [7:0] StNoCredit = ncx_pkg::StatusNoCredit;
  localparam logic [7:0] StBadTs    = ncx_pkg::StatusBadTimestep;

  localparam logic [7:0] OpHello  = ncx_pkg::OpcodeHello;
  localparam logic [7:0] OpReset  = ncx_pkg::OpcodeReset;
  localparam logic [7:0] OpWrite  = ncx_pkg::OpcodeWrite;
  localparam logic [7:0] OpRead   = ncx_pkg::OpcodeRead;
  localparam logic [7:0] OpCrc    = ncx_pkg::OpcodeCrc;
  localparam logic [7:0] OpRun    = ncx_pkg::OpcodeRun;
  localparam logic [7:0] OpStop   = ncx_pkg::OpcodeStop;
  localparam logic [7:0] OpInput  = ncx_pkg::OpcodeInput;
  localparam logic [7:0] OpProbe  = ncx_pkg::OpcodeProbe;
  localparam logic [7:0] OpStatus = ncx_pkg::OpcodeStatus;
  localparam logic [7:0] OpResend = ncx_pkg::OpcodeResend;

  localparam logic [2:0] RegionNeurons = 3'(ncx_pkg::RegionNeurons);
  localparam logic [2:0] RegionState   = 3'(ncx_pkg::RegionState);

  typedef enum logic [4:0] {
    StIdle, StSlot, StLoad, StDecide, StValidate, StScan, StExec, StReset, StResetWait,
    StWrite, StRead, StCrc, StCount, StReply, StPush, StWalk, StAck, StDup,
    TsStage, TsStart, TsRun, TsSlot, TsBuild, TsPush
  } state_e;

  // Where the reply payload's bytes come from (ncx_ctrl_reply): a short reply (status and
  // up to 4 bytes, rep_q, written low byte first), the same with bytes 1..4 the core's
  // timestep (STATUS's bytes 2..5) and rep_q's bytes 1.. after them (rep_q holds while the
  // timestep's bytes are written: RUN's credits), or HELLO's constant reply or STATUS's.
  typedef enum logic [1:0] {
    RsShort, RsTime, RsHello, RsStatus
  } rep_src_e;

  ///////////////
  // Registers //
  ///////////////

  state_e                   state_d, state_q;
  logic [31:0]              cnt_d, cnt_q;          // cycle within the state (< 2^CntW)
  logic [CntW-1:0]          cnt_r;                 // its register
  assign cnt_q = {{(32 - CntW) {1'b0}}, cnt_r};
  logic [CntW-1:0]          cnt_inc;               // cnt_r + 1
  assign cnt_inc = cnt_r + 1'b1;
  logic [71:0]              p_d, p_q;              // payload bytes 0..8
  logic [ReplyLog2-1:0]     slot_d, slot_q, rr_d, rr_q;
  rep_src_e                 rep_src_d, rep_src_q;  // where the reply's bytes come from
  logic [39:0]              rep_d, rep_q;          // a short reply's bytes still to write
  logic [10:0]              rep_len_d, rep_len_q;  // its whole length
  logic                     nak_d, nak_q;
  // Last acknowledged command.
  logic                     last_valid_d, last_valid_q;
  logic [7:0]               last_seq_d, last_seq_q;
  logic [3:0]               last_op_d, last_op_q;    // its opcode (known: 1..11)
  logic [31:0]              last_crc_d, last_crc_q;
  logic [ReplyLog2-1:0]     last_slot_d, last_slot_q;
  logic [10:0]              last_len_d, last_len_q;
  logic                     last_resend_d, last_resend_q;
  // Payload passes.
  logic                     bad_d, bad_q;
  logic [7:0]               prev_d, prev_q;
  logic [4:0]               j_d, j_q;              // byte within the record
  // Probes.
  logic [4:0]               pr_count_d, pr_count_q;
  // Kept output frames: the oldest at h_head_q, h_count_q of them.
  logic [HistIdxWidth-1:0]  h_head_d, h_head_q;
  logic [8:0]               h_count_d, h_count_q;
  logic [Hist*32-1:0]       h_t_d, h_t_q;
  logic [Hist*11-1:0]       h_len_d, h_len_q;
  logic [31:0]              outputs_d, outputs_q;
  // The output frame's history slot.
  logic [HistIdxWidth-1:0]  w_slot_d, w_slot_q;
  // RESEND walks and RESET writes.
  logic [HistIdxWidth-1:0]  rw_ptr_d, rw_ptr_q;
  logic [31:0]              rw_from_d, rw_from_q;
  logic [8:0]               rw_count_d, rw_count_q;  // <= OutputHistory
  logic [2:0]               rs_region_d, rs_region_q;
  logic [4:0]               rs_j_d, rs_j_q;

  // The steps' strobes to the run control and the frame builder (set by the controller).
  logic run_go, stop_go, input_go, retire_go, ob_begin, ob_build, probe_commit;

  ///////////////////////////////
  // Fields of the fixed part  //
  ///////////////////////////////

  // (ncx_ctrl_check reads all of them; here: the region and offset of WRITE, READ, CRC
  // and RESET, RUN's steps and RESEND's from at 0, the counts of PROBE at 0 and INPUT at
  // 4, READ's length and CRC's at 5.)
  logic [7:0]  f_region;
  logic [31:0] f_u32_at0;
  assign f_region  = p_q[7:0];
  assign f_u32_at0 = p_q[31:0];

  // Constant selects as wires (Icarus 11 supports none inside always_* processes).
  logic [2:0]               f_region3;
  logic [71:0]              p_shifted;
  logic [9:0]               cnt10;
  logic [10:0]              cnt_inc11;
  logic [8:0]               cnt9;
  logic [5:0]               cnt6;
  logic [39:0]              rep_shifted, rep_ts_in;
  logic [31:0]              rep_hi;
  logic [9:0]               input_count10;
  logic [4:0]               probe_count5;
  logic [7:0]               ts8;
  logic [N-1:0]             spikes_n;
  logic [1:0]               pay_low2;
  logic [HistBytesLog2-1:0] cnt_h;
  logic [10:0]              cnt11;
  assign f_region3     = f_region[2:0];
  assign p_shifted     = {pay_rdata_i, p_q[71:8]};
  assign cnt10         = cnt_q[9:0];
  assign cnt_inc11     = cnt_inc[10:0];
  assign cnt9          = cnt_q[8:0];
  assign cnt6          = cnt_q[5:0];
  assign rep_shifted   = {8'd0, rep_q[39:8]};
  assign rep_ts_in     = {ts_sum8, rep_q[39:8]};
  assign rep_hi        = rep_q[39:8];
  assign input_count10 = p_q[41:32];
  assign probe_count5  = p_q[4:0];
  assign ts8           = ob_ts[7:0];
  assign spikes_n      = spikes_i[N-1:0];
  assign pay_low2      = pay_rdata_i[1:0];
  assign cnt_h         = cnt_q[HistBytesLog2-1:0];
  assign cnt11         = cnt_q[10:0];

  ///////////////////////////////
  // Step 3: the frame's checks //
  ///////////////////////////////

  logic        chk_nak, chk_pass, steps_zero;
  logic [7:0]  chk_status;
  logic [31:0] chk_detail;
  logic [10:0] len_m5, sc_bytes;  // WRITE's data bytes; the index list's bytes
  logic [9:0]  sc_base;           // the index list's first payload byte

  ncx_ctrl_check #(
    .NeuronsLog2(NeuronsLog2),
    .InputsLog2 (InputsLog2)
  ) u_check (
    .opcode_i    (opcode_i),
    .len_i       (len_i),
    .fixed_i     (p_q[71:0]),
    .steps_zero_i(steps_zero),
    .nak_o       (chk_nak),
    .status_o    (chk_status),
    .detail_o    (chk_detail),
    .pass_o      (chk_pass),
    .data_len_o  (len_m5),
    .list_base_o (sc_base),
    .list_bytes_o(sc_bytes)
  );

  logic known;  // OpHello .. OpResend
  assign known = (opcode_i[7:4] == 4'd0) && (opcode_i[3:0] != 4'd0) && (opcode4 <= 4'(ncx_pkg::OpcodeResend));

  logic [7:0] reply_op;
  logic [3:0] opcode4;
  assign opcode4  = opcode_i[3:0];
  assign reply_op = known ? (opcode_i | ncx_pkg::ReplyBit) : ncx_pkg::ReplyBit;

  logic dup;
  assign dup = last_valid_q && (seq_i == last_seq_q) && (crc_i == last_crc_q);

  /////////////////////
  // Run and credits //
  /////////////////////

  // SCAN's list byte cnt_q - 1 arrives in cycle cnt_q; an index is complete at its odd
  // byte. STAGE reads entry cnt_q of the head slot's list.
  logic [31:0]           il_pos, il_k;
  logic [8:0]            il_k9;
  logic                  il_odd;
  logic [9:0]            il_wide;
  logic                  il_we;
  logic [InputsLog2-1:0] il_rdata;
  assign il_pos  = cnt_q - 32'd1;
  assign il_k    = {1'b0, il_pos[31:1]};
  assign il_k9   = il_k[8:0];
  assign il_odd  = il_pos[0];
  assign il_wide = {pay_low2, prev_q};
  assign il_we   = (state_q == StScan) && (opcode_i == OpInput) && (cnt_q != 32'd0) && il_odd;

  logic        running, ts_ready, no_credit;
  logic [31:0] steps_left;
  logic [7:0]  buffered;
  logic [9:0]  head_len;  // indices of the next timestep
  logic [15:0] credits, credits_after, run_credits;

  ncx_ctrl_run #(
    .InputsLog2(InputsLog2),
    .InputSlots(InputSlots)
  ) u_run (
    .clk_i          (clk_i),
    .rst_ni         (rst_ni),
    .run_i          (run_go),
    .steps_i        (f_u32_at0),
    .stop_i         (stop_go),
    .input_i        (input_go),
    .input_count_i  (input_count10),
    .retire_i       (retire_go),
    .list_we_i      (il_we),
    .list_k_i       (il_k9),
    .list_index_i   (il_wide),
    .stage_k_i      (cnt9),
    .stage_index_o  (il_rdata),
    .stage_len_o    (head_len),
    .running_o      (running),
    .steps_left_o   (steps_left),
    .buffered_o     (buffered),
    .ready_o        (ts_ready),
    .credits_o      (credits),
    .no_credit_o    (no_credit),
    .credits_after_o(credits_after),
    .run_credits_o  (run_credits),
    .steps_zero_o   (steps_zero)
  );

  ///////////////////
  // Reply bytes   //
  ///////////////////

  logic [279:0] status_data;  // STATUS's 35 bytes
  assign status_data = {outputs_q, rx_discarded_i, rx_crc_errors_i, rx_header_errors_i, rx_frames_i,
                        overruns_i, credits, steps_left, timestep_i,
                        7'd0, running};

  logic [7:0] rep_byte, status_byte;  // reply byte cnt_q; STATUS data byte cnt_q
  logic       src_hello, src_status, src_time;
  logic       idx_1to4;  // cnt_q is 1..4: a timestep byte (REPLY, RsTime; LOAD's check)
  assign idx_1to4 = (cnt6 != 6'd0) && (cnt6 <= 6'd4);
  assign src_hello  = rep_src_q == RsHello;
  assign src_status = rep_src_q == RsStatus;
  assign src_time   = rep_src_q == RsTime;
  ncx_ctrl_reply #(
    .NeuronsLog2  (NeuronsLog2),
    .InputsLog2   (InputsLog2),
    .ClockHz      (ClockHz),
    .BaudDivisor  (BaudDivisor),
    .BuildId      (BuildId),
    .InputSlots   (InputSlots),
    .OutputHistory(OutputHistory),
    .LanesLog2    (LanesLog2)
  ) u_reply (
    .hello_i      (src_hello),
    .status_i     (src_status),
    .time_i       (src_time),
    .index_i      (cnt6),
    .short_i      (rep_q[7:0]),
    .status_data_i(status_data),
    .byte_o       (rep_byte),
    .status_byte_o(status_byte)
  );

  // INPUT's timestep check, a byte a cycle while LOAD reads payload bytes 0..3 (cycles
  // 1..4, RsShort): byte cnt_q - 1 of timestep + buffered (status_byte is the timestep's
  // byte, plus the buffered count in cycle 1, the carry after it) against the payload byte
  // (ts_ne_q: they differ), shifted into rep_q[39:32], so that rep_q[39:8] holds the
  // expected timestep when EXEC answers BAD_TIMESTEP.
  logic       ts_phase, ts_first;
  logic [8:0] ts_sum;
  logic [7:0] ts_sum8;
  logic [7:0] ts_add;
  logic       ts_carry_d, ts_carry_q, ts_ne_d, ts_ne_q;
  assign ts_phase   = (state_q == StLoad) && idx_1to4;
  assign ts_first   = cnt6 == 6'd1;
  assign ts_add     = ts_first ? buffered : {7'd0, ts_carry_q};
  assign ts_sum     = {1'b0, status_byte} + {1'b0, ts_add};
  assign ts_sum8    = ts_sum[7:0];
  assign ts_carry_d = ts_sum[8];
  assign ts_ne_d    = !ts_phase ? ts_ne_q : ((ts_ne_q && !ts_first) || (ts_sum8 != pay_rdata_i));

  /////////////////////////////////
  // Step 4: the payload passes  //
  /////////////////////////////////

  logic       vbad;      // VALIDATE: data byte pay_rdata_i at record byte j_q is bad
  logic [4:0] rec_last;  // the record's last byte index
  ncx_ctrl_records u_records (
    .region_i(f_region3),
    .j_i     (j_q),
    .byte_i  (pay_rdata_i),
    .prev_i  (prev_q),
    .bad_o   (vbad),
    .last_o  (rec_last)
  );

  // SCAN: index sc_idx against M (INPUT) or N (PROBE).
  logic [15:0]            sc_idx;
  logic                   idx_ge_m, idx_ge_n;  // sc_idx >= M, >= N
  logic [NeuronsLog2-1:0] sc_idx_n;
  assign sc_idx   = {pay_rdata_i, prev_q};
  assign idx_ge_m = (sc_idx >> InputsLog2) != 16'd0;
  assign idx_ge_n = (sc_idx >> NeuronsLog2) != 16'd0;
  assign sc_idx_n = sc_idx[NeuronsLog2-1:0];

  // The payload byte read in cycle cnt_q (its data arrives in cycle cnt_q + 1): LOAD's byte
  // cnt_q, SCAN's list byte cnt_q, VALIDATE's and WRITE's data byte cnt_q (payload 5 +
  // cnt_q). Other states ignore the read data.
  logic [9:0] pay_base, pay_addr;
  assign pay_base = (state_q == StLoad) ? 10'd0 : (state_q == StScan) ? sc_base : 10'd5;
  assign pay_addr = pay_base + cnt10;

  // The payload offset of a bad record's first byte (VALIDATE: data byte cnt_q - 1 at
  // record byte j_q, 4 + cnt_q - j_q) or of a bad index's (SCAN: list byte cnt_q - 2,
  // sc_base - 2 + cnt_q).
  logic [10:0] bad_at, at_back;
  logic [5:0]  rec_back;  // 4 - j_q (j_q <= 17)
  assign rec_back = 6'd4 - {1'b0, j_q};
  assign at_back  = (state_q == StValidate) ? {{5 {rec_back[5]}}, rec_back} :
                    (opcode_i == OpInput)   ? 11'd4 : 11'd0;
  assign bad_at   = cnt_q[10:0] + at_back;
  // PROBE: a good index into the probes' spare bank (ncx_ctrl_frame), at its list position.
  logic       probe_we;
  logic [3:0] probe_k;
  assign probe_we = (state_q == StScan) && (opcode_i == OpProbe) && (cnt_q != 32'd0) && il_odd
                    && !idx_ge_n;
  assign probe_k  = il_k[3:0];

  ////////////////////////////////
  // Step 5: RESET, READ, CRC   //
  ////////////////////////////////

  // RESET scope 1: the power-on byte at cnt_q of region rs_region_q, up to its last byte
  // (an offset < MaxCount).
  logic [31:0] rs_size, rs_end;
  logic        rs_last;
  ncx_region_size #(
    .NeuronsLog2(NeuronsLog2),
    .InputsLog2 (InputsLog2)
  ) u_rs_size (
    .region_i(rs_region_q),
    .size_o  (rs_size),
    .last_o  (rs_end)
  );
  assign rs_last = cnt_r == rs_end[CntW-1:0];

  logic [7:0] rs_byte;
  always_comb begin
    rs_byte = 8'h00;
    if (rs_region_q == 3'd0) begin
      if (cnt_q == 32'd9) begin
        rs_byte = 8'h80;  // w_min = -128
      end else if (cnt_q == 32'd10) begin
        rs_byte = 8'h7F;  // w_max = 127
      end
    end else if (rs_region_q == RegionNeurons) begin
      // θ = 8388607 = FF FF 7F 00, every other field 0.
      if (rs_j_q == 5'd0 || rs_j_q == 5'd1) begin
        rs_byte = 8'hFF;
      end else if (rs_j_q == 5'd2) begin
        rs_byte = 8'h7F;
      end
    end
  end

  // The last cycles of READ and CRC in the counter's width: READ's length is < 1024 and
  // CRC's < 2^RegB <= 2^CntW once checked. (REPLY's last byte is the one where cnt_q + 1
  // is the reply's length, 1..1024.)
  logic [CntW-1:0] read_cnt, crc_cnt;
  assign read_cnt   = CntW'(p_q[49:40]);
  assign crc_cnt    = p_q[40 +: CntW];

  // The CRC register is the reply's bytes 1..4 (rep_q[39:8]), which hold the CRC as it
  // would be sent (xor-out applied) from EXEC on, so that the last update is the reply.
  logic [31:0] crc_cur, crc_next;
  logic [39:0] rep_crc;
  assign crc_cur = rep_q[39:8] ^ ncx_pkg::FrameCrcXorOut;
  assign rep_crc = {crc_next ^ ncx_pkg::FrameCrcXorOut, StOk};
  ncx_crc32 u_crc (
    .crc_i  (crc_cur),
    .data_i (bus_rdata_i),
    .crc_o  (crc_next)
  );

  //////////////////////////
  // Output frame builder //
  //////////////////////////

  logic [7:0]  ob_byte, ob_index;
  logic        ob_last, ob_req;
  logic [12:0] probe_base;  // 9 n: the STATE record of the probe's neuron
  logic [31:0] ob_ts;       // the frame's timestep
  logic        ob_start;
  assign ob_start = state_q == TsStart;
  ncx_ctrl_frame #(
    .NeuronsLog2(NeuronsLog2)
  ) u_frame (
    .clk_i        (clk_i),
    .rst_ni       (rst_ni),
    .nwr_valid_i  (nwr_valid_i),
    .nwr_fired_i  (nwr_fired_i),
    .nwr_index_i  (nwr_index_i[NeuronsLog2-1:0]),
    .probe_we_i    (probe_we),
    .probe_k_i     (probe_k),
    .probe_index_i (sc_idx_n),
    .probe_commit_i(probe_commit),
    .start_i      (ob_start),
    .timestep_i   (timestep_i),
    .spikes_i     (spikes_n),
    .begin_i      (ob_begin),
    .build_i      (ob_build),
    .probe_count_i(pr_count_q),
    .bus_rdata_i  (bus_rdata_i),
    .byte_o       (ob_byte),
    .last_o       (ob_last),
    .bus_req_o    (ob_req),
    .probe_base_o (probe_base),
    .index_o      (ob_index),
    .timestep_o   (ob_ts)
  );

  //////////////////
  // Kept frames  //
  //////////////////

  logic                    h_room;  // fewer than OutputHistory frames kept
  assign h_room = (h_count_q + 9'd1) <= HistKeep;
  logic [HistIdxWidth-1:0] h_next;  // where the next output frame goes
  logic [8:0]              h_sum;
  logic [8:0]              h_wrapped;
  logic [HistIdxWidth-1:0] h_wrapped_idx;
  assign h_wrapped_idx = h_wrapped[HistIdxWidth-1:0];
  assign h_sum     = {{(9 - HistIdxWidth) {1'b0}}, h_head_q} + h_count_q;
  assign h_wrapped = (h_sum >= Hist9) ? h_sum - Hist9 : h_sum;
  always_comb begin
    if (h_room) begin
      h_next = h_wrapped_idx;
    end else begin
      h_next = h_head_q;
    end
  end

  logic [HistIdxWidth-1:0] rw_next;
  assign rw_next = (rw_ptr_q == HistLast) ? '0 : rw_ptr_q + 1'b1;
  logic [31:0] outputs_inc;  // one more output frame sent
  assign outputs_inc = outputs_q + 32'd1;
  logic [31:0] rw_t;
  logic [7:0]  rw_t8;
  assign rw_t  = h_t_q[rw_ptr_q*32 +: 32];
  assign rw_t8 = rw_t[7:0];

  // The region port's offset: RESET's byte cnt of the region; WRITE's data byte cnt - 1
  // (read from the payload one cycle earlier); a probe's STATE byte ob_i - 2 at 9 n,
  // requested a cycle early; READ's and CRC's byte cnt. It is a register, computed in
  // the cycle before from registers only, so that neither the controller's next-state
  // logic nor an adder is on the path through the region port's record division to the
  // core's memories (the device's critical path on the iCE40). Every state that uses
  // the port counts cnt (or ob_i, within a probe) up by one a cycle, so the next
  // offset is the current state's at cnt + 1 (ob_i + 1); READ, CRC and RESET use it
  // from their first cycle, which EXEC sets up (RESET also when it moves on to the
  // next region). The offset and the probe's neuron are this cycle's and the next's
  // wherever the port is used: the payload register changes in LOAD only, the probes'
  // bank at PROBE's EXEC, and the probe entry ob_k when ob_i restarts at 0, a cycle
  // without a request. One adder, OffW bits wide: every offset the port is given is
  // inside a region (the range check passed), so below MaxCount.
  logic [OffW-1:0] f_offset_n, off_base, off_step, bus_offset_d, bus_offset_q;
  assign f_offset_n = p_q[8 +: OffW];
  always_comb begin
    unique case (state_q)
      StExec: begin  // READ, CRC: byte 0 at the offset; RESET scope 1: byte 0
        off_base = (opcode_i == OpReset) ? '0 : f_offset_n;
        off_step = '0;
      end
      StReset: begin
        off_base = '0;
        off_step = rs_last ? '0 : OffW'(cnt_inc);
      end
      StWrite: begin
        off_base = f_offset_n;
        off_step = OffW'(cnt_r);
      end
      TsBuild: begin
        off_base = OffW'(probe_base);
        off_step = OffW'(ob_index);
      end
      default: begin  // READ, CRC
        off_base = f_offset_n;
        off_step = OffW'(cnt_inc);
      end
    endcase
  end
  assign bus_offset_d = off_base + off_step;

  ////////////////
  // Controller //
  ////////////////

  always_comb begin
    state_d       = state_q;
    cnt_d         = {{(32 - CntW) {1'b0}}, cnt_inc};
    p_d           = p_q;
    slot_d        = slot_q;
    rr_d          = rr_q;
    rep_src_d     = rep_src_q;
    rep_d         = rep_q;
    rep_len_d     = rep_len_q;
    nak_d         = nak_q;
    last_valid_d  = last_valid_q;
    last_seq_d    = last_seq_q;
    last_op_d     = last_op_q;
    last_crc_d    = last_crc_q;
    last_slot_d   = last_slot_q;
    last_len_d    = last_len_q;
    last_resend_d = last_resend_q;
    bad_d         = bad_q;
    prev_d        = prev_q;
    j_d           = j_q;
    pr_count_d    = pr_count_q;
    h_head_d      = h_head_q;
    h_count_d     = h_count_q;
    h_t_d         = h_t_q;
    h_len_d       = h_len_q;
    outputs_d     = outputs_q;
    w_slot_d      = w_slot_q;
    rw_ptr_d      = rw_ptr_q;
    rw_from_d     = rw_from_q;
    rw_count_d    = rw_count_q;
    rs_region_d   = rs_region_q;
    rs_j_d        = rs_j_q;
    run_go        = 1'b0;
    stop_go       = 1'b0;
    input_go      = 1'b0;
    retire_go     = 1'b0;
    ob_begin      = 1'b0;
    ob_build      = 1'b0;
    probe_commit  = 1'b0;

    frame_ack_o   = 1'b0;
    pay_addr_o    = pay_addr;
    bus_req_o     = 1'b0;
    bus_we_o      = 1'b0;
    bus_region_o  = f_region3;
    bus_wdata_o   = pay_rdata_i;
    in_clear_o    = 1'b0;
    in_set_o      = 1'b0;
    in_index_o    = 10'd0;
    start_o       = 1'b0;
    reset_state_o = 1'b0;
    rep_we_o      = 1'b0;
    rep_addr_o    = cnt10;
    rep_wdata_o   = rep_byte;
    hist_we_o     = 1'b0;
    hist_addr_o   = cnt_h;
    hist_wdata_o  = 8'h00;
    push_o        = 1'b0;
    push_hist_o   = 1'b0;
    push_slot_o   = {{(8 - ReplyLog2) {1'b0}}, slot_q};
    push_opcode_o = reply_op;
    push_seq_o    = seq_i;
    push_len_o    = rep_len_q;

    unique case (state_q)
      StIdle: begin
        cnt_d = 32'd0;
        if (frame_valid_i) begin
          state_d = StSlot;
        end else if (ts_ready) begin
          state_d = TsStage;
        end
      end

      StSlot: begin
        cnt_d     = 32'd0;
        rep_src_d = RsShort;
        if (last_valid_q && rr_q == last_slot_q) begin
          rr_d = rr_q + 1'b1;
        end else if (!rep_busy_i[rr_q]) begin
          slot_d  = rr_q;
          rr_d    = rr_q + 1'b1;
          state_d = StLoad;
        end
      end

      // Payload bytes 0..8: address k in cycle k, data in cycle k + 1.
      StLoad: begin
        if (cnt_q != 32'd0) begin
          p_d = p_shifted;
        end
        if (ts_phase) begin
          rep_d = rep_ts_in;
        end
        if (cnt_q == 32'd9) begin
          state_d = StDecide;
        end
      end

      StDecide: begin
        cnt_d    = 32'd0;
        bad_d    = 1'b0;
        j_d      = 5'd0;
        nak_d    = 1'b0;
        if (dup) begin
          state_d = StDup;
        end else if (chk_nak) begin
          nak_d     = 1'b1;
          rep_d     = {chk_detail, chk_status};
          rep_len_d = 11'd5;
          state_d   = StReply;
        end else if (chk_pass) begin
          if (opcode_i == OpWrite) begin
            state_d = StValidate;
          end else begin
            state_d = StScan;
          end
        end else begin
          state_d = StExec;
        end
      end

      // WRITE records: data byte k (payload 5 + k) read in cycle k, checked in k + 1.
      StValidate: begin
        if (cnt_q != 32'd0) begin
          prev_d = pay_rdata_i;
          j_d    = (j_q == rec_last) ? 5'd0 : j_q + 5'd1;
          if (vbad) begin
            bad_d = 1'b1;
            rep_d = {21'd0, bad_at, StBadValue};
          end
        end
        if ((cnt_q != 32'd0 && vbad) || cnt_q == {21'd0, len_m5}) begin
          cnt_d   = 32'd0;
          state_d = StExec;
        end
      end

      // INPUT or PROBE indices: byte k of the list read in cycle k, used in k + 1.
      StScan: begin
        if (cnt_q != 32'd0) begin
          prev_d = pay_rdata_i;
          if (il_odd) begin
            if (opcode_i == OpInput) begin
              if (idx_ge_m) begin
                bad_d = 1'b1;
                rep_d = {21'd0, bad_at, StBadValue};
              end
            end else begin
              if (idx_ge_n) begin
                bad_d = 1'b1;
                rep_d = {21'd0, bad_at, StBadValue};
              end
            end
          end
        end
        if (cnt_q == {21'd0, sc_bytes} || bad_d) begin
          cnt_d   = 32'd0;
          state_d = StExec;
        end
      end

      // The state checks, then the command. A reply with the timestep (RsTime) has its
      // status in rep_q; a bad record or index has its whole reply there already.
      StExec: begin
        cnt_d     = 32'd0;
        rep_len_d = 11'd5;
        state_d   = StReply;
        if (bad_q) begin
          nak_d = 1'b1;
        end else begin
          rep_d     = {32'd0, StOk};
          rep_len_d = 11'd1;
          unique case (opcode_i)
            OpHello: begin
              rep_src_d = RsHello;
              rep_len_d = 11'd61;
            end
            OpReset: begin
              if (running) begin
                nak_d = 1'b1; rep_src_d = RsTime; rep_d = {32'd0, StBusy}; rep_len_d = 11'd5;
              end else begin
                rs_region_d = 3'd0;
                rs_j_d      = 5'd0;
                if (f_region == 8'd1) begin
                  state_d = StReset;
                end else begin
                  state_d = StResetWait;
                end
              end
            end
            OpWrite: begin
              if (running) begin
                nak_d = 1'b1; rep_src_d = RsTime; rep_d = {32'd0, StBusy}; rep_len_d = 11'd5;
              end else begin
                state_d = StWrite;
              end
            end
            OpRead: begin
              state_d = StRead;
            end
            OpCrc: begin
              rep_d   = {ncx_pkg::FrameCrcInit ^ ncx_pkg::FrameCrcXorOut, StOk};
              state_d = StCrc;
            end
            OpRun: begin
              if (running) begin
                nak_d = 1'b1; rep_src_d = RsTime; rep_d = {32'd0, StBusy}; rep_len_d = 11'd5;
              end else begin
                run_go       = 1'b1;
                rep_src_d    = RsTime;
                rep_d        = {16'd0, run_credits, StOk};
                rep_len_d    = 11'd7;
              end
            end
            OpStop: begin
              stop_go    = 1'b1;
              rep_src_d  = RsTime;
              rep_d      = {32'd0, StOk};
              rep_len_d  = 11'd5;
            end
            OpInput: begin
              if (!running) begin
                nak_d = 1'b1; rep_src_d = RsTime; rep_d = {32'd0, StNotRun}; rep_len_d = 11'd5;
              end else if (ts_ne_q) begin
                nak_d = 1'b1; rep_d = {rep_hi, StBadTs}; rep_len_d = 11'd5;
              end else if (no_credit) begin
                nak_d = 1'b1; rep_src_d = RsTime; rep_d = {32'd0, StNoCredit}; rep_len_d = 11'd5;
              end else begin
                input_go   = 1'b1;
                rep_d      = {16'd0, credits_after, StOk};
                rep_len_d  = 11'd3;
              end
            end
            OpProbe: begin
              probe_commit = 1'b1;
              pr_count_d   = probe_count5;
            end
            OpStatus: begin
              rep_src_d = RsStatus;
              rep_len_d = 11'd36;
            end
            OpResend: begin
              rw_ptr_d   = h_head_q;
              rw_count_d = 9'd0;
              rw_from_d  = f_u32_at0;
              state_d    = StCount;
            end
            default: begin
              rep_d = {32'd0, StOk};
            end
          endcase
        end
      end

      // RESET scope 1: the power-on bytes of regions 0..5, one a cycle.
      StReset: begin
        bus_req_o    = 1'b1;
        bus_we_o     = 1'b1;
        bus_region_o = rs_region_q;
        bus_wdata_o  = rs_byte;
        rs_j_d       = (rs_j_q == 5'd16) ? 5'd0 : rs_j_q + 5'd1;
        if (rs_last) begin
          cnt_d  = 32'd0;
          rs_j_d = 5'd0;
          if (rs_region_q == RegionNeurons) begin
            state_d = StResetWait;
          end else begin
            rs_region_d = rs_region_q + 3'd1;
          end
        end
      end

      // RESET: the core's state reset (N + M cycles), then the ACK.
      StResetWait: begin
        if (cnt_q == 32'd0) begin
          reset_state_o = 1'b1;
          in_clear_o    = 1'b1;
        end else if (!busy_i) begin
          pr_count_d = 5'd0;
          h_count_d  = 9'd0;
          h_head_d   = '0;
          outputs_d  = 32'd0;
          state_d    = StReply;
        end
      end

      // WRITE: data byte k read in cycle k, written to the region in cycle k + 1.
      StWrite: begin
        if (cnt_q != 32'd0) begin
          bus_req_o = 1'b1;
          bus_we_o  = 1'b1;
        end
        if (cnt_q == {21'd0, len_m5}) begin
          state_d = StReply;
        end
      end

      // READ: status byte, then region byte k read in cycle k, into the slot in k + 1;
      // the reply's length, 1 + the READ's, is cnt_q + 1 in the last cycle.
      StRead: begin
        bus_req_o    = cnt_r != read_cnt;  // cnt_r < read_cnt
        rep_we_o     = 1'b1;
        rep_len_d    = cnt_inc11;
        rep_addr_o   = cnt10;
        rep_wdata_o  = (cnt_q == 32'd0) ? StOk : bus_rdata_i;
        if (cnt_r == read_cnt) begin
          state_d = StPush;
        end
      end

      // CRC: region byte k read in cycle k, into the CRC in k + 1.
      StCrc: begin
        bus_req_o    = cnt_r != crc_cnt;  // cnt_r < crc_cnt
        if (cnt_q != 32'd0) begin
          rep_d = rep_crc;
        end
        if (cnt_r == crc_cnt) begin
          rep_len_d = 11'd5;
          state_d   = StReply;
        end
      end

      // RESEND: count the kept frames of timesteps >= from.
      StCount: begin
        if (OutputHistory == 0 || cnt_q == {23'd0, h_count_q}) begin
          rep_d     = {23'd0, rw_count_q, StOk};
          rep_len_d = 11'd5;
          rw_ptr_d  = h_head_q;
          state_d   = StReply;
        end else begin
          rw_ptr_d = rw_next;
          if (rw_t >= rw_from_q) begin
            rw_count_d = rw_count_q + 9'd1;
          end
        end
      end

      // The reply payload into the slot, one byte a cycle.
      StReply: begin
        rep_we_o    = 1'b1;
        rep_addr_o  = cnt10;
        rep_wdata_o = rep_byte;
        if (!(src_time && idx_1to4)) begin
          rep_d = rep_shifted;
        end
        if (cnt_inc11 == rep_len_q) begin  // the last byte
          cnt_d   = 32'd0;
          state_d = StPush;
        end
      end

      StPush: begin
        cnt_d  = 32'd0;
        push_o = 1'b1;
        if (!q_full_i) begin
          if (nak_q) begin
            state_d = StAck;
          end else begin
            last_valid_d  = 1'b1;
            last_seq_d    = seq_i;
            last_crc_d    = crc_i;
            last_op_d     = opcode4;
            last_slot_d   = slot_q;
            last_len_d    = rep_len_q;
            last_resend_d = opcode_i == OpResend;
            if (opcode_i == OpResend) begin
              state_d = StWalk;
            end else begin
              state_d = StAck;
            end
          end
        end
      end

      // Queue the kept frames of timesteps >= rw_from_q, oldest first.
      StWalk: begin
        if (OutputHistory == 0 || cnt_q == {23'd0, h_count_q}) begin
          state_d = StAck;
        end else if (rw_t >= rw_from_q) begin
          push_o        = 1'b1;
          push_hist_o   = 1'b1;
          push_slot_o   = {{(8 - HistIdxWidth) {1'b0}}, rw_ptr_q};
          push_opcode_o = ncx_pkg::OutputOpcode;
          push_seq_o    = rw_t8;
          push_len_o    = h_len_q[rw_ptr_q*11 +: 11];
          if (q_full_i) begin
            cnt_d = cnt_q;
          end else begin
            outputs_d = outputs_inc;
            rw_ptr_d  = rw_next;
          end
        end else begin
          rw_ptr_d = rw_next;
        end
      end

      StAck: begin
        frame_ack_o = 1'b1;
        state_d     = StIdle;
      end

      // A duplicate: the cached reply again (and RESEND's frames).
      StDup: begin
        cnt_d         = 32'd0;
        push_o        = 1'b1;
        push_slot_o   = {{(8 - ReplyLog2) {1'b0}}, last_slot_q};
        push_opcode_o = ncx_pkg::ReplyBit | {4'd0, last_op_q};
        push_len_o    = last_len_q;
        if (!q_full_i) begin
          // rw_from_q still holds the cached RESEND's from: only a RESEND's EXEC sets
          // it, and every such RESEND is acknowledged (and cached).
          rw_ptr_d  = h_head_q;
          if (last_resend_q) begin
            state_d = StWalk;
          end else begin
            state_d = StAck;
          end
        end
      end

      // A timestep: its inputs into the core (clear, then one index a cycle).
      TsStage: begin
        in_clear_o = cnt_q == 32'd0;
        in_set_o   = cnt_q != 32'd0;
        in_index_o = 10'(il_rdata);
        if (cnt_q == {22'd0, head_len}) begin
          state_d = TsStart;
        end
      end

      TsStart: begin
        start_o = 1'b1;
        state_d = TsRun;
      end

      TsRun: begin
        cnt_d = 32'd0;
        if (done_i) begin
          state_d = TsSlot;
        end
      end

      TsSlot: begin
        cnt_d     = 32'd0;
        w_slot_d  = h_next;
        ob_begin  = 1'b1;
        if (!hist_busy_i[h_next]) begin
          state_d = TsBuild;
        end
      end

      // The output payload (docs/protocol.md §10), one byte a cycle: byte cnt_q.
      TsBuild: begin
        ob_build     = 1'b1;
        hist_we_o    = 1'b1;
        hist_wdata_o = ob_byte;
        if (ob_req) begin
          bus_req_o    = 1'b1;
          bus_region_o = RegionState;
        end
        if (ob_last) begin
          state_d = TsPush;
        end
      end

      // Queue the output frame (cnt_q bytes: its count is held), keep it, and retire the
      // timestep.
      TsPush: begin
        cnt_d         = cnt_q;
        push_o        = 1'b1;
        push_hist_o   = 1'b1;
        push_slot_o   = {{(8 - HistIdxWidth) {1'b0}}, w_slot_q};
        push_opcode_o = ncx_pkg::OutputOpcode;
        push_seq_o    = ts8;
        push_len_o    = cnt11;
        if (!q_full_i) begin
          h_t_d[w_slot_q*32 +: 32]   = ob_ts;
          h_len_d[w_slot_q*11 +: 11] = cnt11;
          if (h_room) begin
            h_count_d = h_count_q + 9'd1;
          end else if (OutputHistory > 0) begin
            h_head_d = (h_head_q == HistLast) ? '0 : h_head_q + 1'b1;
          end
          outputs_d = outputs_inc;
          retire_go = 1'b1;
          state_d   = StIdle;
        end
      end

      default: begin
        state_d = StIdle;
      end
    endcase

    // Every state counts its cycles from 0, but TsPush keeps TsBuild's count.
    if (state_d != state_q && state_d != TsPush) begin
      cnt_d = 32'd0;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q       <= StIdle;
      bus_offset_q  <= '0;
      cnt_r         <= '0;
      p_q           <= '0;
      slot_q        <= '0;
      rr_q          <= '0;
      rep_src_q     <= RsShort;
      rep_q         <= '0;
      rep_len_q     <= '0;
      nak_q         <= 1'b0;
      last_valid_q  <= 1'b0;
      last_seq_q    <= '0;
      last_op_q     <= '0;
      last_crc_q    <= '0;
      last_slot_q   <= '0;
      last_len_q    <= '0;
      last_resend_q <= 1'b0;
      bad_q         <= 1'b0;
      prev_q        <= '0;
      j_q           <= '0;
      pr_count_q    <= '0;
      h_head_q      <= '0;
      h_count_q     <= '0;
      h_t_q         <= '0;
      h_len_q       <= '0;
      outputs_q     <= '0;
      w_slot_q      <= '0;
      rw_ptr_q      <= '0;
      rw_from_q     <= '0;
      rw_count_q    <= '0;
      rs_region_q   <= '0;
      rs_j_q        <= '0;
      ts_carry_q    <= 1'b0;
      ts_ne_q       <= 1'b0;
    end else begin
      state_q       <= state_d;
      bus_offset_q  <= bus_offset_d;
      cnt_r         <= cnt_d[CntW-1:0];
      p_q           <= p_d;
      slot_q        <= slot_d;
      rr_q          <= rr_d;
      rep_src_q     <= rep_src_d;
      rep_q         <= rep_d;
      rep_len_q     <= rep_len_d;
      nak_q         <= nak_d;
      last_valid_q  <= last_valid_d;
      last_seq_q    <= last_seq_d;
      last_op_q     <= last_op_d;
      last_crc_q    <= last_crc_d;
      last_slot_q   <= last_slot_d;
      last_len_q    <= last_len_d;
      last_resend_q <= last_resend_d;
      bad_q         <= bad_d;
      prev_q        <= prev_d;
      j_q           <= j_d;
      pr_count_q    <= pr_count_d;
      h_head_q      <= h_head_d;
      h_count_q     <= (OutputHistory > 0) ? h_count_d : '0;  // nothing kept
      h_t_q         <= h_t_d;
      h_len_q       <= h_len_d;
      outputs_q     <= outputs_d;
      w_slot_q      <= w_slot_d;
      rw_ptr_q      <= rw_ptr_d;
      rw_from_q     <= rw_from_d;
      rw_count_q    <= rw_count_d;
      rs_region_q   <= rs_region_d;
      rs_j_q        <= rs_j_d;
      ts_carry_q    <= ts_carry_d;
      ts_ne_q       <= ts_ne_d;
    end
  end

  assign bus_offset_o = 32'(bus_offset_q);
  assign rep_slot_o  = slot_q;
  assign hist_slot_o = w_slot_q;

  // The high bits of the counter and of the region's last offset, the spikes beyond N, the
  // high bits of the wrapped slot number and list positions.
  logic unused_ctrl;
  assign unused_ctrl = ^{cnt_d[31:CntW], rs_size, rs_end[31:CntW], spikes_i, h_wrapped, il_k, sc_idx,
                       probe_base,
                       nwr_index_i};

endmodule
