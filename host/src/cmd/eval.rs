//! `ncx eval`: evaluate an image as a classifier on a labelled data set
//! (docs/learning.md §4): load the image (or compile a `.toml` in memory), the data and
//! the split, present every sample on the target ([`ncx::learn::eval`]), print the
//! accuracy, the recall per class, the confusion matrix and the speed, and write the
//! files asked for — each whole or not at all, never over an input.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use ncx::learn::dataset::{Dataset, SplitSpec};
use ncx::learn::eval::{EvalError, EvalOptions, Evaluation, evaluate};
use ncx::learn::present::PresentError;
use ncx::output;
use ncx::run::Target;

use super::device::{LinkArgs, RunConnect};
use super::progress::Bar;
use super::run::load_network;

/// Options of `ncx eval`.
#[derive(Debug, Clone, Args)]
pub(crate) struct EvalArgs {
    /// The image to evaluate (`.ncx`), or a network description (`.toml`) to compile first.
    #[arg(value_name = "IMAGE")]
    pub(crate) image: PathBuf,

    /// The labelled data set: CSV (gzip-compressed or not), features then label, no header.
    #[arg(long, value_name = "CSV")]
    pub(crate) data: PathBuf,

    /// Evaluate only these samples: `SPLIT.json:KEY` (default: every sample of --data).
    #[arg(long, value_name = "SPLIT.json:KEY")]
    pub(crate) split: Option<SplitSpec>,

    /// Where the samples run: `model` (the reference model in-process), `model-device`,
    /// `pty`, `verilator`, `serial:<path>[@<baud>]`, `faulty:<seed>:<faults>[:<target>]`.
    #[arg(long, value_name = "TARGET", default_value = "model")]
    pub(crate) target: Target,

    /// Seed of a stochastic encoder (poisson); a sample's spikes depend only on it and the
    /// sample's row.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub(crate) seed: u64,

    /// Threads on the model target (default: every core of the machine); a device runs
    /// its samples one after the other. The results are the same for any number.
    #[arg(long, value_name = "N")]
    pub(crate) threads: Option<usize>,

    /// `--retries` and `--slack`.
    #[command(flatten)]
    pub(crate) link: LinkArgs,

    /// Draw the confusion matrix as an SVG (rows: true class; columns: predicted class,
    /// then none).
    #[arg(long, value_name = "SVG")]
    pub(crate) confusion_svg: Option<PathBuf>,

    /// Write the confusion matrix as CSV (true,0,1,…,none).
    #[arg(long, value_name = "CSV")]
    pub(crate) confusion_csv: Option<PathBuf>,

    /// Write every sample's outcome as CSV (row,line,label,prediction,correct).
    #[arg(long, value_name = "CSV")]
    pub(crate) predictions: Option<PathBuf>,

    /// Print no report and no progress bar (errors still go to stderr).
    #[arg(long, short)]
    pub(crate) quiet: bool,
}

