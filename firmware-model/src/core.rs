//! The core: its memories, its state and the bookkeeping shared by both engines.
//!
//! A core is built with P = 2^lanes_log2 accumulate lanes ([`Core::with_lanes`]; one
//! lane with [`Core::new`]): a property of the hardware build, like its clock, that
//! changes only the cycles of the accumulate phases, never a spike, weight or state.
//!
//! A [`Core`] is driven one timestep at a time, either by the fast path
//! ([`Core::run_timestep`], in `fast.rs`) or by the cycle engine
//! ([`Core::start_timestep`] + [`Core::step_cycle`], in `cycle.rs`). Memories and
//! configuration may only be changed while the core is idle; every setter validates
//! its value against [`crate::spec`] and leaves the core unchanged on error.

use crate::arith::{self, TraceMode};
use crate::cycle::Sequencer;
use crate::error::ModelError;
use crate::geometry::Geometry;
use crate::memory::{Matrix, Synapses, TraceKind};
use crate::params::{CoreConfig, NeuronParams, NeuronState, NeuronTable};
use crate::spec;
use crate::time::{Cycle, Timestep};

/// What one completed timestep did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimestepReport {
    /// Which timestep.
    pub timestep: Timestep,
    /// Its first cycle.
    pub start: Cycle,
    /// Cycles of computation (FETCH to DONE inclusive), the closed form of §6.
    pub compute_cycles: u64,
    /// Cycles until the next timestep may start (≥ `compute_cycles` when paced).
    pub cycles: u64,
    /// Neurons that fired (their indices: [`Core::last_spikes`]).
    pub spikes: usize,
    /// Paced mode only: the computation took longer than the period.
    pub overrun: bool,
}

/// An NCX-1 core: memories, state and the timestep sequencer. Two cores are equal
/// when every memory, every state variable and the sequencer are equal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Core {
    pub(crate) geometry: Geometry,
    /// P = 2^lanes_log2 synapses accumulated per cycle (docs/semantics.md §6).
    pub(crate) lanes_log2: u8,
    pub(crate) config: CoreConfig,
    pub(crate) w_in: Synapses,
    pub(crate) w_rec: Synapses,
    pub(crate) params: NeuronTable,
    pub(crate) v: Vec<i32>,
    pub(crate) i: Vec<i32>,
    pub(crate) refractory: Vec<u8>,
    pub(crate) x_in: Vec<u8>,
    pub(crate) x_pre: Vec<u8>,
    pub(crate) x_post: Vec<u8>,
    /// Per-neuron weight sums of the current timestep (zero between timesteps).
    pub(crate) acc: Vec<i32>,
    /// This timestep's inputs, ascending and distinct, and the same as a mask.
    pub(crate) inputs: Vec<u16>,
    pub(crate) input_spiked: Vec<bool>,
    /// Neurons that fired in the previous timestep, ascending.
    pub(crate) prev_spikes: Vec<u16>,
    /// Neurons that fired so far in this timestep, ascending, and as a mask.
    pub(crate) spikes: Vec<u16>,
    pub(crate) spiked: Vec<bool>,
    pub(crate) cycle: Cycle,
    pub(crate) timestep: Timestep,
    pub(crate) overruns: u64,
    pub(crate) seq: Sequencer,
    pub(crate) scratch: Scratch,
}

/// Working buffers of the fast path's STDP phases, kept to avoid allocating every
/// timestep. They hold nothing between timesteps, so they never make two cores differ.
#[derive(Debug, Clone, Default)]
pub(crate) struct Scratch {
    /// Per post neuron: Δ(A−, x_post).
    pub(crate) depression: Vec<i32>,
    /// Effective (bumped if fired) input and pre traces.
    pub(crate) eff_in: Vec<u8>,
    pub(crate) eff_pre: Vec<u8>,
    /// Per pre: Δ(A+, effective trace).
    pub(crate) pot_in: Vec<i32>,
    pub(crate) pot_pre: Vec<i32>,
}

impl PartialEq for Scratch {
    fn eq(&self, _other: &Scratch) -> bool {
        true
    }
}

