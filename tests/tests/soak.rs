//! Soak tests (docs/reliability.md §7), sized by environment variables so that CI runs a
//! small slice and `scripts/soak.sh` the full soak:
//!
//! - [`lockstep_soak`]: random networks on the RTL core against the model in lock step
//!   (`ncx_hdl::lockstep`: every event by kind, cycle and field, every timestep's
//!   length, every memory byte before and after), over every core geometry the build
//!   verilated, STDP on and off, add and set traces, free-running and paced with
//!   periods above and below the compute cycles, with a state reset halfway in some.
//!   The networks are the model's own random cores (`firmware-model/tests/support`,
//!   shared with `hdl/tests/rtl/core_lockstep.rs`). `NCX_SOAK_LOCKSTEP` cases (default 200).
//! - [`fault_soak`]: random networks and stimuli run on the device model through the
//!   fault injector (`FaultyLink`: drop, corrupt, duplicate and delay, 0.1 % to 2 % of
//!   the bytes in all, in both directions, a random seed per run) must end bit-identical
//!   to the same run without faults: raster, probes, spike counts, and the final state,
//!   traces and weights read back. `NCX_SOAK_FAULTS` runs (default 100).
//!
//! Case `i` has seed `NCX_SOAK_SEED + i` (wrapping; the base defaults to a fixed value),
//! and everything about it — geometry, network, stimulus, faults — comes from that seed
//! alone. A failure names the seed; `NCX_SOAK_CASE=<seed>` runs that one case of each
//! test again (`NCX_SOAK_LOCKSTEP=0` or `NCX_SOAK_FAULTS=0` skips the other).

#[path = "../../firmware-model/tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use ncx::SplitMix64;
use ncx::driver::{Driver, DriverOptions, run_on_device};
use ncx::image::{Block, Image};
use ncx::link::{FaultSpec, FaultStats, FaultyLink, Link, ModelLink};
use ncx::progress::NoProgress;
use ncx::run::{self, RunOptions, RunResult, Target};
use ncx::stimulus::Stimulus;
use ncx_hdl::core::CoreSim;
use ncx_hdl::lockstep::{CheckError, LockStep};
use ncx_model::device::{Device, DeviceConfig};
use ncx_model::{Geometry, Matrix};
use support::{Knobs, random_core, random_stimulus};

/// The base seed when `NCX_SOAK_SEED` is not set (CI's slice is always the same).
const DEFAULT_SEED: u64 = 0x5_0A4E;

/// Retries per command through the fault injector. At 2 % of the bytes faulty in each
/// direction, a 100-byte exchange gets through one try in eight; retries on the model
/// cost no waiting (it answers at once or never), so the count is set where no command
/// of a soak fails for want of tries (0.87^501 ≈ 10⁻³⁰).
const FAULT_RETRIES: u32 = 500;

/// A whole number from the environment, or `default`.
fn env(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(text) => text.trim().parse().unwrap_or_else(|_| panic!("{name}={text:?} is not a whole number")),
        Err(_) => default,
    }
}

/// The seeds of a test's cases: `NCX_SOAK_CASE` alone, or `count` from `NCX_SOAK_SEED`.
fn seeds(count_var: &str, default_count: u64) -> (Vec<u64>, u64) {
    if let Ok(text) = std::env::var("NCX_SOAK_CASE") {
        let seed = text.trim().parse().unwrap_or_else(|_| panic!("NCX_SOAK_CASE={text:?} is not a seed"));
        if env(count_var, 1) > 0 {
            return (vec![seed], seed);
        }
        return (Vec::new(), seed);
    }
    let base = env("NCX_SOAK_SEED", DEFAULT_SEED);
    let count = env(count_var, default_count);
    ((0..count).map(|i| base.wrapping_add(i)).collect(), base)
}

fn seconds(d: Duration) -> f64 {
    d.as_secs_f64()
}

// ---- lock step ----

/// The geometries of the lock-step cases, in the order consecutive seeds take them: every
/// built one, four times as often as 256 × 256 unless it is that large (a 256 × 256
/// case costs as much as 15 at 64 × 64).
fn schedule(geometries: &[Geometry]) -> Vec<Geometry> {
    let weight = |g: &Geometry| if g.neurons() * (g.neurons() + g.inputs()) > 65_536 { 1 } else { 4 };
    geometries.iter().flat_map(|g| std::iter::repeat_n(*g, weight(g))).collect()
}

