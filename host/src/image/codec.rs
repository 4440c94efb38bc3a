//! The `.ncx` binary container (docs/image-format.md): [`encode`] and [`decode`].
//!
//! Placeholder contract, filled in by the image-format work: the signatures are
//! what the rest of the crate relies on.

use std::fmt;

use super::Image;

/// Why bytes could not be decoded into an [`Image`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ImageError {
    /// Not implemented yet.
    Unsupported,
}

impl fmt::Display for ImageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the .ncx image format is not implemented yet")
    }
}

impl std::error::Error for ImageError {}

/// The image as `.ncx` bytes.
pub fn encode(_image: &Image) -> Vec<u8> {
    Vec::new()
}

/// Decode `.ncx` bytes.
pub fn decode(_bytes: &[u8]) -> Result<Image, ImageError> {
    Err(ImageError::Unsupported)
}
