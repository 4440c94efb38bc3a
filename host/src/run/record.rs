//! Which neurons a run records and probes, where their spikes and samples go as the
//! run goes (a [`Sink`]), and the bookkeeping every target shares: the [`Recorder`] is
//! fed each timestep's spikes and probe reads, counts them, and hands the recorded ones
//! to the sink.

use ncx_model::Geometry;

use super::result::{ProbeSample, Spike};
use crate::image::Metadata;
use crate::output::OutputError;

/// The recorded neurons, ascending: those of the populations marked `record`; of
/// every population if none is marked; every core neuron if there are no
/// populations. Indices past the core (metadata that does not fit) are left out.
pub fn recorded(meta: &Metadata, geometry: Geometry) -> Vec<u16> {
    // N is at most 1024.
    let n = geometry.neurons() as u16;
    if meta.populations.is_empty() {
        return (0..n).collect();
    }
    let any_marked = meta.populations.iter().any(|b| b.record);
    let mut neurons: Vec<u16> = meta
        .populations
        .iter()
        .filter(|b| b.record || !any_marked)
        .flat_map(|b| (0..b.len).map(move |i| b.start.saturating_add(i)))
        .filter(|&neuron| neuron < n)
        .collect();
    neurons.sort_unstable();
    neurons.dedup();
    neurons
}

/// The probed neurons, ascending: `start + index` for every probe index of every
/// population.
pub fn probed(meta: &Metadata) -> Vec<u16> {
    let mut neurons: Vec<u16> =
        meta.populations.iter().flat_map(|b| b.probe.iter().map(move |&i| b.start.saturating_add(i))).collect();
    neurons.sort_unstable();
    neurons.dedup();
    neurons
}

/// One timestep of a run as its outputs see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step<'a> {
    /// The timestep, from 0.
    pub timestep: u64,
    /// The recorded neurons that fired in it, ascending.
    pub spikes: &'a [u16],
    /// The probed neurons' state after it, by neuron.
    pub probes: &'a [ProbeSample],
}

/// Where a run's raster and probe samples go as it runs, one timestep at a time, so
/// that a run's memory does not grow with its length. An error stops the run.
pub trait Sink {
    /// Take one timestep; timesteps come in order, from 0.
    fn step(&mut self, step: &Step<'_>) -> Result<(), OutputError>;
}

/// A [`Sink`] that keeps everything in memory (what [`super::run`] returns).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Collect {
    /// Spikes of the recorded neurons, by timestep then neuron.
    pub raster: Vec<Spike>,
    /// Samples of the probed neurons, by timestep then neuron.
    pub probes: Vec<ProbeSample>,
}

impl Sink for Collect {
    fn step(&mut self, step: &Step<'_>) -> Result<(), OutputError> {
        self.raster.extend(step.spikes.iter().map(|&neuron| Spike { timestep: step.timestep, neuron }));
        self.probes.extend_from_slice(step.probes);
        Ok(())
    }
}

/// Counts a run's spikes and passes each timestep's recorded spikes and probe samples
/// to a [`Sink`]; every target feeds it the same way.
#[derive(Debug)]
pub(crate) struct Recorder {
    /// Per core neuron: recorded?
    recorded: Vec<bool>,
    /// Per core neuron: the index of its population in `meta.populations`.
    population: Vec<Option<usize>>,
    probed: Vec<u16>,
    spikes_per_population: Vec<u64>,
    total_spikes: u64,
    recorded_spikes: u64,
    probe_samples: u64,
    /// Timesteps given to the sink.
    completed: u64,
    /// The recorded spikes of the current timestep.
    buf: Vec<u16>,
}

/// What a [`Recorder`] counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Counts {
    pub(crate) spikes_per_population: Vec<u64>,
    pub(crate) total_spikes: u64,
    pub(crate) recorded_spikes: u64,
    pub(crate) probe_samples: u64,
}

impl Recorder {
    /// A recorder for `meta` on a core of `geometry` (the metadata has been checked
    /// to fit the geometry; anything past the core is ignored).
    pub(crate) fn new(meta: &Metadata, geometry: Geometry) -> Recorder {
        let n = geometry.neurons();
        let mut recorded_mask = vec![false; n];
        for neuron in recorded(meta, geometry) {
            recorded_mask[usize::from(neuron)] = true;
        }
        let mut population = vec![None; n];
        // Earlier populations win where blocks overlap, as in `Metadata::neuron`.
        for (p, b) in meta.populations.iter().enumerate().rev() {
            for i in 0..b.len {
                if let Some(slot) = population.get_mut(usize::from(b.start.saturating_add(i))) {
                    *slot = Some(p);
                }
            }
        }
        Recorder {
            recorded: recorded_mask,
            population,
            probed: probed(meta),
            spikes_per_population: vec![0; meta.populations.len()],
            total_spikes: 0,
            recorded_spikes: 0,
            probe_samples: 0,
            completed: 0,
            buf: Vec::new(),
        }
    }

    /// The probed neurons, ascending.
    pub(crate) fn probed(&self) -> &[u16] {
        &self.probed
    }

    /// Timesteps given to the sink so far (0 to `completed - 1`).
    pub(crate) fn completed(&self) -> u64 {
        self.completed
    }

    /// The neurons in `spikes` (ascending) fired at `timestep`, the next timestep, and
    /// the probed neurons were then as in `probes`.
    pub(crate) fn step(
        &mut self,
        timestep: u64,
        spikes: &[u16],
        probes: &[ProbeSample],
        sink: &mut dyn Sink,
    ) -> Result<(), OutputError> {
        self.total_spikes += spikes.len() as u64;
        self.buf.clear();
        for &neuron in spikes {
            let n = usize::from(neuron);
            if let Some(p) = self.population.get(n).copied().flatten() {
                self.spikes_per_population[p] += 1;
            }
            if self.recorded.get(n).copied().unwrap_or(false) {
                self.buf.push(neuron);
            }
        }
        self.recorded_spikes += self.buf.len() as u64;
        self.probe_samples += probes.len() as u64;
        sink.step(&Step { timestep, spikes: &self.buf, probes })?;
        self.completed = timestep + 1;
        Ok(())
    }

    /// The counts so far.
    pub(crate) fn counts(&self) -> Counts {
        Counts {
            spikes_per_population: self.spikes_per_population.clone(),
            total_spikes: self.total_spikes,
            recorded_spikes: self.recorded_spikes,
            probe_samples: self.probe_samples,
        }
    }
}
