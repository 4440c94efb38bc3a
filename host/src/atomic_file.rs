//! Writing an output file without losing anything. A regular file (or a path where
//! nothing is yet) is written into a temporary file `.NAME.PID.N.tmp` in the same
//! directory and renamed over the destination only when complete ([`OutputFile::commit`]),
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
use std::sync::atomic::{AtomicU64, Ordering};

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
    out: BufWriter<File>,
    /// The temporary file and the file it replaces on commit; `None` for a stream.
    rename: Option<(PathBuf, PathBuf)>,
}

impl OutputFile {
    /// Start writing `path` (module docs): creates the temporary file, or opens the
    /// device or FIFO (which may wait for a reader).
    pub fn create(path: &Path) -> io::Result<OutputFile> {
        match destination(path)? {
            Destination::Stream => {
                let file = OpenOptions::new().append(true).open(path)?;
                Ok(OutputFile { out: BufWriter::new(file), rename: None })
            }
            Destination::File { target } => {
                let temp = temp_path(&target)?;
                let file = OpenOptions::new().write(true).create_new(true).open(&temp)?;
                Ok(OutputFile { out: BufWriter::new(file), rename: Some((temp, target)) })
            }
        }
    }

    /// Finish: flush, and for a regular file sync it and rename it over its target
    /// (keeping the permissions of the file it replaces).
    pub fn commit(mut self) -> io::Result<()> {
        self.out.flush()?;
        let Some((temp, target)) = self.rename.take() else { return Ok(()) };
        let result = (|| {
            self.out.get_ref().sync_all()?;
            if let Ok(old) = fs::metadata(&target) {
                fs::set_permissions(&temp, old.permissions())?;
            }
            fs::rename(&temp, &target)
        })();
        if result.is_err() {
            // The temporary file may be gone already; nothing else to do then.
            let _ = fs::remove_file(&temp);
        }
        result
    }
}

impl Write for OutputFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.out.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.out.write_all(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

impl Drop for OutputFile {
    fn drop(&mut self) {
        if let Some((temp, _)) = &self.rename {
            // Not committed: the destination keeps what it had.
            let _ = fs::remove_file(temp);
        }
    }
}

/// `.NAME.PID.N.tmp` next to `target` (N keeps concurrent writers of one process apart).
fn temp_path(target: &Path) -> io::Result<PathBuf> {
    let Some(name) = target.file_name() else {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "the path does not name a file"));
    };
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut temp_name = OsString::from(".");
    temp_name.push(name);
    temp_name.push(format!(".{}.{}.tmp", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed)));
    Ok(target.with_file_name(temp_name))
}

/// Write `path` with what `write` produces, all at once or not at all (module docs).
/// On any error `path` is unchanged (a stream may have received part of it).
pub fn write_atomically(path: &Path, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
    let mut file = OutputFile::create(path)?;
    write(&mut file)?;
    file.commit()
}
