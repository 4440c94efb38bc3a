//! The built-in demo network and its run: `ncx demo`, without the printing.
//!
//! A 16-neuron × 16-input core with twelve excitatory neurons (0–11) and four
//! inhibitory ones (12–15). Input axon `a` drives neuron `a` (strongly if it is
//! excitatory) and neuron `a + 1` weakly; the excitatory neurons form a ring, each
//! excites one inhibitory neuron, and every inhibitory neuron inhibits all
//! excitatory ones. The inputs are Poisson-like spike trains from a seeded
//! [`SplitMix64`], at rates rising from input 0 to input 15, so the raster shows a
//! gradient of activity held in check by the inhibition. STDP is off: the weights
//! stay as built.
//!
//! [`build_network`] and [`stimulus`] are public so that tests can replay a run on
//! a fresh [`Core`] with either engine of the model; [`run_each`] drives the fast path
//! ([`Core::run_timestep`]) and hands each timestep's spikes to the caller as it goes
//! (memory independent of the run's length), and [`run`] keeps them in a [`DemoRun`].

use std::time::{Duration, Instant};

use ncx_model::{Core, CoreConfig, Geometry, Matrix, ModelError, NeuronParams, NullSink};

use crate::rng::SplitMix64;

/// Number of neurons (N) of the demo core.
pub const NEURONS: usize = 16;
/// Number of input axons (M) of the demo core.
pub const INPUTS: usize = 16;
/// Timesteps simulated when the caller does not say.
pub const DEFAULT_STEPS: usize = 50;
/// Seed of the input spike generator when the caller does not say.
pub const DEFAULT_SEED: u64 = 1;

/// Neurons `0..EXCITATORY` are excitatory, the rest inhibitory.
const EXCITATORY: usize = 12;
/// Left shift of the weight sums into the synaptic current: weight 1 = 16 units.
const WEIGHT_SHIFT: u8 = 4;
/// Input `a` → excitatory neuron `a`: one input spike makes it fire a timestep later.
const W_INPUT_OWN: i8 = 60;
/// Input `a` → inhibitory neuron `a`: too weak to make it fire on its own.
const W_INPUT_INHIBITORY: i8 = 30;
/// Input `a` → neuron `a + 1` (mod N).
const W_INPUT_NEXT: i8 = 20;
/// Excitatory ring: neuron `n` → neuron `n + 1` (mod 12).
const W_RING: i8 = 25;
/// Excitatory neuron `n` → inhibitory neuron `12 + n mod 4`.
const W_EXCITE_INHIBITORY: i8 = 45;
/// Every inhibitory neuron → every excitatory neuron.
const W_INHIBIT: i8 = -20;
/// Spike probability of input `a` per timestep, in ‰: `BASE + a · STEP`.
const INPUT_RATE_BASE: u16 = 120;
/// See [`INPUT_RATE_BASE`].
const INPUT_RATE_STEP: u16 = 12;
/// Excitatory neurons: a fast leak (δ_v ≈ 29%/timestep), the current halving every
/// timestep, a hyperpolarising reset and two refractory timesteps.
const EXCITATORY_PARAMS: NeuronParams =
    NeuronParams { threshold: 1000, reset: -200, bias: 0, v_decay: 1200, i_decay: 2048, refractory: 2 };
/// Inhibitory neurons: the same leak, a higher threshold that needs several
/// excitatory spikes, one refractory timestep.
const INHIBITORY_PARAMS: NeuronParams =
    NeuronParams { threshold: 2000, reset: 0, bias: 0, v_decay: 1200, i_decay: 2048, refractory: 1 };

/// Why the demo could not run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DemoError {
    /// Zero timesteps were asked for.
    #[error("the demo needs at least 1 timestep")]
    NoSteps,
    /// The model rejected the network or an input (a bug in this module).
    #[error("the model rejected the demo network: {0}")]
    Model(#[from] ModelError),
    /// The caller could not take a timestep (e.g. its output was closed).
    #[error("cannot write the demo's output: {0}")]
    Output(#[source] std::io::Error),
}

impl crate::error::Help for DemoError {
    fn help(&self) -> Option<std::borrow::Cow<'_, str>> {
        None
    }
}

