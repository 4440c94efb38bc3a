//! Which neurons a run records and probes, and the bookkeeping every target shares:
//! it is fed each timestep's spikes and probe reads and builds the raster, the probe
//! samples and the counts.

use ncx_model::Geometry;

use super::result::{ProbeSample, Spike};
use crate::image::Metadata;

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

/// Builds the raster, the probe samples and the counts of a run.
pub(super) struct Recorder {
    /// Per core neuron: recorded?
    recorded: Vec<bool>,
    /// Per core neuron: the index of its population in `meta.populations`.
    population: Vec<Option<usize>>,
    pub(super) probed: Vec<u16>,
    pub(super) raster: Vec<Spike>,
    pub(super) probes: Vec<ProbeSample>,
    pub(super) spikes_per_population: Vec<u64>,
    pub(super) total_spikes: u64,
}

impl Recorder {
    /// A recorder for `meta` on a core of `geometry` (the metadata has been checked
    /// to fit the geometry; anything past the core would be ignored).
    pub(super) fn new(meta: &Metadata, geometry: Geometry) -> Recorder {
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
            raster: Vec::new(),
            probes: Vec::new(),
            spikes_per_population: vec![0; meta.populations.len()],
            total_spikes: 0,
        }
    }

    /// The neurons in `spikes` (ascending) fired at `timestep`.
    pub(super) fn spikes(&mut self, timestep: u64, spikes: &[u16]) {
        self.total_spikes += spikes.len() as u64;
        for &neuron in spikes {
            let n = usize::from(neuron);
            if let Some(p) = self.population[n] {
                self.spikes_per_population[p] += 1;
            }
            if self.recorded[n] {
                self.raster.push(Spike { timestep, neuron });
            }
        }
    }
}
