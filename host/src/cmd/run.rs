//! `ncx run`: run a network (a `.toml` description, compiled first, or a `.ncx`
//! image) for a number of timesteps with a stimulus, write the raster, probe and plot
//! files asked for, optionally save the image with its learned weights, and print a
//! summary (docs/outputs.md).

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, bail};
use clap::Args;
use ncx::compile::{self, CompileOptions};
use ncx::image::{Image, file};
use ncx::output::{self, OutputError, RunFiles, RunPaths, Written};
use ncx::run::{self, RunError, RunOptions, RunSummary, Sink, Step, Target};
use ncx::stimulus::{self, Stimulus, StimulusOptions};

use super::device::{LinkArgs, RunConnect};
use super::progress::Bar;

/// Options of `ncx run`.
#[derive(Debug, Clone, Args)]
pub(crate) struct RunArgs {
    /// The network: a description (.toml, compiled first) or a compiled image (.ncx).
    #[arg(value_name = "NET")]
    pub(crate) net: PathBuf,

    /// Input spikes: a .toml or .csv stimulus (docs/stimulus-format.md). Without it the
    /// inputs stay silent.
    #[arg(long, value_name = "FILE")]
    pub(crate) stimulus: Option<PathBuf>,

    /// Number of timesteps to run (at least 1).
    #[arg(long, value_name = "T", value_parser = parse_steps)]
    pub(crate) steps: usize,

    /// Where to run the network: `model` (the reference model in-process), or a device
    /// through the ncx/1 driver — `model-device` (the device model in-process), `pty`,
    /// `verilator` (the RTL device simulated by Verilator),
    /// `serial:<path>[@<baud>]`, `faulty:<seed>:<faults>[:<target>]`.
    #[arg(long, value_name = "TARGET", default_value = "model")]
    pub(crate) target: Target,

    /// `--retries` and `--slack`.
    #[command(flatten)]
    pub(crate) link: LinkArgs,

    /// Write the spikes of the recorded neurons as CSV (timestep,neuron,population,index).
    #[arg(long, value_name = "CSV")]
    pub(crate) raster: Option<PathBuf>,

    /// Write v and I of the probed neurons after every timestep as CSV
    /// (timestep,neuron,population,index,v,i; raw core units).
    #[arg(long, value_name = "CSV")]
    pub(crate) probe: Option<PathBuf>,

    /// Draw the raster (and the probed potentials) as an SVG plot.
    #[arg(long, value_name = "SVG")]
    pub(crate) plot: Option<PathBuf>,

    /// Save the image with the weights at the end of the run (learned by STDP) as .ncx.
    #[arg(long, value_name = "NCX")]
    pub(crate) save_image: Option<PathBuf>,

    /// Print no summary and no progress bar (warnings and errors still go to stderr).
    #[arg(long, short)]
    pub(crate) quiet: bool,

    /// Seed of the stimulus's random encoders, overriding the stimulus file's `seed`.
    #[arg(long, value_name = "N")]
    pub(crate) seed: Option<u64>,

    /// On a device target: record the session to FILE, every byte each way with its time
    /// and a manifest; `ncx replay FILE` plays it back (docs/recording.md).
    #[arg(long, value_name = "FILE")]
    pub(crate) record: Option<PathBuf>,
}

pub(crate) fn parse_steps(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(0) => Err("a run needs at least 1 timestep".to_owned()),
        Ok(steps) => Ok(steps),
        Err(_) => Err(format!("expected a whole number of timesteps, at least 1 (at most {})", usize::MAX)),
    }
}

