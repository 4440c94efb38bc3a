// ncx_crc32 — one byte of the frame CRC (CRC-32/ISO-HDLC), combinational
//
// The byte-at-a-time update of the frame CRC of docs/protocol.md §2: crc_o is the CRC
// register after data_i has been shifted into crc_i. The algorithm comes from the
// package: the reflected form (ncx_pkg::FrameCrcRefIn = FrameCrcRefOut = 1), so bytes
// enter LSB first into the low end of the register and the polynomial is
// ncx_pkg::FrameCrcPolyReversed. A user starts the register at ncx_pkg::FrameCrcInit,
// feeds the bytes in order and XORs the result with ncx_pkg::FrameCrcXorOut; the CRC is
// sent little-endian (CRC-32/ISO-HDLC: init and final XOR 0xFFFFFFFF; check value of
// "123456789" ncx_pkg::FrameCrcCheck = 0xCBF43926).
//
// Ports
//   crc_i    the CRC register before the byte
//   data_i   the byte
//   crc_o    the CRC register after it
//
// Timing: combinational (eight conditional shift-and-XOR steps, no clock).
module ncx_crc32 (
  input  logic [31:0] crc_i,
  input  logic [7:0]  data_i,
  output logic [31:0] crc_o
);

  // The register after one byte: eight steps of "shift right; XOR the reversed
  // polynomial if the bit shifted out was 1" (a function, as in ncx_crc8).
  function automatic logic [31:0] update(input logic [31:0] crc, input logic [7:0] data);
    logic [31:0] c;
    c = {crc[31:8], crc[7:0] ^ data};
    for (int b = 0; b < 8; b++) begin
      c = c[0] ? ({1'b0, c[31:1]} ^ ncx_pkg::FrameCrcPolyReversed) : {1'b0, c[31:1]};
    end
    update = c;
  endfunction

  assign crc_o = update(crc_i, data_i);

endmodule
