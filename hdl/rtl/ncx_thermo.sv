// ncx_thermo — the thermometer of a pointer: bit k set for every k >= the pointer
//
// For the core's slot phases (ncx_core): the positions of a mask still to visit are
// those at or above a pointer, which is IdxWidth bits and a "none" bit (ptr_i[IdxWidth]:
// no position). Built in two levels instead of one comparator a position: the pointer's
// high index bits are compared once per group of positions (above, at), its low bits
// once per position within a group (at or above), and each bit combines the three.
// Combinational.
module ncx_thermo #(
  parameter int IdxWidth = 4  // positions 0..2^IdxWidth-1, >= 2
) (
  input  logic [IdxWidth:0]        ptr_i,   // the pointer; bit IdxWidth: none
  output logic [2**IdxWidth-1:0]   from_o   // bit k: k >= ptr_i
);

  localparam int HiW = IdxWidth / 2;
  localparam int LoW = IdxWidth - HiW;

  logic [2**HiW-1:0] g_above, g_at;
  logic [2**LoW-1:0] j_from;
  logic [HiW-1:0]    p_hi;
  logic [LoW-1:0]    p_lo;
  assign p_hi = ptr_i[IdxWidth-1:LoW];
  assign p_lo = ptr_i[LoW-1:0];

  for (genvar g = 0; g < 2 ** HiW; g++) begin : gen_group
    localparam logic [HiW-1:0] G = g;
    if (g == 0) begin : gen_first
      assign g_above[g] = 1'b0;
    end else begin : gen_later
      assign g_above[g] = !ptr_i[IdxWidth] && (G > p_hi);
    end
    assign g_at[g] = !ptr_i[IdxWidth] && (G == p_hi);
    for (genvar j = 0; j < 2 ** LoW; j++) begin : gen_j
      assign from_o[g*(2**LoW)+j] = g_above[g] || (g_at[g] && j_from[j]);
    end
  end
  for (genvar j = 0; j < 2 ** LoW; j++) begin : gen_low
    localparam logic [LoW-1:0] J = j;
    if (j == 2 ** LoW - 1) begin : gen_last
      assign j_from[j] = 1'b1;
    end else begin : gen_other
      assign j_from[j] = J >= p_lo;
    end
  end

endmodule
