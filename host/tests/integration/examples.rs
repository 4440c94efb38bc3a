//! The examples of `examples/`: each compiles to its pinned golden image (byte for
//! byte), runs on the model, and does what its README says — checked against
//! expectations reasoned from docs/semantics.md, not against recorded output.
//!
//! Regenerate the golden images on purpose, after a deliberate change of the compiler
//! or the image format, with `NCX_BLESS=1 cargo test -p ncx --test integration -- examples::`.

use std::path::{Path, PathBuf};
use std::process::Command;

use ncx::compile::{self, CompileOptions};
use ncx::image::{Image, codec};
use ncx::progress::NoProgress;
use ncx::run::{self, RunOptions, RunResult, Target};
use ncx::stimulus::{self, StimulusOptions};
use ncx_model::Matrix;

const EXAMPLES: [(&str, usize); 4] = [("ei_network", 1000), ("synfire", 80), ("stdp", 5000), ("digits", 200)];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn example(name: &str) -> PathBuf {
    root().join("examples").join(name)
}

fn compiled(name: &str) -> Image {
    compile::compile_file(&example(name).join("net.toml"), &CompileOptions { strict: true })
        .unwrap_or_else(|e| panic!("example {name} does not compile: {e}"))
        .image
}

fn run_example(name: &str, steps: usize) -> (Image, RunResult) {
    let image = compiled(name);
    let options = StimulusOptions { steps, seed: None };
    let loaded = stimulus::load(&example(name).join("stimulus.toml"), &image, &options)
        .unwrap_or_else(|e| panic!("stimulus of {name}: {e}"));
    assert!(loaded.warnings.is_empty(), "{name}: {:?}", loaded.warnings);
    let result = run::run(&image, &loaded.stimulus, &RunOptions { steps, target: Target::Model }, &mut NoProgress)
        .unwrap_or_else(|e| panic!("run of {name}: {e}"));
    (image, result)
}

#[test]
fn every_example_compiles_to_its_golden_image() {
    for (name, _) in EXAMPLES {
        let bytes = codec::encode(&compiled(name));
        let golden = root().join("host/tests/data/golden").join(format!("{name}.ncx"));
        if std::env::var_os("NCX_BLESS").is_some() {
            std::fs::write(&golden, &bytes).unwrap();
            continue;
        }
        let expected = std::fs::read(&golden).unwrap_or_else(|e| panic!("{}: {e}", golden.display()));
        assert!(
            bytes == expected,
            "examples/{name} no longer compiles to {}: if the change is deliberate, regenerate with \
             NCX_BLESS=1 cargo test -p ncx --test integration -- examples::",
            golden.display()
        );
    }
}

/// The full volley at t = 5: every group fires exactly once, all 16 neurons together,
/// one timestep after the group before it. The trigger inputs, of weight 1.5 against a
/// threshold of 1, make g0 fire in the timestep of the volley (an input at t takes
/// effect at t), and 16 spikes of weight 0.1, 1.6 in all, make the next group fire one
/// timestep later (a recurrent spike fired at t takes effect at t + 1).
///
/// The partial volley at t = 40 fires only g0's neurons 0..5; their 6 × 0.1 = 0.6 is
/// below threshold at first but builds up over the following timesteps (τ_syn = 2 ms,
/// τ_mem = 10 ms), so g1 fires whole a few timesteps later and from there the volley
/// travels one group per timestep again.
#[test]
fn synfire_volley_travels_one_group_per_timestep() {
    let (image, result) = run_example("synfire", 80);
    let groups = &image.meta.populations;
    let fired = |k: usize, range: std::ops::Range<u64>| -> Vec<(u64, u16)> {
        let group = &groups[k];
        let spikes = result.raster.iter().filter(|s| group.contains(s.neuron) && range.contains(&s.timestep));
        spikes.map(|s| (s.timestep, s.neuron - group.start)).collect()
    };
    for k in 0..groups.len() {
        let expected: Vec<(u64, u16)> = (0..16).map(|i| (5 + k as u64, i)).collect();
        assert_eq!(fired(k, 0..40), expected, "first volley, group {k}");
    }
    assert_eq!(fired(0, 40..80), (0..6).map(|i| (40, i)).collect::<Vec<_>>(), "second volley, g0");
    let g1 = fired(1, 40..80);
    assert_eq!(g1.len(), 16, "second volley, g1: {g1:?}");
    let t1 = g1[0].0;
    assert!(t1 > 41, "6 spikes alone cannot fire g1 at once (0.6 < 1): {g1:?}");
    for k in 1..groups.len() {
        let expected: Vec<(u64, u16)> = (0..16).map(|i| (t1 + k as u64 - 1, i)).collect();
        assert_eq!(fired(k, 40..80), expected, "second volley, group {k}");
    }
}

