//! The files of one run — raster CSV, probe CSV, SVG plot, learned image — as a
//! [`Sink`]: every file is created before the first timestep (so a bad path fails
//! before the run, and leaves nothing behind), the CSVs and the plot's data grow a
//! timestep at a time, and [`RunFiles::finish`] completes and commits them all. A run
//! that stopped early is finished too: its files hold every timestep recorded before
//! the stop (the learned image, which needs the final weights, is then not written).

use std::io::Write;
use std::path::{Path, PathBuf};

use ncx_model::Geometry;

use super::file::{OutputError, commit, create};
use super::plot::Plot;
use super::probe::ProbeCsv;
use super::raster::RasterCsv;
use crate::atomic_file::OutputFile;
use crate::image::{Image, Metadata, codec};
use crate::run::{Sink, Step};

/// Where a run's files go; `None` for a file not asked for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunPaths<'a> {
    /// The raster CSV.
    pub raster: Option<&'a Path>,
    /// The probe CSV.
    pub probe: Option<&'a Path>,
    /// The SVG plot.
    pub plot: Option<&'a Path>,
    /// The image with the weights at the end of the run.
    pub save_image: Option<&'a Path>,
}

impl<'a> RunPaths<'a> {
    /// The paths given, each with the option that names it on the command line.
    pub fn named(&self) -> Vec<(&'static str, &'a Path)> {
        [("--raster", self.raster), ("--probe", self.probe), ("--plot", self.plot), ("--save-image", self.save_image)]
            .into_iter()
            .filter_map(|(option, path)| Some((option, path?)))
            .collect()
    }
}

/// A file a run wrote, for the summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// Where.
    pub path: PathBuf,
    /// What it holds, e.g. `1672 spikes` (empty for the plot).
    pub what: String,
}

/// The files of a run being written (module docs).
#[derive(Debug)]
pub struct RunFiles<'m> {
    meta: &'m Metadata,
    geometry: Geometry,
    raster: Option<(PathBuf, RasterCsv<'m, OutputFile>, u64)>,
    probe: Option<(PathBuf, ProbeCsv<'m, OutputFile>, u64)>,
    plot: Option<(PathBuf, OutputFile, Plot)>,
    save_image: Option<(PathBuf, OutputFile)>,
    /// Timesteps taken so far.
    timesteps: u64,
}

impl<'m> RunFiles<'m> {
    /// Create every file of `paths` for a run of `steps` timesteps of an image with
    /// metadata `meta` on a core of `geometry`, and write the CSV headers.
    pub fn create(
        paths: &RunPaths<'_>,
        meta: &'m Metadata,
        geometry: Geometry,
        steps: u64,
    ) -> Result<Self, OutputError> {
        let raster = match paths.raster {
            Some(path) => Some((path.to_owned(), RasterCsv::new(create(path)?, meta).map_err(write_error(path))?, 0)),
            None => None,
        };
        let probe = match paths.probe {
            Some(path) => Some((path.to_owned(), ProbeCsv::new(create(path)?, meta).map_err(write_error(path))?, 0)),
            None => None,
        };
        let plot = match paths.plot {
            Some(path) => Some((path.to_owned(), create(path)?, Plot::new(steps, meta, geometry))),
            None => None,
        };
        let save_image = match paths.save_image {
            Some(path) => Some((path.to_owned(), create(path)?)),
            None => None,
        };
        Ok(RunFiles { meta, geometry, raster, probe, plot, save_image, timesteps: 0 })
    }

    /// Timesteps taken so far: the files hold timesteps 0 to `timesteps() - 1`.
    pub fn timesteps(&self) -> u64 {
        self.timesteps
    }

    /// Complete and commit every file: the plot of what was recorded, and the image
    /// with `learned`'s weights when the run ended (`None` after a stop: the image is
    /// then not written, and not in the list).
    pub fn finish(self, learned: Option<&Image>) -> Result<Vec<Written>, OutputError> {
        let mut written = Vec::new();
        if let Some((path, csv, rows)) = self.raster {
            commit(&path, csv.finish().map_err(write_error(&path))?)?;
            written.push(Written { what: plural(rows, "spike"), path });
        }
        if let Some((path, csv, rows)) = self.probe {
            commit(&path, csv.finish().map_err(write_error(&path))?)?;
            written.push(Written { what: plural(rows, "sample"), path });
        }
        if let Some((path, mut out, plot)) = self.plot {
            let svg = plot
                .svg(self.meta, self.geometry)
                .map_err(|e| OutputError::Write { path: path.clone(), reason: std::io::Error::other(e.to_string()) })?;
            out.write_all(svg.as_bytes()).map_err(write_error(&path))?;
            commit(&path, out)?;
            written.push(Written { what: String::new(), path });
        }
        if let (Some((path, mut out)), Some(image)) = (self.save_image, learned) {
            codec::check(image)
                .map_err(|e| OutputError::Write { path: path.clone(), reason: std::io::Error::other(e) })?;
            out.write_all(&codec::encode(image)).map_err(write_error(&path))?;
            commit(&path, out)?;
            written.push(Written { what: "weights after the run".to_owned(), path });
        }
        Ok(written)
    }
}

impl Sink for RunFiles<'_> {
    fn step(&mut self, step: &Step<'_>) -> Result<(), OutputError> {
        if let Some((path, csv, rows)) = &mut self.raster {
            csv.write(step.timestep, step.spikes).map_err(write_error(path))?;
            *rows += step.spikes.len() as u64;
        }
        if let Some((path, csv, rows)) = &mut self.probe {
            csv.write(step.probes).map_err(write_error(path))?;
            *rows += step.probes.len() as u64;
        }
        if let Some((_, _, plot)) = &mut self.plot {
            plot.add(step.timestep, step.spikes, step.probes);
        }
        self.timesteps = step.timestep + 1;
        Ok(())
    }
}

/// An I/O error of the output `path`.
fn write_error(path: &Path) -> impl Fn(std::io::Error) -> OutputError + '_ {
    move |reason| OutputError::Write { path: path.to_owned(), reason }
}

/// `count` and `noun`, plural unless the count is 1.
fn plural(count: u64, noun: &str) -> String {
    if count == 1 { format!("1 {noun}") } else { format!("{count} {noun}s") }
}