/// The demo core's geometry: [`NEURONS`] × [`INPUTS`].
pub fn geometry() -> Result<Geometry, ModelError> {
    Geometry::new(NEURONS, INPUTS)
}

/// A fresh core at power-on state holding the demo network: weights, neuron
/// parameters and configuration (STDP off, free-running).
pub fn build_network() -> Result<Core, ModelError> {
    let mut core = Core::new(geometry()?);
    core.set_config(CoreConfig { weight_shift: WEIGHT_SHIFT, ..CoreConfig::default() })?;
    for n in 0..NEURONS {
        let params = if n < EXCITATORY { EXCITATORY_PARAMS } else { INHIBITORY_PARAMS };
        core.set_neuron_params(n, params)?;
    }
    for a in 0..INPUTS {
        let own = if a % NEURONS < EXCITATORY { W_INPUT_OWN } else { W_INPUT_INHIBITORY };
        core.set_weight(Matrix::Input, a % NEURONS, a, own)?;
        core.set_weight(Matrix::Input, (a + 1) % NEURONS, a, W_INPUT_NEXT)?;
    }
    for n in 0..EXCITATORY {
        core.set_weight(Matrix::Recurrent, (n + 1) % EXCITATORY, n, W_RING)?;
        core.set_weight(Matrix::Recurrent, EXCITATORY + n % (NEURONS - EXCITATORY), n, W_EXCITE_INHIBITORY)?;
    }
    for inhibitory in EXCITATORY..NEURONS {
        for n in 0..EXCITATORY {
            core.set_weight(Matrix::Recurrent, n, inhibitory, W_INHIBIT)?;
        }
    }
    Ok(core)
}

/// The input spikes of the first `steps` timesteps for `seed`: per timestep, the
/// ascending list of input axons that fire ([`Inputs`]). A longer run starts with the
/// spikes of a shorter one.
pub fn stimulus(seed: u64, steps: usize) -> Vec<Vec<u16>> {
    let mut inputs = Inputs::new(seed);
    (0..steps).map(|_| inputs.next_step().to_vec()).collect()
}

/// The demo's input spikes, a timestep at a time: input `a` fires independently with
/// probability (120 + 12·a)‰, so input 0 fires in about 12% of the timesteps and
/// input 15 in about 30%.
#[derive(Debug, Clone)]
pub struct Inputs {
    rng: SplitMix64,
    step: Vec<u16>,
}

impl Inputs {
    /// The inputs of `seed`, from timestep 0.
    pub fn new(seed: u64) -> Inputs {
        Inputs { rng: SplitMix64::new(seed), step: Vec::with_capacity(INPUTS) }
    }

    /// The input axons that fire in the next timestep, ascending.
    pub fn next_step(&mut self) -> &[u16] {
        self.step.clear();
        for a in 0..INPUTS as u16 {
            if self.rng.chance_per_mille(INPUT_RATE_BASE + a * INPUT_RATE_STEP) {
                self.step.push(a);
            }
        }
        &self.step
    }
}

/// What a demo run did, apart from its spikes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    /// The simulated core's geometry.
    pub geometry: Geometry,
    /// The seed of the input spike generator.
    pub seed: u64,
    /// Number of timesteps run.
    pub steps: usize,
    /// Per neuron, how many times it fired.
    pub spikes_per_neuron: Vec<u64>,
    /// Core clock cycles the run took on the device (free-running, so the sum of
    /// every timestep's compute cycles).
    pub cycles: u64,
    /// Host wall-clock time spent in the model (not in the caller).
    pub elapsed: Duration,
}

impl DemoSummary {
    /// Spikes of all neurons over the whole run.
    pub fn total_spikes(&self) -> u64 {
        self.spikes_per_neuron.iter().sum()
    }

    /// Simulated timesteps per second of host wall-clock time, or `None` if the run
    /// was too fast for the clock to measure.
    pub fn timesteps_per_second(&self) -> Option<f64> {
        let seconds = self.elapsed.as_secs_f64();
        (seconds > 0.0).then(|| self.steps as f64 / seconds)
    }
}

