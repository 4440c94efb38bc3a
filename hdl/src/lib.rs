//! # ncx-hdl — the NCX-1 RTL and its Verilator co-simulation
//!
//! The SystemVerilog RTL lives in `hdl/rtl/` (one module per file). This crate checks it
//! from Rust: the build script (`hdl/build.rs`) verilates a co-simulation top and links it
//! through a small C shim (`hdl/csrc/`), and the tests in `hdl/tests/` drive it cycle by
//! cycle.
//!
//! - [`line`](mod@line): bus-functional models of a UART line in pure Rust — a [`line::LineDriver`]
//!   that bit-bangs bytes onto a receiver's pin at a given divisor, and a
//!   [`line::LineDecoder`] that decodes a transmitter's pin. Always compiled.
//! - `uart` (only when Verilator was found at build time, see [`COSIM_AVAILABLE`]):
//!   `UartSim`, the Verilated `ncx_uart_loop` top (the receiver `ncx_uart_rx` and the
//!   transmitter `ncx_uart_tx`) behind a safe API.
//! - `frame` (only with Verilator): `FrameSim`, the Verilated `ncx_frame_loop` top (the
//!   ncx/1 frame layer: `ncx_byte_fifo`, the decoder `ncx_frame_rx` and the encoder
//!   `ncx_frame_tx`) behind a safe API that reports in `ncx_model::wire` terms.
//! - [`core`](mod@core): [`core::CoreSim`], the Verilated `ncx_core` of each supported
//!   geometry, its region port, input staging and trace port decoded into the model's
//!   events. Always compiled; without Verilator no geometry is available and
//!   [`core::CoreSim::new`] says so.
//! - [`device`](mod@device): [`device::DeviceSim`], the Verilated `ncx_top` — the whole
//!   device (UART, frame layer, command layer `ncx_ctrl`, core) on its two pins — driven
//!   by a host UART inside the shim, so bytes go in and come out per batch, each sent
//!   byte with the cycle its start bit began; compared with `ncx_model::device::Device`.
//! - [`lockstep`]: [`lockstep::LockStep`], the model and the RTL core side by side,
//!   every event compared by kind, cycle and field; the first difference is a
//!   [`lockstep::Divergence`] naming timestep, cycle, event, field and both values.
//!
//! Without Verilator the crate still builds (with a cargo warning) and the co-simulation
//! tests are compiled out; `NCX_REQUIRE_VERILATOR=1` turns a missing Verilator into a
//! build error, as CI does.
//!
//! **Cycles.** Cycle n is the clock period that ends with the n-th rising edge after reset
//! (`UartSim::cycle` is n while the model is in cycle n). An input set in cycle n is
//! sampled by the edge that ends it; an output read in cycle n is its value during cycle
//! n. The RTL headers document their timing in the same terms.

pub mod line;

pub mod core;
pub mod device;
mod ffi;
#[cfg(have_verilator)]
pub mod frame;
pub mod lockstep;
#[cfg(have_verilator)]
pub mod uart;

/// Whether the Verilator co-simulation was built (Verilator was found at build time).
pub const COSIM_AVAILABLE: bool = cfg!(have_verilator);
