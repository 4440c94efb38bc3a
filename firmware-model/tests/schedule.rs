//! The cycle schedule (docs/semantics.md §6), the event stamps (§8), pacing and overrun
//! (§7) and the cycle engine's interface (§9): the closed form of the compute cycles
//! against hand-picked activities with and without STDP and with unequal N and M; one
//! timestep's complete event list with every cycle computed by hand; paced timesteps
//! longer and shorter than their computation; `step_cycle` returning the report on the
//! right cycle, counting cycles while idle; and `Busy` while a timestep is in progress.
//! With P accumulate lanes (P = 4, 8): the closed form and the documented example
//! (C = 1 977 at N = M = 256), phase starts, and the events of one timestep by hand.
//!
//! To get an exact activity, every neuron of an "armed" core has θ = 1, no decay, reset
//! 0 and all weights are 0: a neuron fires in the next timestep iff the host set its v to
//! 1, so k_prev and k_out are chosen by the host and k_in is the number of inputs given.

mod support;

use ncx_model::{
    Activity, Core, CoreConfig, Cycle, Event, EventKind, Geometry, Matrix, ModelError, NeuronParams, NeuronState,
    Schedule, StdpConfig, Timestep, TraceKind, TraceMode,
};
use support::step;

fn armed_core(neurons: usize, inputs: usize, stdp: bool, period: u32) -> Core {
    armed_core_with_lanes(neurons, inputs, stdp, period, 0)
}

fn armed_core_with_lanes(neurons: usize, inputs: usize, stdp: bool, period: u32, lanes_log2: u8) -> Core {
    let mut core = Core::with_lanes(Geometry::new(neurons, inputs).unwrap(), lanes_log2).unwrap();
    let stdp = StdpConfig { enabled: stdp, ..StdpConfig::default() };
    core.set_config(CoreConfig { weight_shift: 0, period, stdp }).unwrap();
    for n in 0..neurons {
        core.set_neuron_params(n, NeuronParams { threshold: 1, ..NeuronParams::SILENT }).unwrap();
    }
    core
}

/// Make neurons 0..count fire in the next timestep.
fn arm(core: &mut Core, count: usize) {
    for n in 0..count {
        core.set_neuron_state(n, NeuronState { v: 1, i: 0, refractory: 0 }).unwrap();
    }
}

/// Compute cycles of a timestep with the given activity (after a timestep that made
/// `k_prev` spikes).
fn measure(neurons: usize, inputs: usize, stdp: bool, k_in: usize, k_prev: usize, k_out: usize) -> u64 {
    measure_with_lanes(0, neurons, inputs, stdp, (k_in, k_prev, k_out))
}

/// [`measure`] on a core with 2^`lanes_log2` accumulate lanes; `(k_in, k_prev, k_out)`.
fn measure_with_lanes(lanes_log2: u8, neurons: usize, inputs: usize, stdp: bool, k: (usize, usize, usize)) -> u64 {
    let (k_in, k_prev, k_out) = k;
    let mut core = armed_core_with_lanes(neurons, inputs, stdp, 0, lanes_log2);
    arm(&mut core, k_prev);
    let (report, _) = step(&mut core, &[]);
    assert_eq!(report.spikes, k_prev);
    arm(&mut core, k_out);
    let list: Vec<u16> = (0..k_in as u16).rev().collect();
    let (report, events) = step(&mut core, &list);
    assert_eq!(report.spikes, k_out);
    let done = events.last().unwrap();
    assert_eq!(done.kind, EventKind::TimestepDone { spikes: k_out as u32 });
    assert_eq!(done.cycle.0, report.start.0 + report.compute_cycles - 1, "TimestepDone on cycle C − 1");
    report.compute_cycles
}

#[test]
fn closed_form_idle_timestep() {
    // 1 + 0 + (16 + 3) + 1 = 21
    assert_eq!(measure(16, 16, false, 0, 0, 0), 21);
    // 21 + (0 + 0 + (16 + 16 + 2)) = 55: the trace phase always runs with STDP on
    assert_eq!(measure(16, 16, true, 0, 0, 0), 55);
}

