//! The worked examples of docs/semantics.md §10, reproduced cell by cell on both
//! engines: §10.1 (three LIF neurons, STDP off) — I, v, r of every neuron in every
//! timestep, the spike sets S(t−1) and S(t), C per timestep, the cycle of every spike
//! and the absolute cycles the document names; §10.2 (STDP) — the neuron's state, the
//! weight events with their absolute cycles, the traces after each timestep and C.
//! The tables below are copied from the document; only the derived cycle numbers are
//! computed here, with their arithmetic.

use ncx_model::{
    Core, CoreConfig, Cycle, Event, EventKind, Geometry, Matrix, NeuronParams, NeuronState, StdpConfig, TimestepReport,
    TraceKind, TraceMode,
};

#[derive(Debug, Clone, Copy)]
enum Engine {
    FastPath,
    CycleEngine,
}

fn run(core: &mut Core, inputs: &[u16], engine: Engine) -> (TimestepReport, Vec<Event>) {
    let mut events = Vec::new();
    let report = match engine {
        Engine::FastPath => core.run_timestep(inputs, &mut events),
        Engine::CycleEngine => core.run_timestep_cycles(inputs, &mut events),
    };
    (report.unwrap(), events)
}

fn spike_events(events: &[Event]) -> Vec<(u16, u64)> {
    events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::Spike { neuron } => Some((neuron, e.cycle.0)),
            _ => None,
        })
        .collect()
}

// ---------------------------------------------------------------------------------
// §10.1 Three neurons
// ---------------------------------------------------------------------------------

fn example_10_1_core() -> Core {
    let mut core = Core::new(Geometry::new(16, 16).unwrap());
    core.set_config(CoreConfig { weight_shift: 4, ..CoreConfig::default() }).unwrap();
    let p = |threshold, reset, bias, v_decay, i_decay, refractory| NeuronParams {
        threshold,
        reset,
        bias,
        v_decay,
        i_decay,
        refractory,
    };
    core.set_neuron_params(0, p(1000, 0, 0, 410, 2048, 1)).unwrap();
    core.set_neuron_params(1, p(600, -100, 0, 0, 4095, 0)).unwrap();
    core.set_neuron_params(2, p(500, 0, 10, 1024, 1024, 2)).unwrap();
    core.set_weight(Matrix::Input, 0, 0, 50).unwrap();
    core.set_weight(Matrix::Recurrent, 1, 0, 40).unwrap();
    core.set_weight(Matrix::Recurrent, 2, 1, 100).unwrap();
    core.set_weight(Matrix::Recurrent, 0, 2, -60).unwrap();
    core
}

struct Row101 {
    inputs: &'static [u16],
    previous: &'static [u16],
    /// (I, v, r) of neurons 0, 1, 2.
    neurons: [(i32, i32, u8); 3],
    spikes: &'static [u16],
    cycles: u64,
}

/// The table of §10.1, one row per timestep t = 0..7.
const TABLE_10_1: [Row101; 8] = [
    Row101 { inputs: &[0], previous: &[], neurons: [(800, 800, 0), (0, 0, 0), (0, 10, 0)], spikes: &[], cycles: 39 },
    Row101 { inputs: &[0], previous: &[], neurons: [(1200, 0, 1), (0, 0, 0), (0, 17, 0)], spikes: &[0], cycles: 39 },
    Row101 {
        inputs: &[0],
        previous: &[0],
        neurons: [(1400, 0, 0), (640, -100, 0), (0, 22, 0)],
        spikes: &[1],
        cycles: 57,
    },
    Row101 {
        inputs: &[0],
        previous: &[1],
        neurons: [(1500, 0, 1), (0, -100, 0), (1600, 0, 2)],
        spikes: &[0, 2],
        cycles: 57,
    },
    Row101 {
        inputs: &[],
        previous: &[0, 2],
        neurons: [(-210, 0, 0), (640, 540, 0), (1200, 0, 1)],
        spikes: &[],
        cycles: 57,
    },
    Row101 {
        inputs: &[],
        previous: &[],
        neurons: [(-105, -105, 0), (0, 540, 0), (900, 0, 0)],
        spikes: &[],
        cycles: 21,
    },
    Row101 {
        inputs: &[],
        previous: &[],
        neurons: [(-52, -146, 0), (0, 540, 0), (675, 0, 2)],
        spikes: &[2],
        cycles: 21,
    },
    Row101 {
        inputs: &[],
        previous: &[2],
        neurons: [(-986, -1117, 0), (0, 540, 0), (506, 0, 1)],
        spikes: &[],
        cycles: 39,
    },
];

/// Start cycle of each timestep: running sums of C = 39, 39, 57, 57, 57, 21, 21, 39.
const STARTS_10_1: [u64; 8] = [0, 39, 78, 135, 192, 249, 270, 291];

