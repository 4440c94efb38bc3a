//! The probe CSV: header `timestep,neuron,population,index,v,i`, one row per probed
//! neuron per timestep (its state after that timestep), ordered by timestep then
//! neuron; `v` and `i` in raw core units; written as the run goes.

use std::io::{self, Write};

use super::neuron_label;
use crate::image::Metadata;
use crate::run::ProbeSample;

/// The probe CSV's header.
pub const HEADER: [&str; 6] = ["timestep", "neuron", "population", "index", "v", "i"];

/// Writes probe rows a timestep at a time.
#[derive(Debug)]
pub struct ProbeCsv<'m, W: Write> {
    csv: csv::Writer<W>,
    meta: &'m Metadata,
}

impl<'m, W: Write> ProbeCsv<'m, W> {
    /// Start the CSV on `out` (writes the header), naming neurons by `meta`.
    pub fn new(out: W, meta: &'m Metadata) -> io::Result<ProbeCsv<'m, W>> {
        let mut csv = csv::Writer::from_writer(out);
        csv.write_record(HEADER)?;
        Ok(ProbeCsv { csv, meta })
    }

    /// The rows of `samples`.
    pub fn write(&mut self, samples: &[ProbeSample]) -> io::Result<()> {
        for s in samples {
            let (population, index) = neuron_label(self.meta, s.neuron);
            self.csv.write_record([
                &s.timestep.to_string(),
                &s.neuron.to_string(),
                population,
                &index.to_string(),
                &s.v.to_string(),
                &s.i.to_string(),
            ])?;
        }
        Ok(())
    }

    /// Flush, and give the writer back.
    pub fn finish(self) -> io::Result<W> {
        self.csv.into_inner().map_err(|e| io::Error::other(e.to_string()))
    }
}

/// Write `samples` (already ordered) as CSV, naming neurons by `meta`.
pub fn write_csv(out: &mut dyn Write, samples: &[ProbeSample], meta: &Metadata) -> io::Result<()> {
    let mut csv = ProbeCsv::new(out, meta)?;
    csv.write(samples)?;
    csv.finish()?.flush()
}