#[test]
fn closed_form_without_stdp() {
    // N = M = 16, k_in 3, k_prev 2: 1 + 5·18 + 19 + 1 = 111 (k_out does not count)
    assert_eq!(measure(16, 16, false, 3, 2, 4), 111);
    // N = 64, M = 16, k_in 5, k_prev 3: 1 + 8·66 + 67 + 1 = 597
    assert_eq!(measure(64, 16, false, 5, 3, 2), 597);
    // N = 16, M = 64, k_in 10, k_prev 1: 1 + 11·18 + 19 + 1 = 219
    assert_eq!(measure(16, 64, false, 10, 1, 3), 219);
}

#[test]
fn closed_form_with_stdp() {
    // N = M = 16, (3, 2, 4): 111 + (3 + 4)·18 + 4·34 + 34 = 111 + 126 + 136 + 34 = 407
    assert_eq!(measure(16, 16, true, 3, 2, 4), 407);
    // N = 64, M = 16, (5, 3, 2): 597 + 7·66 + 2·82 + 82 = 597 + 462 + 164 + 82 = 1305
    assert_eq!(measure(64, 16, true, 5, 3, 2), 1305);
    // N = 16, M = 64, (10, 1, 3): 219 + 13·18 + 3·82 + 82 = 219 + 234 + 246 + 82 = 781
    assert_eq!(measure(16, 64, true, 10, 1, 3), 781);
    // N = M = 1024, (2, 3, 4): 1 + 5·1026 + 1027 + 1 + 6·1026 + 4·2050 + 2050 = 22565
    assert_eq!(measure(1024, 1024, true, 2, 3, 4), 22565);
}

#[test]
fn closed_form_of_the_documented_example() {
    // §6: N = M = 256, 13 inputs, 13 previous and 13 new spikes.
    assert_eq!(measure(256, 256, false, 13, 13, 13), 6969); // 1 + 26·258 + 259 + 1
    assert_eq!(measure(256, 256, true, 13, 13, 13), 20873); // 6969 + 26·258 + 13·514 + 514
}

#[test]
fn closed_form_with_lanes() {
    // §6 at P = 4: N = M = 256, 13 + 13 spikes: 1 + 26·(64 + 2) + 259 + 1 = 1977.
    assert_eq!(measure_with_lanes(2, 256, 256, false, (13, 13, 13)), 1977);
    // STDP phases are unchanged: 1977 + 26·258 + 13·514 + 514 = 15881.
    assert_eq!(measure_with_lanes(2, 256, 256, true, (13, 13, 13)), 15881);
    // P = 8 at N = 16, M = 64, (10, 1, 3): 1 + 11·(2 + 2) + 19 + 1 = 65; with STDP
    // 65 + 13·18 + 3·82 + 82 = 627.
    assert_eq!(measure_with_lanes(3, 16, 64, false, (10, 1, 3)), 65);
    assert_eq!(measure_with_lanes(3, 16, 64, true, (10, 1, 3)), 627);
    // P = 2 at N = M = 1024, (2, 3, 4): 1 + 5·514 + 1027 + 1 + 6·1026 + 4·2050 + 2050 = 20 005.
    assert_eq!(measure_with_lanes(1, 1024, 1024, true, (2, 3, 4)), 20_005);
    // An idle timestep has no accumulate slot: the same at every P.
    for lanes_log2 in 0..=3 {
        assert_eq!(measure_with_lanes(lanes_log2, 16, 16, false, (0, 0, 0)), 21);
    }
}