/// Absolute cycle of every spike: start + 1 + 18·(k_in + k_prev) + 3 + n.
const SPIKES_10_1: [&[(u16, u64)]; 8] = [
    &[],
    &[(0, 61)],            // 39 + 1 + 18·1 + 3 + 0
    &[(1, 119)],           // 78 + 1 + 18·2 + 3 + 1 (the document's cycle 119)
    &[(0, 175), (2, 177)], // 135 + 1 + 18·2 + 3 + 0, … + 2
    &[],
    &[],
    &[(2, 276)], // 270 + 1 + 0 + 3 + 2
    &[],
];

fn check_example_10_1(engine: Engine) {
    let mut core = example_10_1_core();
    let mut total = 0;
    for (t, row) in TABLE_10_1.iter().enumerate() {
        assert_eq!(core.last_spikes(), row.previous, "S(t−1) at t = {t}");
        let (report, events) = run(&mut core, row.inputs, engine);
        for (n, &(i, v, r)) in row.neurons.iter().enumerate() {
            let expected = NeuronState { v, i, refractory: r };
            assert_eq!(core.neuron_state(n).unwrap(), expected, "neuron {n} at t = {t}");
        }
        for n in 3..16 {
            assert_eq!(core.neuron_state(n).unwrap(), NeuronState::default(), "neuron {n} at t = {t}");
        }
        assert_eq!(core.last_spikes(), row.spikes, "S(t) at t = {t}");
        assert_eq!(report.spikes, row.spikes.len());
        // C = 21 + 18·(k_in + k_prev), as the document says.
        let k = (row.inputs.len() + row.previous.len()) as u64;
        assert_eq!(report.compute_cycles, 21 + 18 * k);
        assert_eq!(report.compute_cycles, row.cycles, "C at t = {t}");
        assert_eq!(report.start, Cycle(STARTS_10_1[t]), "start of t = {t}");
        assert_eq!(spike_events(&events), SPIKES_10_1[t], "spike cycles at t = {t}");
        // Every neuron's NeuronUpdate in cycle start + 1 + 18·(k_in + k_prev) + 3 + n,
        // with the state of the table.
        let updates: Vec<(u64, NeuronState)> = events
            .iter()
            .filter_map(|e| match e.kind {
                EventKind::NeuronUpdate { v, i, refractory, .. } => Some((e.cycle.0, NeuronState { v, i, refractory })),
                _ => None,
            })
            .collect();
        assert_eq!(updates.len(), 16);
        for (n, &(cycle, state)) in updates.iter().enumerate() {
            assert_eq!(cycle, STARTS_10_1[t] + 1 + 18 * k + 3 + n as u64);
            assert_eq!(state, core.neuron_state(n).unwrap());
        }
        // STDP is off: the traces stay at their power-on 0.
        for n in 0..16 {
            for kind in [TraceKind::Input, TraceKind::Pre, TraceKind::Post] {
                assert_eq!(core.trace(kind, n).unwrap(), 0, "{kind:?} trace {n} at t = {t}");
            }
        }
        total += report.compute_cycles;
    }
    assert_eq!(total, 330);
    assert_eq!(core.cycle(), Cycle(330));
}

#[test]
fn example_10_1_on_the_fast_path() {
    check_example_10_1(Engine::FastPath);
}

#[test]
fn example_10_1_on_the_cycle_engine() {
    check_example_10_1(Engine::CycleEngine);
}

// ---------------------------------------------------------------------------------
// §10.2 STDP
// ---------------------------------------------------------------------------------

fn example_10_2_core() -> Core {
    let mut core = Core::new(Geometry::new(16, 16).unwrap());
    let stdp = StdpConfig {
        enabled: true,
        a_plus: 64,
        a_minus: 32,
        shift: 4,
        w_min: -8,
        w_max: 20,
        pre_decay: 2048,
        post_decay: 2048,
        pre_increment: 128,
        post_increment: 128,
        trace_mode: TraceMode::Add,
    };
    core.set_config(CoreConfig { weight_shift: 0, period: 0, stdp }).unwrap();
    let params = NeuronParams { threshold: 10, reset: 0, bias: 0, v_decay: 0, i_decay: 4095, refractory: 5 };
    core.set_neuron_params(0, params).unwrap();
    core.set_weight(Matrix::Input, 0, 0, 10).unwrap();
    core.set_weight(Matrix::Input, 0, 1, 0).unwrap();
    core.set_plastic(Matrix::Input, 0, 0, true).unwrap();
    core.set_plastic(Matrix::Input, 0, 1, true).unwrap();
    core
}

struct Row102 {
    inputs: &'static [u16],
    /// Neuron 0 after t: (I, v, r).
    neuron: (i32, i32, u8),
    spikes: &'static [u16],
    /// (absolute cycle, pre, old, new) of every W_in[0][pre] write.
    writes: &'static [(u64, u16, i8, i8)],
    /// x_in[0], x_in[1], x_pre[0], x_post[0] after t.
    traces: [u8; 4],
    cycles: u64,
    start: u64,
}

