//! The fast path and the cycle engine agree exactly: state, events (with their cycle
//! stamps), reports and cycle counts, over random networks, activities, STDP
//! settings, pacing and accumulate lanes (P = 1, 2, 4, 8) — and so does the fast path's
//! event-free variant (NullSink). The lanes change only cycle stamps: spikes, weights,
//! states and traces are the same for every P.

mod support;

use ncx_model::{Activity, Core, Event, EventKind, Matrix, NullSink, Schedule, TimestepReport, TraceKind};
use proptest::prelude::*;
use support::{Knobs, random_core, random_stimulus};

fn knobs() -> impl Strategy<Value = Knobs> {
    (
        4u32..=6,
        4u32..=6,
        any::<u64>(),
        0u64..=100,
        0u64..=100,
        any::<bool>(),
        prop_oneof![Just(0u32), 0u32..3000],
        0u8..=3,
    )
        .prop_map(|(neurons_log2, inputs_log2, seed, density, plasticity, stdp, period, lanes_log2)| Knobs {
            neurons_log2,
            inputs_log2,
            seed,
            density,
            plasticity,
            stdp,
            period,
            lanes_log2,
        })
}

/// Run `stimulus` on a clone of `core` with both engines and compare everything.
fn check_equivalent(core: &Core, stimulus: &[Vec<u16>]) -> Result<(), TestCaseError> {
    let mut fast = core.clone();
    let mut slow = core.clone();
    // The fast path without a listener takes its event-free kernels (memory order).
    let mut quiet = core.clone();
    for (step, inputs) in stimulus.iter().enumerate() {
        let previous_spikes = fast.last_spikes().len();
        let (mut fast_events, mut slow_events) = (Vec::new(), Vec::new());
        let fast_report = fast.run_timestep(inputs, &mut fast_events).unwrap();
        let slow_report = slow.run_timestep_cycles(inputs, &mut slow_events).unwrap();
        prop_assert_eq!(&fast_events, &slow_events, "events differ in timestep {}", step);
        prop_assert_eq!(fast_report, slow_report, "reports differ in timestep {}", step);
        prop_assert!(fast == slow, "state differs after timestep {}", step);
        let quiet_report = quiet.run_timestep(inputs, &mut NullSink).unwrap();
        prop_assert_eq!(quiet_report, slow_report, "event-free report differs in timestep {}", step);
        prop_assert!(quiet == slow, "event-free state differs after timestep {}", step);
        check_closed_form(&fast, fast_report, inputs, previous_spikes, &slow_events)?;
    }
    Ok(())
}