pub(crate) fn run(args: &RunArgs) -> anyhow::Result<()> {
    let paths = RunPaths {
        raster: args.raster.as_deref(),
        probe: args.probe.as_deref(),
        plot: args.plot.as_deref(),
        save_image: args.save_image.as_deref(),
    };
    let mut inputs = vec![args.net.as_path()];
    inputs.extend(args.stimulus.as_deref());
    if args.record.is_some() && args.target == Target::Model {
        bail!(
            "--record needs a device target: the model target has no link to record\nhelp: run on \
             --target model-device (the device model through the driver) or a board to record the session"
        );
    }
    let mut outputs = paths.named();
    outputs.extend(args.record.as_deref().map(|path| ("--record", path)));
    // An output over an input or over another output fails before any work.
    output::check_outputs(&inputs, &outputs)?;
    let (image, sources) = load_network(&args.net)?;
    inputs.extend(sources.iter().map(PathBuf::as_path));
    output::check_outputs(&inputs, &outputs)?;
    let options = StimulusOptions { steps: args.steps, seed: args.seed };
    let (stimulus, seed) = match &args.stimulus {
        Some(path) => {
            let loaded = stimulus::load(path, &image, &options)?;
            for warning in &loaded.warnings {
                eprintln!("warning: {warning}");
            }
            (loaded.stimulus, Some(loaded.seed))
        }
        None => (Stimulus::silent(args.steps), None),
    };
    // Every file is created before the first timestep and grows as the run goes.
    let files = RunFiles::create(&paths, &image.meta, image.geometry, args.steps as u64)?;
    // Ctrl-C and SIGTERM stop the run after the current timestep; the files keep the rest.
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    ctrlc::set_handler(move || flag.store(true, Ordering::Relaxed))
        .context("cannot install the handler of Ctrl-C and SIGTERM")?;
    let mut sink = Interruptible { files, stop };
    let mut bar = Bar::new(args.quiet, "timesteps");
    let options = RunOptions { steps: args.steps, target: args.target.clone() };
    let mut connect =
        RunConnect { options: args.link.options(), record: args.record.as_deref(), image: &image, steps: args.steps };
    let outcome = run::run_with(&image, &stimulus, &options, &mut connect, &mut bar, &mut sink)
        .map_err(|e| match e {
            // The device's errors, as they are: their messages, causes and help lines.
            RunError::Connect(e) => anyhow::Error::from_boxed(e),
            RunError::Device(e) => anyhow::Error::new(e),
            e => anyhow::Error::new(e),
        })
        .with_context(|| match &args.target {
            Target::Model => format!("cannot run {}", args.net.display()),
            Target::Device { name, .. } => format!("cannot run {} on {name}", args.net.display()),
        });
    let files = sink.files;
    let summary = match outcome {
        Ok(summary) => summary,
        Err(error) => {
            // Keep what was recorded: the files hold every timestep before the stop. With
            // nothing recorded they are dropped, and what was on disk stays as it was.
            let completed = files.timesteps();
            if completed == 0 {
                return Err(error);
            }
            match files.finish(None) {
                Ok(written) => {
                    for file in written {
                        let what = if file.what.is_empty() { String::new() } else { format!("{}; ", file.what) };
                        let (path, last) = (file.path.display(), completed - 1);
                        eprintln!("kept {path} ({what}partial: timesteps 0 to {last} of {})", args.steps);
                    }
                }
                Err(e) => eprintln!("error: {}", ncx::error::Report(&e)),
            }
            return Err(error);
        }
    };
    let learned = args.save_image.is_some().then(|| summary.learned_image(&image));
    let written = files.finish(learned.as_ref())?;
    if !args.quiet {
        let mut out = io::BufWriter::new(io::stdout().lock());
        render_summary(&mut out, args, seed, &image, &summary, &written)?;
        out.flush()?;
    }
    Ok(())
}

/// The run's files, until Ctrl-C or SIGTERM sets `stop`: then the next timestep
/// fails with [`OutputError::Interrupted`], which ends the run like any failure (the
/// files keep what was recorded).
struct Interruptible<'m> {
    files: RunFiles<'m>,
    stop: Arc<AtomicBool>,
}

impl Sink for Interruptible<'_> {
    fn step(&mut self, step: &Step<'_>) -> Result<(), OutputError> {
        if self.stop.load(Ordering::Relaxed) {
            return Err(OutputError::Interrupted);
        }
        self.files.step(step)
    }
}

/// Compile a `.toml` description or read a `.ncx` image; also returns every file read.
pub(crate) fn load_network(path: &Path) -> anyhow::Result<(Image, Vec<PathBuf>)> {
    if path.is_dir() {
        bail!(
            "{} is a directory, not a network\nhelp: give a network description (.toml) or a compiled image (.ncx)",
            path.display()
        );
    }
    let extension = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    match extension.as_str() {
        "toml" => {
            let compiled = compile::compile_file(path, &CompileOptions::default())
                .with_context(|| format!("cannot compile {}", path.display()))?;
            Ok((compiled.image, compiled.network.files))
        }
        "ncx" => Ok((file::read_file(path)?, vec![path.to_owned()])),
        "" => bail!(
            "{}: the file has no extension, so ncx cannot tell what it is\nhelp: give a network description \
             (.toml) or a compiled image (.ncx)",
            path.display()
        ),
        _ => bail!(
            "{}: unknown network file type {extension:?}\nhelp: give a network description (.toml) or a compiled \
             image (.ncx)",
            path.display()
        ),
    }
}

