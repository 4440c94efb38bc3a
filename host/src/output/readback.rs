//! The files of `ncx readback` (docs/outputs.md §10), chosen by the output's extension
//! ([`Format::of`]): a TOML summary ([`summary`]), every value as CSV ([`write_csv`],
//! header [`HEADER`]), or one NumPy array per memory next to the output
//! ([`write_npy`]). [`write`](fn@write) writes any of them, each file whole or not at all.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use npyz::WriterBuilder;

use super::{OutputError, commit, create};
use crate::atomic_file::write_atomically;
use crate::driver::readback::{Readback, State, Weights};

/// The CSV's header.
pub const HEADER: [&str; 4] = ["array", "row", "col", "value"];

/// The formats of a readback file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `.toml`: a summary.
    Toml,
    /// `.csv`: every value, one per row.
    Csv,
    /// `.npy`: one NumPy file per array.
    Npy,
}

impl Format {
    /// The format `path`'s extension names (in any case); the extension, lowercase
    /// (empty when there is none), when it names none.
    pub fn of(path: &Path) -> Result<Format, String> {
        let extension = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
        match extension.as_str() {
            "toml" => Ok(Format::Toml),
            "csv" => Ok(Format::Csv),
            "npy" => Ok(Format::Npy),
            _ => Err(extension),
        }
    }
}

/// Why a readback file could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WriteError {
    /// An output file could not be created or committed (its message and help are the
    /// [`OutputError`]'s).
    #[error(transparent)]
    Output(#[from] OutputError),
    /// Writing a file's content failed.
    #[error("cannot write {}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// What failed.
        #[source]
        source: io::Error,
    },
}

/// Write `back` to `output` in `format`; returns the paths written (one, or one per
/// array for [`Format::Npy`]).
pub fn write(output: &Path, back: &Readback, format: Format) -> Result<Vec<PathBuf>, WriteError> {
    let failed = |source| WriteError::Write { path: output.to_owned(), source };
    match format {
        Format::Toml => write_atomically(output, |out| out.write_all(summary(back).as_bytes())).map_err(failed)?,
        Format::Csv => write_atomically(output, |out| write_csv(out, back)).map_err(failed)?,
        Format::Npy => return write_npy(output, back),
    }
    Ok(vec![output.to_owned()])
}

/// `[min, max]` of some values, or `[]` when there are none.
fn range<T: Copy + Ord + Into<i64>>(values: impl Iterator<Item = T> + Clone) -> String {
    match (values.clone().min(), values.max()) {
        (Some(lo), Some(hi)) => format!("[{}, {}]", lo.into(), hi.into()),
        _ => "[]".to_owned(),
    }
}

/// The TOML summary.
pub fn summary(back: &Readback) -> String {
    let mut s = String::new();
    let (n, m) = (back.geometry.neurons(), back.geometry.inputs());
    s += &format!("[geometry]\nneurons = {n}\ninputs = {m}\n");
    if let Some(w) = &back.weights {
        for (name, weights, plastic) in [("w_in", &w.w_in, &w.plastic_in), ("w_rec", &w.w_rec, &w.plastic_rec)] {
            s += &format!(
                "\n[{name}]\nsynapses = {}\nnonzero = {}\nplastic = {}\nrange = {}\nsum = {}\n",
                weights.len(),
                weights.iter().filter(|&&x| x != 0).count(),
                plastic.iter().filter(|&&p| p).count(),
                range(weights.iter().copied()),
                weights.iter().map(|&x| i64::from(x)).sum::<i64>()
            );
        }
    }
    if let Some(st) = &back.state {
        let ns = &st.neurons;
        s += &format!(
            "\n[state]\nneurons = {}\nv = {}\ni = {}\nrefractory = {}\nin_refractory = {}\n",
            ns.len(),
            range(ns.iter().map(|x| x.v)),
            range(ns.iter().map(|x| x.i)),
            range(ns.iter().map(|x| x.refractory)),
            ns.iter().filter(|x| x.refractory > 0).count()
        );
        s += &format!(
            "\n[traces]\nx_in = {}\nx_pre = {}\nx_post = {}\n",
            range(st.traces.input.iter().copied()),
            range(st.traces.pre.iter().copied()),
            range(st.traces.post.iter().copied())
        );
    }
    s
}

