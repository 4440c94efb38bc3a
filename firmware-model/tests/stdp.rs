//! STDP as docs/semantics.md §3 and §5 define it: potentiation (pre before post),
//! depression (post before pre), the window edge, simultaneous pre and post, the
//! bounds w_min / w_max (also for weights loaded outside them), the enable bit, STDP
//! disabled, the trace modes and trace saturation, the recurrent matrix, and the
//! WeightWrite events of §8 with their exact cycles. Expected values are computed by
//! hand from the document, with the arithmetic next to each; every timestep runs on the
//! fast path and, on a clone, on the cycle engine, which must agree.
//!
//! Geometry N = M = 16, weight_shift 0. A "post" neuron fires exactly when its drive
//! input (15 for neuron 0, 14 for neuron 1; weight 127, never plastic) spikes:
//! θ = 120 and δ_v = δ_I = 4095, so nothing is left of a weight of |w| <= 100 one
//! timestep later (trunc(100/4096) = 0). With STDP on, the phases start at
//! NEURON = 1 + 18·(k_in + k_prev), LTD = NEURON + 19, LTP = LTD + 18·(k_in + k_out),
//! and C = LTP + 34·k_out + 34 + 1. The default rule here: A+ = 10, A− = 4, shift 4,
//! δ_pre = δ_post = 2048, inc = 128, add mode; so one timestep after a spike a trace
//! is decay(128, 2048) = 64, Δ+ = (10·64) >> 4 = 40 and Δ− = (4·64) >> 4 = 16.

mod support;

use ncx_model::{
    Core, CoreConfig, Cycle, Event, EventKind, Geometry, Matrix, NeuronParams, StdpConfig, TimestepReport, TraceKind,
    TraceMode,
};
use support::step;

use Matrix::{Input as IN, Recurrent as REC};

fn rule() -> StdpConfig {
    StdpConfig {
        enabled: true,
        a_plus: 10,
        a_minus: 4,
        shift: 4,
        w_min: -128,
        w_max: 127,
        pre_decay: 2048,
        post_decay: 2048,
        pre_increment: 128,
        post_increment: 128,
        trace_mode: TraceMode::Add,
    }
}

fn stdp_core(stdp: StdpConfig) -> Core {
    let mut core = Core::new(Geometry::new(16, 16).unwrap());
    core.set_config(CoreConfig { weight_shift: 0, period: 0, stdp }).unwrap();
    core
}

/// Make neuron `n` fire exactly in the timesteps in which input `drive` spikes.
fn post_neuron(core: &mut Core, n: usize, drive: usize) {
    let p = NeuronParams { threshold: 120, reset: 0, bias: 0, v_decay: 4095, i_decay: 4095, refractory: 0 };
    core.set_neuron_params(n, p).unwrap();
    core.set_weight(Matrix::Input, n, drive, 127).unwrap();
}

fn plastic(core: &mut Core, matrix: Matrix, post: usize, pre: usize, weight: i8) {
    core.set_weight(matrix, post, pre, weight).unwrap();
    core.set_plastic(matrix, post, pre, true).unwrap();
}

/// (cycle, matrix, post, pre, old, new) of every WeightWrite, in event order.
fn writes(events: &[Event]) -> Vec<(u64, Matrix, u16, u16, i8, i8)> {
    events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::WeightWrite { matrix, post, pre, old, new } => Some((e.cycle.0, matrix, post, pre, old, new)),
            _ => None,
        })
        .collect()
}

fn w(core: &Core, matrix: Matrix, post: usize, pre: usize) -> i8 {
    core.weight(matrix, post, pre).unwrap()
}

fn tr(core: &Core, kind: TraceKind, index: usize) -> u8 {
    core.trace(kind, index).unwrap()
}