/// A demo run with its inputs and spikes kept in memory ([`run`]). The summary's
/// fields and methods are reached through `Deref`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoRun {
    /// Per timestep, the input axons that fired (see [`stimulus`]).
    pub inputs: Vec<Vec<u16>>,
    /// Per timestep, the neurons that fired, ascending.
    pub raster: Vec<Vec<u16>>,
    /// Everything else.
    pub summary: DemoSummary,
}

impl std::ops::Deref for DemoRun {
    type Target = DemoSummary;

    fn deref(&self) -> &DemoSummary {
        &self.summary
    }
}

/// Build the demo network and run it for `steps` timesteps (at least 1) on the fast
/// path with the input spikes of `seed`, keeping every timestep's inputs and spikes.
///
/// ```
/// let run = ncx::demo::run(20, 7)?;
/// assert_eq!(run.steps, 20);
/// assert_eq!(run.total_spikes(), run.raster.iter().map(|s| s.len() as u64).sum::<u64>());
/// assert_eq!(ncx::demo::run(20, 7)?.raster, run.raster); // same seed, same raster
/// # Ok::<(), ncx::demo::DemoError>(())
/// ```
pub fn run(steps: usize, seed: u64) -> Result<DemoRun, DemoError> {
    let (mut inputs, mut raster) = (Vec::new(), Vec::new());
    let summary = run_each(steps, seed, |step_inputs, spikes| {
        inputs.push(step_inputs.to_vec());
        raster.push(spikes.to_vec());
        Ok(())
    })?;
    Ok(DemoRun { inputs, raster, summary })
}

/// Build the demo network and run it for `steps` timesteps (at least 1) with the
/// input spikes of `seed`, calling `each(inputs, spikes)` after every timestep with its
/// input axons and the neurons that fired (ascending); an error from `each` stops
/// the run.
pub fn run_each(
    steps: usize,
    seed: u64,
    mut each: impl FnMut(&[u16], &[u16]) -> std::io::Result<()>,
) -> Result<DemoSummary, DemoError> {
    if steps == 0 {
        return Err(DemoError::NoSteps);
    }
    let mut core = build_network()?;
    let mut inputs = Inputs::new(seed);
    let mut spikes_per_neuron = vec![0; core.geometry().neurons()];
    let mut elapsed = Duration::ZERO;
    for _ in 0..steps {
        let step_inputs = inputs.next_step();
        let started = Instant::now();
        core.run_timestep(step_inputs, &mut NullSink)?;
        elapsed += started.elapsed();
        for &n in core.last_spikes() {
            spikes_per_neuron[usize::from(n)] += 1;
        }
        each(step_inputs, core.last_spikes()).map_err(DemoError::Output)?;
    }
    Ok(DemoSummary { geometry: core.geometry(), seed, steps, spikes_per_neuron, cycles: core.cycle().0, elapsed })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_steps_is_an_error() {
        assert!(matches!(run(0, 1).unwrap_err(), DemoError::NoSteps));
    }

    #[test]
    fn runs_are_reproducible_and_prefixes_of_longer_runs() {
        let a = run(40, 3).unwrap();
        let b = run(40, 3).unwrap();
        let long = run(80, 3).unwrap();
        assert_eq!((&a.inputs, &a.raster, a.cycles), (&b.inputs, &b.raster, b.cycles));
        assert_eq!(&long.raster[..40], &a.raster[..]);
        assert_ne!(run(40, 4).unwrap().inputs, a.inputs);
    }

    #[test]
    fn activity_is_visible_but_not_saturated() {
        // Over many seeds, every neuron fires sometimes and none fires most of the time.
        for seed in 0..20 {
            let r = run(200, seed).unwrap();
            let rate = r.total_spikes() as f64 / (200.0 * NEURONS as f64);
            assert!((0.03..0.4).contains(&rate), "seed {seed}: mean rate {rate}");
            assert!(r.spikes_per_neuron.iter().all(|&s| s > 0 && s < 150), "seed {seed}: {:?}", r.spikes_per_neuron);
        }
    }
}
