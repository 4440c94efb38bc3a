//! How long-running library calls report progress without printing.
//!
//! The library never writes to the terminal: a call that takes a while (running a
//! network for many timesteps) takes a `&mut dyn` [`Progress`] and reports through it —
//! [`Progress::init`] once with the amount of work, [`Progress::update`] from time to
//! time with the amount done, [`Progress::finish`] once at the end. The binary
//! implements it with a progress bar; tests and other callers pass [`NoProgress`].

/// Receives progress reports from a long-running call.
pub trait Progress {
    /// The work is starting; it consists of `total` units (timesteps for a run).
    fn init(&mut self, total: u64);

    /// `done` units out of the `total` given to [`Progress::init`] are complete.
    /// Called with non-decreasing values, not necessarily after every unit.
    fn update(&mut self, done: u64);

    /// The work is over (complete or abandoned on an error).
    fn finish(&mut self);
}

/// Ignores every report.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn init(&mut self, _total: u64) {}

    fn update(&mut self, _done: u64) {}

    fn finish(&mut self) {}
}
