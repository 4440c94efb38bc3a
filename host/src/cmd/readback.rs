//! `ncx readback --target T --what weights|state|all -o OUT`: read a device's memories
//! back and write them by OUT's extension — `.toml` (a summary), `.csv` (every value,
//! one per row) or `.npy` (one NumPy array per memory, `OUT-STEM.<array>.npy`); the
//! formats are docs/outputs.md §10.

use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};
use ncx::driver::{What, readback};
use ncx::output;
use ncx::output::readback::{Format, WriteError};

use super::device::{DeviceArgs, connect};
use super::flash::BytesBar;

/// Options of `ncx readback`.
#[derive(Debug, Clone, Args)]
pub(crate) struct ReadbackArgs {
    #[command(flatten)]
    pub(crate) device: DeviceArgs,

    /// What to read: the weights and enable bits, the neuron state and traces, or both.
    #[arg(long, value_enum, default_value_t = WhatArg::All)]
    pub(crate) what: WhatArg,

    /// Where to write: .toml (summary), .csv (every value) or .npy (one file per array).
    #[arg(long, short, value_name = "OUT")]
    pub(crate) output: PathBuf,

    /// No progress bar and no summary line.
    #[arg(long, short)]
    pub(crate) quiet: bool,
}

/// The values of `--what`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum WhatArg {
    /// W_in, W_rec, E_in, E_rec (regions 1-4).
    Weights,
    /// Neuron state and STDP traces (regions 6, 7).
    State,
    /// Both.
    All,
}

pub(crate) fn run(args: &ReadbackArgs) -> anyhow::Result<()> {
    let target = args.device.target();
    let format = match Format::of(&args.output) {
        Ok(format) => format,
        Err(extension) => bail!(
            "{}: unknown output type {extension:?}\nhelp: name the output .toml (summary), .csv (every value) or \
             .npy (one NumPy file per array)",
            args.output.display()
        ),
    };
    // A bad output path fails before the device is touched.
    output::check_outputs(&[], &[("-o", &args.output)])?;
    let what = match args.what {
        WhatArg::Weights => What::Weights,
        WhatArg::State => What::State,
        WhatArg::All => What::All,
    };
    let mut driver = connect(&target, args.device.options(), None)?;
    let back = readback(&mut driver, what, &mut BytesBar::new(args.quiet))
        .with_context(|| format!("cannot read back from {}", target))?;
    let written = output::readback::write(&args.output, &back, format).map_err(|e| match e {
        // Its own message and help line, as every output file's.
        WriteError::Output(e) => anyhow::Error::from(e),
        e => e.into(),
    })?;
    if !args.quiet {
        for path in written {
            println!("wrote {}", path.display());
        }
    }
    Ok(())
}
