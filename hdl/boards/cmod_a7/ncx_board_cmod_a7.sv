// ncx_board_cmod_a7 — the NCX-1 device on a Digilent Cmod A7-35T (xc7a35tcpg236-1)
//
// Board top around the portable device `ncx_top` (hdl/rtl/ncx_top.sv); nothing here is
// part of the core. This is NeuroCoreX's board: the same clock and UART pins.
//
//   12 MHz oscillator (pin L17) → MMCME2_BASE → BUFG → clk (100 MHz) → ncx_top
//   FTDI FT2232HQ channel B: rx_i (pin J17, host → FPGA), tx_o (pin J18, FPGA → host)
//   BTN0 (pin A18, high when pressed): holds the device in reset
//   LED0 (pin A17): on while running; LED1 (pin C16): on while in reset
//
// Clock. VCO = 12 MHz · 62.5 / 1 = 750 MHz (600..1200 MHz for -1 parts), CLKOUT0 =
// 750 / 7.5 = 100 MHz: the values Vivado's Clocking Wizard chooses for 12 → 100 MHz.
// `ClockHz` must equal it (HELLO reports it); hdl/boards/cmod_a7/cmod_a7.xdc constrains the
// 12 MHz input, and Vivado derives the 100 MHz clock through the MMCM.
//
// Reset. Xilinx flip-flops take their INIT value (0 here) at configuration. The counter
// `por_q` counts while the MMCM is locked and the button is released; the device leaves
// reset when it reaches 2^(PorBits-1) cycles and goes back at once when the lock drops or
// the button is pressed (both through two-flop synchronisers). rst_n is a register.
//
// Build: hdl/boards/cmod_a7/build.tcl (Vivado, non-project batch mode); without Vivado,
// `ncx hw build --board cmod_a7` gives yosys's synth_xilinx resource estimate.
module ncx_board_cmod_a7 #(
  parameter int          NeuronsLog2   = 8,
  parameter int          InputsLog2    = 8,
  parameter logic [31:0] ClockHz       = 32'd100000000,
  parameter logic [31:0] BaudDivisor   = 32'd100,
  parameter logic [63:0] BuildId       = 64'd0,
  parameter int          InputSlots    = 16,
  parameter int          OutputHistory = 16,
  parameter int          RxFifoDepth   = 2048,
  parameter int          TxFifoDepth   = 4096,
  parameter int          PorBits       = 8
) (
  input  logic clk_12m_i,   // L17, 12 MHz oscillator
  input  logic btn0_i,      // A18, BTN0, high when pressed
  input  logic rx_i,        // J17, FTDI TXD (host → FPGA), idle high
  output logic tx_o,        // J18, FTDI RXD (FPGA → host), idle high
  output logic led0_o,      // A17, LED0, high = on
  output logic led1_o       // C16, LED1, high = on
);

  logic clk_fb, clk_fb_buf, clk_mmcm, clk, mmcm_locked;

  MMCME2_BASE #(
    .BANDWIDTH         ("OPTIMIZED"),
    .CLKIN1_PERIOD     (83.333),
    .DIVCLK_DIVIDE     (1),
    .CLKFBOUT_MULT_F   (62.5),
    .CLKFBOUT_PHASE    (0.0),
    .CLKOUT0_DIVIDE_F  (7.5),
    .CLKOUT0_DUTY_CYCLE(0.5),
    .CLKOUT0_PHASE     (0.0),
    .STARTUP_WAIT      ("FALSE")
  ) u_mmcm (
    .CLKIN1   (clk_12m_i),
    .CLKFBIN  (clk_fb_buf),
    .CLKFBOUT (clk_fb),
    .CLKFBOUTB(),
    .CLKOUT0  (clk_mmcm),
    .CLKOUT0B (),
    .CLKOUT1  (),
    .CLKOUT1B (),
    .CLKOUT2  (),
    .CLKOUT2B (),
    .CLKOUT3  (),
    .CLKOUT3B (),
    .CLKOUT4  (),
    .CLKOUT5  (),
    .CLKOUT6  (),
    .LOCKED   (mmcm_locked),
    .PWRDWN   (1'b0),
    .RST      (1'b0)
  );

  BUFG u_bufg_fb (
    .I(clk_fb),
    .O(clk_fb_buf)
  );

  BUFG u_bufg_clk (
    .I(clk_mmcm),
    .O(clk)
  );

  // Synchronisers of the MMCM lock and the button (power-up value 0).
  logic lock_meta_q = 1'b0, lock_q = 1'b0, btn_meta_q = 1'b0, btn_q = 1'b0;
  always_ff @(posedge clk) begin
    lock_meta_q <= mmcm_locked;
    lock_q      <= lock_meta_q;
    btn_meta_q  <= btn0_i;
    btn_q       <= btn_meta_q;
  end

  // Power-on reset counter: rst_n = its top bit.
  logic [PorBits-1:0] por_q = '0;
  always_ff @(posedge clk) begin
    if (!lock_q || btn_q) begin
      por_q <= '0;
    end else if (!por_q[PorBits-1]) begin
      por_q <= por_q + 1'b1;
    end
  end

  logic rst_n;
  assign rst_n = por_q[PorBits-1];

  ncx_top #(
    .NeuronsLog2  (NeuronsLog2),
    .InputsLog2   (InputsLog2),
    .ClockHz      (ClockHz),
    .BaudDivisor  (BaudDivisor),
    .BuildId      (BuildId),
    .InputSlots   (InputSlots),
    .OutputHistory(OutputHistory),
    .RxFifoDepth  (RxFifoDepth),
    .TxFifoDepth  (TxFifoDepth)
  ) u_ncx (
    .clk_i (clk),
    .rst_ni(rst_n),
    .rx_i  (rx_i),
    .tx_o  (tx_o)
  );

  assign led0_o = rst_n;
  assign led1_o = !rst_n;

endmodule
