//! What `ncx train` writes into its output folder (docs/learning.md §5.3): the
//! network description `net.toml` with one weight matrix file per projection (integers,
//! `core.scale = 2^weight_shift` so that the compiler reproduces them exactly), the
//! per-epoch `training.csv`, the model's test accuracy per encoder seed `test.csv`,
//! and the SVGs.
//!
//! The folder is created if it does not exist. If it exists it may hold only files
//! that `ncx train` writes (from an earlier run, which are replaced), the files it
//! reads (the architecture, say) and a `README.md`; anything else makes it refuse the
//! folder before writing anything, so that a mistyped `-o` never mixes a training's
//! files into an unrelated folder. Every file is written whole or not at all.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::arch::Arch;
use super::{EpochStats, SeedAccuracy, TrainError, Trained};
use crate::learn::plot::{self, PlotError};
use crate::output;

/// The names `ncx train` may write besides the weight matrices (`*.csv` named after
/// their projections).
pub(crate) const FIXED_NAMES: &[&str] = &["net.toml", "training.csv", "test.csv", "accuracy.svg", "weights.svg"];

/// The files of a training, their names and contents.
pub(crate) struct Files {
    pub(crate) files: Vec<(String, Vec<u8>)>,
}

/// The matrix file of the projection `from → to`.
pub(crate) fn matrix_name(from: &str, to: &str) -> String {
    format!("{from}-{to}.csv")
}

/// Whether `name` is a file `ncx train` writes for an architecture.
fn is_ours(name: &str, arch: &Arch) -> bool {
    if FIXED_NAMES.contains(&name) {
        return true;
    }
    let (input, hidden, output) = (&arch.input, &arch.hidden.name, &arch.output.name);
    [matrix_name(input, hidden), matrix_name(input, output), matrix_name(hidden, output)].iter().any(|m| m == name)
}