#[test]
fn schedule_phase_starts_with_lanes() {
    let g = Geometry::new(64, 16).unwrap();
    let s = Schedule::with_lanes(g, 2, Activity { inputs: 5, previous_spikes: 3, spikes: 2, stdp: true });
    // accumulate slot N/4 + 2 = 18; LTD slot N + 2 = 66, row slot M + N + 2 = 82
    assert_eq!((s.acc_slot, s.column_slot, s.row_slot), (18, 66, 82));
    assert_eq!(s.acc_in, 1);
    assert_eq!(s.acc_rec, 91); // 1 + 5·18
    assert_eq!(s.neuron, 145); // 91 + 3·18
    assert_eq!(s.ltd, 212); // 145 + 67
    assert_eq!(s.ltp, 674); // 212 + (5 + 2)·66
    assert_eq!(s.trace, 838); // 674 + 2·82
    assert_eq!(s.done, 920); // 838 + 82
    assert_eq!(s.cycles, 921);
}

#[test]
fn every_event_kind_on_its_cycle_with_four_lanes() {
    // The core and timestep of `every_event_kind_on_its_cycle` at P = 4: the
    // accumulate slots take 16/4 + 2 = 6 cycles instead of 18.
    let mut one = event_core();
    let (_, expected) = step(&mut one, &[7, 2]);
    let mut core = event_core_with_lanes(2);
    let (report, events) = step(&mut core, &[7, 2]);
    // The previous timestep (k_in = 0, k_prev = 0) is unchanged: C = 107, start 107.
    // Now NEURON = 1 + 3·6 = 19, LTD = 19 + 19 = 38, LTP = 38 + 4·18 = 110,
    // TRACE = 110 + 2·34 = 178, DONE = 178 + 34 = 212, C = 213: 3·12 = 36 cycles less,
    // and every event 36 cycles earlier (the accumulate phases have no events).
    assert_eq!((report.start, report.compute_cycles), (Cycle(107), 213));
    let shifted: Vec<Event> = expected.iter().map(|e| Event { cycle: Cycle(e.cycle.0 - 36), ..*e }).collect();
    assert_eq!(events, shifted);
    assert_eq!(events[0].cycle, Cycle(107 + 19 + 3)); // NeuronUpdate 0
    assert_eq!(events.last().unwrap().cycle, Cycle(107 + 212)); // TimestepDone
    assert!(contents_equal(&one, &core));
}

/// Equal weights, states and traces (cores of different lanes never compare `==`).
fn contents_equal(a: &Core, b: &Core) -> bool {
    let g = a.geometry();
    [Matrix::Input, Matrix::Recurrent].iter().all(|&m| a.weights(m) == b.weights(m))
        && (0..g.neurons()).all(|n| {
            a.neuron_state(n) == b.neuron_state(n)
                && [TraceKind::Pre, TraceKind::Post].iter().all(|&k| a.trace(k, n) == b.trace(k, n))
        })
        && (0..g.inputs()).all(|x| a.trace(TraceKind::Input, x) == b.trace(TraceKind::Input, x))
        && a.last_spikes() == b.last_spikes()
}

#[test]
fn schedule_phase_starts_for_unequal_geometry() {
    let g = Geometry::new(64, 16).unwrap();
    let s = Schedule::new(g, Activity { inputs: 5, previous_spikes: 3, spikes: 2, stdp: true });
    // column slot N + 2 = 66, row slot M + N + 2 = 82
    assert_eq!((s.column_slot, s.row_slot), (66, 82));
    assert_eq!(s.acc_in, 1); // after FETCH
    assert_eq!(s.acc_rec, 331); // 1 + 5·66
    assert_eq!(s.neuron, 529); // 331 + 3·66
    assert_eq!(s.ltd, 596); // 529 + 67
    assert_eq!(s.ltp, 1058); // 596 + (5 + 2)·66
    assert_eq!(s.trace, 1222); // 1058 + 2·82
    assert_eq!(s.done, 1304); // 1222 + 82
    assert_eq!(s.cycles, 1305);
    let s = Schedule::new(g, Activity { inputs: 5, previous_spikes: 3, spikes: 2, stdp: false });
    // No STDP phases: DONE right after the neuron phase.
    assert_eq!((s.ltd, s.done, s.cycles), (596, 596, 597));
}

/// The core of `every_event_kind_on_its_cycle`: STDP with Δ(A, x) = (16·x) >> 4 = x,
/// no trace decay, increments 8; neuron 5 fired in the previous timestep.
fn event_core() -> Core {
    event_core_with_lanes(0)
}

