//! Running an image: load it on a target, drive it with a stimulus for a number of
//! timesteps, and return what it did (docs/outputs.md).
//!
//! The [`Target`] says where: the in-process reference model ([`Target::Model`]), or a
//! device ([`Target::Device`]) reached through a [`Connect`] and run through the driver
//! ([`crate::driver::stream::run_on_device_into`]), which reports the same way. A run
//! gives, as it goes, to a [`Sink`]:
//!
//! - the **raster**: every spike of a *recorded* neuron — the neurons of the
//!   populations whose `record` flag is set, or of every population if none is set,
//!   or every core neuron if the image has no populations at all ([`recorded`]);
//! - **probe samples**: `v` and `I` of every probed neuron after every timestep;
//!
//! and returns a [`RunSummary`]: spike counts per population (recorded or not),
//! simulated core cycles, host wall time, the final core (with learned weights) and
//! how STDP changed the weights. Its memory does not grow with the number of
//! timesteps; [`run`] keeps the raster and samples in memory instead ([`Collect`]).

mod device;
mod model;
mod record;
mod result;
mod target;

use ncx_model::ModelError;

pub use self::device::{Connect, ConnectError, Session};
pub(crate) use self::record::Recorder;
pub use self::record::{Collect, Sink, Step, probed, recorded};
pub use self::result::{ProbeSample, RunResult, RunSummary, Spike, WeightChange};
pub use self::target::{RUN_TARGETS, RunTargetError, Target};
use crate::driver::DriverOptions;
use crate::driver::stream::{DeviceRunError, run_on_device_into};
use crate::image::{Block, Image};
use crate::link::LinkTarget;
use crate::output::OutputError;
use crate::progress::Progress;
use crate::stimulus::Stimulus;

/// What to run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunOptions {
    /// Number of timesteps (at least 1). The stimulus gives no input past its end.
    pub steps: usize,
    /// Where to run.
    pub target: Target,
}

/// Why a run failed. A device's errors are quoted as they are, with their causes as
/// the `source`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    /// Zero timesteps were asked for.
    #[error("a run needs at least 1 timestep")]
    NoSteps,
    /// A population or input group of the metadata does not fit the core.
    #[error("{what} {name:?} covers indices {start}..{} but the core has {limit}", u32::from(*.start) + u32::from(*.len))]
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
    #[error("population {population:?} probes index {index} but has {len} neurons")]
    Probe {
        /// The population.
        population: String,
        /// The probe index within it.
        index: u16,
        /// The population's size.
        len: u16,
    },
    /// The model rejected the image.
    #[error("the model rejected the image: {0}")]
    Model(#[from] ModelError),
    /// The model rejected an input of a timestep (the timesteps before it went to the
    /// sink).
    #[error("the model rejected the stimulus at timestep {timestep}: {error}")]
    Timestep {
        /// The timestep.
        timestep: u64,
        /// What the model said.
        #[source]
        error: ModelError,
    },
    /// The sink could not take a timestep (the timesteps before it went to the sink).
    #[error("at timestep {timestep}: {error}")]
    Output {
        /// The timestep.
        timestep: u64,
        /// The output that failed.
        #[source]
        error: OutputError,
    },
    /// The device of a device target could not be reached: the [`Connect`]'s error.
    #[error("{0}")]
    Connect(#[source] ConnectError),
    /// The run on a device failed (the timesteps before
    /// [`DeviceRunError::completed`] went to the sink).
    #[error("{0}")]
    Device(#[source] DeviceRunError),
}

/// The help of an output's or a device's error is the cause's.
impl crate::error::Help for RunError {
    fn help(&self) -> Option<std::borrow::Cow<'_, str>> {
        match self {
            RunError::NoSteps => Some("ask for 1 or more timesteps".into()),
            RunError::Block { .. } => {
                Some("the image's metadata does not match its geometry; recompile the network".into())
            }
            RunError::Probe { .. } => Some("the image's metadata is inconsistent; recompile the network".into()),
            RunError::Model(_) => {
                Some("the image holds a value the core cannot take; recompile the network for this core".into())
            }
            RunError::Timestep { .. } => Some(
                "the stimulus has an input the core does not have; check it against the network's input groups".into(),
            ),
            RunError::Output { .. } | RunError::Connect(_) | RunError::Device(_) => None,
        }
    }
}

/// Run `image` for `options.steps` timesteps with `stimulus` on `options.target`,
/// reporting progress (in timesteps) through `progress`, and keep the raster and the
/// probe samples in memory ([`Collect`]; a long run goes to a [`Sink`] with [`run_into`]).
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
    let mut collect = Collect::default();
    let summary = run_into(image, stimulus, options, progress, &mut collect)?;
    Ok(RunResult { raster: collect.raster, probes: collect.probes, summary })
}

/// Run `image` for `options.steps` timesteps with `stimulus` on `options.target`,
/// giving each timestep's recorded spikes and probe samples to `sink` as it goes; on
/// an error, the timesteps before the one that failed have reached the sink. A device
/// target is opened and connected with the driver's default options ([`run_with`] takes
/// another [`Connect`]).
pub fn run_into(
    image: &Image,
    stimulus: &Stimulus,
    options: &RunOptions,
    progress: &mut dyn Progress,
    sink: &mut dyn Sink,
) -> Result<RunSummary, RunError> {
    run_with(image, stimulus, options, &mut DriverOptions::default(), progress, sink)
}

/// [`run_into`], reaching a device target through `connect`.
pub fn run_with(
    image: &Image,
    stimulus: &Stimulus,
    options: &RunOptions,
    connect: &mut dyn Connect,
    progress: &mut dyn Progress,
    sink: &mut dyn Sink,
) -> Result<RunSummary, RunError> {
    match &options.target {
        Target::Model => {
            if options.steps == 0 {
                return Err(RunError::NoSteps);
            }
            check_metadata(image)?;
            model::run(image, stimulus, options.steps, progress, sink)
        }
        Target::Device { link, name } => {
            // `model-device` is the link target `model`.
            let name = if *link == LinkTarget::Model { "model" } else { name };
            let mut session = connect.connect(link, name, image.geometry).map_err(RunError::Connect)?;
            run_on_device_into(&mut session, image, stimulus, options.steps, progress, sink)
                .map(|(summary, _)| summary)
                .map_err(RunError::Device)
        }
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