impl Eq for Scratch {}

impl Core {
    /// A core at power-on with one accumulate lane: all weights 0, no synapse plastic,
    /// every neuron [`NeuronParams::SILENT`], all state and traces 0, default
    /// configuration.
    pub fn new(geometry: Geometry) -> Core {
        Core::power_on(geometry, 0)
    }

    /// A core at power-on (as [`Core::new`]) with P = 2^`lanes_log2` accumulate lanes:
    /// its accumulate slots take N/P + 2 cycles instead of N + 2 (docs/semantics.md §6).
    /// P may be at most min(N, 2^[`spec::MAX_LANES_LOG2`]); more is
    /// [`ModelError::Lanes`].
    pub fn with_lanes(geometry: Geometry, lanes_log2: u8) -> Result<Core, ModelError> {
        let max_log2 = geometry.max_lanes_log2();
        if lanes_log2 > max_log2 {
            return Err(ModelError::Lanes { lanes_log2, max_log2, neurons: geometry.neurons() });
        }
        Ok(Core::power_on(geometry, lanes_log2))
    }

    /// A core at power-on with a valid number of lanes.
    pub(crate) fn power_on(geometry: Geometry, lanes_log2: u8) -> Core {
        let n = geometry.neurons();
        let m = geometry.inputs();
        Core {
            geometry,
            lanes_log2,
            config: CoreConfig::default(),
            w_in: Synapses::new(n, m),
            w_rec: Synapses::new(n, n),
            params: NeuronTable::new(n, NeuronParams::SILENT),
            v: vec![0; n],
            i: vec![0; n],
            refractory: vec![0; n],
            x_in: vec![0; m],
            x_pre: vec![0; n],
            x_post: vec![0; n],
            acc: vec![0; n],
            inputs: Vec::with_capacity(m),
            input_spiked: vec![false; m],
            prev_spikes: Vec::with_capacity(n),
            spikes: Vec::with_capacity(n),
            spiked: vec![false; n],
            cycle: Cycle(0),
            timestep: Timestep(0),
            overruns: 0,
            seq: Sequencer::default(),
            scratch: Scratch::default(),
        }
    }

    /// The core's geometry.
    pub fn geometry(&self) -> Geometry {
        self.geometry
    }

    /// The accumulate lanes as a power of two: P = 2^lanes_log2 (0 for [`Core::new`]).
    pub fn lanes_log2(&self) -> u8 {
        self.lanes_log2
    }

    /// The current configuration.
    pub fn config(&self) -> &CoreConfig {
        &self.config
    }

    /// Replace the configuration.
    pub fn set_config(&mut self, config: CoreConfig) -> Result<(), ModelError> {
        self.ensure_idle()?;
        config.validate()?;
        self.config = config;
        Ok(())
    }

    /// Cycles since the last reset.
    pub fn cycle(&self) -> Cycle {
        self.cycle
    }

    /// The number of the next timestep to run (= timesteps completed since reset).
    pub fn timestep(&self) -> Timestep {
        self.timestep
    }

    /// Paced timesteps whose computation took longer than the period, since reset.
    pub fn overruns(&self) -> u64 {
        self.overruns
    }

    /// The neurons that fired in the last completed timestep, ascending.
    pub fn last_spikes(&self) -> &[u16] {
        &self.prev_spikes
    }

    /// Whether no timestep is in progress (memories may be changed).
    pub fn is_idle(&self) -> bool {
        self.seq.is_idle()
    }

    pub(crate) fn ensure_idle(&self) -> Result<(), ModelError> {
        if self.is_idle() { Ok(()) } else { Err(ModelError::Busy) }
    }

    /// Parameters of neuron `n`.
    pub fn neuron_params(&self, n: usize) -> Result<NeuronParams, ModelError> {
        ModelError::check_index("neuron", n, self.params.len())?;
        Ok(self.params.get(n))
    }

