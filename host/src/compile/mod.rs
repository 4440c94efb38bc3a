//! The compiler: a network description (docs/network-format.md) → a device
//! [`Image`] and a quantisation report.
//!
//! Placeholder contract, filled in by the compiler work: the signatures are what the
//! rest of the crate relies on.

use std::fmt;
use std::path::Path;

use crate::image::Image;

/// Compiler options.
#[derive(Debug, Clone, Copy, Default)]
pub struct CompileOptions {
    /// Treat quantisation warnings as errors.
    pub strict: bool,
}

/// The result of a compilation.
#[derive(Debug, Clone)]
pub struct Compiled {
    /// The device image.
    pub image: Image,
}

/// Why a network could not be compiled.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CompileError {
    /// Not implemented yet.
    Unsupported,
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the network compiler is not implemented yet")
    }
}

impl std::error::Error for CompileError {}

/// Compile the network description in the TOML file at `path`.
pub fn compile_file(_path: &Path, _options: &CompileOptions) -> Result<Compiled, CompileError> {
    Err(CompileError::Unsupported)
}