/// One lock-step case, all from `seed`: the geometry (`schedule[seed % len]`, round robin
/// as the seed counts up), the network's knobs, the stimulus, a state reset halfway or not.
#[derive(Debug, Clone, Copy)]
struct LockCase {
    knobs: Knobs,
    steps: usize,
    /// Percentage of the inputs that spike per timestep, on average.
    rate: u64,
    reset_halfway: bool,
}

impl LockCase {
    fn new(seed: u64, schedule: &[Geometry]) -> LockCase {
        let geometry = schedule[(seed % schedule.len() as u64) as usize];
        let mut rng = SplitMix64::new(seed);
        let (n, m) = (geometry.neurons(), geometry.inputs());
        // Free-running in a third of the cases; otherwise paced, with periods from far
        // below to far above the compute cycles (overruns and idle waits).
        let period = match rng.below(3) {
            0 => 0,
            1 => 1 + rng.below(4000) as u32,
            _ => 1 + rng.below(2 * (n * (n + m)) as u64 + 100) as u32,
        };
        let knobs = Knobs {
            neurons_log2: n.trailing_zeros(),
            inputs_log2: m.trailing_zeros(),
            seed: rng.next_u64(),
            density: rng.below(61),
            plasticity: rng.below(101),
            stdp: rng.below(2) == 1,
            period,
            lanes_log2: 0,
        };
        // Fewer timesteps on the large cores: their cost grows with N·(N + M).
        let steps = match n * (n + m) {
            0..=2048 => 10,
            2049..=8192 => 6,
            _ => 4,
        };
        LockCase { knobs, steps, rate: rng.below(41), reset_halfway: rng.below(2) == 1 }
    }

    /// Runs the case; the events matched.
    fn run(&self) -> Result<u64, CheckError> {
        let core = random_core(self.knobs);
        let stimulus = random_stimulus(self.knobs.seed, core.geometry().inputs(), self.steps, self.rate);
        let mut check = LockStep::new(core)?;
        check.check_memories()?;
        for (t, inputs) in stimulus.iter().enumerate() {
            if self.reset_halfway && t == self.steps / 2 {
                check.reset_state()?;
            }
            check.step(inputs)?;
        }
        check.check_memories()?;
        Ok(check.matched())
    }
}

/// `NCX_SOAK_LOCKSTEP` random networks (default 200) on the RTL core and the model in
/// lock step, over every built geometry (module docs).
#[test]
#[cfg_attr(not(have_verilator), ignore = "Verilator not found: install it with scripts/setup.sh")]
fn lockstep_soak() {
    let geometries = CoreSim::geometries();
    let schedule = schedule(&geometries);
    assert!(!schedule.is_empty());
    let (seeds, base) = seeds("NCX_SOAK_LOCKSTEP", 200);
    if seeds.is_empty() {
        println!("lock-step soak: no cases asked for");
        return;
    }
    let started = Instant::now();
    let (mut events, mut stdp, mut paced, mut resets) = (0u64, 0u64, 0u64, 0u64);
    let mut per_geometry = vec![(0u64, Duration::ZERO); geometries.len()];
    for (i, &seed) in seeds.iter().enumerate() {
        let case = LockCase::new(seed, &schedule);
        let case_started = Instant::now();
        match case.run() {
            Ok(matched) => events += matched,
            Err(e) => panic!(
                "lock-step case {i} of {} failed, seed {seed}: {case:?}\n{e}\nreproduce: NCX_SOAK_CASE={seed} \
                 NCX_SOAK_FAULTS=0 cargo test --release -p ncx-tests --test soak -- --nocapture",
                seeds.len()
            ),
        }
        let geometry = schedule[(seed % schedule.len() as u64) as usize];
        let slot = &mut per_geometry[geometries.iter().position(|g| *g == geometry).unwrap_or(0)];
        *slot = (slot.0 + 1, slot.1 + case_started.elapsed());
        stdp += u64::from(case.knobs.stdp);
        paced += u64::from(case.knobs.period > 0);
        resets += u64::from(case.reset_halfway);
    }
    let counts: Vec<String> = geometries
        .iter()
        .zip(&per_geometry)
        .map(|(g, (count, time))| format!("{}x{} {count} in {:.1} s", g.neurons(), g.inputs(), seconds(*time)))
        .collect();
    println!(
        "lock-step soak: {} cases from seed {base} ({}), {stdp} with STDP, {paced} paced, {resets} with a state \
         reset; {events} events matched, every memory byte equal; {:.1} s",
        seeds.len(),
        counts.join(", "),
        seconds(started.elapsed())
    );
}

