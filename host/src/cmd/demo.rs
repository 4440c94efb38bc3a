//! `ncx demo`: run a small built-in network on the reference model and print its
//! spike raster, a row per timestep as it runs, and a summary.

use std::io::{self, Write};
use std::time::Duration;

use anyhow::Context;
use clap::Args;
use ncx::demo::{self, DemoError, DemoSummary};

/// Options of `ncx demo`.
#[derive(Debug, Clone, Args)]
pub(crate) struct DemoArgs {
    /// Number of timesteps to simulate (at least 1).
    #[arg(long, value_name = "N", default_value_t = demo::DEFAULT_STEPS, value_parser = parse_steps)]
    pub(crate) steps: usize,

    /// Seed of the input spike generator; the same seed always gives the same raster.
    #[arg(long, value_name = "S", default_value_t = demo::DEFAULT_SEED)]
    pub(crate) seed: u64,
}

fn parse_steps(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(0) => Err("the demo needs at least 1 timestep".to_owned()),
        Ok(steps) => Ok(steps),
        Err(_) => Err(format!("expected a whole number of timesteps, at least 1 (at most {})", usize::MAX)),
    }
}

pub(crate) fn run(args: &DemoArgs) -> anyhow::Result<()> {
    let geometry = demo::geometry().context("ncx demo failed")?;
    let mut out = io::BufWriter::new(io::stdout().lock());
    let (n, m) = (geometry.neurons(), geometry.inputs());
    let written = (|| {
        writeln!(out, "ncx demo: NCX-1 core, {n} neurons x {m} inputs, {} timesteps, seed {}", args.steps, args.seed)?;
        writeln!(out, "{:>6}  neurons 0..{} ('|' = spike)", "step", n - 1)?;
        Ok(())
    })();
    // Rows are printed as the run goes: memory does not grow with --steps.
    let mut step = 0u64;
    let run = written.map_err(DemoError::Output).and_then(|()| {
        demo::run_each(args.steps, args.seed, |_, spikes| {
            let row: String =
                (0..n).map(|i| if spikes.iter().any(|&s| usize::from(s) == i) { '|' } else { '.' }).collect();
            writeln!(out, "{step:>6}  {row}")?;
            step += 1;
            Ok(())
        })
    });
    let summary = match run {
        Ok(summary) => summary,
        // The reader went away (`ncx demo | head`): not an error of the demo.
        Err(DemoError::Output(e)) if e.kind() == io::ErrorKind::BrokenPipe => return Ok(()),
        Err(e) => return Err(anyhow::Error::new(e).context("ncx demo failed")),
    };
    match render_summary(&mut out, &summary).and_then(|()| out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        written => Ok(written?),
    }
}

/// The summary after the raster.
fn render_summary(out: &mut impl Write, run: &DemoSummary) -> io::Result<()> {
    let per_neuron: Vec<String> = run.spikes_per_neuron.iter().map(u64::to_string).collect();
    writeln!(out, "steps:                 {}", run.steps)?;
    writeln!(out, "total spikes:          {}", run.total_spikes())?;
    writeln!(out, "spikes per neuron:     {}", per_neuron.join(" "))?;
    let per_step = run.cycles as f64 / run.steps as f64;
    writeln!(out, "simulated core cycles: {} ({per_step:.1} per timestep)", run.cycles)?;
    match run.timesteps_per_second() {
        Some(rate) => writeln!(out, "wall clock:            {}, {rate:.0} timesteps/s", human(run.elapsed))?,
        None => writeln!(out, "wall clock:            too fast to measure")?,
    }
    Ok(())
}

/// A duration in the unit that keeps it readable.
fn human(d: Duration) -> String {
    let seconds = d.as_secs_f64();
    if seconds < 1e-3 {
        format!("{:.1} µs", seconds * 1e6)
    } else if seconds < 1.0 {
        format!("{:.2} ms", seconds * 1e3)
    } else {
        format!("{seconds:.2} s")
    }
}
