//! What a run writes (docs/outputs.md): the spike raster and the probe samples as
//! CSV, and an SVG plot of both; plus [`write_atomically`], which every output file
//! goes through so that a failed write never leaves a partial file behind.

mod file;
pub mod plot;
pub mod probe;
pub mod raster;

pub use self::file::{OutputError, write_atomically};

use crate::image::Metadata;

/// The population name and index within it of core neuron `neuron`; a neuron in no
/// population is `("", neuron)`.
pub fn neuron_label(meta: &Metadata, neuron: u16) -> (&str, u16) {
    match meta.neuron(neuron) {
        Some((block, index)) => (block.name.as_str(), index),
        None => ("", neuron),
    }
}
