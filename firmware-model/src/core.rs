//! The core: its memories, its state and the bookkeeping shared by both engines.
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
use crate::params::{CoreConfig, NeuronParams, NeuronState};
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
    pub(crate) config: CoreConfig,
    pub(crate) w_in: Synapses,
    pub(crate) w_rec: Synapses,
    pub(crate) params: Vec<NeuronParams>,
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
    /// A core at power-on: all weights 0, no synapse plastic, every neuron
    /// [`NeuronParams::SILENT`], all state and traces 0, default configuration.
    pub fn new(geometry: Geometry) -> Core {
        let n = geometry.neurons();
        let m = geometry.inputs();
        Core {
            geometry,
            config: CoreConfig::default(),
            w_in: Synapses::new(n, m),
            w_rec: Synapses::new(n, n),
            params: vec![NeuronParams::SILENT; n],
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
        Ok(self.params[n])
    }

    /// Set the parameters of neuron `n`.
    pub fn set_neuron_params(&mut self, n: usize, params: NeuronParams) -> Result<(), ModelError> {
        self.ensure_idle()?;
        ModelError::check_index("neuron", n, self.params.len())?;
        params.validate()?;
        self.params[n] = params;
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
/// Returns the new state and whether the neuron fired.
#[inline(always)]
pub(crate) fn integrate(p: &NeuronParams, s: NeuronState, acc: i32, weight_shift: u8) -> (NeuronState, bool) {
    let synaptic = i64::from(acc) << weight_shift;
    let i = spec::I.saturate(i64::from(arith::decay(s.i, p.i_decay)) + synaptic) as i32;
    if s.refractory > 0 {
        return (NeuronState { v: s.v, i, refractory: s.refractory - 1 }, false);
    }
    let v = spec::V.saturate(i64::from(arith::decay(s.v, p.v_decay)) + i64::from(i) + i64::from(p.bias)) as i32;
    if v >= p.threshold {
        (NeuronState { v: p.reset, i, refractory: p.refractory }, true)
    } else {
        (NeuronState { v, i, refractory: 0 }, false)
    }
}

/// A pre or post trace as seen by the STDP phases: bumped if its owner fired in this
/// timestep, otherwise as stored.
#[inline(always)]
pub(crate) fn effective_trace(x: u8, fired: bool, increment: u8, mode: TraceMode) -> u8 {
    if fired { arith::bump_trace(x, increment, mode) } else { x }
}
