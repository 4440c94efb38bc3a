//! Throughput benchmark of the NCX-1 model: the fast path and the cycle engine on
//! all-to-all networks at ~5 % activity, with and without STDP.
//!
//! A plain harness (no criterion): `cargo bench -p ncx-model [-- FILTER]`. FILTER is
//! matched against `scenario/engine` (e.g. `n256`, `stdp`, `cycle`,
//! `n1024-stdp/fast`); arguments starting with `--` (cargo passes `--bench`) are
//! ignored. docs/performance.md explains the method and records the results.
//!
//! Method, per (scenario, engine) case:
//! - the network and its input trains are generated from a fixed seed before any
//!   timing (SplitMix64, each input spikes with probability 5 % per timestep);
//! - the core is warmed up untimed (for STDP scenarios long enough for the weights
//!   to leave their initial distribution), and that state is the start of every
//!   repetition, so every repetition does bit-identical work;
//! - a batch is calibrated to take ~0.3 s: the cycle engine runs one segment of
//!   timesteps, the fast path repeats that same segment (each time from the start
//!   state), so both engines do identical work and must agree; the cases are run in
//!   interleaved rounds (each round runs one batch of every case), REPS rounds, and
//!   the median is reported, with the spread (min..max) as a noise indicator;
//! - synaptic events = (distinct inputs + previous-timestep spikes) × N, counted
//!   from the actual activity of the timed batch.

use std::error::Error;
use std::hint::black_box;
use std::time::{Duration, Instant};

use ncx_model::rng::SplitMix64;
use ncx_model::{Core, CoreConfig, Geometry, Matrix, NeuronParams, NullSink, StdpConfig, TraceMode};

/// Repetitions (rounds) per case; the median is reported.
const REPS: usize = 7;
/// Target wall time of one timed batch.
const BATCH_TARGET: Duration = Duration::from_millis(300);
/// Calibration stops doubling once a trial batch takes this long.
const CALIBRATION_MIN: Duration = Duration::from_millis(40);
/// Timesteps of pre-generated input, cycled through by long batches.
const STIMULUS_TIMESTEPS: usize = 4096;
/// Probability that an input axon spikes in a timestep.
const INPUT_RATE: f64 = 0.05;
/// Seed of all generated data.
const SEED: u64 = 0x4E43_5831_2026_0001;

/// A network configuration. Thresholds were tuned (once, by hand) so that the
/// measured neuron firing rate is ~5 % per timestep; the bench prints the rate it
/// actually measured.
#[derive(Clone, Copy)]
struct Scenario {
    name: &'static str,
    /// N = M.
    size: usize,
    threshold: i32,
    stdp: bool,
    /// Untimed timesteps run before the state that every repetition starts from.
    warmup: usize,
}

const SCENARIOS: [Scenario; 4] = [
    Scenario { name: "n256", size: 256, threshold: 26_000, stdp: false, warmup: 2_000 },
    Scenario { name: "n256-stdp", size: 256, threshold: 26_000, stdp: true, warmup: 10_000 },
    Scenario { name: "n1024", size: 1024, threshold: 106_000, stdp: false, warmup: 2_000 },
    Scenario { name: "n1024-stdp", size: 1024, threshold: 106_000, stdp: true, warmup: 5_000 },
];

/// Input weights are uniform in 0..=W_IN_MAX, recurrent weights uniform in
/// −W_REC_MAX..=W_REC_MAX (no self-connections).
const W_IN_MAX: u64 = 63;
const W_REC_MAX: u64 = 63;

/// Which engine drives the core.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Engine {
    Fast,
    Cycle,
}

impl Engine {
    fn name(self) -> &'static str {
        match self {
            Engine::Fast => "fast",
            Engine::Cycle => "cycle",
        }
    }
}

/// `true` with probability `p` (2^64 · p is exact enough for p = 0.05).
fn chance(rng: &mut SplitMix64, p: f64) -> bool {
    let cut = (p * 18_446_744_073_709_551_616.0) as u64;
    rng.next_u64() < cut
}