/// [`event_core`] with 2^`lanes_log2` accumulate lanes.
fn event_core_with_lanes(lanes_log2: u8) -> Core {
    let mut core = armed_core_with_lanes(16, 16, true, 0, lanes_log2);
    let stdp = StdpConfig {
        enabled: true,
        a_plus: 16,
        a_minus: 16,
        shift: 4,
        w_min: -128,
        w_max: 127,
        pre_decay: 0,
        post_decay: 0,
        pre_increment: 8,
        post_increment: 8,
        trace_mode: TraceMode::Add,
    };
    core.set_config(CoreConfig { weight_shift: 0, period: 0, stdp }).unwrap();
    for (matrix, post, pre) in [
        (Matrix::Input, 0, 2),
        (Matrix::Input, 3, 7),
        (Matrix::Input, 1, 0),
        (Matrix::Recurrent, 4, 1),
        (Matrix::Recurrent, 3, 1),
        (Matrix::Recurrent, 1, 5),
    ] {
        core.set_plastic(matrix, post, pre, true).unwrap();
    }
    core.set_weight(Matrix::Input, 3, 7, 10).unwrap();
    core.set_neuron_state(5, NeuronState { v: 1, i: 0, refractory: 0 }).unwrap();
    let (report, _) = step(&mut core, &[]);
    // k_out = 1 (neuron 5): C = 21 + (18 + 34 + 34) = 107.
    assert_eq!((report.compute_cycles, report.spikes), (107, 1));
    // Traces as the measured timestep sees them (replacing what t = 0 left).
    for (kind, index, value) in [
        (TraceKind::Pre, 5, 6),
        (TraceKind::Post, 0, 5),
        (TraceKind::Post, 3, 4),
        (TraceKind::Post, 4, 3),
        (TraceKind::Input, 7, 2),
    ] {
        core.set_trace(kind, index, value).unwrap();
    }
    core.set_neuron_state(1, NeuronState { v: 1, i: 0, refractory: 0 }).unwrap();
    core.set_neuron_state(3, NeuronState { v: 1, i: 0, refractory: 0 }).unwrap();
    core
}

