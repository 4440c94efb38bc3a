//! `ncx`: the command-line front end of the NCX-1 toolchain.
//!
//! Parses the command line, runs one subcommand (each in its own module under
//! `cmd/`) and renders errors. Exit status: 0 on success, 2 on any error (bad
//! input, usage errors from clap) — the same code for every command, so scripts can
//! rely on it.

#![warn(clippy::unwrap_used)]

mod cmd;

use std::io;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// The toolchain of the NCX-1 all-to-all LIF + STDP spiking core.
#[derive(Debug, Parser)]
#[command(name = "ncx", version)]
struct Cli {
    /// What to do.
    #[command(subcommand)]
    command: Command,
}

/// The subcommands of `ncx`.
#[derive(Debug, Subcommand)]
enum Command {
    /// Run a small built-in network on the reference model and print its spike raster.
    ///
    /// The network has 16 neurons (12 excitatory, 4 inhibitory) and 16 input axons
    /// driven by seeded Poisson-like spike trains. Prints one raster line per
    /// timestep ('|' = spike, '.' = none, neuron 0 first), then a summary: spikes,
    /// simulated core cycles and the model's speed on this machine.
    Demo(cmd::demo::DemoArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Demo(args) => cmd::demo::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`ncx demo | head`) is the reader's choice, not an error.
        Err(e) if e.downcast_ref::<io::Error>().is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe) => {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
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
        assert_eq!((args.steps, args.seed), (ncx::demo::DEFAULT_STEPS, ncx::demo::DEFAULT_SEED));
        let Command::Demo(args) = Cli::try_parse_from(["ncx", "demo", "--steps", "7", "--seed", "9"]).unwrap().command;
        assert_eq!((args.steps, args.seed), (7, 9));
        assert!(Cli::try_parse_from(["ncx", "demo", "--steps", "0"]).is_err());
        assert!(Cli::try_parse_from(["ncx", "demo", "--steps", "-3"]).is_err());
    }
}