// ---- faults ----

/// One fault-injected run, all from `seed`.
#[derive(Debug, Clone)]
struct FaultCase {
    image: Image,
    stimulus: Stimulus,
    steps: usize,
    spec: FaultSpec,
    fault_seed: u64,
}

impl FaultCase {
    fn new(seed: u64) -> FaultCase {
        let mut rng = SplitMix64::new(seed);
        let sizes = [16usize, 32, 64];
        let (n, m) = (sizes[rng.below(2) as usize], sizes[rng.below(3) as usize]);
        let stdp = rng.below(2) == 1;
        let period = if rng.below(2) == 1 { 1 + rng.below(4000) as u32 } else { 0 };
        let knobs = Knobs {
            neurons_log2: n.trailing_zeros(),
            inputs_log2: m.trailing_zeros(),
            seed: rng.next_u64(),
            density: 10 + rng.below(51),
            plasticity: rng.below(101),
            stdp,
            period,
            lanes_log2: 0,
        };
        let image = image_of(&random_core(knobs), &mut rng);
        let steps = 10 + rng.below(51) as usize;
        let rate = 5 + rng.below(36);
        let stimulus = Stimulus::from_steps(random_stimulus(knobs.seed, m, steps, rate));
        // 0.1 % to 2 % of the bytes in all (log-uniform), shared at random among the
        // four faults, some of which may get none.
        let total = 0.001 * 20f64.powf(unit(&mut rng));
        let shares: Vec<f64> = (0..4).map(|_| if rng.below(4) == 0 { 0.0 } else { unit(&mut rng) }).collect();
        let sum: f64 = shares.iter().sum();
        let p = |k: usize| if sum > 0.0 { total * shares[k] / sum } else { 0.0 };
        let mut spec = FaultSpec { drop: p(0), corrupt: p(1), dup: p(2), delay: p(3) };
        if spec.is_none() {
            spec.corrupt = total;
        }
        FaultCase { image, stimulus, steps, spec, fault_seed: rng.next_u64() }
    }

    /// The run on a fresh device through `link`.
    fn run<L: Link>(&self, link: L) -> Result<(RunResult, u64, u64, L), String> {
        let options = DriverOptions { retries: FAULT_RETRIES, ..DriverOptions::default() };
        let mut driver = Driver::connect_with(link, options).map_err(|e| e.to_string())?;
        let (result, device_run) = run_on_device(&mut driver, &self.image, &self.stimulus, self.steps, &mut NoProgress)
            .map_err(|e| e.to_string())?;
        let retries = driver.stats().retries;
        Ok((result, retries, device_run.resends, driver.into_link()))
    }
}

/// A uniform draw in `0..1`.
fn unit(rng: &mut SplitMix64) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// The image of `core` (its state is not part of an image: a run starts from reset),
/// every neuron recorded, up to four probed.
fn image_of(core: &ncx_model::Core, rng: &mut SplitMix64) -> Image {
    let geometry = core.geometry();
    let n = geometry.neurons();
    let mut image = Image::empty(geometry);
    image.config = *core.config();
    image.w_in = core.weights(Matrix::Input);
    image.w_rec = core.weights(Matrix::Recurrent);
    image.plastic_in = core.plastic_mask(Matrix::Input);
    image.plastic_rec = core.plastic_mask(Matrix::Recurrent);
    image.neurons = (0..n).map(|k| core.neuron_params(k).unwrap()).collect();
    let mut probe: Vec<u16> = (0..rng.below(5)).map(|_| rng.below(n as u64) as u16).collect();
    probe.sort_unstable();
    probe.dedup();
    image.meta.populations = vec![Block { name: "all".to_owned(), start: 0, len: n as u16, record: true, probe }];
    image
}

