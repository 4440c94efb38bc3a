//! Reading a device's memories back (docs/protocol.md §9): the weights and their
//! enable bits (regions 1–4), the dynamic state (6: v, I, refractory counters; 7: the
//! STDP traces), or all of them, decoded with the same layout functions the device
//! and the image codec use.

use ncx_model::wire::layout::{self, LayoutError, Region, Traces};
use ncx_model::{Geometry, NeuronState};

use super::upload::read_region;
use super::{Channel, Driver, DriverError};
use crate::link::Link;
use crate::progress::Progress;

/// What to read back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum What {
    /// `W_in`, `W_rec`, `E_in`, `E_rec` (regions 1–4).
    Weights,
    /// Neuron state and traces (regions 6 and 7).
    State,
    /// Both.
    All,
}

impl What {
    /// The regions it covers, in number order.
    pub fn regions(self) -> &'static [Region] {
        match self {
            What::Weights => &[Region::WeightsIn, Region::WeightsRec, Region::EnableIn, Region::EnableRec],
            What::State => &[Region::State, Region::Traces],
            What::All => &[
                Region::WeightsIn,
                Region::WeightsRec,
                Region::EnableIn,
                Region::EnableRec,
                Region::State,
                Region::Traces,
            ],
        }
    }
}

/// Weights read back: N × M and N × N, row-major `[post][pre]`, with enable bits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Weights {
    /// `W_in`.
    pub w_in: Vec<i8>,
    /// `W_rec`.
    pub w_rec: Vec<i8>,
    /// `E_in`.
    pub plastic_in: Vec<bool>,
    /// `E_rec`.
    pub plastic_rec: Vec<bool>,
}

/// The dynamic state read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct State {
    /// v, I and the refractory counter of every neuron.
    pub neurons: Vec<NeuronState>,
    /// The STDP traces.
    pub traces: Traces,
}

/// What [`readback`] read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Readback {
    /// The device's geometry.
    pub geometry: Geometry,
    /// The weights, if asked for.
    pub weights: Option<Weights>,
    /// The state, if asked for.
    pub state: Option<State>,
}

/// Read back `what` from the device; `progress` counts bytes read.
pub fn readback<L: Link>(
    driver: &mut Driver<L>,
    what: What,
    progress: &mut dyn Progress,
) -> Result<Readback, DriverError> {
    let geometry = driver.info().geometry;
    let total: usize = what.regions().iter().map(|r| r.size(geometry)).sum();
    progress.init(total as u64);
    let result = read_all(&mut driver.channel, geometry, what, progress);
    progress.finish();
    result
}

fn read_all<L: Link>(
    channel: &mut Channel<L>,
    geometry: Geometry,
    what: What,
    progress: &mut dyn Progress,
) -> Result<Readback, DriverError> {
    let (n, m) = (geometry.neurons(), geometry.inputs());
    let mut done = 0;
    let mut read = |channel: &mut Channel<L>, region: Region| {
        read_region(channel, region, region.size(geometry), &mut |k| {
            done += k;
            progress.update(done);
        })
    };
    let bad = |region: Region, e: LayoutError| DriverError::BadReply {
        command: ncx_model::device::Opcode::Read,
        problem: format!("region {region} does not decode: {e}"),
    };
    let weights = match what {
        What::Weights | What::All => Some(Weights {
            w_in: layout::decode_weights(&read(channel, Region::WeightsIn)?, n * m)
                .map_err(|e| bad(Region::WeightsIn, e))?,
            w_rec: layout::decode_weights(&read(channel, Region::WeightsRec)?, n * n)
                .map_err(|e| bad(Region::WeightsRec, e))?,
            plastic_in: layout::decode_bits(&read(channel, Region::EnableIn)?, n * m)
                .map_err(|e| bad(Region::EnableIn, e))?,
            plastic_rec: layout::decode_bits(&read(channel, Region::EnableRec)?, n * n)
                .map_err(|e| bad(Region::EnableRec, e))?,
        }),
        What::State => None,
    };
    let state = match what {
        What::State | What::All => Some(State {
            neurons: layout::decode_states(&read(channel, Region::State)?, n).map_err(|e| bad(Region::State, e))?,
            traces: layout::decode_traces(&read(channel, Region::Traces)?, geometry)
                .map_err(|e| bad(Region::Traces, e))?,
        }),
        What::Weights => None,
    };
    Ok(Readback { geometry, weights, state })
}
