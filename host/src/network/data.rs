//! Data files referenced by projections: CSV pair lists, dense CSV matrices and
//! `.npy` matrices. CSV files are kept as [`SourceFile`]s so that an error points at the
//! exact row and column of the file; `.npy` errors point at the `matrix` key.
//!
//! The CSV dialect is deliberately small: one record per line, fields separated by
//! commas, spaces around fields ignored, blank lines and lines starting with `#`
//! skipped, no header, no quoting.
//!
//! Every file the compiler reads — the description, its includes, these data files —
//! goes through [`read_source`] (or [`read_bytes`] for `.npy`), which says what is wrong
//! with a file that cannot be one: a directory, a device image, text that is not UTF-8
//! (with the line, column and byte offset of the first bad byte).

use std::fs;
use std::path::Path;
use std::sync::Arc;

use npyz::{DType, NpyFile, NpyHeader, Order, TypeChar};

use super::diagnostic::Diagnostic;
use super::reader::{MAGNITUDE_HELP, magnitude_problem};
use super::source::{Loc, NotUtf8, SourceFile};
use crate::image::codec::MAGIC;

/// A number read from a data file, with where it is written (CSV only).
pub(crate) struct Entry {
    pub(crate) value: f64,
    pub(crate) loc: Option<Loc>,
}

/// A file the compiler reads: what it is called in messages and where it is named.
pub(crate) struct Wanted<'a> {
    /// `included file`, `matrix file`, …; empty for the top-level description.
    pub(crate) what: &'a str,
    /// What its contents must be: `a network description`, `a CSV file`, `a .npy file`.
    pub(crate) expected: &'a str,
    /// The value that names it and its key path (none for the top-level description).
    pub(crate) from: Option<(&'a Loc, &'a str)>,
}

impl Wanted<'_> {
    /// `included file `a.toml``, or `` `net.toml` `` for the top-level description.
    fn name(&self, path: &Path) -> String {
        if self.what.is_empty() {
            format!("`{}`", path.display())
        } else {
            format!("{} `{}`", self.what, path.display())
        }
    }

    /// An error about the file, at the value that names it.
    fn error(&self, message: String, help: &str) -> Diagnostic {
        let mut d = Diagnostic::new(message).help(help.to_owned());
        if let Some((loc, key)) = self.from {
            d = d.at(loc.clone()).key(key.to_owned());
        }
        d
    }
}

/// The bytes of the file at `path`: an error if it cannot be read, is a directory or is
/// a device image.
pub(crate) fn read_bytes(path: &Path, wanted: &Wanted<'_>) -> Result<Vec<u8>, Diagnostic> {
    let bytes = fs::read(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::IsADirectory {
            return wanted.error(
                format!("{} is a directory, not {}", wanted.name(path), wanted.expected),
                "give the path of a file",
            );
        }
        let help = if wanted.from.is_some() {
            "paths are relative to the folder of the file that names them"
        } else {
            "give the path of a network description (.toml)"
        };
        wanted.error(format!("cannot read {}: {e}", wanted.name(path)), help)
    })?;
    if bytes.starts_with(&MAGIC) {
        return Err(wanted.error(
            format!("{} is a device image (.ncx), not {}", wanted.name(path), wanted.expected),
            &format!(
                "`ncx inspect {0}` shows what the image holds and `ncx run {0} --steps N` runs it; `ncx compile` \
                 reads network descriptions (.toml, docs/network-format.md)",
                path.display()
            ),
        ));
    }
    Ok(bytes)
}

/// Read a text file ([`read_bytes`], then UTF-8): text that is not UTF-8 is an error
/// pointing at the first bad byte.
pub(crate) fn read_source(path: &Path, wanted: &Wanted<'_>) -> Result<Arc<SourceFile>, Diagnostic> {
    let bytes = read_bytes(path, wanted)?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok(SourceFile::new(path, text)),
        Err(e) => {
            let bad = NotUtf8::at(e.as_bytes(), e.utf8_error().valid_up_to());
            let file = SourceFile::new(path, bad.lossy.clone());
            // The bad byte shows as U+FFFD, 3 bytes in the lossy text.
            let loc = Loc::new(&file, bad.offset..bad.offset + '\u{FFFD}'.len_utf8());
            Err(Diagnostic::new(format!("{} is not UTF-8 text: {bad}", wanted.name(path)))
                .at(loc)
                .help("save the file as UTF-8 (network descriptions and their CSV files are UTF-8 text)"))
        }
    }
}

