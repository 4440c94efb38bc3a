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
//      copied into the next free input slot; PROBE: indices < N, into a staging list);
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
// Parameters
//   NeuronsLog2, InputsLog2  the core's geometry (N = 2^NeuronsLog2, M = 2^InputsLog2)
//   ClockHz, BaudDivisor     reported by HELLO
//   BuildId                  HELLO's build id: byte k is BuildId[8k +: 8]
//   InputSlots               timesteps of input buffered (>= 1), HELLO's input_slots
//   OutputHistory            output frames kept for RESEND, HELLO's output_history
//   ReplyLog2, HistIdxWidth, HistBytesLog2  transmit queue geometry (ncx_tx_queue)
//
// Ports
//   clk_i, rst_ni        clock; asynchronous active-low reset: power-on (idle, no run,
//                          no probes, no kept frames, no cached reply)
//   frame_*, opcode_i,   ncx_frame_rx's held frame, its payload read port and counters
//   seq_i, len_i, crc_i,
//   pay_*, rx_*
//   bus_*, in_*, start_o, reset_state_o, busy_i, done_i, timestep_i, overruns_i,
//   spikes_i             ncx_core's region port, staged inputs and control
//   nwr_valid_i,         ncx_core's neuron-write tap (a neuron written, and whether it
//   nwr_fired_i            fired)
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
  parameter int          HistBytesLog2 = 8
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
  localparam int Slots   = (InputSlots > 0) ? InputSlots : 1;
  localparam int SlotW   = (Slots > 1) ? $clog2(Slots) : 1;
  localparam int CountW  = SlotW + 1;                   // 0..Slots
  localparam int Hist    = (OutputHistory > 0) ? OutputHistory : 1;

  // The state-cycle counter's width: every state counts to at most a region's size (CRC,
  // RESET), 1023 (payload and reply bytes; with cnt_inc's 1024, 11 bits) or N + M + 1 (the
  // state reset's wait).
  localparam int MaxRegion = (N * M > N * N) ? N * M : N * N;  // >= 17 N, 9 N, M + 2 N
  localparam int MaxCount  = (MaxRegion > 17 * N) ? MaxRegion : 17 * N;
  // Region checks: offsets and CRC lengths in RegB bits (every region size < 2^RegB), and
  // offset + length in EndW bits (a WRITE's data length < 2^11; READ's, when checked, < 2^10).
  localparam int RegB      = $clog2(MaxCount + 1);
  localparam int EndW      = ((RegB > 11) ? RegB : 11) + 1;
  localparam int CntW      = ($clog2(MaxCount + 1) > 11) ? $clog2(MaxCount + 1) : 11;

  // p_q: payload bytes 0..8 in bits 71:0, a PROBE's staged list in bits 8 +: 16 NeuronsLog2.
  localparam int          PW         = (8 + 16 * NeuronsLog2 > 72) ? 8 + 16 * NeuronsLog2 : 72;
  localparam logic [PW-1:0] PHigh    = ~PW'({72 {1'b1}});                   // above byte 8
  localparam logic [PW-1:0] PStage   = PW'({(16 * NeuronsLog2) {1'b1}}) << 8;  // the list

  localparam int          NBytesI    = N / 8;           // bitmap bytes
  // The builder's byte within a phase: header 0..4, bitmap 0..N/8-1, probe 0..9 (in the
  // list it only alternates).
  localparam int          ObIW       = ($clog2(NBytesI) > 4) ? $clog2(NBytesI) : 4;
  localparam int          HistM1I    = Hist - 1;
  localparam int          SlotsM1I   = Slots - 1;
  localparam logic [8:0]  HistKeep   = OutputHistory[8:0];
  localparam logic [8:0]  Hist9      = Hist[8:0];
  localparam logic [10:0] NBytes11   = NBytesI[10:0];
  localparam logic [ObIW-1:0] NBytesM1 = ObIW'(NBytesI - 1);
  // A list (2 + 2 fired bytes) can be shorter than the bitmap only if N / 8 > 2.
  localparam bit          ListFits   = NBytesI > 2;
  localparam logic [HistIdxWidth-1:0] HistLast  = HistM1I[HistIdxWidth-1:0];
  localparam logic [SlotW-1:0]        SlotsLast = SlotsM1I[SlotW-1:0];
  localparam logic [CountW-1:0]       SlotsCount = Slots[CountW-1:0];

  // Region sizes (docs/protocol.md §9).
  localparam int          SizeWInI     = N * M;
  localparam int          SizeWRecI    = N * N;
  localparam int          SizeEInI     = N * M / 8;
  localparam int          SizeERecI    = N * N / 8;
  localparam int          SizeNeuronsI = 17 * N;
  localparam int          SizeStateI   = 9 * N;
  localparam int          SizeTracesI  = M + 2 * N;
  localparam logic [33:0] SizeConfig   = 34'd18;
  localparam logic [33:0] SizeWIn      = {2'b00, SizeWInI[31:0]};
  localparam logic [33:0] SizeWRec     = {2'b00, SizeWRecI[31:0]};
  localparam logic [33:0] SizeEIn      = {2'b00, SizeEInI[31:0]};
  localparam logic [33:0] SizeERec     = {2'b00, SizeERecI[31:0]};
  localparam logic [33:0] SizeNeurons  = {2'b00, SizeNeuronsI[31:0]};
  localparam logic [33:0] SizeState    = {2'b00, SizeStateI[31:0]};
  localparam logic [33:0] SizeTraces   = {2'b00, SizeTracesI[31:0]};

  // HELLO's 60 data bytes (byte 0 in bits 7:0).
  localparam logic [7:0] B1 = 8'd1;
  localparam logic [7:0] B0 = 8'd0;
  localparam logic [239:0] Widths = {
    B0, 8'd32,  B0, 8'd8,  B0, 8'd4,  B0, 8'd8,  B0, 8'd4,   // period .. weight_shift
    B0, 8'd8,   B0, 8'd8,  B0, 8'd12,                         // trace, refractory, decay
    B1, 8'd24,  B1, 8'd24, B1, 8'd24, B1, 8'd20,              // bias, reset, θ, acc
    B1, 8'd24,  B1, 8'd24, B1, 8'd8                            // i, v, weight
  };
  localparam int          NI  = N;
  localparam int          MI  = M;
  localparam logic [15:0] N16 = NI[15:0];
  localparam logic [15:0] M16 = MI[15:0];
  localparam logic [7:0]  SlotsByte = InputSlots[7:0];
  localparam logic [7:0]  HistByte  = OutputHistory[7:0];
  localparam logic [479:0] HelloData = {
    HistByte, SlotsByte, 16'd1024, ncx_pkg::FeatureStdp | ncx_pkg::FeaturePacing,
    BuildId, BaudDivisor, ClockHz, Widths, M16, N16, ncx_pkg::ProtocolMinor,
    ncx_pkg::ProtocolMajor
  };

  localparam logic [7:0] StOk       = 8'h00;
  localparam logic [7:0] StUnknown  = 8'h01;
  localparam logic [7:0] StBadLen   = 8'h02;
  localparam logic [7:0] StBadReg   = 8'h03;
  localparam logic [7:0] StBadRange = 8'h04;
  localparam logic [7:0] StBadValue = 8'h05;
  localparam logic [7:0] StBusy     = 8'h06;
  localparam logic [7:0] StNotRun   = 8'h07;
  localparam logic [7:0] StNoCredit = 8'h08;
  localparam logic [7:0] StBadTs    = 8'h09;

  localparam logic [7:0] OpHello  = 8'h01;
  localparam logic [7:0] OpReset  = 8'h02;
  localparam logic [7:0] OpWrite  = 8'h03;
  localparam logic [7:0] OpRead   = 8'h04;
  localparam logic [7:0] OpCrc    = 8'h05;
  localparam logic [7:0] OpRun    = 8'h06;
  localparam logic [7:0] OpStop   = 8'h07;
  localparam logic [7:0] OpInput  = 8'h08;
  localparam logic [7:0] OpProbe  = 8'h09;
  localparam logic [7:0] OpStatus = 8'h0A;
  localparam logic [7:0] OpResend = 8'h0B;

  typedef enum logic [4:0] {
    StIdle, StSlot, StLoad, StDecide, StValidate, StScan, StExec, StReset, StResetWait,
    StWrite, StRead, StCrc, StCount, StReply, StPush, StWalk, StAck, StDup,
    TsStage, TsStart, TsRun, TsSlot, TsBuild, TsPush
  } state_e;

  // Where the reply payload's bytes come from: a short reply (status and up to 6 bytes,
  // rep_q, written low byte first), the same with bytes 1..4 the core's timestep (STATUS's
  // bytes 2..5), or byte cnt_q of HELLO's constant reply or of STATUS's (its values do not
  // change while the command runs: the core is idle and the decoder holds the frame).
  typedef enum logic [1:0] {
    RsShort, RsTime, RsHello, RsStatus
  } rep_src_e;

  // Output frame builder phases.
  typedef enum logic [2:0] {
    ObHeader, ObCount, ObList, ObBitmap, ObProbeCount, ObProbes
  } ob_e;

  ///////////////
  // Registers //
  ///////////////

  state_e                   state_d, state_q;
  logic [31:0]              cnt_d, cnt_q;          // cycle within the state (< 2^CntW)
  logic [CntW-1:0]          cnt_r;                 // its register
  assign cnt_q = {{(32 - CntW) {1'b0}}, cnt_r};
  logic [CntW-1:0]          cnt_inc;               // cnt_r + 1
  assign cnt_inc = cnt_r + 1'b1;
  logic [PW-1:0]            p_d, p_q;              // payload bytes 0..8; a PROBE's list
  logic [ReplyLog2-1:0]     slot_d, slot_q, rr_d, rr_q;
  rep_src_e                 rep_src_d, rep_src_q;  // where the reply's bytes come from
  logic [55:0]              rep_d, rep_q;          // a short reply's bytes still to write
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
  // Run.
  logic                     running_d, running_q;
  logic [31:0]              steps_left_d, steps_left_q;
  logic [SlotW-1:0]         sl_head_d, sl_head_q;
  logic [CountW-1:0]        sl_count_d, sl_count_q;  // timesteps of input buffered
  logic [Slots*10-1:0]      sl_len_d, sl_len_q;    // indices in each input slot
  // Probes.
  logic [4:0]               pr_count_d, pr_count_q;
  // The probed neurons, newest first: a PROBE's SCAN shifts each index into tmp_n at
  // entry 0, EXEC copies the list to pr_n, so probe k of pr_count is entry pr_count-1-k.
  // NeuronsLog2 bits an entry (an index >= N is NAKed, and its list not copied). tmp_n is
  // p_q[8 +: 16 NeuronsLog2]: after DECIDE, a PROBE needs only its count, payload byte 0.
  logic [16*NeuronsLog2-1:0] pr_n_d, pr_n_q, tmp_n;
  // Kept output frames: the oldest at h_head_q, h_count_q of them.
  logic [HistIdxWidth-1:0]  h_head_d, h_head_q;
  logic [8:0]               h_count_d, h_count_q;
  logic [Hist*32-1:0]       h_t_d, h_t_q;
  logic [Hist*11-1:0]       h_len_d, h_len_q;
  logic [31:0]              outputs_d, outputs_q;
  // Timestep and output frame.
  logic [31:0]              ts_d, ts_q;
  logic [10:0]              fired_d, fired_q;
  logic [N-1:0]             sp_d, sp_q;
  logic [HistIdxWidth-1:0]  w_slot_d, w_slot_q;
  ob_e                      ob_ph_d, ob_ph_q;
  logic [ObIW-1:0]          ob_i_d, ob_i_q;          // byte within the phase
  logic [3:0]               ob_k_d, ob_k_q;          // probe entry, counting down
  // RESEND walks and RESET writes.
  logic [HistIdxWidth-1:0]  rw_ptr_d, rw_ptr_q;
  logic [31:0]              rw_from_d, rw_from_q;
  logic [8:0]               rw_count_d, rw_count_q;  // <= OutputHistory
  logic [2:0]               rs_region_d, rs_region_q;
  logic [4:0]               rs_j_d, rs_j_q;
  logic [31:0]              crc_d, crc_q;

  ///////////////////////////////
  // Fields of the fixed part  //
  ///////////////////////////////

  logic [7:0]  f_region;
  logic [31:0] f_offset, f_u32_at0, f_u32_at5;
  logic [15:0] f_u16_at0, f_u16_at4, f_u16_at5;
  assign f_region  = p_q[7:0];
  assign f_offset  = p_q[39:8];
  assign f_u32_at0 = p_q[31:0];
  assign f_u32_at5 = p_q[71:40];
  assign f_u16_at0 = p_q[15:0];
  assign f_u16_at4 = p_q[47:32];
  assign f_u16_at5 = p_q[55:40];


  // Constant selects as wires (Icarus 11 supports none inside always_* processes).
  logic [2:0]               f_region3;
  logic [31:0]              region_size32;
  logic [PW-1:0]            p_shifted, p_staged;
  logic [9:0]               cnt10;
  logic [10:0]              cnt_inc11;
  logic [8:0]               cnt9;
  logic [5:0]               cnt6;
  logic [55:0]              rep_shifted, rep_ts_in;
  logic [47:0]              rep_hi;
  logic [9:0]               input_count10;
  logic [4:0]               probe_count5;
  logic [7:0]               ts8;
  logic [2:0]               ob_i3;
  logic                     ob_i1;
  logic [7:0]               sp_byte;
  logic [N-1:0]             spikes_n;
  logic [1:0]               pay_low2;
  logic [HistBytesLog2-1:0] cnt_h;
  logic [10:0]              cnt11;
  assign f_region3     = f_region[2:0];
  assign region_size32 = region_size[31:0];
  assign p_shifted     = (p_q & PHigh) | PW'({pay_rdata_i, p_q[71:8]});
  assign tmp_n         = p_q[8 +: 16*NeuronsLog2];
  assign cnt10         = cnt_q[9:0];
  assign cnt_inc11     = cnt_inc[10:0];
  assign cnt9          = cnt_q[8:0];
  assign cnt6          = cnt_q[5:0];
  assign rep_shifted   = {8'd0, rep_q[55:8]};
  assign rep_ts_in     = {8'd0, rep_q[55:48], ts_sum8, rep_q[39:8]};
  assign rep_hi        = rep_q[55:8];
  assign input_count10 = f_u16_at4[9:0];
  assign probe_count5  = f_u16_at0[4:0];
  assign ts8           = ts_q[7:0];
  assign ob_i3         = ob_i_q[2:0];
  assign ob_i1         = ob_i_q[0];
  assign sp_byte       = sp_q[7:0];
  assign spikes_n      = spikes_i[N-1:0];
  assign pay_low2      = pay_rdata_i[1:0];
  assign cnt_h         = cnt_q[HistBytesLog2-1:0];
  assign cnt11         = cnt_q[10:0];

  function automatic logic [33:0] size_of(input logic [2:0] region);
    unique case (region)
      3'd0:    size_of = SizeConfig;
      3'd1:    size_of = SizeWIn;
      3'd2:    size_of = SizeWRec;
      3'd3:    size_of = SizeEIn;
      3'd4:    size_of = SizeERec;
      3'd5:    size_of = SizeNeurons;
      3'd6:    size_of = SizeState;
      default: size_of = SizeTraces;
    endcase
  endfunction

  logic [33:0] region_size;
  assign region_size = size_of(f_region3);

  logic [10:0] len_m5;  // WRITE data bytes
  assign len_m5 = len_i - 11'd5;
  // [offset, offset + length) inside the region, in EndW bits: an offset or CRC length of
  // 2^RegB or more is outside. One adder serves the length of WRITE, READ (<= 1023 where
  // READ uses it) or CRC, as opcode_i selects.
  logic [RegB-1:0] off_n, clen_n;
  logic [9:0]      read_len10;
  logic [EndW-1:0] size_n, span_n, end_n;
  logic            off_fits, clen_fits, in_region;
  assign off_n      = f_offset[RegB-1:0];
  assign clen_n     = f_u32_at5[RegB-1:0];
  assign read_len10 = f_u16_at5[9:0];
  assign off_fits   = (f_offset >> RegB) == 32'd0;
  assign clen_fits  = (f_u32_at5 >> RegB) == 32'd0;
  assign size_n     = region_size[EndW-1:0];
  assign span_n     = (opcode_i == OpWrite) ? EndW'(len_m5) :
                      (opcode_i == OpRead)  ? EndW'(read_len10) : EndW'(clen_n);
  assign end_n      = EndW'(off_n) + span_n;
  assign in_region  = off_fits && (end_n <= size_n);

  // Whole records: x is a multiple of 17 (or 9), by its alternating digit sum in base 16
  // (or 8), as 16 = -1 (mod 17) and 8 = -1 (mod 9), instead of dividing, so that no
  // multiplier is spent on it. Only offset and length bits W17-1:0 (NEURONS) or W9-1:0
  // (STATE) enter the tests: where the range check passes, both are at most the region's
  // size, 17 N or 9 N, so the bits above are 0; where it fails, the record test does not
  // matter. x is a multiple when the sums p and q of its even and odd digits differ by a
  // multiple: 0, or +-17 (+-9) where the digits that x's width allows can reach it.
  localparam int W17    = NeuronsLog2 + 5;  // 17 N < 2^W17
  localparam int W9     = NeuronsLog2 + 4;  // 9 N < 2^W9
  localparam int Hex2   = (W17 >= 12) ? 15 : 2 ** (W17 - 8) - 1;  // the largest digit 2
  localparam int Hex3   = (W17 > 12) ? 2 ** (W17 - 12) - 1 : 0;   // digit 3
  localparam int Oct2   = (W9 >= 9) ? 7 : 2 ** (W9 - 6) - 1;
  localparam int Oct3   = (W9 >= 12) ? 7 : (W9 > 9) ? 2 ** (W9 - 9) - 1 : 0;
  localparam int Oct4   = (W9 > 12) ? 2 ** (W9 - 12) - 1 : 0;
  localparam bit P17    = 15 + Hex2 >= 17;         // p - q can be 17
  localparam bit Q17    = 15 + Hex3 >= 17;         // q - p can be 17
  localparam bit P9     = 7 + Oct2 + Oct4 >= 9;
  localparam bit Q9     = 7 + Oct3 >= 9;
  localparam logic [14:0] Mask17 = 15'((32'd1 << W17) - 32'd1);
  localparam logic [14:0] Mask9  = 15'((32'd1 << W9) - 32'd1);

  function automatic logic mult17(input logic [14:0] x);
    logic [5:0] p, q;  // <= 30, <= 22
    p      = {2'b00, x[3:0]} + {2'b00, x[11:8]};
    q      = (Hex3 > 0) ? {2'b00, x[7:4]} + {3'b000, x[14:12]} : {2'b00, x[7:4]};
    mult17 = (p == q) || (P17 && (p == q + 6'd17)) || (Q17 && (q == p + 6'd17));
  endfunction

  function automatic logic mult9(input logic [14:0] x);
    logic [5:0] p, q;  // <= 17, <= 14
    p     = (Oct4 > 0) ? {3'b000, x[2:0]} + {3'b000, x[8:6]} + {3'b000, x[14:12]}
                       : {3'b000, x[2:0]} + {3'b000, x[8:6]};
    q     = (Oct3 > 0) ? {3'b000, x[5:3]} + {3'b000, x[11:9]} : {3'b000, x[5:3]};
    mult9 = (p == q) || (P9 && (p == q + 6'd9)) || (Q9 && (q == p + 6'd9));
  endfunction

  logic [14:0] off15, dlen15, off17, dlen17, off9, dlen9;
  logic        whole17, whole9, w_records;
  assign off15   = f_offset[14:0];
  assign dlen15  = {4'd0, len_m5};
  assign off17   = off15 & Mask17;
  assign dlen17  = dlen15 & Mask17;
  assign off9    = off15 & Mask9;
  assign dlen9   = dlen15 & Mask9;
  assign whole17 = mult17(off17) && mult17(dlen17);
  assign whole9  = mult9(off9) && mult9(dlen9);
  always_comb begin
    unique case (f_region3)
      3'd0:    w_records = (f_offset == 32'd0) && (len_m5 == 11'd18);
      3'd5:    w_records = whole17;
      3'd6:    w_records = whole9;
      default: w_records = 1'b1;
    endcase
  end

  logic w_has_records;  // CONFIG, NEURONS, STATE
  assign w_has_records = (f_region == 8'd0) || (f_region == 8'd5) || (f_region == 8'd6);

  // INPUT's and PROBE's expected length: sc_base + 2 count, 6 + 2 count (count at payload
  // 4) or 2 + 2 count (count at payload 0). Where it is checked, len_i >= sc_base, so the
  // length matches when len_i - sc_base (sc_bytes, the list's bytes) is 2 count.
  logic [31:0] sc_base, sc_bytes, list_len;
  logic [15:0] list_count;
  logic        list_match;
  assign sc_base    = (opcode_i == OpInput) ? 32'd6 : 32'd2;
  assign sc_bytes   = {21'd0, len_i - sc_base[10:0]};
  assign list_count = (opcode_i == OpInput) ? f_u16_at4 : f_u16_at0;
  assign list_len   = sc_base + {15'd0, list_count, 1'b0};
  assign list_match = {1'b0, list_count, 1'b0} == sc_bytes[17:0];

  logic known;  // OpHello .. OpResend
  assign known = (opcode_i[7:4] == 4'd0) && (opcode_i[3:0] != 4'd0) && (opcode_i[3:0] <= 4'd11);

  logic [7:0] reply_op;
  logic [3:0] opcode4;
  assign opcode4  = opcode_i[3:0];
  assign reply_op = known ? (opcode_i | ncx_pkg::ReplyBit) : ncx_pkg::ReplyBit;

  // Comparisons with constants as bit tests (a comparator would cost a carry chain).
  logic len_lt2, len_lt6, region_le1, region_le7, read_le1023, probes_le16;
  assign len_lt2     = len_i[10:1] == 10'd0;
  assign len_lt6     = (len_i[10:3] == 8'd0) && (len_i[2:1] != 2'b11);
  assign region_le1  = f_region[7:1] == 7'd0;
  assign region_le7  = f_region[7:3] == 5'd0;
  assign read_le1023 = f_u16_at5[15:10] == 6'd0;
  assign probes_le16 = (f_u16_at0[15:5] == 11'd0) && !(f_u16_at0[4] && (f_u16_at0[3:0] != 4'd0));

  // RUN's steps (payload 0..3).
  logic              steps_hi0, steps_zero;
  logic [CountW-1:0] steps_low;
  assign steps_low  = f_u32_at0[CountW-1:0];
  assign steps_hi0  = (f_u32_at0 >> CountW) == 32'd0;
  assign steps_zero = steps_hi0 && (steps_low == '0);

  logic dup;
  assign dup = last_valid_q && (seq_i == last_seq_q) && (crc_i == last_crc_q);

  // The checks the frame alone decides, before any pass (§7 order).
  logic        chk_nak;
  logic [7:0]  chk_status;
  logic [31:0] chk_detail;
  logic        chk_pass;  // a payload pass follows (VALIDATE or SCAN)
  always_comb begin
    chk_nak    = 1'b0;
    chk_status = StOk;
    chk_detail = 32'd0;
    chk_pass   = 1'b0;
    unique case (opcode_i)
      OpHello, OpStop, OpStatus: begin
        if (len_i != 11'd0) begin
          chk_nak = 1'b1; chk_status = StBadLen; chk_detail = 32'd0;
        end
      end
      OpReset: begin
        if (len_i != 11'd1) begin
          chk_nak = 1'b1; chk_status = StBadLen; chk_detail = 32'd1;
        end else if (!region_le1) begin
          chk_nak = 1'b1; chk_status = StBadValue; chk_detail = 32'd0;
        end
      end
      OpWrite: begin
        if (len_lt6) begin
          chk_nak = 1'b1; chk_status = StBadLen; chk_detail = 32'd6;
        end else if (!region_le7) begin
          chk_nak = 1'b1; chk_status = StBadReg; chk_detail = {24'd0, f_region};
        end else if (!in_region || !w_records) begin
          chk_nak = 1'b1; chk_status = StBadRange; chk_detail = region_size32;
        end else begin
          chk_pass = w_has_records;
        end
      end
      OpRead: begin
        if (len_i != 11'd7) begin
          chk_nak = 1'b1; chk_status = StBadLen; chk_detail = 32'd7;
        end else if (!region_le7) begin
          chk_nak = 1'b1; chk_status = StBadReg; chk_detail = {24'd0, f_region};
        end else if (f_u16_at5 == 16'd0 || !read_le1023) begin
          chk_nak = 1'b1; chk_status = StBadValue; chk_detail = 32'd5;
        end else if (!in_region) begin
          chk_nak = 1'b1; chk_status = StBadRange; chk_detail = region_size32;
        end
      end
      OpCrc: begin
        if (len_i != 11'd9) begin
          chk_nak = 1'b1; chk_status = StBadLen; chk_detail = 32'd9;
        end else if (!region_le7) begin
          chk_nak = 1'b1; chk_status = StBadReg; chk_detail = {24'd0, f_region};
        end else if (!clen_fits || !in_region) begin
          chk_nak = 1'b1; chk_status = StBadRange; chk_detail = region_size32;
        end
      end
      OpRun: begin
        if (len_i != 11'd4) begin
          chk_nak = 1'b1; chk_status = StBadLen; chk_detail = 32'd4;
        end else if (steps_zero) begin
          chk_nak = 1'b1; chk_status = StBadValue; chk_detail = 32'd0;
        end
      end
      OpInput: begin
        if (len_lt6) begin
          chk_nak = 1'b1; chk_status = StBadLen; chk_detail = 32'd6;
        end else if (!list_match) begin
          chk_nak = 1'b1; chk_status = StBadLen; chk_detail = list_len;
        end else begin
          chk_pass = 1'b1;
        end
      end
      OpProbe: begin
        if (len_lt2) begin
          chk_nak = 1'b1; chk_status = StBadLen; chk_detail = 32'd2;
        end else if (!list_match) begin
          chk_nak = 1'b1; chk_status = StBadLen; chk_detail = list_len;
        end else if (!probes_le16) begin
          chk_nak = 1'b1; chk_status = StBadValue; chk_detail = 32'd0;
        end else begin
          chk_pass = 1'b1;
        end
      end
      OpResend: begin
        if (len_i != 11'd4) begin
          chk_nak = 1'b1; chk_status = StBadLen; chk_detail = 32'd4;
        end
      end
      default: begin
        chk_nak = 1'b1; chk_status = StUnknown; chk_detail = {24'd0, opcode_i};
      end
    endcase
  end

  /////////////////////
  // Run and credits //
  /////////////////////

  // Credits (docs/protocol.md §8: min(free slots, steps not yet supplied)). While running,
  // buffered <= Slots and buffered <= left hold (RUN starts at 0 buffered and >= 1 left,
  // an INPUT is taken only with a credit, a timestep retires one of each), so the credits
  // are min(Slots, left) - buffered, and an INPUT leaves one fewer. Slots <= 255.
  // A count given as its bits CountW-1:0 and whether the bits above are 0 (each count has
  // one such test, shared with its other comparisons).
  function automatic logic [CountW-1:0] slots_or(input logic hi_zero, input logic [CountW-1:0] low);
    logic lt_slots;  // < Slots (< 2^CountW)
    lt_slots = hi_zero && (low < SlotsCount);
    slots_or = lt_slots ? low : SlotsCount;
  endfunction

  logic              left_hi0, left_one;  // steps_left_q >> CountW is 0; steps_left_q is 1
  logic [CountW-1:0] left_low;
  assign left_low = steps_left_q[CountW-1:0];
  assign left_hi0 = (steps_left_q >> CountW) == 32'd0;
  assign left_one = left_hi0 && (left_low == CountW'(1));

  logic [CountW-1:0] credit_n, credit_m1;
  logic [15:0]       credits;
  logic [15:0]       run_credits;  // RUN's: min(Slots, steps)
  assign credit_n    = slots_or(left_hi0, left_low) - sl_count_q;
  assign credit_m1   = credit_n - 1'b1;
  assign credits     = running_q ? {{(16 - CountW) {1'b0}}, credit_n} : 16'd0;
  assign run_credits = {{(16 - CountW) {1'b0}}, slots_or(steps_hi0, steps_low)};

  logic [SlotW-1:0]  sl_tail;
  logic [CountW-1:0] head_plus, tail_wrapped;  // head + buffered < 2 Slots
  assign head_plus    = {1'b0, sl_head_q} + sl_count_q;
  assign tail_wrapped = (head_plus >= SlotsCount) ? head_plus - SlotsCount : head_plus;
  assign sl_tail      = tail_wrapped[SlotW-1:0];

  // The input slots' lengths with INPUT's count in slot sl_tail.
  logic [Slots*10-1:0] sl_len_in;
  for (genvar k = 0; k < Slots; k++) begin : gen_sl_len
    assign sl_len_in[k*10 +: 10] = (sl_tail == SlotW'(k)) ? input_count10 : sl_len_q[k*10 +: 10];
  end

  logic [9:0] head_len;  // indices of the next timestep
  assign head_len = sl_len_q[sl_head_q*10 +: 10];

  logic ts_ready;
  assign ts_ready = running_q && (sl_count_q != '0);

  ////////////////////
  // STATUS's bytes //
  ////////////////////

  logic [279:0] status_data;  // 35 bytes
  assign status_data = {outputs_q, rx_discarded_i, rx_crc_errors_i, rx_header_errors_i, rx_frames_i,
                        overruns_i, credits, running_q ? steps_left_q : 32'd0, timestep_i,
                        7'd0, running_q};

  ///////////////////
  // Reply bytes   //
  ///////////////////

  // Byte cnt_q of the reply payload (status byte first), padded to 64 bytes. The STATUS
  // bytes are also read one byte on (sidx): a timestep reply's bytes 1..4 (RsTime), and
  // LOAD's cycles 1..4 (below).
  localparam logic [511:0] HelloReply = {24'd0, HelloData, StOk};
  logic [511:0] status_reply;
  logic [5:0]   sidx;
  logic         time_byte;  // bytes 1..4 of an RsTime reply
  logic [7:0]   hello_byte, status_byte, rep_byte;
  assign status_reply = {224'd0, status_data, StOk};
  assign sidx         = cnt6 + {5'd0, rep_src_q != RsStatus};
  assign time_byte    = (rep_src_q == RsTime) && (cnt6 != 6'd0) && (cnt6 <= 6'd4);
  assign hello_byte   = HelloReply[cnt6*8 +: 8];
  assign status_byte  = status_reply[sidx*8 +: 8];
  assign rep_byte     = (rep_src_q == RsHello)               ? hello_byte  :
                        (rep_src_q == RsStatus || time_byte) ? status_byte : rep_q[7:0];

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
  assign ts_phase   = (state_q == StLoad) && (cnt6 != 6'd0) && (cnt6 <= 6'd4);
  assign ts_first   = cnt6 == 6'd1;
  assign ts_add     = ts_first ? 8'(sl_count_q) : {7'd0, ts_carry_q};
  assign ts_sum     = {1'b0, status_byte} + {1'b0, ts_add};
  assign ts_sum8    = ts_sum[7:0];
  assign ts_carry_d = ts_sum[8];
  assign ts_ne_d    = !ts_phase ? ts_ne_q : ((ts_ne_q && !ts_first) || (ts_sum8 != pay_rdata_i));

  /////////////////////////////////
  // Validation of WRITE records //
  /////////////////////////////////

  logic [7:0] vbyte;
  logic [3:0] vbyte_hi;
  logic       prev_sign;
  logic       vbyte_le1;
  logic       vbad;  // byte vbyte at record byte j_q (after prev_q) is bad
  assign vbyte     = pay_rdata_i;
  assign vbyte_hi  = vbyte[7:4];
  assign prev_sign = prev_q[7];
  assign vbyte_le1 = vbyte[7:1] == 7'd0;
  always_comb begin
    vbad = 1'b0;
    unique case (f_region3)
      3'd0: begin
        unique case (j_q)
          5'd4, 5'd8:    vbad = vbyte_hi != 4'd0;  // > 15
          5'd5, 5'd11:   vbad = !vbyte_le1;
          5'd10:         vbad = $signed(vbyte) < $signed(prev_q);
          5'd13, 5'd15:  vbad = vbyte_hi != 4'd0;
          default:       vbad = 1'b0;
        endcase
      end
      3'd5: begin
        unique case (j_q)
          5'd3, 5'd7, 5'd11: vbad = vbyte != {8{prev_sign}};
          5'd13, 5'd15:      vbad = vbyte_hi != 4'd0;
          default:           vbad = 1'b0;
        endcase
      end
      3'd6: begin
        unique case (j_q)
          5'd3, 5'd7: vbad = vbyte != {8{prev_sign}};
          default:    vbad = 1'b0;
        endcase
      end
      default: vbad = 1'b0;
    endcase
  end

  logic [4:0] rec_last;  // the record's last byte index
  always_comb begin
    unique case (f_region3)
      3'd0:    rec_last = 5'd17;
      3'd5:    rec_last = 5'd16;
      default: rec_last = 5'd8;
    endcase
  end

  ///////////////////////////
  // RESET scope 1: bytes  //
  ///////////////////////////

  logic [CntW-1:0] rs_last;  // the last byte of region rs_region_q (< MaxCount)
  always_comb begin
    unique case (rs_region_q)
      3'd0:    rs_last = CntW'(SizeConfig - 34'd1);
      3'd1:    rs_last = CntW'(SizeWIn - 34'd1);
      3'd2:    rs_last = CntW'(SizeWRec - 34'd1);
      3'd3:    rs_last = CntW'(SizeEIn - 34'd1);
      3'd4:    rs_last = CntW'(SizeERec - 34'd1);
      default: rs_last = CntW'(SizeNeurons - 34'd1);
    endcase
  end

  logic [7:0] rs_byte;  // the power-on byte at cnt_q of region rs_region_q
  always_comb begin
    rs_byte = 8'h00;
    if (rs_region_q == 3'd0) begin
      if (cnt_q == 32'd9) begin
        rs_byte = 8'h80;  // w_min = -128
      end else if (cnt_q == 32'd10) begin
        rs_byte = 8'h7F;  // w_max = 127
      end
    end else if (rs_region_q == 3'd5) begin
      // θ = 8388607 = FF FF 7F 00, every other field 0.
      if (rs_j_q == 5'd0 || rs_j_q == 5'd1) begin
        rs_byte = 8'hFF;
      end else if (rs_j_q == 5'd2) begin
        rs_byte = 8'h7F;
      end
    end
  end

  //////////////////////////
  // Output frame builder //
  //////////////////////////

  logic        list_fmt;
  logic [39:0] ob_header;
  logic [15:0] fired16;
  assign list_fmt  = ({4'd0, fired_q, 1'b0} + 16'd2) < {5'd0, NBytes11};
  assign ob_header = {7'd0, !list_fmt, ts_q};
  assign fired16   = {5'd0, fired_q};

  // The builder's phase; when a list never fits (N / 8 <= 2 bitmap bytes), without the
  // list phases, which ob_ph_q then never holds.
  ob_e ob_ph;
  assign ob_ph = (!ListFits && (ob_ph_q == ObCount || ob_ph_q == ObList)) ? ObBitmap
                                                                                  : ob_ph_q;

  // The list's next neuron (none without the list phases).
  logic             sp_any;
  logic [NeuronsLog2-1:0] sp_first;
  logic [N-1:0]     sp_rest;
  if (ListFits) begin : gen_list
    ncx_ffs #(
      .Width   (N),
      .IdxWidth(NeuronsLog2)
    ) u_ffs (
      .bits_i (sp_q),
      .any_o  (sp_any),
      .index_o(sp_first),
      .rest_o (sp_rest)
    );
  end else begin : gen_no_list
    assign sp_any   = 1'b0;
    assign sp_first = '0;
    assign sp_rest  = '0;
  end

  logic [15:0] sp_first16;
  assign sp_first16 = {{(16 - NeuronsLog2) {1'b0}}, sp_first};

  // The 10 bytes of probe list entry ob_k_q (from pr_count - 1, the oldest probe, down to
  // 0): neuron u16, then v i32 and I i32, which are bytes 0..7 of the neuron's STATE record
  // (docs/protocol.md §9), read through the region port: byte ob_i_q (2..9) is requested
  // in cycle ob_i_q - 1 and arrives in cycle ob_i_q.
  localparam logic [7:0] RegionState = ncx_pkg::RegionState;
  logic [2:0]  state_region3;
  logic [3:0]  pr_count4;
  logic [9:0]  pn;
  logic [7:0]  probe_byte;
  assign state_region3 = RegionState[2:0];
  assign pr_count4     = pr_count_q[3:0];  // 16 entries: 0 - 1 is 15
  assign pn           = 10'(pr_n_q[ob_k_q*NeuronsLog2 +: NeuronsLog2]);
  assign probe_byte   = (ob_i_q == ObIW'(0)) ? pn[7:0] :
                        (ob_i_q == ObIW'(1)) ? {6'd0, pn[9:8]} : bus_rdata_i;

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

  // Index passes (StScan) and the input lists: list byte cnt_q - 1 arrives in cycle
  // cnt_q; an index is complete at its odd byte.
  logic [31:0] il_pos, il_k;
  logic [15:0] sc_idx;
  assign il_pos   = cnt_q - 32'd1;
  assign il_k     = {1'b0, il_pos[31:1]};
  assign sc_idx   = {pay_rdata_i, prev_q};
  logic idx_ge_m, idx_ge_n;  // sc_idx >= M, >= N
  assign idx_ge_m = (sc_idx >> InputsLog2) != 16'd0;
  assign idx_ge_n = (sc_idx >> NeuronsLog2) != 16'd0;
  logic [8:0] il_k9;
  logic       il_odd;
  logic [9:0] sc_base10;
  logic [NeuronsLog2-1:0] sc_idx_n;
  assign il_k9     = il_k[8:0];
  assign il_odd    = il_pos[0];
  assign sc_base10 = sc_base[9:0];

  // The payload byte read in cycle cnt_q (its data arrives in cycle cnt_q + 1): LOAD's byte
  // cnt_q, SCAN's list byte cnt_q, VALIDATE's and WRITE's data byte cnt_q (payload 5 +
  // cnt_q). Other states ignore the read data.
  logic [9:0] pay_base, pay_addr;
  assign pay_base = (state_q == StLoad) ? 10'd0 : (state_q == StScan) ? sc_base10 : 10'd5;
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
  assign sc_idx_n  = sc_idx[NeuronsLog2-1:0];
  logic [16*NeuronsLog2-1:0] tmp_n_shifted;
  assign tmp_n_shifted = {tmp_n[15*NeuronsLog2-1:0], sc_idx_n};
  assign p_staged      = (p_q & ~PStage) | (PW'(tmp_n_shifted) << 8);

  // The last cycles of READ and CRC in the counter's width: READ's length is < 1024 and
  // CRC's < 2^RegB <= 2^CntW once checked. (REPLY's last byte is the one where cnt_q + 1
  // is the reply's length, 1..1024.)
  logic [CntW-1:0] read_cnt, crc_cnt;
  assign read_cnt   = CntW'(f_u16_at5[9:0]);
  assign crc_cnt    = f_u32_at5[CntW-1:0];

  logic [31:0] crc_next;
  ncx_crc32 u_crc (
    .crc_i  (crc_q),
    .data_i (bus_rdata_i),
    .crc_o  (crc_next)
  );

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
  // wherever the port is used: the payload register changes in LOAD and SCAN only, the
  // probe list at PROBE's EXEC, and the probe entry ob_k when ob_i restarts at 0, a
  // cycle without a request. One adder.
  logic [31:0] off_base, off_step, bus_offset_d, bus_offset_q;
  logic [12:0] probe_base;  // 9 n
  assign probe_base = {pn, 3'd0} + {3'd0, pn};
  always_comb begin
    unique case (state_q)
      StExec: begin  // READ, CRC: byte 0 at the offset; RESET scope 1: byte 0
        off_base = (opcode_i == OpReset) ? 32'd0 : f_offset;
        off_step = 32'd0;
      end
      StReset: begin
        off_base = 32'd0;
        off_step = (cnt_r == rs_last) ? 32'd0 : 32'(cnt_inc);
      end
      StWrite: begin
        off_base = f_offset;
        off_step = cnt_q;
      end
      TsBuild: begin
        off_base = {19'd0, probe_base};
        off_step = 32'(ob_i_q);
      end
      default: begin  // READ, CRC
        off_base = f_offset;
        off_step = 32'(cnt_inc);
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
    running_d     = running_q;
    steps_left_d  = steps_left_q;
    sl_head_d     = sl_head_q;
    sl_count_d    = sl_count_q;
    sl_len_d      = sl_len_q;
    pr_count_d    = pr_count_q;
    pr_n_d        = pr_n_q;
    h_head_d      = h_head_q;
    h_count_d     = h_count_q;
    h_t_d         = h_t_q;
    h_len_d       = h_len_q;
    outputs_d     = outputs_q;
    ts_d          = ts_q;
    fired_d       = fired_q;
    sp_d          = sp_q;
    w_slot_d      = w_slot_q;
    ob_ph_d       = ob_ph_q;
    ob_i_d        = ob_i_q;
    ob_k_d        = ob_k_q;
    rw_ptr_d      = rw_ptr_q;
    rw_from_d     = rw_from_q;
    rw_count_d    = rw_count_q;
    rs_region_d   = rs_region_q;
    rs_j_d        = rs_j_q;
    crc_d         = crc_q;

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

    // The neuron-write tap: the spike count of a running timestep.
    if (nwr_valid_i && nwr_fired_i) begin
      fired_d = fired_q + 11'd1;
    end

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
          rep_d     = {16'd0, chk_detail, chk_status};
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
            rep_d = {37'd0, bad_at, StBadValue};
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
                rep_d = {37'd0, bad_at, StBadValue};
              end
            end else begin
              if (idx_ge_n) begin
                bad_d = 1'b1;
                rep_d = {37'd0, bad_at, StBadValue};
              end else begin
                p_d = p_staged;
              end
            end
          end
        end
        if (cnt_q == sc_bytes || bad_d) begin
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
          rep_d     = {48'd0, StOk};
          rep_len_d = 11'd1;
          unique case (opcode_i)
            OpHello: begin
              rep_src_d = RsHello;
              rep_len_d = 11'd61;
            end
            OpReset: begin
              if (running_q) begin
                nak_d = 1'b1; rep_src_d = RsTime; rep_d = {48'd0, StBusy}; rep_len_d = 11'd5;
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
              if (running_q) begin
                nak_d = 1'b1; rep_src_d = RsTime; rep_d = {48'd0, StBusy}; rep_len_d = 11'd5;
              end else begin
                state_d = StWrite;
              end
            end
            OpRead: begin
              state_d = StRead;
            end
            OpCrc: begin
              crc_d   = ncx_pkg::FrameCrcInit;
              state_d = StCrc;
            end
            OpRun: begin
              if (running_q) begin
                nak_d = 1'b1; rep_src_d = RsTime; rep_d = {48'd0, StBusy}; rep_len_d = 11'd5;
              end else begin
                running_d    = 1'b1;
                steps_left_d = f_u32_at0;
                sl_count_d   = '0;
                rep_src_d    = RsTime;
                rep_d        = {run_credits, 32'd0, StOk};
                rep_len_d    = 11'd7;
              end
            end
            OpStop: begin
              running_d  = 1'b0;
              sl_count_d = '0;
              rep_src_d  = RsTime;
              rep_d      = {48'd0, StOk};
              rep_len_d  = 11'd5;
            end
            OpInput: begin
              if (!running_q) begin
                nak_d = 1'b1; rep_src_d = RsTime; rep_d = {48'd0, StNotRun}; rep_len_d = 11'd5;
              end else if (ts_ne_q) begin
                nak_d = 1'b1; rep_d = {rep_hi, StBadTs}; rep_len_d = 11'd5;
              end else if (credit_n == '0) begin
                nak_d = 1'b1; rep_src_d = RsTime; rep_d = {48'd0, StNoCredit}; rep_len_d = 11'd5;
              end else begin
                sl_len_d   = sl_len_in;
                sl_count_d = sl_count_q + 1'b1;
                rep_d      = {32'd0, {(16 - CountW) {1'b0}}, credit_m1, StOk};
                rep_len_d  = 11'd3;
              end
            end
            OpProbe: begin
              pr_n_d     = tmp_n;
              pr_count_d = probe_count5;
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
              rep_d = {48'd0, StOk};
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
        if (cnt_r == rs_last) begin
          cnt_d  = 32'd0;
          rs_j_d = 5'd0;
          if (rs_region_q == 3'd5) begin
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
          crc_d = crc_next;
        end
        if (cnt_r == crc_cnt) begin
          rep_d     = {16'd0, crc_d ^ ncx_pkg::FrameCrcXorOut, StOk};
          rep_len_d = 11'd5;
          state_d   = StReply;
        end
      end

      // RESEND: count the kept frames of timesteps >= from.
      StCount: begin
        if (OutputHistory == 0 || cnt_q == {23'd0, h_count_q}) begin
          rep_d     = {39'd0, rw_count_q, StOk};
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
        rep_d       = rep_shifted;
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
        ts_d    = timestep_i;
        fired_d = 11'd0;
        state_d = TsRun;
      end

      TsRun: begin
        cnt_d = 32'd0;
        if (done_i) begin
          sp_d    = spikes_n;
          state_d = TsSlot;
        end
      end

      TsSlot: begin
        cnt_d     = 32'd0;
        w_slot_d  = h_next;
        ob_ph_d   = ObHeader;
        ob_i_d    = '0;
        ob_k_d    = pr_count4 - 4'd1;  // the oldest probe (none if pr_count_q is 0)
        if (!hist_busy_i[h_next]) begin
          state_d = TsBuild;
        end
      end

      // The output payload (docs/protocol.md §10), one byte a cycle: byte cnt_q.
      TsBuild: begin
        hist_we_o = 1'b1;
        ob_i_d    = ob_i_q + 1'b1;
        unique case (ob_ph)
          ObHeader: begin
            hist_wdata_o = ob_header[ob_i3*8 +: 8];
            if (ob_i_q == ObIW'(4)) begin
              ob_i_d  = '0;
              if (list_fmt) begin
                ob_ph_d = ObCount;
              end else begin
                ob_ph_d = ObBitmap;
              end
            end
          end
          ObCount: begin
            hist_wdata_o = fired16[ob_i1*8 +: 8];
            if (ob_i_q == ObIW'(1)) begin
              ob_i_d  = '0;
              if (sp_any) begin
                ob_ph_d = ObList;
              end else begin
                ob_ph_d = ObProbeCount;
              end
            end
          end
          ObList: begin
            hist_wdata_o = sp_first16[ob_i1*8 +: 8];
            if (ob_i1) begin
              sp_d = sp_rest;
              if (sp_rest == '0) begin
                ob_ph_d = ObProbeCount;
              end
            end
          end
          ObBitmap: begin
            hist_wdata_o = sp_byte;
            sp_d         = sp_q >> 8;
            if (ob_i_q == NBytesM1) begin
              ob_i_d  = '0;
              ob_ph_d = ObProbeCount;
            end
          end
          ObProbeCount: begin
            hist_wdata_o = {3'd0, pr_count_q};
            ob_i_d       = '0;
            ob_ph_d      = ObProbes;
            if (pr_count_q == 5'd0) begin
              state_d = TsPush;
            end
          end
          default: begin
            hist_wdata_o = probe_byte;
            if (ob_i_q != ObIW'(0) && ob_i_q != ObIW'(9)) begin
              bus_req_o    = 1'b1;
              bus_region_o = state_region3;
            end
            if (ob_i_q == ObIW'(9)) begin
              ob_i_d = '0;
              ob_k_d = ob_k_q - 4'd1;
              if (ob_k_q == 4'd0) begin
                state_d = TsPush;
              end
            end
          end
        endcase
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
          h_t_d[w_slot_q*32 +: 32]   = ts_q;
          h_len_d[w_slot_q*11 +: 11] = cnt11;
          if (h_room) begin
            h_count_d = h_count_q + 9'd1;
          end else if (OutputHistory > 0) begin
            h_head_d = (h_head_q == HistLast) ? '0 : h_head_q + 1'b1;
          end
          outputs_d    = outputs_inc;
          sl_head_d    = (sl_head_q == SlotsLast) ? '0 : sl_head_q + 1'b1;
          sl_count_d   = sl_count_q - 1'b1;
          steps_left_d = steps_left_q - 32'd1;
          if (left_one) begin
            running_d  = 1'b0;
            sl_count_d = '0;
          end
          state_d = StIdle;
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

  // The input slots' index lists: slot s, entry k at {s, k}, InputsLog2 bits an index (an
  // index >= M is written truncated while its INPUT is scanned, and NAKed: that slot is
  // not taken).
  logic [SlotW+8:0]      il_waddr, il_raddr;
  logic                  il_we;
  logic [InputsLog2-1:0] il_rdata;
  logic [9:0]            il_wide;
  assign il_we    = (state_q == StScan) && (opcode_i == OpInput) && (cnt_q != 32'd0) && il_odd
                 && (sl_count_q < SlotsCount);
  assign il_waddr = {sl_tail, il_k9};
  assign il_wide  = {pay_low2, prev_q};
  assign il_raddr = {sl_head_q, cnt9};

  ncx_ram_sdp #(
    .AddrWidth(SlotW + 9),
    .Width    (InputsLog2)
  ) u_inputs (
    .clk_i  (clk_i),
    .we_i   (il_we),
    .waddr_i(il_waddr),
    .wdata_i(il_wide[InputsLog2-1:0]),
    .raddr_i(il_raddr),
    .rdata_o(il_rdata)
  );

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
      running_q     <= 1'b0;
      steps_left_q  <= '0;
      sl_head_q     <= '0;
      sl_count_q    <= '0;
      sl_len_q      <= '0;
      pr_count_q    <= '0;
      pr_n_q        <= '0;
      h_head_q      <= '0;
      h_count_q     <= '0;
      h_t_q         <= '0;
      h_len_q       <= '0;
      outputs_q     <= '0;
      ts_q          <= '0;
      fired_q       <= '0;
      sp_q          <= '0;
      w_slot_q      <= '0;
      ob_ph_q       <= ObHeader;
      ob_i_q        <= '0;
      ob_k_q        <= '0;
      rw_ptr_q      <= '0;
      rw_from_q     <= '0;
      rw_count_q    <= '0;
      rs_region_q   <= '0;
      rs_j_q        <= '0;
      crc_q         <= '0;
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
      running_q     <= running_d;
      steps_left_q  <= steps_left_d;
      sl_head_q     <= sl_head_d;
      sl_count_q    <= sl_count_d;
      sl_len_q      <= sl_len_d;
      pr_count_q    <= pr_count_d;
      pr_n_q        <= pr_n_d;
      h_head_q      <= h_head_d;
      h_count_q     <= (OutputHistory > 0) ? h_count_d : '0;  // nothing kept
      h_t_q         <= h_t_d;
      h_len_q       <= h_len_d;
      outputs_q     <= outputs_d;
      ts_q          <= ts_d;
      fired_q       <= ListFits ? fired_d : '0;  // only a list needs the count
      sp_q          <= sp_d;
      w_slot_q      <= w_slot_d;
      ob_ph_q       <= ob_ph_d;
      ob_i_q        <= ob_i_d;
      ob_k_q        <= ob_k_d;
      rw_ptr_q      <= rw_ptr_d;
      rw_from_q     <= rw_from_d;
      rw_count_q    <= rw_count_d;
      rs_region_q   <= rs_region_d;
      rs_j_q        <= rs_j_d;
      crc_q         <= crc_d;
      ts_carry_q    <= ts_carry_d;
      ts_ne_q       <= ts_ne_d;
    end
  end

  assign bus_offset_o = bus_offset_q;
  assign rep_slot_o  = slot_q;
  assign hist_slot_o = w_slot_q;

  // The spikes beyond N, the refractory counter of the tap, the high bits of the
  // wrapped slot numbers and list positions.
  logic unused_ctrl;
  assign unused_ctrl = ^{sc_base[31:11], cnt_d[31:CntW], region_size[33:EndW], spikes_i, tail_wrapped, h_wrapped, il_k, sc_idx, il_wide};

endmodule