    /// Set the parameters of neuron `n`.
    pub fn set_neuron_params(&mut self, n: usize, params: NeuronParams) -> Result<(), ModelError> {
        self.ensure_idle()?;
        ModelError::check_index("neuron", n, self.params.len())?;
        params.validate()?;
        self.params.set(n, params);
        Ok(())
    }

    /// State of neuron `n`.
    pub fn neuron_state(&self, n: usize) -> Result<NeuronState, ModelError> {
        ModelError::check_index("neuron", n, self.v.len())?;
        Ok(NeuronState { v: self.v[n], i: self.i[n], refractory: self.refractory[n] })
    }

    /// Overwrite the state of neuron `n`.
    pub fn set_neuron_state(&mut self, n: usize, state: NeuronState) -> Result<(), ModelError> {
        self.ensure_idle()?;
        ModelError::check_index("neuron", n, self.v.len())?;
        state.validate()?;
        self.v[n] = state.v;
        self.i[n] = state.i;
        self.refractory[n] = state.refractory;
        Ok(())
    }

    fn matrix(&self, matrix: Matrix) -> (&Synapses, &'static str) {
        match matrix {
            Matrix::Input => (&self.w_in, "input"),
            Matrix::Recurrent => (&self.w_rec, "neuron"),
        }
    }

    fn matrix_mut(&mut self, matrix: Matrix) -> &mut Synapses {
        match matrix {
            Matrix::Input => &mut self.w_in,
            Matrix::Recurrent => &mut self.w_rec,
        }
    }

    /// Weight of synapse `pre → post`.
    pub fn weight(&self, matrix: Matrix, post: usize, pre: usize) -> Result<i8, ModelError> {
        let (syn, what) = self.matrix(matrix);
        Ok(syn.weights[syn.index(post, pre, what)?])
    }

    /// Set the weight of synapse `pre → post`.
    pub fn set_weight(&mut self, matrix: Matrix, post: usize, pre: usize, weight: i8) -> Result<(), ModelError> {
        self.ensure_idle()?;
        let (syn, what) = self.matrix(matrix);
        let at = syn.index(post, pre, what)?;
        self.matrix_mut(matrix).weights[at] = weight;
        Ok(())
    }

    /// Whether STDP may change synapse `pre → post`.
    pub fn plastic(&self, matrix: Matrix, post: usize, pre: usize) -> Result<bool, ModelError> {
        let (syn, what) = self.matrix(matrix);
        Ok(syn.plastic[syn.index(post, pre, what)?])
    }

    /// Set the learning-enable bit of synapse `pre → post`.
    pub fn set_plastic(&mut self, matrix: Matrix, post: usize, pre: usize, on: bool) -> Result<(), ModelError> {
        self.ensure_idle()?;
        let (syn, what) = self.matrix(matrix);
        let at = syn.index(post, pre, what)?;
        self.matrix_mut(matrix).plastic[at] = on;
        Ok(())
    }

    /// The whole matrix, row-major `[post][pre]` (the device's address order).
    pub fn weights(&self, matrix: Matrix) -> Vec<i8> {
        let (syn, _) = self.matrix(matrix);
        Synapses::dump(&syn.weights, syn.posts(), syn.pres())
    }

    /// Load a whole matrix from a row-major `[post][pre]` image.
    pub fn load_weights(&mut self, matrix: Matrix, row_major: &[i8]) -> Result<(), ModelError> {
        self.ensure_idle()?;
        let syn = self.matrix_mut(matrix);
        let (posts, pres) = (syn.posts(), syn.pres());
        Synapses::load(&mut syn.weights, posts, pres, "weight matrix", row_major)
    }

    /// The learning-enable bits of a matrix, row-major `[post][pre]`.
    pub fn plastic_mask(&self, matrix: Matrix) -> Vec<bool> {
        let (syn, _) = self.matrix(matrix);
        Synapses::dump(&syn.plastic, syn.posts(), syn.pres())
    }