#[test]
fn potentiation_pre_before_post() {
    let mut core = stdp_core(rule());
    post_neuron(&mut core, 0, 15);
    plastic(&mut core, IN, 0, 0, 0);

    let (report, events) = step(&mut core, &[0]);
    // k_in = 1, k_prev = 0, k_out = 0: C = 1 + 18 + 19 + 1 + (18 + 0 + 34) = 91.
    assert_eq!(report.compute_cycles, 91);
    // LTD on input 0's column: Δ(4, x_post = 0) = 0, no write.
    assert_eq!(writes(&events), []);
    assert_eq!(tr(&core, TraceKind::Input, 0), 64); // decay(0 + 128, 2048)

    let (report, events) = step(&mut core, &[15]);
    // k_in = 1, k_prev = 0, k_out = 1: C = 39 + (2·18 + 34 + 34) = 143.
    assert_eq!(report.compute_cycles, 143);
    assert_eq!(report.spikes, 1);
    // LTP: potentiate(0, (10·64) >> 4 = 40) = min(40, max(0, 127)) = 40.
    // LTP starts at 38 + 2·18 = 74; entry m = 0 at 74 + 2 + 0 = 76; absolute 91 + 76 = 167.
    assert_eq!(writes(&events), [(167, IN, 0, 0, 0, 40)]);
    assert_eq!(w(&core, IN, 0, 0), 40);
}

#[test]
fn depression_post_before_pre() {
    let mut core = stdp_core(rule());
    post_neuron(&mut core, 0, 15);
    plastic(&mut core, IN, 0, 0, 5);

    let (report, events) = step(&mut core, &[15]);
    assert_eq!(report.compute_cycles, 143); // k_in = 1, k_out = 1 (as above)
    // LTP of row 0: Δ(10, eff(x_in[0]) = 0) = 0, no write.
    assert_eq!(writes(&events), []);
    assert_eq!(tr(&core, TraceKind::Post, 0), 64); // decay(0 + 128, 2048)

    let (report, events) = step(&mut core, &[0]);
    // k_in = 1, k_prev = 1, k_out = 0: C = 1 + 36 + 19 + 1 + (18 + 34) = 109.
    assert_eq!(report.compute_cycles, 109);
    assert_eq!(report.spikes, 0); // I = 0 + 5, u = 5 < 120
    // LTD: depress(5, (4·64) >> 4 = 16) = max(5 − 16, min(5, −128)) = −11.
    // LTD starts at 1 + 36 + 19 = 56; post 0 at 56 + 2 + 0 = 58; absolute 143 + 58 = 201.
    assert_eq!(writes(&events), [(201, IN, 0, 0, 5, -11)]);
    assert_eq!(w(&core, IN, 0, 0), -11);
}

/// Pre (input 0) at t = 0, post (neuron 0) at t = d; returns the events of timestep d.
fn pair_at_distance(d: u64) -> (Core, TimestepReport, Vec<Event>, u8) {
    // Δ+(x) = (10·x) >> 4, δ_pre = 1024 (× 3/4), inc_pre = 100.
    let mut core = stdp_core(StdpConfig { pre_decay: 1024, pre_increment: 100, ..rule() });
    post_neuron(&mut core, 0, 15);
    plastic(&mut core, IN, 0, 0, 0);
    step(&mut core, &[0]);
    for _ in 1..d {
        step(&mut core, &[]);
    }
    let seen = tr(&core, TraceKind::Input, 0);
    let (report, events) = step(&mut core, &[15]);
    (core, report, events, seen)
}

#[test]
fn window_edge_with_pre_decay_1024_is_distance_13() {
    // Stored trace at distance d = 100 decayed d times with ×3/4, truncated:
    // 75, 56, 42, 31, 23, 17, 12, 9, 6, 4, 3, 2, 1 (d = 1..13).
    // Δ = (10·x) >> 4: d = 12: (10·2) >> 4 = 1 > 0; d = 13: (10·1) >> 4 = 0 → edge at 13.
    let (core, report, events, seen) = pair_at_distance(12);
    assert_eq!(seen, 2);
    // Start of t = 12: 91 (t = 0) + 11·55 (idle STDP timesteps: 21 + 34) = 696.
    assert_eq!(report.start, Cycle(696));
    assert_eq!(report.compute_cycles, 143);
    // LTP entry 0 at 696 + 76 = 772: 0 → 1.
    assert_eq!(writes(&events), [(772, IN, 0, 0, 0, 1)]);
    assert_eq!(w(&core, IN, 0, 0), 1);

    let (core, report, events, seen) = pair_at_distance(13);
    assert_eq!(seen, 1);
    assert_eq!(report.start, Cycle(751)); // 696 + 55
    assert_eq!(report.spikes, 1);
    assert_eq!(writes(&events), []);
    assert_eq!(w(&core, IN, 0, 0), 0);
}

