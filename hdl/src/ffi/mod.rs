//! The C ABIs of the shims in `csrc/`, one module per shim, each with an owning safe
//! handle.
//!
//! These are the only modules with `unsafe` code: every call into a shim is in them,
//! each with its `SAFETY:` argument. Without Verilator only the core's and the device's
//! modules exist, with no shim behind them (they say how).

pub(crate) mod core;
pub(crate) mod device;
#[cfg(have_verilator)]
pub(crate) mod frame;
#[cfg(have_verilator)]
pub(crate) mod uart;
