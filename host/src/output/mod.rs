//! What a run writes (docs/outputs.md): the spike raster and the probe samples as
//! CSV, and an SVG plot of both, written as the run goes ([`RunFiles`]); the files of
//! a readback ([`readback`](mod@readback)); plus the
//! rules every output file follows ([`check_outputs`], [`create`], [`write_atomically`]):
//! checked before anything is written, never over an input or a special file, never
//! left partial.

mod file;
pub mod plot;
pub mod probe;
pub mod raster;
pub mod readback;
mod run_files;

pub use self::file::{OutputError, check_outputs, commit, create, write_atomically};
pub use self::run_files::{RunFiles, RunPaths, Written};

use crate::image::Metadata;

/// The population name and index within it of core neuron `neuron`; a neuron in no
/// population is `("", neuron)`.
pub fn neuron_label(meta: &Metadata, neuron: u16) -> (&str, u16) {
    match meta.neuron(neuron) {
        Some((block, index)) => (block.name.as_str(), index),
        None => ("", neuron),
    }
}
