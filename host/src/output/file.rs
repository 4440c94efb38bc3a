//! Output files of a command: checked together before any is written, then written
//! all at once or not at all ([`crate::atomic_file`]), with errors that name the file.
//!
//! [`check_outputs`] refuses an output that is one of the command's inputs ("output
//! is the input") and two outputs that name one file ("two outputs share one path"),
//! comparing files by device and inode when they exist and by canonical path when they
//! do not, after following symbolic links; a character device such as `/dev/null` may
//! be named any number of times. It also refuses a directory, a path whose directory
//! does not exist, and a destination whose links cannot be followed. A command calls it
//! before it does any work, and [`create`]s every output before it writes any, so a bad
//! path leaves nothing behind.

use std::borrow::Cow;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::atomic_file::{self, Destination, OutputFile};
use crate::error::Help;

/// An output file could not be written, or an output path is not acceptable.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OutputError {
    /// Creating, writing or renaming the file failed.
    #[error("cannot write {path}: {reason}")]
    Write {
        /// The destination, as the caller named it.
        path: PathBuf,
        /// What failed.
        #[source]
        reason: io::Error,
    },
    /// The output is a file the command reads.
    #[error("cannot write {path} ({option}): output is the input {input}")]
    IsInput {
        /// The option that names the output (`-o`, `--raster`, …).
        option: String,
        /// The output, as named.
        path: PathBuf,
        /// The input, as named.
        input: PathBuf,
    },
    /// Two outputs name the same file.
    #[error("cannot write {path} ({second}): two outputs share one path ({first} names the same file)")]
    Shared {
        /// The option of the first output.
        first: String,
        /// The option of the second.
        second: String,
        /// The second output's path, as named.
        path: PathBuf,
    },
    /// The output's directory does not exist (or is not a directory).
    #[error("cannot write {path} ({option}): the directory {dir} does not exist")]
    NoDirectory {
        /// The option that names the output.
        option: String,
        /// The output, as named.
        path: PathBuf,
        /// The missing directory.
        dir: PathBuf,
    },
    /// The run that writes the output was interrupted (Ctrl-C or SIGTERM); what it
    /// wrote so far is kept.
    #[error("interrupted (Ctrl-C or SIGTERM)")]
    Interrupted,
    /// The output is a directory, or its links cannot be followed.
    #[error("cannot write {path} ({option}): {reason}")]
    NotAFile {
        /// The option that names the output.
        option: String,
        /// The output, as named.
        path: PathBuf,
        /// Why.
        #[source]
        reason: io::Error,
    },
}

impl Help for OutputError {
    fn help(&self) -> Option<Cow<'_, str>> {
        Some(
            match self {
                OutputError::Write { .. } => "check that the directory exists and is writable",
                OutputError::IsInput { .. } => {
                    "write the output to another file; ncx never writes over a file it reads"
                }
                OutputError::Shared { .. } => "give each output its own file",
                OutputError::NoDirectory { .. } => "create it first, or write elsewhere",
                OutputError::Interrupted => "the outputs keep the timesteps run before it",
                OutputError::NotAFile { .. } => "name a file to write",
            }
            .into(),
        )
    }
}

/// What identifies a file: its device and inode when it exists, else its canonical
/// path (the directory canonicalised, the name kept).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Identity {
    #[cfg(unix)]
    Inode {
        dev: u64,
        ino: u64,
        char_device: bool,
    },
    Path(PathBuf),
}

#[cfg(unix)]
fn inode(meta: &fs::Metadata) -> Identity {
    use std::os::unix::fs::{FileTypeExt, MetadataExt};
    Identity::Inode { dev: meta.dev(), ino: meta.ino(), char_device: meta.file_type().is_char_device() }
}

/// The identity of `path` (an input or an output), following symbolic links.
fn identity(path: &Path) -> Option<Identity> {
    #[cfg(unix)]
    if let Ok(meta) = fs::metadata(path) {
        return Some(inode(&meta));
    }
    let target = match atomic_file::destination(path).ok()? {
        Destination::File { target } => target,
        Destination::Stream => path.to_path_buf(),
    };
    if let Ok(canonical) = fs::canonicalize(&target) {
        return Some(Identity::Path(canonical));
    }
    let dir = target.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    Some(Identity::Path(fs::canonicalize(dir).ok()?.join(target.file_name()?)))
}

/// Check every output of a command before it writes any (module docs). `inputs` are
/// the files it reads; `outputs` pairs each output with the option that names it.
pub fn check_outputs(inputs: &[&Path], outputs: &[(&str, &Path)]) -> Result<(), OutputError> {
    let inputs: Vec<(&Path, Identity)> = inputs.iter().filter_map(|&p| Some((p, identity(p)?))).collect();
    let mut seen: Vec<(&str, Identity)> = Vec::new();
    for &(option, path) in outputs {
        let target = match atomic_file::destination(path) {
            Ok(Destination::File { target }) => target,
            Ok(Destination::Stream) => path.to_path_buf(),
            Err(reason) => {
                return Err(OutputError::NotAFile { option: option.to_owned(), path: path.to_owned(), reason });
            }
        };
        let dir = target.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        if !dir.is_dir() {
            let (option, path, dir) = (option.to_owned(), path.to_owned(), dir.to_owned());
            return Err(OutputError::NoDirectory { option, path, dir });
        }
        let Some(id) = identity(path) else { continue };
        #[cfg(unix)]
        if matches!(id, Identity::Inode { char_device: true, .. }) {
            // /dev/null and its kind take any number of writers and are never replaced.
            continue;
        }
        if let Some((input, _)) = inputs.iter().find(|(_, i)| *i == id) {
            let (option, path, input) = (option.to_owned(), path.to_owned(), input.to_path_buf());
            return Err(OutputError::IsInput { option, path, input });
        }
        if let Some((first, _)) = seen.iter().find(|(_, i)| *i == id) {
            let (first, second, path) = ((*first).to_owned(), option.to_owned(), path.to_owned());
            return Err(OutputError::Shared { first, second, path });
        }
        seen.push((option, id));
    }
    Ok(())
}

/// Start writing the output `path` ([`OutputFile::create`]), reporting the path on error.
pub fn create(path: &Path) -> Result<OutputFile, OutputError> {
    OutputFile::create(path).map_err(|reason| OutputError::Write { path: path.to_owned(), reason })
}

/// Finish writing the output `path` ([`OutputFile::commit`]), reporting the path on error.
pub fn commit(path: &Path, file: OutputFile) -> Result<(), OutputError> {
    file.commit().map_err(|reason| OutputError::Write { path: path.to_owned(), reason })
}

/// [`crate::atomic_file::write_atomically`], reporting the path on error.
pub fn write_atomically(path: &Path, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<(), OutputError> {
    crate::atomic_file::write_atomically(path, write)
        .map_err(|reason| OutputError::Write { path: path.to_owned(), reason })
}
