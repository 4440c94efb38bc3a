//! [`CoreSim`]: the Verilated `ncx_core` (hdl/rtl/ncx_core.sv) behind a safe,
//! cycle-counting API, with its trace port decoded into the model's [`Event`]s.
//!
//! The build script verilates the core once per supported geometry and number of
//! accumulate lanes ([`CoreSim::geometries`] with one lane, [`CoreSim::builds`] all); a
//! core of another geometry or lanes cannot be simulated. Every
//! operation runs whole clock cycles and says how many: bus accesses take one cycle per
//! byte, staging the inputs one per index (at least one), a start or a state-reset
//! request one, and [`CoreSim::run`] runs until the core is idle. Cycles are counted as
//! the crate documentation says, from 0 in the first cycle after reset.

use std::fmt;

use ncx_model::wire::layout::Region;
use ncx_model::{Cycle, Event, EventKind, Geometry, Matrix, Timestep};

use crate::ffi::core::{Model, RawEvent, geometries};

/// Trace events [`CoreSim::run`] can hold per call before it reports an overflow. A
/// timestep has at most N + 2·N·(M + N) + 1 events; this covers every built geometry's
/// worst case up to 256 × 256.
const EVENT_CAPACITY: usize = 1 << 18;

/// Why a core could not be simulated, or the RTL did something the harness cannot read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// This build has no co-simulation: Verilator was not found when ncx-hdl was built.
    #[error(
        "the RTL co-simulation is not available: Verilator was not found when ncx-hdl was built (install it with \
         scripts/setup.sh and rebuild)"
    )]
    Unavailable,
    /// No Verilated model of this geometry and lanes was built.
    #[error(fmt = geometry_message)]
    Geometry {
        /// The geometry asked for.
        geometry: Geometry,
        /// log2 of the accumulate lanes asked for.
        lanes_log2: u8,
        /// The builds, as (geometry, log2 of the lanes).
        built: Vec<(Geometry, u8)>,
    },
    /// The C++ side failed to construct the model.
    #[error("the Verilated ncx_core model could not be constructed")]
    Construct,
    /// The core stayed busy for longer than allowed.
    #[error("the RTL core was still busy after {cycles} cycles")]
    Hung {
        /// Cycles run.
        cycles: u64,
    },
    /// A timestep produced more trace events than the harness holds.
    #[error("the RTL reported {seen} trace events in one run, more than the {EVENT_CAPACITY} held")]
    TooManyEvents {
        /// Events seen.
        seen: usize,
    },
    /// The trace port reported a kind that does not exist.
    #[error("the RTL's trace port reported kind {kind} in cycle {cycle}")]
    BadTrace {
        /// The cycle of the event.
        cycle: u64,
        /// The kind code.
        kind: u8,
    },
}

/// The message of [`SimError::Geometry`]: the build asked for and those built.
fn geometry_message(
    geometry: &Geometry,
    lanes_log2: &u8,
    built: &[(Geometry, u8)],
    f: &mut fmt::Formatter<'_>,
) -> fmt::Result {
    let name = |g: &Geometry, l: u8| match l {
        0 => format!("{}×{}", g.neurons(), g.inputs()),
        l => format!("{}×{} with {} lanes", g.neurons(), g.inputs(), 1u32 << l),
    };
    let list: Vec<String> = built.iter().map(|(g, l)| name(g, *l)).collect();
    write!(
        f,
        "no RTL model of a {} core (neurons × inputs) was built; the co-simulation has {} (hdl/build.rs, MODELS)",
        name(geometry, *lanes_log2),
        list.join(", ")
    )
}

/// The core's control outputs after the last cycle run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoreStatus {
    /// The current cycle (cycles run since reset).
    pub cycle: u64,
    /// `busy_o`.
    pub busy: bool,
    /// `done_o`: the previous cycle was a timestep's last.
    pub done: bool,
    /// `timestep_o`: the next timestep to run (low 32 bits).
    pub timestep: u32,
    /// `overruns_o` (low 32 bits).
    pub overruns: u32,
    /// `spikes_o`: the neurons that fired in the last completed timestep, ascending.
    pub spikes: Vec<u16>,
}

/// One Verilated `ncx_core`. Not `Send`: a simulation stays in the thread that made it.
#[derive(Debug)]
pub struct CoreSim {
    model: Model,
    geometry: Geometry,
    lanes_log2: u8,
    raw: Vec<RawEvent>,
}

impl CoreSim {
    /// The geometries the co-simulation was built for with one accumulate lane.
    pub fn geometries() -> Vec<Geometry> {
        CoreSim::builds().into_iter().filter(|&(_, l)| l == 0).map(|(g, _)| g).collect()
    }

    /// Every build of the co-simulation, as (geometry, log2 of the accumulate lanes).
    pub fn builds() -> Vec<(Geometry, u8)> {
        geometries()
            .into_iter()
            .filter_map(|(n, m, l)| Some((Geometry::new(1 << n, 1 << m).ok()?, u8::try_from(l).ok()?)))
            .collect()
    }

    /// A core of `geometry` with one accumulate lane just out of reset: cycle 0, idle,
    /// memories at their power-on values.
    pub fn new(geometry: Geometry) -> Result<CoreSim, SimError> {
        CoreSim::with_lanes(geometry, 0)
    }