#[test]
fn every_event_kind_on_its_cycle() {
    let mut core = event_core();
    let (report, events) = step(&mut core, &[7, 2]);
    // k_in = 2 (inputs 2, 7), k_prev = 1 (neuron 5), k_out = 2 (neurons 1, 3).
    // NEURON = 1 + 3·18 = 55, LTD = 55 + 19 = 74, LTP = 74 + 4·18 = 146,
    // TRACE = 146 + 2·34 = 214, DONE = 214 + 34 = 248, C = 249; start = 107.
    assert_eq!(report.start, Cycle(107));
    assert_eq!(report.compute_cycles, 249);
    let t = Timestep(1);
    let at = |cycle: u64, kind: EventKind| Event { cycle: Cycle(cycle), timestep: t, kind };
    let update = |n: u16, v: i32, i: i32| EventKind::NeuronUpdate { neuron: n, v, i, refractory: 0 };
    let write = |matrix, post, pre, old, new| EventKind::WeightWrite { matrix, post, pre, old, new };
    let mut expected = Vec::new();
    // NeuronUpdate n at 107 + 55 + 3 + n = 165 + n. Neurons 1 and 3 fire (u = 1 + I'),
    // neuron 3 with I' = W_in[3][7] = 10; every other neuron stays at 0.
    for n in 0..16u16 {
        let i = if n == 3 { 10 } else { 0 };
        expected.push(at(165 + u64::from(n), update(n, 0, i)));
        if n == 1 || n == 3 {
            expected.push(at(165 + u64::from(n), EventKind::Spike { neuron: n }));
        }
    }
    // LTD slot k (inputs 2, 7, then neurons 1, 3), post n: 107 + 74 + 18·k + 2 + n.
    // Δ− = x_post[n] as stored (no bump for 1 and 3).
    expected.push(at(183, write(Matrix::Input, 0, 2, 0, -5))); // k 0, n 0: 0 − 5
    expected.push(at(204, write(Matrix::Input, 3, 7, 10, 6))); // k 1, n 3: 10 − 4
    expected.push(at(222, write(Matrix::Recurrent, 3, 1, 0, -4))); // k 2, n 3: 0 − 4
    expected.push(at(223, write(Matrix::Recurrent, 4, 1, 0, -3))); // k 2, n 4: 0 − 3
    // LTP slot k (neurons 1, 3): W_in[n][m] at 107 + 146 + 34·k + 2 + m,
    // W_rec[n][j] at 107 + 146 + 34·k + 18 + j. W_in[1][0]: Δ+(x_in[0] = 0) = 0, no event.
    expected.push(at(276, write(Matrix::Recurrent, 1, 5, 0, 6))); // k 0, j 5: 0 + x_pre[5] = 6
    expected.push(at(296, write(Matrix::Input, 3, 7, 6, 16))); // k 1, m 7: 6 + (2 + 8)
    expected.push(at(306, write(Matrix::Recurrent, 3, 1, -4, 4))); // k 1, j 1: −4 + (0 + 8)
    // DONE at 107 + 248 = 355 = start + C − 1.
    expected.push(at(355, EventKind::TimestepDone { spikes: 2 }));
    assert_eq!(events, expected);
    // Traces (δ = 0, add 8 on a spike).
    let traces: Vec<u8> = [(TraceKind::Input, 2), (TraceKind::Input, 7), (TraceKind::Pre, 1), (TraceKind::Pre, 5)]
        .into_iter()
        .chain([(TraceKind::Post, 0), (TraceKind::Post, 3), (TraceKind::Post, 4)])
        .map(|(kind, index)| core.trace(kind, index).unwrap())
        .collect();
    assert_eq!(traces, [8, 10, 8, 6, 5, 12, 3]);
}

#[test]
fn paced_timestep_lasts_the_period() {
    let mut core = armed_core(16, 16, false, 100);
    let (report, _) = step(&mut core, &[]);
    // C = 21 < P = 100: the timestep lasts 100 cycles.
    assert_eq!((report.start, report.compute_cycles, report.cycles, report.overrun), (Cycle(0), 21, 100, false));
    assert_eq!(core.cycle(), Cycle(100));
    let (report, events) = step(&mut core, &[3]);
    // C = 21 + 18 = 39; starts at 100; NeuronUpdate 0 at 100 + 1 + 18 + 3 = 122;
    // TimestepDone at 100 + 38 = 138.
    assert_eq!((report.start, report.compute_cycles, report.cycles, report.overrun), (Cycle(100), 39, 100, false));
    assert_eq!(events[0].cycle, Cycle(122));
    assert_eq!(events.last().unwrap().cycle, Cycle(138));
    assert_eq!(core.cycle(), Cycle(200));
    assert_eq!(core.overruns(), 0);
}

#[test]
fn period_shorter_than_the_computation_is_an_overrun() {
    let mut core = armed_core(16, 16, false, 30);
    // C = 39 > 30: overrun, lasts 39.
    let (report, _) = step(&mut core, &[0]);
    assert_eq!((report.start, report.compute_cycles, report.cycles, report.overrun), (Cycle(0), 39, 39, true));
    assert_eq!((core.cycle(), core.overruns()), (Cycle(39), 1));
    // C = 21 <= 30: paced, lasts 30, starts right after the overrun.
    let (report, _) = step(&mut core, &[]);
    assert_eq!((report.start, report.compute_cycles, report.cycles, report.overrun), (Cycle(39), 21, 30, false));
    assert_eq!((core.cycle(), core.overruns()), (Cycle(69), 1));
    // Overrun again: counter 2.
    let (report, events) = step(&mut core, &[0]);
    assert_eq!((report.start, report.cycles, report.overrun), (Cycle(69), 39, true));
    assert_eq!(events.last().unwrap().cycle, Cycle(107)); // 69 + 39 − 1
    assert_eq!((core.cycle(), core.overruns()), (Cycle(108), 2));
}

