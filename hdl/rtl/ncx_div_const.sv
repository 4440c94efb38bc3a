// ncx_div_const — quotient and remainder of a division by a constant, without a divider
//
// For x < Divisor · 2^QuotWidth: quot_o = floor(x / Divisor), rem_o = x − Divisor ·
// quot_o, by restoring division, one quotient bit a step from bit QuotWidth−1 down:
// while the remainder is below Divisor · 2^(k+1) (true at the start by the bound on x),
// step k compares the RemWidth + 1 bits of the remainder from bit k with Divisor and
// subtracts Divisor · 2^k when it fits (RemWidth = ceil(log2(Divisor))). For an x
// outside the bound both outputs are meaningless. The region port (ncx_region_port)
// finds a NEURONS or STATE byte's record (Divisor 17 or 9) with it. Combinational.
module ncx_div_const #(
  parameter int QuotWidth = 8,
  parameter int Divisor   = 17  // >= 3, not a power of two
) (
  input  logic [QuotWidth+$clog2(Divisor)-1:0] x_i,
  output logic [QuotWidth-1:0]                 quot_o,
  output logic [$clog2(Divisor)-1:0]           rem_o
);

  localparam int            RemW = $clog2(Divisor);
  localparam int            XW   = QuotWidth + RemW;
  localparam int            TopW = RemW + 1;  // the remainder from bit k: < 2 Divisor
  localparam logic [TopW:0] DivT = Divisor[TopW:0];

  function automatic logic [XW-1:0] divide(input logic [XW-1:0] x);
    logic [XW-1:0]        r, low;
    logic [TopW-1:0]      top;
    logic [TopW:0]        t;    // top − Divisor, bit TopW the borrow
    logic [QuotWidth-1:0] q;
    r = x;
    q = '0;
    for (int k = QuotWidth - 1; k >= 0; k--) begin
      top  = TopW'(r >> k);
      low  = r & ((XW'(1) << k) - XW'(1));
      t    = {1'b0, top} - DivT;
      q[k] = !t[TopW];
      top  = q[k] ? t[TopW-1:0] : top;
      r    = low | ({{(XW - TopW) {1'b0}}, top} << k);
    end
    divide = {q, r[RemW-1:0]};
  endfunction

  assign {quot_o, rem_o} = divide(x_i);

endmodule
