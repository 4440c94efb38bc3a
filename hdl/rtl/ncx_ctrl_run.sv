// ncx_ctrl_run — run control, credits and the buffered timesteps' input lists
//
// The run state of docs/protocol.md §8 for ncx_ctrl: whether the device runs, the
// timesteps still to run, and the ring of InputSlots input slots that INPUT fills and
// the timesteps empty, with their index lists in one block RAM (slot s, entry k at
// {s, k}, InputsLog2 bits an index). The controller's EXEC step gives the accepted
// commands (RUN, STOP, INPUT), its SCAN step an INPUT's indices and its timestep steps
// (STAGE, PUSH) the reads of the next list and its retirement; this module answers
// with the credits (min(free slots, steps not yet supplied)), the status fields and
// whether a timestep is ready.
//
// While running, buffered <= Slots and buffered <= left hold (RUN starts at 0 buffered
// and >= 1 left, an INPUT is taken only with a credit, a timestep retires one of each),
// so the credits are min(Slots, left) - buffered, and an INPUT leaves one fewer.
// Slots <= 255.
//
// Timing: the strobes act at the clock edge ending their cycle; the list's read data
// arrives a cycle after its address (stage_k_i).
module ncx_ctrl_run #(
  parameter int InputsLog2 = 8,
  parameter int InputSlots = 16
) (
  input  logic                  clk_i,
  input  logic                  rst_ni,

  // Commands, as EXEC accepts them (at most one strobe a cycle).
  input  logic                  run_i,          // RUN: start with steps_i timesteps
  input  logic [31:0]           steps_i,        // RUN's steps (payload 0..3)
  input  logic                  stop_i,         // STOP
  input  logic                  input_i,        // INPUT: its list fills the next slot
  input  logic [9:0]            input_count_i,  // INPUT's index count (payload 4..5)
  input  logic                  retire_i,       // the head timestep's output frame queued

  // SCAN of an INPUT: index k of its list into the next free slot.
  input  logic                  list_we_i,
  input  logic [8:0]            list_k_i,
  input  logic [9:0]            list_index_i,   // an index >= M is written truncated

  // STAGE: entry k of the head slot's list; its index a cycle later.
  input  logic [8:0]            stage_k_i,
  output logic [InputsLog2-1:0] stage_index_o,
  output logic [9:0]            stage_len_o,    // the head slot's index count

  output logic                  running_o,
  output logic [31:0]           steps_left_o,   // while running; 0 when stopped
  output logic [7:0]            buffered_o,     // timesteps of input buffered
  output logic                  ready_o,        // running with a timestep buffered
  output logic [15:0]           credits_o,      // STATUS's credits (0 when stopped)
  output logic                  no_credit_o,    // an INPUT would get no credit
  output logic [15:0]           credits_after_o,// the credits after an accepted INPUT
  output logic [15:0]           run_credits_o,  // RUN's reply: min(Slots, steps_i)
  output logic                  steps_zero_o    // steps_i is 0
);

  localparam int Slots      = (InputSlots > 0) ? InputSlots : 1;
  localparam int SlotW      = (Slots > 1) ? $clog2(Slots) : 1;
  localparam int CountW     = SlotW + 1;                   // 0..Slots
  localparam int SlotsM1I   = Slots - 1;
  localparam logic [SlotW-1:0]  SlotsLast  = SlotsM1I[SlotW-1:0];
  localparam logic [CountW-1:0] SlotsCount = Slots[CountW-1:0];

  logic                running_d, running_q;
  logic [31:0]         steps_left_d, steps_left_q;
  logic [SlotW-1:0]    sl_head_d, sl_head_q;
  logic [CountW-1:0]   sl_count_d, sl_count_q;  // timesteps of input buffered
  logic [Slots*10-1:0] sl_len_d, sl_len_q;      // indices in each input slot

  // A count given as its bits CountW-1:0 and whether the bits above are 0 (each count has
  // one such test, shared with its other comparisons), limited to Slots.
  function automatic logic [CountW-1:0] slots_or(input logic hi_zero, input logic [CountW-1:0] low);
    logic lt_slots;  // < Slots (< 2^CountW)
    lt_slots = hi_zero && (low < SlotsCount);
    slots_or = lt_slots ? low : SlotsCount;
  endfunction

  logic              steps_hi0;
  logic [CountW-1:0] steps_low;
  assign steps_low    = steps_i[CountW-1:0];
  assign steps_hi0    = (steps_i >> CountW) == 32'd0;
  assign steps_zero_o = steps_hi0 && (steps_low == '0);

  logic              left_hi0, left_one;  // steps_left_q >> CountW is 0; steps_left_q is 1
  logic [CountW-1:0] left_low;
  assign left_low = steps_left_q[CountW-1:0];
  assign left_hi0 = (steps_left_q >> CountW) == 32'd0;
  assign left_one = left_hi0 && (left_low == CountW'(1));

  logic [CountW-1:0] credit_n, credit_m1;
  assign credit_n        = slots_or(left_hi0, left_low) - sl_count_q;
  assign credit_m1       = credit_n - 1'b1;
  assign credits_o       = running_q ? {{(16 - CountW) {1'b0}}, credit_n} : 16'd0;
  assign no_credit_o     = credit_n == '0;
  assign credits_after_o = {{(16 - CountW) {1'b0}}, credit_m1};
  assign run_credits_o   = {{(16 - CountW) {1'b0}}, slots_or(steps_hi0, steps_low)};

  logic [SlotW-1:0]  sl_tail;
  logic [CountW-1:0] head_plus, tail_wrapped;  // head + buffered < 2 Slots
  assign head_plus    = {1'b0, sl_head_q} + sl_count_q;
  assign tail_wrapped = (head_plus >= SlotsCount) ? head_plus - SlotsCount : head_plus;
  assign sl_tail      = tail_wrapped[SlotW-1:0];

  // The input slots' lengths with INPUT's count in slot sl_tail.
  logic [Slots*10-1:0] sl_len_in;
  for (genvar k = 0; k < Slots; k++) begin : gen_sl_len
    assign sl_len_in[k*10 +: 10] = (sl_tail == SlotW'(k)) ? input_count_i : sl_len_q[k*10 +: 10];
  end

  assign stage_len_o  = sl_len_q[sl_head_q*10 +: 10];
  assign ready_o      = running_q && (sl_count_q != '0);
  assign running_o    = running_q;
  assign steps_left_o = steps_left_q;
  assign buffered_o   = 8'(sl_count_q);

  always_comb begin
    running_d    = running_q;
    steps_left_d = steps_left_q;
    sl_head_d    = sl_head_q;
    sl_count_d   = sl_count_q;
    sl_len_d     = sl_len_q;
    if (run_i) begin
      running_d    = 1'b1;
      steps_left_d = steps_i;
      sl_count_d   = '0;
    end
    if (stop_i) begin
      running_d    = 1'b0;
      steps_left_d = 32'd0;
      sl_count_d   = '0;
    end
    if (input_i) begin
      sl_len_d   = sl_len_in;
      sl_count_d = sl_count_q + 1'b1;
    end
    if (retire_i) begin
      sl_head_d    = (sl_head_q == SlotsLast) ? '0 : sl_head_q + 1'b1;
      sl_count_d   = sl_count_q - 1'b1;
      steps_left_d = steps_left_q - 32'd1;
      if (left_one) begin
        running_d  = 1'b0;
        sl_count_d = '0;
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      running_q    <= 1'b0;
      steps_left_q <= '0;
      sl_head_q    <= '0;
      sl_count_q   <= '0;
      sl_len_q     <= '0;
    end else begin
      running_q    <= running_d;
      steps_left_q <= steps_left_d;
      sl_head_q    <= sl_head_d;
      sl_count_q   <= sl_count_d;
      sl_len_q     <= sl_len_d;
    end
  end

  // The index lists. An INPUT scanned while every slot is full is NAKed (no credit), so
  // it writes nothing.
  ncx_ram_sdp #(
    .AddrWidth(SlotW + 9),
    .Width    (InputsLog2)
  ) u_lists (
    .clk_i  (clk_i),
    .we_i   (list_we_i && (sl_count_q < SlotsCount)),
    .waddr_i({sl_tail, list_k_i}),
    .wdata_i(list_index_i[InputsLog2-1:0]),
    .raddr_i({sl_head_q, stage_k_i}),
    .rdata_o(stage_index_o)
  );

  logic unused_run;
  assign unused_run = ^{tail_wrapped, list_index_i};

endmodule
