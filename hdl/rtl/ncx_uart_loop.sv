// ncx_uart_loop — co-simulation top: one UART receiver and one transmitter
//
// The top that the ncx-hdl crate verilates to check ncx_uart_rx and ncx_uart_tx
// from Rust. Both share one divisor. With loopback_i low the receiver listens on
// the pin rx_i; with loopback_i high it listens to the transmitter's own pin tx_o
// (the pins wired together outside the chip), which is how a whole ncx/1 frame
// goes bytes → tx pin → rx pin → bytes in the co-simulation. Not part of the core.
//
// Ports
//   clk_i, rst_ni                 clock; asynchronous active-low reset
//   divisor_i                     clock cycles per bit, for both directions
//   loopback_i                    1: the receiver's line is tx_o; 0: it is rx_i
//   rx_i                          receiver pin (ncx_uart_rx rx_i)
//   rx_data_o, rx_valid_o,        ncx_uart_rx data_o, valid_o, ready_i
//   rx_ready_i
//   rx_frame_error_o,             ncx_uart_rx error strobes
//   rx_overrun_error_o
//   tx_data_i, tx_valid_i,        ncx_uart_tx data_i, valid_i, ready_o
//   tx_ready_o
//   tx_o                          transmitter pin
//
// Timing: as in ncx_uart_rx and ncx_uart_tx; the loopback path is a wire, so a
// byte taken by the transmitter at the edge ending cycle a is received (rx_valid_o
// high) in cycle a + 1 + 10·D.
module ncx_uart_loop #(
  parameter int DivisorWidth = 16
) (
  input  logic                    clk_i,
  input  logic                    rst_ni,
  input  logic [DivisorWidth-1:0] divisor_i,
  input  logic                    loopback_i,
  input  logic                    rx_i,
  output logic [7:0]              rx_data_o,
  output logic                    rx_valid_o,
  input  logic                    rx_ready_i,
  output logic                    rx_frame_error_o,
  output logic                    rx_overrun_error_o,
  input  logic [7:0]              tx_data_i,
  input  logic                    tx_valid_i,
  output logic                    tx_ready_o,
  output logic                    tx_o
);

  logic rx_line;
  assign rx_line = loopback_i ? tx_o : rx_i;

  ncx_uart_rx #(
    .DivisorWidth(DivisorWidth)
  ) u_rx (
    .clk_i           (clk_i),
    .rst_ni          (rst_ni),
    .divisor_i       (divisor_i),
    .rx_i            (rx_line),
    .data_o          (rx_data_o),
    .valid_o         (rx_valid_o),
    .ready_i         (rx_ready_i),
    .frame_error_o   (rx_frame_error_o),
    .overrun_error_o (rx_overrun_error_o)
  );

  ncx_uart_tx #(
    .DivisorWidth(DivisorWidth)
  ) u_tx (
    .clk_i     (clk_i),
    .rst_ni    (rst_ni),
    .divisor_i (divisor_i),
    .data_i    (tx_data_i),
    .valid_i   (tx_valid_i),
    .ready_o   (tx_ready_o),
    .tx_o      (tx_o)
  );

endmodule
