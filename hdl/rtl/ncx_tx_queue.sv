// ncx_tx_queue — the device's transmit queue: reply and output-frame buffers, a queue of
// frames to send, and the sender that feeds them to the frame encoder in order
//
// The command controller (ncx_ctrl) writes every reply payload into one of 2^ReplyLog2
// reply slots (1 KiB each) and every output-frame payload into one of HistSlots history
// slots (2^HistBytesLog2 bytes each), then pushes a job {source, slot, opcode, seq, len}.
// The jobs are sent in push order (docs/protocol.md §10.1 rule 6: one FIFO transmitter):
// the sender starts ncx_frame_tx with the job's header and serves the encoder's payload
// reads from the job's slot. A slot stays readable until every job that names it has
// been sent: busy bit k of rep_busy_o / hist_busy_o is high while a queued or sending job
// names slot k, and the controller writes a slot only while its bit is low. The same
// slot may be queued several times (a duplicate reply, a RESEND of a kept output frame).
//
// Both buffers are simple dual-port RAMs (ncx_ram_sdp: block RAM). The job queue is a
// small register FIFO of 2^JobLog2 entries.
//
// Parameters
//   ReplyLog2           log2 of the number of reply slots (1 KiB each)
//   HistSlots           output-frame slots (>= 1)
//   HistIdxWidth        bits of a history slot number (>= 1, 2^HistIdxWidth >= HistSlots)
//   HistBytesLog2       log2 of the bytes of a history slot
//   JobLog2             log2 of the job queue's depth
//
// Ports
//   clk_i, rst_ni         clock; asynchronous active-low reset (queue empty, nothing busy)
//   rep_we_i, rep_slot_i, reply buffer write: byte rep_addr_i of slot rep_slot_i, at
//   rep_addr_i,             the edge ending the cycle
//   rep_wdata_i
//   hist_we_i, hist_slot_i, history buffer write, the same
//   hist_addr_i,
//   hist_wdata_i
//   push_i, push_hist_i,  queue a frame: a reply slot (push_hist_i low) or a history slot,
//   push_slot_i,            with its opcode, seq and payload length (1..MaxPayload).
//   push_opcode_i,          Taken when push_i && !full_o at the edge ending the cycle
//   push_seq_i,
//   push_len_i
//   full_o                the queue is full (a push is not taken)
//   empty_o               nothing queued and nothing being sent
//   rep_busy_o,           per slot: a queued or sending job names it (high from the cycle
//   hist_busy_o             after its push until the cycle after its frame's last byte
//                           left the encoder)
//   tx_*                  ncx_frame_tx's start and payload ports
//
// Timing. A job pushed at the edge ending cycle p, with the encoder idle and nothing
// before it, is started in cycle p + 1 (the encoder puts Sync0 out in p + 2). After a
// frame the sender starts the next job in the cycle after the encoder is idle again.
module ncx_tx_queue #(
  parameter int ReplyLog2     = 2,
  parameter int HistSlots     = 16,
  parameter int HistIdxWidth  = 4,
  parameter int HistBytesLog2 = 8,
  parameter int JobLog2       = 5
) (
  input  logic                                      clk_i,
  input  logic                                      rst_ni,

  input  logic                                      rep_we_i,
  input  logic [ReplyLog2-1:0]                      rep_slot_i,
  input  logic [9:0]                                rep_addr_i,
  input  logic [7:0]                                rep_wdata_i,
  input  logic                                      hist_we_i,
  input  logic [HistIdxWidth-1:0]                   hist_slot_i,
  input  logic [HistBytesLog2-1:0]                  hist_addr_i,
  input  logic [7:0]                                hist_wdata_i,

  input  logic                                      push_i,
  input  logic                                      push_hist_i,
  input  logic [7:0]                                push_slot_i,
  input  logic [7:0]                                push_opcode_i,
  input  logic [7:0]                                push_seq_i,
  input  logic [10:0]                               push_len_i,
  output logic                                      full_o,
  output logic                                      empty_o,
  output logic [2**ReplyLog2-1:0]                   rep_busy_o,
  output logic [HistSlots-1:0]                      hist_busy_o,

  output logic                                      tx_start_o,
  output logic [7:0]                                tx_opcode_o,
  output logic [7:0]                                tx_seq_o,
  output logic [10:0]                               tx_len_o,
  input  logic                                      tx_idle_i,
  input  logic [9:0]                                tx_pay_addr_i,
  output logic [7:0]                                tx_pay_data_o
);

  localparam int Replies  = 2 ** ReplyLog2;
  localparam int Jobs     = 2 ** JobLog2;
  localparam int CntWidth = JobLog2 + 2;  // references to one slot: at most Jobs + 1
  localparam int JobWidth = 1 + 8 + 8 + 8 + 11;

  // The job queue: {hist, slot, opcode, seq, len}.
  logic [JobWidth-1:0] jobs_q [Jobs];
  logic [JobLog2-1:0]  wptr_q, rptr_q;
  logic [JobLog2:0]    count_q;
  logic                push, pop;
  logic [JobWidth-1:0] head;

  assign full_o  = count_q[JobLog2];
  assign push    = push_i && !full_o;
  assign head    = jobs_q[rptr_q];

  always_ff @(posedge clk_i) begin
    if (push) begin
      jobs_q[wptr_q] <= {push_hist_i, push_slot_i, push_opcode_i, push_seq_i, push_len_i};
    end
  end

  // The sender: idle, or sending the job in cur_*.
  logic       sending_q;
  logic       cur_hist_q;
  logic [7:0] cur_slot_q;
  logic       done;  // the frame of the current job has left the encoder

  logic       head_hist;
  logic [7:0] head_slot;
  assign head_hist   = head[JobWidth-1];
  assign head_slot   = head[34:27];
  assign tx_opcode_o = head[26:19];
  assign tx_seq_o    = head[18:11];
  assign tx_len_o    = head[10:0];

  assign pop        = !sending_q && (count_q != '0) && tx_idle_i;
  assign tx_start_o = pop;
  assign done       = sending_q && tx_idle_i;
  assign empty_o    = (count_q == '0) && !sending_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      wptr_q     <= '0;
      rptr_q     <= '0;
      count_q    <= '0;
      sending_q  <= 1'b0;
      cur_hist_q <= 1'b0;
      cur_slot_q <= '0;
    end else begin
      if (push) begin
        wptr_q <= wptr_q + 1'b1;
      end
      if (pop) begin
        rptr_q     <= rptr_q + 1'b1;
        cur_hist_q <= head_hist;
        cur_slot_q <= head_slot;
      end
      count_q   <= count_q + {{JobLog2{1'b0}}, push} - {{JobLog2{1'b0}}, pop};
      sending_q <= pop || (sending_q && !done);
    end
  end

  // References per slot: +1 at a push, -1 when its frame is done.
  logic [CntWidth-1:0] one_cnt;
  assign one_cnt = {{(CntWidth - 1) {1'b0}}, 1'b1};

  for (genvar k = 0; k < Replies; k++) begin : gen_rep_refs
    logic                inc, dec;
    logic [CntWidth-1:0] refs_q;
    assign inc = push && !push_hist_i && (push_slot_i == k);
    assign dec = done && !cur_hist_q && (cur_slot_q == k);
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        refs_q <= '0;
      end else if (inc != dec) begin
        refs_q <= inc ? refs_q + one_cnt : refs_q - one_cnt;
      end
    end
    assign rep_busy_o[k] = refs_q != '0;
  end

  for (genvar k = 0; k < HistSlots; k++) begin : gen_hist_refs
    logic                inc, dec;
    logic [CntWidth-1:0] refs_q;
    assign inc = push && push_hist_i && (push_slot_i == k);
    assign dec = done && cur_hist_q && (cur_slot_q == k);
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        refs_q <= '0;
      end else if (inc != dec) begin
        refs_q <= inc ? refs_q + one_cnt : refs_q - one_cnt;
      end
    end
    assign hist_busy_o[k] = refs_q != '0;
  end

  // The buffers. The read port follows the encoder's payload address.
  logic [7:0] rep_rdata, hist_rdata;
  logic [ReplyLog2-1:0]     cur_rep_slot;
  logic [HistIdxWidth-1:0]  cur_hist_slot;
  assign cur_rep_slot  = cur_slot_q[ReplyLog2-1:0];
  assign cur_hist_slot = cur_slot_q[HistIdxWidth-1:0];

  ncx_ram_sdp #(
    .AddrWidth(ReplyLog2 + 10),
    .Width    (8)
  ) u_rep_ram (
    .clk_i  (clk_i),
    .we_i   (rep_we_i),
    .waddr_i({rep_slot_i, rep_addr_i}),
    .wdata_i(rep_wdata_i),
    .raddr_i({cur_rep_slot, tx_pay_addr_i}),
    .rdata_o(rep_rdata)
  );

  ncx_ram_sdp #(
    .AddrWidth(HistIdxWidth + HistBytesLog2),
    .Width    (8)
  ) u_hist_ram (
    .clk_i  (clk_i),
    .we_i   (hist_we_i),
    .waddr_i({hist_slot_i, hist_addr_i}),
    .wdata_i(hist_wdata_i),
    .raddr_i({cur_hist_slot, tx_pay_addr_i[HistBytesLog2-1:0]}),
    .rdata_o(hist_rdata)
  );

  assign tx_pay_data_o = cur_hist_q ? hist_rdata : rep_rdata;

  logic unused_tx_queue;
  assign unused_tx_queue = ^{cur_slot_q, tx_pay_addr_i};

endmodule
