// ncx_core_mem — the core's memories: five RAMs (and acc lanes) and who addresses them
//
// The core's logical memories (ncx_core's header) in five RAMs, and the multiplexing
// of their ports between the region port (ncx_region_port, while idle) and the
// sequencer (while busy, busy_i). Memories that are never both read (or both written)
// in one cycle share a RAM: W_in and W_rec the synapse RAM (W_rec above W_in; P =
// 2^LanesLog2 lanes by post mod P, each two single-port banks, ncx_ram_banked, below),
// and E_in and E_rec one single-port RAM (ncx_ram_sp: only the region port writes it,
// only while idle); the traces one RAM of 2 byte lanes {x_post, x_in or x_pre} (x_in[m]
// at {0, m}, neuron n's x_pre and x_post at {1, n}); params, state and acc two RAMs of
// bit lanes (below; every cycle that writes two of them writes one address), with P > 1
// lanes acc in P RAMs of its own.
// Each memory's address is zero-extended to its RAM's width (no casts: the portable
// subset). Read selects (busy): the synapse is in W_rec (w_rd_rec_i) for ACC_REC, for
// an LTD slot whose pre is a neuron, and for LTP's entries M..; the trace word is an
// x_in (x_rd_in_i) for an input entry read outside LTD, else a neuron's. Idle: the
// region the port accesses (bus_region_i; TRACES: bus_x_is_in_i). The read data of a RAM
// goes to both of its memories' users; each uses it only in cycles that read its memory.
//
// The neuron's words, params {θ ^ 0x7FFFFF, reset, bias, δ_v, δ_I, R}, state {v, I, r}
// and acc, are in two RAMs of bit lanes, one word a neuron each: the neuron RAM
// {bias, δ_v, δ_I, v, I, acc} (96 + AccW bits) and the late RAM {θ ^ 0x7FFFFF, reset,
// R, r} (64 bits), the fields that only the neuron datapath's last stage uses (it needs
// them two cycles after the others: late_raddr_i). Both are multiples of 16 bits wide,
// so the split takes no more block RAM. acc is stored in its low AccW bits and read back
// sign-extended (ncx_core says why AccW bits hold it). Only the region port writes
// params, only the sequencer acc. With P > 1 lanes the neuron RAM is {bias, δ_v, δ_I,
// v, I} (96 bits) and acc is in P lane RAMs (ncx_ram_sdp, AccW bits, no bit lanes:
// distributed RAM on the ECP5) by neuron mod P at word n / P, so that ACC reads and
// writes P accumulators a cycle.
//
// Traffic per cycle (s = cycle within the slot; "W lane l", "acc lane l": lane l of
// the synapse RAM or of acc; each RAM port does at most what is listed):
//   idle      the region port: one byte of one RAM (W: lane post mod P; a neuron record
//             in the neuron RAM and the late RAM)
//   ACC_IN,   W: every lane reads lane word s−1 of the column (posts (s−1)·P + l), one
//   ACC_REC   bank of each (the same in every lane), s = 1..N/P; acc: every lane reads
//             word s−1 (s = 1..N/P) and writes word s−2 (s = 2..N/P+1)
//   NEURON    neuron RAM and acc lane s mod P read neuron s (s < N); late RAM reads s−2;
//             neuron RAM, late RAM and acc lane (s−3) mod P write neuron s−3 ({v, I, r},
//             acc = 0)
//   LTD       W: lane (s−1) mod P reads post s−1, lane (s−2) mod P writes post s−2 (for
//             P = 1 the other bank); E reads; traces read x_post of post s−1
//   LTP       W: lane n mod P reads entry s−1 in one bank and writes entry s−2 in the
//             other; E reads; traces read entry s−1's pre trace
//   TRACE     traces: read entry s−1, write entry s−2
//   reset     neuron RAM, late RAM and acc lane s mod P write neuron s (s < N), then the
//             traces x_in
//
// Spram = 1: the synapse banks and the enable RAM are iCE40 SPRAMs, cleared at power-on
// (below); the others stay block RAM (ncx_ram_sdp). The clear writes every lane at once,
// but only LanesLog2 = 0 is built and tested with Spram = 1 (the iCEBreaker: the UP5K's
// four SPRAMs hold the two banks of one lane).
//
// Timing: writes at the edge ending their cycle, read data one cycle after the read
// address (no read-during-write bypass); with Spram = 1, the first 2^(WAW + 1) cycles
// from configuration clear the SPRAMs and the core must be held in reset meanwhile.
module ncx_core_mem #(
  parameter int NeuronsLog2 = 8,
  parameter int InputsLog2  = 8,
  parameter int Spram       = 0,  // 1: synapses and enable bits in iCE40 SPRAM (above)
  parameter int LanesLog2   = 0   // P = 2^LanesLog2 synapse and acc lanes (above)
) (
  input  logic                               clk_i,
  input  logic                               busy_i,

  // Region port (idle).
  input  logic [2:0]                         bus_region_i,
  input  logic [7:0]                         bus_byte_i,
  input  logic [NeuronsLog2+InputsLog2-1:0]  bus_w_in_addr_i,
  input  logic                               bus_w_in_we_i,
  input  logic [2*NeuronsLog2-1:0]           bus_w_rec_addr_i,
  input  logic                               bus_w_rec_we_i,
  input  logic [NeuronsLog2+InputsLog2-4:0]  bus_e_in_addr_i,
  input  logic                               bus_e_in_we_i,
  input  logic [2*NeuronsLog2-4:0]           bus_e_rec_addr_i,
  input  logic                               bus_e_rec_we_i,
  input  logic [NeuronsLog2-1:0]             bus_record_addr_i,
  input  logic [103:0]                       bus_params_we_i,
  input  logic [103:0]                       bus_params_wdata_i,
  input  logic [55:0]                        bus_state_we_i,
  input  logic [55:0]                        bus_state_wdata_i,
  input  logic [InputsLog2-1:0]              bus_x_in_addr_i,
  input  logic                               bus_x_is_in_i,
  input  logic                               bus_x_in_we_i,
  input  logic [NeuronsLog2-1:0]             bus_x_n_addr_i,
  input  logic                               bus_x_pre_we_i,
  input  logic                               bus_x_post_we_i,

  // Sequencer (busy): synapses.
  input  logic                               seq_w_re_i,      // LTD/LTP: the W read is used
  input  logic                               w_rd_rec_i,
  input  logic [NeuronsLog2+InputsLog2-1:0]  seq_w_in_raddr_i,
  input  logic [2*NeuronsLog2-1:0]           seq_w_rec_raddr_i,
  input  logic [NeuronsLog2+InputsLog2-1:0]  seq_w_in_waddr_i,
  input  logic                               seq_w_in_we_i,
  input  logic [2*NeuronsLog2-1:0]           seq_w_rec_waddr_i,
  input  logic                               seq_w_rec_we_i,
  input  logic [7:0]                         seq_w_wdata_i,
  // Neurons.
  input  logic [NeuronsLog2-1:0]             seq_acc_raddr_i,
  input  logic [NeuronsLog2-1:0]             seq_acc_waddr_i,
  input  logic                               seq_acc_we_i,
  input  logic                               seq_acc_lanes_i, // the write is to every lane
  input  logic [20*(2**LanesLog2)-1:0]       seq_acc_wdata_i, // lane l at [20l +: 20]
  input  logic [NeuronsLog2-1:0]             late_raddr_i,
  input  logic [NeuronsLog2-1:0]             seq_state_waddr_i,
  input  logic                               seq_state_we_i,  // {I, r} (and v, seq_v_we_i)
  input  logic                               seq_v_we_i,
  input  logic [55:0]                        seq_state_wdata_i,
  // Traces.
  input  logic                               x_rd_in_i,
  input  logic [InputsLog2-1:0]              seq_x_in_raddr_i,
  input  logic [NeuronsLog2-1:0]             seq_x_n_raddr_i,
  input  logic [InputsLog2-1:0]              seq_x_in_waddr_i,
  input  logic                               seq_x_in_we_i,
  input  logic [7:0]                         seq_x_in_wdata_i,
  input  logic [NeuronsLog2-1:0]             seq_x_n_waddr_i,
  input  logic                               seq_x_pre_we_i,
  input  logic [7:0]                         seq_x_pre_wdata_i,
  input  logic                               seq_x_post_we_i,
  input  logic [7:0]                         seq_x_post_wdata_i,

  // Read data.
  output logic [7:0]                         w_rdata_o,       // W_in or W_rec
  output logic [8*(2**LanesLog2)-1:0]        w_lanes_rdata_o, // every lane's (ACC)
  output logic [7:0]                         e_rdata_o,       // E_in or E_rec
  output logic [103:0]                       params_rdata_o,
  output logic [55:0]                        state_rdata_o,
  output logic [19:0]                        acc_rdata_o,
  output logic [20*(2**LanesLog2)-1:0]       acc_lanes_rdata_o, // every lane's (ACC)
  output logic [63:0]                        late_rdata_o,    // {θ ^ 0x7FFFFF, reset, R, r}
  output logic [15:0]                        x_rdata_o        // {x_post, x_in or x_pre}
);

  localparam int NL   = NeuronsLog2;
  localparam int IL   = InputsLog2;
  localparam int N    = 2 ** NL;
  localparam int M    = 2 ** IL;
  localparam int AccWI = $clog2(M + N) + 8;  // bits of acc's range (ncx_core)
  localparam int AccW = (AccWI < 20) ? AccWI : 20;
  localparam int WAW  = (IL > NL) ? NL + IL : 2 * NL;  // address bits of the larger W
  localparam int EAW  = WAW - 3;
  localparam int XAW  = (IL > NL) ? IL : NL;
  localparam int LL   = LanesLog2;
  localparam int P    = 2 ** LL;
  localparam int LW   = (LL > 0) ? LL : 1;  // bits of a lane's index
  localparam int LAW  = WAW - LL;           // address bits of a lane of the W RAM
  localparam int PM1  = P - 1;
  localparam logic [LW-1:0] LaneMask = PM1[LW-1:0];  // a post's lane: post & LaneMask

  logic bus_w_rec_sel, bus_e_rec_sel;
  assign bus_w_rec_sel = bus_region_i == 3'(ncx_pkg::RegionWeightsRec);
  assign bus_e_rec_sel = bus_region_i == 3'(ncx_pkg::RegionEnableRec);

  // Zero-extended to the shared address width.
  logic [WAW-1:0] w_in_raddr_x, w_rec_raddr_x, w_in_waddr_x, w_rec_waddr_x;
  logic [WAW-1:0] bus_w_in_addr_x, bus_w_rec_addr_x;
  logic [EAW-1:0] e_in_raddr_x, e_rec_raddr_x, bus_e_in_addr_x, bus_e_rec_addr_x;
  logic [XAW-1:0] x_in_raddr_x, x_n_raddr_x, x_in_waddr_x, x_n_waddr_x;
  logic [XAW-1:0] bus_x_in_addr_x, bus_x_n_addr_x;
  logic [NL+IL-4:0] e_in_raddr;
  logic [2*NL-4:0]  e_rec_raddr;
  assign e_in_raddr  = seq_w_in_raddr_i[NL+IL-1:3];
  assign e_rec_raddr = seq_w_rec_raddr_i[2*NL-1:3];

  always_comb begin
    w_in_raddr_x                    = '0;
    w_in_raddr_x[NL+IL-1:0]         = seq_w_in_raddr_i;
    w_rec_raddr_x                   = '0;
    w_rec_raddr_x[2*NL-1:0]         = seq_w_rec_raddr_i;
    w_in_waddr_x                    = '0;
    w_in_waddr_x[NL+IL-1:0]         = seq_w_in_waddr_i;
    w_rec_waddr_x                   = '0;
    w_rec_waddr_x[2*NL-1:0]         = seq_w_rec_waddr_i;
    bus_w_in_addr_x                 = '0;
    bus_w_in_addr_x[NL+IL-1:0]      = bus_w_in_addr_i;
    bus_w_rec_addr_x                = '0;
    bus_w_rec_addr_x[2*NL-1:0]      = bus_w_rec_addr_i;
    e_in_raddr_x                    = '0;
    e_in_raddr_x[NL+IL-4:0]         = e_in_raddr;
    e_rec_raddr_x                   = '0;
    e_rec_raddr_x[2*NL-4:0]         = e_rec_raddr;
    bus_e_in_addr_x                 = '0;
    bus_e_in_addr_x[NL+IL-4:0]      = bus_e_in_addr_i;
    bus_e_rec_addr_x                = '0;
    bus_e_rec_addr_x[2*NL-4:0]      = bus_e_rec_addr_i;
    x_in_raddr_x                    = '0;
    x_in_raddr_x[IL-1:0]            = seq_x_in_raddr_i;
    x_n_raddr_x                     = '0;
    x_n_raddr_x[NL-1:0]             = seq_x_n_raddr_i;
    x_in_waddr_x                    = '0;
    x_in_waddr_x[IL-1:0]            = seq_x_in_waddr_i;
    x_n_waddr_x                     = '0;
    x_n_waddr_x[NL-1:0]             = seq_x_n_waddr_i;
    bus_x_in_addr_x                 = '0;
    bus_x_in_addr_x[IL-1:0]         = bus_x_in_addr_i;
    bus_x_n_addr_x                  = '0;
    bus_x_n_addr_x[NL-1:0]          = bus_x_n_addr_i;
  end

  // Power-on clear of the SPRAMs (Spram = 1), whose contents are undefined at power-on:
  // in each of the first 2^ClearW cycles from configuration (the counter has no reset
  // and runs whatever rst_ni does) a zero is written to word clr_q[ClearW-1:1] of bank
  // clr_q[0] of every synapse lane and to word clr_q[EAW:0] of the enable RAM. The device
  // must be held in reset meanwhile (ncx_core's header).
  localparam int ClearW = LAW + 1;  // a synapse lane's address bits, bank included
  logic              clearing;
  logic [ClearW-1:0] clr_addr;

  if (Spram != 0) begin : gen_clear
    logic [ClearW:0] clr_q = '0;  // power-on value: the FPGA's flip-flops start at 0
    always_ff @(posedge clk_i) begin
      if (!clr_q[ClearW]) begin
        clr_q <= clr_q + 1'b1;
      end
    end
    assign clearing = !clr_q[ClearW];
    assign clr_addr = clr_q[ClearW-1:0];
  end else begin : gen_no_clear
    assign clearing = 1'b0;
    assign clr_addr = '0;
  end

  // Synapses: entry {rec, a} (W_rec above W_in, a = {post, pre} its address in the
  // matrix) in lane post mod P, at lane address {rec, a'} where a' is a without post's
  // low LanesLog2 bits (a' = a for P = 1), and there in bank post'[0] ^ pre[0] (post' =
  // post / P) at word {rec, a'[LAW-1:1]}. ACC_IN and ACC_REC read entry {pre, posts
  // (s−1)·P .. (s−1)·P + P − 1} in slot cycle s: one lane address, every lane. Why a
  // read whose data is used (seq_w_re_i) and a write never meet in a lane's bank: ACC_IN
  // and ACC_REC only read; idle, the region port reads or writes one byte a cycle; LTD
  // (a column: pre = the slot's spike) and LTP (a row: post = the slot's neuron) read
  // entry e in slot cycle e + 1 and write entry e − 1 of the same slot in cycle e + 1,
  // so in one cycle the varying index (post in LTD, pre in LTP) differs by one between
  // read and write: in LTD the lanes differ for P > 1, and post'[0] (the bank) for P =
  // 1; in LTP the lane is the same and pre[0] differs; LTP's row crosses from
  // W_in[n][M−1] to W_rec[n][0], where pre[0] goes from 1 to 0 (M is even), so it holds
  // across the matrices too. A slot's cycle 0 neither reads nor writes, and its first
  // read (cycle 1) comes before its first write (cycle 2), so a slot never meets the one
  // before it. Simulation checks it (ncx_ram_banked).
  logic [WAW:0]       w_raddr, w_waddr;
  logic [LAW:0]       w_rladdr, w_wladdr;  // lane addresses {rec, a'}
  logic [LW-1:0]      w_rlane, w_wlane;
  logic [LW-1:0]      w_rlane_q;           // the lane of the previous cycle's read
  logic               w_rbank, w_wbank, w_we, w_re;
  logic [7:0]         w_wdata;
  logic [8*P-1:0]     w_lanes_rdata;
  assign w_raddr = busy_i ? (w_rd_rec_i ? {1'b1, w_rec_raddr_x} : {1'b0, w_in_raddr_x})
                          : (bus_w_rec_sel ? {1'b1, bus_w_rec_addr_x} : {1'b0, bus_w_in_addr_x});
  assign w_waddr = busy_i ? (seq_w_rec_we_i ? {1'b1, w_rec_waddr_x} : {1'b0, w_in_waddr_x})
                          : w_raddr;
  assign w_we    = clearing || (busy_i ? (seq_w_in_we_i || seq_w_rec_we_i)
                                       : (bus_w_in_we_i || bus_w_rec_we_i));
  assign w_re    = busy_i && seq_w_re_i;
  assign w_wdata = clearing ? 8'd0 : (busy_i ? seq_w_wdata_i : bus_byte_i);

  // Lane and lane address of an entry: post is bits NL.. of a W_rec address, IL.. of a
  // W_in one.
  logic [NL+IL-LL-1:0] w_in_rl, w_in_wl;
  logic [2*NL-LL-1:0]  w_rec_rl, w_rec_wl;
  logic [LW-1:0]       w_in_rlane, w_rec_rlane, w_in_wlane, w_rec_wlane;
  assign w_in_rl     = {w_raddr[NL+IL-1:IL+LL], w_raddr[IL-1:0]};
  assign w_rec_rl    = {w_raddr[2*NL-1:NL+LL], w_raddr[NL-1:0]};
  assign w_in_wl     = {w_waddr[NL+IL-1:IL+LL], w_waddr[IL-1:0]};
  assign w_rec_wl    = {w_waddr[2*NL-1:NL+LL], w_waddr[NL-1:0]};
  assign w_in_rlane  = w_raddr[IL +: LW] & LaneMask;
  assign w_rec_rlane = w_raddr[NL +: LW] & LaneMask;
  assign w_in_wlane  = w_waddr[IL +: LW] & LaneMask;
  assign w_rec_wlane = w_waddr[NL +: LW] & LaneMask;
  logic [LAW-1:0] w_in_rl_x, w_rec_rl_x, w_in_wl_x, w_rec_wl_x;  // zero-extended
  always_comb begin
    w_in_rl_x                  = '0;
    w_in_rl_x[NL+IL-LL-1:0]    = w_in_rl;
    w_rec_rl_x                 = '0;
    w_rec_rl_x[2*NL-LL-1:0]    = w_rec_rl;
    w_in_wl_x                  = '0;
    w_in_wl_x[NL+IL-LL-1:0]    = w_in_wl;
    w_rec_wl_x                 = '0;
    w_rec_wl_x[2*NL-LL-1:0]    = w_rec_wl;
  end
  assign w_rladdr = w_raddr[WAW] ? {1'b1, w_rec_rl_x} : {1'b0, w_in_rl_x};
  assign w_wladdr = w_waddr[WAW] ? {1'b1, w_rec_wl_x} : {1'b0, w_in_wl_x};
  assign w_rlane = w_raddr[WAW] ? w_rec_rlane : w_in_rlane;
  assign w_wlane = w_waddr[WAW] ? w_rec_wlane : w_in_wlane;
  // The bank: post'[0] ^ pre[0].
  assign w_rbank = w_rladdr[0] ^ (w_raddr[WAW] ? w_raddr[NL+LL] : w_raddr[IL+LL]);
  assign w_wbank = clearing ? clr_addr[0]
                 : w_wladdr[0] ^ (w_waddr[WAW] ? w_waddr[NL+LL] : w_waddr[IL+LL]);

  for (genvar w = 0; w < P; w++) begin : gen_w_lane
    logic       lane_we;
    logic [7:0] lane_rdata;
    assign lane_we                  = w_we && (clearing || {{(32 - LW) {1'b0}}, w_wlane} == w);
    assign w_lanes_rdata[8*w +: 8]  = lane_rdata;

    ncx_ram_banked #(
      .AddrWidth(LAW),
      .Width    (8),
      .Spram    (Spram)
    ) u_w (
      .clk_i  (clk_i),
      .re_i   (w_re),
      .rbank_i(w_rbank),
      .raddr_i(w_rladdr[LAW:1]),
      .we_i   (lane_we),
      .wbank_i(w_wbank),
      .waddr_i(clearing ? clr_addr[ClearW-1:1] : w_wladdr[LAW:1]),
      .wdata_i(w_wdata),
      .rdata_o(lane_rdata)
    );
  end

  always_ff @(posedge clk_i) begin
    w_rlane_q <= w_rlane;
  end
  assign w_lanes_rdata_o = w_lanes_rdata;
  assign w_rdata_o       = w_lanes_rdata[8*w_rlane_q +: 8];

  // Enable bits: written only by the region port (and the clear), read by LTD and LTP.
  logic [EAW:0] e_addr;
  assign e_addr = clearing ? clr_addr[EAW:0]
                : busy_i ? (w_rd_rec_i ? {1'b1, e_rec_raddr_x} : {1'b0, e_in_raddr_x})
                         : (bus_e_rec_sel ? {1'b1, bus_e_rec_addr_x} : {1'b0, bus_e_in_addr_x});

  ncx_ram_sp #(
    .AddrWidth(EAW + 1),
    .Width    (8),
    .Spram    (Spram)
  ) u_e (
    .clk_i  (clk_i),
    .we_i   (clearing || (!busy_i && (bus_e_in_we_i || bus_e_rec_we_i))),
    .addr_i (e_addr),
    .wdata_i(clearing ? 8'd0 : bus_byte_i),
    .rdata_o(e_rdata_o)
  );

  // The neuron RAM, the late RAM and acc. With one lane acc is in the neuron RAM's low
  // AccW bits; with P > 1 lanes the neuron RAM holds {bias, δ_v, δ_I, v, I} and acc is in
  // P lane RAMs of N/P words (neuron n in lane n mod P at word n / P), which ACC reads and
  // writes at one word in every lane (seq_acc_lanes_i), the NEURON phase and the state
  // reset at one neuron's. The late RAM and the acc lanes are written by one write enable
  // each (no bit lanes).
  logic [63:0] late_wdata, late_we;
  logic [95:0] nrn_wdata;  // {bias, δ_v, δ_I, v, I}
  logic [95:0] nrn_fields;  // their read data
  logic [95:0] nrn_fields_we;
  assign nrn_fields_we = busy_i ? {48'd0, {24{seq_v_we_i}}, {24{seq_state_we_i}}}
                                : {bus_params_we_i[55:8], bus_state_we_i[55:8]};
  assign nrn_wdata     = {bus_params_wdata_i[55:8],
                          busy_i ? seq_state_wdata_i[55:8] : bus_state_wdata_i[55:8]};
  assign late_we       = busy_i ? {56'd0, {8{seq_state_we_i}}}
                                : {bus_params_we_i[103:56], bus_params_we_i[7:0],
                                   bus_state_we_i[7:0]};
  assign late_wdata    = {bus_params_wdata_i[103:56], bus_params_wdata_i[7:0],
                          busy_i ? seq_state_wdata_i[7:0] : bus_state_wdata_i[7:0]};

  if (LL == 0) begin : gen_acc_in_neuron_ram
    localparam int NW = 96 + AccW;
    logic [NW-1:0]   nrn_rdata;
    logic [AccW-1:0] acc_stored;

    ncx_ram_sdp #(
      .AddrWidth(NL),
      .Width    (NW),
      .Lanes    (NW)
    ) u_neuron_ram (
      .clk_i  (clk_i),
      .we_i   ({nrn_fields_we, {AccW{busy_i && seq_acc_we_i}}}),
      .waddr_i(busy_i ? (seq_state_we_i ? seq_state_waddr_i : seq_acc_waddr_i) : bus_record_addr_i),
      .wdata_i({nrn_wdata, seq_acc_wdata_i[AccW-1:0]}),
      .raddr_i(busy_i ? seq_acc_raddr_i : bus_record_addr_i),
      .rdata_o(nrn_rdata)
    );

    assign nrn_fields        = nrn_rdata[NW-1:AccW];
    assign acc_stored        = nrn_rdata[AccW-1:0];
    assign acc_rdata_o       = {{(20 - AccW) {acc_stored[AccW-1]}}, acc_stored};
    assign acc_lanes_rdata_o = acc_rdata_o;

    logic unused_acc_lanes;
    assign unused_acc_lanes = seq_acc_lanes_i;
  end else begin : gen_acc_lanes
    logic [LW-1:0] acc_wlane, acc_rlane, acc_rlane_q;  // the lane of a neuron's acc
    assign acc_wlane = seq_acc_waddr_i[LW-1:0];
    assign acc_rlane = seq_acc_raddr_i[LW-1:0];

    ncx_ram_sdp #(
      .AddrWidth(NL),
      .Width    (96),
      .Lanes    (96)
    ) u_neuron_ram (
      .clk_i  (clk_i),
      .we_i   (nrn_fields_we),
      .waddr_i(busy_i ? seq_state_waddr_i : bus_record_addr_i),
      .wdata_i(nrn_wdata),
      .raddr_i(busy_i ? seq_acc_raddr_i : bus_record_addr_i),
      .rdata_o(nrn_fields)
    );

    for (genvar a = 0; a < P; a++) begin : gen_acc_lane
      logic            lane_we;
      logic [AccW-1:0] lane_rdata;
      assign lane_we = busy_i && seq_acc_we_i
                    && (seq_acc_lanes_i || {{(32 - LW) {1'b0}}, acc_wlane} == a);

      ncx_ram_sdp #(
        .AddrWidth(NL - LL),
        .Width    (AccW),
        .Lanes    (1)
      ) u_acc_ram (
        .clk_i  (clk_i),
        .we_i   (lane_we),
        .waddr_i(seq_acc_waddr_i[NL-1:LL]),
        .wdata_i(seq_acc_wdata_i[20*a +: AccW]),
        .raddr_i(seq_acc_raddr_i[NL-1:LL]),
        .rdata_o(lane_rdata)
      );

      assign acc_lanes_rdata_o[20*a +: 20] = {{(20 - AccW) {lane_rdata[AccW-1]}}, lane_rdata};
    end

    always_ff @(posedge clk_i) begin
      acc_rlane_q <= acc_rlane;
    end
    assign acc_rdata_o = acc_lanes_rdata_o[20*acc_rlane_q +: 20];
  end

  ncx_ram_sdp #(
    .AddrWidth(NL),
    .Width    (64),
    .Lanes    (64)
  ) u_late_ram (
    .clk_i  (clk_i),
    .we_i   (late_we),
    .waddr_i(busy_i ? seq_state_waddr_i : bus_record_addr_i),
    .wdata_i(late_wdata),
    .raddr_i(busy_i ? late_raddr_i : bus_record_addr_i),
    .rdata_o(late_rdata_o)
  );
  assign params_rdata_o = {late_rdata_o[63:16], nrn_fields[95:48], late_rdata_o[15:8]};
  assign state_rdata_o  = {nrn_fields[47:0], late_rdata_o[7:0]};

  // Traces: {x_post (unused), x_in[m]} at {0, m}; neuron n's {x_post, x_pre} at {1, n}.
  logic [XAW:0]  x_raddr, x_waddr, bus_x_addr;
  logic [1:0]    x_we;
  logic [15:0]   x_wdata;
  assign x_raddr    = x_rd_in_i ? {1'b0, x_in_raddr_x} : {1'b1, x_n_raddr_x};
  assign bus_x_addr = bus_x_is_in_i ? {1'b0, bus_x_in_addr_x} : {1'b1, bus_x_n_addr_x};
  assign x_waddr    = busy_i ? (seq_x_in_we_i ? {1'b0, x_in_waddr_x} : {1'b1, x_n_waddr_x})
                             : bus_x_addr;
  assign x_we       = busy_i ? {seq_x_post_we_i, seq_x_in_we_i || seq_x_pre_we_i}
                             : {bus_x_post_we_i, bus_x_in_we_i || bus_x_pre_we_i};
  assign x_wdata    = busy_i ? {seq_x_post_wdata_i, seq_x_in_we_i ? seq_x_in_wdata_i : seq_x_pre_wdata_i}
                             : {bus_byte_i, bus_byte_i};

  ncx_ram_sdp #(
    .AddrWidth(XAW + 1),
    .Width    (16),
    .Lanes    (2)
  ) u_x (
    .clk_i  (clk_i),
    .we_i   (x_we),
    .waddr_i(x_waddr),
    .wdata_i(x_wdata),
    .raddr_i(busy_i ? x_raddr : bus_x_addr),
    .rdata_o(x_rdata_o)
  );

  logic unused_mem;
  assign unused_mem = ^{seq_w_in_raddr_i[2:0], seq_w_rec_raddr_i[2:0], seq_acc_wdata_i};

endmodule
