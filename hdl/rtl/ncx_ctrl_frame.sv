// ncx_ctrl_frame — builds a timestep's output frame payload, one byte a cycle
//
// The BUILD step of ncx_ctrl (docs/protocol.md §10): while a timestep runs it counts
// the spikes on the core's neuron-write tap; when it is done it takes the spike mask;
// then it gives the payload's bytes in order: the header (timestep, format), the spikes
// as a list (count, then each fired neuron's index) when that is shorter than the bitmap,
// else the bitmap, then the probe count and each probe (neuron u16, v i32, I i32), oldest
// probe first. A probe's v and I are bytes 0..7 of the neuron's STATE record, read
// through the core's region port: payload byte k (2..9) of a probe is requested in the
// cycle before (bus_req_o, at STATE offset 9 n + k - 2, which the controller forms from
// probe_base_o and index_o) and arrives in its cycle.
//
// Ports
//   nwr_valid_i, nwr_fired_i  the core's neuron-write tap (the spike count)
//   start_i, timestep_i       the timestep starts: its number; the count restarts
//   done_i, spikes_i          the timestep is done: its spikes S(t)
//   begin_i                   the next build starts at the header (every cycle until
//                               the first build_i)
//   build_i                   a payload byte is written this cycle (byte_o)
//   probe_count_i, probes_i   the probed neurons, newest first, NeuronsLog2 bits each
//   bus_rdata_i               the region port's read data
//   byte_o, last_o            the payload byte at the builder's position; it is the last
//   bus_req_o                 request STATE byte probe_base_o + index_o (in a build_i
//                               cycle)
//   timestep_o                the timestep of the frame
//
// Timing: the strobes act at the edge ending their cycle; byte_o, bus_req_o and last_o
// are combinational from the registers (and bus_rdata_i).
module ncx_ctrl_frame #(
  parameter int NeuronsLog2 = 8
) (
  input  logic                        clk_i,
  input  logic                        rst_ni,
  input  logic                        nwr_valid_i,
  input  logic                        nwr_fired_i,
  input  logic                        start_i,
  input  logic [31:0]                 timestep_i,
  input  logic                        done_i,
  input  logic [2**NeuronsLog2-1:0]   spikes_i,
  input  logic                        begin_i,
  input  logic                        build_i,
  input  logic [4:0]                  probe_count_i,
  input  logic [16*NeuronsLog2-1:0]   probes_i,
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
  localparam int              ObIW     = ($clog2(NBytesI) > 4) ? $clog2(NBytesI) : 4;
  localparam logic [10:0]     NBytes11 = NBytesI[10:0];
  localparam logic [ObIW-1:0] NBytesM1 = ObIW'(NBytesI - 1);
  // A list (2 + 2 fired bytes) can be shorter than the bitmap only if N / 8 > 2.
  localparam bit              ListFits = NBytesI > 2;

  typedef enum logic [2:0] {
    ObHeader, ObCount, ObList, ObBitmap, ObProbeCount, ObProbes
  } ob_e;

  logic [31:0]     ts_d, ts_q;
  logic [10:0]     fired_d, fired_q;
  logic [N-1:0]    sp_d, sp_q;
  ob_e             ob_ph_d, ob_ph_q;
  logic [ObIW-1:0] ob_i_d, ob_i_q;  // byte within the phase
  logic [3:0]      ob_k_d, ob_k_q;  // probe entry, counting down

  logic        list_fmt;
  logic [39:0] ob_header;
  logic [15:0] fired16;
  logic [2:0]  ob_i3;
  logic        ob_i1;
  logic [7:0]  sp_byte;
  assign list_fmt  = ({4'd0, fired_q, 1'b0} + 16'd2) < {5'd0, NBytes11};
  assign ob_header = {7'd0, !list_fmt, ts_q};
  assign fired16   = {5'd0, fired_q};
  assign ob_i3     = ob_i_q[2:0];
  assign ob_i1     = ob_i_q[0];
  assign sp_byte   = sp_q[7:0];

  // The phase; when a list never fits (N / 8 <= 2 bitmap bytes), without the list
  // phases, which ob_ph_q then never holds.
  ob_e ob_ph;
  assign ob_ph = (!ListFits && (ob_ph_q == ObCount || ob_ph_q == ObList)) ? ObBitmap : ob_ph_q;

  // The list's next neuron (none without the list phases).
  logic                   sp_any;
  logic [NeuronsLog2-1:0] sp_first;
  logic [N-1:0]           sp_rest;
  if (ListFits) begin : gen_list
    ncx_ffs #(
      .Width   (N),
      .IdxWidth(NeuronsLog2)
    ) u_ffs (
      .bits_i (sp_q),
      .any_o  (sp_any),
      .index_o(sp_first),
      .rest_o (sp_rest)
    );
  end else begin : gen_no_list
    assign sp_any   = 1'b0;
    assign sp_first = '0;
    assign sp_rest  = '0;
  end

  logic [15:0] sp_first16;
  assign sp_first16 = {{(16 - NeuronsLog2) {1'b0}}, sp_first};

  // Probe entry ob_k_q (from probe_count - 1, the oldest probe, down to 0): its neuron,
  // then STATE bytes 0..7 as they arrive.
  logic [3:0] pr_count4;
  logic [9:0] pn;
  logic [7:0] probe_byte;
  assign pr_count4    = probe_count_i[3:0];  // 16 entries: 0 - 1 is 15
  assign pn           = 10'(probes_i[ob_k_q*NeuronsLog2 +: NeuronsLog2]);
  assign probe_byte   = (ob_i_q == ObIW'(0)) ? pn[7:0] :
                        (ob_i_q == ObIW'(1)) ? {6'd0, pn[9:8]} : bus_rdata_i;
  assign probe_base_o = {pn, 3'd0} + {3'd0, pn};
  assign index_o      = 8'(ob_i_q);
  assign timestep_o   = ts_q;

  // The byte at the builder's position and the position after it.
  ob_e             b_ph;
  logic [ObIW-1:0] b_i;
  logic [3:0]      b_k;
  logic [N-1:0]    b_sp;
  always_comb begin
    b_ph      = ob_ph_q;
    b_i       = ob_i_q + 1'b1;
    b_k       = ob_k_q;
    b_sp      = sp_q;
    last_o    = 1'b0;
    bus_req_o = 1'b0;
    unique case (ob_ph)
      ObHeader: begin
        byte_o = ob_header[ob_i3*8 +: 8];
        if (ob_i_q == ObIW'(4)) begin
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
          b_sp = sp_rest;
          if (sp_rest == '0) begin
            b_ph = ObProbeCount;
          end
        end
      end
      ObBitmap: begin
        byte_o = sp_byte;
        b_sp   = sp_q >> 8;
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
          b_k    = ob_k_q - 4'd1;
          last_o = ob_k_q == 4'd0;
        end
      end
    endcase
  end

  // The strobes (one at a time: they are steps of the controller).
  always_comb begin
    ts_d    = ts_q;
    fired_d = fired_q;
    sp_d    = sp_q;
    ob_ph_d = ob_ph_q;
    ob_i_d  = ob_i_q;
    ob_k_d  = ob_k_q;
    if (start_i) begin
      ts_d    = timestep_i;
      fired_d = 11'd0;
    end else if (nwr_valid_i && nwr_fired_i) begin
      fired_d = fired_q + 11'd1;
    end
    if (done_i) begin
      sp_d = spikes_i;
    end
    if (begin_i) begin
      ob_ph_d = ObHeader;
      ob_i_d  = '0;
      ob_k_d  = pr_count4 - 4'd1;  // the oldest probe (none if probe_count_i is 0)
    end
    if (build_i) begin
      ob_ph_d = b_ph;
      ob_i_d  = b_i;
      ob_k_d  = b_k;
      sp_d    = b_sp;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ts_q    <= '0;
      fired_q <= '0;
      sp_q    <= '0;
      ob_ph_q <= ObHeader;
      ob_i_q  <= '0;
      ob_k_q  <= '0;
    end else begin
      ts_q    <= ts_d;
      fired_q <= ListFits ? fired_d : '0;  // only a list needs the count
      sp_q    <= sp_d;
      ob_ph_q <= ob_ph_d;
      ob_i_q  <= ob_i_d;
      ob_k_q  <= ob_k_d;
    end
  end

endmodule
