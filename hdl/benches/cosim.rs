//! Throughput of the Verilated RTL core next to the model's two engines, on the same
//! network and the same input: N = M = 256, all-to-all, ~5 % activity, no STDP.
//!
//! A plain harness: `cargo bench -p ncx-hdl`. Per round it runs one batch of T
//! timesteps on each of: the RTL (`CoreSim`: stage the inputs, start, run to idle,
//! decoding the trace port), the model's cycle engine and its fast path, every batch from
//! the same start state; ROUNDS rounds, interleaved; it prints the median wall time per
//! timestep, simulated cycles per second, and the ratios model/RTL measured side by
//! side. It also checks that the three did the same thing (the cycles and spikes agree)
//! and prints the timesteps per second the RTL reaches at 100 MHz (its cycles per
//! timestep). docs/performance.md records the figures.

use std::error::Error;
use std::hint::black_box;
use std::time::{Duration, Instant};

use ncx_hdl::core::CoreSim;
use ncx_model::rng::SplitMix64;
use ncx_model::{Core, CoreConfig, Geometry, Matrix, NeuronParams, NullSink};

/// Rounds; the median is reported.
const ROUNDS: usize = 5;
/// Timesteps per batch.
const STEPS: usize = 200;
/// Size N = M.
const SIZE: usize = 256;
/// Probability that an input spikes in a timestep.
const INPUT_RATE_PERCENT: u64 = 5;
/// Neuron threshold tuned (by hand, once) for a firing rate of a few percent.
const THRESHOLD: i32 = 26_000;
/// A 100 MHz clock, for the RTL's real-time rate.
const CLOCK_HZ: f64 = 100e6;

fn network(rng: &mut SplitMix64) -> Result<Core, Box<dyn Error>> {
    let mut core = Core::new(Geometry::new(SIZE, SIZE)?);
    let w_in: Vec<i8> = (0..SIZE * SIZE).map(|_| (rng.next_u64() % 64) as i8).collect();
    let w_rec: Vec<i8> =
        (0..SIZE * SIZE).map(|k| if k / SIZE == k % SIZE { 0 } else { (rng.next_u64() % 127) as i8 - 63 }).collect();
    core.load_weights(Matrix::Input, &w_in)?;
    core.load_weights(Matrix::Recurrent, &w_rec)?;
    let params = NeuronParams { threshold: THRESHOLD, reset: 0, bias: 0, v_decay: 205, i_decay: 743, refractory: 2 };
    for n in 0..SIZE {
        core.set_neuron_params(n, params)?;
    }
    core.set_config(CoreConfig::default())?;
    Ok(core)
}

fn stimulus(rng: &mut SplitMix64) -> Vec<Vec<u16>> {
    (0..STEPS).map(|_| (0..SIZE as u16).filter(|_| rng.next_u64() % 100 < INPUT_RATE_PERCENT).collect()).collect()
}

/// What a batch did: simulated cycles and spikes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Tally {
    cycles: u64,
    spikes: u64,
}

/// Runs `warm` untimed, then `inputs` timed.
fn run_model(
    start: &Core,
    warm: &[Vec<u16>],
    inputs: &[Vec<u16>],
    cycle_engine: bool,
) -> Result<(Duration, Tally), Box<dyn Error>> {
    let mut core = start.clone();
    for step in warm {
        core.run_timestep(step, &mut NullSink)?;
    }
    let mut tally = Tally::default();
    let t0 = Instant::now();
    for step in inputs {
        let report = if cycle_engine {
            core.run_timestep_cycles(black_box(step), &mut NullSink)?
        } else {
            core.run_timestep(black_box(step), &mut NullSink)?
        };
        tally.cycles += report.cycles;
        tally.spikes += report.spikes as u64;
    }
    Ok((t0.elapsed(), tally))
}

/// Loads `start` (which must have no spike history: no region holds it), runs `warm`
/// untimed, then `inputs` timed.
fn run_rtl(start: &Core, warm: &[Vec<u16>], inputs: &[Vec<u16>]) -> Result<(Duration, Tally), Box<dyn Error>> {
    let mut sim = CoreSim::new(start.geometry())?;
    for region in ncx_model::wire::layout::Region::ALL {
        sim.write(region, 0, &ncx_model::device::region::region_bytes(start, region));
    }
    let mut events = Vec::new();
    for step in warm {
        sim.stage_inputs(step);
        sim.start();
        sim.run(u64::MAX, &mut events)?;
        events.clear();
    }
    let mut tally = Tally::default();
    let t0 = Instant::now();
    for step in inputs {
        sim.stage_inputs(step);
        sim.start();
        events.clear();
        tally.cycles += sim.run(u64::MAX, &mut events)?;
        tally.spikes += sim.status().spikes.len() as u64;
    }
    Ok((t0.elapsed(), tally))
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn main() -> Result<(), Box<dyn Error>> {
    if !ncx_hdl::COSIM_AVAILABLE {
        println!("SKIPPED: ncx-hdl was built without Verilator");
        return Ok(());
    }
    let mut rng = SplitMix64::new(0x4E43_5831_2026_0005);
    let start = network(&mut rng)?;
    // Every run first warms up (untimed) so the timed batch starts from ongoing activity.
    let warm = stimulus(&mut rng);
    let inputs = stimulus(&mut rng);
    let (mut rtl, mut cycle, mut fast) = (Vec::new(), Vec::new(), Vec::new());
    let mut tallies = None;
    for _ in 0..ROUNDS {
        let (t_rtl, a) = run_rtl(&start, &warm, &inputs)?;
        let (t_cycle, b) = run_model(&start, &warm, &inputs, true)?;
        let (t_fast, c) = run_model(&start, &warm, &inputs, false)?;
        // The RTL's time also includes staging the inputs (a cycle per input) and the
        // start request (a cycle), which the model's cycle count does not; its run
        // cycles equal the model's.
        if a != b || b != c {
            return Err(format!("the engines disagree: RTL {a:?}, cycle engine {b:?}, fast path {c:?}").into());
        }
        tallies = Some(b);
        rtl.push(t_rtl.as_secs_f64());
        cycle.push(t_cycle.as_secs_f64());
        fast.push(t_fast.as_secs_f64());
    }
    let tally = tallies.unwrap_or_default();
    let steps = STEPS as f64;
    let cycles_per_step = tally.cycles as f64 / steps;
    let activity = tally.spikes as f64 / steps / SIZE as f64 * 100.0;
    println!(
        "cosim n{SIZE}: {STEPS} timesteps, {:.0} cycles per timestep, {activity:.1} % of neurons fire per timestep, \
         median of {ROUNDS} rounds",
        cycles_per_step
    );
    for (name, times) in [("rtl (verilator)", &rtl), ("model cycle engine", &cycle), ("model fast path", &fast)] {
        let t = median(times.clone());
        println!(
            "  {name:<20} {:>10.2} µs/timestep  {:>12.0} timesteps/s  {:>8.2} M cycles/s",
            t / steps * 1e6,
            steps / t,
            tally.cycles as f64 / t / 1e6
        );
    }
    let (r, c, f) = (median(rtl), median(cycle), median(fast));
    println!("  ratio cycle engine / rtl: {:.1}x faster; fast path / rtl: {:.0}x faster", r / c, r / f);
    println!("  the RTL at 100 MHz: {:.0} timesteps/s ({cycles_per_step:.0} cycles each)", CLOCK_HZ / cycles_per_step);
    Ok(())
}