/// Pre-generated input spikes: timestep `t` is `spikes[offsets[t]..offsets[t + 1]]`,
/// ascending and distinct.
struct Stimulus {
    spikes: Vec<u16>,
    offsets: Vec<usize>,
}

impl Stimulus {
    fn generate(inputs: usize, timesteps: usize, rng: &mut SplitMix64) -> Stimulus {
        let mut spikes = Vec::new();
        let mut offsets = Vec::with_capacity(timesteps + 1);
        offsets.push(0);
        for _ in 0..timesteps {
            for a in 0..inputs {
                if chance(rng, INPUT_RATE) {
                    spikes.push(a as u16);
                }
            }
            offsets.push(spikes.len());
        }
        Stimulus { spikes, offsets }
    }

    fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    #[inline]
    fn at(&self, t: usize) -> &[u16] {
        let t = t % self.len();
        &self.spikes[self.offsets[t]..self.offsets[t + 1]]
    }
}

/// What a batch or segment did.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
struct Tally {
    timesteps: u64,
    /// Distinct input spikes delivered.
    inputs: u64,
    /// Neuron spikes.
    spikes: u64,
    /// Spike sources whose column was read: inputs + previous-timestep spikes.
    sources: u64,
    /// Simulated cycles (sum of `report.cycles`).
    cycles: u64,
}

impl Tally {
    fn times(self, k: u64) -> Tally {
        Tally {
            timesteps: self.timesteps * k,
            inputs: self.inputs * k,
            spikes: self.spikes * k,
            sources: self.sources * k,
            cycles: self.cycles * k,
        }
    }
}

fn build_core(s: &Scenario, stimulus: &Stimulus) -> Result<Core, Box<dyn Error>> {
    let n = s.size;
    let mut core = Core::new(Geometry::new(n, n)?);
    let mut rng = SplitMix64::new(SEED ^ ((n as u64) << 32));
    let w_in: Vec<i8> = (0..n * n).map(|_| rng.below(W_IN_MAX + 1) as i8).collect();
    let w_rec: Vec<i8> = (0..n * n)
        .map(|k| {
            let w = rng.below(2 * W_REC_MAX + 1) as i64 - W_REC_MAX as i64;
            if k / n == k % n { 0 } else { w as i8 }
        })
        .collect();
    core.load_weights(Matrix::Input, &w_in)?;
    core.load_weights(Matrix::Recurrent, &w_rec)?;
    let params = NeuronParams {
        threshold: s.threshold,
        reset: 0,
        bias: 0,
        v_decay: 205, // τ_v ≈ 20 timesteps: 4096 · (1 − e^(−1/20))
        i_decay: 743, // τ_I ≈ 5 timesteps:  4096 · (1 − e^(−1/5))
        refractory: 2,
    };
    for k in 0..n {
        core.set_neuron_params(k, params)?;
    }
    let stdp = StdpConfig {
        enabled: s.stdp,
        a_plus: 20,
        a_minus: 22,
        shift: 4,
        w_min: i8::MIN,
        w_max: i8::MAX,
        pre_decay: 205,
        post_decay: 205,
        pre_increment: 8,
        post_increment: 8,
        trace_mode: TraceMode::Add,
    };
    if s.stdp {
        core.load_plastic_mask(Matrix::Input, &vec![true; n * n])?;
        core.load_plastic_mask(Matrix::Recurrent, &vec![true; n * n])?;
    }
    core.set_config(CoreConfig { weight_shift: 0, period: 0, stdp })?;
    // Warm up on the fast path (bit-identical to the cycle engine) with a stimulus
    // offset so that the timed batches do not replay the warm-up's inputs from 0.
    for t in 0..s.warmup {
        core.run_timestep(stimulus.at(t + STIMULUS_TIMESTEPS / 2), &mut NullSink)?;
    }
    Ok(core)
}