#[test]
fn simultaneous_input_and_post_spike_potentiates_only() {
    let mut core = stdp_core(rule());
    post_neuron(&mut core, 0, 15);
    plastic(&mut core, IN, 0, 0, 0);
    let (report, events) = step(&mut core, &[0, 15]);
    // k_in = 2, k_out = 1: C = 1 + 36 + 19 + 1 + (3·18 + 34 + 34) = 179.
    assert_eq!(report.compute_cycles, 179);
    assert_eq!(report.spikes, 1);
    // LTD uses the stored x_post[0] = 0 (not the bumped 128, which would depress by
    // (4·128) >> 4 = 32): no write. LTP: eff(x_in[0]) = bump(0) = 128,
    // Δ = (10·128) >> 4 = 80 → 0 → 80. LTP at 56 + 3·18 = 110, entry 0 at 112.
    assert_eq!(writes(&events), [(112, IN, 0, 0, 0, 80)]);
    assert_eq!(w(&core, IN, 0, 0), 80);
}

#[test]
fn simultaneous_recurrent_pair_potentiates_both_directions() {
    let mut core = stdp_core(rule());
    post_neuron(&mut core, 0, 15);
    post_neuron(&mut core, 1, 14);
    plastic(&mut core, REC, 0, 1, 0);
    plastic(&mut core, REC, 1, 0, 0);
    let (report, events) = step(&mut core, &[14, 15]);
    // k_in = 2, k_out = 2: NEURON 37, LTD 56, LTP 56 + 4·18 = 128,
    // C = 128 + 2·34 + 34 + 1 = 231.
    assert_eq!(report.compute_cycles, 231);
    // LTD (stored x_post = 0): nothing. LTP: eff(x_pre[j]) = 128, Δ = 80.
    // Row 0 (slot 0): W_rec[0][1] at 128 + 2 + 16 + 1 = 147.
    // Row 1 (slot 1): W_rec[1][0] at 128 + 34 + 2 + 16 + 0 = 180.
    assert_eq!(writes(&events), [(147, REC, 0, 1, 0, 80), (180, REC, 1, 0, 0, 80)]);
}

#[test]
fn depression_from_an_earlier_post_spike_then_potentiation_in_one_timestep() {
    let mut core = stdp_core(rule());
    post_neuron(&mut core, 0, 15);
    plastic(&mut core, IN, 0, 0, 0);
    let (report, events) = step(&mut core, &[15]);
    assert_eq!(report.compute_cycles, 143);
    assert_eq!(writes(&events), []);

    let (report, events) = step(&mut core, &[0, 15]);
    // k_in = 2, k_prev = 1, k_out = 1: NEURON 1 + 54 = 55, LTD 74, LTP 74 + 3·18 = 128,
    // C = 128 + 34 + 34 + 1 = 197.
    assert_eq!(report.compute_cycles, 197);
    assert_eq!(report.spikes, 1);
    // LTD (slot 0 = input 0): depress(0, Δ(4, x_post = 64) = 16) = −16 at 143 + 74 + 2 = 219.
    // LTP: potentiate(−16, Δ(10, bump(0) = 128) = 80) = 64 at 143 + 128 + 2 = 273.
    assert_eq!(writes(&events), [(219, IN, 0, 0, 0, -16), (273, IN, 0, 0, -16, 64)]);
    assert_eq!(w(&core, IN, 0, 0), 64);
}

/// Posts 0..5, each with a plastic W_in[n][0] loaded with `initial[n]`; bounds −50..=50,
/// A+ = A− = 10, so Δ = (10·64) >> 4 = 40 one timestep after a spike.
fn bounded_core(initial: [i8; 5]) -> Core {
    let mut core = stdp_core(StdpConfig { a_plus: 10, a_minus: 10, w_min: -50, w_max: 50, ..rule() });
    for (n, &w0) in initial.iter().enumerate() {
        post_neuron(&mut core, n, 15);
        plastic(&mut core, IN, n, 0, w0);
    }
    core
}

