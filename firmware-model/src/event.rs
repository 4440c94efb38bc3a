//! Architectural events: what the core did, stamped with the cycle it did it in.
//!
//! Both engines of the model and the RTL's trace port emit exactly these events, in
//! cycle order; co-simulation compares them one by one (docs/semantics.md §8).

use crate::memory::Matrix;
use crate::time::{Cycle, Timestep};

/// One architectural event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Event {
    /// The cycle in which the event's write happens.
    pub cycle: Cycle,
    /// The timestep the event belongs to.
    pub timestep: Timestep,
    /// What happened.
    pub kind: EventKind,
}

/// The kinds of architectural event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// A neuron's state was written by the neuron phase (every neuron, every timestep).
    NeuronUpdate {
        /// Neuron index.
        neuron: u16,
        /// New membrane potential.
        v: i32,
        /// New synaptic current.
        i: i32,
        /// New refractory counter.
        refractory: u8,
    },
    /// A neuron fired (same cycle as its `NeuronUpdate`, which precedes it).
    Spike {
        /// Neuron index.
        neuron: u16,
    },
    /// STDP changed a weight (writes that leave a weight unchanged are not events).
    WeightWrite {
        /// Which matrix.
        matrix: Matrix,
        /// Post-synaptic neuron (row).
        post: u16,
        /// Pre-synaptic input or neuron (column).
        pre: u16,
        /// Weight before the write.
        old: i8,
        /// Weight after the write.
        new: i8,
    },
    /// The last compute cycle of a timestep.
    TimestepDone {
        /// Number of neurons that fired in this timestep.
        spikes: u32,
    },
}

/// Receives events as the core produces them.
pub trait EventSink {
    /// `true` for a sink that ignores every event: the fast path may then do its work
    /// in any order that gives the same final state.
    const DISCARDS: bool = false;

    /// Called once per event, in cycle order.
    fn event(&mut self, event: Event);
}

/// Discards every event (the fast path then costs nothing for them).
#[derive(Debug, Clone, Copy, Default)]
pub struct NullSink;

impl EventSink for NullSink {
    const DISCARDS: bool = true;

    #[inline(always)]
    fn event(&mut self, _event: Event) {}
}

impl EventSink for Vec<Event> {
    #[inline]
    fn event(&mut self, event: Event) {
        self.push(event);
    }
}
