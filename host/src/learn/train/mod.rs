//! Offline training of a classifier for the core's integer dynamics (docs/learning.md
//! §5): `ncx train`.
//!
//! An architecture ([`Arch`], a TOML file) places a hidden population of
//! integrate-and-fire neurons on the first neurons of the core and the output
//! population after it; the features drive the hidden neurons (and the outputs
//! directly) through `W_in`, the hidden neurons drive the outputs through `W_rec` one
//! timestep later. [`train`] fits the int8 weights with surrogate gradients through the
//! core's exact integer dynamics; [`run`] does the whole job of `ncx train`: train,
//! write the network description and its weight files, compile what was written, check
//! that the image holds exactly the trained integers, and measure its accuracy on the
//! test samples by evaluating it on the model ([`crate::learn::eval::evaluate`], what
//! `ncx eval` does) for several encoder seeds.
//!
//! - `arch`: the architecture description;
//! - `network`: the layout, the float shadow weights and their int8 rounding;
//! - `forward`: the core's integer dynamics, replayed exactly (property-tested
//!   against `ncx_model`);
//! - `backward`: backpropagation through time with a surrogate spike derivative;
//! - `optimise`: Adam with a cosine learning-rate schedule;
//! - `fit`: the epochs, minibatches and threads;
//! - `write`: the output folder.

mod arch;
mod backward;
mod fit;
mod forward;
mod network;
mod optimise;
mod write;

use std::borrow::Cow;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Instant;

pub use self::arch::{Arch, Layer, Schedule};
use self::backward::Loss;
use self::fit::Plan;
use self::network::{Init, Layout, Shadow};
use crate::compile::{self, CompileError, CompileOptions};
use crate::driver::DriverOptions;
use crate::error::Help;
use crate::image::Image;
use crate::learn::classifier::{Classifier, Vote};
use crate::learn::dataset::{DataError, Dataset};
use crate::learn::eval::{self, EvalError, EvalOptions};
use crate::learn::plot::PlotError;
use crate::network::Diagnostic;
use crate::output::{self, OutputError};
use crate::progress::NoProgress;
use crate::run::Target;

/// What one epoch of training did.
#[derive(Debug, Clone, PartialEq)]
pub struct EpochStats {
    /// The epoch, from 1.
    pub epoch: usize,
    /// The mean cross-entropy loss over the epoch's training samples.
    pub loss: f64,
    /// The fraction of training samples classified right during the epoch (with the
    /// weights of the moment, on the epoch's encoder draws).
    pub train_accuracy: f64,
    /// The fraction of test samples classified right after the epoch, by the integer
    /// forward pass — the core's dynamics exactly — with the schedule's `test_seed`;
    /// `None` without test samples.
    pub test_accuracy: Option<f64>,
    /// The learning rate after the epoch.
    pub learning_rate: f64,
}

/// Receives the progress of training.
pub trait TrainProgress {
    /// Training starts: `epochs` epochs of `batches` minibatches each.
    fn start(&mut self, epochs: usize, batches: u64);
    /// Minibatch `done` (from 1) of epoch `epoch` (from 0) is done; `loss` and
    /// `accuracy` are the epoch's running means.
    fn batch(&mut self, epoch: usize, done: u64, loss: f64, accuracy: f64);
    /// An epoch is over.
    fn epoch(&mut self, stats: &EpochStats);
    /// Training is over.
    fn finish(&mut self);
}

impl TrainProgress for crate::progress::NoProgress {
    fn start(&mut self, _epochs: usize, _batches: u64) {}
    fn batch(&mut self, _epoch: usize, _done: u64, _loss: f64, _accuracy: f64) {}
    fn epoch(&mut self, _stats: &EpochStats) {}
    fn finish(&mut self) {}
}

/// A trained network.
#[derive(Debug, Clone, PartialEq)]
pub struct Trained {
    /// The architecture it was trained for.
    pub arch: Arch,
    /// How the written network is used as a classifier.
    pub classifier: Classifier,
    /// `W_in` of the used neurons (hidden, then output) × the features, row-major.
    pub w_in: Vec<i8>,
    /// `W_rec` of the used neurons, row-major `[post][pre]`.
    pub w_rec: Vec<i8>,
    /// Every epoch's statistics.
    pub epochs: Vec<EpochStats>,
    layout: Layout,
}

