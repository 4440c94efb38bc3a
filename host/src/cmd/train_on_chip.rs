//! `ncx train --on-chip`: learn on a device with the core's own STDP
//! (docs/learning.md §6). Reads the architecture and the data, trains through
//! `ncx::learn::onchip`, writes the output folder and prints a summary.

use std::path::Path;

use anyhow::Context;
use ncx::driver::DriverOptions;
use ncx::learn::dataset::Dataset;
use ncx::learn::onchip::write::write_outputs;
use ncx::learn::onchip::{Arch, OnchipError, OnchipOptions, train};

use crate::cmd::progress::Bar;
use crate::cmd::train::TrainArgs;

pub(crate) fn run(args: &TrainArgs) -> anyhow::Result<()> {
    let arch = Arch::load(&args.arch).map_err(OnchipError::from)?;
    let all = Dataset::load(&args.data)?;
    let data = match &args.split {
        Some(split) => all.select(split)?,
        None => all.clone(),
    };
    let test_data = args.test.as_ref().map(|test| all.select(test)).transpose()?;
    let mut inputs: Vec<&Path> = vec![&args.arch, &args.data];
    if let Some(split) = &args.split {
        inputs.push(&split.path);
    }
    let options = OnchipOptions { target: args.target.clone(), seed: args.seed };
    let quiet = args.quiet;
    let say = |line: String| {
        if !quiet {
            println!("{line}");
        }
    };
    say(format!(
        "training {} on the chip: {} samples of {}, {} epochs, target {}, seed {}",
        arch.name,
        data.samples.len(),
        args.data.display(),
        arch.training.epochs,
        options.target.name(),
        options.seed
    ));
    let mut connect = DriverOptions { slack: args.slack, ..DriverOptions::default() };
    let mut bar = Bar::new(args.quiet, "samples");
    let trained = train(&arch, &data, &options, &mut connect, &mut bar, &mut |e| {
        say(format!(
            "epoch {:>3}: train accuracy {:6.2} %, mean |dw| {:.3}, {:.2} spikes/sample, {} silent",
            e.epoch,
            100.0 * e.train_accuracy,
            e.mean_abs_dw,
            e.spikes_per_sample,
            e.silent
        ));
    })?;
    let written = write_outputs(&args.output, &arch, &trained, &inputs)
        .with_context(|| format!("cannot write the trained network into {}", args.output.display()))?;
    let kept = trained.epochs.iter().find(|e| e.epoch == trained.kept);
    say(format!(
        "kept epoch {} (train accuracy {:.2} %), {:.1} s on {}",
        trained.kept,
        kept.map_or(0.0, |e| 100.0 * e.train_accuracy),
        trained.seconds,
        options.target.name()
    ));
    for path in &written {
        say(format!("wrote {}", path.display()));
    }
    if let (Some(test), Some(test_data)) = (&args.test, &test_data) {
        let threads = args.threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));
        for &seed in &args.test_seeds {
            let eval = ncx::learn::eval::EvalOptions { target: args.target.clone(), seed, threads };
            let result = ncx::learn::eval::evaluate(
                &trained.image,
                test_data,
                &eval,
                &mut connect,
                &mut Bar::new(args.quiet, "samples"),
            )?;
            say(format!(
                "test accuracy {:.2} % on {} samples of {}, encoder seed {seed}",
                100.0 * result.accuracy(),
                test_data.samples.len(),
                test.key
            ));
        }
    }
    Ok(())
}