#[test]
fn period_equal_to_the_computation_is_not_an_overrun() {
    let mut core = armed_core(16, 16, false, 39);
    let (report, _) = step(&mut core, &[0]); // C = 39 = P
    assert_eq!((report.compute_cycles, report.cycles, report.overrun), (39, 39, false));
    assert_eq!((core.cycle(), core.overruns()), (Cycle(39), 0));
}

#[test]
fn step_cycle_reports_on_the_done_cycle_when_free_running() {
    let mut core = armed_core(16, 16, false, 0);
    arm(&mut core, 1);
    core.start_timestep(&[0]).unwrap();
    // C = 21 + 18 = 39: calls 1..=38 return None, each emitting only events of the
    // cycle it ran; call 39 (cycle 38, DONE) returns the report.
    let mut all = Vec::new();
    for call in 1..=38u64 {
        let mut events = Vec::new();
        assert!(core.step_cycle(&mut events).is_none(), "no report at call {call}");
        assert!(events.iter().all(|e| e.cycle == Cycle(call - 1)), "events of cycle {}", call - 1);
        assert_eq!(core.cycle(), Cycle(call));
        assert!(!core.is_idle());
        all.extend(events);
    }
    let mut events = Vec::new();
    let report = core.step_cycle(&mut events).expect("report on the DONE cycle");
    assert_eq!(
        events,
        [Event { cycle: Cycle(38), timestep: Timestep(0), kind: EventKind::TimestepDone { spikes: 1 } }]
    );
    assert_eq!((report.start, report.compute_cycles, report.cycles, report.spikes), (Cycle(0), 39, 39, 1));
    assert!(core.is_idle());
    assert_eq!(core.cycle(), Cycle(39));
    // Neuron 0's update and spike were emitted by call 1 + 18 + 3 + 1 = 23 (cycle 22).
    let spike = all.iter().find(|e| matches!(e.kind, EventKind::Spike { .. })).unwrap();
    assert_eq!(spike.cycle, Cycle(22));
}

#[test]
fn step_cycle_reports_on_the_last_wait_cycle_when_paced() {
    let mut core = armed_core(16, 16, false, 100);
    core.start_timestep(&[]).unwrap();
    // C = 21, P = 100: DONE in call 21 (cycle 20), report in call 100 (cycle 99).
    for call in 1..=99u64 {
        let mut events = Vec::new();
        assert!(core.step_cycle(&mut events).is_none(), "no report at call {call}");
        if call == 21 {
            assert_eq!(events.len(), 1);
            assert_eq!(events[0].kind, EventKind::TimestepDone { spikes: 0 });
            assert_eq!(events[0].cycle, Cycle(20));
        }
        if call > 21 {
            assert!(events.is_empty(), "no events while waiting");
            assert!(!core.is_idle(), "busy until the wait has elapsed");
        }
    }
    assert_eq!(core.set_weight(Matrix::Input, 0, 0, 1), Err(ModelError::Busy));
    let report = core.step_cycle(&mut Vec::new()).expect("report on the last wait cycle");
    assert_eq!((report.compute_cycles, report.cycles, report.overrun), (21, 100, false));
    assert!(core.is_idle());
    assert_eq!(core.cycle(), Cycle(100));
    assert_eq!(core.set_weight(Matrix::Input, 0, 0, 1), Ok(()));
}

#[test]
fn idle_step_cycle_only_counts_the_cycle() {
    let mut core = armed_core(16, 16, false, 0);
    let before = core.clone();
    let mut events = Vec::new();
    assert!(core.step_cycle(&mut events).is_none());
    assert!(core.step_cycle(&mut events).is_none());
    assert!(events.is_empty());
    assert_eq!(core.cycle(), Cycle(2));
    assert_eq!(core.timestep(), Timestep(0));
    assert!(core.is_idle());
    assert_eq!(core.neuron_state(0).unwrap(), before.neuron_state(0).unwrap());
    // The next timestep starts at cycle 2: NeuronUpdate 0 at 2 + 1 + 0 + 3 = 6.
    let (report, events) = step(&mut core, &[]);
    assert_eq!(report.start, Cycle(2));
    assert_eq!(events[0].cycle, Cycle(6));
    assert_eq!(core.cycle(), Cycle(23)); // 2 + 21
}