/// Run `steps` timesteps on `engine` on each of `cores` in turn (every core starts
/// from the same state, so each segment does the same work), timing only the loop.
fn run_batch(
    engine: Engine,
    cores: &mut [Core],
    stimulus: &Stimulus,
    steps: usize,
) -> Result<(Duration, Tally), Box<dyn Error>> {
    let mut tally = Tally { timesteps: (cores.len() * steps) as u64, ..Tally::default() };
    let start = Instant::now();
    for core in cores.iter_mut() {
        match engine {
            Engine::Fast => {
                for t in 0..steps {
                    let inputs = black_box(stimulus.at(t));
                    tally.sources += (inputs.len() + core.last_spikes().len()) as u64;
                    let report = core.run_timestep(inputs, &mut NullSink)?;
                    tally.inputs += inputs.len() as u64;
                    tally.spikes += report.spikes as u64;
                    tally.cycles += report.cycles;
                }
            }
            Engine::Cycle => {
                for t in 0..steps {
                    let inputs = black_box(stimulus.at(t));
                    tally.sources += (inputs.len() + core.last_spikes().len()) as u64;
                    let report = core.run_timestep_cycles(inputs, &mut NullSink)?;
                    tally.inputs += inputs.len() as u64;
                    tally.spikes += report.spikes as u64;
                    tally.cycles += report.cycles;
                }
            }
        }
    }
    let elapsed = start.elapsed();
    black_box(&*cores);
    Ok((elapsed, tally))
}

/// One (scenario, engine) pair being measured. A batch is `segments` runs of
/// `segment` timesteps, each from the scenario's start state: the cycle engine runs
/// one segment calibrated to ~BATCH_TARGET, the fast path runs the *same* segment
/// repeated, so both engines do identical work (checked) and the fast/cycle ratio
/// compares like with like.
struct Case {
    scenario: Scenario,
    engine: Engine,
    /// The state every segment starts from.
    initial: Core,
    stimulus: std::rc::Rc<Stimulus>,
    segment: usize,
    segments: usize,
    /// What one segment did (identical in every segment and repetition).
    tally: Option<Tally>,
    times: Vec<Duration>,
}

impl Case {
    fn label(&self) -> String {
        format!("{}/{}", self.scenario.name, self.engine.name())
    }

    fn time(&self, steps: usize, segments: usize) -> Result<(Duration, Tally), Box<dyn Error>> {
        let mut cores: Vec<Core> = (0..segments).map(|_| self.initial.clone()).collect();
        run_batch(self.engine, &mut cores, &self.stimulus, steps)
    }

    /// Double one segment until it takes CALIBRATION_MIN, then scale it to BATCH_TARGET.
    fn calibrate_segment(&mut self) -> Result<(), Box<dyn Error>> {
        let mut steps = 1;
        loop {
            let (elapsed, _) = self.time(steps, 1)?;
            if elapsed >= CALIBRATION_MIN {
                let scale = BATCH_TARGET.as_secs_f64() / elapsed.as_secs_f64();
                self.segment = ((steps as f64 * scale).ceil() as usize).max(1);
                self.segments = 1;
                return Ok(());
            }
            steps *= 2;
        }
    }

    /// Use a given segment length; repeat it enough times to take ~BATCH_TARGET.
    fn calibrate_repeats(&mut self, segment: usize) -> Result<(), Box<dyn Error>> {
        self.segment = segment;
        let (elapsed, _) = self.time(segment, 1)?;
        self.segments = ((BATCH_TARGET.as_secs_f64() / elapsed.as_secs_f64()).round() as usize).max(1);
        Ok(())
    }

    fn batch(&self) -> usize {
        self.segment * self.segments
    }