/// The CSV: [`HEADER`], then one row per value — matrices row-major with `row` the post
/// neuron and `col` the pre input or neuron, per-neuron and per-input arrays with `col`
/// empty.
pub fn write_csv(out: &mut dyn Write, back: &Readback) -> io::Result<()> {
    let mut csv = csv::Writer::from_writer(out);
    csv.write_record(HEADER)?;
    let (n, m) = (back.geometry.neurons(), back.geometry.inputs());
    if let Some(Weights { w_in, w_rec, plastic_in, plastic_rec }) = &back.weights {
        for (name, values, cols) in [("w_in", w_in, m), ("w_rec", w_rec, n)] {
            for (k, &v) in values.iter().enumerate() {
                csv.serialize((name, k / cols, Some(k % cols), v))?;
            }
        }
        for (name, values, cols) in [("e_in", plastic_in, m), ("e_rec", plastic_rec, n)] {
            for (k, &v) in values.iter().enumerate() {
                csv.serialize((name, k / cols, Some(k % cols), u8::from(v)))?;
            }
        }
    }
    if let Some(State { neurons, traces }) = &back.state {
        for (field, name) in ["v", "i", "refractory"].into_iter().enumerate() {
            for (k, s) in neurons.iter().enumerate() {
                let value = [s.v, s.i, s.refractory.into()][field];
                csv.serialize((name, k, None::<usize>, value))?;
            }
        }
        for (name, values) in [("x_in", &traces.input), ("x_pre", &traces.pre), ("x_post", &traces.post)] {
            for (k, &v) in values.iter().enumerate() {
                csv.serialize((name, k, None::<usize>, v))?;
            }
        }
    }
    csv.flush()
}

/// Writes one array of the given shape.
type WriteArray<'a> = dyn Fn(&mut dyn Write, &[u64]) -> io::Result<()> + 'a;