    /// Load the learning-enable bits of a matrix from a row-major `[post][pre]` image.
    pub fn load_plastic_mask(&mut self, matrix: Matrix, row_major: &[bool]) -> Result<(), ModelError> {
        self.ensure_idle()?;
        let syn = self.matrix_mut(matrix);
        let (posts, pres) = (syn.posts(), syn.pres());
        Synapses::load(&mut syn.plastic, posts, pres, "enable mask", row_major)
    }

    fn traces(&self, kind: TraceKind) -> (&[u8], &'static str) {
        match kind {
            TraceKind::Input => (&self.x_in, "input"),
            TraceKind::Pre => (&self.x_pre, "neuron"),
            TraceKind::Post => (&self.x_post, "neuron"),
        }
    }

    /// An STDP trace value.
    pub fn trace(&self, kind: TraceKind, index: usize) -> Result<u8, ModelError> {
        let (traces, what) = self.traces(kind);
        ModelError::check_index(what, index, traces.len())?;
        Ok(traces[index])
    }

    /// Overwrite an STDP trace value.
    pub fn set_trace(&mut self, kind: TraceKind, index: usize, value: u8) -> Result<(), ModelError> {
        self.ensure_idle()?;
        let (traces, what) = self.traces(kind);
        ModelError::check_index(what, index, traces.len())?;
        match kind {
            TraceKind::Input => self.x_in[index] = value,
            TraceKind::Pre => self.x_pre[index] = value,
            TraceKind::Post => self.x_post[index] = value,
        }
        Ok(())
    }

    /// Reset the dynamic state: `v`, `I`, refractory counters, traces and the spike
    /// history become 0, and the cycle and timestep counters restart at 0. Weights,
    /// enable bits, parameters and configuration are kept. Aborts a timestep in
    /// progress.
    pub fn reset_state(&mut self) {
        for x in [&mut self.v, &mut self.i, &mut self.acc] {
            x.fill(0);
        }
        for x in [&mut self.refractory, &mut self.x_in, &mut self.x_pre, &mut self.x_post] {
            x.fill(0);
        }
        self.input_spiked.fill(false);
        self.spiked.fill(false);
        self.inputs.clear();
        self.prev_spikes.clear();
        self.spikes.clear();
        self.cycle = Cycle(0);
        self.timestep = Timestep(0);
        self.overruns = 0;
        self.seq = Sequencer::default();
    }

    /// Validate this timestep's input spikes and latch them (ascending, distinct).
    pub(crate) fn latch_inputs(&mut self, inputs: &[u16]) -> Result<(), ModelError> {
        let m = self.geometry.inputs();
        if let Some(&bad) = inputs.iter().find(|&&a| usize::from(a) >= m) {
            return Err(ModelError::Index { what: "input", index: bad.into(), len: m });
        }
        self.inputs.clear();
        self.inputs.extend_from_slice(inputs);
        self.inputs.sort_unstable();
        self.inputs.dedup();
        for &a in &self.inputs {
            self.input_spiked[usize::from(a)] = true;
        }
        Ok(())
    }

    /// Close a timestep: the spikes become the previous spikes, masks are cleared.
    pub(crate) fn finish_timestep(&mut self, start: Cycle, compute_cycles: u64) -> TimestepReport {
        for &a in &self.inputs {
            self.input_spiked[usize::from(a)] = false;
        }
        for &n in &self.spikes {
            self.spiked[usize::from(n)] = false;
        }
        self.inputs.clear();
        std::mem::swap(&mut self.prev_spikes, &mut self.spikes);
        self.spikes.clear();
        let period = self.config.period;
        let overrun = period > 0 && compute_cycles > u64::from(period);
        self.overruns += u64::from(overrun);
        let report = TimestepReport {
            timestep: self.timestep,
            start,
            compute_cycles,
            cycles: compute_cycles.max(u64::from(period)),
            spikes: self.prev_spikes.len(),
            overrun,
        };
        self.timestep = self.timestep.next();
        report
    }
}

