//! `ncx train --on-chip`: learn on a device with the core's own STDP (being written:
//! issue 12).

use crate::cmd::train::TrainArgs;

pub(crate) fn run(_args: &TrainArgs) -> anyhow::Result<()> {
    anyhow::bail!("ncx train --on-chip is being written (issue 12)")
}
