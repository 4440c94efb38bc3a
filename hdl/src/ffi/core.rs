//! The C ABI of `csrc/core_shim.cpp` and [`Model`], its owning safe handle.
//!
//! Every call into the shim is here, each with its `SAFETY:` argument. The invariant
//! they rest on: a [`Model`] holds the pointer that `ncx_core_new` returned, non-null,
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

/// The shim's model (a `VerilatedContext` and one geometry's `Vncx_core_*`), opaque.
#[cfg(have_verilator)]
#[repr(C)]
pub(crate) struct NcxCore {
    _data: [u8; 0],
    // Not Send, not Sync, not Unpin: the C++ object is only touched through the pointer.
    _marker: PhantomData<(*mut u8, PhantomPinned)>,
}

/// One event of the trace port (`NcxTraceEvent` in the shim; fields as the RTL's
/// `trace_*_o` ports).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct RawEvent {
    pub(crate) cycle: u64,
    pub(crate) timestep: u32,
    pub(crate) v: u32,
    pub(crate) i: u32,
    pub(crate) neuron: u16,
    pub(crate) pre: u16,
    pub(crate) spikes: u16,
    pub(crate) kind: u8,
    pub(crate) matrix: u8,
    pub(crate) spike: u8,
    pub(crate) refractory: u8,
    pub(crate) old_weight: u8,
    pub(crate) new_weight: u8,
}

/// The control outputs (`NcxCoreStatus` in the shim).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct RawStatus {
    pub(crate) cycle: u64,
    pub(crate) timestep: u32,
    pub(crate) overruns: u32,
    pub(crate) spikes: [u32; 32],
    pub(crate) busy: u8,
    pub(crate) done: u8,
}

#[cfg(have_verilator)]
unsafe extern "C" {
    fn ncx_core_geometries(out: *mut u32, capacity: usize) -> usize;
    fn ncx_core_new(neurons_log2: u32, inputs_log2: u32, lanes_log2: u32) -> *mut NcxCore;
    fn ncx_core_free(m: *mut NcxCore);
    fn ncx_core_idle(m: *mut NcxCore, cycles: u64);
    fn ncx_core_write(m: *mut NcxCore, region: u8, offset: u32, data: *const u8, len: usize);
    fn ncx_core_read(m: *mut NcxCore, region: u8, offset: u32, out: *mut u8, len: usize);
    fn ncx_core_stage_inputs(m: *mut NcxCore, indices: *const u16, len: usize);
    fn ncx_core_request(m: *mut NcxCore, start: u8);
    fn ncx_core_run(m: *mut NcxCore, max_cycles: u64, events: *mut RawEvent, capacity: usize, count: *mut usize)
    -> u64;
    fn ncx_core_status(m: *const NcxCore, out: *mut RawStatus);
}

/// The builds of the shim, as (log2 N, log2 M, log2 of the accumulate lanes).
#[cfg(have_verilator)]
pub(crate) fn geometries() -> Vec<(u32, u32, u32)> {
    let mut triples = [0u32; 96];
    // SAFETY: the shim writes at most `capacity` triples (3 · capacity u32) into
    // `triples`, which holds 96 u32 = 32 triples.
    let count = unsafe { ncx_core_geometries(triples.as_mut_ptr(), 32) };
    triples.chunks(3).take(count.min(32)).map(|p| (p[0], p[1], p[2])).collect()
}

/// Owns one Verilated `ncx_core` (freed on drop). Not `Send`: a model stays in the
/// thread that made it.
#[cfg(have_verilator)]
#[derive(Debug)]
pub(crate) struct Model {
    raw: NonNull<NcxCore>,
}

#[cfg(have_verilator)]
impl Model {
    /// A model of the geometry and lanes just out of reset, or `None` if that build does
    /// not exist or the shim could not make it.
    pub(crate) fn new(neurons_log2: u32, inputs_log2: u32, lanes_log2: u32) -> Option<Model> {
        // SAFETY: plain integers in; an owned pointer or null out; no exception escapes.
        let raw = unsafe { ncx_core_new(neurons_log2, inputs_log2, lanes_log2) };
        NonNull::new(raw).map(|raw| Model { raw })
    }

