//! The C ABI of `csrc/device_shim.cpp` and [`Model`], its owning safe handle.
//!
//! Every call into the shim is here, each with its `SAFETY:` argument. The invariant
//! they rest on: a [`Model`] holds the pointer that `ncx_device_new` returned, non-null,
//! used by nothing else, freed exactly once (in `Drop`). The shim's functions do not
//! throw and do not keep the pointer or the buffers they are given.
//!
//! Without Verilator (no cfg `have_verilator`) the shim does not exist: [`geometries`]
//! is empty and [`Model`] is an uninhabited type, so the safe API above it compiles and
//! reports the co-simulation as unavailable.
#![cfg_attr(
    have_verilator,
    allow(unsafe_code, reason = "the FFI boundary to the Verilated model; each block says why it is sound")
)]

#[cfg(have_verilator)]
use std::marker::{PhantomData, PhantomPinned};
#[cfg(have_verilator)]
use std::ptr::NonNull;

/// The shim's model (a `VerilatedContext`, one geometry's `Vncx_top_*` and the host's
/// UART), opaque to Rust.
#[cfg(have_verilator)]
#[repr(C)]
pub(crate) struct NcxDevice {
    _data: [u8; 0],
    // Not Send, not Sync, not Unpin: the C++ object is only touched through the pointer.
    _marker: PhantomData<(*mut u8, PhantomPinned)>,
}

#[cfg(have_verilator)]
unsafe extern "C" {
    fn ncx_device_geometries(out: *mut u32, capacity: usize) -> usize;
    fn ncx_device_new(neurons_log2: u32, inputs_log2: u32, slots: u32, history: u32, lanes_log2: u32)
    -> *mut NcxDevice;
    fn ncx_device_free(m: *mut NcxDevice);
    fn ncx_device_divisor(m: *const NcxDevice) -> u32;
    fn ncx_device_cycle(m: *const NcxDevice) -> u64;
    fn ncx_device_send(m: *mut NcxDevice, cycle: u64, bytes: *const u8, len: usize);
    fn ncx_device_run(m: *mut NcxDevice, cycles: u64, until_total: u64) -> u64;
    fn ncx_device_rx_pending(m: *const NcxDevice) -> usize;
    fn ncx_device_tx_total(m: *const NcxDevice) -> u64;
    fn ncx_device_tx_framing_errors(m: *const NcxDevice) -> u64;
    fn ncx_device_take(m: *mut NcxDevice, bytes: *mut u8, cycles: *mut u64, capacity: usize) -> usize;
}

/// One configuration of `ncx_top` the build verilated (`hdl/build.rs`, MODELS).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Built {
    pub(crate) neurons_log2: u32,
    pub(crate) inputs_log2: u32,
    /// Clock cycles per UART bit.
    pub(crate) divisor: u32,
    /// `InputSlots` and `OutputHistory`.
    pub(crate) input_slots: u32,
    pub(crate) output_history: u32,
    /// `LanesLog2`: log2 of the core's accumulate lanes.
    pub(crate) lanes_log2: u32,
}

/// The configurations the build verilated.
#[cfg(have_verilator)]
pub(crate) fn geometries() -> Vec<Built> {
    let mut buf = [0u32; 6 * 16];
    // SAFETY: `buf` is a valid, exclusively borrowed array of 6 × 16 u32; the shim writes
    // at most `capacity` = 16 records of 6 into it and keeps no pointer.
    let count = unsafe { ncx_device_geometries(buf.as_mut_ptr(), 16) };
    buf.chunks_exact(6)
        .take(count.min(16))
        .map(|c| Built {
            neurons_log2: c[0],
            inputs_log2: c[1],
            divisor: c[2],
            input_slots: c[3],
            output_history: c[4],
            lanes_log2: c[5],
        })
        .collect()
}

/// Owns one Verilated `ncx_top` with its UART host (freed on drop). Not `Send`: a model
/// stays in the thread that made it.
#[cfg(have_verilator)]
#[derive(Debug)]
pub(crate) struct Model {
    raw: NonNull<NcxDevice>,
}

#[cfg(have_verilator)]
impl Model {
    /// A device of the geometry, buffers and lanes just out of reset, or `None` if it was
    /// not built or the shim could not make it.
    pub(crate) fn new(neurons_log2: u32, inputs_log2: u32, slots: u32, history: u32, lanes_log2: u32) -> Option<Model> {
        // SAFETY: ncx_device_new takes five integers and returns an owned pointer or null;
        // it catches every C++ exception.
        let raw = unsafe { ncx_device_new(neurons_log2, inputs_log2, slots, history, lanes_log2) };
        NonNull::new(raw).map(|raw| Model { raw })
    }

