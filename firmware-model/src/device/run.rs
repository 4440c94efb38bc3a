//! Run control (docs/protocol.md §10): a run's end, the inputs buffered for its next
//! timesteps, and the credits they leave.

use std::collections::VecDeque;

/// A run in progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Run {
    /// The core timestep at which the run ends (the first one it does not run).
    pub(crate) end: u64,
    /// The inputs of the next timesteps, in order: entry k is for timestep `now + k`.
    pub(crate) inputs: VecDeque<Vec<u16>>,
}

impl Run {
    /// A run of `steps` timesteps from timestep `first`.
    pub(crate) fn new(first: u64, steps: u32) -> Run {
        Run { end: first + u64::from(steps), inputs: VecDeque::new() }
    }

    /// Timesteps left to run, seen from timestep `now`.
    pub(crate) fn steps_left(&self, now: u64) -> u64 {
        self.end.saturating_sub(now)
    }

    /// The timestep whose INPUT is expected next.
    pub(crate) fn next_input(&self, now: u64) -> u64 {
        now + self.inputs.len() as u64
    }

    /// INPUTs the device accepts now: free slots, but no more than the timesteps of the
    /// run that have no input yet.
    pub(crate) fn credits(&self, now: u64, slots: usize) -> u16 {
        let free = slots.saturating_sub(self.inputs.len()) as u64;
        let unsupplied = self.steps_left(now).saturating_sub(self.inputs.len() as u64);
        u16::try_from(free.min(unsupplied)).unwrap_or(u16::MAX)
    }
}
