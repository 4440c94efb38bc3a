//! `ncx`: the command-line front end of the NCX-1 toolchain.
//!
//! Parses the command line, runs one subcommand (each in its own module under
//! `cmd/`) and renders errors. Exit status: 0 on success, 2 on any error (bad
//! input, usage errors from clap) — the same code for every command, so scripts can
//! rely on it — and 1 when `ncx check` ran and found the RTL and the model differ, or
//! `ncx replay` found the recorded device and the model differ.

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
    /// Compile a network description (.toml) into a device image (.ncx).
    ///
    /// Reads NET and the files it includes (docs/network-format.md), places the
    /// populations and input groups on the core, quantises every parameter and
    /// writes the image (default: NET with the extension .ncx). Prints the placement
    /// map and the quantisation report; warnings go to stderr, and with --strict they
    /// are errors (exit status 2, nothing written).
    Compile(cmd::compile::CompileArgs),
    /// Summarise a device image: geometry, configuration, placement, weights.
    ///
    /// Shows the name, format version, size and content hash, the geometry and field
    /// widths, the configuration (weight shift, pacing period in time at the stored
    /// clock, STDP), where each population and input group sits on the core, per weight
    /// matrix the non-zero and plastic synapse counts, weight range, a histogram and
    /// the same per (source → population) projection, and neuron parameter ranges per
    /// population. A .toml network description is compiled in memory first.
    Inspect(cmd::inspect::InspectArgs),
    /// Run a network on a target with a stimulus and write what it did.
    ///
    /// NET is a network description (.toml, compiled first) or an image (.ncx). The
    /// stimulus (.toml or .csv, docs/stimulus-format.md) drives the input groups for
    /// --steps timesteps. Writes the raster and probe CSVs and an SVG plot if asked
    /// (docs/outputs.md), saves the image with its learned weights with --save-image,
    /// and prints a summary: spikes per population and their rates, simulated core
    /// cycles and their duration at the image's clock, wall time, STDP weight changes.
    Run(cmd::run::RunArgs),
    /// List the serial ports of this machine, to find a board's port.
    ///
    /// Prints one line per port: its path and how it is connected (USB with
    /// vendor:product, serial number and product name when known; pci, bluetooth, pty
    /// or unknown). Use the path as `--target serial:<path>`.
    Ports(cmd::ports::PortsArgs),
    /// Serve a virtual board (the device model) on a pseudo-terminal.
    ///
    /// Creates a pty, prints the path of its serial end on one line (e.g. `virtual
    /// board on /dev/pts/5 (ncx/1, 256 x 256, model)`) and answers ncx/1 on it like a
    /// board until interrupted (Ctrl-C or SIGTERM: exit status 0). Any serial client can
    /// connect to the path, as to a board: `--target serial:/dev/pts/5`.
    Emulate(cmd::emulate::EmulateArgs),
    /// Connect to a device and print what it says about itself.
    ///
    /// Prints the protocol version, geometry, field widths (and whether they match this
    /// host's), clock, baud rate (clock / divisor), build id, features, accumulate
    /// lanes and buffer sizes from HELLO. The `model` and `pty` targets are a fresh
    /// 256 x 256 device model.
    Info(cmd::info::InfoArgs),
    /// Upload an image (.ncx) to a device and verify it.
    ///
    /// Refuses an image built for another geometry or other field widths, writes the
    /// image's regions in chunks (a progress bar shows bytes, rate and time left), then
    /// verifies with one CRC per region (--verify crc) or by reading everything back
    /// (--verify full). Resets the device's state.
    Flash(cmd::flash::FlashArgs),
    /// Read a device's memories back into a file.
    ///
    /// --what weights (W_in, W_rec and their enable bits), state (v, I, refractory
    /// counters, STDP traces) or all; the output's extension chooses the format:
    /// .toml (a summary), .csv (array,row,col,value) or .npy (one NumPy file per array).
    Readback(cmd::readback::ReadbackArgs),
    /// Check a device and its link step by step.
    ///
    /// Opens the link, says HELLO, checks the protocol version and widths, checks the
    /// read path (READ and CRC of every region agree; nothing is written), times STATUS
    /// round trips and prints the device's receiver counters.
    Doctor(cmd::doctor::DoctorArgs),
    /// Replay a recorded session against the device model and compare what comes back.
    ///
    /// FILE is a recording made with `--record FILE` on a device command (info, flash,
    /// readback, doctor, run --target). Plays the host's side of it — every byte sent, in
    /// the recorded order — against a fresh device configured as the recorded one said in
    /// HELLO (--backend model, through the same fault injector if the session had one; or
    /// the RTL device with --backend verilator) and compares its replies and output frames
    /// with the recorded device's (docs/recording.md). Prints `the device matches the
    /// model` and exits 0, or the first byte that differs — its offset in the device's
    /// stream, both values, the frame, the command it answers and the timestep — and
    /// exits 1. An unreadable, unknown-version or missing recording exits 2.
    Replay(cmd::replay::ReplayArgs),
    /// Check the RTL core against the reference model, cycle by cycle.
    ///
    /// Loads NET (a .toml description, compiled first, or a .ncx image) into the model
    /// and into the Verilated RTL core (hdl/rtl/ncx_core.sv) of the same geometry, runs
    /// --steps timesteps of the stimulus on both in lock step and compares every
    /// architectural event (neuron updates, spikes, weight writes, timestep ends) by
    /// kind, cycle and field, every timestep's length, and at the end every memory
    /// byte. Prints `matched N events` and exits 0, or prints the first divergence
    /// (timestep, cycle, event, field, model value, RTL value) and exits 1.
    Check(cmd::check::CheckArgs),
    /// Real boards: list them, build their bitstreams, program them.
    ///
    /// `ncx hw boards` lists the supported boards (hdl/boards/boards.toml); `ncx hw build
    /// --board B` runs the FPGA flow and writes the bitstream and a JSON build report;
    /// `ncx hw program --board B [BITSTREAM]` loads it with iceprog or openFPGALoader
    /// (docs/boards.md).
    Hw(cmd::hw::HwArgs),
    /// Train a classifier for the core: offline for its integer dynamics, or on a device
    /// with its own STDP (--on-chip).
    Train(cmd::train::TrainArgs),
    /// Evaluate an image as a classifier on a labelled data set.
    Eval(cmd::eval::EvalArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Demo(args) => cmd::demo::run(&args),
        Command::Compile(args) => cmd::compile::run(&args),
        Command::Inspect(args) => cmd::inspect::run(&args),
        Command::Run(args) => cmd::run::run(&args),
        Command::Ports(args) => cmd::ports::run(&args),
        Command::Emulate(args) => cmd::emulate::run(&args),
        Command::Info(args) => cmd::info::run(&args),
        Command::Flash(args) => cmd::flash::run(&args),
        Command::Readback(args) => cmd::readback::run(&args),
        Command::Doctor(args) => cmd::doctor::run(&args),
        Command::Replay(args) => cmd::replay::run(&args),
        Command::Check(args) => cmd::check::run(&args),
        Command::Hw(args) => cmd::hw::run(&args),
        Command::Train(args) => cmd::train::run(&args),
        Command::Eval(args) => cmd::eval::run(&args),
    };
    // Every session recorded with `--record` ends with the command's outcome.
    cmd::device::finish_recordings(&result);
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`ncx demo | head`) is the reader's choice, not an error.
        Err(e) if e.downcast_ref::<io::Error>().is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe) => {
            ExitCode::SUCCESS
        }
        // `ncx check` found a difference: its report, and status 1.
        Err(e) if e.downcast_ref::<cmd::check::Diverged>().is_some() => {
            println!("{e}");
            ExitCode::from(1)
        }
        // `ncx replay` found the device differs from the model: its report, and status 1.
        Err(e) if e.downcast_ref::<cmd::replay::Differs>().is_some() => {
            println!("{e}");
            ExitCode::from(1)
        }
        // The message of each context, the error's, then its help lines (ncx::error).
        Err(e) => {
            eprintln!("error: {}", ncx::error::Report(&*e));
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
        let Command::Demo(args) = Cli::try_parse_from(["ncx", "demo"]).unwrap().command else { panic!("not demo") };
        assert_eq!((args.steps, args.seed), (ncx::demo::DEFAULT_STEPS, ncx::demo::DEFAULT_SEED));
        let Command::Demo(args) = Cli::try_parse_from(["ncx", "demo", "--steps", "7", "--seed", "9"]).unwrap().command
        else {
            panic!("not demo")
        };
        assert_eq!((args.steps, args.seed), (7, 9));
        assert!(Cli::try_parse_from(["ncx", "demo", "--steps", "0"]).is_err());
        assert!(Cli::try_parse_from(["ncx", "demo", "--steps", "-3"]).is_err());
    }
}
