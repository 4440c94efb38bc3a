// ncx_ffs — find first set: the lowest set bit of a mask, and the mask without it
//
// Combinational. The sequencer's slots iterate a spike mask in ascending order: in a
// slot's first set-up cycle index_o is the slot's spike and rest_o the mask still to
// visit. Two levels: the mask is cut into 2^(IdxWidth/2) groups of consecutive bits;
// the lowest non-empty group (its one-hot from g & ~(g − 1), a short carry chain, and
// its number from an OR tree) gives the index's high bits and selects its bits, whose
// lowest set bit (the same way) gives the low bits. rest_o clears the bit that is
// lowest in the lowest group.
//
// Parameters
//   Width      the mask's width, 2^IdxWidth
//   IdxWidth   log2(Width), >= 2
//   Rest       1: rest_o as below; 0: rest_o is all zero (for a user that does not
//                need it, so that no logic is spent on it)
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
  parameter int IdxWidth = 4,  // log2(Width)
  parameter bit Rest     = 1'b1
) (
  input  logic [Width-1:0]    bits_i,
  output logic                any_o,
  output logic [IdxWidth-1:0] index_o,
  output logic [Width-1:0]    rest_o
);

  localparam int HiW    = IdxWidth / 2;    // index bits of the group
  localparam int LoW    = IdxWidth - HiW;  // index bits within the group
  localparam int Groups = 2 ** HiW;
  localparam int Size   = 2 ** LoW;

  logic [Groups-1:0] g_any;   // group g has a set bit
  logic [Groups-1:0] g_low;   // one-hot: the lowest such group
  logic [HiW-1:0]    hi;
  logic [Size-1:0]   sel;     // the bits of that group
  logic [Size-1:0]   s_low;   // one-hot: its lowest set bit
  logic [LoW-1:0]    lo;

  for (genvar g = 0; g < Groups; g++) begin : gen_group
    assign g_any[g] = |bits_i[g*Size +: Size];
  end
  assign g_low = g_any & ~(g_any - {{(Groups - 1) {1'b0}}, 1'b1});

  for (genvar b = 0; b < HiW; b++) begin : gen_hi
    logic [Groups-1:0] has_bit;  // bit g: group g's number has bit b set
    for (genvar g = 0; g < Groups; g++) begin : gen_g
      assign has_bit[g] = ((g >> b) & 1) == 1;
    end
    assign hi[b] = |(g_low & has_bit);
  end

  assign sel   = bits_i[hi*Size +: Size];
  assign s_low = sel & ~(sel - {{(Size - 1) {1'b0}}, 1'b1});

  for (genvar b = 0; b < LoW; b++) begin : gen_lo
    logic [Size-1:0] has_bit;  // bit k: index k within a group has bit b set
    for (genvar k = 0; k < Size; k++) begin : gen_k
      assign has_bit[k] = ((k >> b) & 1) == 1;
    end
    assign lo[b] = |(s_low & has_bit);
  end

  if (Rest) begin : gen_rest
    for (genvar g = 0; g < Groups; g++) begin : gen_g
      assign rest_o[g*Size +: Size] = bits_i[g*Size +: Size] & ~({Size{g_low[g]}} & s_low);
    end
  end else begin : gen_no_rest
    assign rest_o = '0;
  end

  assign any_o   = |g_any;
  assign index_o = {hi, lo};

endmodule
