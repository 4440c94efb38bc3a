//! The model's error type: every rejected value is reported with its limits.

use crate::spec::Field;

/// Why the model refused an operation. The model's state is unchanged when an
/// operation returns an error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
    /// A neuron or input count that is not a power of two in the supported range.
    #[error("{what} = {value} is not supported: must be a power of two from {min} to {max}")]
    Geometry {
        /// `"neurons"` or `"inputs"`.
        what: &'static str,
        /// The rejected count.
        value: usize,
        /// Smallest supported count.
        min: usize,
        /// Largest supported count.
        max: usize,
    },
    /// A value that does not fit the width of the field it is stored in.
    #[error("{field} = {value} does not fit its field: allowed {min}..={max}")]
    OutOfRange {
        /// The field (see [`crate::spec`]).
        field: &'static str,
        /// The rejected value.
        value: i64,
        /// Smallest representable value.
        min: i64,
        /// Largest representable value.
        max: i64,
    },
    /// An index past the end of a memory.
    #[error("{what} index {index} is out of range: the core has {len}")]
    Index {
        /// What was indexed: `"neuron"`, `"input"`, …
        what: &'static str,
        /// The rejected index.
        index: usize,
        /// The number of valid indices.
        len: usize,
    },
    /// A bulk load of the wrong size.
    #[error("{what} has {got} values; the core needs exactly {expected}")]
    Length {
        /// What was loaded.
        what: &'static str,
        /// Number of values given.
        got: usize,
        /// Number of values the core needs.
        expected: usize,
    },
    /// More accumulate lanes than the geometry or the core allow: P = 2^`lanes_log2`
    /// must be at most min(N, 2^[`crate::spec::MAX_LANES_LOG2`]).
    #[error(
        "lanes_log2 = {lanes_log2} ({} accumulate lanes) is not supported: at most {max_log2} ({} lanes) \
         with N = {neurons} neurons",
        lanes(.lanes_log2),
        lanes(.max_log2)
    )]
    Lanes {
        /// The rejected number of lanes, as a power of two.
        lanes_log2: u8,
        /// The largest `lanes_log2` the geometry allows.
        max_log2: u8,
        /// N, the neurons of the geometry.
        neurons: usize,
    },
    /// STDP weight bounds with `w_min > w_max`.
    #[error("STDP weight bounds are inverted: w_min = {w_min} > w_max = {w_max}")]
    WeightBounds {
        /// Lower bound.
        w_min: i8,
        /// Upper bound.
        w_max: i8,
    },
    /// The operation needs an idle core, but a timestep is in progress.
    #[error("a timestep is in progress; finish it before changing the core")]
    Busy,
}

/// P = 2^`log2` lanes, for messages (saturating for absurd values).
fn lanes(log2: &u8) -> u64 {
    1u64.checked_shl(u32::from(*log2)).unwrap_or(u64::MAX)
}

impl ModelError {
    /// Check that `value` fits `field`.
    pub fn check(field: Field, value: i64) -> Result<(), ModelError> {
        if field.contains(value) {
            Ok(())
        } else {
            Err(ModelError::OutOfRange { field: field.name, value, min: field.min(), max: field.max() })
        }
    }

    /// Check that `index < len`.
    pub fn check_index(what: &'static str, index: usize, len: usize) -> Result<(), ModelError> {
        if index < len { Ok(()) } else { Err(ModelError::Index { what, index, len }) }
    }
}
