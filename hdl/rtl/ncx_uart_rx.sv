// ncx_uart_rx — UART receiver, 8N1, run-time baud divisor
//
// Receives 8N1 characters (1 start bit, 8 data bits LSB first, no parity, 1 stop
// bit; docs/protocol.md §1) from the serial line `rx_i` and hands each byte out
// through a one-byte valid/ready holding register. Modelled on Alex Forencich's
// verilog-uart `uart_rx` (frame and overrun error strobes), in lowRISC style.
//
// The baud rate is a run-time input, not a parameter: `divisor_i` is the number of
// clock cycles per bit (baud = clk / divisor), so the host-side rate can change
// without a new bitstream, and one build serves every board clock. Values below
// 4 act as 4 (the smallest divisor for which the timing below holds). Change
// `divisor_i` only while the line is idle.
//
// Ports
//   clk_i, rst_ni        clock; asynchronous active-low reset
//   divisor_i            clock cycles per bit (>= 4; smaller values act as 4)
//   rx_i                 serial line, idle high; asynchronous (two-flop synchronizer)
//   data_o, valid_o,     received byte. valid_o rises at the end of the stop bit
//   ready_i                and stays high until taken (valid_o && ready_i at a
//                          clock edge). With ready_i held high it is a one-cycle
//                          strobe: the "byte received" instant of
//                          docs/protocol.md §10.1.
//   frame_error_o        one-cycle strobe, same cycle valid_o would rise: the stop
//                          bit was 0. The byte is dropped (valid_o unchanged) and the
//                          receiver waits for the line to go high before it looks
//                          for the next start bit (a break gives one error, not one
//                          per character time).
//   overrun_error_o      one-cycle strobe together with valid_o when a byte completes
//                          (valid_o rises in cycle c+10D, below) while the previous
//                          byte is still held: not taken by the end of cycle
//                          c+10D-1 (valid_o && !ready_i in that cycle). The previous
//                          byte is lost; data_o now holds the new one.
//
// Timing. Cycle n is the clock period that ends with the n-th rising edge after
// reset; an input "in cycle n" is sampled by that edge. Let D = divisor and let
// the start bit's falling edge be at the start of cycle c, i.e. rx_i is low in
// cycles c .. c+D-1 (start bit), bit i (i = 0..7) is in cycles c+(i+1)D ..
// c+(i+2)D-1, the stop bit in c+9D .. c+10D-1.
//   * Sampling point: bit k of the character (k = 0 start, 1..8 data, 9 stop) is
//     sampled in cycle c + kD + H, H = floor((D-1)/2): the middle cycle of the bit for odd D, the earlier of the
//     two middle cycles for even D. The start bit is checked there too: a low
//     pulse shorter than H+1 cycles is ignored (false start).
//   * The synchronizer delays rx_i by 2 cycles and valid_o is a register, so the
//     stop bit's sample is seen 2 cycles late and the result shows 1 cycle after
//     that; the counters compensate. Result: valid_o (or frame_error_o) is high in
//     cycle c + 10D exactly — the first cycle after the stop bit, 10·D cycles after
//     the start bit's falling edge. This needs H + 3 <= D, hence D >= 4.
//   * The receiver is ready for the next start bit from cycle c + 10D on, so
//     back-to-back characters (next start bit in cycle c + 10D) are all received,
//     each valid_o exactly 10·D cycles after the previous one.
//
//   cycle    c        c+H      c+D           c+9D+H        c+10D      c+10D+1
//            |        |        |             |             |          |
//   rx_i   ~~\________:________/X d0 X ... X d7 /~~~stop~~~~~\_next start...
//                     ^ start   ^ sample each bit at +H     |
//                       checked                             |
//   valid_o ________________________________________________/~~~~~~~~~~\______
//   ready_i ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//   data_o  ---------------------------------------------<  byte        >-----
//                                       (taken at the edge ending c+10D)
//
// With ready_i low the byte is held:
//
//   valid_o ______/~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\____
//   ready_i ____________________________________/~~~~~~~~~~\____
//   data_o  ------<  byte k                              >-----
//                 c+10D                        taken here ^
//
// If byte k is still held at the end of the cycle before byte k+1 shows (cycle
// c+20D-1 for back-to-back bytes: valid_o high, ready_i low), byte k+1 replaces
// it in cycle c+20D and overrun_error_o is high in that one cycle.
module ncx_uart_rx #(
  parameter int DivisorWidth = 16
) (
  input  logic                    clk_i,
  input  logic                    rst_ni,
  input  logic [DivisorWidth-1:0] divisor_i,
  input  logic                    rx_i,
  output logic [7:0]              data_o,
  output logic                    valid_o,
  input  logic                    ready_i,
  output logic                    frame_error_o,
  output logic                    overrun_error_o
);

  typedef enum logic [2:0] {
    RxIdle,    // waiting for the line to go low
    RxStart,   // counting to the start bit's sampling point
    RxData,    // counting to each data bit's sampling point
    RxStop,    // counting to the stop bit's sampling point
    RxFinish,  // counting from the stop bit's sample to the end of the character
    RxBreak    // after a frame error: waiting for the line to go high
  } rx_state_e;

  localparam logic [DivisorWidth-1:0] One        = {{(DivisorWidth - 1) {1'b0}}, 1'b1};
  localparam logic [DivisorWidth-1:0] Two        = {{(DivisorWidth - 2) {1'b0}}, 2'd2};
  localparam logic [DivisorWidth-1:0] Three      = {{(DivisorWidth - 2) {1'b0}}, 2'd3};
  localparam logic [DivisorWidth-1:0] MinDivisor = {{(DivisorWidth - 3) {1'b0}}, 3'd4};

  // Timing constants derived from the divisor (see the header), each the value a counter
  // is loaded with (the cycles to wait, minus 1). With D >= 4 and H = floor((D-1)/2):
  // D - H - 3 = floor(D/2) - 2, the cycles from the stop bit's sample to the end.
  logic [DivisorWidth-1:0] divisor;      // D, at least MinDivisor
  logic [DivisorWidth-1:0] bit_wait;     // D - 1
  logic [DivisorWidth-1:0] half_wait;    // H - 1 = floor((D-3)/2) >= 0
  logic [DivisorWidth-1:0] finish_wait;  // D - H - 4 = floor(D/2) - 3 (used when D > 5)
  logic                    finish_now;   // D - H - 3 = 0: D is 4 or 5

  assign divisor     = (divisor_i < MinDivisor) ? MinDivisor : divisor_i;
  assign bit_wait    = divisor - One;
  assign half_wait   = (divisor - Three) >> 1;
  assign finish_wait = (divisor >> 1) - Three;
  assign finish_now  = (divisor >> 1) == Two;

  // Two-flop synchronizer of the asynchronous line; resets to idle (high).
  logic rx_meta_q, rx_sync_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      rx_meta_q <= 1'b1;
      rx_sync_q <= 1'b1;
    end else begin
      rx_meta_q <= rx_i;
      rx_sync_q <= rx_meta_q;
    end
  end

  rx_state_e               state_d, state_q;
  logic [DivisorWidth-1:0] cnt_d, cnt_q;      // cycles to the next event, counting down
  logic [2:0]              bit_d, bit_q;      // data bit being received
  logic [7:0]              shift_d, shift_q;  // data bits, shifted in at the MSB
  logic                    stop_d, stop_q;    // the stop bit's sample
  logic [7:0]              data_d, data_q;    // holding register
  logic                    valid_d, valid_q;
  logic                    frame_error_d, frame_error_q;
  logic                    overrun_d, overrun_q;

  // Ends the character: deliver the byte (stop bit 1) or report a frame error.
  logic finish;
  // The stop bit: in RxStop it is being sampled (rx_sync_q), in RxFinish it was stored.
  logic stop_ok;
  assign stop_ok = (state_q == RxStop) ? rx_sync_q : stop_q;
  // The shift register with the line's sample shifted in at the MSB.
  logic [7:0] shift_in;
  assign shift_in = {rx_sync_q, shift_q[7:1]};

  always_comb begin
    state_d       = state_q;
    cnt_d         = cnt_q;
    bit_d         = bit_q;
    shift_d       = shift_q;
    stop_d        = stop_q;
    finish        = 1'b0;

    unique case (state_q)
      RxIdle: begin
        if (!rx_sync_q) begin
          state_d = RxStart;
          cnt_d   = half_wait;
        end
      end
      RxStart: begin
        if (cnt_q != '0) begin
          cnt_d = cnt_q - One;
        end else if (rx_sync_q) begin
          state_d = RxIdle;  // false start: the line is high again at mid-bit
        end else begin
          state_d = RxData;
          cnt_d   = bit_wait;
          bit_d   = 3'd0;
        end
      end
      RxData: begin
        if (cnt_q != '0) begin
          cnt_d = cnt_q - One;
        end else begin
          shift_d = shift_in;
          cnt_d   = bit_wait;
          bit_d   = bit_q + 3'd1;
          if (bit_q == 3'd7) begin
            state_d = RxStop;
          end
        end
      end
      RxStop: begin
        if (cnt_q != '0) begin
          cnt_d = cnt_q - One;
        end else begin
          stop_d = rx_sync_q;
          if (finish_now) begin
            finish = 1'b1;
          end else begin
            state_d = RxFinish;
            cnt_d   = finish_wait;
          end
        end
      end
      RxFinish: begin
        if (cnt_q != '0) begin
          cnt_d = cnt_q - One;
        end else begin
          finish = 1'b1;
        end
      end
      RxBreak: begin
        if (rx_sync_q) begin
          state_d = RxIdle;
        end
      end
      default: begin
        state_d = RxIdle;
      end
    endcase

    if (finish) begin
      if (stop_ok) begin
        state_d = RxIdle;
      end else begin
        state_d = RxBreak;
      end
    end
  end

  // The holding register and the error strobes.

  always_comb begin
    data_d        = data_q;
    valid_d       = valid_q && !ready_i;
    frame_error_d = 1'b0;
    overrun_d     = 1'b0;
    if (finish) begin
      if (stop_ok) begin
        data_d    = shift_q;
        valid_d   = 1'b1;
        overrun_d = valid_q && !ready_i;
      end else begin
        frame_error_d = 1'b1;
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q       <= RxIdle;
      cnt_q         <= '0;
      bit_q         <= 3'd0;
      shift_q       <= 8'h00;
      stop_q        <= 1'b0;
      data_q        <= 8'h00;
      valid_q       <= 1'b0;
      frame_error_q <= 1'b0;
      overrun_q     <= 1'b0;
    end else begin
      state_q       <= state_d;
      cnt_q         <= cnt_d;
      bit_q         <= bit_d;
      shift_q       <= shift_d;
      stop_q        <= stop_d;
      data_q        <= data_d;
      valid_q       <= valid_d;
      frame_error_q <= frame_error_d;
      overrun_q     <= overrun_d;
    end
  end

  assign data_o          = data_q;
  assign valid_o         = valid_q;
  assign frame_error_o   = frame_error_q;
  assign overrun_error_o = overrun_q;

endmodule
