//! On-chip learning (`ncx train --on-chip`, docs/learning.md §6): a network learns its
//! input weights with the core's own STDP, on the model, the RTL or a board, through
//! [`crate::learn::present`]; the host only chooses the spikes (seeded), the order of the
//! samples and which neurons may fire (the class teacher), then assigns each neuron the
//! class it responds to most.
//!
//! - [`arch`]: the architecture description (`method = "stdp"`);
//! - [`network`]: the image that learns, and the trained network as a description;
//! - [`mod@train`]: the training loop, label assignment and per-epoch reports;
//! - [`mod@write`]: the output folder (network, weights, learning curve, weight tiles).

pub mod arch;
pub mod network;
pub mod train;
pub mod write;

use std::borrow::Cow;
use std::path::PathBuf;

pub use self::arch::Arch;
pub use self::train::{EpochReport, OnchipOptions, Trained, train};
use crate::error::Help;
use crate::learn::plot::PlotError;
use crate::learn::present::PresentError;
use crate::network::Diagnostic;
use crate::output::OutputError;

/// Why on-chip learning failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OnchipError {
    /// The architecture description is invalid (the message names file, line and key).
    #[error("{0}")]
    Arch(#[from] Diagnostic),
    /// The data set has no samples.
    #[error("{data}: no samples to train on")]
    NoSamples {
        /// The data file.
        data: PathBuf,
    },
    /// The data has more features than the core has inputs.
    #[error("{data} has {features} features but the core of {arch} has {inputs} inputs")]
    Features {
        /// The data file.
        data: PathBuf,
        /// Its number of features.
        features: usize,
        /// The architecture file.
        arch: PathBuf,
        /// The core's inputs.
        inputs: usize,
    },
    /// With the class teacher, a class would have no neuron.
    #[error(
        "{data} has {classes} classes but {arch} has {size} excitatory neurons: the class teacher needs one per class"
    )]
    Classes {
        /// The architecture file.
        arch: PathBuf,
        /// The excitatory population's size.
        size: usize,
        /// The data file.
        data: PathBuf,
        /// Its number of classes.
        classes: usize,
    },
    /// Presenting a sample to the target failed.
    #[error(transparent)]
    Present(#[from] PresentError),
    /// An output could not be written.
    #[error(transparent)]
    Output(#[from] OutputError),
    /// The weight tiles could not be drawn.
    #[error(transparent)]
    Plot(#[from] PlotError),
}

impl Help for OnchipError {
    fn help(&self) -> Option<Cow<'_, str>> {
        match self {
            OnchipError::Arch(_) => None,
            OnchipError::NoSamples { .. } => Some("give a data file (or --split) with at least one sample".into()),
            OnchipError::Features { .. } => {
                Some("raise [core] inputs in the architecture, or use a data set with fewer features".into())
            }
            OnchipError::Classes { .. } => Some(
                "raise [excitatory] size to at least the number of classes, or set [training] teacher = \"none\""
                    .into(),
            ),
            OnchipError::Present(e) => e.help(),
            OnchipError::Output(e) => e.help(),
            OnchipError::Plot(e) => e.help(),
        }
    }
}
