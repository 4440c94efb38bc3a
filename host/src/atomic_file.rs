//! Writing an output file without losing anything. A regular file (or a path where
//! nothing is yet) is written into a temporary file `.NAME.XXXXXX.tmp` (six random
//! letters and digits) in the same directory, made and persisted by the `tempfile`
//! crate: renamed over the destination only when complete ([`OutputFile::commit`]),
//! so a reader never sees a partial file and a failed or abandoned write leaves the
//! destination as it was. A symbolic link is followed and its final target replaced,
//! never the link itself. Anything that is not a regular file — a character device such
//! as `/dev/null`, a FIFO, a socket, or `/dev/stdout` and the other `/dev/fd`/`/proc`
//! descriptor links — is written into directly (in append mode, so a descriptor shared
//! with the shell is not overwritten from its start), never renamed over. A directory
//! is refused.

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Component, Path, PathBuf};

use tempfile::NamedTempFile;

/// Symbolic links followed at most, as the kernel does (`ELOOP` beyond).
const MAX_LINKS: usize = 40;

/// Where the bytes of an output go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// A regular file, or nothing yet: written whole through a temporary file next to
    /// `target`, the path after following every symbolic link.
    File {
        /// The file that is created or replaced.
        target: PathBuf,
    },
    /// Not a regular file (a character device, FIFO or socket), or a descriptor link
    /// (`/dev/stdout`, `/dev/fd/N`, `/proc/…`): written into directly.
    Stream,
}

/// How `path` is written (module docs). Fails if it is a directory, or if its links
/// cannot be followed.
pub fn destination(path: &Path) -> io::Result<Destination> {
    if is_descriptor_link(path) {
        return Ok(Destination::Stream);
    }
    match fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Err(io::Error::new(io::ErrorKind::IsADirectory, "it is a directory")),
        Ok(meta) if meta.is_file() => Ok(Destination::File { target: follow_links(path)? }),
        Ok(_) => Ok(Destination::Stream),
        // Nothing there, or a link to nothing: the link's final target is created.
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Destination::File { target: follow_links(path)? }),
        Err(e) => Err(e),
    }
}

/// `/dev/stdout`, `/dev/stderr`, `/dev/stdin`, `/dev/fd/…` and `/proc/…`: paths that name
/// an open descriptor rather than a file.
fn is_descriptor_link(path: &Path) -> bool {
    let mut components = path.components();
    if components.next() != Some(Component::RootDir) {
        return false;
    }
    match components.next() {
        Some(Component::Normal(top)) if top == "proc" => true,
        Some(Component::Normal(top)) if top == "dev" => {
            matches!(components.next(), Some(Component::Normal(name))
                if name == "stdout" || name == "stderr" || name == "stdin" || name == "fd")
        }
        _ => false,
    }
}

/// `path` with every symbolic link of its last component followed (relative links
/// from the link's directory), for a link whose target may not exist yet.
fn follow_links(path: &Path) -> io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let link = fs::read_link(&current)?;
                current = match current.parent() {
                    Some(dir) if link.is_relative() => dir.join(link),
                    _ => link,
                };
            }
            _ => return Ok(current),
        }
    }
    Err(io::Error::other(format!("more than {MAX_LINKS} symbolic links to follow")))
}

/// An output being written; [`OutputFile::commit`] makes it appear. Dropped without a
/// commit, a temporary file is removed and the destination stays as it was.
#[derive(Debug)]
pub struct OutputFile {
    sink: Sink,
}

/// Where an [`OutputFile`]'s bytes go until it is committed.
#[derive(Debug)]
enum Sink {
    /// A device, FIFO or descriptor link, written into directly.
    Stream(BufWriter<File>),
    /// A temporary file (removed when dropped), persisted over `target` on commit.
    Temp {
        /// The temporary file.
        out: BufWriter<NamedTempFile>,
        /// The file it replaces.
        target: PathBuf,
    },
}

impl OutputFile {
    /// Start writing `path` (module docs): creates the temporary file, or opens the
    /// device or FIFO (which may wait for a reader).
    pub fn create(path: &Path) -> io::Result<OutputFile> {
        let sink = match destination(path)? {
            Destination::Stream => Sink::Stream(BufWriter::new(OpenOptions::new().append(true).open(path)?)),
            Destination::File { target } => Sink::Temp { out: BufWriter::new(temp_file(&target)?), target },
        };
        Ok(OutputFile { sink })
    }

    /// Finish: flush, and for a regular file sync it and rename it over its target
    /// (keeping the permissions of the file it replaces). On an error the temporary
    /// file is removed.
    pub fn commit(self) -> io::Result<()> {
        match self.sink {
            Sink::Stream(mut out) => out.flush(),
            Sink::Temp { out, target } => {
                let temp = out.into_inner().map_err(io::IntoInnerError::into_error)?;
                temp.as_file().sync_all()?;
                if let Ok(old) = fs::metadata(&target) {
                    fs::set_permissions(temp.path(), old.permissions())?;
                }
                temp.persist(&target).map(drop).map_err(|e| e.error)
            }
        }
    }

    fn writer(&mut self) -> &mut dyn Write {
        match &mut self.sink {
            Sink::Stream(out) => out,
            Sink::Temp { out, .. } => out,
        }
    }
}

impl Write for OutputFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writer().write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.writer().write_all(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.writer().flush()
    }
}

/// A new temporary file `.NAME.XXXXXX.tmp` next to `target`. It is created as a plain
/// `create_new` open would (the permissions the umask gives, and the operating
/// system's own error, without tempfile's added path), not with tempfile's 0600.
fn temp_file(target: &Path) -> io::Result<NamedTempFile> {
    let Some(name) = target.file_name() else {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "the path does not name a file"));
    };
    let mut prefix = OsString::from(".");
    prefix.push(name);
    prefix.push(".");
    let dir = target.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    tempfile::Builder::new()
        .prefix(&prefix)
        .suffix(".tmp")
        .make_in(dir, |path| OpenOptions::new().write(true).create_new(true).open(path))
}

/// Write `path` with what `write` produces, all at once or not at all (module docs).
/// On any error `path` is unchanged (a stream may have received part of it).
pub fn write_atomically(path: &Path, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
    let mut file = OutputFile::create(path)?;
    write(&mut file)?;
    file.commit()
}
