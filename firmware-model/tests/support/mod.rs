//! Shared test support: seeded random networks and stimuli for property tests.

#![allow(dead_code, unreachable_pub)]

pub mod docs;

use ncx_model::rng::SplitMix64;
use ncx_model::{Core, CoreConfig, Geometry, Matrix, NeuronParams, NeuronState, StdpConfig, TraceKind, TraceMode};

/// Seeded draws for random networks: [`ncx_model::rng::SplitMix64`], so that a failing
/// case is reproducible from its seed alone.
pub struct Rng(SplitMix64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(SplitMix64::new(seed))
    }

    pub fn next(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % ((hi - lo + 1) as u64)) as i64
    }

    /// True with probability `p_percent`/100.
    pub fn chance(&mut self, p_percent: u64) -> bool {
        self.next() % 100 < p_percent
    }
}

/// The knobs of a random network; everything else comes from the seed.
#[derive(Debug, Clone, Copy)]
pub struct Knobs {
    pub neurons_log2: u32,
    pub inputs_log2: u32,
    pub seed: u64,
    /// Percentage of non-zero weights.
    pub density: u64,
    /// Percentage of plastic synapses.
    pub plasticity: u64,
    pub stdp: bool,
    /// 0 = free-running.
    pub period: u32,
    /// P = 2^lanes_log2 accumulate lanes.
    pub lanes_log2: u8,
}

/// A random, valid core: weights, masks, parameters, configuration, initial state
/// and traces all drawn from the seed, biased toward values that make neurons fire
/// and weights hit their bounds.
pub fn random_core(k: Knobs) -> Core {
    let geometry = Geometry::new(1 << k.neurons_log2, 1 << k.inputs_log2).unwrap();
    let (n, m) = (geometry.neurons(), geometry.inputs());
    let mut rng = Rng::new(k.seed);
    let mut core = Core::with_lanes(geometry, k.lanes_log2).unwrap();
    let w_min = rng.range(-128, 0) as i8;
    let w_max = rng.range(i64::from(w_min), 127) as i8;
    let stdp = StdpConfig {
        enabled: k.stdp,
        a_plus: rng.range(0, 255) as u8,
        a_minus: rng.range(0, 255) as u8,
        shift: rng.range(0, 15) as u8,
        w_min,
        w_max,
        pre_decay: if rng.chance(20) { rng.range(0, 4095) as u16 } else { rng.range(0, 1024) as u16 },
        post_decay: if rng.chance(20) { rng.range(0, 4095) as u16 } else { rng.range(0, 1024) as u16 },
        pre_increment: rng.range(0, 255) as u8,
        post_increment: rng.range(0, 255) as u8,
        trace_mode: if rng.chance(50) { TraceMode::Add } else { TraceMode::Set },
    };
    let weight_shift = rng.range(0, 15) as u8;
    core.set_config(CoreConfig { weight_shift, period: k.period, stdp }).unwrap();
    for (matrix, pres) in [(Matrix::Input, m), (Matrix::Recurrent, n)] {
        let weights: Vec<i8> =
            (0..n * pres).map(|_| if rng.chance(k.density) { rng.range(-128, 127) as i8 } else { 0 }).collect();
        let plastic: Vec<bool> = (0..n * pres).map(|_| rng.chance(k.plasticity)).collect();
        core.load_weights(matrix, &weights).unwrap();
        core.load_plastic_mask(matrix, &plastic).unwrap();
    }
    // Scale thresholds to the synaptic unit so that a few spikes can make a neuron fire.
    let unit = 1i64 << weight_shift;
    for neuron in 0..n {
        let threshold = if rng.chance(5) {
            rng.range(-(1 << 23), (1 << 23) - 1)
        } else {
            (rng.range(-20, 400) * unit).clamp(-(1 << 23), (1 << 23) - 1)
        };
        let params = NeuronParams {
            threshold: threshold as i32,
            reset: (rng.range(-200, 50) * unit).clamp(-(1 << 23), (1 << 23) - 1) as i32,
            bias: if rng.chance(30) { (rng.range(-50, 50) * unit).clamp(-(1 << 23), (1 << 23) - 1) as i32 } else { 0 },
            v_decay: if rng.chance(10) { rng.range(0, 4095) as u16 } else { rng.range(0, 800) as u16 },
            i_decay: if rng.chance(10) { rng.range(0, 4095) as u16 } else { rng.range(0, 2500) as u16 },
            refractory: if rng.chance(70) { rng.range(0, 3) as u8 } else { rng.range(0, 255) as u8 },
        };
        core.set_neuron_params(neuron, params).unwrap();
        let extreme = rng.chance(5);
        let state = NeuronState {
            v: if extreme { (1 << 23) - 1 } else { rng.range(-1000, 1000) as i32 },
            i: if extreme { -(1 << 23) } else { rng.range(-1000, 1000) as i32 },
            refractory: rng.range(0, 2) as u8,
        };
        core.set_neuron_state(neuron, state).unwrap();
        core.set_trace(TraceKind::Pre, neuron, rng.range(0, 255) as u8).unwrap();
        core.set_trace(TraceKind::Post, neuron, rng.range(0, 255) as u8).unwrap();
    }
    for input in 0..m {
        core.set_trace(TraceKind::Input, input, rng.range(0, 255) as u8).unwrap();
    }
    core
}

/// Random input spike lists for `steps` timesteps: unsorted, with duplicates, roughly
/// `rate` percent of the inputs per step.
pub fn random_stimulus(seed: u64, inputs: usize, steps: usize, rate: u64) -> Vec<Vec<u16>> {
    let mut rng = Rng::new(seed ^ 0x5EED);
    (0..steps)
        .map(|_| {
            let count = (inputs as u64 * rate / 100) as i64;
            let count = rng.range(0, 2 * count.max(1));
            (0..count).map(|_| rng.range(0, inputs as i64 - 1) as u16).collect()
        })
        .collect()
}

/// One timestep on the fast path; the same timestep on a clone with the cycle engine
/// must give the same report, events and state.
pub fn step(core: &mut Core, inputs: &[u16]) -> (ncx_model::TimestepReport, Vec<ncx_model::Event>) {
    let mut slow = core.clone();
    let mut events = Vec::new();
    let report = core.run_timestep(inputs, &mut events).unwrap();
    let mut slow_events = Vec::new();
    let slow_report = slow.run_timestep_cycles(inputs, &mut slow_events).unwrap();
    assert_eq!(report, slow_report, "fast path and cycle engine reports differ");
    assert_eq!(events, slow_events, "fast path and cycle engine events differ");
    assert!(*core == slow, "fast path and cycle engine states differ");
    (report, events)
}
