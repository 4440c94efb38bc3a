//! `ncx train`: train a classifier for the core — offline for its integer dynamics
//! (docs/learning.md §5), or with `--on-chip` on a device with its own STDP (§6).
//! Reads the architecture and the data, calls [`ncx::learn::train::run`], shows a
//! progress bar with the epoch, loss and accuracy, and prints a summary.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use ncx::learn::dataset::{Dataset, SplitSpec};
use ncx::learn::train::{self, Arch, EpochStats, Report, Request, TrainOptions, TrainProgress};
use ncx::run::Target;

/// Options of `ncx train`.
#[derive(Debug, Clone, Args)]
pub(crate) struct TrainArgs {
    /// The architecture description (`.toml`, docs/learning.md).
    #[arg(value_name = "ARCH")]
    pub(crate) arch: PathBuf,
    /// The labelled data set: CSV (optionally gzip-compressed), features then label.
    #[arg(long, value_name = "CSV")]
    pub(crate) data: PathBuf,
    /// The training samples: `SPLIT.json:KEY` (default: every sample of --data).
    #[arg(long, value_name = "SPLIT.json:KEY")]
    pub(crate) split: Option<SplitSpec>,
    /// After training, evaluate the result on these samples: `SPLIT.json:KEY`.
    #[arg(long, value_name = "SPLIT.json:KEY")]
    pub(crate) test: Option<SplitSpec>,
    /// The folder to write the network, its weights and the training report into.
    #[arg(short, long, value_name = "DIR")]
    pub(crate) output: PathBuf,
    /// Seed of every random choice of the training (and of a stochastic encoder).
    #[arg(long, default_value_t = 1)]
    pub(crate) seed: u64,
    /// Learn on a device with the core's own STDP (the architecture's method must be `stdp`).
    #[arg(long)]
    pub(crate) on_chip: bool,
    /// Where on-chip learning runs (`model`, `model-device`, `verilator`, `serial:PATH`, …);
    /// offline training runs on the host and takes only `model`.
    #[arg(long, default_value = "model")]
    pub(crate) target: Target,
    /// With --on-chip on a device target: milliseconds every reply and output frame may
    /// take on top of its byte times (50: a real device's USB latency); for a device
    /// slower than real time, e.g. the RTL virtual board of `ncx emulate --backend
    /// verilator`: --slack 5000.
    #[arg(long, value_name = "MS", default_value = "50", value_parser = crate::cmd::device::parse_slack)]
    pub(crate) slack: std::time::Duration,
    /// Worker threads (default: every core of the machine).
    #[arg(long)]
    pub(crate) threads: Option<usize>,
    /// Offline training: the encoder seeds at which the compiled image is tested on the
    /// model after training (with --test), comma-separated.
    #[arg(long, value_name = "S,S,…", value_delimiter = ',', default_value = "101,102,103,104,105")]
    pub(crate) test_seeds: Vec<u64>,
    /// Print no progress bar and no summary.
    #[arg(long, short)]
    pub(crate) quiet: bool,
}

pub(crate) fn run(args: &TrainArgs) -> anyhow::Result<()> {
    if args.on_chip {
        return crate::cmd::train_on_chip::run(args);
    }
    if args.target != Target::Model {
        anyhow::bail!(
            "--target is where --on-chip learning runs; offline training runs on the host and checks the result \
             on the model\nhelp: evaluate the trained network on another target with `ncx eval DIR/net.toml \
             --target T`"
        );
    }
    if args.slack != ncx::driver::SLACK {
        anyhow::bail!(
            "--slack is for --on-chip learning on a device; offline training runs on the host\nhelp: leave out \
             --slack, or give it to `ncx eval DIR/net.toml --target T --slack MS`"
        );
    }
    let arch = Arch::load(&args.arch).map_err(train::TrainError::from)?;
    let data = Dataset::load(&args.data).map_err(train::TrainError::from)?;
    let mut inputs: Vec<&Path> = vec![&args.arch, &args.data];
    let train_set = match &args.split {
        Some(split) => {
            inputs.push(&split.path);
            data.select(split).map_err(train::TrainError::from)?
        }
        None => data.clone(),
    };
    let test_set = match &args.test {
        Some(split) => {
            inputs.push(&split.path);
            Some(data.select(split).map_err(train::TrainError::from)?)
        }
        None => None,
    };
    let threads = args.threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from)).max(1);
    let provenance = provenance(args);
    let request = Request {
        arch: &arch,
        train: &train_set,
        test: test_set.as_ref(),
        inputs: &inputs,
        dir: &args.output,
        options: TrainOptions { seed: args.seed, threads },
        check_seeds: &args.test_seeds,
        provenance: &provenance,
    };
    let mut bar = Bar::new(args.quiet);
    let report = train::run(&request, &mut bar).with_context(|| format!("cannot train {}", args.arch.display()))?;
    if !args.quiet {
        let mut out = io::BufWriter::new(io::stdout().lock());
        summary(&mut out, args, &train_set, test_set.as_ref(), &report)?;
        out.flush()?;
    }
    Ok(())
}