#[test]
fn potentiation_respects_w_max_and_never_pulls_an_outside_weight_toward_it() {
    let mut core = bounded_core([0, 30, 100, -100, 50]);
    let (report, events) = step(&mut core, &[0]);
    // u = w <= 100 < 120: nobody fires. LTD: Δ(10, x_post = 0) = 0, every weight unchanged.
    assert_eq!((report.compute_cycles, report.spikes), (91, 0));
    assert_eq!(writes(&events), []);

    let (report, events) = step(&mut core, &[15]);
    // k_in = 1, k_out = 5: LTD 38, LTP 38 + 6·18 = 146, C = 146 + 5·34 + 34 + 1 = 351.
    assert_eq!((report.compute_cycles, report.spikes), (351, 5));
    // potentiate(w, 40) = min(w + 40, max(w, 50)); post n at 91 + 146 + 34·n + 2:
    //   0:    min(40, 50)  = 40   (cycle 239)
    //   30:   min(70, 50)  = 50   (cycle 273)
    //   100:  min(140, 100) = 100 unchanged: no event
    //   −100: min(−60, 50) = −60  (cycle 341)
    //   50:   min(90, 50)  = 50  unchanged: no event
    assert_eq!(writes(&events), [(239, IN, 0, 0, 0, 40), (273, IN, 1, 0, 30, 50), (341, IN, 3, 0, -100, -60)]);
    let after: Vec<i8> = (0..5).map(|n| w(&core, IN, n, 0)).collect();
    assert_eq!(after, [40, 50, 100, -60, 50]);
}

#[test]
fn depression_respects_w_min_and_never_pulls_an_outside_weight_toward_it() {
    let mut core = bounded_core([0, -30, -100, 100, -50]);
    let (report, events) = step(&mut core, &[15]);
    // k_in = 1, k_out = 5: C = 351. LTP: Δ(10, eff(x_in[0]) = 0) = 0, nothing changes.
    assert_eq!((report.compute_cycles, report.spikes), (351, 5));
    assert_eq!(writes(&events), []);

    let (report, events) = step(&mut core, &[0]);
    // k_in = 1, k_prev = 5, k_out = 0: NEURON 1 + 6·18 = 109, LTD 128,
    // C = 128 + 18 + 34 + 1 = 181.
    assert_eq!((report.compute_cycles, report.spikes), (181, 0));
    // depress(w, 40) = max(w − 40, min(w, −50)); post n at 351 + 128 + 2 + n:
    //   0:    max(−40, −50)  = −40  (cycle 481)
    //   −30:  max(−70, −50)  = −50  (cycle 482)
    //   −100: max(−140, −100) = −100 unchanged: no event
    //   100:  max(60, −50)   = 60   (cycle 484)
    //   −50:  max(−90, −50)  = −50  unchanged: no event
    assert_eq!(writes(&events), [(481, IN, 0, 0, 0, -40), (482, IN, 1, 0, -30, -50), (484, IN, 3, 0, 100, 60)]);
    let after: Vec<i8> = (0..5).map(|n| w(&core, IN, n, 0)).collect();
    assert_eq!(after, [-40, -50, -100, 60, -50]);
}

