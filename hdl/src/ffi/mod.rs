//! The C ABIs of the shims in `csrc/`, one module per shim, each with an owning safe
//! handle.
//!
//! These are the only modules with `unsafe` code: every call into a shim is in them,
//! each with its `SAFETY:` argument. Without Verilator only the core's module exists,
//! with no shim behind it (it says how).

pub(crate) mod core;
#[cfg(have_verilator)]
pub(crate) mod frame;
#[cfg(have_verilator)]
pub(crate) mod uart;
