// ncx_region_port — the core's region byte port: decode, record assembly, read mux
//
// Serves the byte accesses of docs/protocol.md §9 (encodings: firmware-model/src/wire/
// layout.rs) while the core is idle. It owns the configuration registers and drives
// the bus side of every memory: the core gives the memories to this port while idle
// and to its sequencer while busy.
//
//   region  bytes       stored as
//   0 CONFIG  18        configuration registers (field bits only)
//   1 W_IN    N·M       W_in RAM, address = offset ({post, pre})
//   2 W_REC   N·N       W_rec RAM, address = offset
//   3 E_IN    N·M/8     E_in RAM (8 enable bits a byte), address = offset
//   4 E_REC   N·N/8     E_rec RAM, address = offset
//   5 NEURONS 17·N      params RAM {θ^0x7FFFFF, reset, bias, δ_v, δ_I, R}, record offset/17
//   6 STATE   9·N       state RAM {v, I, r}, record offset/9
//   7 TRACES  M+2N      x_in[0..M], x_pre[0..N], x_post[0..N] RAMs
//
// (These are the core's logical memories; ncx_core keeps several in one block RAM, so
// it is also told whether a TRACES access is an x_in one, x_is_in_o.)
//
// Writes. A byte-region write goes to its memory at the clock edge ending the cycle.
// CONFIG, NEURONS and STATE are written whole: their bytes arrive in ascending order,
// one per cycle, from a record boundary (the front end guarantees it); each is shifted
// into a 17-byte register and the record is written, from the shift register and the
// last byte, in the cycle of its last byte. Values are valid (the front end checks
// them): a 24-bit field keeps bits 23:0 of its i32, a decay bits 11:0 of its u16.
//
// Reads. The read of cycle c sets the memory read addresses in cycle c; in cycle c+1
// bus_rdata_o selects the byte from the memories' read data (or the configuration
// registers) with the byte select registered in cycle c. i32 fields read back
// sign-extended from 24 bits, u16 fields zero-extended.
//
// Record number without a divider or multiplier: r = floor(x / d) and the byte within
// the record x − d·r by restoring division by the constant d, one quotient bit a step
// from bit NeuronsLog2−1 down: while the remainder is below d·2^(k+1) (true at the
// start because x < d·N, the region's size, which the front end guarantees for every
// access), step k compares the 6 bits (d = 17) or 5 bits (d = 9) of the remainder from
// bit k with d and subtracts d·2^k when it fits. Only offset bits NeuronsLog2+4:0 (17)
// and NeuronsLog2+3:0 (9) enter it; for an offset outside the region the record and
// byte are meaningless, and no access with one reaches this port.
//
// Timing: writes at the edge ending their cycle; read data one cycle after the read.
module ncx_region_port #(
  parameter int NeuronsLog2 = 8,
  parameter int InputsLog2  = 8
) (
  input  logic                               clk_i,
  input  logic                               rst_ni,
  input  logic                               idle_i,        // accesses are acted on only when high

  input  logic                               bus_req_i,
  input  logic                               bus_we_i,
  input  logic [2:0]                         bus_region_i,
  input  logic [31:0]                        bus_offset_i,
  input  logic [7:0]                         bus_wdata_i,
  output logic [7:0]                         bus_rdata_o,

  // Memory side (address used for both the read and the write).
  output logic [7:0]                         byte_o,        // write data of the byte regions
  output logic [NeuronsLog2+InputsLog2-1:0]  w_in_addr_o,
  output logic                               w_in_we_o,
  input  logic [7:0]                         w_in_rdata_i,
  output logic [2*NeuronsLog2-1:0]           w_rec_addr_o,
  output logic                               w_rec_we_o,
  input  logic [7:0]                         w_rec_rdata_i,
  output logic [NeuronsLog2+InputsLog2-4:0]  e_in_addr_o,
  output logic                               e_in_we_o,
  input  logic [7:0]                         e_in_rdata_i,
  output logic [2*NeuronsLog2-4:0]           e_rec_addr_o,
  output logic                               e_rec_we_o,
  input  logic [7:0]                         e_rec_rdata_i,
  output logic [NeuronsLog2-1:0]             record_addr_o,  // NEURONS / STATE record
  output logic                               params_we_o,
  output logic [103:0]                       params_wdata_o,
  input  logic [103:0]                       params_rdata_i,
  output logic                               state_we_o,
  output logic [55:0]                        state_wdata_o,
  input  logic [55:0]                        state_rdata_i,
  output logic [InputsLog2-1:0]              x_in_addr_o,
  output logic                               x_is_in_o,      // TRACES offset is an x_in
  output logic                               x_in_we_o,
  input  logic [7:0]                         x_in_rdata_i,
  output logic [NeuronsLog2-1:0]             x_n_addr_o,     // x_pre and x_post
  output logic                               x_pre_we_o,
  input  logic [7:0]                         x_pre_rdata_i,
  output logic                               x_post_we_o,
  input  logic [7:0]                         x_post_rdata_i,

  // Configuration (docs/semantics.md §2, §5).
  output logic [31:0]                        period_o,
  output logic [3:0]                         weight_shift_o,
  output logic                               stdp_enable_o,
  output logic [7:0]                         a_plus_o,
  output logic [7:0]                         a_minus_o,
  output logic [3:0]                         stdp_shift_o,
  output logic [7:0]                         w_min_o,
  output logic [7:0]                         w_max_o,
  output logic                               trace_set_o,    // trace mode: 1 set, 0 add
  output logic [11:0]                        pre_decay_o,
  output logic [11:0]                        post_decay_o,
  output logic [7:0]                         pre_increment_o,
  output logic [7:0]                         post_increment_o
);

  localparam int N = 2 ** NeuronsLog2;
  localparam int M = 2 ** InputsLog2;
  localparam int          MI       = M;
  localparam int          MNI      = M + N;
  localparam logic [11:0] MOffset  = MI[11:0];   // TRACES: first x_pre byte
  localparam logic [11:0] MNOffset = MNI[11:0];  // TRACES: first x_post byte

  localparam logic [2:0] RegConfig  = 3'd0;
  localparam logic [2:0] RegWIn     = 3'd1;
  localparam logic [2:0] RegWRec    = 3'd2;
  localparam logic [2:0] RegEIn     = 3'd3;
  localparam logic [2:0] RegERec    = 3'd4;
  localparam logic [2:0] RegNeurons = 3'd5;
  localparam logic [2:0] RegState   = 3'd6;
  localparam logic [2:0] RegTraces  = 3'd7;

  logic access, write, read;
  assign access = bus_req_i && idle_i;
  assign write  = access && bus_we_i;
  assign read   = access && !bus_we_i;

  // Record number and byte within the record (restoring division, see the header).
  localparam int X17W = NeuronsLog2 + 5;  // NEURONS offsets: x < 17·N <= 2^X17W
  localparam int X9W  = NeuronsLog2 + 4;  // STATE offsets:   x < 9·N  <= 2^X9W

  // {x / 17, x mod 17} for x < 17·N.
  function automatic logic [NeuronsLog2+4:0] div17(input logic [X17W-1:0] x);
    logic [X17W-1:0]        r, low;
    logic [5:0]             top;  // the remainder from bit k: < 34
    logic [6:0]             t;    // top − 17, bit 6 the borrow
    logic [NeuronsLog2-1:0] q;
    r = x;
    q = '0;
    for (int k = NeuronsLog2 - 1; k >= 0; k--) begin
      top  = 6'(r >> k);
      low  = r & ((X17W'(1) << k) - X17W'(1));
      t    = {1'b0, top} - 7'd17;
      q[k] = !t[6];
      top  = q[k] ? t[5:0] : top;
      r    = low | ({{(X17W - 6) {1'b0}}, top} << k);
    end
    div17 = {q, r[4:0]};
  endfunction

  // {x / 9, x mod 9} for x < 9·N.
  function automatic logic [NeuronsLog2+3:0] div9(input logic [X9W-1:0] x);
    logic [X9W-1:0]         r, low;
    logic [4:0]             top;  // < 18
    logic [5:0]             t;
    logic [NeuronsLog2-1:0] q;
    r = x;
    q = '0;
    for (int k = NeuronsLog2 - 1; k >= 0; k--) begin
      top  = 5'(r >> k);
      low  = r & ((X9W'(1) << k) - X9W'(1));
      t    = {1'b0, top} - 6'd9;
      q[k] = !t[5];
      top  = q[k] ? t[4:0] : top;
      r    = low | ({{(X9W - 5) {1'b0}}, top} << k);
    end
    div9 = {q, r[3:0]};
  endfunction

  logic [NeuronsLog2-1:0] rec17, rec9;
  logic [4:0]             byte17;  // 0..16
  logic [3:0]             byte9;   // 0..8

  assign {rec17, byte17} = div17(bus_offset_i[X17W-1:0]);
  assign {rec9, byte9}   = div9(bus_offset_i[X9W-1:0]);

  // TRACES: which memory, and the index within it.
  logic [11:0] t_off, t_pre, t_post;
  logic        t_is_in, t_is_pre;
  assign t_off    = bus_offset_i[11:0];
  assign t_pre    = t_off - MOffset;
  assign t_post   = t_off - MNOffset;
  assign t_is_in  = t_off < MOffset;
  assign t_is_pre = !t_is_in && (t_off < MNOffset);

  // Memory addresses and write enables.
  logic is_neurons, is_state;
  assign is_neurons = bus_region_i == RegNeurons;
  assign is_state   = bus_region_i == RegState;

  assign byte_o        = bus_wdata_i;
  assign w_in_addr_o   = bus_offset_i[NeuronsLog2+InputsLog2-1:0];
  assign w_rec_addr_o  = bus_offset_i[2*NeuronsLog2-1:0];
  assign e_in_addr_o   = bus_offset_i[NeuronsLog2+InputsLog2-4:0];
  assign e_rec_addr_o  = bus_offset_i[2*NeuronsLog2-4:0];
  assign record_addr_o = is_state ? rec9 : rec17;
  assign x_in_addr_o   = t_off[InputsLog2-1:0];
  assign x_is_in_o     = t_is_in;
  assign x_n_addr_o    = t_is_pre ? t_pre[NeuronsLog2-1:0] : t_post[NeuronsLog2-1:0];

  assign w_in_we_o   = write && (bus_region_i == RegWIn);
  assign w_rec_we_o  = write && (bus_region_i == RegWRec);
  assign e_in_we_o   = write && (bus_region_i == RegEIn);
  assign e_rec_we_o  = write && (bus_region_i == RegERec);
  assign x_in_we_o   = write && (bus_region_i == RegTraces) && t_is_in;
  assign x_pre_we_o  = write && (bus_region_i == RegTraces) && t_is_pre;
  assign x_post_we_o = write && (bus_region_i == RegTraces) && !t_is_in && !t_is_pre;

  // Record assembly: the bytes of a record shift in from the top; with the last byte
  // on bus_wdata_i, record byte k of a record of L bytes is rec_all[8(18-L+k) +: 8].
  logic [135:0] shift_q, shift_d;
  logic [143:0] rec_all;
  logic         cfg_last, neuron_last, state_last;

  assign rec_all     = {bus_wdata_i, shift_q};
  assign cfg_last    = write && (bus_region_i == RegConfig) && (bus_offset_i[4:0] == 5'd17);
  assign neuron_last = write && is_neurons && (byte17 == 5'd16);
  assign state_last  = write && is_state && (byte9 == 4'd8);
  assign shift_d     = write && (bus_region_i == RegConfig || is_neurons || is_state)
                     ? rec_all[143:8] : shift_q;

  // NEURONS: θ bytes 0-2, reset 4-6, bias 8-10, δ_v 12-13, δ_I 14-15, R 16 (base 8).
  assign params_we_o    = neuron_last;
  // θ is stored XOR 0x7FFFFF (ncx_core: all-zero memories at power-on).
  assign params_wdata_o = {rec_all[31:8] ^ 24'h7FFFFF, rec_all[63:40], rec_all[95:72],
                           rec_all[115:104], rec_all[131:120], rec_all[143:136]};
  // STATE: v bytes 0-2, I 4-6, r 8 (base 72).
  assign state_we_o     = state_last;
  assign state_wdata_o  = {rec_all[95:72], rec_all[127:104], rec_all[143:136]};

  // Configuration registers.
  logic [31:0] period_q;
  logic [3:0]  weight_shift_q, stdp_shift_q;
  logic        stdp_enable_q, trace_set_q;
  logic [7:0]  a_plus_q, a_minus_q, w_min_q, w_max_q, pre_increment_q, post_increment_q;
  logic [11:0] pre_decay_q, post_decay_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      shift_q          <= '0;
      period_q         <= '0;
      weight_shift_q   <= '0;
      stdp_enable_q    <= 1'b0;
      a_plus_q         <= '0;
      a_minus_q        <= '0;
      stdp_shift_q     <= '0;
      w_min_q          <= 8'h80;  // −128
      w_max_q          <= 8'h7F;  // 127
      trace_set_q      <= 1'b0;
      pre_decay_q      <= '0;
      post_decay_q     <= '0;
      pre_increment_q  <= '0;
      post_increment_q <= '0;
    end else begin
      shift_q <= shift_d;
      if (cfg_last) begin
        // CONFIG: period 0-3, weight_shift 4, enable 5, A+ 6, A− 7, shift 8, w_min 9,
        // w_max 10, trace mode 11, δ_pre 12-13, δ_post 14-15, inc_pre 16, inc_post 17.
        period_q         <= rec_all[31:0];
        weight_shift_q   <= rec_all[35:32];
        stdp_enable_q    <= rec_all[40];
        a_plus_q         <= rec_all[55:48];
        a_minus_q        <= rec_all[63:56];
        stdp_shift_q     <= rec_all[67:64];
        w_min_q          <= rec_all[79:72];
        w_max_q          <= rec_all[87:80];
        trace_set_q      <= rec_all[88];
        pre_decay_q      <= rec_all[107:96];
        post_decay_q     <= rec_all[123:112];
        pre_increment_q  <= rec_all[135:128];
        post_increment_q <= rec_all[143:136];
      end
    end
  end

  assign period_o         = period_q;
  assign weight_shift_o   = weight_shift_q;
  assign stdp_enable_o    = stdp_enable_q;
  assign a_plus_o         = a_plus_q;
  assign a_minus_o        = a_minus_q;
  assign stdp_shift_o     = stdp_shift_q;
  assign w_min_o          = w_min_q;
  assign w_max_o          = w_max_q;
  assign trace_set_o      = trace_set_q;
  assign pre_decay_o      = pre_decay_q;
  assign post_decay_o     = post_decay_q;
  assign pre_increment_o  = pre_increment_q;
  assign post_increment_o = post_increment_q;

  // Reads: register the region and the byte select; mux in the next cycle.
  logic [2:0] rd_region_q;
  logic [4:0] rd_byte_q;
  logic [1:0] rd_trace_q;  // 0 x_in, 1 x_pre, 2 x_post

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      rd_region_q <= '0;
      rd_byte_q   <= '0;
      rd_trace_q  <= '0;
    end else if (read) begin
      rd_region_q <= bus_region_i;
      rd_byte_q   <= is_state ? {1'b0, byte9} : (is_neurons ? byte17 : bus_offset_i[4:0]);
      rd_trace_q  <= t_is_in ? 2'd0 : (t_is_pre ? 2'd1 : 2'd2);
    end
  end

  // The encoded records, padded to 32 bytes so that any byte select is in range.
  function automatic logic [31:0] i32_of(input logic [23:0] x);
    i32_of = {{8{x[23]}}, x};
  endfunction

  logic [255:0] cfg_bytes, params_bytes, state_bytes;
  assign cfg_bytes = {112'd0, post_increment_q, pre_increment_q, 4'd0, post_decay_q,
                      4'd0, pre_decay_q, 7'd0, trace_set_q, w_max_q, w_min_q,
                      4'd0, stdp_shift_q, a_minus_q, a_plus_q, 7'd0, stdp_enable_q,
                      4'd0, weight_shift_q, period_q};
  assign params_bytes = {120'd0, params_rdata_i[7:0], 4'd0, params_rdata_i[19:8],
                         4'd0, params_rdata_i[31:20], i32_of(params_rdata_i[55:32]),
                         i32_of(params_rdata_i[79:56]),
                         i32_of(params_rdata_i[103:80] ^ 24'h7FFFFF)};
  assign state_bytes = {184'd0, state_rdata_i[7:0], i32_of(state_rdata_i[31:8]),
                        i32_of(state_rdata_i[55:32])};

  always_comb begin
    unique case (rd_region_q)
      RegConfig:  bus_rdata_o = cfg_bytes[{rd_byte_q, 3'b000} +: 8];
      RegWIn:     bus_rdata_o = w_in_rdata_i;
      RegWRec:    bus_rdata_o = w_rec_rdata_i;
      RegEIn:     bus_rdata_o = e_in_rdata_i;
      RegERec:    bus_rdata_o = e_rec_rdata_i;
      RegNeurons: bus_rdata_o = params_bytes[{rd_byte_q, 3'b000} +: 8];
      RegState:   bus_rdata_o = state_bytes[{rd_byte_q, 3'b000} +: 8];
      default:    bus_rdata_o = (rd_trace_q == 2'd0) ? x_in_rdata_i
                              : ((rd_trace_q == 2'd1) ? x_pre_rdata_i : x_post_rdata_i);
    endcase
  end

  // Offset bits beyond every region, and decoding by-products.
  logic unused_port;
  assign unused_port = ^{bus_offset_i[31:12], t_pre, t_post,
                         rec_all[39:36],
                         rec_all[47:41], rec_all[71:68], rec_all[95:89], rec_all[111:108],
                         rec_all[127:124], rec_all[7:0], rec_all[103:96], rec_all[71:32]};

endmodule
