//! The C ABI of `csrc/uart_shim.cpp` and [`Model`], its owning safe handle.
//!
//! Every call into the shim is here, each with its `SAFETY:` argument. The invariant
//! they rest on: a [`Model`] holds the pointer
//! that `ncx_uart_new` returned, non-null, used by nothing else, freed exactly once (in
//! `Drop`). The shim's functions do not throw and do not keep the pointer.
#![allow(unsafe_code, reason = "the FFI boundary to the Verilated model; each block says why it is sound")]

use std::marker::{PhantomData, PhantomPinned};
use std::ptr::NonNull;

/// The shim's model (a `VerilatedContext` and the `Vncx_uart_loop`), opaque to Rust.
#[repr(C)]
pub(crate) struct NcxUart {
    _data: [u8; 0],
    // Not Send, not Sync, not Unpin: the C++ object is only touched through the pointer.
    _marker: PhantomData<(*mut u8, PhantomPinned)>,
}

unsafe extern "C" {
    fn ncx_uart_new(divisor: u16) -> *mut NcxUart;
    fn ncx_uart_free(m: *mut NcxUart);
    fn ncx_uart_step(m: *mut NcxUart, cycles: u64);
    fn ncx_uart_set_reset(m: *mut NcxUart, asserted: u8);
    fn ncx_uart_set_divisor(m: *mut NcxUart, divisor: u16);
    fn ncx_uart_set_loopback(m: *mut NcxUart, on: u8);
    fn ncx_uart_set_rx(m: *mut NcxUart, level: u8);
    fn ncx_uart_set_rx_ready(m: *mut NcxUart, ready: u8);
    fn ncx_uart_set_tx_data(m: *mut NcxUart, data: u8, valid: u8);
    fn ncx_uart_outputs(m: *const NcxUart) -> u32;
}

/// Owns one Verilated `ncx_uart_loop` (freed on drop). Not `Send`: a model stays in the
/// thread that made it.
#[derive(Debug)]
pub(crate) struct Model {
    raw: NonNull<NcxUart>,
}

impl Model {
    /// A model just out of reset (see `ncx_uart_new` in the shim), or `None` if the shim
    /// could not make one.
    pub(crate) fn new(divisor: u16) -> Option<Model> {
        // SAFETY: ncx_uart_new takes a plain integer and returns an owned pointer or null;
        // it catches every C++ exception.
        let raw = unsafe { ncx_uart_new(divisor) };
        NonNull::new(raw).map(|raw| Model { raw })
    }

    /// Runs `cycles` clock cycles.
    pub(crate) fn step(&mut self, cycles: u64) {
        // SAFETY: self.raw is a live model owned by self (type invariant); &mut self
        // means no other call is using it.
        unsafe { ncx_uart_step(self.raw.as_ptr(), cycles) }
    }

    /// Drives `rst_ni` low (`true`) or high.
    pub(crate) fn set_reset(&mut self, asserted: bool) {
        // SAFETY: as in step: a live, exclusively borrowed model.
        unsafe { ncx_uart_set_reset(self.raw.as_ptr(), u8::from(asserted)) }
    }

    /// Drives `divisor_i`.
    pub(crate) fn set_divisor(&mut self, divisor: u16) {
        // SAFETY: as in step: a live, exclusively borrowed model.
        unsafe { ncx_uart_set_divisor(self.raw.as_ptr(), divisor) }
    }

    /// Drives `loopback_i`.
    pub(crate) fn set_loopback(&mut self, on: bool) {
        // SAFETY: as in step: a live, exclusively borrowed model.
        unsafe { ncx_uart_set_loopback(self.raw.as_ptr(), u8::from(on)) }
    }

    /// Drives `rx_i`.
    pub(crate) fn set_rx(&mut self, level: bool) {
        // SAFETY: as in step: a live, exclusively borrowed model.
        unsafe { ncx_uart_set_rx(self.raw.as_ptr(), u8::from(level)) }
    }

    /// Drives `rx_ready_i`.
    pub(crate) fn set_rx_ready(&mut self, ready: bool) {
        // SAFETY: as in step: a live, exclusively borrowed model.
        unsafe { ncx_uart_set_rx_ready(self.raw.as_ptr(), u8::from(ready)) }
    }

    /// Drives `tx_data_i` and `tx_valid_i`.
    pub(crate) fn set_tx_data(&mut self, data: u8, valid: bool) {
        // SAFETY: as in step: a live, exclusively borrowed model.
        unsafe { ncx_uart_set_tx_data(self.raw.as_ptr(), data, u8::from(valid)) }
    }

    /// The outputs, packed as the shim's `ncx_uart_outputs` documents.
    pub(crate) fn outputs(&self) -> u32 {
        // SAFETY: a live model (type invariant); ncx_uart_outputs only reads it, and
        // &self excludes a concurrent mutating call.
        unsafe { ncx_uart_outputs(self.raw.as_ptr()) }
    }
}

impl Drop for Model {
    fn drop(&mut self) {
        // SAFETY: self.raw came from ncx_uart_new and is freed only here, once; nothing
        // uses it afterwards.
        unsafe { ncx_uart_free(self.raw.as_ptr()) }
    }
}
