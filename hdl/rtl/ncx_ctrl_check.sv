// ncx_ctrl_check — the checks of a command that its frame alone decides
//
// Step 3 (DECIDE) of ncx_ctrl: from the held frame's opcode and length and the payload's
// fixed fields (bytes 0..8, which LOAD read), the first failing check in the order of
// docs/protocol.md §7 (opcode, length, region, READ length, range and whole records,
// codes and counts) as a NAK's status and detail, else whether a payload pass (VALIDATE
// for a WRITE to CONFIG, NEURONS or STATE; SCAN for INPUT and PROBE) comes before EXEC.
// Also the payload's layout that the passes use: WRITE's data length and the position
// and length of an INPUT's or PROBE's index list. Combinational.
//
// No comparator for a constant (bit tests instead) and no divider: a range is one adder
// and one compare, whole records are tested by digit sums (below).
module ncx_ctrl_check #(
  parameter int NeuronsLog2 = 8,
  parameter int InputsLog2  = 8
) (
  input  logic [7:0]  opcode_i,
  input  logic [10:0] len_i,
  input  logic [71:0] fixed_i,       // payload bytes 0..8, byte 0 in bits 7:0
  input  logic        steps_zero_i,  // RUN's steps (payload 0..3) are 0
  output logic        nak_o,
  output logic [7:0]  status_o,
  output logic [31:0] detail_o,
  output logic        pass_o,        // a payload pass follows (VALIDATE or SCAN)
  output logic [10:0] data_len_o,    // WRITE's data bytes (payload 5..)
  output logic [9:0]  list_base_o,   // the index list's first payload byte (INPUT, PROBE)
  output logic [10:0] list_bytes_o   // and its length (2 count), where the length matches
);

  localparam int N = 2 ** NeuronsLog2;
  localparam int M = 2 ** InputsLog2;

  // Offsets and CRC lengths in RegB bits (every region size < 2^RegB), and offset +
  // length in EndW bits (a WRITE's data length < 2^11; READ's, when checked, < 2^10).
  localparam int MaxRegion = (N * M > N * N) ? N * M : N * N;  // >= 17 N, 9 N, M + 2 N
  localparam int MaxCount  = (MaxRegion > 17 * N) ? MaxRegion : 17 * N;
  localparam int RegB      = $clog2(MaxCount + 1);
  localparam int EndW      = ((RegB > 11) ? RegB : 11) + 1;

  localparam logic [7:0] StOk       = ncx_pkg::StatusOk;
  localparam logic [7:0] StUnknown  = ncx_pkg::StatusUnknownOpcode;
  localparam logic [7:0] StBadLen   = ncx_pkg::StatusBadLength;
  localparam logic [7:0] StBadReg   = ncx_pkg::StatusBadRegion;
  localparam logic [7:0] StBadRange = ncx_pkg::StatusBadRange;
  localparam logic [7:0] StBadValue = ncx_pkg::StatusBadValue;

  localparam logic [7:0] OpHello  = ncx_pkg::OpcodeHello;
  localparam logic [7:0] OpReset  = ncx_pkg::OpcodeReset;
  localparam logic [7:0] OpWrite  = ncx_pkg::OpcodeWrite;
  localparam logic [7:0] OpRead   = ncx_pkg::OpcodeRead;
  localparam logic [7:0] OpCrc    = ncx_pkg::OpcodeCrc;
  localparam logic [7:0] OpRun    = ncx_pkg::OpcodeRun;
  localparam logic [7:0] OpStop   = ncx_pkg::OpcodeStop;
  localparam logic [7:0] OpInput  = ncx_pkg::OpcodeInput;
  localparam logic [7:0] OpProbe  = ncx_pkg::OpcodeProbe;
  localparam logic [7:0] OpStatus = ncx_pkg::OpcodeStatus;
  localparam logic [7:0] OpResend = ncx_pkg::OpcodeResend;

  // Fields of the fixed part.
  logic [7:0]  f_region;
  logic [2:0]  f_region3;
  logic [31:0] f_offset, f_u32_at5;
  logic [15:0] f_u16_at0, f_u16_at4, f_u16_at5;
  assign f_region  = fixed_i[7:0];
  assign f_region3 = f_region[2:0];
  assign f_offset  = fixed_i[39:8];
  assign f_u32_at5 = fixed_i[71:40];
  assign f_u16_at0 = fixed_i[15:0];
  assign f_u16_at4 = fixed_i[47:32];
  assign f_u16_at5 = fixed_i[55:40];

  logic [31:0] region_size, region_last;
  ncx_region_size #(
    .NeuronsLog2(NeuronsLog2),
    .InputsLog2 (InputsLog2)
  ) u_size (
    .region_i(f_region3),
    .size_o  (region_size),
    .last_o  (region_last)
  );

  logic [10:0] len_m5;  // WRITE data bytes
  assign len_m5 = len_i - 11'd5;
  // [offset, offset + length) inside the region, in EndW bits: an offset or CRC length of
  // 2^RegB or more is outside. One adder serves the length of WRITE, READ (<= 1023 where
  // READ uses it) or CRC, as opcode_i selects.
  logic [RegB-1:0] off_n, clen_n;
  logic [9:0]      read_len10;
  logic [EndW-1:0] size_n, span_n, end_n;
  logic            off_fits, clen_fits, in_region;
  assign off_n      = f_offset[RegB-1:0];
  assign clen_n     = f_u32_at5[RegB-1:0];
  assign read_len10 = f_u16_at5[9:0];
  assign off_fits   = (f_offset >> RegB) == 32'd0;
  assign clen_fits  = (f_u32_at5 >> RegB) == 32'd0;
  assign size_n     = region_size[EndW-1:0];
  assign span_n     = (opcode_i == OpWrite) ? EndW'(len_m5) :
                      (opcode_i == OpRead)  ? EndW'(read_len10) : EndW'(clen_n);
  assign end_n      = EndW'(off_n) + span_n;
  assign in_region  = off_fits && (end_n <= size_n);

  // Whole records: x is a multiple of 17 (or 9), by its alternating digit sum in base 16
  // (or 8), as 16 = -1 (mod 17) and 8 = -1 (mod 9), instead of dividing, so that no
  // multiplier is spent on it. Only offset and length bits W17-1:0 (NEURONS) or W9-1:0
  // (STATE) enter the tests: where the range check passes, both are at most the region's
  // size, 17 N or 9 N, so the bits above are 0; where it fails, the record test does not
  // matter. x is a multiple when the sums p and q of its even and odd digits differ by a
  // multiple: 0, or +-17 (+-9) where the digits that x's width allows can reach it.
  localparam int W17    = NeuronsLog2 + 5;  // 17 N < 2^W17
  localparam int W9     = NeuronsLog2 + 4;  // 9 N < 2^W9
  localparam int Hex2   = (W17 >= 12) ? 15 : 2 ** (W17 - 8) - 1;  // the largest digit 2
  localparam int Hex3   = (W17 > 12) ? 2 ** (W17 - 12) - 1 : 0;   // digit 3
  localparam int Oct2   = (W9 >= 9) ? 7 : 2 ** (W9 - 6) - 1;
  localparam int Oct3   = (W9 >= 12) ? 7 : (W9 > 9) ? 2 ** (W9 - 9) - 1 : 0;
  localparam int Oct4   = (W9 > 12) ? 2 ** (W9 - 12) - 1 : 0;
  localparam bit P17    = 15 + Hex2 >= 17;         // p - q can be 17
  localparam bit Q17    = 15 + Hex3 >= 17;         // q - p can be 17
  localparam bit P9     = 7 + Oct2 + Oct4 >= 9;
  localparam bit Q9     = 7 + Oct3 >= 9;
  localparam logic [14:0] Mask17 = 15'((32'd1 << W17) - 32'd1);
  localparam logic [14:0] Mask9  = 15'((32'd1 << W9) - 32'd1);

  function automatic logic mult17(input logic [14:0] x);
    logic [5:0] p, q;  // <= 30, <= 22
    p      = {2'b00, x[3:0]} + {2'b00, x[11:8]};
    q      = (Hex3 > 0) ? {2'b00, x[7:4]} + {3'b000, x[14:12]} : {2'b00, x[7:4]};
    mult17 = (p == q) || (P17 && (p == q + 6'd17)) || (Q17 && (q == p + 6'd17));
  endfunction

  function automatic logic mult9(input logic [14:0] x);
    logic [5:0] p, q;  // <= 17, <= 14
    p     = (Oct4 > 0) ? {3'b000, x[2:0]} + {3'b000, x[8:6]} + {3'b000, x[14:12]}
                       : {3'b000, x[2:0]} + {3'b000, x[8:6]};
    q     = (Oct3 > 0) ? {3'b000, x[5:3]} + {3'b000, x[11:9]} : {3'b000, x[5:3]};
    mult9 = (p == q) || (P9 && (p == q + 6'd9)) || (Q9 && (q == p + 6'd9));
  endfunction

  logic [14:0] off15, dlen15, off17, dlen17, off9, dlen9;
  logic        whole17, whole9, w_records;
  assign off15   = f_offset[14:0];
  assign dlen15  = {4'd0, len_m5};
  assign off17   = off15 & Mask17;
  assign dlen17  = dlen15 & Mask17;
  assign off9    = off15 & Mask9;
  assign dlen9   = dlen15 & Mask9;
  assign whole17 = mult17(off17) && mult17(dlen17);
  assign whole9  = mult9(off9) && mult9(dlen9);
  always_comb begin
    unique case (f_region3)
      3'd0:    w_records = (f_offset == 32'd0) && (len_m5 == 11'(ncx_pkg::ConfigLen));
      3'd5:    w_records = whole17;
      3'd6:    w_records = whole9;
      default: w_records = 1'b1;
    endcase
  end

  logic w_has_records;  // CONFIG, NEURONS, STATE
  assign w_has_records = (f_region == ncx_pkg::RegionConfig) || (f_region == ncx_pkg::RegionNeurons)
                      || (f_region == ncx_pkg::RegionState);

  // INPUT's and PROBE's expected length: sc_base + 2 count, 6 + 2 count (count at payload
  // 4) or 2 + 2 count (count at payload 0), which is also the NAK's detail. Where the
  // length matches, the list's bytes are 2 count (< 2^11).
  logic [31:0] sc_base, list_len;
  logic [15:0] list_count;
  logic [9:0]  list_count10;
  logic        list_match;
  assign sc_base      = (opcode_i == OpInput) ? 32'd6 : 32'd2;
  assign list_count   = (opcode_i == OpInput) ? f_u16_at4 : f_u16_at0;
  assign list_count10 = list_count[9:0];
  assign list_len     = sc_base + {15'd0, list_count, 1'b0};
  assign list_match   = list_len == {21'd0, len_i};

  // Comparisons with constants as bit tests (a comparator would cost a carry chain).
  logic len_lt2, len_lt6, region_le1, region_le7, read_le1023, probes_le16;
  assign len_lt2     = len_i[10:1] == 10'd0;
  assign len_lt6     = (len_i[10:3] == 8'd0) && (len_i[2:1] != 2'b11);
  assign region_le1  = f_region[7:1] == 7'd0;
  assign region_le7  = f_region[7:3] == 5'd0;
  assign read_le1023 = f_u16_at5[15:10] == 6'd0;
  assign probes_le16 = (f_u16_at0[15:5] == 11'd0) && !(f_u16_at0[4] && (f_u16_at0[3:0] != 4'd0));

  // The checks in §7 order.
  always_comb begin
    nak_o    = 1'b0;
    status_o = StOk;
    detail_o = 32'd0;
    pass_o   = 1'b0;
    unique case (opcode_i)
      OpHello, OpStop, OpStatus: begin
        if (len_i != 11'd0) begin
          nak_o = 1'b1; status_o = StBadLen; detail_o = 32'd0;
        end
      end
      OpReset: begin
        if (len_i != 11'd1) begin
          nak_o = 1'b1; status_o = StBadLen; detail_o = 32'd1;
        end else if (!region_le1) begin
          nak_o = 1'b1; status_o = StBadValue; detail_o = 32'd0;
        end
      end
      OpWrite: begin
        if (len_lt6) begin
          nak_o = 1'b1; status_o = StBadLen; detail_o = 32'd6;
        end else if (!region_le7) begin
          nak_o = 1'b1; status_o = StBadReg; detail_o = {24'd0, f_region};
        end else if (!in_region || !w_records) begin
          nak_o = 1'b1; status_o = StBadRange; detail_o = region_size;
        end else begin
          pass_o = w_has_records;
        end
      end
      OpRead: begin
        if (len_i != 11'd7) begin
          nak_o = 1'b1; status_o = StBadLen; detail_o = 32'd7;
        end else if (!region_le7) begin
          nak_o = 1'b1; status_o = StBadReg; detail_o = {24'd0, f_region};
        end else if (f_u16_at5 == 16'd0 || !read_le1023) begin
          nak_o = 1'b1; status_o = StBadValue; detail_o = 32'd5;
        end else if (!in_region) begin
          nak_o = 1'b1; status_o = StBadRange; detail_o = region_size;
        end
      end
      OpCrc: begin
        if (len_i != 11'd9) begin
          nak_o = 1'b1; status_o = StBadLen; detail_o = 32'd9;
        end else if (!region_le7) begin
          nak_o = 1'b1; status_o = StBadReg; detail_o = {24'd0, f_region};
        end else if (!clen_fits || !in_region) begin
          nak_o = 1'b1; status_o = StBadRange; detail_o = region_size;
        end
      end
      OpRun: begin
        if (len_i != 11'd4) begin
          nak_o = 1'b1; status_o = StBadLen; detail_o = 32'd4;
        end else if (steps_zero_i) begin
          nak_o = 1'b1; status_o = StBadValue; detail_o = 32'd0;
        end
      end
      OpInput: begin
        if (len_lt6) begin
          nak_o = 1'b1; status_o = StBadLen; detail_o = 32'd6;
        end else if (!list_match) begin
          nak_o = 1'b1; status_o = StBadLen; detail_o = list_len;
        end else begin
          pass_o = 1'b1;
        end
      end
      OpProbe: begin
        if (len_lt2) begin
          nak_o = 1'b1; status_o = StBadLen; detail_o = 32'd2;
        end else if (!list_match) begin
          nak_o = 1'b1; status_o = StBadLen; detail_o = list_len;
        end else if (!probes_le16) begin
          nak_o = 1'b1; status_o = StBadValue; detail_o = 32'd0;
        end else begin
          pass_o = 1'b1;
        end
      end
      OpResend: begin
        if (len_i != 11'd4) begin
          nak_o = 1'b1; status_o = StBadLen; detail_o = 32'd4;
        end
      end
      default: begin
        nak_o = 1'b1; status_o = StUnknown; detail_o = {24'd0, opcode_i};
      end
    endcase
  end

  assign data_len_o   = len_m5;
  assign list_base_o  = sc_base[9:0];
  assign list_bytes_o = {list_count10, 1'b0};

  logic unused_check;
  assign unused_check = ^{sc_base[31:10], region_last};

endmodule
