// ncx_ffs — find first set: the lowest set bit of a mask, and the mask without it
//
// Combinational. The sequencer's slots iterate a spike mask in ascending order: in a
// slot's first set-up cycle index_o is the slot's spike and rest_o the mask still to
// visit. lowest = bits & -bits isolates the lowest set bit (a carry chain), and an OR
// tree per index bit encodes it.
//
// Ports
//   bits_i     the mask (Width bits)
//   any_o      bits_i has a set bit
//   index_o    index of the lowest set bit (0 when bits_i is 0)
//   rest_o     bits_i with its lowest set bit cleared
//
// Timing: combinational, no clock.
module ncx_ffs #(
  parameter int Width    = 16,
  parameter int IdxWidth = 4   // log2(Width)
) (
  input  logic [Width-1:0]    bits_i,
  output logic                any_o,
  output logic [IdxWidth-1:0] index_o,
  output logic [Width-1:0]    rest_o
);

  logic [Width-1:0] minus_one;
  logic [Width-1:0] lowest;

  assign minus_one = bits_i - {{(Width - 1) {1'b0}}, 1'b1};
  assign lowest    = bits_i & ~minus_one;
  assign rest_o    = bits_i & minus_one;
  assign any_o     = |bits_i;

  for (genvar b = 0; b < IdxWidth; b++) begin : gen_index
    logic [Width-1:0] has_bit;  // bit k: index k has bit b set
    for (genvar k = 0; k < Width; k++) begin : gen_k
      assign has_bit[k] = ((k >> b) & 1) == 1;
    end
    assign index_o[b] = |(lowest & has_bit);
  end

endmodule