    fn repetition(&mut self) -> Result<(), Box<dyn Error>> {
        let (elapsed, tally) = self.time(self.segment, self.segments)?;
        let per_segment = Tally {
            timesteps: tally.timesteps / self.segments as u64,
            inputs: tally.inputs / self.segments as u64,
            spikes: tally.spikes / self.segments as u64,
            sources: tally.sources / self.segments as u64,
            cycles: tally.cycles / self.segments as u64,
        };
        let expected = self.tally.unwrap_or(per_segment);
        if tally != expected.times(self.segments as u64) {
            return Err(format!("{}: segments did different work: {expected:?} vs {tally:?}", self.label()).into());
        }
        self.tally = Some(expected);
        self.times.push(elapsed);
        Ok(())
    }

    fn median(&self) -> f64 {
        let mut t: Vec<f64> = self.times.iter().map(Duration::as_secs_f64).collect();
        t.sort_by(f64::total_cmp);
        t[t.len() / 2]
    }

    fn results(&self) -> Option<Results> {
        let tally = self.tally?.times(self.segments as u64);
        let wall = self.median();
        let mut secs: Vec<f64> = self.times.iter().map(Duration::as_secs_f64).collect();
        secs.sort_by(f64::total_cmp);
        let n = self.scenario.size as f64;
        Some(Results {
            timesteps_per_s: tally.timesteps as f64 / wall,
            msyn_per_s: tally.sources as f64 * n / wall / 1e6,
            mcycles_per_s: tally.cycles as f64 / wall / 1e6,
            spread: (secs[secs.len() - 1] - secs[0]) / wall,
            input_rate: tally.inputs as f64 / (tally.timesteps as f64 * n),
            neuron_rate: tally.spikes as f64 / (tally.timesteps as f64 * n),
            cycles_per_timestep: tally.cycles as f64 / tally.timesteps as f64,
        })
    }
}

struct Results {
    timesteps_per_s: f64,
    msyn_per_s: f64,
    mcycles_per_s: f64,
    /// (max − min) / median of the repetition times.
    spread: f64,
    input_rate: f64,
    neuron_rate: f64,
    cycles_per_timestep: f64,
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let rustc = std::process::Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
        .arg("-V")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "rustc ?".into());
    let simd = if cfg!(target_feature = "avx2") {
        "compiled for avx2"
    } else if cfg!(target_arch = "x86_64") && std::arch::is_x86_feature_detected!("avx2") {
        "compiled for baseline x86-64, fast path runs its avx2 variant"
    } else {
        "compiled for the baseline target, no avx2"
    };
    format!("machine: {cpu}, {cores} logical CPUs; {rustc}; {simd}")
}

