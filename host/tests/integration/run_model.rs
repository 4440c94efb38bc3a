//! `ncx::run` on the model target: the tiny network's raster, probe samples, counts
//! and cycles derived by hand from docs/semantics.md; the raster against the cycle
//! engine; which neurons are recorded; STDP weight changes (the §10.2 example);
//! progress reports; errors.

use crate::run_common::{TINY_STEPS, fixture, stdp_example, tiny_network};
use ncx::SplitMix64;
use ncx::error::Report;
use ncx::image::{Block, Image};
use ncx::output;
use ncx::progress::{NoProgress, Progress};
use ncx::run::{self, ProbeSample, RunError, RunOptions, RunResult, Spike, Target};
use ncx::stimulus::{self, Stimulus, StimulusOptions};
use ncx_model::{CoreConfig, Geometry, Matrix, NeuronParams, NullSink, StdpConfig, TraceMode};

fn options(steps: usize) -> RunOptions {
    RunOptions { steps, target: Target::Model }
}

fn tiny_stimulus(name: &str) -> Stimulus {
    let image = tiny_network();
    let opts = StimulusOptions { steps: TINY_STEPS, seed: None };
    let loaded = stimulus::load(fixture(name).as_ref(), &image, &opts).expect("the fixture loads");
    assert!(loaded.warnings.is_empty());
    loaded.stimulus
}

fn run_tiny() -> RunResult {
    run::run(&tiny_network(), &tiny_stimulus("tiny.toml"), &options(TINY_STEPS), &mut NoProgress).expect("runs")
}

fn spike(timestep: u64, neuron: u16) -> Spike {
    Spike { timestep, neuron }
}

#[test]
fn the_tiny_stimulus_resolves_to_its_spikes_in_both_formats() {
    // pix:0 (input 0) at 0, 1, 3; pix:1 (input 1) at 0..=3; pix:3 (input 3) at 2.
    let expected: Vec<Vec<u16>> = vec![vec![0, 1], vec![0, 1], vec![1, 3], vec![0, 1], vec![], vec![]];
    assert_eq!(tiny_stimulus("tiny.toml").as_steps(), &expected[..]);
    assert_eq!(tiny_stimulus("tiny.csv").as_steps(), &expected[..]);
}

/// The tiny network by hand (docs/semantics.md §4). weight_shift 0 and δ_I = 4095, so
/// `I' = trunc(I / 4096) + acc = acc` for every |I| < 4096; δ_v = 0 except n1 (2048:
/// `decay(v) = trunc(v / 2)`).
///
/// | t | inputs | S(t−1) | n0: acc → I, u | n1: acc → I, u | n2: acc → I, u | n3 | S(t) |
/// |---|---|---|---|---|---|---|---|
/// | 0 | {0,1} | {} | 10 → 10, 0+10 = 10 ≥ 10 fire | 8 → 8, 0+8 = 8 | 0 | 0 | {0} |
/// | 1 | {0,1} | {0} | 10, 10 fire | 8, 4+8 = 12 | 12 (n0) → 12, 0+12 = 12 | 0 | {0} |
/// | 2 | {1,3} | {0} | 0 → 0, 0 | 8, 6+8 = 14 | 12 → 12, 12+12 = 24 ≥ 20 fire | 5 ≥ 5 fire | {2,3} |
/// | 3 | {0,1} | {2,3} | 10 fire | 8, 7+8 = 15 ≥ 15 fire (v = −5, r = 1) | 0 → 0, 0 | 0 | {0,1} |
/// | 4 | {} | {0,1} | 0 | refractory: v held −5, I = 0, r → 0 | 12+9 = 21, 0+21 ≥ 20 fire | 0 | {2} |
/// | 5 | {} | {2} | 0 | decay(−5) = trunc(−2.5) = −2 | 0 | 0 | {} |
#[test]
fn tiny_network_raster_by_hand() {
    let result = run_tiny();
    // Recorded: a (0, 1) and b (2), not hidden (3), so n3's spike at t = 2 is missing.
    let expected = vec![spike(0, 0), spike(1, 0), spike(2, 2), spike(3, 0), spike(3, 1), spike(4, 2)];
    assert_eq!(result.raster, expected);
    // a: n0 ×3 + n1 ×1 = 4; b: n2 ×2; hidden: n3 ×1. Total 7.
    assert_eq!(result.spikes_per_population, vec![4, 2, 1]);
    assert_eq!(result.total_spikes, 7);
    assert_eq!(result.input_spikes, 2 + 2 + 2 + 2);
    let mut csv = Vec::new();
    output::raster::write_csv(&mut csv, &result.raster, &tiny_network().meta).expect("writes to memory");
    let expected_csv = "timestep,neuron,population,index\n\
                        0,0,a,0\n1,0,a,0\n2,2,b,0\n3,0,a,0\n3,1,a,1\n4,2,b,0\n";
    assert_eq!(String::from_utf8(csv).expect("UTF-8"), expected_csv);
}