/// The compute cycles equal the documented formula; events lie inside the timestep
/// in cycle order and end with TimestepDone on its last compute cycle.
fn check_closed_form(
    core: &Core,
    report: TimestepReport,
    inputs: &[u16],
    previous_spikes: usize,
    events: &[Event],
) -> Result<(), TestCaseError> {
    let mut distinct = inputs.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    let spikes = events.iter().filter(|e| matches!(e.kind, EventKind::Spike { .. })).count();
    let activity = Activity { inputs: distinct.len(), previous_spikes, spikes, stdp: core.config().stdp.enabled };
    let schedule = Schedule::with_lanes(core.geometry(), core.lanes_log2(), activity);
    prop_assert_eq!(report.compute_cycles, schedule.cycles);
    if let Some(first) = events.iter().find(|e| matches!(e.kind, EventKind::NeuronUpdate { .. })) {
        prop_assert_eq!(first.cycle.0, report.start.0 + schedule.neuron + 3, "neuron 0 after the accumulate slots");
    }
    prop_assert_eq!(report.cycles, report.compute_cycles.max(u64::from(core.config().period)));
    prop_assert_eq!(report.spikes, spikes);
    let last = events.last().unwrap();
    prop_assert_eq!(last.kind, EventKind::TimestepDone { spikes: spikes as u32 });
    prop_assert_eq!(last.cycle.0, report.start.0 + report.compute_cycles - 1);
    prop_assert!(events.windows(2).all(|w| w[0].cycle <= w[1].cycle), "events out of cycle order");
    prop_assert!(events.iter().all(|e| e.cycle >= report.start && e.timestep == report.timestep));
    prop_assert_eq!(core.cycle().0, report.start.0 + report.cycles);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn fast_path_equals_cycle_engine(k in knobs(), steps in 1usize..8, rate in 0u64..40) {
        let core = random_core(k);
        let stimulus = random_stimulus(k.seed, core.geometry().inputs(), steps, rate);
        check_equivalent(&core, &stimulus)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Fewer, larger cores: geometries up to 1024, unequal N and M.
    #[test]
    fn fast_path_equals_cycle_engine_on_large_cores(
        neurons_log2 in 7u32..=10,
        inputs_log2 in 4u32..=10,
        seed in any::<u64>(),
        stdp in any::<bool>(),
        lanes_log2 in 0u8..=3,
    ) {
        let k = Knobs { neurons_log2, inputs_log2, seed, density: 30, plasticity: 50, stdp, period: 0, lanes_log2 };
        let core = random_core(k);
        let stimulus = random_stimulus(seed, core.geometry().inputs(), 3, 5);
        check_equivalent(&core, &stimulus)?;
    }
}

/// What a core holds that the lanes must not change: every weight, enable bit, neuron
/// state and trace, and the last spikes.
fn contents(core: &Core) -> Vec<i64> {
    let g = core.geometry();
    let mut out = Vec::new();
    for matrix in [Matrix::Input, Matrix::Recurrent] {
        out.extend(core.weights(matrix).into_iter().map(i64::from));
        out.extend(core.plastic_mask(matrix).into_iter().map(i64::from));
    }
    for n in 0..g.neurons() {
        let s = core.neuron_state(n).unwrap();
        out.extend([i64::from(s.v), i64::from(s.i), i64::from(s.refractory)]);
        out.extend([TraceKind::Pre, TraceKind::Post].map(|k| i64::from(core.trace(k, n).unwrap())));
    }
    out.extend((0..g.inputs()).map(|a| i64::from(core.trace(TraceKind::Input, a).unwrap())));
    out.extend(core.last_spikes().iter().map(|&n| i64::from(n)));
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// The same network and stimulus at P = 1 and at P = 2^lanes_log2: the same events
    /// in the same order (only their cycles differ), the same spikes and contents after
    /// every timestep, and each timestep shorter by exactly the accumulate slots' saving.
    #[test]
    fn lanes_change_only_cycle_stamps(k in knobs(), lanes_log2 in 1u8..=3, steps in 1usize..6, rate in 0u64..40) {
        let mut one = random_core(Knobs { lanes_log2: 0, period: 0, ..k });
        let mut many = random_core(Knobs { lanes_log2, period: 0, ..k });
        prop_assert_eq!(many.lanes_log2(), lanes_log2);
        let n = one.geometry().neurons() as u64;
        let saving = n - (n >> lanes_log2);
        for inputs in random_stimulus(k.seed, one.geometry().inputs(), steps, rate) {
            let previous = one.last_spikes().len() as u64;
            let (mut a, mut b) = (Vec::new(), Vec::new());
            let ra = one.run_timestep(&inputs, &mut a).unwrap();
            let rb = many.run_timestep_cycles(&inputs, &mut b).unwrap();
            let kinds = |events: &[Event]| events.iter().map(|e| (e.timestep, e.kind)).collect::<Vec<_>>();
            prop_assert_eq!(kinds(&a), kinds(&b));
            prop_assert_eq!(ra.spikes, rb.spikes);
            let mut distinct = inputs.clone();
            distinct.sort_unstable();
            distinct.dedup();
            let slots = distinct.len() as u64 + previous;
            prop_assert_eq!(ra.compute_cycles - rb.compute_cycles, slots * saving);
            prop_assert_eq!(contents(&one), contents(&many));
        }
    }
}
