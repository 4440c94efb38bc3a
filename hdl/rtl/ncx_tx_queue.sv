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
// Both buffers are simple dual-port RAMs (ncx_ram_sdp: block RAM), and so is the job
// queue (2^JobLog2 entries of 29 bits + the slot number's, read ahead so that a job is
// startable in the cycle after its push, as from a register FIFO; a job pushed while the
// RAM's read port addresses its word comes from a bypass register).
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
//   push_opcode_i,          Taken when push_i && !full_o at the edge ending the cycle.
//                           A slot number that names no slot of its buffer (>= 2^ReplyLog2
//                           or >= HistSlots) makes no slot busy; its payload is read from
//                           the slot its low ReplyLog2 / HistIdxWidth bits name
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

  localparam int Replies   = 2 ** ReplyLog2;
  localparam int CntWidth  = JobLog2 + 1;  // references to one slot: at most Jobs + 1 < 2^CntWidth
  // A job's slot is stored in SlotWidth bits, with a flag "the slot number names a slot
  // of its buffer" (push_slot_i below 2^ReplyLog2 or HistSlots): a job whose slot is out
  // of range counts as a reference to no slot.
  localparam int SlotWidth = (ReplyLog2 > HistIdxWidth) ? ReplyLog2 : HistIdxWidth;
  localparam int JobWidth  = 1 + 1 + SlotWidth + 8 + 8 + 11;

  localparam logic [8:0] RepSlots  = Replies[8:0];
  localparam logic [8:0] HistCount = HistSlots[8:0];

  // The job queue: {hist, in range, slot, opcode, seq, len} in a RAM (ncx_ram_sdp, block
  // RAM), read ahead: its read port always addresses the job that is the head from the
  // next cycle on (rptr_d), so the head is the RAM's read data. A job pushed into an
  // empty queue (or into a queue whose only job is popped in the same cycle) is written
  // to the address read in that cycle; the RAM does not return it, so it is taken from
  // byp_q instead in the next cycle (byp_sel_q). Otherwise the read data is used. The
  // pointers have a lap bit above the address: the queue is empty when they are equal,
  // full when only their lap bits differ.
  logic [JobLog2:0]    wptr_q, rptr_q, rptr_d;
  logic [JobLog2-1:0]  waddr, raddr;
  logic                addr_eq;
  logic                push, pop;
  logic                push_ok;
  logic [JobWidth-1:0] push_job, head, ram_head;
  logic [JobWidth-1:0] byp_q;
  logic                byp_sel_q;

  assign waddr    = wptr_q[JobLog2-1:0];
  assign raddr    = rptr_d[JobLog2-1:0];
  assign addr_eq  = wptr_q[JobLog2-1:0] == rptr_q[JobLog2-1:0];
  assign full_o   = addr_eq && (wptr_q[JobLog2] != rptr_q[JobLog2]);
  assign push     = push_i && !full_o;
  assign push_ok  = push_hist_i ? ({1'b0, push_slot_i} < HistCount)
                                : ({1'b0, push_slot_i} < RepSlots);
  assign push_job = {push_hist_i, push_ok, push_slot_i[SlotWidth-1:0], push_opcode_i,
                     push_seq_i, push_len_i};
  assign rptr_d   = pop ? rptr_q + 1'b1 : rptr_q;
  assign head     = byp_sel_q ? byp_q : ram_head;

  ncx_ram_sdp #(
    .AddrWidth(JobLog2),
    .Width    (JobWidth)
  ) u_job_ram (
    .clk_i  (clk_i),
    .we_i   (push),
    .waddr_i(waddr),
    .wdata_i(push_job),
    .raddr_i(raddr),
    .rdata_o(ram_head)
  );

  always_ff @(posedge clk_i) begin
    if (push) begin
      byp_q <= push_job;
    end
  end

  // The sender: idle, or sending the job in cur_*.
  logic                 sending_q;
  logic                 cur_hist_q;
  logic                 cur_ok_q;
  logic [SlotWidth-1:0] cur_slot_q;
  logic                 done;  // the frame of the current job has left the encoder

  logic                 head_hist;
  logic                 head_ok;
  logic [SlotWidth-1:0] head_slot;
  assign head_hist   = head[JobWidth-1];
  assign head_ok     = head[JobWidth-2];
  assign head_slot   = head[27 +: SlotWidth];
  assign tx_opcode_o = head[26:19];
  assign tx_seq_o    = head[18:11];
  assign tx_len_o    = head[10:0];

  assign pop        = !sending_q && (wptr_q != rptr_q) && tx_idle_i;
  assign tx_start_o = pop;
  assign done       = sending_q && tx_idle_i;
  assign empty_o    = (wptr_q == rptr_q) && !sending_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      wptr_q     <= '0;
      rptr_q     <= '0;
      byp_sel_q  <= 1'b0;
      sending_q  <= 1'b0;
      cur_hist_q <= 1'b0;
      cur_ok_q   <= 1'b0;
      cur_slot_q <= '0;
    end else begin
      if (push) begin
        wptr_q <= wptr_q + 1'b1;
      end
      if (pop) begin
        cur_hist_q <= head_hist;
        cur_ok_q   <= head_ok;
        cur_slot_q <= head_slot;
      end
      rptr_q    <= rptr_d;
      byp_sel_q <= push && (waddr == raddr);
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
    assign dec = done && !cur_hist_q && cur_ok_q && (cur_slot_q == k);
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        refs_q <= '0;
      end else if (inc != dec) begin
        refs_q <= refs_q + (inc ? one_cnt : {CntWidth{1'b1}});  // + 1 or - 1: one adder
      end
    end
    assign rep_busy_o[k] = refs_q != '0;
  end

  for (genvar k = 0; k < HistSlots; k++) begin : gen_hist_refs
    logic                inc, dec;
    logic [CntWidth-1:0] refs_q;
    assign inc = push && push_hist_i && (push_slot_i == k);
    assign dec = done && cur_hist_q && cur_ok_q && (cur_slot_q == k);
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        refs_q <= '0;
      end else if (inc != dec) begin
        refs_q <= refs_q + (inc ? one_cnt : {CntWidth{1'b1}});  // + 1 or - 1: one adder
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