/// The pattern inputs (0..15) fire together every 25 timesteps and precede the
/// outputs' spikes, so potentiation dominates for them; the other inputs fire only
/// as noise. After learning, every output's mean weight from pattern inputs is far
/// above its mean weight from noise inputs, and above the initial weight.
#[test]
fn stdp_learns_the_pattern() {
    let (image, result) = run_example("stdp", 5000);
    let before = &image.w_in;
    let after = result.core.weights(Matrix::Input);
    let m = image.geometry.inputs();
    for post in 0..4 {
        let row = &after[post * m..post * m + 32];
        let mean = |r: &[i8]| r.iter().map(|&w| f64::from(w)).sum::<f64>() / r.len() as f64;
        let (pattern, noise) = (mean(&row[..16]), mean(&row[16..]));
        let initial = f64::from(before[post * m]);
        assert!(pattern > initial && pattern > noise + 40.0, "output {post}: pattern {pattern}, noise {noise}");
    }
    assert!(result.weight_changes[0].changed > 0);
}

/// Test image 0 is a 6: the class neuron 6 fires most.
#[test]
fn digits_classifies_its_test_image() {
    let (image, result) = run_example("digits", 200);
    let digit = image.meta.population("digit").unwrap();
    let mut counts = [0u32; 10];
    for s in &result.raster {
        counts[usize::from(s.neuron - digit.start)] += 1;
    }
    let winner = (0..10).max_by_key(|&c| counts[c]).unwrap();
    assert_eq!(winner, 6, "spike counts {counts:?}");
}

/// Excitation and inhibition balance: both populations fire, at rates far below the
/// refractory limit (500 Hz for exc, 1000 Hz for inh) and far above silence.
#[test]
fn ei_network_fires_at_moderate_rates() {
    let (_, result) = run_example("ei_network", 1000);
    let rates: Vec<f64> = [48.0, 16.0].iter().zip(&result.spikes_per_population).map(|(n, &s)| s as f64 / n).collect();
    assert!(rates.iter().all(|&r| (2.0..100.0).contains(&r)), "spikes per neuron per second: {rates:?}");
    assert_eq!(result.overruns, 0, "a 1 ms period is far longer than the computation");
}

/// The acceptance path through the binary: compile, then run the image on the model.
#[test]
fn the_cli_compiles_and_runs_every_example() {
    let dir = tempfile::tempdir().unwrap();
    for (name, steps) in EXAMPLES {
        let image = dir.path().join(format!("{name}.ncx"));
        let net = example(name).join("net.toml");
        let out = Command::new(env!("CARGO_BIN_EXE_ncx"))
            .args(["compile", "-q"])
            .arg(&net)
            .arg("-o")
            .arg(&image)
            .output()
            .unwrap();
        assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
        let out = Command::new(env!("CARGO_BIN_EXE_ncx"))
            .arg("run")
            .arg(&image)
            .arg("--stimulus")
            .arg(example(name).join("stimulus.toml"))
            .args(["--steps", &steps.to_string(), "--target", "model"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains(&format!("steps:                 {steps} ")), "{name}: {stdout}");
    }
}
