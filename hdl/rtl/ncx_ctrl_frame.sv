// ncx_ctrl_frame — builds a timestep's output frame payload, one byte a cycle
//
// The BUILD step of ncx_ctrl (docs/protocol.md §10): while a timestep runs it counts
// the spikes on the core's neuron-write tap and lists the fired neurons' indices in a
// block RAM, in the order the NEURON phase writes them (ascending); a bitmap's bytes are
// those of the core's spike mask S(t), which holds until the core's next timestep or
// state reset (after the frame is built);
// then it gives the payload's bytes in order: the header (timestep, format), the spikes
// as a list (count, then each fired neuron's index) when that is shorter than the bitmap,
// else the bitmap, then the probe count and each probe (neuron u16, v i32, I i32), oldest
// probe first. The probed neurons are kept in the list's block RAM too, in two banks: a
// PROBE's SCAN writes its indices into the bank not in use, and its EXEC (commit) makes
// that bank the one the frames read, so that a NAKed PROBE leaves the probes as they
// were. A probe's v and I are bytes 0..7 of the neuron's STATE record, read
// through the core's region port: payload byte k (2..9) of a probe is requested in the
// cycle before (bus_req_o, at STATE offset 9 n + k - 2, which the controller forms from
// probe_base_o and index_o) and arrives in its cycle.
//
// Ports
//   nwr_valid_i, nwr_fired_i, the core's neuron-write tap (the spike count and list)
//   nwr_index_i
//   probe_we_i, probe_k_i,    a PROBE's index k (its list position) into the bank not in
//   probe_index_i               use (never in a cycle of the tap or of a build)
//   probe_commit_i            a PROBE's list is the probes from now on
//   start_i, timestep_i       the timestep starts: its number; the count restarts
//   spikes_i                  the core's S(t) (read while building)
//   begin_i                   the next build starts at the header (every cycle until
//                               the first build_i)
//   build_i                   a payload byte is written this cycle (byte_o)
//   probe_count_i             the number of probes (in the bank in use)
//   bus_rdata_i               the region port's read data
//   byte_o, last_o            the payload byte at the builder's position; it is the last
//   bus_req_o                 request STATE byte probe_base_o + index_o (in a build_i
//                               cycle)
//   timestep_o                the timestep of the frame (rotated while the header is built)
//
// Timing: the strobes act at the edge ending their cycle; byte_o, bus_req_o and last_o
// are combinational from the registers (and bus_rdata_i): the list RAM is read every
// cycle at the entry (list entry or probe) the builder will be at in the next cycle.
module ncx_ctrl_frame #(
  parameter int NeuronsLog2 = 8
) (
  input  logic                        clk_i,
  input  logic                        rst_ni,
  input  logic                        nwr_valid_i,
  input  logic                        nwr_fired_i,
  input  logic [NeuronsLog2-1:0]      nwr_index_i,
  input  logic                        probe_we_i,
  input  logic [3:0]                  probe_k_i,
  input  logic [NeuronsLog2-1:0]      probe_index_i,
  input  logic                        probe_commit_i,
  input  logic                        start_i,
  input  logic [31:0]                 timestep_i,
  input  logic [2**NeuronsLog2-1:0]   spikes_i,
  input  logic                        begin_i,
  input  logic                        build_i,
  input  logic [4:0]                  probe_count_i,
  input  logic [7:0]                  bus_rdata_i,
  output logic [7:0]                  byte_o,
  output logic                        last_o,
  output logic                        bus_req_o,
  output logic [12:0]                 probe_base_o,  // 9 n
  output logic [7:0]                  index_o,       // the byte within the probe
  output logic [31:0]                 timestep_o
);

  localparam int N       = 2 ** NeuronsLog2;
  localparam int NBytesI = N / 8;  // bitmap bytes
  // The byte within a phase: header 0..4, bitmap 0..N/8-1, probe 0..9 (in the list it
  // only alternates).
  localparam int              ByteW    = $clog2(NBytesI);  // a bitmap byte's index
  localparam int              ObIW     = (ByteW > 4) ? ByteW : 4;
  localparam int              ListMaxI = NBytesI / 2 - 1;  // a list is shorter below it
  localparam logic [10:0]     ListMax  = ListMaxI[10:0];
  localparam logic [ObIW-1:0] NBytesM1 = ObIW'(NBytesI - 1);
  // A list (2 + 2 fired bytes) can be shorter than the bitmap only if N / 8 > 2.
  localparam bit              ListFits = NBytesI > 2;
  // The RAM: list entry k at k, the probes' banks above the list (16 entries each).
  localparam int              RamAW     = ListFits ? NeuronsLog2 + 1 : 5;
  localparam logic [RamAW-1:0] ProbeBase = ListFits ? RamAW'(N) : '0;

  typedef enum logic [2:0] {
    ObHeader, ObCount, ObList, ObBitmap, ObProbeCount, ObProbes
  } ob_e;

  logic [31:0]     ts_d, ts_q;
  logic [10:0]     fired_d, fired_q;
  logic [NeuronsLog2:0] lp_d, lp_q;  // the list entry at the builder's position
  ob_e             ob_ph_d, ob_ph_q;
  logic [ObIW-1:0] ob_i_d, ob_i_q;  // byte within the phase
  logic [3:0]      ob_k_d, ob_k_q;  // probe entry
  logic            bank_d, bank_q;  // the probes' bank in use

  logic        list_fmt;
  logic [7:0]  ob_format;
  logic [31:0] ts_rot;     // ts_q rotated by a byte: the header's next timestep byte at 7:0
  logic [7:0]  ts_byte;
  logic [15:0] fired16;
  logic        ob_i1;
  logic [7:0]  sp_byte;
  logic [ByteW-1:0] sp_i;
  assign ob_format = {7'd0, !list_fmt};
  assign ts_rot    = {ts_q[7:0], ts_q[31:8]};
  assign ts_byte   = ts_q[7:0];
  assign fired16   = {5'd0, fired_q};
  assign ob_i1     = ob_i_q[0];
  assign sp_i      = ob_i_q[ByteW-1:0];
  assign sp_byte   = spikes_i[sp_i*8 +: 8];

  // The format: a list when 2 + 2 fired < N / 8 bytes, never when N / 8 <= 2.
  if (ListFits) begin : gen_fmt
    assign list_fmt = fired_q < ListMax;
  end else begin : gen_no_fmt
    assign list_fmt = 1'b0;
  end

  // The phase; when a list never fits (N / 8 <= 2 bitmap bytes), without the list
  // phases, which ob_ph_q then never holds.
  ob_e ob_ph;
  assign ob_ph = (!ListFits && (ob_ph_q == ObCount || ob_ph_q == ObList)) ? ObBitmap : ob_ph_q;

  // The list: entry k (the k-th fired neuron) written at the k-th spike of the tap, and
  // read at the entry after lp_q's next value; the probes: written by SCAN, and read at
  // the builder's next probe entry outside the list phase.
  logic                   sp_any, list_last, list_we;
  logic [NeuronsLog2-1:0] ram_rdata, sp_first, wdata;
  logic [RamAW-1:0]       waddr, raddr;
  assign list_we = ListFits && nwr_valid_i && nwr_fired_i;
  assign waddr   = probe_we_i ? (ProbeBase | RamAW'({!bank_q, probe_k_i}))
                              : RamAW'(fired_q[NeuronsLog2-1:0]);
  assign wdata   = probe_we_i ? probe_index_i : nwr_index_i;
  assign raddr   = (ListFits && ob_ph_d == ObList) ? RamAW'(lp_d[NeuronsLog2-1:0])
                                                   : (ProbeBase | RamAW'({bank_q, ob_k_d}));
  ncx_ram_sdp #(
    .AddrWidth(RamAW),
    .Width    (NeuronsLog2)
  ) u_list (
    .clk_i  (clk_i),
    .we_i   (list_we || probe_we_i),
    .waddr_i(waddr),
    .wdata_i(wdata),
    .raddr_i(raddr),
    .rdata_o(ram_rdata)
  );
  assign sp_first  = ListFits ? ram_rdata : '0;
  assign sp_any    = fired_q != 11'd0;
  assign list_last = lp_q + 1'b1 == fired_q[NeuronsLog2:0];

  logic [15:0] sp_first16;
  assign sp_first16 = {{(16 - NeuronsLog2) {1'b0}}, sp_first};

  // Probe entry ob_k_q (from 0, the oldest probe, up to probe_count - 1): its neuron,
  // then STATE bytes 0..7 as they arrive.
  logic [9:0] pn;
  logic [4:0] k_next;  // ob_k_q + 1
  logic [3:0] k_next4;
  logic [7:0] probe_byte;
  assign pn           = 10'(ram_rdata);
  assign k_next       = {1'b0, ob_k_q} + 5'd1;
  assign k_next4      = k_next[3:0];
  assign probe_byte   = (ob_i_q == ObIW'(0)) ? pn[7:0] :
                        (ob_i_q == ObIW'(1)) ? {6'd0, pn[9:8]} : bus_rdata_i;
  assign probe_base_o = {pn, 3'd0} + {3'd0, pn};
  assign index_o      = 8'(ob_i_q);
  assign timestep_o   = ts_q;

  // The byte at the builder's position and the position after it.
  ob_e             b_ph;
  logic [ObIW-1:0] b_i;
  logic [3:0]      b_k;
  logic [NeuronsLog2:0] b_lp;
  always_comb begin
    b_ph      = ob_ph_q;
    b_i       = ob_i_q + 1'b1;
    b_k       = ob_k_q;
    b_lp      = lp_q;
    last_o    = 1'b0;
    bus_req_o = 1'b0;
    unique case (ob_ph)
      ObHeader: begin
        // Timestep bytes 0..3 from ts_q[7:0], which rotates by a byte after each, so that
        // it is the timestep again after the header; then the format.
        byte_o = ts_byte;
        if (ob_i_q == ObIW'(4)) begin
          byte_o = ob_format;
          b_i = '0;
          if (list_fmt) begin
            b_ph = ObCount;
          end else begin
            b_ph = ObBitmap;
          end
        end
      end
      ObCount: begin
        byte_o = fired16[ob_i1*8 +: 8];
        if (ob_i_q == ObIW'(1)) begin
          b_i = '0;
          if (sp_any) begin
            b_ph = ObList;
          end else begin
            b_ph = ObProbeCount;
          end
        end
      end
      ObList: begin
        byte_o = sp_first16[ob_i1*8 +: 8];
        if (ob_i1) begin
          b_lp = lp_q + 1'b1;
          if (list_last) begin
            b_ph = ObProbeCount;
          end
        end
      end
      ObBitmap: begin
        byte_o = sp_byte;
        if (ob_i_q == NBytesM1) begin
          b_i  = '0;
          b_ph = ObProbeCount;
        end
      end
      ObProbeCount: begin
        byte_o = {3'd0, probe_count_i};
        b_i    = '0;
        b_ph   = ObProbes;
        last_o = probe_count_i == 5'd0;
      end
      default: begin
        byte_o    = probe_byte;
        bus_req_o = (ob_i_q != ObIW'(0)) && (ob_i_q != ObIW'(9));
        if (ob_i_q == ObIW'(9)) begin
          b_i    = '0;
          b_k    = k_next4;
          last_o = k_next == probe_count_i;
        end
      end
    endcase
  end

  // The strobes (one at a time: they are steps of the controller).
  always_comb begin
    ts_d    = ts_q;
    fired_d = fired_q;
    ob_ph_d = ob_ph_q;
    ob_i_d  = ob_i_q;
    ob_k_d  = ob_k_q;
    bank_d  = probe_commit_i ? !bank_q : bank_q;
    lp_d    = lp_q;
    if (start_i) begin
      ts_d    = timestep_i;
      fired_d = 11'd0;
    end else if (nwr_valid_i && nwr_fired_i) begin
      fired_d = fired_q + 11'd1;
    end
    if (begin_i) begin
      ob_ph_d = ObHeader;
      ob_i_d  = '0;
      ob_k_d  = '0;  // the oldest probe
      lp_d    = '0;
    end
    if (build_i) begin
      if (ob_ph_q == ObHeader && ob_i_q != ObIW'(4)) begin
        ts_d = ts_rot;
      end
      ob_ph_d = b_ph;
      ob_i_d  = b_i;
      ob_k_d  = b_k;
      lp_d    = b_lp;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ts_q    <= '0;
      fired_q <= '0;
      ob_ph_q <= ObHeader;
      ob_i_q  <= '0;
      ob_k_q  <= '0;
      bank_q  <= 1'b0;
      lp_q    <= '0;
    end else begin
      ts_q    <= ts_d;
      fired_q <= ListFits ? fired_d : '0;  // only a list needs the count
      ob_ph_q <= ob_ph_d;
      ob_i_q  <= ob_i_d;
      ob_k_q  <= ob_k_d;
      bank_q  <= bank_d;
      lp_q    <= lp_d;
    end
  end

endmodule
