// ncx_frame_tx — the ncx/1 frame encoder (docs/protocol.md §4)
//
// Sends one frame per start: Sync0 Sync1, opcode, seq, len (LE), hcrc (CRC-8/SMBUS of
// the four bytes before it, ncx_crc8), the len payload bytes read from a source, and the
// CRC-32 (ncx_crc32 over opcode .. payload) little-endian: len + 11 bytes, byte for byte
// what firmware-model's wire::encode writes. Nothing is sent between frames. The
// output is a one-byte register with valid/ready, toward ncx_uart_tx.
//
// Ports
//   clk_i, rst_ni        clock; asynchronous active-low reset (idle, nothing offered)
//   start_i, opcode_i,   send a frame: sampled in a cycle with start_i && idle_o. len_i
//   seq_i, len_i           must be at most MaxPayload; a start with a larger len_i is
//                          ignored (a frame is never truncated; the encoder stays idle)
//   idle_o               no frame in progress and the output register empty (the last
//                          byte of the previous frame has been taken)
//   pay_addr_o,          payload source, one cycle of latency: in every cycle pay_data_i
//   pay_data_i             must be the byte at pay_addr_o of the previous cycle (a
//                          block RAM read port). pay_addr_o depends combinationally on
//                          byte_ready_i (it is the address of the byte to send after
//                          the next edge), and is 0 while idle. The source must hold
//                          the payload from start_i until the frame's last byte is
//                          taken
//   byte_o, byte_valid_o, the frame's bytes; byte_o is taken at a clock edge with
//   byte_ready_i           byte_valid_o && byte_ready_i. byte_valid_o and byte_o are
//                          registers
//
// Timing. Cycle n is the clock period ending with the n-th rising edge after reset. A
// start sampled in cycle q puts Sync0 on the output in cycle q + 1; each following byte
// is on the output in the cycle after the previous one is taken (one byte per cycle
// while byte_ready_i is high: the whole frame in cycles q + 1 .. q + len + 11), and
// idle_o is high again in the cycle after the last byte is taken.
//
//   cycle          q       q+1     q+2     q+3           q+len+11  q+len+12
//   start_i      __/~~~~~~~\______________________ ... ___________________
//   byte_ready_i ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~ ... ~~~~~~~~~~~~~~~~~~~
//   byte_valid_o __________/~~~~~~~~~~~~~~~~~~~~~~ ... ~~~~~~~~~~\________
//   byte_o       ----------< A5    < 5A    < opc   ... < crc[31:24] >-----
//   idle_o       ~~~~~~~~~~\_______________________ ... ___________/~~~~~~~~
module ncx_frame_tx (
  input  logic                                    clk_i,
  input  logic                                    rst_ni,
  input  logic                                    start_i,
  input  logic [7:0]                              opcode_i,
  input  logic [7:0]                              seq_i,
  input  logic [$clog2(ncx_pkg::MaxPayload+1)-1:0] len_i,
  output logic                                    idle_o,
  output logic [$clog2(ncx_pkg::MaxPayload)-1:0]   pay_addr_o,
  input  logic [7:0]                              pay_data_i,
  output logic [7:0]                              byte_o,
  output logic                                    byte_valid_o,
  input  logic                                    byte_ready_i
);

  localparam int AddrWidth = $clog2(ncx_pkg::MaxPayload);
  localparam int LenWidth  = $clog2(ncx_pkg::MaxPayload + 1);

  localparam logic [LenWidth-1:0] MaxLen = ncx_pkg::MaxPayload[LenWidth-1:0];
  localparam logic [LenWidth-1:0] LenOne = {{(LenWidth - 1) {1'b0}}, 1'b1};

  typedef enum logic [2:0] {
    TxIdle,     // no frame
    TxHeader,   // the next byte is header byte idx_q (1 = sync1 .. 6 = hcrc)
    TxPayload,  // the next byte is payload byte cnt_q
    TxTrailer   // the next byte is trailer byte idx_q (0 .. 3)
  } tx_state_e;

  tx_state_e           state_d, state_q;
  logic [2:0]          idx_d, idx_q;      // header or trailer byte
  logic [LenWidth-1:0] cnt_d, cnt_q;      // payload bytes sent
  logic [7:0]          opcode_d, opcode_q;
  logic [7:0]          seq_d, seq_q;
  logic [LenWidth-1:0] len_d, len_q;
  logic [7:0]          hcrc_d, hcrc_q;    // CRC-8 register over the header so far
  logic [31:0]         fcrc_d, fcrc_q;    // CRC-32 register over opcode .. payload so far
  logic [7:0]          out_d, out_q;      // output register
  logic                valid_d, valid_q;

  // The output register is free at the end of this cycle.
  logic free;
  assign free = !valid_q || byte_ready_i;

  // The next byte and whether it goes into the CRCs.
  logic [7:0]  next_byte;
  logic [15:0] len16;
  logic [31:0] fcrc_out;  // the CRC as sent
  assign len16    = {{(16 - LenWidth) {1'b0}}, len_q};
  assign fcrc_out = fcrc_q ^ ncx_pkg::FrameCrcXorOut;

  logic [7:0]  hcrc_next;
  logic [31:0] fcrc_next;

  ncx_crc8 u_hcrc (
    .crc_i  (hcrc_q),
    .data_i (next_byte),
    .crc_o  (hcrc_next)
  );

  ncx_crc32 u_fcrc (
    .crc_i  (fcrc_q),
    .data_i (next_byte),
    .crc_o  (fcrc_next)
  );

  // The header byte idx_q (1 = sync1 .. 6 = hcrc) and the trailer byte idx_q (0 .. 3),
  // selected outside the always_comb: Icarus 11 does not support constant bit selects
  // inside always_* processes.
  logic [47:0] hdr_bytes;  // header byte k (1 .. 6) at [8(k-1) +: 8]
  logic [7:0]  hdr_byte;
  logic [7:0]  trl_byte;
  logic [2:0]  hdr_idx;
  logic [1:0]  trl_idx;
  assign hdr_bytes = {hcrc_q ^ ncx_pkg::HeaderCrcXorOut, len16, seq_q, opcode_q, ncx_pkg::Sync1};
  assign hdr_idx   = idx_q - 3'd1;
  assign trl_idx   = idx_q[1:0];
  assign hdr_byte  = hdr_bytes[{hdr_idx, 3'b000} +: 8];
  assign trl_byte  = fcrc_out[{trl_idx, 3'b000} +: 8];

  always_comb begin
    unique case (state_q)
      TxHeader:  next_byte = hdr_byte;
      TxPayload: next_byte = pay_data_i;
      TxTrailer: next_byte = trl_byte;
      default:   next_byte = ncx_pkg::Sync0;
    endcase
  end

  always_comb begin
    state_d  = state_q;
    idx_d    = idx_q;
    cnt_d    = cnt_q;
    opcode_d = opcode_q;
    seq_d    = seq_q;
    len_d    = len_q;
    hcrc_d   = hcrc_q;
    fcrc_d   = fcrc_q;
    out_d    = out_q;
    valid_d  = valid_q && !byte_ready_i;

    unique case (state_q)
      TxIdle: begin
        if (start_i && !valid_q && len_i <= MaxLen) begin
          // Sync0 goes straight into the empty output register.
          out_d    = ncx_pkg::Sync0;
          valid_d  = 1'b1;
          opcode_d = opcode_i;
          seq_d    = seq_i;
          len_d    = len_i;
          hcrc_d   = ncx_pkg::HeaderCrcInit;
          fcrc_d   = ncx_pkg::FrameCrcInit;
          cnt_d    = '0;
          idx_d    = 3'd1;
          state_d  = TxHeader;
        end
      end
      TxHeader: begin
        if (free) begin
          out_d   = next_byte;
          valid_d = 1'b1;
          idx_d   = idx_q + 3'd1;
          if (idx_q >= 3'd2 && idx_q <= 3'd5) begin
            hcrc_d = hcrc_next;
          end
          if (idx_q >= 3'd2) begin
            fcrc_d = fcrc_next;
          end
          if (idx_q == 3'd6) begin
            idx_d = 3'd0;
            if (len_q == '0) begin
              state_d = TxTrailer;
            end else begin
              state_d = TxPayload;
            end
          end
        end
      end
      TxPayload: begin
        if (free) begin
          out_d   = next_byte;
          valid_d = 1'b1;
          fcrc_d  = fcrc_next;
          cnt_d   = cnt_q + LenOne;
          if (cnt_q + LenOne == len_q) begin
            state_d = TxTrailer;
            idx_d   = 3'd0;
          end
        end
      end
      TxTrailer: begin
        if (free) begin
          out_d   = next_byte;
          valid_d = 1'b1;
          idx_d   = idx_q + 3'd1;
          if (idx_q == 3'd3) begin
            state_d = TxIdle;
            cnt_d   = '0;
          end
        end
      end
      default: begin
        state_d = TxIdle;
      end
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q  <= TxIdle;
      idx_q    <= 3'd0;
      cnt_q    <= '0;
      opcode_q <= 8'h00;
      seq_q    <= 8'h00;
      len_q    <= '0;
      hcrc_q   <= ncx_pkg::HeaderCrcInit;
      fcrc_q   <= ncx_pkg::FrameCrcInit;
      out_q    <= 8'h00;
      valid_q  <= 1'b0;
    end else begin
      state_q  <= state_d;
      idx_q    <= idx_d;
      cnt_q    <= cnt_d;
      opcode_q <= opcode_d;
      seq_q    <= seq_d;
      len_q    <= len_d;
      hcrc_q   <= hcrc_d;
      fcrc_q   <= fcrc_d;
      out_q    <= out_d;
      valid_q  <= valid_d;
    end
  end

  assign idle_o       = (state_q == TxIdle) && !valid_q;
  assign pay_addr_o   = cnt_d[AddrWidth-1:0];
  assign byte_o       = out_q;
  assign byte_valid_o = valid_q;

endmodule