    /// A core of `geometry` with 2^`lanes_log2` accumulate lanes (`ncx_core`'s
    /// `LanesLog2`) just out of reset.
    pub fn with_lanes(geometry: Geometry, lanes_log2: u8) -> Result<CoreSim, SimError> {
        let log2 = |x: usize| x.trailing_zeros();
        if !crate::COSIM_AVAILABLE {
            return Err(SimError::Unavailable);
        }
        if !CoreSim::builds().contains(&(geometry, lanes_log2)) {
            return Err(SimError::Geometry { geometry, lanes_log2, built: CoreSim::builds() });
        }
        let model = Model::new(log2(geometry.neurons()), log2(geometry.inputs()), u32::from(lanes_log2))
            .ok_or(SimError::Construct)?;
        Ok(CoreSim { model, geometry, lanes_log2, raw: Vec::new() })
    }

    /// The core's geometry.
    pub fn geometry(&self) -> Geometry {
        self.geometry
    }

    /// log2 of the core's accumulate lanes.
    pub fn lanes_log2(&self) -> u8 {
        self.lanes_log2
    }

    /// The current cycle.
    pub fn cycle(&self) -> u64 {
        self.model.status().cycle
    }

    /// Runs `cycles` idle cycles.
    pub fn idle(&mut self, cycles: u64) {
        self.model.idle(cycles);
    }

    /// Writes `data` from byte `offset` of `region`, one byte per cycle (record regions:
    /// whole records, from a record boundary). The core must be idle.
    pub fn write(&mut self, region: Region, offset: u32, data: &[u8]) {
        self.model.write(region as u8, offset, data);
    }

    /// Reads `len` bytes from byte `offset` of `region`, one per cycle.
    pub fn read(&mut self, region: Region, offset: u32, len: usize) -> Vec<u8> {
        let mut out = vec![0; len];
        self.model.read(region as u8, offset, &mut out);
        out
    }

    /// Stages the inputs of the next timestep: max(1, `inputs.len()`) cycles.
    pub fn stage_inputs(&mut self, inputs: &[u16]) {
        self.model.stage_inputs(inputs);
    }

    /// One cycle with `start_i` high: the next cycle is the timestep's FETCH.
    pub fn start(&mut self) {
        self.model.request(true);
    }

    /// One cycle with `reset_state_i` high; [`CoreSim::run`] then runs the reset.
    pub fn request_reset_state(&mut self) {
        self.model.request(false);
    }

    /// Runs until the core is idle, at most `max_cycles` cycles, appending its trace
    /// events to `events`; returns the cycles run.
    pub fn run(&mut self, max_cycles: u64, events: &mut Vec<Event>) -> Result<u64, SimError> {
        self.raw.clear();
        let (ticks, seen) = self.model.run(max_cycles, &mut self.raw, EVENT_CAPACITY);
        if seen > EVENT_CAPACITY {
            return Err(SimError::TooManyEvents { seen });
        }
        for raw in &self.raw {
            decode(raw, events)?;
        }
        if self.model.status().busy != 0 {
            return Err(SimError::Hung { cycles: ticks });
        }
        Ok(ticks)
    }

    /// The control outputs now.
    pub fn status(&self) -> CoreStatus {
        let s = self.model.status();
        let spikes = (0..self.geometry.neurons())
            .filter(|&n| s.spikes[n / 32] >> (n % 32) & 1 == 1)
            .filter_map(|n| u16::try_from(n).ok())
            .collect();
        CoreStatus {
            cycle: s.cycle,
            busy: s.busy != 0,
            done: s.done != 0,
            timestep: s.timestep,
            overruns: s.overruns,
            spikes,
        }
    }
}

/// Sign-extends a 24-bit two's-complement value.
fn sign24(x: u32) -> i32 {
    ((x << 8) as i32) >> 8
}

/// The model's events for one trace-port event (a NeuronUpdate of a neuron that fired is
/// followed by its Spike, as the model emits them).
fn decode(raw: &RawEvent, out: &mut Vec<Event>) -> Result<(), SimError> {
    let event = |kind| Event { cycle: Cycle(raw.cycle), timestep: Timestep(u64::from(raw.timestep)), kind };
    match raw.kind {
        0 => {
            let kind = EventKind::NeuronUpdate {
                neuron: raw.neuron,
                v: sign24(raw.v),
                i: sign24(raw.i),
                refractory: raw.refractory,
            };
            out.push(event(kind));
            if raw.spike != 0 {
                out.push(event(EventKind::Spike { neuron: raw.neuron }));
            }
        }
        1 => {
            let matrix = if raw.matrix == 0 { Matrix::Input } else { Matrix::Recurrent };
            let (old, new) = (i8::from_le_bytes([raw.old_weight]), i8::from_le_bytes([raw.new_weight]));
            out.push(event(EventKind::WeightWrite { matrix, post: raw.neuron, pre: raw.pre, old, new }));
        }
        2 => out.push(event(EventKind::TimestepDone { spikes: u32::from(raw.spikes) })),
        kind => return Err(SimError::BadTrace { cycle: raw.cycle, kind }),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::sign24;

    #[test]
    fn sign24_extends_the_top_bit() {
        assert_eq!(sign24(0x7F_FFFF), 8_388_607);
        assert_eq!(sign24(0x80_0000), -8_388_608);
        assert_eq!(sign24(0xFF_FFFF), -1);
        assert_eq!(sign24(0), 0);
    }
}
