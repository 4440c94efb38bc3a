// ncx_board_ulx3s — the NCX-1 device on a Radiona ULX3S (Lattice ECP5 LFE5U-85F, CABGA381)
//
// Board top around the portable device `ncx_top` (hdl/rtl/ncx_top.sv); nothing here is
// part of the core. `ncx hw build --board ulx3s` synthesises it with the parameters of
// the board table (hdl/boards/boards.toml) and the pins of ulx3s.lpf.
//
//   25 MHz oscillator clk_25mhz (G2) → EHXPLLL (CLKOS) → clk (24 MHz) → ncx_top
//   FTDI FT231X: ftdi_txd (M1, host → FPGA), ftdi_rxd (L4, FPGA → host)
//   btn[0] (D6, the PWR button, low when pressed): holds the device in reset
//   led[0] (B2): on while running; led[1] (C2): on while in reset; led[7:2] off
//
// Core. ncx_top at the board table's 256 × 256 with LanesLog2 = 2 (boards.toml params):
// four accumulate lanes, so ACC_IN and ACC_REC slots take N/4 + 2 cycles (ncx_core).
//
// Clock. 24 MHz is the fastest clock below the device's fmax at 256 × 256 with four
// lanes (25.1 to 25.9 MHz with nextpnr-ecp5 seed 1, by build id; docs/boards.md) that
// the FT231X's fastest rate, 3 Mbaud, divides exactly (8 cycles a bit); 25 MHz, the
// oscillator itself, divides by no FT231X rate above 1 Mbaud. EHXPLLL with feedback from CLKOP:
//
//     F_PFD  = 25 MHz / CLKI_DIV                  = 25 MHz   (3.125..400 MHz)
//     F_VCO  = F_PFD · CLKFB_DIV · CLKOP_DIV       = 600 MHz  (400..800 MHz)
//     CLKOP  = F_VCO / CLKOP_DIV                  = 25 MHz   (the feedback only)
//     CLKOS  = F_VCO / CLKOS_DIV                  = 24 MHz   (the core clock)
//
// Derived by hand: 24/25 needs CLKI_DIV = 25 with the output on CLKOP, a PFD of 1 MHz,
// below the 3.125 MHz minimum; so the VCO runs at 600 MHz (the least common multiple of
// 24 and 25 MHz inside 400..800) with 25 MHz fed back (CLKOP_DIV = 24) and 24 MHz taken
// from the secondary output (CLKOS_DIV = 25). prjtrellis's `ecppll -i 25 -o 24 --highres`
// (yowasp-ecppll, in .venv-fpga/ after scripts/setup.sh) gives the same dividers, and the
// phase and loop-filter settings copied below. `ClockHz` must equal CLKOS (HELLO reports
// it, and the host derives the baud rate from it): a host test
// (host/tests/integration/hw_boards.rs) recomputes it from these parameters, checks the
// ranges above and compares it with the board table's clock_hz. nextpnr-ecp5 derives the
// 24 MHz constraint through the PLL from the 25 MHz of ulx3s.lpf.
//
// Reset. ECP5 flip-flops take their initial value (0 here) at configuration. The
// power-on counter `por_q` counts while the PLL is locked and the button is released;
// the device leaves reset (rst_n high) when it reaches 2^(PorBits-1) cycles, and goes
// back to reset at once when the PLL loses lock or the button is pressed. The lock and
// the button pass two-flop synchronisers first; rst_n is a register.
//
// Echo = 1 replaces the device by a UART echo (ncx_uart_rx → ncx_uart_tx) on the same
// clock, reset and pins: the bring-up image (`ncx hw build --board ulx3s --echo`), and
// the image the ECP5 reproducibility test builds twice.
module ncx_board_ulx3s #(
  parameter int          NeuronsLog2   = 8,
  parameter int          InputsLog2    = 8,
  parameter logic [31:0] ClockHz       = 32'd24000000,
  parameter logic [31:0] BaudDivisor   = 32'd8,
  parameter logic [63:0] BuildId       = 64'd0,
  parameter int          InputSlots    = 16,
  parameter int          OutputHistory = 16,
  parameter int          RxFifoDepth   = 2048,
  parameter int          TxFifoDepth   = 4096,
  parameter int          LanesLog2     = 2,  // 4 accumulate lanes (ncx_top)
  // EHXPLLL: 25 MHz → 24 MHz on CLKOS (above)
  parameter int          PllClkiDiv    = 1,
  parameter int          PllClkfbDiv   = 1,
  parameter int          PllClkopDiv   = 24,
  parameter int          PllClkosDiv   = 25,
  parameter int          PorBits       = 8,
  parameter int          Echo          = 0
) (
  input  logic       clk_25mhz,  // G2, 25 MHz oscillator
  input  logic [6:0] btn,        // btn[0] D6 = PWR (low when pressed); the others unused
  input  logic       ftdi_txd,   // M1, FT231X TXD (host → FPGA), idle high
  output logic       ftdi_rxd,   // L4, FT231X RXD (FPGA → host), idle high
  output logic [7:0] led         // B2 C2 C1 D2 D1 E2 E1 H3, high = on
);

  logic clk, clk_fb, pll_lock;

  (* FREQUENCY_PIN_CLKI="25" *)
  (* FREQUENCY_PIN_CLKOS="24" *)
  (* ICP_CURRENT="12" *) (* LPF_RESISTOR="8" *) (* MFG_ENABLE_FILTEROPAMP="1" *) (* MFG_GMCREF_SEL="2" *)
  EHXPLLL #(
    .PLLRST_ENA     ("DISABLED"),
    .INTFB_WAKE     ("DISABLED"),
    .STDBY_ENABLE   ("DISABLED"),
    .DPHASE_SOURCE  ("DISABLED"),
    .OUTDIVIDER_MUXA("DIVA"),
    .OUTDIVIDER_MUXB("DIVB"),
    .OUTDIVIDER_MUXC("DIVC"),
    .OUTDIVIDER_MUXD("DIVD"),
    .CLKI_DIV       (PllClkiDiv),
    .CLKOP_ENABLE   ("ENABLED"),
    .CLKOP_DIV      (PllClkopDiv),
    .CLKOP_CPHASE   (9),
    .CLKOP_FPHASE   (0),
    .CLKOS_ENABLE   ("ENABLED"),
    .CLKOS_DIV      (PllClkosDiv),
    .CLKOS_CPHASE   (0),
    .CLKOS_FPHASE   (0),
    .FEEDBK_PATH    ("CLKOP"),
    .CLKFB_DIV      (PllClkfbDiv)
  ) u_pll (
    .RST         (1'b0),
    .STDBY       (1'b0),
    .CLKI        (clk_25mhz),
    .CLKOP       (clk_fb),
    .CLKOS       (clk),
    .CLKFB       (clk_fb),
    .CLKINTFB    (),
    .PHASESEL0   (1'b0),
    .PHASESEL1   (1'b0),
    .PHASEDIR    (1'b1),
    .PHASESTEP   (1'b1),
    .PHASELOADREG(1'b1),
    .PLLWAKESYNC (1'b0),
    .ENCLKOP     (1'b0),
    .LOCK        (pll_lock)
  );

  // Synchronisers of the PLL lock and the PWR button (power-up value 0: "not ready").
  logic lock_meta_q = 1'b0, lock_q = 1'b0, btn_meta_q = 1'b0, btn_q = 1'b0;
  always_ff @(posedge clk) begin
    lock_meta_q <= pll_lock;
    lock_q      <= lock_meta_q;
    btn_meta_q  <= btn[0];
    btn_q       <= btn_meta_q;
  end

  // Power-on reset counter: rst_n = its top bit.
  logic [PorBits-1:0] por_q = '0;
  always_ff @(posedge clk) begin
    if (!lock_q || !btn_q) begin
      por_q <= '0;
    end else if (!por_q[PorBits-1]) begin
      por_q <= por_q + 1'b1;
    end
  end

  logic rst_n;
  assign rst_n = por_q[PorBits-1];

  if (Echo != 0) begin : gen_echo
    logic [7:0] echo_data;
    logic       echo_valid, echo_ready;
    logic       unused_echo;

    ncx_uart_rx #(
      .DivisorWidth(16)
    ) u_rx (
      .clk_i          (clk),
      .rst_ni         (rst_n),
      .divisor_i      (BaudDivisor[15:0]),
      .rx_i           (ftdi_txd),
      .data_o         (echo_data),
      .valid_o        (echo_valid),
      .ready_i        (echo_ready),
      .frame_error_o  (),
      .overrun_error_o()
    );

    ncx_uart_tx #(
      .DivisorWidth(16)
    ) u_tx (
      .clk_i    (clk),
      .rst_ni   (rst_n),
      .divisor_i(BaudDivisor[15:0]),
      .data_i   (echo_data),
      .valid_i  (echo_valid),
      .ready_o  (echo_ready),
      .tx_o     (ftdi_rxd)
    );

    assign unused_echo = ^{ClockHz, BuildId, BaudDivisor[31:16]};
  end else begin : gen_device
    ncx_top #(
      .NeuronsLog2  (NeuronsLog2),
      .InputsLog2   (InputsLog2),
      .ClockHz      (ClockHz),
      .BaudDivisor  (BaudDivisor),
      .BuildId      (BuildId),
      .InputSlots   (InputSlots),
      .OutputHistory(OutputHistory),
      .RxFifoDepth  (RxFifoDepth),
      .TxFifoDepth  (TxFifoDepth),
      .LanesLog2    (LanesLog2)
    ) u_ncx (
      .clk_i (clk),
      .rst_ni(rst_n),
      .rx_i  (ftdi_txd),
      .tx_o  (ftdi_rxd)
    );
  end

  assign led = {6'b0, !rst_n, rst_n};

endmodule