/// One `.npy` per array, `STEM.<array>.npy` next to `output`; returns the paths. Every
/// file is created before any is written, and committed only when all are written.
pub fn write_npy(output: &Path, back: &Readback) -> Result<Vec<PathBuf>, WriteError> {
    let stem = output.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let (n, m) = (back.geometry.neurons() as u64, back.geometry.inputs() as u64);
    let mut arrays: Vec<(&str, Vec<u64>, Box<WriteArray<'_>>)> = Vec::new();
    if let Some(w) = &back.weights {
        arrays.push(("w_in", vec![n, m], Box::new(|out, shape| npy(out, shape, w.w_in.iter().copied()))));
        arrays.push(("w_rec", vec![n, n], Box::new(|out, shape| npy(out, shape, w.w_rec.iter().copied()))));
        let e_in = |out: &mut dyn Write, shape: &[u64]| npy(out, shape, w.plastic_in.iter().map(|&b| u8::from(b)));
        arrays.push(("e_in", vec![n, m], Box::new(e_in)));
        let e_rec = |out: &mut dyn Write, shape: &[u64]| npy(out, shape, w.plastic_rec.iter().map(|&b| u8::from(b)));
        arrays.push(("e_rec", vec![n, n], Box::new(e_rec)));
    }
    if let Some(st) = &back.state {
        arrays.push(("v", vec![n], Box::new(|out, shape| npy(out, shape, st.neurons.iter().map(|s| s.v)))));
        arrays.push(("i", vec![n], Box::new(|out, shape| npy(out, shape, st.neurons.iter().map(|s| s.i)))));
        let refractory = |out: &mut dyn Write, shape: &[u64]| npy(out, shape, st.neurons.iter().map(|s| s.refractory));
        arrays.push(("refractory", vec![n], Box::new(refractory)));
        arrays.push(("x_in", vec![m], Box::new(|out, shape| npy(out, shape, st.traces.input.iter().copied()))));
        arrays.push(("x_pre", vec![n], Box::new(|out, shape| npy(out, shape, st.traces.pre.iter().copied()))));
        arrays.push(("x_post", vec![n], Box::new(|out, shape| npy(out, shape, st.traces.post.iter().copied()))));
    }
    let paths: Vec<PathBuf> =
        arrays.iter().map(|(array, ..)| output.with_file_name(format!("{stem}.{array}.npy"))).collect();
    let mut files = Vec::new();
    for path in &paths {
        files.push(create(path)?);
    }
    for ((_, shape, write), (path, file)) in arrays.iter().zip(paths.iter().zip(&mut files)) {
        write(file, shape).map_err(|source| WriteError::Write { path: path.clone(), source })?;
    }
    for (path, file) in paths.iter().zip(files) {
        commit(path, file)?;
    }
    Ok(paths)
}

/// A C-order array of `shape` with `values`.
fn npy<T: npyz::AutoSerialize>(out: &mut dyn Write, shape: &[u64], values: impl Iterator<Item = T>) -> io::Result<()> {
    let mut writer = npyz::WriteOptions::new().default_dtype().shape(shape).writer(out).begin_nd()?;
    writer.extend(values)?;
    writer.finish()
}

#[cfg(test)]
mod tests {
    use ncx_model::wire::layout::Traces;
    use ncx_model::{Geometry, NeuronState};

    use super::*;

    /// A 16 x 32 readback with every value different from its neighbours, negative
    /// values included.
    fn sample() -> Readback {
        let (n, m) = (16, 32);
        let weight = |k: usize| (k as i32 % 251 - 125) as i8;
        Readback {
            geometry: Geometry::new(n, m).unwrap(),
            weights: Some(Weights {
                w_in: (0..n * m).map(weight).collect(),
                w_rec: (0..n * n).map(|k| weight(k * 7)).collect(),
                plastic_in: (0..n * m).map(|k| k % 3 == 0).collect(),
                plastic_rec: (0..n * n).map(|k| k % 5 == 1).collect(),
            }),
            state: Some(State {
                neurons: (0..n as i32)
                    .map(|k| NeuronState { v: k * 1000 - 7000, i: -k * 33, refractory: (k % 4) as u8 })
                    .collect(),
                traces: Traces {
                    input: (0..m).map(|k| (k * 9) as u8).collect(),
                    pre: (0..n).map(|k| (k * 13) as u8).collect(),
                    post: (0..n).map(|k| 255 - k as u8).collect(),
                },
            }),
        }
    }

    fn csv_text(back: &Readback) -> String {
        let mut out = Vec::new();
        write_csv(&mut out, back).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn the_csv_has_one_plain_row_per_value() {
        let text = csv_text(&sample());
        let lines: Vec<&str> = text.lines().collect();
        // Header; W_in, W_rec, E_in, E_rec; v, i, refractory; x_in, x_pre, x_post.
        assert_eq!(lines.len(), 1 + 2 * (16 * 32 + 16 * 16) + 3 * 16 + 32 + 2 * 16);
        assert!(text.ends_with('\n') && !text.contains('\r') && !text.contains('"'));
        assert_eq!(lines[..3], ["array,row,col,value", "w_in,0,0,-125", "w_in,0,1,-124"]);
        assert_eq!(lines[33], "w_in,1,0,-93");
        assert!(lines.contains(&"e_rec,0,1,1") && lines.contains(&"v,1,,-6000") && lines.contains(&"x_post,15,,240"));
    }

    #[test]
    fn the_csv_reads_back_as_the_readback() {
        let back = sample();
        let text = csv_text(&back);
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        assert_eq!(reader.headers().unwrap(), &csv::StringRecord::from(HEADER.to_vec()));
        let (n, m) = (back.geometry.neurons(), back.geometry.inputs());
        let mut got = Readback {
            geometry: back.geometry,
            weights: Some(Weights {
                w_in: vec![0; n * m],
                w_rec: vec![0; n * n],
                plastic_in: vec![false; n * m],
                plastic_rec: vec![false; n * n],
            }),
            state: Some(State {
                neurons: vec![NeuronState::default(); n],
                traces: Traces { input: vec![0; m], pre: vec![0; n], post: vec![0; n] },
            }),
        };
        let (w, st) = (got.weights.as_mut().unwrap(), got.state.as_mut().unwrap());
        for record in reader.records() {
            let (name, row, col, value): (String, usize, Option<usize>, i64) =
                record.unwrap().deserialize(None).unwrap();
            let at = |cols: usize| row * cols + col.unwrap();
            match name.as_str() {
                "w_in" => w.w_in[at(m)] = value as i8,
                "w_rec" => w.w_rec[at(n)] = value as i8,
                "e_in" => w.plastic_in[at(m)] = value == 1,
                "e_rec" => w.plastic_rec[at(n)] = value == 1,
                "v" => st.neurons[row].v = value as i32,
                "i" => st.neurons[row].i = value as i32,
                "refractory" => st.neurons[row].refractory = value as u8,
                "x_in" => st.traces.input[row] = value as u8,
                "x_pre" => st.traces.pre[row] = value as u8,
                "x_post" => st.traces.post[row] = value as u8,
                other => panic!("unknown array {other}"),
            }
        }
        assert_eq!(got, back);
    }

    #[test]
    fn the_format_is_the_extension_in_any_case() {
        assert_eq!(Format::of(Path::new("a/r.TOML")), Ok(Format::Toml));
        assert_eq!(Format::of(Path::new("r.csv")), Ok(Format::Csv));
        assert_eq!(Format::of(Path::new("r.Npy")), Ok(Format::Npy));
        assert_eq!(Format::of(Path::new("r.BIN")), Err("bin".to_owned()));
        assert_eq!(Format::of(Path::new("r")), Err(String::new()));
    }
}