/// The fields of the CSV records of `file`: per record, its fields with their spans.
fn records(file: &Arc<SourceFile>) -> Vec<Vec<(&str, std::ops::Range<usize>)>> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in file.text.split('\n') {
        let start = offset;
        offset += line.len() + 1;
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let mut fields = Vec::new();
        let mut field_start = start;
        for field in line.trim_end_matches('\r').split(',') {
            let lead = field.len() - field.trim_start().len();
            let text = field.trim();
            let at = field_start + lead;
            fields.push((text, at..at + text.len()));
            field_start += field.len() + 1;
        }
        out.push(fields);
    }
    out
}

/// The (pre, post) pairs of a pairs CSV file, each with where it is written.
pub(crate) fn pairs_csv(file: &Arc<SourceFile>) -> Result<Vec<(i64, i64, Loc)>, Diagnostic> {
    let mut pairs = Vec::new();
    for record in records(file) {
        let loc = |span: std::ops::Range<usize>| Loc::new(file, span);
        if record.len() != 2 {
            let span = record[0].1.start..record[record.len() - 1].1.end;
            return Err(Diagnostic::new(format!(
                "a pairs file has 2 fields per line (pre,post), found {}",
                record.len()
            ))
            .at(loc(span))
            .help("write one synapse per line as `pre,post` (indices within the groups)"));
        }
        let int = |(text, span): &(&str, std::ops::Range<usize>)| {
            text.parse::<i64>().map_err(|_| {
                Diagnostic::new(format!("`{text}` is not a whole number"))
                    .at(loc(span.clone()))
                    .help("pairs are indices within the groups, from 0")
            })
        };
        let (pre, post) = (int(&record[0])?, int(&record[1])?);
        pairs.push((pre, post, loc(record[0].1.start..record[1].1.end)));
    }
    Ok(pairs)
}

/// A dense `[rows][cols]` matrix (row = post, column = pre), row-major, from a CSV or
/// `.npy` file. `what` names the projection and the needed shape in errors.
pub(crate) fn matrix(
    path: &Path,
    from: &Loc,
    key: &str,
    rows: usize,
    cols: usize,
    what: &str,
) -> Result<Vec<Entry>, Diagnostic> {
    let npy = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("npy"));
    let csv = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    if npy {
        npy_matrix(path, from, key, rows, cols, what)
    } else if csv {
        let wanted = Wanted { what: "matrix file", expected: "a CSV file", from: Some((from, key)) };
        csv_matrix(&read_source(path, &wanted)?, rows, cols, what)
    } else {
        Err(Diagnostic::new(format!("matrix file `{}` is neither .csv nor .npy", path.display()))
            .at(from.clone())
            .key(key.to_owned())
            .help("a dense matrix is a .csv file (one row per target neuron) or a 2-D .npy array"))
    }
}

fn csv_matrix(file: &Arc<SourceFile>, rows: usize, cols: usize, what: &str) -> Result<Vec<Entry>, Diagnostic> {
    let records = records(file);
    let shape_help = format!("{what} needs {rows} rows (one per target neuron) of {cols} values (one per source)");
    if records.len() != rows {
        let at = records.last().map_or(0..0, |r| r[0].1.clone());
        return Err(Diagnostic::new(format!(
            "matrix `{}` has {} rows; it needs {rows}",
            file.path.display(),
            records.len()
        ))
        .at(Loc::new(file, at))
        .help(shape_help));
    }
    let mut entries = Vec::with_capacity(rows * cols);
    for (r, record) in records.iter().enumerate() {
        if record.len() != cols {
            let span = record[0].1.start..record[record.len() - 1].1.end;
            return Err(Diagnostic::new(format!(
                "row {r} of matrix `{}` has {} values; it needs {cols}",
                file.path.display(),
                record.len()
            ))
            .at(Loc::new(file, span))
            .help(shape_help));
        }
        for (text, span) in record {
            let value: f64 = text.parse().ok().filter(|v: &f64| v.is_finite()).ok_or_else(|| {
                Diagnostic::new(format!("`{text}` is not a finite number"))
                    .at(Loc::new(file, span.clone()))
                    .help("matrix entries are weights in membrane units; 0 = no synapse")
            })?;
            if let Some(why) = magnitude_problem(value) {
                return Err(Diagnostic::new(format!("the weight `{text}` is out of range: {why}"))
                    .at(Loc::new(file, span.clone()))
                    .help(MAGNITUDE_HELP));
            }
            entries.push(Entry { value, loc: Some(Loc::new(file, span.clone())) });
        }
    }
    Ok(entries)
}

