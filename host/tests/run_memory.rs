//! A run's memory does not grow with its length (docs/reliability.md §2): the peak
//! resident memory of this process after a run of 2 000 000 timesteps — a Poisson
//! stimulus over the whole run, every output file written — is within a few MB of the
//! peak after a run of 20 000. The only test of its binary, so nothing else allocates
//! meanwhile. (Before the outputs streamed, the long run held a vector per timestep:
//! about 60 MB more.)

use std::fs;

use ncx::compile::{self, CompileOptions};
use ncx::output::{RunFiles, RunPaths};
use ncx::progress::NoProgress;
use ncx::run::{self, RunOptions, Target};
use ncx::stimulus::{self, StimulusOptions};

/// The process's peak resident memory in KiB (`VmHWM` of /proc/self/status).
fn peak_kib() -> u64 {
    let status = fs::read_to_string("/proc/self/status").expect("Linux");
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).expect("has VmHWM");
    line.split_whitespace().nth(1).expect("a number").parse().expect("KiB")
}

/// Run the stdp example with a Poisson stimulus for `steps` timesteps, writing the
/// raster, the probes and the plot into `dir`.
fn run(steps: usize, dir: &std::path::Path) -> u64 {
    let net = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/stdp/net.toml");
    let image = compile::compile_file(net.as_ref(), &CompileOptions::default()).expect("compiles").image;
    let text = "seed = 3\n[[poisson]]\ngroup = \"afferents\"\nprobability = 0.05\n";
    let options = StimulusOptions { steps, seed: None };
    let stimulus = stimulus::parse_toml(text, "s.toml", &image, &options).expect("parses").stimulus;
    let (raster, probe, plot) = (dir.join("r.csv"), dir.join("p.csv"), dir.join("r.svg"));
    let paths = RunPaths { raster: Some(&raster), probe: Some(&probe), plot: Some(&plot), save_image: None };
    let mut files = RunFiles::create(&paths, &image.meta, image.geometry, steps as u64).expect("creates");
    let options = RunOptions { steps, target: Target::Model };
    let summary = run::run_into(&image, &stimulus, &options, &mut NoProgress, &mut files).expect("runs");
    files.finish(None).expect("writes");
    assert!(summary.input_spikes > steps as u64, "the stimulus is busy all run long");
    summary.recorded_spikes
}

#[test]
fn a_hundred_times_longer_run_needs_no_more_memory() {
    let dir = tempfile::tempdir().expect("temp dir");
    run(20_000, dir.path());
    let short = peak_kib();
    let spikes = run(2_000_000, dir.path());
    let long = peak_kib();
    assert!(spikes > 100_000, "the network is active: {spikes} spikes");
    let csv = fs::metadata(dir.path().join("r.csv")).expect("written").len();
    assert!(csv > 1_000_000, "the raster went to disk: {csv} bytes");
    assert!(long <= short + 4 * 1024, "peak resident memory grew from {short} KiB to {long} KiB");
}
