//! Per-neuron parameters and state, and the per-core configuration (neuron pacing,
//! weight scaling, STDP), each validated against the widths of [`crate::spec`].

use crate::arith::TraceMode;
use crate::error::ModelError;
use crate::spec;

/// The parameters of one neuron (docs/semantics.md §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NeuronParams {
    /// Fire when `v >= threshold` (24-bit signed).
    pub threshold: i32,
    /// `v` after a spike (24-bit signed).
    pub reset: i32,
    /// Added to `v` every integrating timestep (24-bit signed).
    pub bias: i32,
    /// Membrane decay δ_v (12-bit): `v` is multiplied by `(4096 − δ_v) / 4096`.
    pub v_decay: u16,
    /// Current decay δ_I (12-bit).
    pub i_decay: u16,
    /// Timesteps after a spike during which the neuron holds `v` and cannot fire.
    pub refractory: u8,
}

impl NeuronParams {
    /// The power-on parameters: a neuron that never fires (threshold at its maximum,
    /// which `v` can reach only by saturating).
    pub const SILENT: NeuronParams = NeuronParams {
        threshold: spec::THRESHOLD.max() as i32,
        reset: 0,
        bias: 0,
        v_decay: 0,
        i_decay: 0,
        refractory: 0,
    };

    /// Check every field against its width.
    pub fn validate(&self) -> Result<(), ModelError> {
        ModelError::check(spec::THRESHOLD, self.threshold.into())?;
        ModelError::check(spec::RESET, self.reset.into())?;
        ModelError::check(spec::BIAS, self.bias.into())?;
        ModelError::check(spec::DECAY, self.v_decay.into())?;
        ModelError::check(spec::DECAY, self.i_decay.into())
    }
}

impl Default for NeuronParams {
    fn default() -> Self {
        NeuronParams::SILENT
    }
}

/// The parameters of all neurons, one array per field ("structure of arrays") so
/// that the neuron phase of the fast path vectorises.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NeuronTable {
    pub(crate) threshold: Vec<i32>,
    pub(crate) reset: Vec<i32>,
    pub(crate) bias: Vec<i32>,
    pub(crate) v_decay: Vec<u16>,
    pub(crate) i_decay: Vec<u16>,
    pub(crate) refractory: Vec<u8>,
}

impl NeuronTable {
    /// `n` neurons with the same parameters.
    pub(crate) fn new(n: usize, p: NeuronParams) -> NeuronTable {
        NeuronTable {
            threshold: vec![p.threshold; n],
            reset: vec![p.reset; n],
            bias: vec![p.bias; n],
            v_decay: vec![p.v_decay; n],
            i_decay: vec![p.i_decay; n],
            refractory: vec![p.refractory; n],
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.threshold.len()
    }

    /// The parameters of neuron `n` (already checked).
    #[inline(always)]
    pub(crate) fn get(&self, n: usize) -> NeuronParams {
        NeuronParams {
            threshold: self.threshold[n],
            reset: self.reset[n],
            bias: self.bias[n],
            v_decay: self.v_decay[n],
            i_decay: self.i_decay[n],
            refractory: self.refractory[n],
        }
    }

    pub(crate) fn set(&mut self, n: usize, p: NeuronParams) {
        self.threshold[n] = p.threshold;
        self.reset[n] = p.reset;
        self.bias[n] = p.bias;
        self.v_decay[n] = p.v_decay;
        self.i_decay[n] = p.i_decay;
        self.refractory[n] = p.refractory;
    }
}

/// The dynamic state of one neuron.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NeuronState {
    /// Membrane potential (24-bit signed).
    pub v: i32,
    /// Synaptic current (24-bit signed).
    pub i: i32,
    /// Remaining refractory timesteps.
    pub refractory: u8,
}

impl NeuronState {
    /// Check `v` and `i` against their widths.
    pub fn validate(&self) -> Result<(), ModelError> {
        ModelError::check(spec::V, self.v.into())?;
        ModelError::check(spec::I, self.i.into())
    }
}

/// STDP configuration of the core (docs/semantics.md §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StdpConfig {
    /// Master enable: when off there are no STDP phases and traces stay frozen.
    pub enabled: bool,
    /// Potentiation amplitude A+.
    pub a_plus: u8,
    /// Depression amplitude A−.
    pub a_minus: u8,
    /// Right shift of `A · trace` (0..=15).
    pub shift: u8,
    /// Lower weight bound for depression.
    pub w_min: i8,
    /// Upper weight bound for potentiation.
    pub w_max: i8,
    /// Decay δ of the input and pre traces (12-bit).
    pub pre_decay: u16,
    /// Decay δ of the post traces (12-bit).
    pub post_decay: u16,
    /// Increment of an input or pre trace on a spike.
    pub pre_increment: u8,
    /// Increment of a post trace on a spike.
    pub post_increment: u8,
    /// Whether spikes add to traces or set them.
    pub trace_mode: TraceMode,
}

impl Default for StdpConfig {
    fn default() -> Self {
        StdpConfig {
            enabled: false,
            a_plus: 0,
            a_minus: 0,
            shift: 0,
            w_min: i8::MIN,
            w_max: i8::MAX,
            pre_decay: 0,
            post_decay: 0,
            pre_increment: 0,
            post_increment: 0,
            trace_mode: TraceMode::Add,
        }
    }
}

impl StdpConfig {
    /// Check widths and that `w_min <= w_max`.
    pub fn validate(&self) -> Result<(), ModelError> {
        ModelError::check(spec::STDP_SHIFT, self.shift.into())?;
        ModelError::check(spec::DECAY, self.pre_decay.into())?;
        ModelError::check(spec::DECAY, self.post_decay.into())?;
        if self.w_min > self.w_max {
            return Err(ModelError::WeightBounds { w_min: self.w_min, w_max: self.w_max });
        }
        Ok(())
    }
}

/// Per-core configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CoreConfig {
    /// Left shift of the accumulated weight sum into the current (0..=15).
    pub weight_shift: u8,
    /// Timestep period in cycles; 0 = free-running (docs/semantics.md §7).
    pub period: u32,
    /// STDP settings.
    pub stdp: StdpConfig,
}

impl CoreConfig {
    /// Check every field.
    pub fn validate(&self) -> Result<(), ModelError> {
        ModelError::check(spec::WEIGHT_SHIFT, self.weight_shift.into())?;
        self.stdp.validate()
    }
}