#[test]
fn memories_cannot_change_mid_timestep() {
    let mut core = armed_core(16, 16, true, 0);
    core.start_timestep(&[0]).unwrap();
    for _ in 0..5 {
        assert!(core.step_cycle(&mut Vec::new()).is_none());
    }
    let snapshot = core.clone();
    assert_eq!(core.set_weight(Matrix::Input, 0, 0, 9), Err(ModelError::Busy));
    assert_eq!(core.set_config(CoreConfig::default()), Err(ModelError::Busy));
    assert_eq!(core.set_neuron_state(0, NeuronState { v: 5, i: 0, refractory: 0 }), Err(ModelError::Busy));
    assert_eq!(core.set_trace(TraceKind::Post, 0, 3), Err(ModelError::Busy));
    assert_eq!(core.run_timestep(&[], &mut Vec::new()).err(), Some(ModelError::Busy));
    assert_eq!(core.start_timestep(&[]), Err(ModelError::Busy));
    assert!(core == snapshot, "a rejected change leaves the core as it was");
    // Finish the timestep (C = 21 + 18 + 18 + 34 = 91, 5 cycles done): then it is allowed.
    let mut calls = 0;
    while core.step_cycle(&mut Vec::new()).is_none() {
        calls += 1;
    }
    assert_eq!(calls, 85); // cycles 5..=89 return None, cycle 90 the report
    assert_eq!(core.set_weight(Matrix::Input, 0, 0, 9), Ok(()));
}

#[test]
fn reset_state_restarts_the_counters_and_keeps_the_memories() {
    let mut core = armed_core(16, 16, true, 0);
    let stdp = StdpConfig { enabled: true, pre_increment: 40, post_increment: 50, ..StdpConfig::default() };
    core.set_config(CoreConfig { weight_shift: 3, period: 0, stdp }).unwrap();
    core.set_weight(Matrix::Recurrent, 2, 0, 9).unwrap();
    core.set_plastic(Matrix::Input, 1, 1, true).unwrap();
    arm(&mut core, 1);
    step(&mut core, &[4]);
    assert_eq!(core.last_spikes(), &[0]);
    let (weights, mask, params, config) =
        (core.weights(Matrix::Recurrent), core.plastic_mask(Matrix::Input), core.neuron_params(0), *core.config());
    core.reset_state();
    assert_eq!((core.cycle(), core.timestep()), (Cycle(0), Timestep(0)));
    assert!(core.last_spikes().is_empty());
    assert!(core.is_idle());
    for n in 0..16 {
        assert_eq!(core.neuron_state(n).unwrap(), NeuronState::default());
        assert_eq!(core.trace(TraceKind::Pre, n).unwrap(), 0);
        assert_eq!(core.trace(TraceKind::Post, n).unwrap(), 0);
        assert_eq!(core.trace(TraceKind::Input, n).unwrap(), 0);
    }
    assert_eq!(core.weights(Matrix::Recurrent), weights);
    assert_eq!(core.plastic_mask(Matrix::Input), mask);
    assert_eq!(core.neuron_params(0), params);
    assert_eq!(*core.config(), config);
    // The next timestep is timestep 0 at cycle 0 with an empty history: k_prev = 0, so
    // C = 21 + 34 = 55 (and neuron 2 does not receive W_rec[2][0]).
    let (report, events) = step(&mut core, &[]);
    assert_eq!((report.timestep, report.start, report.compute_cycles), (Timestep(0), Cycle(0), 55));
    assert_eq!(events[0].cycle, Cycle(4));
    assert_eq!(core.neuron_state(2).unwrap(), NeuronState::default());
}