fn ratio(a: Option<f64>, b: Option<f64>) -> String {
    match (a, b) {
        (Some(a), Some(b)) => format!("{:.1}x", a / b),
        _ => "n/a (filtered out)".into(),
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with("--"));
    println!("ncx-model throughput benchmark");
    println!("{}", machine());
    println!(
        "method: median of {REPS} interleaved repetitions of a ~{} ms batch per case; spread = (max-min)/median",
        BATCH_TARGET.as_millis()
    );
    if let Some(f) = &filter {
        println!("filter: {f}");
    }
    println!();

    let mut cases = Vec::new();
    for s in SCENARIOS {
        let wanted: Vec<Engine> = [Engine::Fast, Engine::Cycle]
            .into_iter()
            .filter(|e| filter.as_ref().is_none_or(|f| format!("{}/{}", s.name, e.name()).contains(f.as_str())))
            .collect();
        if wanted.is_empty() {
            continue;
        }
        let mut rng = SplitMix64::new(SEED.wrapping_add(s.size as u64));
        let stimulus = std::rc::Rc::new(Stimulus::generate(s.size, STIMULUS_TIMESTEPS, &mut rng));
        let setup = Instant::now();
        let initial = build_core(&s, &stimulus)?;
        eprintln!("  setup {:<11} {:>6.2} s (warm-up {} timesteps)", s.name, setup.elapsed().as_secs_f64(), s.warmup);
        for engine in wanted {
            cases.push(Case {
                scenario: s,
                engine,
                initial: initial.clone(),
                stimulus: stimulus.clone(),
                segment: 0,
                segments: 1,
                tally: None,
                times: Vec::with_capacity(REPS),
            });
        }
    }
    if cases.is_empty() {
        println!(
            "no case matches the filter; cases are SCENARIO/ENGINE with SCENARIO in n256, n256-stdp, n1024, n1024-stdp and ENGINE in fast, cycle"
        );
        return Ok(());
    }
    // The cycle engine sets a scenario's segment; the fast path repeats that segment.
    let mut segments = std::collections::HashMap::new();
    for case in cases.iter_mut().filter(|c| c.engine == Engine::Cycle) {
        case.calibrate_segment()?;
        segments.insert(case.scenario.name, case.segment);
    }
    for case in cases.iter_mut().filter(|c| c.engine == Engine::Fast) {
        match segments.get(case.scenario.name) {
            Some(&segment) => case.calibrate_repeats(segment)?,
            None => case.calibrate_segment()?,
        }
    }
    for case in &cases {
        eprintln!(
            "  calibrated {:<17} {:>3} x {:>7} = {:>7} timesteps per batch",
            case.label(),
            case.segments,
            case.segment,
            case.batch()
        );
    }
    for round in 0..REPS {
        for case in &mut cases {
            case.repetition()?;
        }
        eprintln!("  round {}/{REPS} done", round + 1);
    }

    println!(
        "{:<11} {:<6} {:>8} {:>13} {:>9} {:>10} {:>8} {:>7} {:>8} {:>7}",
        "scenario", "engine", "batch", "timesteps/s", "Msyn/s", "Mcycles/s", "cyc/ts", "spread", "in rate", "firing"
    );
    let mut rows = std::collections::HashMap::new();
    for case in &cases {
        let Some(r) = case.results() else { continue };
        let mcycles = if case.engine == Engine::Cycle { format!("{:.1}", r.mcycles_per_s) } else { "-".to_string() };
        println!(
            "{:<11} {:<6} {:>8} {:>13.0} {:>9.1} {:>10} {:>8.0} {:>6.1}% {:>7.2}% {:>6.2}%",
            case.scenario.name,
            case.engine.name(),
            case.batch(),
            r.timesteps_per_s,
            r.msyn_per_s,
            mcycles,
            r.cycles_per_timestep,
            r.spread * 100.0,
            r.input_rate * 100.0,
            r.neuron_rate * 100.0,
        );
        rows.insert(case.label(), r.timesteps_per_s);
    }

    println!();
    println!("ratios (timesteps/s, same run):");
    for s in SCENARIOS {
        let get = |e: &str| rows.get(&format!("{}/{e}", s.name)).copied();
        if get("fast").is_none() && get("cycle").is_none() {
            continue;
        }
        let tally = |e: Engine| cases.iter().find(|c| c.scenario.name == s.name && c.engine == e).and_then(|c| c.tally);
        let agree = match (tally(Engine::Fast), tally(Engine::Cycle)) {
            (Some(f), Some(c)) if f == c => "  same segment, identical spikes and cycles on both engines",
            (Some(_), Some(_)) => "  ENGINES DISAGREE on spikes or cycles",
            _ => "",
        };
        println!("  {:<11} fast/cycle = {}{agree}", s.name, ratio(get("fast"), get("cycle")));
    }
    for s in SCENARIOS.iter().filter(|s| s.stdp) {
        let base = SCENARIOS.iter().find(|b| !b.stdp && b.size == s.size).map_or("", |b| b.name);
        for e in ["fast", "cycle"] {
            let stdp = rows.get(&format!("{}/{e}", s.name)).copied();
            if stdp.is_none() {
                continue;
            }
            let plain = rows.get(&format!("{base}/{e}")).copied();
            println!("  {:<11} STDP cost ({e}) = {base}/{e} / {}/{e} = {}", s.name, s.name, ratio(plain, stdp));
        }
    }
    Ok(())
}
