//! `ncx train`: train a classifier for the core (being written: issue 12).

use std::path::PathBuf;

use clap::Args;
use ncx::learn::dataset::SplitSpec;
use ncx::run::Target;

/// Options of `ncx train`.
#[derive(Debug, Clone, Args)]
pub(crate) struct TrainArgs {
    /// The architecture description (`.toml`, docs/learning.md).
    #[arg(value_name = "ARCH")]
    pub(crate) arch: PathBuf,
    /// The labelled data set: CSV (optionally gzip-compressed), features then label.
    #[arg(long, value_name = "CSV")]
    pub(crate) data: PathBuf,
    /// The training samples: `SPLIT.json:KEY` (default: every sample of --data).
    #[arg(long, value_name = "SPLIT.json:KEY")]
    pub(crate) split: Option<SplitSpec>,
    /// After training, evaluate the result on these samples: `SPLIT.json:KEY`.
    #[arg(long, value_name = "SPLIT.json:KEY")]
    pub(crate) test: Option<SplitSpec>,
    /// The folder to write the network, its weights and the training report into.
    #[arg(short, long, value_name = "DIR")]
    pub(crate) output: PathBuf,
    /// Seed of every random choice of the training (and of a stochastic encoder).
    #[arg(long, default_value_t = 1)]
    pub(crate) seed: u64,
    /// Learn on a device with the core's own STDP (the architecture's method must be `stdp`).
    #[arg(long)]
    pub(crate) on_chip: bool,
    /// Where on-chip learning runs (`model`, `model-device`, `verilator`, `serial:PATH`, …).
    #[arg(long, default_value = "model")]
    pub(crate) target: Target,
    /// Worker threads (default: every core of the machine).
    #[arg(long)]
    pub(crate) threads: Option<usize>,
}

pub(crate) fn run(args: &TrainArgs) -> anyhow::Result<()> {
    if args.on_chip {
        return crate::cmd::train_on_chip::run(args);
    }
    anyhow::bail!("ncx train is being written (issue 12)")
}
