// ncx_top — the portable NCX-1 device: a core behind the ncx/1 protocol on a UART
//
// rx_i → ncx_uart_rx → ncx_byte_fifo → ncx_frame_rx → ncx_ctrl (+ ncx_core) →
// ncx_tx_queue → ncx_frame_tx → ncx_byte_fifo → ncx_uart_tx → tx_o.
// The device of docs/protocol.md (commands, runs, output frames) as
// firmware-model/src/device (Device) specifies it, at baud = ClockHz / BaudDivisor.
//
// Parameters
//   NeuronsLog2, InputsLog2  geometry: N = 2^NeuronsLog2, M = 2^InputsLog2 (4..10)
//   ClockHz                  the clock frequency HELLO reports
//   BaudDivisor              clock cycles per UART bit (>= 4), both directions
//   BuildId                  HELLO's build id (byte k = BuildId[8k +: 8])
//   InputSlots               timesteps of input buffered (1..255)
//   OutputHistory            output frames kept for RESEND (0..255)
//   RxFifoDepth, TxFifoDepth bytes of the receive and transmit FIFOs
//   Spram                    1: the core's synapses and enable bits in iCE40 SPRAM,
//                            cleared in the first 2^(log2 max(N·M, N·N) + 1) cycles from
//                            power-on, during which rst_ni must be low (ncx_core)
//   LanesLog2                the core's accumulate lanes, P = 2^LanesLog2 <= min(N, 8):
//                            ACC_IN and ACC_REC slots of N/P + 2 cycles (ncx_core);
//                            HELLO reports it (features bits 8..11). Spram = 1 only
//                            with LanesLog2 = 0
//
// Ports
//   clk_i, rst_ni            clock; asynchronous active-low reset (power-on)
//   rx_i                     serial line from the host, idle high (8N1)
//   tx_o                     serial line to the host, idle high (8N1)
//
// Timing: the sum of the submodules'; docs/protocol.md §10.1 states it end to end.
module ncx_top #(
  parameter int          NeuronsLog2   = 8,
  parameter int          InputsLog2    = 8,
  parameter logic [31:0] ClockHz       = 32'd100000000,
  parameter logic [31:0] BaudDivisor   = 32'd100,
  parameter logic [63:0] BuildId       = 64'd0,
  parameter int          InputSlots    = 16,
  parameter int          OutputHistory = 16,
  parameter int          RxFifoDepth   = 2048,
  parameter int          TxFifoDepth   = 4096,
  parameter int          Spram         = 0,
  parameter int          LanesLog2     = 0
) (
  input  logic clk_i,
  input  logic rst_ni,
  input  logic rx_i,
  output logic tx_o
);

  localparam int N             = 2 ** NeuronsLog2;
  localparam int Hist          = (OutputHistory > 0) ? OutputHistory : 1;
  localparam int HistIdxWidth  = (Hist > 1) ? $clog2(Hist) : 1;
  // An output payload: 5 + at most N/8 spike bytes + 1 + 16 probes of 10 bytes.
  localparam int HistBytesLog2 = (166 + N / 8 > 256) ? 9 : 8;
  localparam int ReplyLog2     = 2;
  localparam int JobLog2       = 5;

  // The UARTs' bit counters are as wide as the divisor needs (at least 3 bits).
  localparam int DivW = ($clog2(BaudDivisor + 32'd1) > 3) ? $clog2(BaudDivisor + 32'd1) : 3;
  localparam logic [DivW-1:0] Divisor = BaudDivisor[DivW-1:0];

  // UART receiver → FIFO → frame decoder.
  logic [7:0] urx_data, rxf_data;
  logic       urx_valid, urx_ready, rxf_valid, rxf_ready;
  logic       urx_frame_error, urx_overrun;

  ncx_uart_rx #(
    .DivisorWidth(DivW)
  ) u_uart_rx (
    .clk_i          (clk_i),
    .rst_ni         (rst_ni),
    .divisor_i      (Divisor),
    .rx_i           (rx_i),
    .data_o         (urx_data),
    .valid_o        (urx_valid),
    .ready_i        (urx_ready),
    .frame_error_o  (urx_frame_error),
    .overrun_error_o(urx_overrun)
  );

  logic                             rxf_overflow;
  logic [$clog2(RxFifoDepth+2)-1:0] rxf_count;

  ncx_byte_fifo #(
    .Depth(RxFifoDepth)
  ) u_rx_fifo (
    .clk_i     (clk_i),
    .rst_ni    (rst_ni),
    .data_i    (urx_data),
    .valid_i   (urx_valid),
    .ready_o   (urx_ready),
    .data_o    (rxf_data),
    .valid_o   (rxf_valid),
    .ready_i   (rxf_ready),
    .overflow_o(rxf_overflow),
    .count_o   (rxf_count)
  );

  logic        frame_valid, frame_ack;
  logic [7:0]  frame_opcode, frame_seq, pay_rdata;
  logic [10:0] frame_len;
  logic [31:0] frame_crc;
  logic [9:0]  pay_addr;
  logic        err_valid;
  logic [1:0]  err_kind;
  logic [31:0] err_offset;
  logic [15:0] err_len;
  logic [31:0] cnt_frames, cnt_header_errors, cnt_crc_errors, cnt_frame_bytes, cnt_discarded,
               cnt_seen;

  ncx_frame_rx u_frame_rx (
    .clk_i          (clk_i),
    .rst_ni         (rst_ni),
    .byte_i         (rxf_data),
    .byte_valid_i   (rxf_valid),
    .byte_ready_o   (rxf_ready),
    .frame_valid_o  (frame_valid),
    .opcode_o       (frame_opcode),
    .seq_o          (frame_seq),
    .len_o          (frame_len),
    .crc_o          (frame_crc),
    .frame_ack_i    (frame_ack),
    .pay_addr_i     (pay_addr),
    .pay_rdata_o    (pay_rdata),
    .err_valid_o    (err_valid),
    .err_kind_o     (err_kind),
    .err_offset_o   (err_offset),
    .err_len_o      (err_len),
    .frames_o       (cnt_frames),
    .header_errors_o(cnt_header_errors),
    .crc_errors_o   (cnt_crc_errors),
    .frame_bytes_o  (cnt_frame_bytes),
    .discarded_o    (cnt_discarded),
    .seen_o         (cnt_seen)
  );

  // The core.
  logic          bus_req, bus_we;
  logic [2:0]    bus_region;
  logic [31:0]   bus_offset;
  logic [7:0]    bus_wdata, bus_rdata;
  logic          in_clear, in_set;
  logic [9:0]    in_index;
  logic          core_start, core_reset_state, core_busy, core_done;
  logic [31:0]   core_timestep, core_overruns;
  logic [1023:0] core_spikes;
  logic          nwr_valid, nwr_fired;
  logic [9:0]    nwr_index;
  logic [55:0]   nwr_state;

  ncx_core #(
    .NeuronsLog2(NeuronsLog2),
    .InputsLog2 (InputsLog2),
    .Spram      (Spram),
    .LanesLog2  (LanesLog2)
  ) u_core (
    .clk_i        (clk_i),
    .rst_ni       (rst_ni),
    .bus_req_i    (bus_req),
    .bus_we_i     (bus_we),
    .bus_region_i (bus_region),
    .bus_offset_i (bus_offset),
    .bus_wdata_i  (bus_wdata),
    .bus_rdata_o  (bus_rdata),
    .in_clear_i   (in_clear),
    .in_set_i     (in_set),
    .in_index_i   (in_index),
    .start_i      (core_start),
    .reset_state_i(core_reset_state),
    .busy_o       (core_busy),
    .done_o       (core_done),
    .timestep_o   (core_timestep),
    .overruns_o   (core_overruns),
    .spikes_o     (core_spikes),
    .nwr_valid_o  (nwr_valid),
    .nwr_index_o  (nwr_index),
    .nwr_state_o  (nwr_state),
    .nwr_fired_o  (nwr_fired)
  );

  // The controller and the transmit queue.
  logic                     rep_we, hist_we, push, push_hist, q_full, q_empty;
  logic [ReplyLog2-1:0]     rep_slot;
  logic [9:0]               rep_addr;
  logic [7:0]               rep_wdata, hist_wdata, push_slot, push_opcode, push_seq;
  logic [HistIdxWidth-1:0]  hist_slot;
  logic [HistBytesLog2-1:0] hist_addr;
  logic [10:0]              push_len;
  logic [2**ReplyLog2-1:0]  rep_busy;
  logic [Hist-1:0]          hist_busy;

  ncx_ctrl #(
    .NeuronsLog2  (NeuronsLog2),
    .InputsLog2   (InputsLog2),
    .ClockHz      (ClockHz),
    .BaudDivisor  (BaudDivisor),
    .BuildId      (BuildId),
    .InputSlots   (InputSlots),
    .OutputHistory(OutputHistory),
    .ReplyLog2    (ReplyLog2),
    .HistIdxWidth (HistIdxWidth),
    .HistBytesLog2(HistBytesLog2),
    .LanesLog2    (LanesLog2)
  ) u_ctrl (
    .clk_i             (clk_i),
    .rst_ni            (rst_ni),
    .frame_valid_i     (frame_valid),
    .opcode_i          (frame_opcode),
    .seq_i             (frame_seq),
    .len_i             (frame_len),
    .crc_i             (frame_crc),
    .frame_ack_o       (frame_ack),
    .pay_addr_o        (pay_addr),
    .pay_rdata_i       (pay_rdata),
    .rx_frames_i       (cnt_frames),
    .rx_header_errors_i(cnt_header_errors),
    .rx_crc_errors_i   (cnt_crc_errors),
    .rx_discarded_i    (cnt_discarded),
    .bus_req_o         (bus_req),
    .bus_we_o          (bus_we),
    .bus_region_o      (bus_region),
    .bus_offset_o      (bus_offset),
    .bus_wdata_o       (bus_wdata),
    .bus_rdata_i       (bus_rdata),
    .in_clear_o        (in_clear),
    .in_set_o          (in_set),
    .in_index_o        (in_index),
    .start_o           (core_start),
    .reset_state_o     (core_reset_state),
    .busy_i            (core_busy),
    .done_i            (core_done),
    .timestep_i        (core_timestep),
    .overruns_i        (core_overruns),
    .spikes_i          (core_spikes),
    .nwr_valid_i       (nwr_valid),
    .nwr_fired_i       (nwr_fired),
    .nwr_index_i       (nwr_index),
    .rep_we_o          (rep_we),
    .rep_slot_o        (rep_slot),
    .rep_addr_o        (rep_addr),
    .rep_wdata_o       (rep_wdata),
    .hist_we_o         (hist_we),
    .hist_slot_o       (hist_slot),
    .hist_addr_o       (hist_addr),
    .hist_wdata_o      (hist_wdata),
    .push_o            (push),
    .push_hist_o       (push_hist),
    .push_slot_o       (push_slot),
    .push_opcode_o     (push_opcode),
    .push_seq_o        (push_seq),
    .push_len_o        (push_len),
    .q_full_i          (q_full),
    .rep_busy_i        (rep_busy),
    .hist_busy_i       (hist_busy)
  );

  logic        tx_start, tx_idle;
  logic [7:0]  tx_opcode, tx_seq, tx_pay_data;
  logic [10:0] tx_len;
  logic [9:0]  tx_pay_addr;

  ncx_tx_queue #(
    .ReplyLog2    (ReplyLog2),
    .HistSlots    (Hist),
    .HistIdxWidth (HistIdxWidth),
    .HistBytesLog2(HistBytesLog2),
    .JobLog2      (JobLog2)
  ) u_tx_queue (
    .clk_i        (clk_i),
    .rst_ni       (rst_ni),
    .rep_we_i     (rep_we),
    .rep_slot_i   (rep_slot),
    .rep_addr_i   (rep_addr),
    .rep_wdata_i  (rep_wdata),
    .hist_we_i    (hist_we),
    .hist_slot_i  (hist_slot),
    .hist_addr_i  (hist_addr),
    .hist_wdata_i (hist_wdata),
    .push_i       (push),
    .push_hist_i  (push_hist),
    .push_slot_i  (push_slot),
    .push_opcode_i(push_opcode),
    .push_seq_i   (push_seq),
    .push_len_i   (push_len),
    .full_o       (q_full),
    .empty_o      (q_empty),
    .rep_busy_o   (rep_busy),
    .hist_busy_o  (hist_busy),
    .tx_start_o   (tx_start),
    .tx_opcode_o  (tx_opcode),
    .tx_seq_o     (tx_seq),
    .tx_len_o     (tx_len),
    .tx_idle_i    (tx_idle),
    .tx_pay_addr_i(tx_pay_addr),
    .tx_pay_data_o(tx_pay_data)
  );

  // Frame encoder → FIFO → UART transmitter.
  logic [7:0] enc_byte, txf_data;
  logic       enc_valid, enc_ready, txf_valid, txf_ready;

  ncx_frame_tx u_frame_tx (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .start_i     (tx_start),
    .opcode_i    (tx_opcode),
    .seq_i       (tx_seq),
    .len_i       (tx_len),
    .idle_o      (tx_idle),
    .pay_addr_o  (tx_pay_addr),
    .pay_data_i  (tx_pay_data),
    .byte_o      (enc_byte),
    .byte_valid_o(enc_valid),
    .byte_ready_i(enc_ready)
  );

  logic                             txf_overflow;
  logic [$clog2(TxFifoDepth+2)-1:0] txf_count;

  ncx_byte_fifo #(
    .Depth(TxFifoDepth)
  ) u_tx_fifo (
    .clk_i     (clk_i),
    .rst_ni    (rst_ni),
    .data_i    (enc_byte),
    .valid_i   (enc_valid),
    .ready_o   (enc_ready),
    .data_o    (txf_data),
    .valid_o   (txf_valid),
    .ready_i   (txf_ready),
    .overflow_o(txf_overflow),
    .count_o   (txf_count)
  );

  ncx_uart_tx #(
    .DivisorWidth(DivW)
  ) u_uart_tx (
    .clk_i    (clk_i),
    .rst_ni   (rst_ni),
    .divisor_i(Divisor),
    .data_i   (txf_data),
    .valid_i  (txf_valid),
    .ready_o  (txf_ready),
    .tx_o     (tx_o)
  );

  // Status nobody reads yet: UART errors (the decoder's counters see their effect),
  // FIFO levels, decoder error details, the queue's state, the spikes beyond N, the
  // neuron-write tap's state (the probes are read from the STATE region).
  logic unused_top;
  assign unused_top = ^{urx_frame_error, urx_overrun, rxf_overflow, rxf_count, err_valid, err_kind,
                        err_offset, err_len, cnt_frame_bytes, cnt_seen, q_empty, txf_overflow,
                        txf_count, BaudDivisor >> DivW, nwr_state};

endmodule
