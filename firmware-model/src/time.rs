//! Typed time: clock cycles and timesteps never mix.

use std::fmt;

/// A count of core clock cycles since the last reset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Cycle(pub u64);

/// A timestep number, counted from 0 after the last reset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestep(pub u64);

impl Cycle {
    /// This cycle plus `n` cycles.
    pub const fn after(self, n: u64) -> Cycle {
        Cycle(self.0 + n)
    }
}

impl Timestep {
    /// The timestep after this one.
    pub const fn next(self) -> Timestep {
        Timestep(self.0 + 1)
    }
}

impl fmt::Display for Cycle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cycle {}", self.0)
    }
}

impl fmt::Display for Timestep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "timestep {}", self.0)
    }
}
