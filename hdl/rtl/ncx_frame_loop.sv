// ncx_frame_loop — co-simulation top of the frame layer: FIFO, decoder and encoder
//
// The top that the ncx-hdl crate verilates to check the frame layer from Rust against
// firmware-model's wire::Decoder and wire::encode. Not part of the device.
//   receive:  in_data_i → ncx_byte_fifo → ncx_frame_rx; the decoder's frame, error
//             strobe, counters and payload read port are outputs;
//   send:     a MaxPayload-byte RAM that the test fills (txram_*), read by ncx_frame_tx
//             as its payload source; the encoder's bytes are outputs with valid/ready.
//
// Parameters
//   FifoDepth            ncx_byte_fifo Depth
//
// Ports
//   clk_i, rst_ni                  clock; asynchronous active-low reset
//   in_data_i, in_valid_i,         bytes into the FIFO (ncx_byte_fifo data_i, valid_i,
//   in_ready_o, fifo_overflow_o,     ready_o, overflow_o, count_o)
//   fifo_count_o
//   frame_valid_o, frame_opcode_o, ncx_frame_rx frame_valid_o, opcode_o, seq_o, len_o,
//   frame_seq_o, frame_len_o,        crc_o, frame_ack_i
//   frame_crc_o, frame_ack_i
//   rx_pay_addr_i, rx_pay_rdata_o  ncx_frame_rx pay_addr_i, pay_rdata_o
//   rx_valid_o, rx_ready_o         the FIFO's valid_o and the decoder's byte_ready_o: the
//                                    decoder takes a byte in a cycle with both high
//   err_valid_o, err_kind_o,       ncx_frame_rx error strobe
//   err_offset_o, err_len_o
//   cnt_frames_o .. cnt_seen_o     ncx_frame_rx counters
//   txram_we_i, txram_addr_i,      write port of the encoder's payload RAM
//   txram_data_i
//   tx_start_i, tx_opcode_i,       ncx_frame_tx start_i, opcode_i, seq_i, len_i, idle_o
//   tx_seq_i, tx_len_i, tx_idle_o
//   out_data_o, out_valid_o,       ncx_frame_tx byte_o, byte_valid_o, byte_ready_i
//   out_ready_i
//
// Timing: as in the submodules. Through the empty FIFO a byte offered in cycle c is
// taken by the decoder at the edge ending c, so a frame whose last byte is offered in
// cycle c is valid in cycle c + 1.
module ncx_frame_loop #(
  parameter int FifoDepth = 2048
) (
  input  logic                                      clk_i,
  input  logic                                      rst_ni,
  input  logic [7:0]                                in_data_i,
  input  logic                                      in_valid_i,
  output logic                                      in_ready_o,
  output logic                                      fifo_overflow_o,
  output logic [$clog2(FifoDepth + 2)-1:0]          fifo_count_o,
  output logic                                      rx_valid_o,
  output logic                                      rx_ready_o,
  output logic                                      frame_valid_o,
  output logic [7:0]                                frame_opcode_o,
  output logic [7:0]                                frame_seq_o,
  output logic [$clog2(ncx_pkg::MaxPayload+1)-1:0]  frame_len_o,
  output logic [31:0]                               frame_crc_o,
  input  logic                                      frame_ack_i,
  input  logic [$clog2(ncx_pkg::MaxPayload)-1:0]    rx_pay_addr_i,
  output logic [7:0]                                rx_pay_rdata_o,
  output logic                                      err_valid_o,
  output logic [1:0]                                err_kind_o,
  output logic [31:0]                               err_offset_o,
  output logic [15:0]                               err_len_o,
  output logic [31:0]                               cnt_frames_o,
  output logic [31:0]                               cnt_header_errors_o,
  output logic [31:0]                               cnt_crc_errors_o,
  output logic [31:0]                               cnt_frame_bytes_o,
  output logic [31:0]                               cnt_discarded_o,
  output logic [31:0]                               cnt_seen_o,
  input  logic                                      txram_we_i,
  input  logic [$clog2(ncx_pkg::MaxPayload)-1:0]    txram_addr_i,
  input  logic [7:0]                                txram_data_i,
  input  logic                                      tx_start_i,
  input  logic [7:0]                                tx_opcode_i,
  input  logic [7:0]                                tx_seq_i,
  input  logic [$clog2(ncx_pkg::MaxPayload+1)-1:0]  tx_len_i,
  output logic                                      tx_idle_o,
  output logic [7:0]                                out_data_o,
  output logic                                      out_valid_o,
  input  logic                                      out_ready_i
);

  localparam int AddrWidth = $clog2(ncx_pkg::MaxPayload);

  // FIFO → decoder.
  logic [7:0] fifo_data;
  logic       fifo_valid;
  assign rx_valid_o = fifo_valid;

  ncx_byte_fifo #(
    .Depth(FifoDepth)
  ) u_fifo (
    .clk_i      (clk_i),
    .rst_ni     (rst_ni),
    .data_i     (in_data_i),
    .valid_i    (in_valid_i),
    .ready_o    (in_ready_o),
    .data_o     (fifo_data),
    .valid_o    (fifo_valid),
    .ready_i    (rx_ready_o),
    .overflow_o (fifo_overflow_o),
    .count_o    (fifo_count_o)
  );

  ncx_frame_rx u_rx (
    .clk_i           (clk_i),
    .rst_ni          (rst_ni),
    .byte_i          (fifo_data),
    .byte_valid_i    (fifo_valid),
    .byte_ready_o    (rx_ready_o),
    .frame_valid_o   (frame_valid_o),
    .opcode_o        (frame_opcode_o),
    .seq_o           (frame_seq_o),
    .len_o           (frame_len_o),
    .crc_o           (frame_crc_o),
    .frame_ack_i     (frame_ack_i),
    .pay_addr_i      (rx_pay_addr_i),
    .pay_rdata_o     (rx_pay_rdata_o),
    .err_valid_o     (err_valid_o),
    .err_kind_o      (err_kind_o),
    .err_offset_o    (err_offset_o),
    .err_len_o       (err_len_o),
    .frames_o        (cnt_frames_o),
    .header_errors_o (cnt_header_errors_o),
    .crc_errors_o    (cnt_crc_errors_o),
    .frame_bytes_o   (cnt_frame_bytes_o),
    .discarded_o     (cnt_discarded_o),
    .seen_o          (cnt_seen_o)
  );

  // The encoder's payload RAM: written by the test, read by the encoder.
  logic [7:0]           txram_q [ncx_pkg::MaxPayload];
  logic [7:0]           txram_rdata_q;
  logic [AddrWidth-1:0] tx_pay_addr;

  always_ff @(posedge clk_i) begin
    if (txram_we_i) begin
      txram_q[txram_addr_i] <= txram_data_i;
    end
    txram_rdata_q <= txram_q[tx_pay_addr];
  end

  ncx_frame_tx u_tx (
    .clk_i        (clk_i),
    .rst_ni       (rst_ni),
    .start_i      (tx_start_i),
    .opcode_i     (tx_opcode_i),
    .seq_i        (tx_seq_i),
    .len_i        (tx_len_i),
    .idle_o       (tx_idle_o),
    .pay_addr_o   (tx_pay_addr),
    .pay_data_i   (txram_rdata_q),
    .byte_o       (out_data_o),
    .byte_valid_o (out_valid_o),
    .byte_ready_i (out_ready_i)
  );

endmodule
