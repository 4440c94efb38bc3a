//! Data files referenced by projections: CSV pair lists, dense CSV matrices and
//! `.npy` matrices. CSV files are kept as [`SourceFile`]s so that an error points at the
//! exact row and column of the file; `.npy` errors point at the `matrix` key.
//!
//! The CSV dialect is deliberately small: one record per line, fields separated by
//! commas, spaces around fields ignored, blank lines and lines starting with `#`
//! skipped, no header, no quoting.

use std::fs;
use std::path::Path;
use std::sync::Arc;

use npyz::{DType, NpyFile, Order, TypeChar};

use super::diagnostic::Diagnostic;
use super::source::{Loc, SourceFile};

/// A number read from a data file, with where it is written (CSV only).
pub(crate) struct Entry {
    pub(crate) value: f64,
    pub(crate) loc: Option<Loc>,
}

/// Read a text file referenced at `from` (an `include`, `pairs` or `matrix` value).
pub(crate) fn read_text(path: &Path, from: &Loc, key: &str, what: &str) -> Result<Arc<SourceFile>, Diagnostic> {
    let text = fs::read_to_string(path).map_err(|e| missing(path, from, key, what, &e))?;
    Ok(SourceFile::new(path, text))
}

fn missing(path: &Path, from: &Loc, key: &str, what: &str, e: &std::io::Error) -> Diagnostic {
    Diagnostic::new(format!("cannot read {what} `{}`: {e}", path.display()))
        .at(from.clone())
        .key(key.to_owned())
        .help("paths are relative to the folder of the file that names them")
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
        csv_matrix(&read_text(path, from, key, "matrix file")?, rows, cols, what)
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
            entries.push(Entry { value, loc: Some(Loc::new(file, span.clone())) });
        }
    }
    Ok(entries)
}

fn npy_matrix(
    path: &Path,
    from: &Loc,
    key: &str,
    rows: usize,
    cols: usize,
    what: &str,
) -> Result<Vec<Entry>, Diagnostic> {
    let bytes = fs::read(path).map_err(|e| missing(path, from, key, "matrix file", &e))?;
    let bad = |message: String, help: &str| {
        Diagnostic::new(message).at(from.clone()).key(key.to_owned()).help(help.to_owned())
    };
    let invalid = |e: std::io::Error| {
        bad(format!("`{}` is not a valid .npy file: {e}", path.display()), "save the matrix with numpy.save")
    };
    let file = NpyFile::new(&bytes[..]).map_err(invalid)?;
    let shape: Vec<u64> = file.shape().to_vec();
    if shape != [rows as u64, cols as u64] {
        let shown = shape.iter().map(u64::to_string).collect::<Vec<_>>().join(", ");
        return Err(bad(
            format!("matrix `{}` has shape [{shown}]; {what} needs [{rows}, {cols}]", path.display()),
            "the shape is [target size, source size]: row = post-synaptic neuron, column = pre-synaptic",
        ));
    }
    let order = file.order();
    let unsupported =
        || bad(format!("matrix `{}` has an unsupported dtype", path.display()), "use a float or integer array");
    let DType::Plain(ts) = file.dtype() else { return Err(unsupported()) };
    let values: Vec<f64> = match (ts.type_char(), ts.size_field()) {
        (TypeChar::Float, 8) => file.into_vec::<f64>().map_err(invalid)?,
        (TypeChar::Float, 4) => file.into_vec::<f32>().map_err(invalid)?.into_iter().map(f64::from).collect(),
        (TypeChar::Int, 1) => file.into_vec::<i8>().map_err(invalid)?.into_iter().map(f64::from).collect(),
        (TypeChar::Int, 2) => file.into_vec::<i16>().map_err(invalid)?.into_iter().map(f64::from).collect(),
        (TypeChar::Int, 4) => file.into_vec::<i32>().map_err(invalid)?.into_iter().map(f64::from).collect(),
        (TypeChar::Uint, 1) => file.into_vec::<u8>().map_err(invalid)?.into_iter().map(f64::from).collect(),
        (TypeChar::Uint, 2) => file.into_vec::<u16>().map_err(invalid)?.into_iter().map(f64::from).collect(),
        (TypeChar::Uint, 4) => file.into_vec::<u32>().map_err(invalid)?.into_iter().map(f64::from).collect(),
        _ => return Err(unsupported()),
    };
    if let Some(i) = values.iter().position(|v| !v.is_finite()) {
        let (r, c) = match order {
            Order::C => (i / cols, i % cols),
            Order::Fortran => (i % rows, i / rows),
        };
        return Err(bad(
            format!("matrix `{}` has a non-finite entry at [{r}, {c}]", path.display()),
            "entries are finite weights; 0 = no synapse",
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
