// ncx_uart_tx — UART transmitter, 8N1, run-time baud divisor
//
// Sends each byte taken on the valid/ready input as an 8N1 character (1 start
// bit, 8 data bits LSB first, no parity, 1 stop bit; docs/protocol.md §1) on the
// serial line `tx_o`, which idles high. Modelled on Alex Forencich's verilog-uart
// `uart_tx`, in lowRISC style.
//
// The baud rate is a run-time input, not a parameter (the same reason as in
// ncx_uart_rx): `divisor_i` is the number of clock cycles per bit; values below 4
// act as 4, like the receiver's. Change `divisor_i` only while idle (ready_o high
// and nothing offered).
//
// Ports
//   clk_i, rst_ni        clock; asynchronous active-low reset
//   divisor_i            clock cycles per bit (>= 4; smaller values act as 4)
//   data_i, valid_i,     byte to send; taken at a clock edge with valid_i && ready_o.
//   ready_o                ready_o depends only on the state, never on valid_i.
//                          It is high while idle and in the last cycle of a stop
//                          bit, so a byte offered in time follows the previous one
//                          with no idle gap.
//   tx_o                 serial line (a register: glitch-free), idle high
//
// Timing. Cycle n is the clock period ending with the n-th rising edge after reset.
// Let D = divisor and let a byte be taken at the edge ending cycle a. Then tx_o is
// low (start bit) in cycles a+1 .. a+D, carries data bit i in a+1+(i+1)D ..
// a+(i+2)D, and is high (stop bit) in a+1+9D .. a+10D: 10·D cycles per character.
// ready_o is high in cycle a+10D, the stop bit's last cycle, so the next byte can
// be taken at its end and its start bit begins in cycle a+10D+1, right after the
// stop bit.
//
//   cycle     a    a+1          a+D+1               a+9D+1        a+10D  a+10D+1
//             |    |            |                   |             |      |
//   valid_i __/~~~~\_____________________________________________/~~~~~~\_____
//   data_i  --< b0 >---------------------------------------------< b1   >-----
//   ready_o ~~~~~~~\_____________________________________________/~~~~~~\_____
//   tx_o    ~~~~~~~\____start____X d0 X d1 X ... X d7 /~~~stop~~~~~~~~~~\_start
//                  taken at the edge ending a    b1 taken at the edge ending a+10D
module ncx_uart_tx #(
  parameter int DivisorWidth = 16
) (
  input  logic                    clk_i,
  input  logic                    rst_ni,
  input  logic [DivisorWidth-1:0] divisor_i,
  input  logic [7:0]              data_i,
  input  logic                    valid_i,
  output logic                    ready_o,
  output logic                    tx_o
);

  localparam logic [DivisorWidth-1:0] One        = {{(DivisorWidth - 1) {1'b0}}, 1'b1};
  localparam logic [DivisorWidth-1:0] MinDivisor = {{(DivisorWidth - 3) {1'b0}}, 3'd4};

  logic [DivisorWidth-1:0] divisor;  // D, at least MinDivisor
  assign divisor = (divisor_i < MinDivisor) ? MinDivisor : divisor_i;

  logic                    busy_d, busy_q;    // a character is on the line
  logic [DivisorWidth-1:0] cnt_d, cnt_q;      // cycles left in the current bit, minus 1
  logic [3:0]              bits_d, bits_q;    // bits still to send after the current one
  logic [8:0]              shift_d, shift_q;  // those bits, next one at bit 0 (stop bit last)
  logic                    tx_d, tx_q;

  // Idle, or in the last cycle of the stop bit.
  assign ready_o = !busy_q || (cnt_q == '0 && bits_q == 4'd0);

  // The character's bits after the one going out now, and the one going out next.
  logic [8:0] shift_next;
  logic       bit_next;
  assign shift_next = {1'b1, shift_q[8:1]};
  assign bit_next   = shift_q[0];

  always_comb begin
    busy_d  = busy_q;
    cnt_d   = cnt_q;
    bits_d  = bits_q;
    shift_d = shift_q;
    tx_d    = tx_q;

    if (busy_q && cnt_q != '0) begin
      cnt_d = cnt_q - One;
    end else if (busy_q && bits_q != 4'd0) begin
      tx_d    = bit_next;
      shift_d = shift_next;
      bits_d  = bits_q - 4'd1;
      cnt_d   = divisor - One;
    end else if (valid_i) begin
      // ready_o is high here: take the byte and start its start bit.
      busy_d  = 1'b1;
      tx_d    = 1'b0;
      shift_d = {1'b1, data_i};
      bits_d  = 4'd9;
      cnt_d   = divisor - One;
    end else begin
      busy_d = 1'b0;
      tx_d   = 1'b1;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      busy_q  <= 1'b0;
      cnt_q   <= '0;
      bits_q  <= 4'd0;
      shift_q <= 9'h1ff;
      tx_q    <= 1'b1;
    end else begin
      busy_q  <= busy_d;
      cnt_q   <= cnt_d;
      bits_q  <= bits_d;
      shift_q <= shift_d;
      tx_q    <= tx_d;
    end
  end

  assign tx_o = tx_q;

endmodule