/// A device model of the image's geometry at power-on.
fn device_link(image: &Image) -> ModelLink {
    ModelLink::new(Device::new(image.geometry, DeviceConfig::default()))
}

/// The first difference between two runs, if any: raster, probes, counts, and the final
/// core (state, traces, weights, masks, parameters).
fn difference(got: &RunResult, expected: &RunResult) -> Option<String> {
    if got.raster != expected.raster {
        let at = got.raster.iter().zip(&expected.raster).position(|(a, b)| a != b);
        return Some(format!(
            "rasters differ ({} and {} spikes; first difference at spike {at:?})",
            got.raster.len(),
            expected.raster.len()
        ));
    }
    if got.probes != expected.probes {
        return Some("probe samples differ".to_owned());
    }
    if (got.total_spikes, got.input_spikes) != (expected.total_spikes, expected.input_spikes)
        || got.spikes_per_population != expected.spikes_per_population
    {
        return Some("spike counts differ".to_owned());
    }
    if got.weight_changes != expected.weight_changes {
        return Some("weight changes differ".to_owned());
    }
    if got.core != expected.core {
        return Some("the final cores (state, traces or weights read back) differ".to_owned());
    }
    None
}

/// `NCX_SOAK_FAULTS` fault-injected device runs (default 100), each bit-identical to
/// the same run without faults (module docs).
#[test]
fn fault_soak() {
    let (seeds, base) = seeds("NCX_SOAK_FAULTS", 100);
    if seeds.is_empty() {
        println!("fault soak: no runs asked for");
        return;
    }
    let started = Instant::now();
    let (mut faults, mut bytes, mut retries, mut resends, mut spikes) = (0u64, 0u64, 0u64, 0u64, 0u64);
    let mut rates = (f64::INFINITY, 0f64);
    for (i, &seed) in seeds.iter().enumerate() {
        let case = FaultCase::new(seed);
        let fail = |what: String| -> ! {
            panic!(
                "fault run {i} of {} failed, seed {seed} ({}x{} neurons x inputs, {} timesteps, faults {}, fault \
                 seed {}): {what}\nreproduce: NCX_SOAK_CASE={seed} NCX_SOAK_LOCKSTEP=0 cargo test --release -p \
                 ncx-tests --test soak -- --nocapture",
                seeds.len(),
                case.image.geometry.neurons(),
                case.image.geometry.inputs(),
                case.steps,
                case.spec,
                case.fault_seed
            )
        };
        let (clean, clean_retries, clean_resends, _) =
            case.run(device_link(&case.image)).unwrap_or_else(|e| fail(format!("the fault-free run: {e}")));
        assert_eq!((clean_retries, clean_resends), (0, 0), "seed {seed}: retries without faults");
        // The fault-free device run is the model's run.
        let model = run::run(
            &case.image,
            &case.stimulus,
            &RunOptions { steps: case.steps, target: Target::Model },
            &mut NoProgress,
        )
        .unwrap_or_else(|e| fail(format!("the model run: {e}")));
        if clean.raster != model.raster || clean.probes != model.probes {
            fail("the fault-free device run differs from the model".to_owned());
        }
        let link = FaultyLink::new(device_link(&case.image), case.spec, case.fault_seed);
        let (got, tries, lost, link) = case.run(link).unwrap_or_else(|e| fail(format!("the run through faults: {e}")));
        if let Some(what) = difference(&got, &clean) {
            fail(what);
        }
        let FaultStats { sent, received } = link.stats();
        faults += sent.faults() + received.faults();
        bytes += sent.bytes + received.bytes;
        retries += tries;
        resends += lost;
        spikes += clean.raster.len() as u64;
        let total = case.spec.drop + case.spec.corrupt + case.spec.dup + case.spec.delay;
        rates = (rates.0.min(total), rates.1.max(total));
    }
    println!(
        "fault soak: {} runs from seed {base}, fault rates {:.2} % to {:.2} % of the bytes; {faults} faults in {bytes} \
         bytes, {retries} retries, {resends} RESENDs; {spikes} spikes, every run bit-identical to its fault-free run; \
         {:.1} s",
        seeds.len(),
        rates.0 * 100.0,
        rates.1 * 100.0,
        seconds(started.elapsed())
    );
}
