## cmod_a7.xdc — constraints of the NCX-1 board top (ncx_board_cmod_a7.sv) on the
## Digilent Cmod A7-35T (xc7a35tcpg236-1). Pins as in Digilent's Cmod-A7-Master.xdc.

## 12 MHz oscillator; the MMCM's 100 MHz output is derived from it by Vivado.
set_property -dict { PACKAGE_PIN L17 IOSTANDARD LVCMOS33 } [get_ports clk_12m_i]
create_clock -name sys_clk_pin -period 83.33 -waveform {0 41.66} [get_ports clk_12m_i]

## UART over the FTDI FT2232HQ (channel B): FPGA RX = J17 (uart_txd_in), TX = J18 (uart_rxd_out).
set_property -dict { PACKAGE_PIN J17 IOSTANDARD LVCMOS33 } [get_ports rx_i]
set_property -dict { PACKAGE_PIN J18 IOSTANDARD LVCMOS33 } [get_ports tx_o]

## BTN0 (reset) and LED0/LED1.
set_property -dict { PACKAGE_PIN A18 IOSTANDARD LVCMOS33 } [get_ports btn0_i]
set_property -dict { PACKAGE_PIN A17 IOSTANDARD LVCMOS33 } [get_ports led0_o]
set_property -dict { PACKAGE_PIN C16 IOSTANDARD LVCMOS33 } [get_ports led1_o]

## The UART line, the button and the LEDs are asynchronous to the clock (two-flop
## synchronisers inside); do not time them.
set_false_path -from [get_ports {rx_i btn0_i}]
set_false_path -to [get_ports {tx_o led0_o led1_o}]

## Bitstream: configuration voltage and a compressed bitstream (faster to load).
set_property CONFIG_VOLTAGE 3.3 [current_design]
set_property CFGBVS VCCO [current_design]
set_property BITSTREAM.GENERAL.COMPRESS TRUE [current_design]