#[test]
fn tiny_network_probes_by_hand() {
    let result = run_tiny();
    // Probed: a[1] = n1 and b[0] = n2; v and I after each timestep (table above).
    let rows = [
        (0, 1, 8, 8),
        (0, 2, 0, 0),
        (1, 1, 12, 8),
        (1, 2, 12, 12),
        (2, 1, 14, 8),
        (2, 2, 0, 12), // fired: v = reset 0, I = 12
        (3, 1, -5, 8), // fired: v = reset −5
        (3, 2, 0, 0),
        (4, 1, -5, 0), // refractory: v held
        (4, 2, 0, 21), // fired with I = 21
        (5, 1, -2, 0),
        (5, 2, 0, 0),
    ];
    let expected: Vec<ProbeSample> =
        rows.iter().map(|&(timestep, neuron, v, i)| ProbeSample { timestep, neuron, v, i }).collect();
    assert_eq!(result.probes, expected);
    let mut csv = Vec::new();
    output::probe::write_csv(&mut csv, &result.probes, &tiny_network().meta).expect("writes to memory");
    let text = String::from_utf8(csv).expect("UTF-8");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 13);
    assert_eq!(lines[0], "timestep,neuron,population,index,v,i");
    assert_eq!(lines[1], "0,1,a,1,8,8");
    assert_eq!(lines[2], "0,2,b,0,0,0");
    assert_eq!(lines[7], "3,1,a,1,-5,8");
    assert_eq!(lines[10], "4,2,b,0,0,21");
    assert_eq!(lines[12], "5,2,b,0,0,0");
}

#[test]
fn tiny_network_cycles_by_hand() {
    let result = run_tiny();
    // N = M = 16, STDP off: C = 1 + 18 (k_in + k_prev) + 19 + 1 = 21 + 18 (k_in + k_prev).
    // (k_in, k_prev) per timestep: (2,0) (2,1) (2,1) (2,2) (0,2) (0,1)
    // → 57 + 75 + 75 + 93 + 57 + 39 = 396.
    assert_eq!(result.cycles, 396);
    assert_eq!(result.core.cycle().0, 396);
    assert_eq!(result.overruns, 0);
    assert_eq!(result.steps, TINY_STEPS);
    assert_eq!(result.weight_changes.map(|c| c.changed), [0, 0]);
}

