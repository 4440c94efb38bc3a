//! Running an image: load it on a target, drive it with a stimulus for a number of
//! timesteps, and return what it did (docs/outputs.md).
//!
//! [`run`] is the one entry point for every target; only the in-process reference
//! model ([`Target::Model`]) exists so far. A run records:
//!
//! - the **raster**: every spike of a *recorded* neuron — the neurons of the
//!   populations whose `record` flag is set, or of every population if none is set,
//!   or every core neuron if the image has no populations at all ([`recorded`]);
//! - **probe samples**: `v` and `I` of every probed neuron after every timestep;
//! - spike counts per population (recorded or not), simulated core cycles, host wall
//!   time, the final core (with learned weights) and how STDP changed the weights.

mod model;
mod record;
mod result;

use std::fmt;

use ncx_model::ModelError;

pub use self::record::{probed, recorded};
pub use self::result::{ProbeSample, RunResult, Spike, WeightChange};
use crate::image::{Block, Image};
use crate::progress::Progress;
use crate::stimulus::Stimulus;

/// Where a run executes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Target {
    /// The in-process reference model (crate `ncx-model`), fast path.
    #[default]
    Model,
}

impl Target {
    /// The target's name on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Target::Model => "model",
        }
    }
}

/// What to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunOptions {
    /// Number of timesteps (at least 1). The stimulus gives no input past its end.
    pub steps: usize,
    /// Where to run.
    pub target: Target,
}

/// Why a run failed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RunError {
    /// Zero timesteps were asked for.
    NoSteps,
    /// A population or input group of the metadata does not fit the core.
    Block {
        /// `"population"` or `"input group"`.
        what: &'static str,
        /// Its name.
        name: String,
        /// Its first index.
        start: u16,
        /// Its size.
        len: u16,
        /// The core's number of neurons or inputs.
        limit: usize,
    },
    /// A probe index at or past the size of its population.
    Probe {
        /// The population.
        population: String,
        /// The probe index within it.
        index: u16,
        /// The population's size.
        len: u16,
    },
    /// The target rejected the image or an input.
    Model(ModelError),
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::NoSteps => f.write_str("a run needs at least 1 timestep\nhelp: ask for 1 or more timesteps"),
            RunError::Block { what, name, start, len, limit } => write!(
                f,
                "{what} {name:?} covers indices {start}..{} but the core has {limit}\nhelp: the image's metadata \
                 does not match its geometry; recompile the network",
                u32::from(*start) + u32::from(*len)
            ),
            RunError::Probe { population, index, len } => write!(
                f,
                "population {population:?} probes index {index} but has {len} neurons\nhelp: the image's \
                 metadata is inconsistent; recompile the network"
            ),
            RunError::Model(e) => write!(
                f,
                "the model rejected the image or the stimulus: {e}\nhelp: the image holds a value or the stimulus \
                 an input the core cannot take; recompile the network for this core"
            ),
        }
    }
}

/// The model's error is part of the message, so it is not also a `source`.
impl std::error::Error for RunError {}

impl From<ModelError> for RunError {
    fn from(e: ModelError) -> Self {
        RunError::Model(e)
    }
}

/// Run `image` for `options.steps` timesteps with `stimulus` on `options.target`,
/// reporting progress (in timesteps) through `progress`.
///
/// ```
/// use ncx::image::Image;
/// use ncx::progress::NoProgress;
/// use ncx::run::{run, RunOptions, Target};
/// use ncx::stimulus::Stimulus;
/// use ncx_model::{Geometry, NeuronParams};
///
/// let mut image = Image::empty(Geometry::new(16, 16)?);
/// image.neurons[0] = NeuronParams { threshold: 100, i_decay: 4095, ..NeuronParams::SILENT };
/// image.w_in[3] = 127; // input 3 → neuron 0
/// let stimulus = Stimulus::from_steps(vec![vec![3], vec![], vec![3]]);
/// let result = run(&image, &stimulus, &RunOptions { steps: 3, target: Target::Model }, &mut NoProgress)?;
/// assert_eq!(result.raster.iter().map(|s| s.timestep).collect::<Vec<_>>(), [0, 2]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn run(
    image: &Image,
    stimulus: &Stimulus,
    options: &RunOptions,
    progress: &mut dyn Progress,
) -> Result<RunResult, RunError> {
    if options.steps == 0 {
        return Err(RunError::NoSteps);
    }
    check_metadata(image)?;
    match options.target {
        Target::Model => model::run(image, stimulus, options.steps, progress),
    }
}

/// Every block fits the core and every probe its population.
fn check_metadata(image: &Image) -> Result<(), RunError> {
    let fits = |what, blocks: &[Block], limit: usize| {
        for b in blocks {
            if usize::from(b.start) + usize::from(b.len) > limit {
                let (name, start, len) = (b.name.clone(), b.start, b.len);
                return Err(RunError::Block { what, name, start, len, limit });
            }
        }
        Ok(())
    };
    fits("population", &image.meta.populations, image.geometry.neurons())?;
    fits("input group", &image.meta.inputs, image.geometry.inputs())?;
    for b in &image.meta.populations {
        if let Some(&index) = b.probe.iter().find(|&&i| i >= b.len) {
            return Err(RunError::Probe { population: b.name.clone(), index, len: b.len });
        }
    }
    Ok(())
}
