//! Core geometry: N neurons and M input axons, each a power of two in 16..=1024.

use crate::error::ModelError;
use crate::spec::{GEOMETRY_MAX_LOG2, GEOMETRY_MIN_LOG2, MAX_LANES_LOG2};

/// The size of a core. Construct with [`Geometry::new`], which validates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Geometry {
    neurons: usize,
    inputs: usize,
}

impl Geometry {
    /// A geometry of `neurons` neurons and `inputs` input axons.
    ///
    /// Both must be powers of two between 16 and 1024.
    pub fn new(neurons: usize, inputs: usize) -> Result<Geometry, ModelError> {
        check("neurons", neurons)?;
        check("inputs", inputs)?;
        Ok(Geometry { neurons, inputs })
    }

    /// N, the number of neurons.
    pub const fn neurons(self) -> usize {
        self.neurons
    }

    /// M, the number of input axons.
    pub const fn inputs(self) -> usize {
        self.inputs
    }

    /// The most accumulate lanes a core of this geometry may have, as a power of two:
    /// P = 2^lanes_log2 <= min(N, 2^[`MAX_LANES_LOG2`]) (docs/semantics.md §6).
    pub const fn max_lanes_log2(self) -> u8 {
        let n_log2 = self.neurons.trailing_zeros() as u8;
        if n_log2 < MAX_LANES_LOG2 { n_log2 } else { MAX_LANES_LOG2 }
    }
}

fn check(what: &'static str, value: usize) -> Result<(), ModelError> {
    let min = 1usize << GEOMETRY_MIN_LOG2;
    let max = 1usize << GEOMETRY_MAX_LOG2;
    if value.is_power_of_two() && (min..=max).contains(&value) {
        Ok(())
    } else {
        Err(ModelError::Geometry { what, value, min, max })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_powers_of_two_in_range_only() {
        for log2 in 4..=10 {
            assert!(Geometry::new(1 << log2, 16).is_ok());
        }
        for bad in [0, 8, 15, 17, 48, 2048] {
            let err = Geometry::new(bad, 16).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!("neurons = {bad} is not supported: must be a power of two from 16 to 1024")
            );
        }
        assert!(Geometry::new(16, 100).is_err());
    }

    #[test]
    fn lanes_are_limited_by_the_spec_at_every_geometry() {
        // N >= 16 > 2^MAX_LANES_LOG2: the spec's limit is the binding one.
        for log2 in 4..=10 {
            assert_eq!(Geometry::new(1 << log2, 16).unwrap().max_lanes_log2(), MAX_LANES_LOG2);
        }
    }
}
