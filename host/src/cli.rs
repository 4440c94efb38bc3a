//! The command line of the `ncx` binary, declared with clap's derive API.
//!
//! Only the declaration lives here (so that it can be checked in unit tests); the
//! binary parses it, runs the library and renders the results.

use clap::{Args, Parser, Subcommand};

use crate::demo;

/// The toolchain of the NCX-1 all-to-all LIF + STDP spiking core.
///
/// Only `ncx demo` exists so far; more commands arrive with later issues.
#[derive(Debug, Parser)]
#[command(name = "ncx", version)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands of `ncx`.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a small built-in network on the reference model and print its spike raster.
    ///
    /// The network has 16 neurons (12 excitatory, 4 inhibitory) and 16 input axons
    /// driven by seeded Poisson-like spike trains. Prints one raster line per
    /// timestep ('|' = spike, '.' = none, neuron 0 first), then a summary: spikes,
    /// simulated core cycles and the model's speed on this machine.
    Demo(DemoArgs),
}

/// Options of `ncx demo`.
#[derive(Debug, Clone, Args)]
pub struct DemoArgs {
    /// Number of timesteps to simulate (at least 1).
    #[arg(long, value_name = "N", default_value_t = demo::DEFAULT_STEPS, value_parser = parse_steps)]
    pub steps: usize,

    /// Seed of the input spike generator; the same seed always gives the same raster.
    #[arg(long, value_name = "S", default_value_t = demo::DEFAULT_SEED)]
    pub seed: u64,
}

fn parse_steps(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(0) => Err("the demo needs at least 1 timestep".to_owned()),
        Ok(steps) => Ok(steps),
        Err(_) => Err(format!("expected a whole number of timesteps, at least 1 (at most {})", usize::MAX)),
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn demo_defaults_and_options() {
        let Command::Demo(args) = Cli::try_parse_from(["ncx", "demo"]).unwrap().command;
        assert_eq!((args.steps, args.seed), (demo::DEFAULT_STEPS, demo::DEFAULT_SEED));
        let Command::Demo(args) = Cli::try_parse_from(["ncx", "demo", "--steps", "7", "--seed", "9"]).unwrap().command;
        assert_eq!((args.steps, args.seed), (7, 9));
        assert!(Cli::try_parse_from(["ncx", "demo", "--steps", "0"]).is_err());
        assert!(Cli::try_parse_from(["ncx", "demo", "--steps", "-3"]).is_err());
    }
}
