//! `ncx eval`: evaluate an image as a classifier on a labelled data set (being written:
//! issue 12).

use std::path::PathBuf;

use clap::Args;

/// Options of `ncx eval`.
#[derive(Debug, Clone, Args)]
pub(crate) struct EvalArgs {
    /// The image to evaluate (`.ncx`), or a network description (`.toml`) to compile first.
    #[arg(value_name = "IMAGE")]
    pub(crate) image: PathBuf,
}

pub(crate) fn run(_args: &EvalArgs) -> anyhow::Result<()> {
    anyhow::bail!("ncx eval is being written (issue 12)")
}
