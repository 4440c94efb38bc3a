//! The output folder of `ncx train --on-chip` (docs/learning.md §6): `net.toml` and
//! `weights.csv` (the trained network, which `ncx compile` and `ncx eval` take as it
//! is), `learning.csv` (one line per epoch) and `weights.svg` (the learned input weights
//! as tiles, with their labels). The files are checked together, then written all at
//! once or not at all; other files in the folder are left alone.

use std::fmt::Write as _;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::network::{network_toml, weights_csv};
use super::{Arch, OnchipError, Trained};
use crate::learn::plot::weight_tiles_svg;
use crate::output::{self, OutputError};

/// The files written into the output folder.
pub const FILES: [&str; 4] = ["net.toml", "weights.csv", "learning.csv", "weights.svg"];

/// `learning.csv`: a header, then per epoch its number, the training accuracy of its
/// assignment, the mean |Δw|, the spikes per sample, the silent samples and whether its
/// weights were kept (1) or not (0).
pub fn learning_csv(trained: &Trained) -> String {
    let mut t = String::from("epoch,train_accuracy,mean_abs_dw,spikes_per_sample,silent_samples,kept\n");
    for e in &trained.epochs {
        let _ = writeln!(
            t,
            "{},{:.6},{:.6},{:.6},{},{}",
            e.epoch,
            e.train_accuracy,
            e.mean_abs_dw,
            e.spikes_per_sample,
            e.silent,
            u8::from(e.epoch == trained.kept)
        );
    }
    t
}

/// The side of the square tile of one neuron's weights (8 for 64 features), or the
/// whole row on one line if the features are not a square.
fn tile_width(features: usize) -> usize {
    let side = (features as f64).sqrt().round() as usize;
    if side * side == features { side } else { features }
}

/// Write the output folder `dir` (created if missing). `inputs` are the files the
/// command read (none of them may be overwritten). Returns the written paths.
pub fn write_outputs(
    dir: &Path,
    arch: &Arch,
    trained: &Trained,
    inputs: &[&Path],
) -> Result<Vec<PathBuf>, OnchipError> {
    if !dir.is_dir() {
        fs::create_dir_all(dir).map_err(|reason| OutputError::Write { path: dir.to_owned(), reason })?;
    }
    let paths: Vec<PathBuf> = FILES.iter().map(|f| dir.join(f)).collect();
    let named: Vec<(&str, &Path)> = paths.iter().map(|p| ("-o", p.as_path())).collect();
    output::check_outputs(inputs, &named)?;

    let size = arch.excitatory.size;
    let titles: Vec<String> = trained.labels.iter().enumerate().map(|(n, l)| format!("#{n}: {l}")).collect();
    let svg = weight_tiles_svg(&trained.weights, size, trained.features, tile_width(trained.features), &titles)?;
    let contents = [
        network_toml(arch, trained.features, &trained.labels, FILES[1]),
        weights_csv(&trained.weights, trained.features),
        learning_csv(trained),
        svg,
    ];
    let mut files = Vec::new();
    for path in &paths {
        files.push(output::create(path)?);
    }
    for ((file, text), path) in files.iter_mut().zip(&contents).zip(&paths) {
        file.write_all(text.as_bytes()).map_err(|reason| OutputError::Write { path: path.clone(), reason })?;
    }
    for (file, path) in files.into_iter().zip(&paths) {
        output::commit(path, file)?;
    }
    Ok(paths)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_square_number_of_features_makes_square_tiles() {
        assert_eq!(tile_width(64), 8);
        assert_eq!(tile_width(16), 4);
        assert_eq!(tile_width(10), 10);
    }
}
