//! `.ncx` files on disk: [`read_file`] decodes one, [`write_file`] stores an image so
//! that a reader never sees a partial file — it checks the image first, writes a
//! temporary file next to the target and renames it into place.

use std::borrow::Cow;
use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::Image;
use super::codec::{self, ImageError};
use crate::error::Help;

/// Why an image file could not be read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FileError {
    /// The file could not be read.
    #[error(fmt = read_message)]
    Read {
        /// The file.
        path: PathBuf,
        /// The operating system's reason.
        source: io::Error,
    },
    /// The file's bytes are not a valid image.
    #[error("{path}: {source}")]
    Decode {
        /// The file.
        path: PathBuf,
        /// What is wrong, and where.
        source: ImageError,
    },
    /// The image to write breaks a rule of the format; nothing was written.
    #[error("not writing {path}: {source}")]
    Invalid {
        /// The file that was not written.
        path: PathBuf,
        /// What is wrong.
        source: ImageError,
    },
    /// The file could not be written; the target is unchanged.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The operating system's reason.
        source: io::Error,
    },
}

/// The message of [`FileError::Read`]: a directory is named as such.
fn read_message(path: &Path, source: &io::Error, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    if source.kind() == io::ErrorKind::IsADirectory {
        write!(f, "{} is a directory, not an image", path.display())
    } else {
        write!(f, "cannot read {}: {source}", path.display())
    }
}

/// The help of a bad image is the [`ImageError`]'s, its `source`.
impl Help for FileError {
    fn help(&self) -> Option<Cow<'_, str>> {
        match self {
            FileError::Read { source, .. } if source.kind() == io::ErrorKind::IsADirectory => {
                Some("give the path of an image written by `ncx compile` (a .ncx file)".into())
            }
            FileError::Read { .. } => Some("check the path; an image is written by `ncx compile` (a .ncx file)".into()),
            FileError::Decode { .. } | FileError::Invalid { .. } => None,
            FileError::Write { .. } => Some("check that the directory exists and that you may write to it".into()),
        }
    }
}

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