    /// The model's baud divisor (clock cycles per bit).
    pub(crate) fn divisor(&self) -> u32 {
        // SAFETY: self.raw is a live model owned by self (type invariant); the call only
        // reads it, and &self excludes a concurrent mutating call.
        unsafe { ncx_device_divisor(self.raw.as_ptr()) }
    }

    /// The current cycle.
    pub(crate) fn cycle(&self) -> u64 {
        // SAFETY: as in divisor: a live model, read only.
        unsafe { ncx_device_cycle(self.raw.as_ptr()) }
    }

    /// Queue `bytes` for the host's line from `cycle` on.
    pub(crate) fn send(&mut self, cycle: u64, bytes: &[u8]) {
        // SAFETY: a live, exclusively borrowed model (type invariant, &mut self); `bytes`
        // is valid for `bytes.len()` reads and the shim copies it without keeping it.
        unsafe { ncx_device_send(self.raw.as_ptr(), cycle, bytes.as_ptr(), bytes.len()) }
    }

    /// Run up to `cycles` cycles, stopping early once `until_total` (if nonzero) bytes
    /// have been sent in total. Returns the cycles run.
    pub(crate) fn run(&mut self, cycles: u64, until_total: u64) -> u64 {
        // SAFETY: a live, exclusively borrowed model.
        unsafe { ncx_device_run(self.raw.as_ptr(), cycles, until_total) }
    }

    /// Bytes still queued for the host's line.
    pub(crate) fn rx_pending(&self) -> usize {
        // SAFETY: a live model, read only.
        unsafe { ncx_device_rx_pending(self.raw.as_ptr()) }
    }

    /// Bytes the device has sent since it was made.
    pub(crate) fn tx_total(&self) -> u64 {
        // SAFETY: a live model, read only.
        unsafe { ncx_device_tx_total(self.raw.as_ptr()) }
    }

    /// Characters from the device whose stop bit was low.
    pub(crate) fn tx_framing_errors(&self) -> u64 {
        // SAFETY: a live model, read only.
        unsafe { ncx_device_tx_framing_errors(self.raw.as_ptr()) }
    }

    /// Every byte sent and not yet taken, with the cycle its start bit began.
    pub(crate) fn take(&mut self) -> Vec<(u64, u8)> {
        let mut out = Vec::new();
        let mut bytes = [0u8; 256];
        let mut cycles = [0u64; 256];
        loop {
            // SAFETY: a live, exclusively borrowed model; `bytes` and `cycles` are valid
            // for 256 writes each and the shim writes at most `capacity` = 256 entries.
            let n = unsafe { ncx_device_take(self.raw.as_ptr(), bytes.as_mut_ptr(), cycles.as_mut_ptr(), 256) };
            out.extend(cycles.iter().zip(&bytes).take(n).map(|(&c, &b)| (c, b)));
            if n < 256 {
                return out;
            }
        }
    }
}

#[cfg(have_verilator)]
impl Drop for Model {
    fn drop(&mut self) {
        // SAFETY: self.raw came from ncx_device_new and is freed only here, once; nothing
        // uses it afterwards.
        unsafe { ncx_device_free(self.raw.as_ptr()) }
    }
}

/// No device was built without Verilator.
#[cfg(not(have_verilator))]
pub(crate) fn geometries() -> Vec<Built> {
    Vec::new()
}

/// Without Verilator there is no model: this type has no values, so none of its
/// methods can be called.
#[cfg(not(have_verilator))]
#[derive(Debug)]
pub(crate) enum Model {}

#[cfg(not(have_verilator))]
impl Model {
    pub(crate) fn new(_: u32, _: u32, _: u32, _: u32, _: u32) -> Option<Model> {
        None
    }
    pub(crate) fn divisor(&self) -> u32 {
        match *self {}
    }
    pub(crate) fn cycle(&self) -> u64 {
        match *self {}
    }
    pub(crate) fn send(&mut self, _: u64, _: &[u8]) {
        match *self {}
    }
    pub(crate) fn run(&mut self, _: u64, _: u64) -> u64 {
        match *self {}
    }
    pub(crate) fn rx_pending(&self) -> usize {
        match *self {}
    }
    pub(crate) fn tx_total(&self) -> u64 {
        match *self {}
    }
    pub(crate) fn tx_framing_errors(&self) -> u64 {
        match *self {}
    }
    pub(crate) fn take(&mut self) -> Vec<(u64, u8)> {
        match *self {}
    }
}