/// The neuron datapath (docs/semantics.md §4): one neuron, one timestep.
///
/// Returns the new state and whether the neuron fired. Written without branches and
/// in 32-bit arithmetic so that the fast path's loop over all neurons vectorises; it
/// is exact for every state and parameter the fields allow (see [`decay24`]).
#[inline(always)]
pub(crate) fn integrate(p: &NeuronParams, s: NeuronState, acc: i32, weight_shift: u8) -> (NeuronState, bool) {
    // |decay(I)| < 2^23, so any |acc << shift| >= 2^25 saturates I the same way as
    // the exact value: clamping acc first keeps the shift inside 32 bits.
    let limit = (1i32 << 25) >> weight_shift;
    let synaptic = acc.clamp(-limit, limit) << weight_shift;
    let i = saturate24(decay24(s.i, p.i_decay) + synaptic);
    let u = saturate24(decay24(s.v, p.v_decay) + i + p.bias);
    let refractory = s.refractory > 0;
    let fired = !refractory & (u >= p.threshold);
    let v = if refractory {
        s.v
    } else if fired {
        p.reset
    } else {
        u
    };
    let r = if refractory {
        s.refractory - 1
    } else if fired {
        p.refractory
    } else {
        0
    };
    (NeuronState { v, i, refractory: r }, fired)
}

/// [`arith::decay`] for values inside 24 bits, in 32-bit arithmetic:
/// `|x| = h·4096 + l` gives `(|x|·f) >> 12 = h·f + ((l·f) >> 12)` exactly, and both
/// products stay below 2^24.
#[inline(always)]
pub(crate) fn decay24(x: i32, delta: u16) -> i32 {
    let f = 4096 - i32::from(delta);
    let a = x.unsigned_abs() as i32;
    let m = (a >> 12) * f + (((a & 4095) * f) >> 12);
    if x < 0 { -m } else { m }
}

const _: () = assert!(spec::V.bits == 24 && spec::I.bits == 24 && spec::BIAS.bits == 24 && spec::ACC.bits < 32);

#[inline(always)]
fn saturate24(x: i32) -> i32 {
    x.clamp(spec::V.min() as i32, spec::V.max() as i32)
}

/// A pre or post trace as seen by the STDP phases: bumped if its owner fired in this
/// timestep, otherwise as stored.
#[inline(always)]
pub(crate) fn effective_trace(x: u8, fired: bool, increment: u8, mode: TraceMode) -> u8 {
    if fired { arith::bump_trace(x, increment, mode) } else { x }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decay24_equals_the_reference_decay_on_24_bit_values() {
        let (lo, hi) = (spec::V.min() as i32, spec::V.max() as i32);
        let edges = [lo, lo + 1, -4097, -4096, -4095, -1, 0, 1, 4095, 4096, 4097, hi - 1, hi];
        for delta in [0, 1, 2, 409, 410, 1024, 2048, 3000, 4094, 4095] {
            for x in (lo..=hi).step_by(997).chain(edges) {
                assert_eq!(decay24(x, delta), arith::decay(x, delta), "x = {x}, δ = {delta}");
            }
        }
    }

    #[test]
    fn clamped_shift_saturates_like_the_exact_sum() {
        let p = NeuronParams { threshold: spec::THRESHOLD.max() as i32, ..NeuronParams::SILENT };
        let state = NeuronState { v: 0, i: spec::I.min() as i32, refractory: 0 };
        // acc = 2^18 − 1 shifted by 15 is far beyond 2^25: I saturates at the top.
        let (next, _) = integrate(&p, state, (1 << 18) - 1, 15);
        assert_eq!(next.i, spec::I.max() as i32);
        let (next, _) = integrate(&p, NeuronState { i: spec::I.max() as i32, ..state }, -(1 << 18), 15);
        assert_eq!(next.i, spec::I.min() as i32);
        // Below the clamp the sum is exact: 2^10 << 12 = 2^22 fits, 2^11 << 12 = 2^23 does not.
        let (next, _) = integrate(&p, NeuronState { i: 0, ..state }, 1 << 10, 12);
        assert_eq!(next.i, 1 << 22);
        let (next, _) = integrate(&p, NeuronState { i: 0, ..state }, 1 << 11, 12);
        assert_eq!(next.i, spec::I.max() as i32);
    }
}
