//! The model's error type: every rejected value is reported with its limits.

use std::fmt;

use crate::spec::Field;

/// Why the model refused an operation. The model's state is unchanged when an
/// operation returns an error.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ModelError {
    /// A neuron or input count that is not a power of two in the supported range.
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
    Index {
        /// What was indexed: `"neuron"`, `"input"`, …
        what: &'static str,
        /// The rejected index.
        index: usize,
        /// The number of valid indices.
        len: usize,
    },
    /// A bulk load of the wrong size.
    Length {
        /// What was loaded.
        what: &'static str,
        /// Number of values given.
        got: usize,
        /// Number of values the core needs.
        expected: usize,
    },
    /// STDP weight bounds with `w_min > w_max`.
    WeightBounds {
        /// Lower bound.
        w_min: i8,
        /// Upper bound.
        w_max: i8,
    },
    /// The operation needs an idle core, but a timestep is in progress.
    Busy,
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

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModelError::Geometry { what, value, min, max } => {
                write!(f, "{what} = {value} is not supported: must be a power of two from {min} to {max}")
            }
            ModelError::OutOfRange { field, value, min, max } => {
                write!(f, "{field} = {value} does not fit its field: allowed {min}..={max}")
            }
            ModelError::Index { what, index, len } => {
                write!(f, "{what} index {index} is out of range: the core has {len}")
            }
            ModelError::Length { what, got, expected } => {
                write!(f, "{what} has {got} values; the core needs exactly {expected}")
            }
            ModelError::WeightBounds { w_min, w_max } => {
                write!(f, "STDP weight bounds are inverted: w_min = {w_min} > w_max = {w_max}")
            }
            ModelError::Busy => {
                write!(f, "a timestep is in progress; finish it before changing the core")
            }
        }
    }
}

impl std::error::Error for ModelError {}
