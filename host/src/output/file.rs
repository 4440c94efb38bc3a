//! Writing an output file all at once or not at all: into a temporary file in the
//! same directory, then renamed over the destination.

use std::fmt;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
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

/// Write `path` with what `write` produces: into `.NAME.PID.tmp` next to it, then
/// renamed to `path`. On any error the temporary file is removed and `path` is left
/// as it was.
pub fn write_atomically(path: &Path, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<(), OutputError> {
    let error = |reason| OutputError { path: path.to_owned(), reason };
    let Some(name) = path.file_name() else {
        return Err(error(io::Error::new(io::ErrorKind::InvalidInput, "the path does not name a file")));
    };
    let temp = path.with_file_name(format!(".{}.{}.tmp", name.to_string_lossy(), std::process::id()));
    let written = File::create(&temp).and_then(|file| {
        let mut out = BufWriter::new(file);
        write(&mut out)?;
        out.into_inner().map_err(io::IntoInnerError::into_error)?.sync_all()?;
        fs::rename(&temp, path)
    });
    written.map_err(|e| {
        // The temporary file may not exist (creation failed); nothing else to do then.
        let _ = fs::remove_file(&temp);
        error(e)
    })
}
