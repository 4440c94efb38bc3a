//! The closed-form cycle schedule of one timestep (docs/semantics.md §6).
//!
//! [`Schedule::with_lanes`] lays the phases of a timestep out from the geometry, the
//! core's accumulate lanes and the activity ([`Schedule::new`]: one lane); the fast
//! path stamps its events with it, while the cycle engine counts cycles one by one —
//! the equivalence tests check that the two agree.

use crate::geometry::Geometry;
use crate::spec::{DONE_CYCLES, FETCH_CYCLES, NEURON_LATENCY, SLOT_SETUP_CYCLES};

/// What a timestep's length depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Activity {
    /// Distinct input spikes delivered in this timestep (k_in).
    pub inputs: usize,
    /// Neurons that fired in the previous timestep (k_prev).
    pub previous_spikes: usize,
    /// Neurons that fire in this timestep (k_out).
    pub spikes: usize,
    /// Whether the STDP phases run.
    pub stdp: bool,
}

/// Start cycle of every phase, relative to the timestep's first cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    /// First cycle of the input accumulate phase.
    pub acc_in: u64,
    /// First cycle of the recurrent accumulate phase.
    pub acc_rec: u64,
    /// First cycle of the neuron phase.
    pub neuron: u64,
    /// First cycle of the depression phase.
    pub ltd: u64,
    /// First cycle of the potentiation phase.
    pub ltp: u64,
    /// First cycle of the trace phase.
    pub trace: u64,
    /// The DONE cycle.
    pub done: u64,
    /// Compute cycles of the timestep (`done + DONE_CYCLES`).
    pub cycles: u64,
    /// Cycles of one accumulate slot: `N/P + SLOT_SETUP_CYCLES` with P lanes.
    pub acc_slot: u64,
    /// Cycles of one LTD slot: `N + SLOT_SETUP_CYCLES`.
    pub column_slot: u64,
    /// Cycles of one LTP slot and of the trace phase: `M + N + SLOT_SETUP_CYCLES`.
    pub row_slot: u64,
}

impl Schedule {
    /// Lay out a timestep of a core with one accumulate lane ([`Core::new`]).
    ///
    /// [`Core::new`]: crate::Core::new
    pub fn new(geometry: Geometry, activity: Activity) -> Schedule {
        Schedule::with_lanes(geometry, 0, activity)
    }

    /// Lay out a timestep of a core with P = 2^`lanes_log2` accumulate lanes
    /// ([`Core::with_lanes`]; a valid `lanes_log2`, at most
    /// [`Geometry::max_lanes_log2`]).
    ///
    /// [`Core::with_lanes`]: crate::Core::with_lanes
    pub fn with_lanes(geometry: Geometry, lanes_log2: u8, activity: Activity) -> Schedule {
        let n = geometry.neurons() as u64;
        let m = geometry.inputs() as u64;
        let acc_slot = n.checked_shr(lanes_log2.into()).unwrap_or(0) + SLOT_SETUP_CYCLES;
        let column_slot = n + SLOT_SETUP_CYCLES;
        let row_slot = m + n + SLOT_SETUP_CYCLES;
        let acc_in = FETCH_CYCLES;
        let acc_rec = acc_in + activity.inputs as u64 * acc_slot;
        let neuron = acc_rec + activity.previous_spikes as u64 * acc_slot;
        let ltd = neuron + n + NEURON_LATENCY;
        let (ltp, trace, done) = if activity.stdp {
            let ltp = ltd + (activity.inputs + activity.spikes) as u64 * column_slot;
            let trace = ltp + activity.spikes as u64 * row_slot;
            (ltp, trace, trace + row_slot)
        } else {
            (ltd, ltd, ltd)
        };
        Schedule {
            acc_in,
            acc_rec,
            neuron,
            ltd,
            ltp,
            trace,
            done,
            cycles: done + DONE_CYCLES,
            acc_slot,
            column_slot,
            row_slot,
        }
    }

    /// Cycles from this timestep's start to the next one's: the compute cycles, or the
    /// pacing period when that is longer (`period == 0` is free-running).
    pub fn length(&self, period: u32) -> u64 {
        self.cycles.max(u64::from(period))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closed_form_matches_the_documented_formula() {
        let g = Geometry::new(256, 128).unwrap();
        let quiet = Schedule::new(g, Activity::default());
        assert_eq!(quiet.cycles, 1 + 256 + 3 + 1);
        let busy = Activity { inputs: 5, previous_spikes: 7, spikes: 3, stdp: true };
        let s = Schedule::new(g, busy);
        // 1 + (5 + 7)(N + 2) + (N + 3) + (5 + 3)(N + 2) + 3(M + N + 2) + (M + N + 2) + 1
        let expected = 1 + 12 * 258 + 259 + 8 * 258 + 3 * 386 + 386 + 1;
        assert_eq!(s.cycles, expected);
        assert_eq!(s.length(0), expected);
        assert_eq!(s.length(100_000), 100_000);
        assert_eq!(s.length(10), expected);
    }

    #[test]
    fn lanes_shorten_only_the_accumulate_slots() {
        let g = Geometry::new(256, 128).unwrap();
        let busy = Activity { inputs: 5, previous_spikes: 7, spikes: 3, stdp: true };
        let one = Schedule::with_lanes(g, 0, busy);
        assert_eq!(one, Schedule::new(g, busy));
        assert_eq!(one.acc_slot, one.column_slot);
        let four = Schedule::with_lanes(g, 2, busy);
        // 1 + (5 + 7)(N/4 + 2) + (N + 3) + (5 + 3)(N + 2) + 3(M + N + 2) + (M + N + 2) + 1
        assert_eq!((four.acc_slot, four.column_slot, four.row_slot), (66, 258, 386));
        assert_eq!(four.cycles, 1 + 12 * 66 + 259 + 8 * 258 + 3 * 386 + 386 + 1);
        assert_eq!(one.cycles - four.cycles, 12 * (258 - 66));
    }
}
