//! The raster CSV: header `timestep,neuron,population,index`, one row per spike of a
//! recorded neuron, ordered by timestep then neuron, written as the run goes.

use std::io::{self, Write};

use super::neuron_label;
use crate::image::Metadata;
use crate::run::Spike;

/// The raster CSV's header.
pub const HEADER: [&str; 4] = ["timestep", "neuron", "population", "index"];

/// Writes raster rows a timestep at a time.
#[derive(Debug)]
pub struct RasterCsv<'m, W: Write> {
    csv: csv::Writer<W>,
    meta: &'m Metadata,
}

impl<'m, W: Write> RasterCsv<'m, W> {
    /// Start the CSV on `out` (writes the header), naming neurons by `meta`.
    pub fn new(out: W, meta: &'m Metadata) -> io::Result<RasterCsv<'m, W>> {
        let mut csv = csv::Writer::from_writer(out);
        csv.write_record(HEADER)?;
        Ok(RasterCsv { csv, meta })
    }

    /// The rows of the recorded neurons in `spikes` (ascending) that fired at `timestep`.
    pub fn write(&mut self, timestep: u64, spikes: &[u16]) -> io::Result<()> {
        let t = timestep.to_string();
        for &neuron in spikes {
            let (population, index) = neuron_label(self.meta, neuron);
            self.csv.write_record([&t, &neuron.to_string(), population, &index.to_string()])?;
        }
        Ok(())
    }

    /// Flush, and give the writer back.
    pub fn finish(self) -> io::Result<W> {
        self.csv.into_inner().map_err(|e| io::Error::other(e.to_string()))
    }
}

/// Write `raster` (already ordered) as CSV, naming neurons by `meta`.
pub fn write_csv(out: &mut dyn Write, raster: &[Spike], meta: &Metadata) -> io::Result<()> {
    let mut csv = RasterCsv::new(out, meta)?;
    for spike in raster {
        csv.write(spike.timestep, &[spike.neuron])?;
    }
    csv.finish()?.flush()
}
