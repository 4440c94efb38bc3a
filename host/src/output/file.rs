//! Writing an output file all at once or not at all ([`crate::atomic_file`]), with
//! an error that names the file.

use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// An output file could not be written.
#[derive(Debug)]
pub struct OutputError {
    /// The destination, as the caller named it.
    pub path: PathBuf,
    /// What failed.
    pub reason: io::Error,
}

impl fmt::Display for OutputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot write {}: {}\nhelp: check that the directory exists and is writable",
            self.path.display(),
            self.reason
        )
    }
}

/// The cause is part of the message, so it is not also a `source`.
impl std::error::Error for OutputError {}

/// [`crate::atomic_file::write_atomically`], reporting the path on error.
pub fn write_atomically(path: &Path, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<(), OutputError> {
    crate::atomic_file::write_atomically(path, write).map_err(|reason| OutputError { path: path.to_owned(), reason })
}
