// ncx_frame_rx — the ncx/1 frame decoder (docs/protocol.md §3)
//
// Takes bytes one at a time (valid/ready) and implements the receiver of
// docs/protocol.md §3 exactly as its executable spec, firmware-model/src/wire/decoder.rs:
//   1. hunt: discard bytes until Sync0 (0xA5);
//   2. sync: the next byte must be Sync1 (0x5A); another 0xA5 replaces the held sync0;
//      anything else discards both and hunts again;
//   3. header: opcode, seq, len (LE) and hcrc (CRC-8/SMBUS of the four bytes before it,
//      ncx_crc8). A wrong hcrc or len > MaxPayload is a header error: the sync is
//      discarded and the 5 header bytes are re-scanned from the hunt state, from the
//      header register, before any new byte is taken (5 cycles, byte_ready_o low) —
//      so a frame whose sync0 hides in a corrupted header is found;
//   4. payload and trailer: len bytes into the payload buffer and the 4-byte CRC-32
//      (ncx_crc32 over opcode .. payload, sent LE). A right CRC delivers the frame, a
//      wrong one drops it (CRC error); either way the decoder hunts again from the next
//      byte.
// A delivered frame is held (frame_valid_o) until the command logic acknowledges it
// (frame_ack_i); meanwhile no byte is taken, so the bytes that follow wait in front
// (ncx_byte_fifo) and reach the decoder after the frame (docs/protocol.md §10.1 rule
// 3). Errors never hold: they are one-cycle strobes.
//
// The counters are those of decoder.rs (DecoderStats), 32 bits, wrapping: every byte
// taken is, at any time, in a delivered frame, discarded, or pending (held in the
// state machine). Between bytes the counters equal decoder.rs's after the same bytes,
// except during the 5 cycles of a re-scan, whose discards are counted as the bytes are
// re-scanned (no frame is delivered and no byte taken meanwhile).
//
// The payload buffer (MaxPayload bytes) is a simple dual-port RAM in the form yosys
// maps to block RAM (RAMB18 / 2 EBR): the decoder writes it, the command logic reads it
// through pay_addr_i / pay_rdata_o. Its contents are those of the delivered frame while
// frame_valid_o is high.
//
// Ports
//   clk_i, rst_ni        clock; asynchronous active-low reset (hunting, counters 0)
//   byte_i, byte_valid_i, the next byte of the stream; taken at a clock edge with
//   byte_ready_o           byte_valid_i && byte_ready_o. byte_ready_o is a function of
//                          registers only: low while a frame is held and during a
//                          re-scan, high otherwise
//   frame_valid_o        a delivered frame is held; high from the cycle after its last
//                          byte is taken until (and including) the cycle of
//                          frame_ack_i
//   opcode_o, seq_o,     the held frame's opcode, seq, payload length (0..MaxPayload)
//   len_o, crc_o           and received trailer (CRC-32, the value whose bytes are sent
//                          LE; §7's duplicate rule compares it: the CRC the decoder
//                          computed, which a delivered frame's trailer equals); stable
//                          while frame_valid_o is high
//   frame_ack_i          the command logic is done with the frame: with frame_valid_o
//                          high, the frame is released at the edge ending this cycle
//                          and bytes are taken again from the next cycle
//   pay_addr_i,          payload read port: pay_rdata_o in cycle c+1 is payload byte
//   pay_rdata_o            pay_addr_i of cycle c (one cycle of latency) when c is a cycle
//                          of frame_valid_o; while a payload is being received, a read of
//                          the byte written in the same cycle returns undefined data
//   err_valid_o          one-cycle strobe: a frame was rejected; in that cycle
//   err_kind_o             ErrHeaderCrc (1): wrong hcrc; ErrTooLong (2): len >
//                          MaxPayload (hcrc right); ErrPayloadCrc (3): wrong CRC-32
//   err_offset_o           the stream offset of the rejected frame's sync0 (bytes
//                          taken since reset before it, mod 2^32)
//   err_len_o              the header's len field (the announced length)
//   frames_o             counters since reset, mod 2^32 (decoder.rs DecoderStats):
//   header_errors_o        frames delivered; header errors; CRC errors; bytes of
//   crc_errors_o           delivered frames (sync to trailer); bytes discarded; bytes
//   frame_bytes_o          taken. Each is updated at the edge that takes (or, for a
//   discarded_o            re-scan, re-scans) the byte that decides it: frames_o
//   seen_o                 counts a frame from the first cycle of frame_valid_o
//
// Timing. A byte taken at the edge ending cycle c is decided in that cycle: if it is a
// frame's last byte, frame_valid_o (or err_valid_o with ErrPayloadCrc) is high in cycle
// c + 1; if it is a header's hcrc, err_valid_o (header error) is high in cycle c + 1
// and the re-scan occupies cycles c + 1 .. c + 5 (byte_ready_o low), so the next byte
// is taken at the earliest at the edge ending c + 6. With ncx_byte_fifo in front, empty
// (its pass-through), a frame whose last byte is offered in cycle c is valid in c + 1.
//
//   cycle         c        c+1      c+2      c+3
//   byte_valid_i  /~~~~~~~~\________/~~~~~~~~~~~~~~     last byte in c; next offered
//   byte_ready_o  ~~~~~~~~~\_________________/~~~~~       from c+2, taken at c+3's end
//   frame_valid_o __________/~~~~~~~~~~~~~~~~\_____
//   frame_ack_i   ___________________/~~~~~~~~\_____     acknowledged in c+2
module ncx_frame_rx (
  input  logic                                  clk_i,
  input  logic                                  rst_ni,
  input  logic [7:0]                            byte_i,
  input  logic                                  byte_valid_i,
  output logic                                  byte_ready_o,
  output logic                                  frame_valid_o,
  output logic [7:0]                            opcode_o,
  output logic [7:0]                            seq_o,
  output logic [$clog2(ncx_pkg::MaxPayload+1)-1:0] len_o,
  output logic [31:0]                           crc_o,
  input  logic                                  frame_ack_i,
  input  logic [$clog2(ncx_pkg::MaxPayload)-1:0] pay_addr_i,
  output logic [7:0]                            pay_rdata_o,
  output logic                                  err_valid_o,
  output logic [1:0]                            err_kind_o,
  output logic [31:0]                           err_offset_o,
  output logic [15:0]                           err_len_o,
  output logic [31:0]                           frames_o,
  output logic [31:0]                           header_errors_o,
  output logic [31:0]                           crc_errors_o,
  output logic [31:0]                           frame_bytes_o,
  output logic [31:0]                           discarded_o,
  output logic [31:0]                           seen_o
);

  localparam int AddrWidth = $clog2(ncx_pkg::MaxPayload);
  localparam int LenWidth  = $clog2(ncx_pkg::MaxPayload + 1);

  // err_kind_o values.
  localparam logic [1:0] ErrHeaderCrc  = 2'd1;
  localparam logic [1:0] ErrTooLong    = 2'd2;
  localparam logic [1:0] ErrPayloadCrc = 2'd3;

  // Header bytes after the sync (opcode, seq, len LE, hcrc) and trailer bytes.
  localparam logic [2:0] HeaderLast  = 3'd4;
  localparam logic [2:0] TrailerLast = 3'd3;
  localparam logic [31:0] CrcXorOut  = ncx_pkg::FrameCrcXorOut;
  // Frame overhead (sync, header fields, trailer): 11 bytes.
  localparam logic [31:0] Overhead   = ncx_pkg::HeaderLen + ncx_pkg::TrailerLen;
  localparam logic [15:0] MaxLen     = ncx_pkg::MaxPayload[15:0];
  localparam logic [31:0] One        = 32'd1;
  localparam logic [LenWidth:0] DiscOne = {{LenWidth{1'b0}}, 1'b1};
  localparam logic [LenWidth:0] DiscTwo = {{(LenWidth - 1) {1'b0}}, 2'd2};
  localparam logic [LenWidth-1:0] LenOne = {{(LenWidth - 1) {1'b0}}, 1'b1};

  typedef enum logic [2:0] {
    RxHunt,     // discarding bytes until a sync0
    RxSync,     // a sync0 is held; the next byte must be sync1
    RxHeader,   // got_q header bytes after the sync are in hdr_q
    RxPayload,  // cnt_q payload bytes are in the buffer
    RxTrailer   // got_q trailer bytes have been compared with the CRC
  } rx_state_e;

  rx_state_e            state_d, state_q;
  logic [2:0]           got_d, got_q;        // header or trailer bytes so far
  logic [LenWidth-1:0]  cnt_d, cnt_q;        // payload bytes so far
  logic [39:0]          hdr_d, hdr_q;        // header byte k at [8k +: 8]
  logic                 trl_bad_d, trl_bad_q;  // a trailer byte so far differed from the CRC
  logic [7:0]           hcrc_d, hcrc_q;      // CRC-8 register over the header so far
  logic [31:0]          fcrc_d, fcrc_q;      // CRC-32 register over opcode .. payload so far
  logic [2:0]           rescan_d, rescan_q;  // header bytes still to re-scan (0..5)
  logic [31:0]          pos;                 // stream offset of the next byte processed
  logic [31:0]          start_d, start_q;    // stream offset of the held sync0
  logic                 frame_valid_d, frame_valid_q;
  logic                 err_valid_d, err_valid_q;
  logic [1:0]           err_kind_d, err_kind_q;
  logic [31:0]          frames_d, frames_q;
  logic [31:0]          header_errors_d, header_errors_q;
  logic [31:0]          crc_errors_d, crc_errors_q;
  logic [31:0]          frame_bytes_d, frame_bytes_q;
  logic [31:0]          discarded_d, discarded_q;
  logic [31:0]          seen_d, seen_q;

  // The byte processed in this cycle: a re-scanned header byte, or the input byte.
  logic       take;        // the input byte is taken at the end of this cycle
  logic       proc_en;     // a byte is processed in this cycle
  logic [7:0] proc_byte;
  logic [2:0] rescan_idx;  // the header byte being re-scanned: 5 - rescan_q

  assign byte_ready_o = !frame_valid_q && (rescan_q == 3'd0);
  assign take         = byte_valid_i && byte_ready_o;
  assign rescan_idx   = 3'd5 - rescan_q;
  assign proc_en      = take || (rescan_q != 3'd0);
  assign proc_byte    = (rescan_q != 3'd0) ? hdr_q[{rescan_idx, 3'b000} +: 8] : byte_i;

  // The stream offset of the byte processed: bytes taken, less the header bytes still to
  // re-scan. A header error is decided at a taken byte, its hcrc at start_q + 6 (no byte
  // is taken during a re-scan, and 5 re-scanned bytes cannot complete a header), so its
  // re-scan starts at start_q + 2 = seen_q - 5 and ends at seen_q.
  assign pos = seen_q - {29'd0, rescan_q};

  // Fields of the registers, as wires: Icarus 11 does not support constant bit selects
  // inside always_* processes.
  logic [15:0]         hdr_len;      // the header's len field
  logic [LenWidth-1:0] hdr_len_cnt;  // its low bits, for the payload count
  logic [31:0]         fcrc_rot;     // fcrc_q rotated by a byte
  logic [7:0]          crc_byte;     // the CRC's (xor-out applied) trailer byte got_q
  logic [1:0]          trl_k;
  assign hdr_len     = hdr_q[31:16];
  assign hdr_len_cnt = hdr_q[16 +: LenWidth];
  assign fcrc_rot    = {fcrc_q[7:0], fcrc_q[31:8]};
  assign trl_k       = got_q[1:0];
  assign crc_byte    = fcrc_q[7:0] ^ CrcXorOut[{trl_k, 3'b000} +: 8];

  // CRC updates with the processed byte.
  logic [7:0]  hcrc_next;
  logic [31:0] fcrc_next;

  ncx_crc8 u_hcrc (
    .crc_i  (hcrc_q),
    .data_i (proc_byte),
    .crc_o  (hcrc_next)
  );

  ncx_crc32 u_fcrc (
    .crc_i  (fcrc_q),
    .data_i (proc_byte),
    .crc_o  (fcrc_next)
  );

  // Payload buffer write port.
  logic                 pay_we;
  logic [AddrWidth-1:0] pay_waddr;
  assign pay_we    = proc_en && (state_q == RxPayload);
  assign pay_waddr = cnt_q[AddrWidth-1:0];

  // Bytes discarded by the byte processed in this cycle (0, 1, 2 or the frame's size),
  // set in the process below.
  logic [LenWidth:0] disc_inc;

  // Bytes of the frame in the trailer: len + 11. In the trailer len <= MaxPayload, so
  // its low LenWidth bits (hdr_len_cnt) are all of it.
  logic [LenWidth:0] frame_size;
  assign frame_size = {1'b0, hdr_len_cnt} + Overhead[LenWidth:0];

  always_comb begin
    state_d         = state_q;
    got_d           = got_q;
    cnt_d           = cnt_q;
    hdr_d           = hdr_q;
    trl_bad_d       = trl_bad_q;
    hcrc_d          = hcrc_q;
    fcrc_d          = fcrc_q;
    rescan_d        = (rescan_q != 3'd0) ? rescan_q - 3'd1 : 3'd0;
    start_d         = start_q;
    frame_valid_d   = frame_valid_q && !frame_ack_i;
    err_valid_d     = 1'b0;
    err_kind_d      = err_kind_q;
    frames_d        = frames_q;
    header_errors_d = header_errors_q;
    crc_errors_d    = crc_errors_q;
    frame_bytes_d   = frame_bytes_q;
    disc_inc        = '0;
    seen_d          = take ? seen_q + One : seen_q;

    if (proc_en) begin
      unique case (state_q)
        RxHunt: begin
          if (proc_byte == ncx_pkg::Sync0) begin
            start_d = pos;
            state_d = RxSync;
          end else begin
            disc_inc = DiscOne;
          end
        end
        RxSync: begin
          if (proc_byte == ncx_pkg::Sync1) begin
            state_d = RxHeader;
            got_d   = 3'd0;
            hcrc_d    = ncx_pkg::HeaderCrcInit;
            fcrc_d    = ncx_pkg::FrameCrcInit;
            trl_bad_d = 1'b0;
          end else if (proc_byte == ncx_pkg::Sync0) begin
            // A new sync0 replaces the held one.
            disc_inc = DiscOne;
            start_d  = pos;
          end else begin
            disc_inc = DiscTwo;
            state_d  = RxHunt;
          end
        end
        RxHeader: begin
          hdr_d[{got_q, 3'b000} +: 8] = proc_byte;
          hcrc_d = hcrc_next;
          fcrc_d = fcrc_next;
          got_d  = got_q + 3'd1;
          if (got_q == HeaderLast) begin
            if ((hcrc_q ^ ncx_pkg::HeaderCrcXorOut) != proc_byte || hdr_len > MaxLen) begin
              // Header error: discard the sync, re-scan the 5 header bytes.
              err_valid_d     = 1'b1;
              err_kind_d      = ((hcrc_q ^ ncx_pkg::HeaderCrcXorOut) != proc_byte) ? ErrHeaderCrc
                                                                                     : ErrTooLong;
              header_errors_d = header_errors_q + One;
              disc_inc        = DiscTwo;
              state_d         = RxHunt;
              rescan_d        = 3'd5;
            end else begin
              cnt_d   = '0;
              got_d   = 3'd0;
              if (hdr_len == 16'h0000) begin
                state_d = RxTrailer;
              end else begin
                state_d = RxPayload;
              end
            end
          end
        end
        RxPayload: begin
          fcrc_d = fcrc_next;
          cnt_d  = cnt_q + LenOne;
          if (cnt_q + LenOne == hdr_len_cnt) begin
            state_d = RxTrailer;
            got_d   = 3'd0;
          end
        end
        // Trailer byte k against the CRC's byte k, at fcrc_q[7:0]: fcrc_q rotates by a
        // byte after each, so that after the trailer it is the frame's CRC again (crc_o).
        RxTrailer: begin
          trl_bad_d = trl_bad_q || (proc_byte != crc_byte);
          fcrc_d    = fcrc_rot;
          got_d     = got_q + 3'd1;
          if (got_q == TrailerLast) begin
            state_d = RxHunt;
            if (!trl_bad_d) begin
              frame_valid_d = 1'b1;
              frames_d      = frames_q + One;
              frame_bytes_d = frame_bytes_q + {{(31 - LenWidth) {1'b0}}, frame_size};
            end else begin
              err_valid_d  = 1'b1;
              err_kind_d   = ErrPayloadCrc;
              crc_errors_d = crc_errors_q + One;
              disc_inc     = frame_size;
            end
          end
        end
        default: begin
          state_d = RxHunt;
        end
      endcase
    end
    discarded_d = discarded_q + {{(31 - LenWidth) {1'b0}}, disc_inc};
  end

  // The payload buffer: a write port (the decoder) and a registered read port.
  // A read of the byte written in the same cycle is undefined (no bypass around the block
  // RAM: no_rw_check); simulation returns the complement of the old byte. It cannot
  // happen to a read issued while frame_valid_o is high: no byte is written then.
  (* no_rw_check *)
  logic [7:0] pay_q [ncx_pkg::MaxPayload];
  logic [7:0] pay_rdata_q;

  always_ff @(posedge clk_i) begin
    if (pay_we) begin
      pay_q[pay_waddr] <= proc_byte;
    end
`ifdef SYNTHESIS
    pay_rdata_q <= pay_q[pay_addr_i];
`else
    pay_rdata_q <= (pay_we && (pay_waddr == pay_addr_i)) ? ~pay_q[pay_addr_i]
                                                           : pay_q[pay_addr_i];
`endif
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q         <= RxHunt;
      got_q           <= 3'd0;
      cnt_q           <= '0;
      hdr_q           <= '0;
      trl_bad_q       <= 1'b0;
      hcrc_q          <= ncx_pkg::HeaderCrcInit;
      fcrc_q          <= ncx_pkg::FrameCrcInit;
      rescan_q        <= 3'd0;
      start_q         <= '0;
      frame_valid_q   <= 1'b0;
      err_valid_q     <= 1'b0;
      err_kind_q      <= 2'd0;
      frames_q        <= '0;
      header_errors_q <= '0;
      crc_errors_q    <= '0;
      frame_bytes_q   <= '0;
      discarded_q     <= '0;
      seen_q          <= '0;
    end else begin
      state_q         <= state_d;
      got_q           <= got_d;
      cnt_q           <= cnt_d;
      hdr_q           <= hdr_d;
      trl_bad_q       <= trl_bad_d;
      hcrc_q          <= hcrc_d;
      fcrc_q          <= fcrc_d;
      rescan_q        <= rescan_d;
      start_q         <= start_d;
      frame_valid_q   <= frame_valid_d;
      err_valid_q     <= err_valid_d;
      err_kind_q      <= err_kind_d;
      frames_q        <= frames_d;
      header_errors_q <= header_errors_d;
      crc_errors_q    <= crc_errors_d;
      frame_bytes_q   <= frame_bytes_d;
      discarded_q     <= discarded_d;
      seen_q          <= seen_d;
    end
  end

  assign frame_valid_o   = frame_valid_q;
  assign opcode_o        = hdr_q[7:0];
  assign seq_o           = hdr_q[15:8];
  assign len_o           = hdr_len_cnt;
  assign crc_o           = fcrc_q ^ ncx_pkg::FrameCrcXorOut;
  assign pay_rdata_o     = pay_rdata_q;
  // err_offset_o and err_len_o are read from start_q and hdr_q: in the strobe's cycle
  // neither has changed yet (a re-scan writes a header byte at its third byte at the
  // earliest, and moves the sync0 at the end of its first).
  assign err_valid_o     = err_valid_q;
  assign err_kind_o      = err_kind_q;
  assign err_offset_o    = start_q;
  assign err_len_o       = hdr_len;
  assign frames_o        = frames_q;
  assign header_errors_o = header_errors_q;
  assign crc_errors_o    = crc_errors_q;
  assign frame_bytes_o   = frame_bytes_q;
  assign discarded_o     = discarded_q;
  assign seen_o          = seen_q;

endmodule
