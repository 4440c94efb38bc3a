//! The C ABI of `csrc/frame_shim.cpp` and [`Model`], its owning safe handle.
//!
//! Every call into the shim is here, each with its `SAFETY:` argument. The invariant
//! they rest on: a [`Model`] holds the pointer that `ncx_frame_new` returned, non-null,
//! used by nothing else, freed exactly once (in `Drop`). The shim's functions do not
//! throw and do not keep the pointer or the struct they fill.
#![allow(unsafe_code, reason = "the FFI boundary to the Verilated model; each block says why it is sound")]

use std::marker::{PhantomData, PhantomPinned};
use std::ptr::NonNull;

/// The shim's model (a `VerilatedContext` and the `Vncx_frame_loop`), opaque to Rust.
#[repr(C)]
pub(crate) struct NcxFrame {
    _data: [u8; 0],
    // Not Send, not Sync, not Unpin: the C++ object is only touched through the pointer.
    _marker: PhantomData<(*mut u8, PhantomPinned)>,
}

/// The outputs of `ncx_frame_loop` in one cycle (`NcxFrameOutputs` in the shim, same
/// layout).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct RawOutputs {
    pub(crate) frame_crc: u32,
    pub(crate) err_offset: u32,
    /// Frames, header errors, CRC errors, frame bytes, discarded, seen.
    pub(crate) counters: [u32; 6],
    pub(crate) frame_len: u16,
    pub(crate) err_len: u16,
    pub(crate) fifo_count: u16,
    pub(crate) frame_opcode: u8,
    pub(crate) frame_seq: u8,
    pub(crate) rx_pay_rdata: u8,
    pub(crate) err_kind: u8,
    pub(crate) out_data: u8,
    /// Bit 0 in_ready, 1 fifo_overflow, 2 rx_ready, 3 frame_valid, 4 err_valid,
    /// 5 tx_idle, 6 out_valid, 7 rx_valid.
    pub(crate) flags: u8,
}

unsafe extern "C" {
    fn ncx_frame_new() -> *mut NcxFrame;
    fn ncx_frame_free(m: *mut NcxFrame);
    fn ncx_frame_step(m: *mut NcxFrame, cycles: u64);
    fn ncx_frame_set_reset(m: *mut NcxFrame, asserted: u8);
    fn ncx_frame_set_in(m: *mut NcxFrame, data: u8, valid: u8);
    fn ncx_frame_set_ack(m: *mut NcxFrame, ack: u8);
    fn ncx_frame_set_rx_pay_addr(m: *mut NcxFrame, addr: u16);
    fn ncx_frame_set_txram(m: *mut NcxFrame, we: u8, addr: u16, data: u8);
    fn ncx_frame_set_tx_start(m: *mut NcxFrame, start: u8, opcode: u8, seq: u8, len: u16);
    fn ncx_frame_set_out_ready(m: *mut NcxFrame, ready: u8);
    fn ncx_frame_outputs(m: *const NcxFrame, out: *mut RawOutputs);
}

/// Owns one Verilated `ncx_frame_loop` (freed on drop). Not `Send`: a model stays in the
/// thread that made it.
#[derive(Debug)]
pub(crate) struct Model {
    raw: NonNull<NcxFrame>,
}

impl Model {
    /// A model just out of reset (see `ncx_frame_new` in the shim), or `None` if the
    /// shim could not make one.
    pub(crate) fn new() -> Option<Model> {
        // SAFETY: ncx_frame_new takes nothing and returns an owned pointer or null; it
        // catches every C++ exception.
        let raw = unsafe { ncx_frame_new() };
        NonNull::new(raw).map(|raw| Model { raw })
    }

    /// Runs `cycles` clock cycles.
    pub(crate) fn step(&mut self, cycles: u64) {
        // SAFETY: self.raw is a live model owned by self (type invariant); &mut self
        // means no other call is using it.
        unsafe { ncx_frame_step(self.raw.as_ptr(), cycles) }
    }

    /// Drives `rst_ni` low (`true`) or high.
    pub(crate) fn set_reset(&mut self, asserted: bool) {
        // SAFETY: as in step: a live, exclusively borrowed model.
        unsafe { ncx_frame_set_reset(self.raw.as_ptr(), u8::from(asserted)) }
    }

    /// Drives `in_data_i` and `in_valid_i`.
    pub(crate) fn set_in(&mut self, data: u8, valid: bool) {
        // SAFETY: as in step: a live, exclusively borrowed model.
        unsafe { ncx_frame_set_in(self.raw.as_ptr(), data, u8::from(valid)) }
    }

    /// Drives `frame_ack_i`.
    pub(crate) fn set_ack(&mut self, ack: bool) {
        // SAFETY: as in step: a live, exclusively borrowed model.
        unsafe { ncx_frame_set_ack(self.raw.as_ptr(), u8::from(ack)) }
    }

    /// Drives `rx_pay_addr_i`.
    pub(crate) fn set_rx_pay_addr(&mut self, addr: u16) {
        // SAFETY: as in step: a live, exclusively borrowed model.
        unsafe { ncx_frame_set_rx_pay_addr(self.raw.as_ptr(), addr) }
    }

    /// Drives `txram_we_i`, `txram_addr_i` and `txram_data_i`.
    pub(crate) fn set_txram(&mut self, we: bool, addr: u16, data: u8) {
        // SAFETY: as in step: a live, exclusively borrowed model.
        unsafe { ncx_frame_set_txram(self.raw.as_ptr(), u8::from(we), addr, data) }
    }

    /// Drives `tx_start_i`, `tx_opcode_i`, `tx_seq_i` and `tx_len_i`.
    pub(crate) fn set_tx_start(&mut self, start: bool, opcode: u8, seq: u8, len: u16) {
        // SAFETY: as in step: a live, exclusively borrowed model.
        unsafe { ncx_frame_set_tx_start(self.raw.as_ptr(), u8::from(start), opcode, seq, len) }
    }

    /// Drives `out_ready_i`.
    pub(crate) fn set_out_ready(&mut self, ready: bool) {
        // SAFETY: as in step: a live, exclusively borrowed model.
        unsafe { ncx_frame_set_out_ready(self.raw.as_ptr(), u8::from(ready)) }
    }

    /// The outputs in the current cycle.
    pub(crate) fn outputs(&self) -> RawOutputs {
        let mut out = RawOutputs::default();
        // SAFETY: a live model (type invariant); ncx_frame_outputs only reads it, and
        // &self excludes a concurrent mutating call. `out` is a valid, exclusively
        // borrowed RawOutputs with the shim's layout (#[repr(C)], same field order and
        // types), which the shim only writes.
        unsafe { ncx_frame_outputs(self.raw.as_ptr(), &mut out) };
        out
    }
}

impl Drop for Model {
    fn drop(&mut self) {
        // SAFETY: self.raw came from ncx_frame_new and is freed only here, once; nothing
        // uses it afterwards.
        unsafe { ncx_frame_free(self.raw.as_ptr()) }
    }
}
