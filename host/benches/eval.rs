//! Throughput of `ncx::learn::eval::evaluate` on the model: images per second end to
//! end (encode, reset, run, read out, vote) on the digits classifier.
//!
//! A plain harness (no criterion): `cargo bench -p ncx --bench eval`. The workload is
//! the trained digits classifier of examples/digits-trained (64 × 64: 64 pixel inputs,
//! 54 hidden and 10 output neurons, 32 timesteps per sample, Poisson encoder with
//! max_value 16 and max_probability 1, docs/learning.md §5); the samples are the 594 test
//! images of data/digits, repeated 8 times per batch (4 752 presentations; each
//! repetition draws the same spikes, as a sample's spikes depend only on the seed and
//! its row). Each case (1 thread, every thread of the machine) runs one untimed batch,
//! then REPS batches in interleaved rounds; the median images/s is reported with the
//! spread (min..max). The predictions of every batch must equal the first batch's,
//! or the bench fails. docs/performance.md records the results.

use std::error::Error;
use std::path::Path;

use ncx::compile::{self, CompileOptions};
use ncx::driver::DriverOptions;
use ncx::learn::dataset::{Dataset, SplitSpec};
use ncx::learn::eval::{EvalOptions, evaluate};
use ncx::progress::NoProgress;
use ncx::run::Target;

/// Timed batches per case; the median is reported.
const REPS: usize = 7;
/// Times the 594 test images are repeated in one batch.
const REPEAT: usize = 8;

fn main() -> Result<(), Box<dyn Error>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let image =
        compile::compile_file(&root.join("examples/digits-trained/net.toml"), &CompileOptions::default())?.image;
    let data = root.join("data/digits");
    let test = Dataset::load(&data.join("digits.csv.gz"))?
        .select(&SplitSpec { path: data.join("digits_split.json"), key: "test".into() })?;
    let mut batch = test.clone();
    batch.samples = (0..REPEAT).flat_map(|_| test.samples.iter().cloned()).collect();
    let all = std::thread::available_parallelism().map_or(1, |n| n.get());
    let cases: Vec<usize> = if all > 1 { vec![1, all] } else { vec![1] };
    println!(
        "eval: examples/digits-trained (64x64, 32 timesteps, poisson); {} presentations per batch ({} test \
         images x {REPEAT}); {} threads available",
        batch.samples.len(),
        test.samples.len(),
        all
    );
    let run = |threads: usize| {
        let options = EvalOptions { target: Target::Model, seed: 1, threads };
        evaluate(&image, &batch, &options, &mut DriverOptions::default(), &mut NoProgress)
    };
    let reference = run(1)?;
    let mut rates: Vec<Vec<f64>> = vec![Vec::new(); cases.len()];
    for _ in 0..REPS {
        for (case, &threads) in cases.iter().enumerate() {
            let e = run(threads)?;
            if e.predictions != reference.predictions || e.counts != reference.counts {
                return Err(format!("{threads} threads: the predictions differ from 1 thread's").into());
            }
            rates[case].push(e.images_per_second());
        }
    }
    for (threads, rates) in cases.iter().zip(&mut rates) {
        rates.sort_by(f64::total_cmp);
        let median = rates[rates.len() / 2];
        let (min, max) = (rates[0], rates[rates.len() - 1]);
        println!(
            "eval/model/threads={threads:<3} {median:>9.0} images/s  (min {min:.0} .. max {max:.0}; accuracy {:.2} %)",
            100.0 * reference.accuracy()
        );
    }
    Ok(())
}