    /// `cycles` ticks with no request.
    pub(crate) fn idle(&mut self, cycles: u64) {
        // SAFETY: a live model owned by self (type invariant), exclusively borrowed.
        unsafe { ncx_core_idle(self.raw.as_ptr(), cycles) }
    }

    /// Writes `data` at `offset` of `region`, one byte per tick.
    pub(crate) fn write(&mut self, region: u8, offset: u32, data: &[u8]) {
        // SAFETY: a live, exclusively borrowed model; the shim reads data[0..len] only.
        unsafe { ncx_core_write(self.raw.as_ptr(), region, offset, data.as_ptr(), data.len()) }
    }

    /// Reads `out.len()` bytes from `offset` of `region`, one per tick.
    pub(crate) fn read(&mut self, region: u8, offset: u32, out: &mut [u8]) {
        // SAFETY: a live, exclusively borrowed model; the shim writes out[0..len] only.
        unsafe { ncx_core_read(self.raw.as_ptr(), region, offset, out.as_mut_ptr(), out.len()) }
    }

    /// Stages the next timestep's inputs (max(1, len) ticks).
    pub(crate) fn stage_inputs(&mut self, indices: &[u16]) {
        // SAFETY: a live, exclusively borrowed model; the shim reads indices[0..len] only.
        unsafe { ncx_core_stage_inputs(self.raw.as_ptr(), indices.as_ptr(), indices.len()) }
    }

    /// One tick with `start_i` (`true`) or `reset_state_i` (`false`) high.
    pub(crate) fn request(&mut self, start: bool) {
        // SAFETY: a live, exclusively borrowed model.
        unsafe { ncx_core_request(self.raw.as_ptr(), u8::from(start)) }
    }

    /// Ticks while busy (at most `max_cycles`), appending the trace events to `events`;
    /// returns the ticks done and the events seen (more than stored if `capacity` ran out).
    pub(crate) fn run(&mut self, max_cycles: u64, events: &mut Vec<RawEvent>, capacity: usize) -> (u64, usize) {
        let start = events.len();
        events.resize(start + capacity, RawEvent::default());
        let mut count = 0usize;
        // SAFETY: a live, exclusively borrowed model; events[start..start + capacity] is
        // valid for writes of `capacity` RawEvents (repr(C), the shim's layout); the shim
        // writes at most that many and sets `count`.
        let ticks =
            unsafe { ncx_core_run(self.raw.as_ptr(), max_cycles, events[start..].as_mut_ptr(), capacity, &mut count) };
        events.truncate(start + count.min(capacity));
        (ticks, count)
    }

    /// The control outputs and the cycle.
    pub(crate) fn status(&self) -> RawStatus {
        let mut out = RawStatus::default();
        // SAFETY: a live model (type invariant), only read; `out` is a valid RawStatus.
        unsafe { ncx_core_status(self.raw.as_ptr(), &mut out) };
        out
    }
}

#[cfg(have_verilator)]
impl Drop for Model {
    fn drop(&mut self) {
        // SAFETY: self.raw came from ncx_core_new and is freed only here, once.
        unsafe { ncx_core_free(self.raw.as_ptr()) }
    }
}

/// No geometry was built without Verilator.
#[cfg(not(have_verilator))]
pub(crate) fn geometries() -> Vec<(u32, u32, u32)> {
    Vec::new()
}

/// Without Verilator there is no model: this type has no values, so none of its
/// methods can be called.
#[cfg(not(have_verilator))]
#[derive(Debug)]
pub(crate) enum Model {}

#[cfg(not(have_verilator))]
impl Model {
    pub(crate) fn new(_: u32, _: u32, _: u32) -> Option<Model> {
        None
    }
    pub(crate) fn idle(&mut self, _: u64) {
        match *self {}
    }
    pub(crate) fn write(&mut self, _: u8, _: u32, _: &[u8]) {
        match *self {}
    }
    pub(crate) fn read(&mut self, _: u8, _: u32, _: &mut [u8]) {
        match *self {}
    }
    pub(crate) fn stage_inputs(&mut self, _: &[u16]) {
        match *self {}
    }
    pub(crate) fn request(&mut self, _: bool) {
        match *self {}
    }
    pub(crate) fn run(&mut self, _: u64, _: &mut Vec<RawEvent>, _: usize) -> (u64, usize) {
        match *self {}
    }
    pub(crate) fn status(&self) -> RawStatus {
        match *self {}
    }
}