pub(crate) fn run(args: &EvalArgs) -> anyhow::Result<()> {
    let mut inputs = vec![args.image.as_path(), args.data.as_path()];
    inputs.extend(args.split.as_ref().map(|s| s.path.as_path()));
    let outputs: Vec<(&str, &Path)> = [("--confusion-csv", &args.confusion_csv), ("--predictions", &args.predictions)]
        .into_iter()
        .filter_map(|(option, path)| Some((option, path.as_deref()?)))
        .collect();
    output::check_outputs(&inputs, &outputs)?;
    let (image, sources) = load_network(&args.image)?;
    inputs.extend(sources.iter().map(PathBuf::as_path));
    output::check_outputs(&inputs, &outputs)?;
    let all = Dataset::load(&args.data)?;
    let data = match &args.split {
        Some(split) => all.select(split)?,
        None => all,
    };
    let threads = args.threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let options = EvalOptions { target: args.target.clone(), seed: args.seed, threads };
    let mut connect = RunConnect { options: args.link.options(), record: None, image: &image, steps: 0 };
    let mut bar = Bar::new(args.quiet, "samples");
    let evaluation = evaluate(&image, &data, &options, &mut connect, &mut bar)
        .map_err(|e| match e {
            // A device that cannot be reached: the connection's own error and help.
            EvalError::Open(PresentError::Connect { source, .. }) => anyhow::Error::from_boxed(source),
            e => anyhow::Error::new(e),
        })
        .with_context(|| format!("cannot evaluate {} on {}", args.image.display(), args.target))?;
    let title = format!(
        "{} on {}: {}/{} = {:.2} % ({})",
        image.meta.name,
        args.target,
        evaluation.correct(),
        evaluation.samples(),
        100.0 * evaluation.accuracy(),
        data.path.file_name().map_or(data.path.display().to_string(), |f| f.to_string_lossy().into_owned())
    );
    let files = render_files(args, &evaluation, &title)?;
    let created = files
        .iter()
        .map(|(path, text)| {
            let mut file = output::create(path)?;
            file.write_all(text.as_bytes())
                .map_err(|reason| output::OutputError::Write { path: path.to_path_buf(), reason })?;
            Ok((path, file))
        })
        .collect::<Result<Vec<_>, output::OutputError>>()?;
    for (path, file) in created {
        output::commit(path, file)?;
    }
    if !args.quiet {
        let mut out = io::BufWriter::new(io::stdout().lock());
        render_report(&mut out, args, &data, &evaluation, threads)?;
        for (path, _) in &files {
            writeln!(out, "wrote {}", path.display())?;
        }
        out.flush()?;
    }
    Ok(())
}

/// The contents of the files asked for, before any is written.
fn render_files<'a>(args: &'a EvalArgs, e: &Evaluation, title: &str) -> anyhow::Result<Vec<(&'a Path, String)>> {
    let mut files = Vec::new();
    if let Some(path) = &args.confusion_svg {
        let svg = ncx::learn::plot::confusion_svg(&e.confusion(), title).context("cannot draw the confusion matrix")?;
        files.push((path.as_path(), svg));
    }
    if let Some(path) = &args.confusion_csv {
        files.push((path.as_path(), e.confusion_csv()));
    }
    if let Some(path) = &args.predictions {
        files.push((path.as_path(), e.predictions_csv()));
    }
    Ok(files)
}

/// The report on stdout.
fn render_report(
    out: &mut impl Write,
    args: &EvalArgs,
    data: &Dataset,
    e: &Evaluation,
    threads: usize,
) -> io::Result<()> {
    let split = args.split.as_ref().map_or(String::new(), |s| format!(" (split {}:{})", s.path.display(), s.key));
    writeln!(out, "ncx eval: {} on {}", args.image.display(), args.target)?;
    writeln!(out, "samples:   {} of {}{split}", e.samples(), data.path.display())?;
    let percent = |x: f64| format!("{:.2} %", 100.0 * x);
    let width = e.samples().to_string().len();
    writeln!(out, "accuracy:  {}/{} = {}", e.correct(), e.samples(), percent(e.accuracy()))?;
    writeln!(out, "no spike:  {} samples", e.no_spike())?;
    writeln!(out, "recall per class:")?;
    for (class, (row, recall)) in e.confusion().iter().zip(e.recall()).enumerate() {
        let total: u32 = row.iter().sum();
        match recall {
            Some(r) => {
                let fraction = format!("{}/{total}", row[class]);
                writeln!(out, "  {class:>3}  {fraction:<w$}  {:>8}", percent(r), w = 2 * width + 1)?
            }
            None => writeln!(out, "  {class:>3}  no sample")?,
        }
    }
    writeln!(out, "confusion (rows: true class; columns: predicted class, - = no spike):")?;
    for line in e.confusion_text().lines() {
        writeln!(out, "  {line}")?;
    }
    let how = match args.target {
        Target::Model => format!("{threads} thread{}", if threads == 1 { "" } else { "s" }),
        Target::Device { .. } => "one device".to_owned(),
    };
    writeln!(out, "speed:     {:.0} images/s ({:.3} s wall, {how})", e.images_per_second(), e.seconds)
}