/// A 32 × 32 network with random weights, plastic synapses and STDP, driven by a
/// Poisson stimulus: the run's raster must be the spikes the cycle engine produces
/// for the recorded neurons, and its final weights the cycle engine's.
#[test]
fn the_raster_equals_the_cycle_engine() {
    let geometry = Geometry::new(32, 32).expect("valid");
    let mut image = Image::empty(geometry);
    let mut rng = SplitMix64::new(5);
    for w in image.w_in.iter_mut().chain(image.w_rec.iter_mut()) {
        *w = (rng.below(120) as i16 - 40) as i8;
    }
    for p in image.plastic_in.iter_mut().chain(image.plastic_rec.iter_mut()) {
        *p = rng.chance_per_mille(300);
    }
    for params in &mut image.neurons {
        *params = NeuronParams { threshold: 900, reset: -100, bias: 5, v_decay: 600, i_decay: 1500, refractory: 1 };
    }
    let stdp = StdpConfig {
        enabled: true,
        a_plus: 40,
        a_minus: 30,
        shift: 5,
        w_min: -60,
        w_max: 90,
        pre_decay: 1500,
        post_decay: 1500,
        pre_increment: 100,
        post_increment: 100,
        trace_mode: TraceMode::Add,
    };
    image.config = CoreConfig { weight_shift: 3, period: 0, stdp };
    image.meta.timestep_us = 1000;
    image.meta.populations = vec![
        Block { name: "e".into(), start: 0, len: 20, record: true, probe: vec![] },
        Block { name: "i".into(), start: 20, len: 12, record: false, probe: vec![] },
    ];
    image.meta.inputs = vec![Block { name: "x".into(), start: 0, len: 32, record: false, probe: vec![] }];
    let text = "seed = 11\n[[poisson]]\ngroup = \"x\"\nrate = 150\n";
    let steps = 300;
    let opts = StimulusOptions { steps, seed: None };
    let stim = stimulus::parse_toml(text, "s.toml", &image, &opts).expect("valid").stimulus;
    let result = run::run(&image, &stim, &options(steps), &mut NoProgress).expect("runs");

    let mut core = image.to_core().expect("loads");
    let mut expected = Vec::new();
    let mut cycles = 0;
    for t in 0..steps {
        cycles += core.run_timestep_cycles(&stim.inputs(t), &mut NullSink).expect("valid").cycles;
        expected.extend(core.last_spikes().iter().filter(|&&n| n < 20).map(|&n| spike(t as u64, n)));
    }
    assert!(expected.len() > 50, "the network should be active: {} spikes", expected.len());
    assert_eq!(result.raster, expected);
    assert_eq!(result.cycles, cycles);
    assert_eq!(result.core.weights(Matrix::Input), core.weights(Matrix::Input));
    assert_eq!(result.core.weights(Matrix::Recurrent), core.weights(Matrix::Recurrent));
    assert!(result.weight_changes[0].changed > 0, "STDP should have changed W_in");
    let learned = result.learned_image(&image);
    assert_eq!(learned.w_in, core.weights(Matrix::Input));
    assert_eq!((&learned.meta, &learned.neurons, learned.config), (&image.meta, &image.neurons, image.config));
    // Same image, same stimulus: same run.
    let again = run::run(&image, &stim, &options(steps), &mut NoProgress).expect("runs");
    assert_eq!((&again.raster, again.cycles), (&result.raster, result.cycles));
}

#[test]
fn recorded_neurons_follow_the_record_flags() {
    let mut image = tiny_network();
    let g = image.geometry;
    // a and b are marked: neurons 0, 1, 2.
    assert_eq!(run::recorded(&image.meta, g), vec![0, 1, 2]);
    assert_eq!(run::probed(&image.meta), vec![1, 2]);
    // None marked: every population (0..=3), still not the neurons outside them.
    for b in &mut image.meta.populations {
        b.record = false;
    }
    assert_eq!(run::recorded(&image.meta, g), vec![0, 1, 2, 3]);
    let result = run::run(&image, &tiny_stimulus("tiny.toml"), &options(TINY_STEPS), &mut NoProgress).expect("runs");
    assert!(result.raster.contains(&spike(2, 3)), "n3's spike at t = 2 is now recorded");
    // No populations at all: every core neuron, labelled by its core index.
    image.meta.populations.clear();
    assert_eq!(run::recorded(&image.meta, g), (0..16).collect::<Vec<u16>>());
    let result = run::run(&image, &tiny_stimulus("tiny.toml"), &options(TINY_STEPS), &mut NoProgress).expect("runs");
    assert_eq!(result.raster.len(), 7);
    assert!(result.spikes_per_population.is_empty());
    assert!(result.probes.is_empty());
    let mut csv = Vec::new();
    output::raster::write_csv(&mut csv, &result.raster, &image.meta).expect("writes");
    assert!(String::from_utf8(csv).expect("UTF-8").contains("\n2,3,,3\n"));
}

/// docs/semantics.md §10.2: after t = 3, W_in[0][0] = 20 (was 10) and W_in[0][1] = −8
/// (was 0): 2 synapses changed, Σ|Δw| = 10 + 8 = 18, mean 9.
#[test]
fn stdp_weight_changes_are_counted() {
    let image = stdp_example();
    let stim = Stimulus::from_steps(vec![vec![1], vec![0], vec![], vec![1]]);
    let result = run::run(&image, &stim, &options(4), &mut NoProgress).expect("runs");
    let [w_in, w_rec] = result.weight_changes;
    assert_eq!((w_in.matrix, w_in.changed, w_in.total_abs_delta, w_in.mean_abs_delta()), (Matrix::Input, 2, 18, 9.0));
    assert_eq!((w_rec.matrix, w_rec.changed, w_rec.mean_abs_delta()), (Matrix::Recurrent, 0, 0.0));
    let learned = result.learned_image(&image);
    assert_eq!((learned.w_in[0], learned.w_in[1]), (20, -8));
    assert_eq!(image.w_in[1], 0, "the original image is unchanged");
}