/// Check the magic, version and header length of a `.npy` file against its size, before
/// the header is parsed (a parser allocates the header length announced, up to 4 GiB).
fn npy_prefix(bytes: &[u8]) -> Result<(), String> {
    const MAGIC: &[u8] = b"\x93NUMPY";
    if !bytes.starts_with(MAGIC) {
        return Err("it does not start with \\x93NUMPY".to_owned());
    }
    let (major, minor) = match bytes.get(6..8) {
        Some(&[major, minor]) => (major, minor),
        _ => return Err("it ends within its version".to_owned()),
    };
    let (width, length) = match major {
        1 => (2, bytes.get(8..10).map(|b| usize::from(u16::from_le_bytes([b[0], b[1]])))),
        2 | 3 => (4, bytes.get(8..12).and_then(|b| usize::try_from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])).ok())),
        _ => return Err(format!("its format version {major}.{minor} is not 1.0, 2.0 or 3.0")),
    };
    let Some(length) = length else { return Err("it ends within its header length".to_owned()) };
    // The length field was there: the file is at least 8 + width bytes long.
    let room = bytes.len() - (8 + width);
    if length > room {
        return Err(format!("its header announces {length} bytes, but only {room} follow"));
    }
    // The header's parser (py_literal) backtracks exponentially on deeply nested
    // brackets (fuzz finding NPY-2); a plain dtype and a shape nest two deep.
    let header = &bytes[8 + width..8 + width + length];
    let mut depth = 0usize;
    for &b in header {
        match b {
            b'{' | b'[' | b'(' => {
                depth += 1;
                if depth > MAX_HEADER_NESTING {
                    return Err(format!(
                        "its header nests brackets more than {MAX_HEADER_NESTING} deep; a dtype and a shape need 2"
                    ));
                }
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    if let Some(dims) = header_shape(header)
        && dims.iter().try_fold(1u64, |product, &d| product.checked_mul(d)).is_none()
    {
        let dims: Vec<String> = dims.iter().map(u64::to_string).collect();
        return Err(format!("its shape [{}] has more elements than a 64-bit count", dims.join(", ")));
    }
    Ok(())
}

/// The dimensions of the `'shape'` tuple of a `.npy` header, when they are plain
/// numbers. npyz multiplies them unchecked (fuzz finding NPY-3), so their product is
/// checked first.
fn header_shape(header: &[u8]) -> Option<Vec<u64>> {
    let text = std::str::from_utf8(header).ok()?;
    let after = &text[text.find("shape")? + "shape".len()..];
    let tuple = &after[after.find('(')? + 1..];
    let tuple = &tuple[..tuple.find(')')?];
    tuple.split(',').map(str::trim).filter(|d| !d.is_empty()).map(|d| d.trim_end_matches('L').parse().ok()).collect()
}

/// Brackets a `.npy` header may nest: a dict holding a shape tuple is 2 deep, and a
/// structured dtype (refused later, with its own message) a few more.
const MAX_HEADER_NESTING: usize = 6;

fn npy_matrix(
    path: &Path,
    from: &Loc,
    key: &str,
    rows: usize,
    cols: usize,
    what: &str,
) -> Result<Vec<Entry>, Diagnostic> {
    let bytes = read_bytes(path, &Wanted { what: "matrix file", expected: "a .npy file", from: Some((from, key)) })?;
    let bad = |message: String, help: &str| {
        Diagnostic::new(message).at(from.clone()).key(key.to_owned()).help(help.to_owned())
    };
    let shown = path.display();
    let invalid_file = |why: String| {
        bad(
            format!("matrix `{shown}` is not a valid .npy file ({} bytes): {why}", bytes.len()),
            "a .npy file starts with \\x93NUMPY, a version and a header that gives the dtype and the shape; save \
             the matrix with numpy.save",
        )
    };
    npy_prefix(&bytes).map_err(invalid_file)?;
    let mut data = &bytes[..];
    let header = NpyHeader::from_reader(&mut data).map_err(|e| invalid_file(e.to_string()))?;
    let shape: Vec<u64> = header.shape().to_vec();
    let shape_text = format!("[{}]", shape.iter().map(u64::to_string).collect::<Vec<_>>().join(", "));
    if shape != [rows as u64, cols as u64] {
        return Err(bad(
            format!("matrix `{shown}` has shape {shape_text}; {what} needs [{rows}, {cols}]"),
            "the shape is [target size, source size]: row = post-synaptic neuron, column = pre-synaptic",
        ));
    }
    const DTYPES: &str = "float32 or float64 (`<f4`, `<f8`), or a signed or unsigned integer of 8, 16 or 32 bits \
                          (`|i1`, `<i2`, `<i4`, `|u1`, `<u2`, `<u4`)";
    let dtype = header.dtype();
    let unsupported = |found: String| {
        bad(
            format!("matrix `{shown}` has dtype {found}; a weight matrix is {DTYPES}"),
            "convert it before saving, e.g. numpy.save(path, m.astype(numpy.float64))",
        )
    };
    let ts = match &dtype {
        DType::Plain(ts) => ts.clone(),
        DType::Record(_) => return Err(unsupported("a structured (record) dtype".to_owned())),
        DType::Array(..) => return Err(unsupported("a sub-array dtype".to_owned())),
    };
    let kind = match (ts.type_char(), ts.size_field()) {
        (TypeChar::Float, 4 | 8) | (TypeChar::Int | TypeChar::Uint, 1 | 2 | 4) => ts.type_char(),
        (TypeChar::Complex, _) => return Err(unsupported(format!("`{ts}` (complex)"))),
        _ => return Err(unsupported(format!("`{ts}`"))),
    };
    let item = ts.size_field() as usize;
    let needed = rows * cols * item;
    if data.len() < needed {
        return Err(bad(
            format!(
                "matrix `{shown}` is cut short: its header announces shape {shape_text} of `{ts}`, {needed} bytes of \
                 data, but only {} follow the header",
                data.len()
            ),
            "the file was truncated; save the matrix again with numpy.save",
        ));
    }
    let order = header.order();
    let file = NpyFile::with_header(header, data);
    let invalid = |e: std::io::Error| {
        bad(format!("matrix `{shown}`: cannot read its data: {e}"), "save the matrix again with numpy.save")
    };
    let values: Vec<f64> = match (kind, item) {
        (TypeChar::Float, 8) => file.into_vec::<f64>().map_err(invalid)?,
        (TypeChar::Float, _) => file.into_vec::<f32>().map_err(invalid)?.into_iter().map(f64::from).collect(),
        (TypeChar::Int, 1) => file.into_vec::<i8>().map_err(invalid)?.into_iter().map(f64::from).collect(),
        (TypeChar::Int, 2) => file.into_vec::<i16>().map_err(invalid)?.into_iter().map(f64::from).collect(),
        (TypeChar::Int, _) => file.into_vec::<i32>().map_err(invalid)?.into_iter().map(f64::from).collect(),
        (_, 1) => file.into_vec::<u8>().map_err(invalid)?.into_iter().map(f64::from).collect(),
        (_, 2) => file.into_vec::<u16>().map_err(invalid)?.into_iter().map(f64::from).collect(),
        _ => file.into_vec::<u32>().map_err(invalid)?.into_iter().map(f64::from).collect(),
    };
    let position = |i: usize| match order {
        Order::C => (i / cols, i % cols),
        Order::Fortran => (i % rows, i / rows),
    };
    if let Some(i) = values.iter().position(|v| !v.is_finite()) {
        let (r, c) = position(i);
        return Err(bad(
            format!("matrix `{shown}` has a non-finite entry at [{r}, {c}]"),
            "entries are finite weights; 0 = no synapse",
        ));
    }
    if let Some((i, why)) = values.iter().enumerate().find_map(|(i, &v)| magnitude_problem(v).map(|why| (i, why))) {
        let (r, c) = position(i);
        return Err(bad(
            format!("matrix `{shown}` has the entry {:e} at [{r}, {c}]: {why}", values[i]),
            MAGNITUDE_HELP,
        ));
    }
    Ok((0..rows * cols)
        .map(|i| {
            let (r, c) = (i / cols, i % cols);
            let at = match order {
                Order::C => i,
                Order::Fortran => c * rows + r,
            };
            Entry { value: values[at], loc: None }
        })
        .collect())
}