#[test]
fn enable_bit_off_weight_is_used_but_never_written() {
    let mut core = stdp_core(rule());
    post_neuron(&mut core, 0, 15);
    core.set_weight(IN, 0, 0, 5).unwrap(); // not plastic
    plastic(&mut core, IN, 0, 1, 5); // its plastic neighbour

    let (report, events) = step(&mut core, &[0, 1]);
    // k_in = 2: C = 1 + 36 + 19 + 1 + (2·18 + 34) = 127. acc = 5 + 5 = 10: both weights used.
    assert_eq!(report.compute_cycles, 127);
    assert_eq!(core.neuron_state(0).unwrap().i, 10);
    assert_eq!(writes(&events), []);

    let (report, events) = step(&mut core, &[15]);
    assert_eq!(report.compute_cycles, 143);
    // LTP at 74: entry 0 skipped (enable off); entry 1: 5 + 40 = 45 at 127 + 74 + 2 + 1 = 204.
    assert_eq!(writes(&events), [(204, IN, 0, 1, 5, 45)]);

    let (report, events) = step(&mut core, &[0, 1]);
    // k_in = 2, k_prev = 1: NEURON 55, LTD 74, C = 74 + 2·18 + 34 + 1 = 145.
    assert_eq!(report.compute_cycles, 145);
    // acc = 5 + 45 = 50: I' = decay(127, 4095) + 50 = 50.
    assert_eq!(core.neuron_state(0).unwrap().i, 50);
    // LTD slot 0 (input 0) skipped; slot 1 (input 1): depress(45, 16) = 29 at
    // 270 + 74 + 18 + 2 + 0 = 364.
    assert_eq!(writes(&events), [(364, IN, 0, 1, 45, 29)]);
    assert_eq!(w(&core, IN, 0, 0), 5);
}

#[test]
fn stdp_disabled_runs_no_stdp_phase_and_freezes_traces() {
    let mut core = stdp_core(StdpConfig { enabled: false, ..rule() });
    post_neuron(&mut core, 0, 15);
    plastic(&mut core, IN, 0, 0, 0);
    core.set_trace(TraceKind::Input, 0, 77).unwrap();
    core.set_trace(TraceKind::Pre, 0, 55).unwrap();
    core.set_trace(TraceKind::Post, 0, 33).unwrap();
    // Pre, post, pre: with STDP on this would potentiate at t = 1 and depress at t = 2.
    // C = 21 + 18·(k_in + k_prev): 39, 39, 57 (no LTD, LTP or TRACE phase).
    let mut cycles = Vec::new();
    for inputs in [&[0u16][..], &[15], &[0]] {
        let (report, events) = step(&mut core, inputs);
        assert_eq!(writes(&events), []);
        cycles.push(report.compute_cycles);
    }
    assert_eq!(cycles, [39, 39, 57]);
    assert_eq!(core.timestep().0, 3);
    assert_eq!(w(&core, IN, 0, 0), 0);
    assert_eq!(
        [tr(&core, TraceKind::Input, 0), tr(&core, TraceKind::Input, 15), tr(&core, TraceKind::Pre, 0)],
        [77, 0, 55]
    );
    assert_eq!(tr(&core, TraceKind::Post, 0), 33);
}

/// Preload traces, fire input 0 and neuron 0 (with input 15) once; return
/// (x_in[0], x_in[1], x_pre[0], x_post[0]) afterwards.
fn traces_after_one_spike(mode: TraceMode) -> (u8, u8, u8, u8) {
    let mut core = stdp_core(StdpConfig { trace_mode: mode, post_increment: 50, ..rule() });
    post_neuron(&mut core, 0, 15);
    core.set_trace(TraceKind::Input, 0, 100).unwrap();
    core.set_trace(TraceKind::Input, 1, 100).unwrap();
    core.set_trace(TraceKind::Pre, 0, 10).unwrap();
    core.set_trace(TraceKind::Post, 0, 100).unwrap();
    let (report, _) = step(&mut core, &[0, 15]);
    assert_eq!((report.compute_cycles, report.spikes), (179, 1)); // k_in = 2, k_out = 1
    (
        tr(&core, TraceKind::Input, 0),
        tr(&core, TraceKind::Input, 1),
        tr(&core, TraceKind::Pre, 0),
        tr(&core, TraceKind::Post, 0),
    )
}

#[test]
fn trace_mode_add_adds_the_increment() {
    // x_in[0]: decay(min(100 + 128, 255) = 228, 2048) = 114
    // x_in[1] (no spike): decay(100, 2048) = 50
    // x_pre[0]: decay(10 + 128 = 138, 2048) = 69
    // x_post[0]: decay(100 + 50 = 150, 2048) = 75
    assert_eq!(traces_after_one_spike(TraceMode::Add), (114, 50, 69, 75));
}

