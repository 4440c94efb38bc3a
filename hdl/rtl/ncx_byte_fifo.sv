// ncx_byte_fifo — byte FIFO in block RAM, first-word fall-through, with a bypass
//
// The buffer between the UART receiver and the frame decoder (ncx_frame_rx): while a
// complete frame waits for the command logic the decoder takes no bytes, and the bytes
// that keep arriving wait here in order (docs/protocol.md §10.1 rule 3). The storage is
// a simple dual-port RAM of Depth bytes written in the form yosys maps to block RAM
// (Xilinx RAMB18/36, iCE40 EBR): a synchronous write, and a synchronous read whose
// output register (head_q, no reset) is the FIFO's head. One more byte fits in that
// head register, so the FIFO holds up to Depth + 1 bytes.
//
// Parameters
//   Depth                bytes of RAM (>= 2; any value, a power of two fills the RAM)
//
// Ports
//   clk_i, rst_ni        clock; asynchronous active-low reset (empties the FIFO)
//   data_i, valid_i,     input byte; taken at a clock edge with valid_i && ready_o.
//   ready_o                ready_o is low only when the RAM is full (it does not
//                          depend on valid_i or ready_i)
//   data_o, valid_o,     output byte, the oldest one; taken at a clock edge with
//   ready_i                valid_o && ready_i. When the FIFO is empty the input is
//                          passed through (valid_o = valid_i, data_o = data_i in the
//                          same cycle): a combinational path valid_i/data_i → valid_o/
//                          data_o, and nothing from ready_i to ready_o
//   overflow_o           valid_i && !ready_o: a byte is offered while the FIFO is full
//                          and not taken in this cycle. A source that drops instead of
//                          waiting (a strobe) loses one byte per cycle it is high; a
//                          source that holds its byte (ncx_uart_rx) just waits, and
//                          reports the loss itself (its overrun strobe)
//   count_o              bytes held (0 .. Depth + 1), not counting a byte passed through
//
// Timing. Cycle n is the clock period ending with the n-th rising edge after reset.
//   * Empty FIFO, consumer ready: a byte offered in cycle c is at the output in cycle c
//     and taken by the consumer at the edge ending c (zero latency).
//   * Otherwise a byte taken at the edge ending cycle w is written to the RAM; it is read
//     into the head register at the edge ending a cycle >= w + 1 in which the head is free
//     (empty, or being taken), so it is at the output from cycle w + 2 at the earliest.
//   * A backlog drains at one byte per cycle while ready_i stays high.
//
//   cycle      c       c+1     c+2     c+3
//   valid_i  __/~~~~~~~\___________________      (consumer not ready in c:
//   ready_i  __________/~~~~~~~~~~~~~~~~~~~       the byte goes through the RAM)
//   count_o    0     < 1     < 1     < 0
//   valid_o  __________________/~~~~~~~\___      head register loaded at the end of c+1
module ncx_byte_fifo #(
  parameter int Depth = 2048
) (
  input  logic                         clk_i,
  input  logic                         rst_ni,
  input  logic [7:0]                   data_i,
  input  logic                         valid_i,
  output logic                         ready_o,
  output logic [7:0]                   data_o,
  output logic                         valid_o,
  input  logic                         ready_i,
  output logic                         overflow_o,
  output logic [$clog2(Depth + 2)-1:0] count_o
);

  localparam int AddrWidth  = $clog2(Depth);
  localparam int CountWidth = $clog2(Depth + 2);

  localparam logic [AddrWidth-1:0]  AddrOne   = {{(AddrWidth - 1) {1'b0}}, 1'b1};
  localparam logic [AddrWidth-1:0]  LastAddr  = Depth[AddrWidth-1:0] - AddrOne;
  localparam logic [CountWidth-1:0] CountFull = Depth[CountWidth-1:0];
  // A power-of-two Depth: the pointers wrap by themselves.
  localparam logic                  Wraps     = (2 ** AddrWidth) == Depth;

  // The RAM (no reset: block RAM). Its ports never address one word in the same cycle
  // (below), so yosys builds no read-during-write bypass around it (no_rw_check); a
  // collision's read data would be undefined, and simulation makes it wrong.
  (* no_rw_check *)
  logic [7:0]            mem_q [Depth];
  logic [7:0]            head_q;          // the RAM's read register: the head byte
  logic                  head_valid_d, head_valid_q;
  logic [AddrWidth-1:0]  wptr_d, wptr_q;  // next RAM address to write
  logic [AddrWidth-1:0]  rptr_d, rptr_q;  // next RAM address to read
  // The RAM holds no byte when the pointers are equal and have wrapped as often (their
  // lap bits equal), Depth bytes when they are equal a lap apart: no count of its bytes.
  logic                  wlap_d, wlap_q, rlap_d, rlap_q;
  logic                  ptr_eq, ram_empty, ram_full;
  assign ptr_eq    = wptr_q == rptr_q;
  assign ram_empty = ptr_eq && (wlap_q == rlap_q);
  assign ram_full  = ptr_eq && (wlap_q != rlap_q);

  logic empty;     // nothing held: the input may pass through
  logic pop;       // the consumer takes the output byte
  logic push;      // an input byte goes into the RAM
  logic rd;        // the RAM's oldest byte moves into the head register

  assign empty   = ram_empty && !head_valid_q;
  assign ready_o = !ram_full;
  assign valid_o = head_valid_q || (empty && valid_i);
  assign data_o  = head_valid_q ? head_q : data_i;
  assign pop     = valid_o && ready_i;
  assign push    = valid_i && ready_o && !(empty && ready_i);
  assign rd      = !ram_empty && (!head_valid_q || ready_i);

  always_comb begin
    wptr_d       = wptr_q;
    rptr_d       = rptr_q;
    wlap_d       = wlap_q;
    rlap_d       = rlap_q;
    head_valid_d = head_valid_q;
    if (push) begin
      wptr_d = (!Wraps && (wptr_q == LastAddr)) ? '0 : wptr_q + AddrOne;
      wlap_d = (wptr_q == LastAddr) ? !wlap_q : wlap_q;
    end
    if (rd) begin
      rptr_d       = (!Wraps && (rptr_q == LastAddr)) ? '0 : rptr_q + AddrOne;
      rlap_d       = (rptr_q == LastAddr) ? !rlap_q : rlap_q;
      head_valid_d = 1'b1;
    end else if (pop) begin
      head_valid_d = 1'b0;
    end
  end

  // The RAM: a write port and a read port into head_q. They never address the same
  // word in one cycle: a read needs a byte in the RAM and a write room for one.
  always_ff @(posedge clk_i) begin
    if (push) begin
      mem_q[wptr_q] <= data_i;
    end
    if (rd) begin
`ifdef SYNTHESIS
      head_q <= mem_q[rptr_q];
`else
      // Simulation: were a collision possible, its (undefined) data would be wrong here.
      head_q <= (push && (wptr_q == rptr_q)) ? ~mem_q[rptr_q] : mem_q[rptr_q];
`endif
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      head_valid_q <= 1'b0;
      wptr_q       <= '0;
      rptr_q       <= '0;
      wlap_q       <= 1'b0;
      rlap_q       <= 1'b0;
    end else begin
      head_valid_q <= head_valid_d;
      wptr_q       <= wptr_d;
      rptr_q       <= rptr_d;
      wlap_q       <= wlap_d;
      rlap_q       <= rlap_d;
    end
  end

  assign overflow_o = valid_i && !ready_o;
  // Bytes in the RAM: wptr - rptr, plus Depth a lap apart.
  logic [CountWidth-1:0] used;
  assign used    = CountWidth'(wptr_q) - CountWidth'(rptr_q)
                 + ((wlap_q != rlap_q) ? CountFull : '0);
  assign count_o = used + {{(CountWidth - 1) {1'b0}}, head_valid_q};

endmodule
