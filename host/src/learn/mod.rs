//! Learning: classify a labelled data set with a spiking network (docs/learning.md).
//!
//! - [`dataset`]: labelled CSV data sets (features then label) and JSON splits;
//! - [`encode`]: the input encoders that turn one sample's features into input spikes;
//! - [`classifier`]: how an image is used as a classifier (its input group, output
//!   population, encoder, timesteps per sample, neuron labels and vote), carried in the
//!   image;
//! - [`present`]: presenting one sample to a target (state reset, run, spike counts);
//! - [`eval`]: evaluating an image on a data set: predictions, accuracy, confusion;
//! - [`train`]: offline training of a network for the core's integer dynamics;
//! - [`onchip`]: learning on the device with the core's own STDP;
//! - [`plot`]: the SVGs of learning: confusion matrix, weight tiles, accuracy per epoch.

pub mod classifier;
pub mod dataset;
pub mod encode;
pub mod eval;
pub mod onchip;
pub mod plot;
pub mod present;
pub mod train;