#[test]
fn trace_mode_set_replaces_the_trace_with_the_increment() {
    // x_in[0]: decay(128, 2048) = 64; x_in[1]: 50; x_pre[0]: decay(128) = 64;
    // x_post[0]: decay(50, 2048) = 25.
    assert_eq!(traces_after_one_spike(TraceMode::Set), (64, 50, 64, 25));
}

#[test]
fn traces_saturate_at_255() {
    // δ_pre = 0, inc_pre = inc_post = 100; δ_post = 2048.
    let mut core = stdp_core(StdpConfig { pre_decay: 0, pre_increment: 100, post_increment: 100, ..rule() });
    post_neuron(&mut core, 0, 15);
    core.set_trace(TraceKind::Input, 0, 200).unwrap();
    core.set_trace(TraceKind::Pre, 0, 200).unwrap();
    core.set_trace(TraceKind::Post, 0, 250).unwrap();

    let (report, _) = step(&mut core, &[0, 15]);
    assert_eq!((report.compute_cycles, report.spikes), (179, 1));
    // x_in[0] = decay(min(200 + 100, 255), 0) = 255; x_pre[0] likewise 255;
    // x_post[0] = decay(min(250 + 100, 255) = 255, 2048) = 127; x_in[15] = 0 + 100.
    assert_eq!(tr(&core, TraceKind::Input, 0), 255);
    assert_eq!(tr(&core, TraceKind::Pre, 0), 255);
    assert_eq!(tr(&core, TraceKind::Post, 0), 127);
    assert_eq!(tr(&core, TraceKind::Input, 15), 100);

    let (report, _) = step(&mut core, &[0, 15]);
    // k_in = 2, k_prev = 1, k_out = 1: C = 1 + 54 + 19 + 1 + (3·18 + 34 + 34) = 197.
    assert_eq!((report.compute_cycles, report.spikes), (197, 1));
    // min(255 + 100, 255) = 255 twice; x_post = decay(127 + 100 = 227, 2048) = 113;
    // x_in[15] = 100 + 100 = 200.
    assert_eq!(tr(&core, TraceKind::Input, 0), 255);
    assert_eq!(tr(&core, TraceKind::Pre, 0), 255);
    assert_eq!(tr(&core, TraceKind::Post, 0), 113);
    assert_eq!(tr(&core, TraceKind::Input, 15), 200);
}

#[test]
fn recurrent_potentiation_pre_neuron_before_post_neuron() {
    let mut core = stdp_core(rule());
    post_neuron(&mut core, 0, 15);
    post_neuron(&mut core, 1, 14);
    plastic(&mut core, REC, 0, 1, 0); // 1 → 0

    let (report, events) = step(&mut core, &[14]); // neuron 1 fires
    assert_eq!((report.compute_cycles, report.spikes), (143, 1));
    // LTD on neuron 1's column: Δ(4, x_post[0] = 0) = 0.
    assert_eq!(writes(&events), []);
    assert_eq!(tr(&core, TraceKind::Pre, 1), 64);

    let (report, events) = step(&mut core, &[15]); // neuron 0 fires
    // k_in = 1, k_prev = 1, k_out = 1: NEURON 37, LTD 56, LTP 56 + 2·18 = 92,
    // C = 92 + 34 + 34 + 1 = 161.
    assert_eq!((report.compute_cycles, report.spikes), (161, 1));
    // W_rec[0][1] = potentiate(0, (10·64) >> 4 = 40) = 40 at 143 + 92 + 2 + 16 + 1 = 254.
    assert_eq!(writes(&events), [(254, REC, 0, 1, 0, 40)]);
    assert_eq!(w(&core, REC, 0, 1), 40);
}