#[test]
fn paced_runs_count_the_period() {
    // Compute cycles per timestep (tiny_network_cycles_by_hand): 57 75 75 93 57 39.
    let mut image = tiny_network();
    let stim = tiny_stimulus("tiny.toml");
    // Period 100 ≥ every C: 6 × 100 cycles, no overrun.
    image.config.period = 100;
    let result = run::run(&image, &stim, &options(TINY_STEPS), &mut NoProgress).expect("runs");
    assert_eq!((result.cycles, result.overruns), (600, 0));
    // Period 60: 57 and 39 wait to 60, 75, 75, 93 overrun: 60 + 75 + 75 + 93 + 60 + 60 = 423.
    image.config.period = 60;
    let result = run::run(&image, &stim, &options(TINY_STEPS), &mut NoProgress).expect("runs");
    assert_eq!((result.cycles, result.overruns), (423, 3));
    assert_eq!(result.raster, run_tiny().raster, "pacing does not change what the core computes");
}

/// Records every report.
#[derive(Default)]
struct Recording {
    init: Vec<u64>,
    updates: Vec<u64>,
    finished: usize,
}

impl Progress for Recording {
    fn init(&mut self, total: u64) {
        self.init.push(total);
    }
    fn update(&mut self, done: u64) {
        self.updates.push(done);
    }
    fn finish(&mut self) {
        self.finished += 1;
    }
}

#[test]
fn progress_is_reported_in_timesteps() {
    let image = tiny_network();
    for steps in [6, 2500, 2999] {
        let mut progress = Recording::default();
        run::run(&image, &Stimulus::silent(steps), &options(steps), &mut progress).expect("runs");
        assert_eq!(progress.init, vec![steps as u64]);
        assert_eq!(progress.finished, 1);
        assert!(progress.updates.windows(2).all(|w| w[0] < w[1]), "updates increase");
        assert_eq!(progress.updates.last(), Some(&(steps as u64)));
        assert!(progress.updates.len() <= 1000, "{} updates", progress.updates.len());
    }
}

#[test]
fn a_shorter_stimulus_leaves_the_rest_silent() {
    // 10 timesteps, the stimulus covers 6: same spikes as the 6-step run, nothing after.
    let result = run::run(&tiny_network(), &tiny_stimulus("tiny.toml"), &options(10), &mut NoProgress).expect("runs");
    assert_eq!(result.raster, run_tiny().raster);
    assert_eq!(result.steps, 10);
}

#[test]
fn errors() {
    let image = tiny_network();
    let stim = Stimulus::silent(3);
    let err = run::run(&image, &stim, &options(0), &mut NoProgress).unwrap_err();
    assert!(matches!(err, RunError::NoSteps));
    assert_eq!(Report(&err).to_string(), "a run needs at least 1 timestep\nhelp: ask for 1 or more timesteps");

    let mut bad = image.clone();
    bad.meta.populations[2].len = 14; // hidden = 3..17, past N = 16
    let err = run::run(&bad, &stim, &options(3), &mut NoProgress).unwrap_err();
    assert_eq!(
        Report(&err).to_string(),
        "population \"hidden\" covers indices 3..17 but the core has 16\nhelp: the image's metadata does not \
         match its geometry; recompile the network"
    );

    let mut bad = image.clone();
    bad.meta.populations[1].probe = vec![1]; // b has 1 neuron
    let err = run::run(&bad, &stim, &options(3), &mut NoProgress).unwrap_err();
    assert_eq!(
        Report(&err).to_string(),
        "population \"b\" probes index 1 but has 1 neurons\nhelp: the image's metadata is inconsistent; recompile \
         the network"
    );

    let err = run::run(&image, &Stimulus::from_steps(vec![vec![16]]), &options(1), &mut NoProgress).unwrap_err();
    assert_eq!(
        Report(&err).to_string(),
        "the model rejected the stimulus at timestep 0: input index 16 is out of range: the core has 16\nhelp: the \
         stimulus has an input the core does not have; check it against the network's input groups"
    );

    let mut bad = image;
    bad.neurons[0].v_decay = 5000; // 12-bit field
    assert!(matches!(run::run(&bad, &stim, &options(3), &mut NoProgress), Err(RunError::Model(_))));
}