/// Check (and create) the output folder: it may only hold files that a training with
/// this architecture writes, the `inputs` and a `README.md`.
pub(crate) fn prepare_dir(dir: &Path, arch: &Arch, inputs: &[&Path]) -> Result<(), TrainError> {
    let same = |a: &Path, b: &Path| match (fs::canonicalize(a), fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    let io_error = |source: io::Error| TrainError::Dir { dir: dir.to_path_buf(), source };
    match fs::read_dir(dir) {
        Ok(entries) => {
            for entry in entries {
                let entry = entry.map_err(io_error)?;
                let name = entry.file_name().to_string_lossy().into_owned();
                let plain = entry.file_type().map_err(io_error)?.is_file();
                let read = inputs.iter().any(|input| same(input, &entry.path()));
                if !plain || !(is_ours(&name, arch) || name == "README.md" || read) {
                    return Err(TrainError::Foreign { dir: dir.to_path_buf(), file: PathBuf::from(name) });
                }
            }
            Ok(())
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => fs::create_dir(dir).map_err(io_error),
        Err(e) => Err(io_error(e)),
    }
}

/// A matrix as CSV: one line per row.
fn matrix_csv(weights: &[i8], cols: usize) -> Vec<u8> {
    let mut out = String::new();
    for row in weights.chunks(cols.max(1)) {
        let line: Vec<String> = row.iter().map(i8::to_string).collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    out.into_bytes()
}

/// The network description and its matrices.
pub(crate) fn network_files(trained: &Trained, name: &str, provenance: &str) -> Files {
    let arch = &trained.arch;
    let layout = trained.layout;
    let (h, o, m) = (layout.hidden, layout.outputs, layout.features);
    let n = h + o;
    let mut files = Vec::new();
    let mut toml = String::new();
    for line in provenance.lines() {
        let _ = writeln!(toml, "# {line}");
    }
    let _ = writeln!(toml, "name = \"{name}\"\n");
    let _ = writeln!(toml, "# scale = 2^weight_shift: the integers of the matrix files are the core's int8 weights.");
    let _ = writeln!(toml, "[core]");
    let _ = writeln!(toml, "neurons = {}", arch.neurons);
    let _ = writeln!(toml, "inputs = {}", arch.inputs);
    let _ = writeln!(toml, "weight_shift = {}", arch.weight_shift);
    let _ = writeln!(toml, "scale = {}\n", 1u32 << arch.weight_shift);
    let _ = writeln!(toml, "[[input]]\nname = \"{}\"\nsize = {m}\n", arch.input);
    let layers = [(&arch.hidden, h), (&arch.output, o)];
    for (layer, size) in layers {
        if size == 0 {
            continue;
        }
        let p = layer.params;
        let _ = writeln!(toml, "[[population]]\nname = \"{}\"\nsize = {size}", layer.name);
        let _ = writeln!(toml, "[population.raw]");
        let _ = writeln!(toml, "threshold = {}\nreset = {}\nbias = {}", p.threshold, p.reset, p.bias);
        let _ = writeln!(toml, "v_decay = {}\ni_decay = {}\nrefractory = {}\n", p.v_decay, p.i_decay, p.refractory);
    }
    let mut projection = |from: &str, to: &str, weights: Vec<i8>, cols: usize| {
        let file = matrix_name(from, to);
        let _ = writeln!(toml, "[[projection]]\nfrom = \"{from}\"\nto = \"{to}\"\nmatrix = \"{file}\"\n");
        files.push((file, matrix_csv(&weights, cols)));
    };
    if h > 0 {
        projection(&arch.input, &arch.hidden.name, trained.w_in[..h * m].to_vec(), m);
    }
    if layout.skip || h == 0 {
        projection(&arch.input, &arch.output.name, trained.w_in[h * m..].to_vec(), m);
    }
    if h > 0 {
        let rec: Vec<i8> = (h..n).flat_map(|post| trained.w_rec[post * n..post * n + h].to_vec()).collect();
        projection(&arch.hidden.name, &arch.output.name, rec, h);
    }
    let c = &trained.classifier;
    let _ = writeln!(toml, "[classifier]");
    let _ = writeln!(toml, "input = \"{}\"\noutput = \"{}\"\ntimesteps = {}", c.input, c.output, c.timesteps);
    let _ = writeln!(
        toml,
        "encoder = {{ kind = \"{}\", max_value = {}, max_probability = {} }}",
        c.encoder.kind.name(),
        c.encoder.max_value,
        c.encoder.max_probability
    );
    let labels: Vec<String> = c.labels.iter().map(u16::to_string).collect();
    let _ = writeln!(toml, "labels = [{}]\nvote = \"{}\"", labels.join(", "), c.vote.name());
    files.insert(0, ("net.toml".to_owned(), toml.into_bytes()));
    Files { files }
}

/// `training.csv`: one line per epoch.
pub(crate) fn training_csv(epochs: &[EpochStats]) -> Vec<u8> {
    let mut out = String::from("epoch,loss,train_accuracy,test_accuracy,learning_rate\n");
    for e in epochs {
        let test = e.test_accuracy.map(|a| format!("{a:.6}")).unwrap_or_default();
        let _ = writeln!(out, "{},{:.6},{:.6},{test},{:.6}", e.epoch, e.loss, e.train_accuracy, e.learning_rate);
    }
    out.into_bytes()
}

/// `test.csv`: the compiled image's accuracy on the model, per encoder seed.
pub(crate) fn test_csv(seeds: &[SeedAccuracy]) -> Vec<u8> {
    let mut out = String::from("seed,correct,samples,accuracy\n");
    for s in seeds {
        let _ = writeln!(out, "{},{},{},{:.6}", s.seed, s.correct, s.samples, s.accuracy());
    }
    out.into_bytes()
}

/// `accuracy.svg`: the training accuracy and (with test samples) the test accuracy of
/// the integer forward pass per epoch, in %.
pub(crate) fn accuracy_svg(epochs: &[EpochStats], test_seed: u64) -> Result<Vec<u8>, PlotError> {
    let percent = |f: fn(&EpochStats) -> Option<f64>| -> Vec<(f64, f64)> {
        epochs.iter().filter_map(|e| Some((e.epoch as f64, 100.0 * f(e)?))).collect()
    };
    let mut series = vec![("training samples (the epoch's draws)".to_owned(), percent(|e| Some(e.train_accuracy)))];
    let test = percent(|e| e.test_accuracy);
    if !test.is_empty() {
        series.push((format!("test samples (encoder seed {test_seed})"), test));
    }
    Ok(plot::curve_svg("accuracy per epoch", "epoch", "accuracy (%)", &series)?.into_bytes())
}

/// `weights.svg`: the `W_in` row of every trained neuron (hidden, then output) as a
/// tile, square when the feature count is a square (8 × 8 for the digits).
pub(crate) fn weights_svg(trained: &Trained) -> Result<Vec<u8>, PlotError> {
    let (features, hidden) = (trained.features(), trained.arch.hidden.size);
    let root = features.isqrt();
    let tile_width = if root * root == features { root } else { features };
    let titles: Vec<String> = (0..trained.neurons())
        .map(|n| {
            if n < hidden {
                format!("{} {n}", trained.arch.hidden.name)
            } else {
                let label = trained.classifier.labels[n - hidden];
                format!("{} {} ({label})", trained.arch.output.name, n - hidden)
            }
        })
        .collect();
    let svg = plot::weight_tiles_svg(&trained.w_in, trained.neurons(), features, tile_width, &titles)?;
    Ok(svg.into_bytes())
}

/// Write `files` into `dir`, each whole or not at all.
pub(crate) fn write_files(dir: &Path, files: &Files) -> Result<Vec<PathBuf>, TrainError> {
    let mut written = Vec::new();
    for (name, bytes) in &files.files {
        let path = dir.join(name);
        output::write_atomically(&path, |w| w.write_all(bytes))?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_matrix_is_one_line_per_row() {
        assert_eq!(matrix_csv(&[1, -2, 3, 0, 127, -128], 3), b"1,-2,3\n0,127,-128\n");
    }

    #[test]
    fn training_csv_leaves_a_missing_test_accuracy_empty() {
        let e = EpochStats { epoch: 1, loss: 0.5, train_accuracy: 0.25, test_accuracy: None, learning_rate: 1.0 };
        let text = String::from_utf8(training_csv(&[e])).expect("UTF-8");
        assert_eq!(text, "epoch,loss,train_accuracy,test_accuracy,learning_rate\n1,0.500000,0.250000,,1.000000\n");
    }

    #[test]
    fn the_accuracy_plot_has_a_training_and_a_test_curve() {
        let epoch =
            |epoch, test| EpochStats { epoch, loss: 1.0, train_accuracy: 0.5, test_accuracy: test, learning_rate: 1.0 };
        let svg = String::from_utf8(accuracy_svg(&[epoch(1, Some(0.4)), epoch(2, Some(0.6))], 77).expect("drawn"))
            .expect("UTF-8");
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        assert!(svg.contains("accuracy per epoch") && svg.contains("training samples"), "{svg}");
        assert!(svg.contains("test samples (encoder seed 77)"), "{svg}");
        let svg = String::from_utf8(accuracy_svg(&[epoch(1, None)], 77).expect("drawn")).expect("UTF-8");
        assert!(!svg.contains("test samples"), "no test curve without test samples");
    }
}
