//! Writing a file all at once or not at all: every file ncx writes goes into a
//! temporary file in the same directory first and is renamed over the destination
//! only when complete, so a reader never sees a partial file and a failed write leaves
//! the destination as it was.

use std::ffi::OsString;
use std::fs::{self, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

/// Write `path` with what `write` produces, through `.NAME.PID.N.tmp` next to it (N
/// keeps concurrent writers of one process apart). On any error the temporary file is
/// removed and `path` is unchanged.
pub fn write_atomically(path: &Path, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
    let Some(name) = path.file_name() else {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "the path does not name a file"));
    };
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut temp_name = OsString::from(".");
    temp_name.push(name);
    temp_name.push(format!(".{}.{}.tmp", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed)));
    let temp = path.with_file_name(temp_name);
    let written = OpenOptions::new().write(true).create_new(true).open(&temp).and_then(|file| {
        let mut out = BufWriter::new(file);
        write(&mut out)?;
        out.into_inner().map_err(io::IntoInnerError::into_error)?.sync_all()?;
        fs::rename(&temp, path)
    });
    if written.is_err() {
        // The temporary file may not exist (creation failed); nothing else to do then.
        let _ = fs::remove_file(&temp);
    }
    written
}
