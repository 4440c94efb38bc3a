// ncx_region_port — the core's region byte port: decode, byte writes, read mux
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
// Writes. A write goes to its memory or register at the clock edge ending the cycle,
// byte by byte: a byte of CONFIG to the register bits it encodes (per-byte enables), a
// byte of NEURONS or STATE to the bits of its field in the record's RAM word (per-bit
// write enables of the core's neuron RAMs; the byte's value bits are fixed wiring of the
// bus byte, θ's inverted for its XOR 0x7FFFFF; sign-extension and padding bytes write
// nothing). The trace decays δ_pre, δ_post are held as 4095 − δ (the form ncx_trace_unit
// takes), their bytes inverted on the way in and out. The front end writes these
// regions as whole valid records only (a WRITE is checked whole before any byte is
// written) and reads nothing back while writing, so a record written byte by byte ends
// as if written whole. Values are valid: a 24-bit field keeps bits 23:0 of its i32, a
// decay bits 11:0 of its u16.
//
// Reads. The read of cycle c sets the memory read addresses in cycle c; in cycle c+1
// bus_rdata_o selects the byte from the memories' read data (or the configuration
// registers) with the byte select registered in cycle c. i32 fields read back
// sign-extended from 24 bits, u16 fields zero-extended. The byte tables are padded to
// 32 entries with copies (never selected) that make select bits don't-cares: a
// sign-extension byte selects a copy of the field's top byte and is filled with its
// bit 7 after the selection, the entries past a record repeat the record's bytes.
//
// Record number without a divider or multiplier: r = floor(x / d) and the byte within
// the record x − d·r by restoring division by the constant d (ncx_div_const), valid
// because x < d·N, the region's size, which the front end guarantees for every access.
// Only offset bits NeuronsLog2+4:0 (17) and NeuronsLog2+3:0 (9) enter it; for an offset
// outside the region the record and byte are meaningless, and no access with one
// reaches this port. Likewise a TRACES
// offset enters with its low log2(M + 2N) bits (rounded up).
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
  output logic [103:0]                       params_we_o,    // per-bit write enables
  output logic [103:0]                       params_wdata_o,
  input  logic [103:0]                       params_rdata_i,
  output logic [55:0]                        state_we_o,     // per-bit write enables
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
  output logic [11:0]                        pre_keep_o,     // 4095 − δ_pre
  output logic [11:0]                        post_keep_o,    // 4095 − δ_post
  output logic [7:0]                         pre_increment_o,
  output logic [7:0]                         post_increment_o
);

  localparam int N = 2 ** NeuronsLog2;
  localparam int M = 2 ** InputsLog2;
  localparam int            TW       = $clog2(M + 2 * N);  // TRACES offsets: x < 2^TW
  localparam int            MI       = M;
  localparam int            MNI      = M + N;
  localparam logic [TW-1:0] MOffset  = MI[TW-1:0];   // TRACES: first x_pre byte
  localparam logic [TW-1:0] MNOffset = MNI[TW-1:0];  // TRACES: first x_post byte

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

  logic [NeuronsLog2-1:0] rec17, rec9;
  logic [4:0]             byte17;  // 0..16
  logic [3:0]             byte9;   // 0..8

  ncx_div_const #(
    .QuotWidth(NeuronsLog2),
    .Divisor  (ncx_pkg::NeuronRecordLen)
  ) u_div17 (
    .x_i   (bus_offset_i[X17W-1:0]),
    .quot_o(rec17),
    .rem_o (byte17)
  );

  ncx_div_const #(
    .QuotWidth(NeuronsLog2),
    .Divisor  (ncx_pkg::StateRecordLen)
  ) u_div9 (
    .x_i   (bus_offset_i[X9W-1:0]),
    .quot_o(rec9),
    .rem_o (byte9)
  );

  // TRACES: which memory, and the index within it.
  // The index within x_pre or x_post is (x − M) mod N for both (N divides M + N).
  logic [TW-1:0] t_off, t_pre;
  logic          t_is_in, t_is_pre;
  assign t_off    = bus_offset_i[TW-1:0];
  assign t_pre    = t_off - MOffset;
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
  assign x_n_addr_o    = t_pre[NeuronsLog2-1:0];

  assign w_in_we_o   = write && (bus_region_i == RegWIn);
  assign w_rec_we_o  = write && (bus_region_i == RegWRec);
  assign e_in_we_o   = write && (bus_region_i == RegEIn);
  assign e_rec_we_o  = write && (bus_region_i == RegERec);
  assign x_in_we_o   = write && (bus_region_i == RegTraces) && t_is_in;
  assign x_pre_we_o  = write && (bus_region_i == RegTraces) && t_is_pre;
  assign x_post_we_o = write && (bus_region_i == RegTraces) && !t_is_in && !t_is_pre;

  // Byte-wise record writes: which byte of its record (one-hot) the write is.
  logic [4:0]  bsel;      // the byte within the record (CONFIG, NEURONS, STATE)
  logic        cfg_write;
  logic [17:0] cfg_byte;  // CONFIG byte k (offset k)
  logic [16:0] nb;        // NEURONS record byte k
  logic [8:0]  sb;        // STATE record byte k
  logic [7:0]  wb;        // the bus byte

  assign bsel      = is_state ? {1'b0, byte9} : (is_neurons ? byte17 : bus_offset_i[4:0]);
  assign cfg_write = write && (bus_region_i == RegConfig);
  for (genvar k = 0; k < 18; k++) begin : gen_cfg_byte
    assign cfg_byte[k] = cfg_write && (bsel == 5'(k));
  end
  for (genvar k = 0; k < 17; k++) begin : gen_nb
    assign nb[k] = write && is_neurons && (bsel == 5'(k));
  end
  for (genvar k = 0; k < 9; k++) begin : gen_sb
    assign sb[k] = write && is_state && (bsel == 5'(k));
  end
  assign wb = bus_wdata_i;

  // NEURONS: θ bytes 0-2, reset 4-6, bias 8-10, δ_v 12-13, δ_I 14-15, R 16. θ is stored
  // XOR 0x7FFFFF (ncx_core: all-zero memories at power-on).
  assign params_we_o    = {{8{nb[2]}}, {8{nb[1]}}, {8{nb[0]}}, {8{nb[6]}}, {8{nb[5]}},
                           {8{nb[4]}}, {8{nb[10]}}, {8{nb[9]}}, {8{nb[8]}}, {4{nb[13]}},
                           {8{nb[12]}}, {4{nb[15]}}, {8{nb[14]}}, {8{nb[16]}}};
  assign params_wdata_o = {wb ^ 8'h7F, wb ^ 8'hFF, wb ^ 8'hFF, wb, wb, wb, wb, wb, wb,
                           wb[3:0], wb, wb[3:0], wb, wb};
  // STATE: v bytes 0-2, I 4-6, r 8.
  assign state_we_o     = {{8{sb[2]}}, {8{sb[1]}}, {8{sb[0]}}, {8{sb[6]}}, {8{sb[5]}},
                           {8{sb[4]}}, {8{sb[8]}}};
  assign state_wdata_o  = {wb, wb, wb, wb, wb, wb, wb};

  // Configuration registers.
  logic [31:0] period_q;
  logic [3:0]  weight_shift_q, stdp_shift_q;
  logic        stdp_enable_q, trace_set_q;
  logic [7:0]  a_plus_q, a_minus_q, w_min_q, w_max_q, pre_increment_q, post_increment_q;
  logic [11:0] pre_keep_q, post_keep_q;  // the trace decays as 4095 − δ (ncx_trace_unit)

  // CONFIG: period 0-3, weight_shift 4, enable 5, A+ 6, A− 7, shift 8, w_min 9, w_max 10,
  // trace mode 11, δ_pre 12-13, δ_post 14-15, inc_pre 16, inc_post 17.
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      period_q         <= '0;
      weight_shift_q   <= '0;
      stdp_enable_q    <= 1'b0;
      a_plus_q         <= '0;
      a_minus_q        <= '0;
      stdp_shift_q     <= '0;
      w_min_q          <= 8'h80;  // −128
      w_max_q          <= 8'h7F;  // 127
      trace_set_q      <= 1'b0;
      pre_keep_q       <= '1;     // δ = 0
      post_keep_q      <= '1;
      pre_increment_q  <= '0;
      post_increment_q <= '0;
    end else begin
      if (cfg_byte[0]) begin
        period_q[7:0] <= wb;
      end
      if (cfg_byte[1]) begin
        period_q[15:8] <= wb;
      end
      if (cfg_byte[2]) begin
        period_q[23:16] <= wb;
      end
      if (cfg_byte[3]) begin
        period_q[31:24] <= wb;
      end
      if (cfg_byte[4]) begin
        weight_shift_q <= wb[3:0];
      end
      if (cfg_byte[5]) begin
        stdp_enable_q <= wb[0];
      end
      if (cfg_byte[6]) begin
        a_plus_q <= wb;
      end
      if (cfg_byte[7]) begin
        a_minus_q <= wb;
      end
      if (cfg_byte[8]) begin
        stdp_shift_q <= wb[3:0];
      end
      if (cfg_byte[9]) begin
        w_min_q <= wb;
      end
      if (cfg_byte[10]) begin
        w_max_q <= wb;
      end
      if (cfg_byte[11]) begin
        trace_set_q <= wb[0];
      end
      if (cfg_byte[12]) begin
        pre_keep_q[7:0] <= ~wb;
      end
      if (cfg_byte[13]) begin
        pre_keep_q[11:8] <= ~wb[3:0];
      end
      if (cfg_byte[14]) begin
        post_keep_q[7:0] <= ~wb;
      end
      if (cfg_byte[15]) begin
        post_keep_q[11:8] <= ~wb[3:0];
      end
      if (cfg_byte[16]) begin
        pre_increment_q <= wb;
      end
      if (cfg_byte[17]) begin
        post_increment_q <= wb;
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
  assign pre_keep_o       = pre_keep_q;
  assign post_keep_o      = post_keep_q;
  assign pre_increment_o  = pre_increment_q;
  assign post_increment_o = post_increment_q;

  // Reads: register the region, the byte select and whether the byte is a
  // sign-extension byte (NEURONS 3, 7, 11; STATE 3, 7); select in the next cycle.
  logic [2:0] rd_region_q;
  logic [4:0] rd_byte_q;
  logic [1:0] rd_trace_q;  // 0 x_in, 1 x_pre, 2 x_post
  logic       rd_fill_q;
  logic       fill;

  assign fill = (is_neurons && (byte17[1:0] == 2'd3) && (byte17[3:2] != 2'd3))  // not 15
             || (is_state && (byte9[1:0] == 2'd3));

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      rd_region_q <= '0;
      rd_byte_q   <= '0;
      rd_trace_q  <= '0;
      rd_fill_q   <= 1'b0;
    end else if (read) begin
      rd_region_q <= bus_region_i;
      rd_byte_q   <= is_state ? {1'b0, byte9} : (is_neurons ? byte17 : bus_offset_i[4:0]);
      rd_trace_q  <= t_is_in ? 2'd0 : (t_is_pre ? 2'd1 : 2'd2);
      rd_fill_q   <= fill;
    end
  end

  // The byte tables (32 entries; see the header for the copies).
  logic [127:0] cfg_low;   // CONFIG bytes 0-15
  logic [23:0]  theta;     // θ as written
  logic [127:0] state_low; // STATE bytes 0-8, then copies of byte 8
  logic [255:0] cfg_bytes, params_bytes, state_bytes;
  assign cfg_low      = {4'd0, ~post_keep_q, 4'd0, ~pre_keep_q, 7'd0, trace_set_q, w_max_q,
                         w_min_q, 4'd0, stdp_shift_q, a_minus_q, a_plus_q, 7'd0, stdp_enable_q,
                         4'd0, weight_shift_q, period_q};
  assign cfg_bytes    = {cfg_low[127:16], post_increment_q, pre_increment_q, cfg_low};
  assign theta        = params_rdata_i[103:80] ^ 24'h7FFFFF;
  assign params_bytes = {{15{params_rdata_i[7:0]}}, params_rdata_i[7:0],
                         4'd0, params_rdata_i[19:16], params_rdata_i[15:8],
                         4'd0, params_rdata_i[31:28], params_rdata_i[27:20],
                         params_rdata_i[55:48], params_rdata_i[55:32],
                         params_rdata_i[79:72], params_rdata_i[79:56],
                         theta[23:16], theta};
  assign state_low    = {{8{state_rdata_i[7:0]}}, state_rdata_i[31:24], state_rdata_i[31:8],
                         state_rdata_i[55:48], state_rdata_i[55:32]};
  assign state_bytes  = {state_low, state_low};

  logic [7:0] rd_sel;  // the byte, before the sign fill
  always_comb begin
    unique case (rd_region_q)
      RegConfig:  rd_sel = cfg_bytes[{rd_byte_q, 3'b000} +: 8];
      RegWIn:     rd_sel = w_in_rdata_i;
      RegWRec:    rd_sel = w_rec_rdata_i;
      RegEIn:     rd_sel = e_in_rdata_i;
      RegERec:    rd_sel = e_rec_rdata_i;
      RegNeurons: rd_sel = params_bytes[{rd_byte_q, 3'b000} +: 8];
      RegState:   rd_sel = state_bytes[{rd_byte_q, 3'b000} +: 8];
      default:    rd_sel = (rd_trace_q == 2'd0) ? x_in_rdata_i
                         : ((rd_trace_q == 2'd1) ? x_pre_rdata_i : x_post_rdata_i);
    endcase
  end
  assign bus_rdata_o = rd_fill_q ? {8{rd_sel[7]}} : rd_sel;

  // Offset bits beyond every region, decoding by-products, and the sign-extension bytes
  // of NEURONS and STATE (they write nothing).
  logic unused_port;
  assign unused_port = ^{bus_offset_i[31:TW], t_pre, nb[11], nb[7], nb[3], sb[7], sb[3]};

endmodule
