//! `ncx check`: run a network on the reference model and on the RTL core (Verilated)
//! in lock step and compare every architectural event — kind, cycle and every field —
//! every timestep's length, and at the end every byte of every memory
//! (`ncx_hdl::lockstep`). Exit 0 with `matched N events`, exit 1 with the first
//! divergence, exit 2 on any other error. A build without co-simulation (cargo feature
//! `cosim`) has the command, which says how to get it ([`ncx::cosim`]).

use std::fmt;
use std::path::PathBuf;
#[cfg(feature = "cosim")]
use std::time::Instant;

#[cfg(feature = "cosim")]
use anyhow::Context;
use anyhow::bail;
use clap::{Args, ValueEnum};
#[cfg(feature = "cosim")]
use ncx::progress::Progress;
#[cfg(feature = "cosim")]
use ncx::stimulus::{self, Stimulus, StimulusOptions};
#[cfg(feature = "cosim")]
use ncx_hdl::lockstep::{CheckError, LockStep};

#[cfg(feature = "cosim")]
use super::progress::Bar;

/// What the model is checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Against {
    /// The RTL core (hdl/rtl/ncx_core.sv) simulated by Verilator.
    Verilator,
}

/// Options of `ncx check`.
#[derive(Debug, Clone, Args)]
pub(crate) struct CheckArgs {
    /// The network: a description (.toml, compiled first) or a compiled image (.ncx).
    #[arg(value_name = "NET")]
    pub(crate) net: PathBuf,

    /// Input spikes: a .toml or .csv stimulus (docs/stimulus-format.md). Without it the
    /// inputs stay silent.
    #[arg(long, value_name = "FILE")]
    pub(crate) stimulus: Option<PathBuf>,

    /// Number of timesteps to run (at least 1).
    #[arg(long, value_name = "T", value_parser = super::run::parse_steps)]
    pub(crate) steps: usize,

    /// What to check the model against.
    #[arg(long, value_enum, default_value = "verilator")]
    pub(crate) against: Against,

    /// Seed of the stimulus's random encoders, overriding the stimulus file's `seed`.
    #[arg(long, value_name = "N")]
    pub(crate) seed: Option<u64>,

    /// Print only the result line (and no progress bar).
    #[arg(long, short)]
    pub(crate) quiet: bool,
}

/// The check ran and found a difference: `main` exits with status 1.
#[derive(Debug)]
pub(crate) struct Diverged(pub(crate) String);

impl fmt::Display for Diverged {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Diverged {}

#[cfg(not(feature = "cosim"))]
pub(crate) fn run(args: &CheckArgs) -> anyhow::Result<()> {
    let Against::Verilator = args.against;
    let (missing, help) = (ncx::cosim::MISSING, ncx::cosim::HELP);
    bail!("ncx check needs the RTL to check {} against, but {missing}\nhelp: {help}", args.net.display())
}

#[cfg(feature = "cosim")]
pub(crate) fn run(args: &CheckArgs) -> anyhow::Result<()> {
    let Against::Verilator = args.against;
    if !ncx_hdl::COSIM_AVAILABLE {
        bail!(
            "this ncx was built without Verilator, so it has no RTL to check against\nhelp: install it \
             (bash scripts/setup.sh) and rebuild ncx"
        );
    }
    let (image, _) = super::run::load_network(&args.net)?;
    let options = StimulusOptions { steps: args.steps, seed: args.seed };
    let stimulus = match &args.stimulus {
        Some(path) => {
            let loaded = stimulus::load(path, &image, &options)?;
            for warning in &loaded.warnings {
                eprintln!("warning: {warning}");
            }
            loaded.stimulus
        }
        None => Stimulus::silent(args.steps),
    };
    let core = image.to_core().with_context(|| format!("cannot load {} into the model", args.net.display()))?;
    lockstep(args, core, &stimulus)
}

#[cfg(feature = "cosim")]
fn lockstep(args: &CheckArgs, core: ncx_model::Core, stimulus: &Stimulus) -> anyhow::Result<()> {
    let (n, m) = (core.geometry().neurons(), core.geometry().inputs());
    let started = Instant::now();
    let mut check = LockStep::new(core).map_err(|e| match e {
        CheckError::Diverged(d) => anyhow::Error::new(Diverged(format!("after loading the image: {d}"))),
        e => anyhow::Error::new(e).context(format!("cannot check {}", args.net.display())),
    })?;
    let mut bar = Bar::new(args.quiet, "timesteps");
    bar.init(args.steps as u64);
    let mut cycles = 0u64;
    let mut outcome = Ok(());
    let mut inputs = stimulus.cursor();
    for t in 0..args.steps {
        match check.step(inputs.next_step()) {
            Ok(report) => cycles += report.cycles,
            Err(e) => {
                outcome = Err(e);
                break;
            }
        }
        bar.update(t as u64 + 1);
    }
    let outcome = outcome.and_then(|()| check.check_memories());
    bar.finish();
    match outcome {
        Ok(()) => {
            let wall = started.elapsed().as_secs_f64();
            println!(
                "matched {} events in {} timesteps ({cycles} cycles) of {}, {n} neurons x {m} inputs; every memory \
                 byte equal ({wall:.1} s)",
                check.matched(),
                args.steps,
                args.net.display()
            );
            Ok(())
        }
        Err(CheckError::Diverged(d)) => {
            Err(Diverged(format!("{d}\n(matched {} events before it)", check.matched())).into())
        }
        Err(e) => Err(anyhow::Error::new(e).context(format!("cannot check {}", args.net.display()))),
    }
}

#[cfg(all(test, not(feature = "cosim")))]
mod tests {
    use super::*;

    #[test]
    fn without_cosim_check_says_how_to_get_it() {
        let args = CheckArgs {
            net: PathBuf::from("net.toml"),
            stimulus: None,
            steps: 1,
            against: Against::Verilator,
            seed: None,
            quiet: true,
        };
        let message = run(&args).unwrap_err().to_string();
        assert!(message.contains("cargo feature `cosim`"), "{message}");
        assert!(message.contains("help: rebuild ncx with its default features"), "{message}");
    }
}
