//! # ncx-model — the executable specification of the NCX-1 core
//!
//! A pure, cycle-accurate model of the NCX-1 all-to-all LIF + STDP core: its number
//! formats ([`spec`]), its arithmetic ([`arith`]), its memories and state ([`Core`]),
//! and its timestep schedule with exact cycle counts ([`schedule`]). It does no I/O,
//! prints nothing and needs no threads. [`rtl_pkg`] renders the RTL package
//! `hdl/rtl/ncx_pkg.sv` from the same constants.
//!
//! Two engines drive a [`Core`]:
//!
//! - the **cycle engine** ([`Core::start_timestep`], [`Core::step_cycle`]) performs one
//!   clock cycle per call, exactly as docs/semantics.md §6 schedules it, and emits
//!   architectural [`Event`]s stamped with their cycle — what the RTL's trace port is
//!   compared against;
//! - the **fast path** ([`Core::run_timestep`]) runs a whole timestep at once and is
//!   bit-identical to the cycle engine in state, events and cycle counts.
//!
//! A core has P = 2^lanes_log2 accumulate lanes ([`Core::with_lanes`]; one with
//! [`Core::new`]), a property of the hardware build: P synapses are accumulated per
//! cycle, which shortens the accumulate phases ([`Schedule::with_lanes`]) and changes
//! nothing else — spikes, weights and states are the same for every P.
//!
//! ```
//! use ncx_model::{Core, Geometry, Matrix, NeuronParams, NullSink};
//!
//! let mut core = Core::new(Geometry::new(16, 16)?);
//! core.set_neuron_params(0, NeuronParams { threshold: 100, ..NeuronParams::SILENT })?;
//! core.set_weight(Matrix::Input, 0, 3, 127)?;
//! let report = core.run_timestep(&[3], &mut NullSink)?;
//! assert_eq!(core.last_spikes(), &[0]);
//! assert_eq!(report.compute_cycles, 1 + (16 + 2) + (16 + 3) + 1);
//! # Ok::<(), ncx_model::ModelError>(())
//! ```

#![warn(clippy::unwrap_used)]

pub mod arith;
mod core;
mod cycle;
pub mod device;
mod error;
mod event;
mod fast;
mod geometry;
mod memory;
mod params;
pub mod rng;
pub mod rtl_pkg;
pub mod schedule;
pub mod spec;
mod time;
pub mod wire;

pub use crate::arith::TraceMode;
pub use crate::core::{Core, TimestepReport};
pub use crate::cycle::Phase;
pub use crate::error::ModelError;
pub use crate::event::{Event, EventKind, EventSink, NullSink};
pub use crate::geometry::Geometry;
pub use crate::memory::{Matrix, TraceKind};
pub use crate::params::{CoreConfig, NeuronParams, NeuronState, StdpConfig};
pub use crate::schedule::{Activity, Schedule};
pub use crate::time::{Cycle, Timestep};
