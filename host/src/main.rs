//! `ncx`: the command-line front end of the NCX-1 toolchain.
//!
//! Parses the command line ([`ncx::cli`]), runs the library and prints the results;
//! errors are reported through anyhow with their causes, and exit with status 1
//! (usage errors with clap's status 2).

#![warn(clippy::unwrap_used)]

use std::io::{self, Write};
use std::time::Duration;

use anyhow::Context;
use clap::Parser;
use ncx::cli::{Cli, Command, DemoArgs};
use ncx::demo::{self, DemoRun};

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Demo(args) => run_demo(&args),
    };
    match result {
        // A closed pipe (`ncx demo | head`) is the reader's choice, not an error.
        Err(e) if e.downcast_ref::<io::Error>().is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe) => Ok(()),
        other => other,
    }
}

fn run_demo(args: &DemoArgs) -> anyhow::Result<()> {
    let run = demo::run(args.steps, args.seed).context("ncx demo failed")?;
    let mut out = io::BufWriter::new(io::stdout().lock());
    render_demo(&mut out, &run)?;
    out.flush()?;
    Ok(())
}

/// Header, one raster line per timestep, summary.
fn render_demo(out: &mut impl Write, run: &DemoRun) -> io::Result<()> {
    let (n, m) = (run.geometry.neurons(), run.geometry.inputs());
    writeln!(out, "ncx demo: NCX-1 core, {n} neurons x {m} inputs, {} timesteps, seed {}", run.steps(), run.seed)?;
    writeln!(out, "{:>6}  neurons 0..{} ('|' = spike)", "step", n - 1)?;
    for (step, spikes) in run.raster.iter().enumerate() {
        let row: String = (0..n).map(|i| if spikes.iter().any(|&s| usize::from(s) == i) { '|' } else { '.' }).collect();
        writeln!(out, "{step:>6}  {row}")?;
    }
    let per_neuron: Vec<String> = run.spikes_per_neuron.iter().map(u64::to_string).collect();
    writeln!(out, "steps:                 {}", run.steps())?;
    writeln!(out, "total spikes:          {}", run.total_spikes())?;
    writeln!(out, "spikes per neuron:     {}", per_neuron.join(" "))?;
    let per_step = run.cycles as f64 / run.steps() as f64;
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