const TABLE_10_2: [Row102; 4] = [
    // t = 0: acc = W_in[0][1] = 0, I = 0, u = 0 < 10.
    Row102 { inputs: &[1], neuron: (0, 0, 0), spikes: &[], writes: &[], traces: [0, 64, 0, 0], cycles: 91, start: 0 },
    // t = 1: I = 10, u = 10 >= 10 → spike, v = 0, r = 5. W_in[0][0]: potentiate(10, 512)
    // = min(522, max(10, 20)) = 20 at 91 + 74 + 2 + 0 = 167; W_in[0][1]: potentiate(0, 256)
    // = 20 at 91 + 74 + 2 + 1 = 168.
    Row102 {
        inputs: &[0],
        neuron: (10, 0, 5),
        spikes: &[0],
        writes: &[(167, 0, 10, 20), (168, 1, 0, 20)],
        traces: [64, 32, 64, 64],
        cycles: 143,
        start: 91,
    },
    // t = 2: refractory, I = decay(10, 4095) = 0, r 5 → 4; start 91 + 143 = 234.
    Row102 {
        inputs: &[],
        neuron: (0, 0, 4),
        spikes: &[],
        writes: &[],
        traces: [32, 16, 32, 32],
        cycles: 73,
        start: 234,
    },
    // t = 3: I = 0 + W_in[0][1] = 20 while refractory (v held, r → 3); LTD on input 1:
    // depress(20, 64) = max(−44, min(20, −8)) = −8 at 307 + 38 + 2 + 0 = 347.
    Row102 {
        inputs: &[1],
        neuron: (20, 0, 3),
        spikes: &[],
        writes: &[(347, 1, 20, -8)],
        traces: [16, 72, 16, 16],
        cycles: 91,
        start: 307,
    },
];

fn check_example_10_2(engine: Engine) {
    let mut core = example_10_2_core();
    for (t, row) in TABLE_10_2.iter().enumerate() {
        let (report, events) = run(&mut core, row.inputs, engine);
        let (i, v, r) = row.neuron;
        assert_eq!(core.neuron_state(0).unwrap(), NeuronState { v, i, refractory: r }, "neuron 0 at t = {t}");
        assert_eq!(core.last_spikes(), row.spikes, "S(t) at t = {t}");
        let writes: Vec<(u64, u16, i8, i8)> = events
            .iter()
            .filter_map(|e| match e.kind {
                EventKind::WeightWrite { matrix: Matrix::Input, post: 0, pre, old, new } => {
                    Some((e.cycle.0, pre, old, new))
                }
                EventKind::WeightWrite { .. } => panic!("unexpected weight write {e:?}"),
                _ => None,
            })
            .collect();
        assert_eq!(writes, row.writes, "weight events at t = {t}");
        let traces = [
            core.trace(TraceKind::Input, 0).unwrap(),
            core.trace(TraceKind::Input, 1).unwrap(),
            core.trace(TraceKind::Pre, 0).unwrap(),
            core.trace(TraceKind::Post, 0).unwrap(),
        ];
        assert_eq!(traces, row.traces, "traces after t = {t}");
        assert_eq!(report.compute_cycles, row.cycles, "C at t = {t}");
        assert_eq!(report.start, Cycle(row.start), "start of t = {t}");
    }
    assert_eq!(core.weight(Matrix::Input, 0, 0).unwrap(), 20);
    assert_eq!(core.weight(Matrix::Input, 0, 1).unwrap(), -8);
    assert_eq!(core.cycle(), Cycle(398)); // 307 + 91
}

#[test]
fn example_10_2_on_the_fast_path() {
    check_example_10_2(Engine::FastPath);
}

#[test]
fn example_10_2_on_the_cycle_engine() {
    check_example_10_2(Engine::CycleEngine);
}

#[test]
fn example_10_2_phase_starts_named_in_the_document() {
    use ncx_model::{Activity, Schedule};
    let g = Geometry::new(16, 16).unwrap();
    // t = 1: k_in = 1, k_prev = 0, k_out = 1: LTP at 1 + 18 + 19 + 2·18 = 74.
    let s = Schedule::new(g, Activity { inputs: 1, previous_spikes: 0, spikes: 1, stdp: true });
    assert_eq!((s.ltp, s.cycles), (74, 143));
    // t = 3: k_in = 1, k_prev = 0, k_out = 0: LTD at 1 + 18 + 19 = 38.
    let s = Schedule::new(g, Activity { inputs: 1, previous_spikes: 0, spikes: 0, stdp: true });
    assert_eq!((s.ltd, s.cycles), (38, 91));
}

#[test]
fn both_examples_emit_identical_events_on_both_engines() {
    let inputs_10_1: Vec<&[u16]> = TABLE_10_1.iter().map(|row| row.inputs).collect();
    let inputs_10_2: Vec<&[u16]> = TABLE_10_2.iter().map(|row| row.inputs).collect();
    for (core, stimulus) in [(example_10_1_core(), inputs_10_1), (example_10_2_core(), inputs_10_2)] {
        let (mut fast, mut slow) = (core.clone(), core);
        for inputs in stimulus {
            let (fast_report, fast_events) = run(&mut fast, inputs, Engine::FastPath);
            let (slow_report, slow_events) = run(&mut slow, inputs, Engine::CycleEngine);
            assert_eq!(fast_report, slow_report);
            assert_eq!(fast_events, slow_events);
            assert!(fast == slow);
        }
    }
}