impl Trained {
    /// Neurons used: hidden + output.
    pub fn neurons(&self) -> usize {
        self.layout.neurons()
    }

    /// Features: the inputs used.
    pub fn features(&self) -> usize {
        self.layout.features
    }
}

/// The options of [`train`] that are not in the architecture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrainOptions {
    /// Seed of the initial weights, the sample order and the training encoder draws.
    pub seed: u64,
    /// Worker threads (the result does not depend on it).
    pub threads: usize,
}

/// The test accuracy of the compiled image on the model with one encoder seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedAccuracy {
    /// The encoder seed.
    pub seed: u64,
    /// Test samples classified right.
    pub correct: usize,
    /// Test samples.
    pub samples: usize,
}

impl SeedAccuracy {
    /// `correct / samples` (0 without samples).
    pub fn accuracy(&self) -> f64 {
        if self.samples == 0 { 0.0 } else { self.correct as f64 / self.samples as f64 }
    }
}

/// Why training failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TrainError {
    /// The architecture is invalid, or does not fit the data.
    #[error("{0}")]
    Arch(#[from] Diagnostic),
    /// The data set or a split could not be read.
    #[error(transparent)]
    Data(#[from] DataError),
    /// The training selection holds no sample.
    #[error("no training samples: {what} is empty")]
    NoSamples {
        /// The data set or split named.
        what: String,
    },
    /// The test samples do not have the training samples' feature count.
    #[error("the test samples have {test} features, the training samples {train}")]
    TestFeatures {
        /// Features of a test sample.
        test: usize,
        /// Features of a training sample.
        train: usize,
    },
    /// The output folder cannot be read or created.
    #[error("cannot use the output folder {dir}: {source}")]
    Dir {
        /// The folder.
        dir: PathBuf,
        /// What failed.
        #[source]
        source: io::Error,
    },
    /// The output folder holds a file that training does not write.
    #[error("the output folder {dir} holds {file}, which ncx train does not write")]
    Foreign {
        /// The folder.
        dir: PathBuf,
        /// The file (or folder) found in it.
        file: PathBuf,
    },
    /// An output file could not be written (or would replace an input).
    #[error(transparent)]
    Output(#[from] OutputError),
    /// The written network does not compile.
    #[error("the written network {path} does not compile: {source}")]
    Compile {
        /// The network description.
        path: PathBuf,
        /// The compiler's error.
        #[source]
        source: CompileError,
    },
    /// The compiled image differs from the trained network.
    #[error("the image compiled from {path} differs from the trained network: {what}")]
    Mismatch {
        /// The network description.
        path: PathBuf,
        /// The first difference.
        what: String,
    },
    /// The compiled image could not be evaluated on the model.
    #[error(transparent)]
    Eval(#[from] EvalError),
    /// A plot could not be drawn.
    #[error(transparent)]
    Plot(#[from] PlotError),
}

impl Help for TrainError {
    fn help(&self) -> Option<Cow<'_, str>> {
        Some(Cow::Borrowed(match self {
            // A diagnostic shows its help in place; the others have their own.
            TrainError::Arch(_) => return None,
            TrainError::Data(e) => return e.help(),
            TrainError::Output(e) => return e.help(),
            TrainError::Eval(e) => return e.help(),
            TrainError::Plot(e) => return e.help(),
            TrainError::NoSamples { .. } => "give a data set with samples, or a split that names some (--split)",
            TrainError::TestFeatures { .. } => "test on a split of the same data set (--test FILE.json:KEY)",
            TrainError::Dir { .. } => "check the path: ncx train creates the folder (its parent must exist)",
            TrainError::Foreign { .. } => {
                "write into a new folder, or into one that holds only an earlier training's files"
            }
            TrainError::Compile { .. } | TrainError::Mismatch { .. } => {
                "this is a bug of ncx train: please report it with the architecture and the command"
            }
        }))
    }
}

/// Check the data against the architecture, build the network and train it.
pub fn train(
    arch: &Arch,
    data: &Dataset,
    test: Option<&Dataset>,
    options: &TrainOptions,
    progress: &mut dyn TrainProgress,
) -> Result<Trained, TrainError> {
    let (layout, classifier) = shape(arch, data, test)?;
    let mut params = vec![arch.hidden.params; layout.hidden];
    params.extend(std::iter::repeat_n(arch.output.params, layout.outputs));
    let init = Init { gain: arch.training.init_gain, seed: options.seed };
    let mut shadow = Shadow::new(layout, params, arch.weight_shift, init);
    let t = &arch.training;
    let plan = Plan {
        classifier: &classifier,
        loss: Loss {
            labels: classifier.labels.clone(),
            classes: classifier.classes(),
            logit_scale: t.logit_scale,
            slope: t.surrogate_slope as f32,
        },
        epochs: t.epochs,
        batch: t.batch,
        learning_rate: t.learning_rate,
        final_learning_rate: t.final_learning_rate,
        seed: options.seed,
        threads: options.threads.max(1),
        test: test.map(|d| d.samples.as_slice()),
        test_seed: t.test_seed,
    };
    let epochs = fit::fit(&mut shadow, &data.samples, &plan, progress);
    Ok(Trained { arch: arch.clone(), classifier, w_in: shadow.int_in(), w_rec: shadow.int_rec(), epochs, layout })
}

/// The layout and the classifier of `arch` on `data`, once they are checked to fit.
fn shape(arch: &Arch, data: &Dataset, test: Option<&Dataset>) -> Result<(Layout, Classifier), TrainError> {
    if data.samples.is_empty() {
        return Err(TrainError::NoSamples { what: data.path.display().to_string() });
    }
    let features = data.features;
    if features > arch.inputs {
        return Err(Diagnostic::new(format!(
            "the data {} has {features} features; the core has {} inputs",
            data.path.display(),
            arch.inputs
        ))
        .at(arch.inputs_loc.clone())
        .key("core.inputs")
        .help("one input axon per feature: make `core.inputs` at least the feature count")
        .into());
    }
    if let Some(test) = test
        && test.features != features
    {
        return Err(TrainError::TestFeatures { test: test.features, train: features });
    }
    let classes = data.classes();
    let size = arch.output.size;
    if !size.is_multiple_of(classes) {
        return Err(Diagnostic::new(format!(
            "`output.size` = {size} is not a multiple of the {classes} classes of {}",
            data.path.display()
        ))
        .at(arch.output_size_loc.clone())
        .key("output.size")
        .help(format!("give every class the same number of output neurons: e.g. size = {classes}"))
        .into());
    }
    let layout = Layout { features, hidden: arch.hidden.size, outputs: size, skip: arch.skip };
    let classifier = Classifier {
        input: arch.input.clone(),
        output: arch.output.name.clone(),
        timesteps: arch.timesteps,
        encoder: arch.encoder,
        labels: (0..size).map(|i| (i % classes) as u16).collect(),
        vote: Vote::Sum,
    };
    Ok((layout, classifier))
}

/// Everything `ncx train` does.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// The architecture.
    pub arch: &'a Arch,
    /// The training samples.
    pub train: &'a Dataset,
    /// The test samples, if any.
    pub test: Option<&'a Dataset>,
    /// The files read (never written over).
    pub inputs: &'a [&'a Path],
    /// The output folder.
    pub dir: &'a Path,
    /// Seed and threads.
    pub options: TrainOptions,
    /// The encoder seeds at which the compiled image is tested on the model.
    pub check_seeds: &'a [u64],
    /// Lines for the head comment of the written network (the command, the data).
    pub provenance: &'a str,
}

/// What `ncx train` did.
#[derive(Debug, Clone)]
pub struct Report {
    /// The trained network.
    pub trained: Trained,
    /// The files written.
    pub written: Vec<PathBuf>,
    /// The compiled image's test accuracy on the model per seed (empty without test).
    pub checks: Vec<SeedAccuracy>,
    /// Seconds spent training.
    pub train_seconds: f64,
    /// Seconds spent testing the compiled image on the model (all seeds).
    pub check_seconds: f64,
}

/// Train, write the output folder, compile the written network, check its weights
/// and measure its accuracy on the model (module docs).
pub fn run(request: &Request<'_>, progress: &mut dyn TrainProgress) -> Result<Report, TrainError> {
    let Request { arch, dir, .. } = *request;
    write::prepare_dir(dir, arch, request.inputs)?;
    let mut outputs: Vec<PathBuf> = write::FIXED_NAMES.iter().map(|n| dir.join(n)).collect();
    let (i, h, o) = (&arch.input, &arch.hidden.name, &arch.output.name);
    outputs.extend(
        [write::matrix_name(i, h), write::matrix_name(i, o), write::matrix_name(h, o)].iter().map(|n| dir.join(n)),
    );
    let named: Vec<(&str, &Path)> = outputs.iter().map(|p| ("-o", p.as_path())).collect();
    output::check_outputs(request.inputs, &named)?;

    let started = Instant::now();
    let trained = train(arch, request.train, request.test, &request.options, progress)?;
    let train_seconds = started.elapsed().as_secs_f64();

    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| valid_name(n))
        .unwrap_or_else(|| "trained".to_owned());
    let mut files = write::network_files(&trained, &name, request.provenance);
    files.files.push(("training.csv".to_owned(), write::training_csv(&trained.epochs)));
    files.files.push(("accuracy.svg".to_owned(), write::accuracy_svg(&trained.epochs, arch.training.test_seed)?));
    files.files.push(("weights.svg".to_owned(), write::weights_svg(&trained)?));
    let mut written = write::write_files(dir, &files)?;

    let net = dir.join("net.toml");
    let compiled = compile::compile_file(&net, &CompileOptions::default())
        .map_err(|source| TrainError::Compile { path: net.clone(), source })?;
    let image = compiled.image;
    compare(&image, &trained).map_err(|what| TrainError::Mismatch { path: net.clone(), what })?;

    let started = Instant::now();
    let mut checks = Vec::new();
    if let Some(test) = request.test {
        for &seed in request.check_seeds {
            let options = EvalOptions { target: Target::Model, seed, threads: request.options.threads };
            let evaluation = eval::evaluate(&image, test, &options, &mut DriverOptions::default(), &mut NoProgress)?;
            checks.push(SeedAccuracy { seed, correct: evaluation.correct(), samples: evaluation.samples() });
        }
        let report = write::Files { files: vec![("test.csv".to_owned(), write::test_csv(&checks))] };
        written.extend(write::write_files(dir, &report)?);
    }
    let check_seconds = started.elapsed().as_secs_f64();
    Ok(Report { trained, written, checks, train_seconds, check_seconds })
}

/// Whether `name` can name a network (docs/network-format.md §3).
fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.len() <= 255
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// The first difference between the compiled image and the trained integers.
fn compare(image: &Image, trained: &Trained) -> Result<(), String> {
    let (n, m) = (trained.neurons(), trained.features());
    let (big_n, big_m) = (image.geometry.neurons(), image.geometry.inputs());
    for post in 0..n {
        for pre in 0..m {
            let (got, want) = (image.w_in[post * big_m + pre], trained.w_in[post * m + pre]);
            if got != want {
                return Err(format!("W_in[{post}][{pre}] is {got}, trained {want}"));
            }
        }
        for pre in 0..n {
            let (got, want) = (image.w_rec[post * big_n + pre], trained.w_rec[post * n + pre]);
            if got != want {
                return Err(format!("W_rec[{post}][{pre}] is {got}, trained {want}"));
            }
        }
    }
    if image.config.weight_shift != trained.arch.weight_shift {
        return Err(format!("weight_shift is {}, trained {}", image.config.weight_shift, trained.arch.weight_shift));
    }
    Ok(())
}