/// The head comment of the written network: how it was made.
fn provenance(args: &TrainArgs) -> String {
    let mut command = format!("ncx train {} --data {}", args.arch.display(), args.data.display());
    if let Some(split) = &args.split {
        command.push_str(&format!(" --split {}:{}", split.path.display(), split.key));
    }
    if let Some(split) = &args.test {
        command.push_str(&format!(" --test {}:{}", split.path.display(), split.key));
    }
    command.push_str(&format!(" -o {} --seed {}", args.output.display(), args.seed));
    format!("Trained by ncx train (docs/learning.md §5):\n  {command}")
}

/// The summary printed at the end.
fn summary(
    out: &mut impl Write,
    args: &TrainArgs,
    train_set: &Dataset,
    test_set: Option<&Dataset>,
    report: &Report,
) -> io::Result<()> {
    let t = &report.trained;
    let arch = &t.arch;
    writeln!(out, "ncx train: {} on {}", args.arch.display(), args.data.display())?;
    writeln!(
        out,
        "network:    {} inputs -> {} hidden -> {} outputs ({} of {} neurons, {} timesteps per sample, {} encoder)",
        t.features(),
        arch.hidden.size,
        arch.output.size,
        t.neurons(),
        arch.neurons,
        arch.timesteps,
        arch.encoder.kind.name()
    )?;
    let epochs = t.epochs.len();
    writeln!(
        out,
        "training:   {} samples, {epochs} epochs, seed {}, {:.1} s",
        train_set.samples.len(),
        args.seed,
        report.train_seconds
    )?;
    if let Some(last) = t.epochs.last() {
        write!(out, "last epoch: loss {:.4}, train accuracy {:.2} %", last.loss, 100.0 * last.train_accuracy)?;
        if let Some(test) = last.test_accuracy {
            write!(out, ", test accuracy {:.2} % (seed {})", 100.0 * test, arch.training.test_seed)?;
        }
        writeln!(out)?;
    }
    if let (Some(test), false) = (test_set, report.checks.is_empty()) {
        writeln!(
            out,
            "test on the model ({} samples, the compiled image, {:.1} s):",
            test.samples.len(),
            report.check_seconds
        )?;
        for c in &report.checks {
            writeln!(out, "  seed {:>4}: {:>4}/{} = {:.2} %", c.seed, c.correct, c.samples, 100.0 * c.accuracy())?;
        }
        let accuracies: Vec<f64> = report.checks.iter().map(|c| c.accuracy()).collect();
        let mean = accuracies.iter().sum::<f64>() / accuracies.len() as f64;
        let min = accuracies.iter().copied().fold(f64::INFINITY, f64::min);
        writeln!(out, "  mean {:.2} %, min {:.2} %", 100.0 * mean, 100.0 * min)?;
    }
    writeln!(out, "wrote:")?;
    for path in &report.written {
        writeln!(out, "  {}", path.display())?;
    }
    writeln!(
        out,
        "next: ncx eval {} --data {} --split …:test",
        args.output.join("net.toml").display(),
        args.data.display()
    )
}

/// The progress bar: epochs × minibatches, with the epoch, the running loss and
/// accuracy; only on a terminal and without --quiet.
struct Bar {
    enabled: bool,
    bar: Option<ProgressBar>,
    epochs: usize,
    batches: u64,
    last: String,
}

impl Bar {
    fn new(quiet: bool) -> Bar {
        Bar { enabled: !quiet && io::stderr().is_terminal(), bar: None, epochs: 0, batches: 0, last: String::new() }
    }
}

impl TrainProgress for Bar {
    fn start(&mut self, epochs: usize, batches: u64) {
        (self.epochs, self.batches) = (epochs, batches);
        if self.enabled {
            let style = ProgressStyle::with_template("{bar:30} {msg} ({elapsed}, {eta} left)")
                .unwrap_or_else(|_| ProgressStyle::default_bar());
            self.bar = Some(ProgressBar::new(epochs as u64 * batches).with_style(style));
        }
    }

    fn batch(&mut self, epoch: usize, done: u64, loss: f64, accuracy: f64) {
        let Some(bar) = &self.bar else { return };
        bar.set_position(epoch as u64 * self.batches + done);
        bar.set_message(format!(
            "epoch {}/{}: loss {loss:.4}, accuracy {:.1} %{}",
            epoch + 1,
            self.epochs,
            100.0 * accuracy,
            self.last
        ));
    }

    fn epoch(&mut self, stats: &EpochStats) {
        if let Some(test) = stats.test_accuracy {
            self.last = format!(" (test {:.1} % after epoch {})", 100.0 * test, stats.epoch);
        }
    }

    fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}