#[test]
fn recurrent_depression_post_neuron_before_pre_neuron() {
    let mut core = stdp_core(rule());
    post_neuron(&mut core, 0, 15);
    post_neuron(&mut core, 1, 14);
    plastic(&mut core, REC, 0, 1, 0); // 1 → 0

    let (report, events) = step(&mut core, &[15]); // neuron 0 (post) fires
    assert_eq!((report.compute_cycles, report.spikes), (143, 1));
    assert_eq!(writes(&events), []);

    let (report, events) = step(&mut core, &[14]); // neuron 1 (pre) fires
    assert_eq!((report.compute_cycles, report.spikes), (161, 1));
    // LTD slots: input 14 (slot 0), neuron 1 (slot 1). W_rec[0][1] =
    // depress(0, (4·64) >> 4 = 16) = −16 at 143 + 56 + 18 + 2 + 0 = 219.
    assert_eq!(writes(&events), [(219, REC, 0, 1, 0, -16)]);
    assert_eq!(w(&core, REC, 0, 1), -16);
}

#[test]
fn weight_write_events_only_for_weights_that_change() {
    let mut core = stdp_core(StdpConfig { w_max: 50, ..rule() });
    post_neuron(&mut core, 0, 15);
    // Row 0, inputs 0..5: (trace, weight). Δ = (10·x) >> 4.
    for (m, (x, w0)) in [(64, 0), (0, 7), (64, 50), (1, 7), (64, -3)].into_iter().enumerate() {
        core.set_trace(TraceKind::Input, m, x).unwrap();
        plastic(&mut core, IN, 0, m, w0);
    }
    let (report, events) = step(&mut core, &[15]);
    assert_eq!(report.compute_cycles, 143); // k_in = 1, k_out = 1
    // LTP at 74, entry m at 76 + m:
    //   m = 0: 0 + 40 = 40 (cycle 76)
    //   m = 1: Δ(10, 0) = 0: unchanged, no event
    //   m = 2: already at w_max = 50: min(90, 50) = 50, no event
    //   m = 3: Δ = (10·1) >> 4 = 0: no event
    //   m = 4: −3 + 40 = 37 (cycle 80)
    assert_eq!(writes(&events), [(76, IN, 0, 0, 0, 40), (80, IN, 0, 4, -3, 37)]);
    let all_writes = events.iter().filter(|e| matches!(e.kind, EventKind::WeightWrite { .. })).count();
    assert_eq!(all_writes, 2);
    assert!(events.iter().all(|e| e.timestep.0 == 0));
}

#[test]
fn largest_delta_is_exact_and_bounded() {
    // A = 255, traces 255: A·x = 65025; shift 0 → Δ = 65025, shift 8 → 65025 >> 8 = 254.
    // potentiate(−128, 65025) = min(64897, max(−128, 127)) = 127; potentiate(−128, 254) = 126.
    // depress(127, 65025) = max(−64898, min(127, −128)) = −128; depress(127, 254) = −127.
    for (shift, potentiated, depressed) in [(0u8, 127i8, -128i8), (8, 126, -127)] {
        let mut core = stdp_core(StdpConfig { a_plus: 255, a_minus: 255, shift, ..rule() });
        post_neuron(&mut core, 0, 15);
        plastic(&mut core, IN, 0, 0, -128);
        plastic(&mut core, IN, 1, 1, 127); // neuron 1: power-on parameters, never fires
        core.set_trace(TraceKind::Input, 0, 255).unwrap();
        core.set_trace(TraceKind::Post, 1, 255).unwrap();
        let (report, events) = step(&mut core, &[1, 15]);
        // k_in = 2, k_out = 1: NEURON 37, LTD 56, LTP 110, C = 110 + 34 + 34 + 1 = 179.
        assert_eq!((report.compute_cycles, report.spikes), (179, 1));
        // LTD slot 0 (input 1), post 1 at 56 + 2 + 1 = 59; LTP row 0, entry 0 at 110 + 2 = 112.
        assert_eq!(writes(&events), [(59, IN, 1, 1, 127, depressed), (112, IN, 0, 0, -128, potentiated)]);
    }
}

