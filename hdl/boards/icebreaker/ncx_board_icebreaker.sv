// ncx_board_icebreaker — the NCX-1 device on a 1BitSquared iCEBreaker (iCE40UP5K-SG48)
//
// Board top around the portable device `ncx_top` (hdl/rtl/ncx_top.sv); nothing here is
// part of the core. `ncx hw build --board icebreaker` synthesises it with the parameters
// of the board table (hdl/boards/boards.toml) and the constraints in icebreaker.pcf.
//
//   12 MHz oscillator (pin 35) → clk (12 MHz; UsePll = 1: SB_PLL40_PAD → 18 MHz) → ncx_top
//   FTDI FT2232H channel B: rx_i (pin 6, host → FPGA), tx_o (pin 9, FPGA → host)
//   BTN_N (pin 10, the user button, active low): holds the device in reset
//   LEDR_N (pin 11): on while in reset; LEDG_N (pin 37): on while running
//
// Clock. The device runs on the 12 MHz oscillator itself (UsePll = 0, the board table's
// 12 MHz): nextpnr's fmax of the 16 × 16 device is ~15.6 MHz, below 18 MHz, the lowest
// PLL output (16..275 MHz) that is a multiple of 3 MHz for 3 Mbaud, and 12 MHz leaves
// a fifth of the clock period to spare. UsePll = 1 puts the PLL in front, with these
// settings, the output of
//
//     icepll -i 12 -o 18 -p
//
//     F_PLLIN:    12.000 MHz (given)
//     F_PLLOUT:   18.000 MHz (requested)
//     F_PLLOUT:   18.000 MHz (achieved)
//     FEEDBACK: SIMPLE
//     F_PFD:   12.000 MHz
//     F_VCO:  576.000 MHz
//     DIVR:  0 (4'b0000)
//     DIVF: 47 (7'b0101111)
//     DIVQ:  5 (3'b101)
//     FILTER_RANGE: 1 (3'b001)
//
// so F_out = 12 MHz · (DivF + 1) / ((DivR + 1) · 2^DivQ) = 18 MHz. Pin 35 is the PLL's
// pad input, hence SB_PLL40_PAD. `ClockHz` must equal the clock (HELLO reports it, and
// the host derives the baud rate from it): a test of the host (host/tests/hw_boards.rs)
// recomputes it from these parameters and compares it with the board table's clock.
// Another clock: run icepll with `-o <MHz> -p`, copy DIVR/DIVF/DIVQ/FILTER_RANGE here,
// set UsePll = 1 and change `clock_hz` (and the baud divisor) in boards.toml.
//
// Reset. iCE40 flip-flops power up as 0 after configuration. The power-on counter
// `por_q` starts at 0 and counts while the PLL is locked and the button is released;
// the device leaves reset (rst_n high) when it reaches 2^(PorLen-1) cycles, and goes
// back to reset at once when the PLL loses lock or the button is pressed. PorLen is
// PorBits or more, so that the core's power-on clear of its SPRAMs (ncx_top's Spram = 1:
// the synapses and enable bits, 2^(WBits+1) cycles from configuration) ends first:
// 2^(WBits+2) cycles, 1 024 at 16 × 16 and 16 384 (1.4 ms) at 64 × 64. A button reset
// clears nothing (the memories keep their contents, as block RAM does). The lock and
// the button pass two-flop synchronisers first; rst_n is a register, so ncx_top's
// asynchronous reset is released synchronously.
//
// Parameters: the geometry and the UART divisor (ncx_top's meaning), the build id HELLO
// reports, and ncx_top's buffer sizes, chosen small here to fit the UP5K (boards.toml).
//
// Echo = 1 replaces the device by a UART echo (ncx_uart_rx → ncx_uart_tx, every byte
// sent back) on the same clock, reset and pins: the bring-up image of the board (`ncx hw
// build --board icebreaker --echo`), small enough to fit whatever the device needs, to
// check the link and the baud rate, and the image whose bitstream the reproducibility
// test builds twice.
module ncx_board_icebreaker #(
  parameter int          NeuronsLog2   = 4,
  parameter int          InputsLog2    = 4,
  parameter logic [31:0] ClockHz       = 32'd12000000,
  parameter logic [31:0] BaudDivisor   = 32'd4,
  parameter logic [63:0] BuildId       = 64'd0,
  parameter int          InputSlots    = 2,
  parameter int          OutputHistory = 0,
  parameter int          RxFifoDepth   = 512,
  parameter int          TxFifoDepth   = 512,
  // PLL: icepll -i 12 -o 18 -p (above), used when UsePll = 1
  parameter int          UsePll        = 0,
  parameter logic [3:0]  PllDivR       = 4'd0,
  parameter logic [6:0]  PllDivF       = 7'd47,
  parameter logic [2:0]  PllDivQ       = 3'd5,
  parameter logic [2:0]  PllFilter     = 3'd1,
  parameter int          PorBits       = 8,
  parameter int          Echo          = 0
) (
  input  logic clk_12m_i,     // pin 35, 12 MHz oscillator
  input  logic btn_ni,        // pin 10, user button, low when pressed
  input  logic rx_i,          // pin 6, FTDI TXD (host → FPGA), idle high
  output logic tx_o,          // pin 9, FTDI RXD (FPGA → host), idle high
  output logic led_red_no,    // pin 11, red LED, low = on
  output logic led_green_no   // pin 37, green LED, low = on
);

  logic clk, pll_lock;

  if (UsePll != 0) begin : gen_pll
    SB_PLL40_PAD #(
      .FEEDBACK_PATH("SIMPLE"),
      .DIVR        (PllDivR),
      .DIVF        (PllDivF),
      .DIVQ        (PllDivQ),
      .FILTER_RANGE(PllFilter)
    ) u_pll (
      .PACKAGEPIN  (clk_12m_i),
      .PLLOUTCORE  (),
      .PLLOUTGLOBAL(clk),
      .EXTFEEDBACK (),
      .DYNAMICDELAY(),
      .LOCK        (pll_lock),
      .BYPASS      (1'b0),
      .RESETB      (1'b1),
      .LATCHINPUTVALUE(),
      .SDI         (),
      .SCLK        (),
      .SDO         ()
    );
  end else begin : gen_osc
    // The oscillator's pin is a global buffer input: the clock net as it comes.
    assign clk      = clk_12m_i;
    assign pll_lock = 1'b1;
  end

  // Synchronisers of the PLL lock (1 without the PLL) and the button (power-up value 0: "not ready").
  logic lock_meta_q = 1'b0, lock_q = 1'b0, btn_meta_q = 1'b0, btn_q = 1'b0;
  always_ff @(posedge clk) begin
    lock_meta_q <= pll_lock;
    lock_q      <= lock_meta_q;
    btn_meta_q  <= btn_ni;
    btn_q       <= btn_meta_q;
  end

  // Power-on reset counter: rst_n = its top bit. It is long enough for the core's
  // power-on clear of its SPRAMs (2^(WBits + 1) cycles from configuration, ncx_core)
  // to end while the device is still in reset.
  localparam int WBits  = (InputsLog2 > NeuronsLog2) ? NeuronsLog2 + InputsLog2 : 2 * NeuronsLog2;
  localparam int PorLen = (PorBits > WBits + 3) ? PorBits : WBits + 3;
  logic [PorLen-1:0] por_q = '0;
  always_ff @(posedge clk) begin
    if (!lock_q || !btn_q) begin
      por_q <= '0;
    end else if (!por_q[PorLen-1]) begin
      por_q <= por_q + 1'b1;
    end
  end

  logic rst_n;
  assign rst_n = por_q[PorLen-1];

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
      .rx_i           (rx_i),
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
      .tx_o     (tx_o)
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
      .Spram        (1)
    ) u_ncx (
      .clk_i (clk),
      .rst_ni(rst_n),
      .rx_i  (rx_i),
      .tx_o  (tx_o)
    );
  end

  assign led_red_no   = rst_n;
  assign led_green_no = !rst_n;

endmodule
