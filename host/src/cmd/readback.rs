//! `ncx readback --target T --what weights|state|all -o OUT`: read a device's memories
//! back and write them by OUT's extension — `.toml` (a summary), `.csv` (every value,
//! one per row) or `.npy` (one NumPy array per memory, `OUT-STEM.<array>.npy`); the
//! formats are docs/outputs.md §10.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};
use ncx::atomic_file::write_atomically;
use ncx::driver::readback::{Readback, State, Weights};
use ncx::driver::{What, readback};
use ncx::output;
use npyz::WriterBuilder;

use super::device::{DeviceArgs, connect};
use super::flash::BytesBar;

/// Options of `ncx readback`.
#[derive(Debug, Clone, Args)]
pub(crate) struct ReadbackArgs {
    #[command(flatten)]
    pub(crate) device: DeviceArgs,

    /// What to read: the weights and enable bits, the neuron state and traces, or both.
    #[arg(long, value_enum, default_value_t = WhatArg::All)]
    pub(crate) what: WhatArg,

    /// Where to write: .toml (summary), .csv (every value) or .npy (one file per array).
    #[arg(long, short, value_name = "OUT")]
    pub(crate) output: PathBuf,

    /// No progress bar and no summary line.
    #[arg(long, short)]
    pub(crate) quiet: bool,
}

/// The values of `--what`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum WhatArg {
    /// W_in, W_rec, E_in, E_rec (regions 1-4).
    Weights,
    /// Neuron state and STDP traces (regions 6, 7).
    State,
    /// Both.
    All,
}

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Toml,
    Csv,
    Npy,
}

pub(crate) fn run(args: &ReadbackArgs) -> anyhow::Result<()> {
    let target = args.device.target();
    let extension = args.output.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    let format = match extension.as_str() {
        "toml" => Format::Toml,
        "csv" => Format::Csv,
        "npy" => Format::Npy,
        _ => bail!(
            "{}: unknown output type {extension:?}\nhelp: name the output .toml (summary), .csv (every value) or \
             .npy (one NumPy file per array)",
            args.output.display()
        ),
    };
    // A bad output path fails before the device is touched.
    output::check_outputs(&[], &[("-o", &args.output)])?;
    let what = match args.what {
        WhatArg::Weights => What::Weights,
        WhatArg::State => What::State,
        WhatArg::All => What::All,
    };
    let mut driver = connect(&target, args.device.retries, None)?;
    let back = readback(&mut driver, what, &mut BytesBar::new(args.quiet))
        .with_context(|| format!("cannot read back from {}", target))?;
    let written = match format {
        Format::Toml => {
            let text = summary(&back);
            write_atomically(&args.output, |out| out.write_all(text.as_bytes()))
                .with_context(|| format!("cannot write {}", args.output.display()))?;
            vec![args.output.clone()]
        }
        Format::Csv => {
            write_atomically(&args.output, |out| write_csv(out, &back))
                .with_context(|| format!("cannot write {}", args.output.display()))?;
            vec![args.output.clone()]
        }
        Format::Npy => write_npy(&args.output, &back)?,
    };
    if !args.quiet {
        for path in written {
            println!("wrote {}", path.display());
        }
    }
    Ok(())
}

/// `[min, max]` of some values, or `[]` when there are none.
fn range<T: Copy + Ord + Into<i64>>(values: impl Iterator<Item = T> + Clone) -> String {
    match (values.clone().min(), values.max()) {
        (Some(lo), Some(hi)) => format!("[{}, {}]", lo.into(), hi.into()),
        _ => "[]".to_owned(),
    }
}

/// The TOML summary (docs/outputs.md §10).
fn summary(back: &Readback) -> String {
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

/// The CSV: `array,row,col,value`, one row per value (docs/outputs.md §10).
fn write_csv(out: &mut dyn Write, back: &Readback) -> io::Result<()> {
    let mut out = io::BufWriter::new(out);
    writeln!(out, "array,row,col,value")?;
    let (n, m) = (back.geometry.neurons(), back.geometry.inputs());
    if let Some(Weights { w_in, w_rec, plastic_in, plastic_rec }) = &back.weights {
        for (name, values, cols) in [("w_in", w_in, m), ("w_rec", w_rec, n)] {
            for (k, v) in values.iter().enumerate() {
                writeln!(out, "{name},{},{},{v}", k / cols, k % cols)?;
            }
        }
        for (name, values, cols) in [("e_in", plastic_in, m), ("e_rec", plastic_rec, n)] {
            for (k, &v) in values.iter().enumerate() {
                writeln!(out, "{name},{},{},{}", k / cols, k % cols, u8::from(v))?;
            }
        }
    }
    if let Some(State { neurons, traces }) = &back.state {
        for (k, s) in neurons.iter().enumerate() {
            writeln!(out, "v,{k},,{}", s.v)?;
        }
        for (k, s) in neurons.iter().enumerate() {
            writeln!(out, "i,{k},,{}", s.i)?;
        }
        for (k, s) in neurons.iter().enumerate() {
            writeln!(out, "refractory,{k},,{}", s.refractory)?;
        }
        for (name, values) in [("x_in", &traces.input), ("x_pre", &traces.pre), ("x_post", &traces.post)] {
            for (k, v) in values.iter().enumerate() {
                writeln!(out, "{name},{k},,{v}")?;
            }
        }
    }
    out.flush()
}

/// Writes one array of the given shape.
type WriteArray<'a> = dyn Fn(&mut dyn Write, &[u64]) -> io::Result<()> + 'a;

/// One `.npy` per array, `STEM.<array>.npy` next to `output`; returns the paths. Every
/// file is created before any is written, and committed only when all are written.
fn write_npy(output: &Path, back: &Readback) -> anyhow::Result<Vec<PathBuf>> {
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
        files.push(output::create(path)?);
    }
    for ((_, shape, write), (path, file)) in arrays.iter().zip(paths.iter().zip(&mut files)) {
        write(file, shape).with_context(|| format!("cannot write {}", path.display()))?;
    }
    for (path, file) in paths.iter().zip(files) {
        output::commit(path, file)?;
    }
    Ok(paths)
}

/// A C-order array of `shape` with `values`.
fn npy<T: npyz::AutoSerialize>(out: &mut dyn Write, shape: &[u64], values: impl Iterator<Item = T>) -> io::Result<()> {
    let mut writer = npyz::WriteOptions::new().default_dtype().shape(shape).writer(out).begin_nd()?;
    writer.extend(values)?;
    writer.finish()
}