#[test]
fn diagonal_synapse_learns_like_any_recurrent_pair() {
    let mut core = stdp_core(rule());
    post_neuron(&mut core, 0, 15);
    plastic(&mut core, REC, 0, 0, 0);

    let (report, events) = step(&mut core, &[15]);
    // k_in = 1, k_out = 1: C = 143. LTD on neuron 0's column (slot 1): stored x_post = 0,
    // no change. LTP at 74: W_rec[0][0] = potentiate(0, Δ(10, bump(0) = 128) = 80) = 80
    // at 74 + 2 + 16 + 0 = 92.
    assert_eq!((report.compute_cycles, report.spikes), (143, 1));
    assert_eq!(writes(&events), [(92, REC, 0, 0, 0, 80)]);

    let (report, events) = step(&mut core, &[15]);
    // The own spike arrives: I' = decay(127, 4095) + 127 + 80 = 207; fires again.
    assert_eq!(core.neuron_state(0).unwrap().i, 207);
    // k_in = 1, k_prev = 1, k_out = 1: NEURON 37, LTD 56, LTP 92, C = 161.
    assert_eq!((report.compute_cycles, report.spikes), (161, 1));
    // LTD slot 1 (neuron 0), post 0: depress(80, Δ(4, 64) = 16) = 64 at 143 + 56 + 18 + 2 = 219;
    // LTP: potentiate(64, Δ(10, bump(64) = 192) = 120) = min(184, 127) = 127 at
    // 143 + 92 + 2 + 16 = 253.
    assert_eq!(writes(&events), [(219, REC, 0, 0, 80, 64), (253, REC, 0, 0, 64, 127)]);
}

#[test]
fn duplicate_input_spikes_count_once_for_stdp() {
    let mut core = stdp_core(rule());
    post_neuron(&mut core, 0, 15);
    plastic(&mut core, IN, 0, 0, 0);
    core.set_trace(TraceKind::Post, 0, 64).unwrap();
    let (report, events) = step(&mut core, &[0, 0, 0]);
    // k_in = |{0}| = 1: C = 1 + 18 + 19 + 1 + (18 + 34) = 91.
    assert_eq!(report.compute_cycles, 91);
    // One LTD slot: depress(0, Δ(4, 64) = 16) = −16 once, at LTD 38 + 2 + 0 = 40.
    assert_eq!(writes(&events), [(40, IN, 0, 0, 0, -16)]);
    // Bumped once: decay(0 + 128, 2048) = 64 (three bumps would give decay(255) = 127).
    assert_eq!(tr(&core, TraceKind::Input, 0), 64);
}

#[test]
fn effective_pre_trace_follows_the_trace_mode() {
    // Input 0 and the post spike together, x_in[0] = 200 before, inc_pre = 128, A+ = 4.
    // add: eff = min(200 + 128, 255) = 255, Δ = (4·255) >> 4 = 63;
    // set: eff = 128, Δ = (4·128) >> 4 = 32.
    for (mode, delta) in [(TraceMode::Add, 63i8), (TraceMode::Set, 32)] {
        let mut core = stdp_core(StdpConfig { a_plus: 4, trace_mode: mode, ..rule() });
        post_neuron(&mut core, 0, 15);
        plastic(&mut core, IN, 0, 0, 0);
        core.set_trace(TraceKind::Input, 0, 200).unwrap();
        let (report, events) = step(&mut core, &[0, 15]);
        assert_eq!(report.compute_cycles, 179); // k_in = 2, k_out = 1; LTP entry 0 at 112
        assert_eq!(writes(&events), [(112, IN, 0, 0, 0, delta)], "{mode:?}");
    }
}

#[test]
fn pre_and_post_traces_decay_with_their_own_delta() {
    let mut core = stdp_core(StdpConfig { pre_decay: 1024, post_decay: 3072, ..rule() });
    for kind in [TraceKind::Input, TraceKind::Pre, TraceKind::Post] {
        core.set_trace(kind, 3, 200).unwrap();
    }
    let (report, _) = step(&mut core, &[]);
    assert_eq!(report.compute_cycles, 55); // 21 + 34: only the trace phase
    // x_in, x_pre: decay(200, 1024) = trunc(200·3072/4096) = 150;
    // x_post: decay(200, 3072) = trunc(200·1024/4096) = 50.
    assert_eq!(tr(&core, TraceKind::Input, 3), 150);
    assert_eq!(tr(&core, TraceKind::Pre, 3), 150);
    assert_eq!(tr(&core, TraceKind::Post, 3), 50);
}
