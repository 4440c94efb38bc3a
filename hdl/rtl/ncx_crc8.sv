// ncx_crc8 — one byte of the header CRC (CRC-8/SMBUS), combinational
//
// The byte-at-a-time update of the header CRC of docs/protocol.md §2: crc_o is the CRC
// register after data_i has been shifted into crc_i. The algorithm comes from the
// package: polynomial ncx_pkg::HeaderCrcPoly (MSB-first form), bytes entering MSB first
// (ncx_pkg::HeaderCrcRefIn = 0, HeaderCrcRefOut = 0: not reflected). A user starts the
// register at ncx_pkg::HeaderCrcInit, feeds the bytes in order and XORs the result with
// ncx_pkg::HeaderCrcXorOut (CRC-8/SMBUS: init 0x00, no final XOR; check value of
// "123456789" ncx_pkg::HeaderCrcCheck = 0xF4).
//
// Ports
//   crc_i    the CRC register before the byte
//   data_i   the byte
//   crc_o    the CRC register after it
//
// Timing: combinational (eight conditional XOR-and-shift steps, no clock).
module ncx_crc8 (
  input  logic [7:0] crc_i,
  input  logic [7:0] data_i,
  output logic [7:0] crc_o
);

  // The register after one byte: eight steps of "shift left; XOR the polynomial if the
  // bit shifted out was 1" (a function, so that no always_* process selects bits of the
  // variable it assigns: Icarus 11 warns about that).
  function automatic logic [7:0] update(input logic [7:0] crc, input logic [7:0] data);
    logic [7:0] c;
    c = crc ^ data;
    for (int b = 0; b < 8; b++) begin
      c = c[7] ? ({c[6:0], 1'b0} ^ ncx_pkg::HeaderCrcPoly) : {c[6:0], 1'b0};
    end
    update = c;
  endfunction

  assign crc_o = update(crc_i, data_i);

endmodule
