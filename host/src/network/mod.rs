//! Network descriptions (docs/network-format.md): TOML files in physical terms —
//! populations, input groups, projections, STDP and the optional use as a classifier
//! — read, checked and resolved into a typed [`Network`] in float units. Every problem
//! is a [`Diagnostic`] that names the file, line, column and key.
//!
//! [`load`] reads a file and everything it includes; [`load_str`] does the same for
//! text already in memory. [`crate::compile`] turns the result into a device image.

mod classifier;
pub(crate) use self::classifier::encoder_table;
mod data;
mod diagnostic;
pub(crate) mod math;
mod model;
mod parse;
mod random;
pub(crate) mod reader;
mod resolve;
mod source;

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use self::diagnostic::{Diagnostic, Severity};
pub use self::model::{
    Connectivity, CoreSpec, Count, FloatParams, InputGroup, Locs, Network, NeuronModel, Pacing, Population, Projection,
    Refractory, Sign, Source, Stdp, StdpSpec, Synapse, Tau,
};
pub use self::source::{LineCol, Loc, NotUtf8, SourceFile, TextError, read_text};

use self::parse::FileDecl;
use self::reader::Tbl;

/// Read the network description at `path` and every file it includes.
pub fn load(path: &Path) -> Result<Network, Diagnostic> {
    let top = data::read_source(path, &data::Wanted { what: "", expected: "a network description", from: None })?;
    load_str(path, &top.text)
}

/// Read a network description whose top-level text is `text`; `path` is where it
/// is shown to be and what its includes are relative to.
pub fn load_str(path: &Path, text: &str) -> Result<Network, Diagnostic> {
    let top = SourceFile::new(path, text.to_owned());
    let mut loader = Loader { files: Vec::new(), seen: HashMap::new(), stack: Vec::new() };
    loader.visit(&top, identity(path), None)?;
    resolve::network(&top, loader.files)
}

/// A file's identity for cycle and duplicate detection: its canonical path if it
/// exists, else the path as given.
fn identity(path: &Path) -> PathBuf {
    fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Depth-first reader of a file and its includes.
struct Loader {
    /// Declarations in placement order (a file after everything it includes).
    files: Vec<(Arc<SourceFile>, FileDecl)>,
    /// Identity → the file that included it (for "included twice").
    seen: HashMap<PathBuf, PathBuf>,
    /// The chain of files being read (for cycles): identity and shown path.
    stack: Vec<(PathBuf, PathBuf)>,
}

impl Loader {
    fn visit(&mut self, file: &Arc<SourceFile>, id: PathBuf, includer: Option<&Path>) -> Result<(), Diagnostic> {
        let root = parse::toml(file, &file.text)?;
        let decl = parse::file(&Tbl::root(file, &root), includer.is_none(), includer)?;
        self.seen.insert(id.clone(), includer.map_or_else(PathBuf::new, Path::to_path_buf));
        self.stack.push((id, file.path.clone()));
        let base = file.path.parent().unwrap_or(Path::new("")).to_path_buf();
        for (i, (rel, loc)) in decl.includes.iter().enumerate() {
            let path = base.join(rel);
            let key = format!("include[{i}]");
            let wanted =
                data::Wanted { what: "included file", expected: "a network description", from: Some((loc, &key)) };
            let included = data::read_source(&path, &wanted)?;
            let inc_id = identity(&path);
            if let Some(pos) = self.stack.iter().position(|(id, _)| *id == inc_id) {
                let chain: Vec<String> =
                    self.stack[pos..].iter().map(|(_, shown)| shown.display().to_string()).collect();
                return Err(Diagnostic::new(format!(
                    "include cycle: {} includes {}",
                    chain.join(" includes "),
                    path.display()
                ))
                .at(loc.clone())
                .key(key)
                .help("a file cannot include itself, directly or through other files"));
            }
            if let Some(first) = self.seen.get(&inc_id) {
                return Err(Diagnostic::new(format!(
                    "`{}` is included twice: by {} and by {}",
                    path.display(),
                    first.display(),
                    file.path.display()
                ))
                .at(loc.clone())
                .key(key)
                .help("include each file once (its populations would be declared twice)"));
            }
            self.visit(&included, inc_id, Some(&file.path))?;
        }
        self.stack.pop();
        self.files.push((Arc::clone(file), decl));
        Ok(())
    }
}
