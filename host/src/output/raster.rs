//! The raster CSV: header `timestep,neuron,population,index`, one row per spike of a
//! recorded neuron, ordered by timestep then neuron.

use std::io::{self, Write};

use super::neuron_label;
use crate::image::Metadata;
use crate::run::Spike;

/// The raster CSV's header.
pub const HEADER: [&str; 4] = ["timestep", "neuron", "population", "index"];

/// Write `raster` (already ordered) as CSV, naming neurons by `meta`.
pub fn write_csv(out: &mut dyn Write, raster: &[Spike], meta: &Metadata) -> io::Result<()> {
    let mut csv = csv::Writer::from_writer(out);
    csv.write_record(HEADER)?;
    for spike in raster {
        let (population, index) = neuron_label(meta, spike.neuron);
        csv.write_record([&spike.timestep.to_string(), &spike.neuron.to_string(), population, &index.to_string()])?;
    }
    csv.flush()
}
