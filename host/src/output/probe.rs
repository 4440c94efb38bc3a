//! The probe CSV: header `timestep,neuron,population,index,v,i`, one row per probed
//! neuron per timestep (its state after that timestep), ordered by timestep then
//! neuron; `v` and `i` in raw core units.

use std::io::{self, Write};

use super::neuron_label;
use crate::image::Metadata;
use crate::run::ProbeSample;

/// The probe CSV's header.
pub const HEADER: [&str; 6] = ["timestep", "neuron", "population", "index", "v", "i"];

/// Write `samples` (already ordered) as CSV, naming neurons by `meta`.
pub fn write_csv(out: &mut dyn Write, samples: &[ProbeSample], meta: &Metadata) -> io::Result<()> {
    let mut csv = csv::Writer::from_writer(out);
    csv.write_record(HEADER)?;
    for s in samples {
        let (population, index) = neuron_label(meta, s.neuron);
        csv.write_record([
            &s.timestep.to_string(),
            &s.neuron.to_string(),
            population,
            &index.to_string(),
            &s.v.to_string(),
            &s.i.to_string(),
        ])?;
    }
    csv.flush()
}