/// The summary of docs/outputs.md §7; `seed` is the stimulus's, if there is one.
fn render_summary(
    out: &mut impl Write,
    args: &RunArgs,
    seed: Option<u64>,
    image: &Image,
    result: &RunSummary,
    written: &[Written],
) -> io::Result<()> {
    let meta = &image.meta;
    let name = if meta.name.is_empty() { args.net.display().to_string() } else { meta.name.clone() };
    let (n, m) = (image.geometry.neurons(), image.geometry.inputs());
    let target = match &args.target {
        Target::Model => "model".to_owned(),
        Target::Device { name, .. } => format!("device on {name}"),
    };
    writeln!(out, "ncx run: {name} on the {target}, {n} neurons x {m} inputs")?;
    let stimulus = match (&args.stimulus, seed) {
        (Some(path), Some(seed)) => format!("{} (seed {seed})", path.display()),
        _ => "none".to_owned(),
    };
    writeln!(out, "stimulus:              {stimulus}, {} input spikes", result.input_spikes)?;
    let steps = result.steps as f64;
    let timestep_s = f64::from(meta.timestep_us) / 1e6;
    if meta.timestep_us > 0 {
        let simulated = seconds(steps * timestep_s);
        writeln!(out, "steps:                 {} ({} µs each, {simulated} simulated)", result.steps, meta.timestep_us)?;
    } else {
        writeln!(out, "steps:                 {}", result.steps)?;
    }
    writeln!(out, "spikes per population:")?;
    let width = meta.populations.iter().map(|b| b.name.len()).max().unwrap_or(0);
    for (block, &count) in meta.populations.iter().zip(&result.spikes_per_population) {
        let rate = if meta.timestep_us > 0 && block.len > 0 {
            format!(", {:.2} Hz per neuron", count as f64 / (f64::from(block.len) * steps * timestep_s))
        } else {
            String::new()
        };
        let (spikes, neurons) = (plural(count, "spike"), plural(block.len.into(), "neuron"));
        writeln!(out, "  {:<width$}  {spikes} in {neurons}{rate}", block.name)?;
    }
    writeln!(out, "total spikes:          {}", result.total_spikes)?;
    let real = if meta.clock_hz > 0 {
        format!(" = {} at {} MHz", seconds(result.cycles as f64 / f64::from(meta.clock_hz)), meta.clock_hz as f64 / 1e6)
    } else {
        String::new()
    };
    if args.target == Target::Model {
        writeln!(out, "simulated core cycles: {}{real}", result.cycles)?;
    } else {
        writeln!(out, "simulated core cycles: not reported by the device")?;
    }
    if result.overruns > 0 {
        writeln!(out, "overruns:              {} timesteps took longer than the period", result.overruns)?;
    }
    match result.timesteps_per_second() {
        Some(rate) => {
            writeln!(out, "wall clock:            {}, {rate:.0} timesteps/s", seconds(result.wall.as_secs_f64()))?
        }
        None => writeln!(out, "wall clock:            too fast to measure")?,
    }
    let changes: Vec<String> = result
        .weight_changes
        .iter()
        .filter(|c| c.changed > 0)
        .map(|c| format!("{} {} (mean |Δw| {:.2})", c.matrix, plural(c.changed, "synapse"), c.mean_abs_delta()))
        .collect();
    if !changes.is_empty() {
        writeln!(out, "STDP changed:          {}", changes.join(", "))?;
    }
    for file in written {
        match file.what.as_str() {
            "" => writeln!(out, "wrote {}", file.path.display())?,
            what => writeln!(out, "wrote {} ({what})", file.path.display())?,
        }
    }
    Ok(())
}

/// `count` and `noun`, plural unless the count is 1.
fn plural(count: u64, noun: &str) -> String {
    if count == 1 { format!("1 {noun}") } else { format!("{count} {noun}s") }
}

/// A time in seconds in the unit that keeps it readable.
fn seconds(s: f64) -> String {
    if s < 1e-3 {
        format!("{:.2} µs", s * 1e6)
    } else if s < 1.0 {
        format!("{:.2} ms", s * 1e3)
    } else {
        format!("{s:.2} s")
    }
}
