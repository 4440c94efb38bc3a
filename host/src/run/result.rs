//! What a run returns: its summary — counts, cycles, wall time, the final core and
//! the weight changes STDP made — and, when kept in memory, its raster and probe
//! samples.

use std::ops::Deref;
use std::time::Duration;

use ncx_model::{Core, Matrix};

use crate::image::Image;

/// One spike of a recorded neuron.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Spike {
    /// The timestep it fired in.
    pub timestep: u64,
    /// Core neuron index.
    pub neuron: u16,
}

/// The state of a probed neuron after a timestep, in raw core units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProbeSample {
    /// The timestep just completed.
    pub timestep: u64,
    /// Core neuron index.
    pub neuron: u16,
    /// Membrane potential (24-bit signed field).
    pub v: i32,
    /// Synaptic current (24-bit signed field).
    pub i: i32,
}

/// How STDP changed one weight matrix over a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeightChange {
    /// The matrix.
    pub matrix: Matrix,
    /// Synapses whose final weight differs from the image's.
    pub changed: u64,
    /// Sum of `|final − initial|` over all synapses.
    pub total_abs_delta: u64,
}

impl WeightChange {
    /// The change between the weights of `before` and `after` (same length).
    pub fn between(matrix: Matrix, before: &[i8], after: &[i8]) -> WeightChange {
        let (mut changed, mut total_abs_delta) = (0, 0);
        for (&a, &b) in before.iter().zip(after) {
            let delta = u64::from((i16::from(a) - i16::from(b)).unsigned_abs());
            changed += u64::from(delta > 0);
            total_abs_delta += delta;
        }
        WeightChange { matrix, changed, total_abs_delta }
    }

    /// Mean `|Δw|` over the changed synapses (0 if none changed).
    pub fn mean_abs_delta(&self) -> f64 {
        if self.changed == 0 { 0.0 } else { self.total_abs_delta as f64 / self.changed as f64 }
    }
}

/// What a run did, apart from its raster and probe samples (which went to a
/// [`super::Sink`] as it ran): counts, cycles, wall time, the final core.
#[derive(Debug, Clone)]
pub struct RunSummary {
    /// Number of timesteps run.
    pub steps: usize,
    /// Spikes of each population over the run, in the order of `meta.populations`.
    pub spikes_per_population: Vec<u64>,
    /// Spikes of all neurons, inside populations or not.
    pub total_spikes: u64,
    /// Spikes of the recorded neurons: the rows of the raster.
    pub recorded_spikes: u64,
    /// Probe samples taken: the rows of the probe CSV.
    pub probe_samples: u64,
    /// Input spikes given to the core (after merging duplicates).
    pub input_spikes: u64,
    /// Core clock cycles the run took: the sum of every timestep's length (compute
    /// cycles, or the pacing period when longer).
    pub cycles: u64,
    /// Paced timesteps whose computation took longer than the period.
    pub overruns: u64,
    /// Host wall-clock time spent running the timesteps.
    pub wall: Duration,
    /// The core after the last timestep (its weights are the learned ones).
    pub core: Core,
    /// How STDP changed `W_in` and `W_rec`, in that order.
    pub weight_changes: [WeightChange; 2],
}

impl RunSummary {
    /// Timesteps per second of host wall-clock time, or `None` if the run was too
    /// fast to measure.
    pub fn timesteps_per_second(&self) -> Option<f64> {
        let seconds = self.wall.as_secs_f64();
        (seconds > 0.0).then(|| self.steps as f64 / seconds)
    }

    /// `image` with its weights replaced by the final (learned) ones.
    pub fn learned_image(&self, image: &Image) -> Image {
        Image { w_in: self.core.weights(Matrix::Input), w_rec: self.core.weights(Matrix::Recurrent), ..image.clone() }
    }
}

/// A run with its raster and probe samples kept in memory ([`super::run`]): for tests
/// and short runs. The summary's fields are reached through `Deref`.
#[derive(Debug, Clone)]
pub struct RunResult {
    /// Spikes of the recorded neurons, by timestep then neuron.
    pub raster: Vec<Spike>,
    /// Samples of the probed neurons, by timestep then neuron.
    pub probes: Vec<ProbeSample>,
    /// Everything else.
    pub summary: RunSummary,
}

impl Deref for RunResult {
    type Target = RunSummary;

    fn deref(&self) -> &RunSummary {
        &self.summary
    }
}
