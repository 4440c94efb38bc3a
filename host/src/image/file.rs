//! `.ncx` files on disk: [`read_file`] decodes one, [`write_file`] stores an image so
//! that a reader never sees a partial file — it checks the image first, writes a
//! temporary file next to the target and renames it into place.

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::Image;
use super::codec::{self, ImageError};

/// Why an image file could not be read or written.
#[derive(Debug)]
#[non_exhaustive]
pub enum FileError {
    /// The file could not be read.
    Read {
        /// The file.
        path: PathBuf,
        /// The operating system's reason.
        source: io::Error,
    },
    /// The file's bytes are not a valid image.
    Decode {
        /// The file.
        path: PathBuf,
        /// What is wrong, and where.
        source: ImageError,
    },
    /// The image to write breaks a rule of the format; nothing was written.
    Invalid {
        /// The file that was not written.
        path: PathBuf,
        /// What is wrong.
        source: ImageError,
    },
    /// The file could not be written; the target is unchanged.
    Write {
        /// The file.
        path: PathBuf,
        /// The operating system's reason.
        source: io::Error,
    },
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileError::Read { path, source } if source.kind() == io::ErrorKind::IsADirectory => write!(
                f,
                "{} is a directory, not an image\nhelp: give the path of an image written by `ncx compile` (a .ncx \
                 file)",
                path.display()
            ),
            FileError::Read { path, source } => write!(
                f,
                "cannot read {}: {source}\nhelp: check the path; an image is written by `ncx compile` (a .ncx file)",
                path.display()
            ),
            FileError::Decode { path, source } => write!(f, "{}: {source}", path.display()),
            FileError::Invalid { path, source } => write!(f, "not writing {}: {source}", path.display()),
            FileError::Write { path, source } => write!(
                f,
                "cannot write {}: {source}\nhelp: check that the directory exists and that you may write to it",
                path.display()
            ),
        }
    }
}

impl std::error::Error for FileError {}

/// Read and decode the image file at `path`.
pub fn read_file(path: &Path) -> Result<Image, FileError> {
    let bytes = fs::read(path).map_err(|source| FileError::Read { path: path.to_owned(), source })?;
    codec::decode(&bytes).map_err(|source| FileError::Decode { path: path.to_owned(), source })
}

/// Check `image` ([`codec::check`]) and write it to `path` atomically: through a
/// temporary file in the same directory, renamed over `path` once complete. On any
/// error `path` is left as it was and the temporary file is removed.
pub fn write_file(path: &Path, image: &Image) -> Result<(), FileError> {
    codec::check(image).map_err(|source| FileError::Invalid { path: path.to_owned(), source })?;
    let bytes = codec::encode(image);
    crate::atomic_file::write_atomically(path, |out| out.write_all(&bytes))
        .map_err(|source| FileError::Write { path: path.to_owned(), source })
}
