//! `ncx emulate --pty`: a virtual board. Creates a pseudo-terminal, prints the path of
//! its serial end on one line (`virtual board on /dev/pts/5 (ncx/1, 256 x 256, model)`),
//! and serves the device on it — the device model, or with `--backend verilator` the RTL
//! simulated by Verilator — so any serial client, `ncx` itself with
//! `--target serial:/dev/pts/5`, can talk to it — until SIGINT or SIGTERM (exit status 0).

use std::io::{self, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};
use ncx::link::PtyPair;
use ncx::link::model::serve;
#[cfg(feature = "cosim")]
use ncx::link::verilator::{self, VerilatorLink};
use ncx_model::Geometry;
use ncx_model::device::{Device, DeviceConfig};

/// Options of `ncx emulate`.
#[derive(Debug, Clone, Args)]
pub(crate) struct EmulateArgs {
    /// Serve the board on a new pseudo-terminal (the only way for now).
    #[arg(long)]
    pub(crate) pty: bool,

    /// What plays the board.
    #[arg(long, value_enum, default_value_t = Backend::Model)]
    pub(crate) backend: Backend,

    /// Neurons of the core (N).
    #[arg(long, value_name = "N", default_value_t = 256)]
    pub(crate) neurons: u16,

    /// Input axons of the core (M).
    #[arg(long, value_name = "M", default_value_t = 256)]
    pub(crate) inputs: u16,

    /// Print only the line with the path (no notes on stderr).
    #[arg(long, short)]
    pub(crate) quiet: bool,
}

/// The note `--backend verilator` prints: the board is slower than the device it
/// reports, so hosts need more than the 50 ms slack of a real device (docs/reliability.md §8).
const RTL_NOTE: &str = "note: this board simulates the RTL slower than real time (far slower than the clock it \
                        reports in HELLO); give hosts more time for every reply with --slack 5000, e.g. `ncx eval \
                        ... --target serial:PATH --slack 5000`";

/// What can play the board.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Backend {
    /// The device model of ncx-model (cycle-accurate core, ncx/1 front end).
    Model,
    /// The RTL device (hdl/rtl/ncx_top.sv) simulated by Verilator; only the geometries the
    /// build verilated (and only in a build with the cargo feature `cosim`).
    Verilator,
}

impl Backend {
    fn name(self) -> &'static str {
        match self {
            Backend::Model => "model",
            Backend::Verilator => "verilator",
        }
    }
}

pub(crate) fn run(args: &EmulateArgs) -> anyhow::Result<()> {
    if !args.pty {
        bail!("ncx emulate needs to know where to serve the board\nhelp: use `ncx emulate --pty`");
    }
    let geometry = Geometry::new(args.neurons.into(), args.inputs.into())
        .with_context(|| format!("cannot emulate a core of {} neurons x {} inputs", args.neurons, args.inputs))?;
    let mut device = match args.backend {
        Backend::Model => Serving::Model(Box::new(Device::new(geometry, DeviceConfig::default()))),
        #[cfg(feature = "cosim")]
        Backend::Verilator => Serving::Rtl(
            VerilatorLink::spawn(geometry).context("cannot start the RTL simulation for --backend verilator")?,
        ),
        #[cfg(not(feature = "cosim"))]
        Backend::Verilator => {
            let (missing, help) = (ncx::cosim::MISSING, ncx::cosim::HELP);
            bail!("--backend verilator needs the RTL, but {missing}\nhelp: {help}; or use --backend model")
        }
    };
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    ctrlc::set_handler(move || flag.store(true, Ordering::Relaxed))
        .context("cannot install the handler of Ctrl-C and SIGTERM")?;
    // The pair's slave end stays open for as long as the board is served, so that clients
    // may come and go without the master seeing a hang-up.
    let PtyPair { mut master, slave: _slave, path } = PtyPair::open()?;
    {
        let mut out = io::stdout().lock();
        writeln!(out, "virtual board on {path} (ncx/1, {} x {}, {})", args.neurons, args.inputs, args.backend.name())?;
        out.flush()?;
    }
    if !args.quiet {
        eprintln!("connect with --target serial:{path}; Ctrl-C stops");
        if args.backend == Backend::Verilator {
            eprintln!("{RTL_NOTE}");
        }
    }
    let started = Instant::now();
    let stats = match &mut device {
        Serving::Model(device) => serve(&mut master, device, &stop),
        #[cfg(feature = "cosim")]
        Serving::Rtl(device) => verilator::serve(&mut master, device, &stop),
    }
    .with_context(|| format!("the virtual board on {path} failed"))?;
    if !args.quiet {
        let discarded =
            if stats.discarded > 0 { format!(", {} discarded (not read)", stats.discarded) } else { String::new() };
        eprintln!(
            "stopped after {:.1} s: {} bytes received, {} sent{discarded}",
            started.elapsed().as_secs_f64(),
            stats.received,
            stats.sent
        );
    }
    Ok(())
}

/// The device being served.
enum Serving {
    Model(Box<Device>),
    #[cfg(feature = "cosim")]
    Rtl(VerilatorLink),
}
