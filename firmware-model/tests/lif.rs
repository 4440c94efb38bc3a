//! The neuron of docs/semantics.md §3-4, one micro-operation per test: decay rounding
//! (toward zero, δ = 0 and δ = 4095), accumulation of inputs and recurrent spikes and
//! their latencies (input at t, recurrent at t+1, the diagonal included), weight_shift,
//! saturation of I and v at both 24-bit ends, the threshold test, reset, bias and the
//! refractory hold. Every expected value is computed by hand from the document (the
//! arithmetic is in the comment next to it), and every test also checks the compute
//! cycles of §6 and the cycle of the NeuronUpdate / Spike events of §8. Each timestep
//! runs on the fast path and, on a clone, on the cycle engine; the two must agree.
//!
//! Geometry is N = M = 16 with STDP off, so a timestep takes
//! `C = 1 + 18·(k_in + k_prev) + 19 + 1 = 21 + 18·(k_in + k_prev)` cycles and neuron n's
//! NeuronUpdate is in cycle `start + 1 + 18·(k_in + k_prev) + 3 + n`.

mod support;

use ncx_model::{Core, CoreConfig, Cycle, Event, EventKind, Geometry, Matrix, NeuronParams, NeuronState};
use support::step;

const V_MAX: i32 = 8_388_607;
const V_MIN: i32 = -8_388_608;

fn core16() -> Core {
    Core::new(Geometry::new(16, 16).unwrap())
}

fn with_shift(core: &mut Core, weight_shift: u8) {
    core.set_config(CoreConfig { weight_shift, ..CoreConfig::default() }).unwrap();
}

fn params(threshold: i32, reset: i32, bias: i32, v_decay: u16, i_decay: u16, refractory: u8) -> NeuronParams {
    NeuronParams { threshold, reset, bias, v_decay, i_decay, refractory }
}

fn state(v: i32, i: i32, refractory: u8) -> NeuronState {
    NeuronState { v, i, refractory }
}

/// Neuron n's state in the core and in its (single) NeuronUpdate event, and that
/// event's absolute cycle.
#[track_caller]
fn check_neuron(core: &Core, events: &[Event], n: u16, cycle: u64, expected: NeuronState) {
    assert_eq!(core.neuron_state(n.into()).unwrap(), expected, "state of neuron {n}");
    let updates: Vec<&Event> =
        events.iter().filter(|e| matches!(e.kind, EventKind::NeuronUpdate { neuron, .. } if neuron == n)).collect();
    assert_eq!(updates.len(), 1, "one NeuronUpdate for neuron {n}");
    assert_eq!(updates[0].cycle, Cycle(cycle), "cycle of neuron {n}'s NeuronUpdate");
    assert_eq!(
        updates[0].kind,
        EventKind::NeuronUpdate { neuron: n, v: expected.v, i: expected.i, refractory: expected.refractory }
    );
}

/// (neuron, cycle) of every Spike event; also checks that each Spike directly follows
/// its neuron's NeuronUpdate in the same cycle.
fn spikes(events: &[Event]) -> Vec<(u16, u64)> {
    let mut out = Vec::new();
    for (k, e) in events.iter().enumerate() {
        if let EventKind::Spike { neuron } = e.kind {
            let before = events[k - 1];
            assert!(
                matches!(before.kind, EventKind::NeuronUpdate { neuron: n, .. } if n == neuron),
                "Spike of neuron {neuron} must follow its NeuronUpdate"
            );
            assert_eq!(before.cycle, e.cycle, "Spike and NeuronUpdate of neuron {neuron} share a cycle");
            out.push((neuron, e.cycle.0));
        }
    }
    out
}

#[test]
fn leak_of_v_rounds_toward_zero_for_both_signs() {
    let mut core = core16();
    for (n, v, delta) in [(0, 1000, 410), (1, -1000, 410), (2, 1, 1), (3, -1, 1)] {
        core.set_neuron_params(n, NeuronParams { v_decay: delta, ..NeuronParams::SILENT }).unwrap();
        core.set_neuron_state(n, state(v, 0, 0)).unwrap();
    }
    let (report, events) = step(&mut core, &[]);
    // C = 21 + 18·0 = 21; NeuronUpdate n at 0 + 1 + 0 + 3 + n = 4 + n.
    assert_eq!(report.compute_cycles, 21);
    // decay(1000, 410) = trunc(1000·3686/4096) = trunc(899.90) = 899
    check_neuron(&core, &events, 0, 4, state(899, 0, 0));
    // decay(−1000, 410) = trunc(−899.90) = −899 (not the floor −900)
    check_neuron(&core, &events, 1, 5, state(-899, 0, 0));
    // decay(1, 1) = trunc(4095/4096) = 0
    check_neuron(&core, &events, 2, 6, state(0, 0, 0));
    // decay(−1, 1) = trunc(−0.9998) = 0 (not the floor −1)
    check_neuron(&core, &events, 3, 7, state(0, 0, 0));
    assert!(spikes(&events).is_empty());
}

#[test]
fn current_decay_rounds_toward_zero_for_both_signs() {
    let mut core = core16();
    for (n, i, delta) in [(0, 1000, 410), (1, -1000, 410), (2, 3, 2048), (3, -3, 2048)] {
        core.set_neuron_params(n, NeuronParams { i_decay: delta, ..NeuronParams::SILENT }).unwrap();
        core.set_neuron_state(n, state(0, i, 0)).unwrap();
    }
    let (report, events) = step(&mut core, &[]);
    assert_eq!(report.compute_cycles, 21); // 21 + 18·0
    // I' = decay(1000, 410) = 899; v' = decay(0, 0) + 899 + 0 = 899
    check_neuron(&core, &events, 0, 4, state(899, 899, 0));
    // I' = decay(−1000, 410) = −899; v' = −899
    check_neuron(&core, &events, 1, 5, state(-899, -899, 0));
    // I' = decay(3, 2048) = trunc(1.5) = 1; v' = 1
    check_neuron(&core, &events, 2, 6, state(1, 1, 0));
    // I' = decay(−3, 2048) = trunc(−1.5) = −1 (not the floor −2); v' = −1
    check_neuron(&core, &events, 3, 7, state(-1, -1, 0));
}

#[test]
fn decay_zero_keeps_v_and_i() {
    let mut core = core16();
    // Neuron 0: v = 12345, δ_v = 0, no current. Neuron 1: I = −777, δ_I = 0, δ_v = 0.
    core.set_neuron_state(0, state(12345, 0, 0)).unwrap();
    core.set_neuron_state(1, state(0, -777, 0)).unwrap();
    // v of neuron 1: 0 − 777 = −777, −777 − 777 = −1554, −1554 − 777 = −2331.
    for (t, v1) in [(0u64, -777), (1, -1554), (2, -2331)] {
        let (report, events) = step(&mut core, &[]);
        assert_eq!(report.compute_cycles, 21); // 21 + 18·0
        let start = 21 * t;
        assert_eq!(report.start, Cycle(start));
        // decay(12345, 0) = 12345
        check_neuron(&core, &events, 0, start + 4, state(12345, 0, 0));
        // I' = decay(−777, 0) = −777; v' = decay(v, 0) − 777
        check_neuron(&core, &events, 1, start + 5, state(v1, -777, 0));
    }
}

#[test]
fn decay_4095_keeps_one_4096th() {
    let mut core = core16();
    core.set_neuron_params(0, NeuronParams { v_decay: 4095, ..NeuronParams::SILENT }).unwrap();
    core.set_neuron_state(0, state(V_MAX, 0, 0)).unwrap();
    core.set_neuron_params(1, NeuronParams { i_decay: 4095, ..NeuronParams::SILENT }).unwrap();
    core.set_neuron_state(1, state(0, V_MIN, 0)).unwrap();

    let (report, events) = step(&mut core, &[]);
    assert_eq!(report.compute_cycles, 21);
    // decay(8388607, 4095) = trunc(8388607/4096) = trunc(2047.9998) = 2047 (< θ = 8388607)
    check_neuron(&core, &events, 0, 4, state(2047, 0, 0));
    // I' = decay(−8388608, 4095) = −8388608/4096 = −2048; v' = 0 − 2048 = −2048
    check_neuron(&core, &events, 1, 5, state(-2048, -2048, 0));

    let (report, events) = step(&mut core, &[]);
    assert_eq!(report.compute_cycles, 21);
    // decay(2047, 4095) = trunc(0.4998) = 0
    check_neuron(&core, &events, 0, 21 + 4, state(0, 0, 0));
    // I' = decay(−2048, 4095) = trunc(−0.5) = 0; v' = decay(−2048, 0) + 0 = −2048
    check_neuron(&core, &events, 1, 21 + 5, state(-2048, 0, 0));
}

#[test]
fn decay_of_the_largest_values_is_exact() {
    // The product x·(4096 − δ) needs 37 bits: it must not overflow.
    let mut core = core16();
    core.set_neuron_params(0, NeuronParams { v_decay: 1, ..NeuronParams::SILENT }).unwrap();
    core.set_neuron_state(0, state(V_MAX, 0, 0)).unwrap();
    core.set_neuron_params(1, NeuronParams { i_decay: 1, ..NeuronParams::SILENT }).unwrap();
    core.set_neuron_state(1, state(0, V_MIN, 0)).unwrap();
    let (report, events) = step(&mut core, &[]);
    assert_eq!(report.compute_cycles, 21);
    // decay(8388607, 1) = trunc(8388607·4095/4096) = trunc(8386559.0002) = 8386559
    check_neuron(&core, &events, 0, 4, state(8_386_559, 0, 0));
    // decay(−8388608, 1) = −8388608·4095/4096 = −8386560 exactly; v' = 0 − 8386560
    check_neuron(&core, &events, 1, 5, state(-8_386_560, -8_386_560, 0));
}

#[test]
fn accumulate_sums_several_inputs_and_several_recurrent_spikes() {
    let mut core = core16();
    // Neurons 1, 2, 3 fire at t = 0 on input 1 (threshold 1, weight 1); their current is
    // gone at t = 1 (δ_I = 4095: decay(1, 4095) = 0), so they do not fire again.
    for n in 1..=3 {
        core.set_neuron_params(n, params(1, 0, 0, 0, 4095, 0)).unwrap();
        core.set_weight(Matrix::Input, n, 1, 1).unwrap();
    }
    // Neuron 0 (power-on parameters) listens to inputs 0, 2, 5 and neurons 1, 2, 3.
    for (pre, w) in [(0, 10), (2, -3), (5, 7)] {
        core.set_weight(Matrix::Input, 0, pre, w).unwrap();
    }
    for (pre, w) in [(1, 20), (2, -4), (3, 1)] {
        core.set_weight(Matrix::Recurrent, 0, pre, w).unwrap();
    }

    let (report, events) = step(&mut core, &[1]);
    assert_eq!(report.compute_cycles, 39); // 21 + 18·(1 + 0)
    // Spikes in cycles 1 + 18 + 3 + n = 22 + n.
    assert_eq!(spikes(&events), [(1, 23), (2, 24), (3, 25)]);
    check_neuron(&core, &events, 0, 22, state(0, 0, 0)); // W_in[0][1] = 0

    // Duplicates are merged: k_in = |{0, 2, 5}| = 3, k_prev = |{1, 2, 3}| = 3.
    let (report, events) = step(&mut core, &[5, 0, 2, 0]);
    assert_eq!(report.compute_cycles, 129); // 21 + 18·(3 + 3)
    // acc = 10 − 3 + 7 + 20 − 4 + 1 = 31; I' = 0 + 31 << 0 = 31; v' = 0 + 31 = 31.
    // Cycle 39 + 1 + 18·6 + 3 + 0 = 151.
    check_neuron(&core, &events, 0, 151, state(31, 31, 0));
    assert!(spikes(&events).is_empty());
}

#[test]
fn input_spike_takes_effect_in_the_same_timestep() {
    let mut core = core16();
    with_shift(&mut core, 4);
    core.set_neuron_params(0, params(40, 0, 0, 0, 0, 0)).unwrap();
    core.set_weight(Matrix::Input, 0, 4, 3).unwrap();
    let (report, events) = step(&mut core, &[4]);
    assert_eq!(report.compute_cycles, 39); // 21 + 18·1
    // I' = 0 + 3 << 4 = 48; u = 0 + 48 + 0 = 48 >= 40 → spike at t = 0, v = 0.
    // Cycle 1 + 18 + 3 + 0 = 22.
    check_neuron(&core, &events, 0, 22, state(0, 48, 0));
    assert_eq!(spikes(&events), [(0, 22)]);
    assert_eq!(core.last_spikes(), &[0]);
}

#[test]
fn recurrent_spike_takes_effect_in_the_next_timestep() {
    let mut core = core16();
    // Neuron 1 fires at t = 0 on input 0; its current is gone at t = 1.
    core.set_neuron_params(1, params(1, 0, 0, 0, 4095, 0)).unwrap();
    core.set_weight(Matrix::Input, 1, 0, 1).unwrap();
    // 1 → 0 with weight 5; neuron 0 has δ_I = 2048.
    core.set_weight(Matrix::Recurrent, 0, 1, 5).unwrap();
    core.set_neuron_params(0, NeuronParams { i_decay: 2048, ..NeuronParams::SILENT }).unwrap();

    let (report, events) = step(&mut core, &[0]);
    assert_eq!(report.compute_cycles, 39); // 21 + 18·(1 + 0)
    assert_eq!(spikes(&events), [(1, 23)]); // 1 + 18 + 3 + 1
    check_neuron(&core, &events, 0, 22, state(0, 0, 0)); // not seen yet at t = 0

    let (report, events) = step(&mut core, &[]);
    assert_eq!(report.compute_cycles, 39); // 21 + 18·(0 + 1)
    // I' = 0 + 5 = 5; v' = 0 + 5 = 5; cycle 39 + 1 + 18 + 3 = 61.
    check_neuron(&core, &events, 0, 61, state(5, 5, 0));

    let (report, events) = step(&mut core, &[]);
    assert_eq!(report.compute_cycles, 21); // 21 + 18·0
    // I' = decay(5, 2048) = trunc(2.5) = 2; v' = 5 + 2 = 7; cycle 78 + 4 = 82.
    check_neuron(&core, &events, 0, 82, state(7, 2, 0));
}

#[test]
fn self_synapse_on_the_diagonal_takes_effect_in_the_next_timestep() {
    let mut core = core16();
    core.set_neuron_params(0, params(10, 0, 0, 0, 4095, 0)).unwrap();
    core.set_weight(Matrix::Input, 0, 0, 10).unwrap();
    core.set_weight(Matrix::Recurrent, 0, 0, 3).unwrap();

    let (report, events) = step(&mut core, &[0]);
    assert_eq!(report.compute_cycles, 39); // 21 + 18·(1 + 0)
    // I' = 10 (the diagonal is not counted at t = 0: not 13); u = 10 >= 10 → spike, v = 0.
    check_neuron(&core, &events, 0, 22, state(0, 10, 0));
    assert_eq!(spikes(&events), [(0, 22)]);

    let (report, events) = step(&mut core, &[]);
    assert_eq!(report.compute_cycles, 39); // 21 + 18·(0 + 1): the own spike is in S(t−1)
    // I' = decay(10, 4095) + W_rec[0][0] = 0 + 3 = 3; u = 0 + 3 = 3 < 10.
    // Cycle 39 + 1 + 18 + 3 + 0 = 61.
    check_neuron(&core, &events, 0, 61, state(3, 3, 0));
    assert!(spikes(&events).is_empty());

    let (report, events) = step(&mut core, &[]);
    assert_eq!(report.compute_cycles, 21);
    // I' = decay(3, 4095) = 0; v' = 3 + 0 = 3; cycle 78 + 4 = 82.
    check_neuron(&core, &events, 0, 82, state(3, 0, 0));
}

#[test]
fn weight_shift_scales_the_weight_sum() {
    // (shift, I of weight 3, I of weight −128)
    for (shift, i0, i1) in [
        (0u8, 3, -128),           // 3 << 0, −128 << 0
        (5, 96, -4096),           // 3·32, −128·32
        (15, 98_304, -4_194_304), // 3·32768, −128·32768
    ] {
        let mut core = core16();
        with_shift(&mut core, shift);
        core.set_weight(Matrix::Input, 0, 0, 3).unwrap();
        core.set_weight(Matrix::Input, 1, 0, -128).unwrap();
        let (report, events) = step(&mut core, &[0]);
        assert_eq!(report.compute_cycles, 39); // 21 + 18·1
        // v' = 0 + I' + 0 (power-on parameters, no spike)
        check_neuron(&core, &events, 0, 22, state(i0, i0, 0));
        check_neuron(&core, &events, 1, 23, state(i1, i1, 0));
    }
}

#[test]
fn current_saturates_at_both_ends_from_a_large_weight_sum() {
    let mut core = core16();
    with_shift(&mut core, 15);
    for m in 0..16 {
        core.set_weight(Matrix::Input, 0, m, 127).unwrap();
        core.set_weight(Matrix::Input, 1, m, -128).unwrap();
    }
    // Neuron 0 is held refractory so that its (saturated) potential cannot fire.
    core.set_neuron_state(0, state(0, 0, 5)).unwrap();
    let inputs: Vec<u16> = (0..16).collect();
    let (report, events) = step(&mut core, &inputs);
    assert_eq!(report.compute_cycles, 309); // 21 + 18·16
    // acc = 16·127 = 2032; 2032 << 15 = 66584576 → sat_i = 8388607; v held, r 5 → 4.
    // Cycle 1 + 18·16 + 3 + 0 = 292.
    check_neuron(&core, &events, 0, 292, state(0, V_MAX, 4));
    // acc = 16·(−128) = −2048; −2048 << 15 = −67108864 → −8388608; u = 0 − 8388608.
    check_neuron(&core, &events, 1, 293, state(V_MIN, V_MIN, 0));
    assert!(spikes(&events).is_empty());
}

#[test]
fn current_saturates_for_a_weight_sum_whose_shift_exceeds_32_bits() {
    // M = 1024 inputs all spiking: acc = ±(1024·127) or 1024·(−128), shifted by 15.
    let mut core = Core::new(Geometry::new(16, 1024).unwrap());
    with_shift(&mut core, 15);
    let mut image = vec![0i8; 16 * 1024];
    image[..1024].fill(127); // row 0
    image[1024..2048].fill(-128); // row 1
    core.load_weights(Matrix::Input, &image).unwrap();
    core.set_neuron_state(0, state(0, 0, 1)).unwrap(); // refractory: v held
    let inputs: Vec<u16> = (0..1024).collect();
    let (report, events) = step(&mut core, &inputs);
    // C = 1 + 1024·18 + 19 + 1 = 18453; NeuronUpdate n at 1 + 1024·18 + 3 + n = 18436 + n.
    assert_eq!(report.compute_cycles, 18453);
    // acc = 130048; 130048 << 15 = 4261412864 (> 2^32 − 1 wraps to −33554432 in 32 bits)
    // → sat_i = 8388607.
    check_neuron(&core, &events, 0, 18436, state(0, V_MAX, 0));
    // acc = −131072; −131072 << 15 = −4294967296 (0 in 32 bits) → −8388608; u saturates too.
    check_neuron(&core, &events, 1, 18437, state(V_MIN, V_MIN, 0));
}

#[test]
fn current_saturates_when_the_host_set_it_at_its_limits() {
    let mut core = core16();
    core.set_weight(Matrix::Input, 0, 0, 1).unwrap();
    core.set_weight(Matrix::Input, 1, 0, -1).unwrap();
    core.set_neuron_state(0, state(0, V_MAX, 1)).unwrap(); // refractory: v held
    core.set_neuron_state(1, state(0, V_MIN, 0)).unwrap();
    let (report, events) = step(&mut core, &[0]);
    assert_eq!(report.compute_cycles, 39); // 21 + 18·1
    // I' = sat(decay(8388607, 0) + 1) = sat(8388608) = 8388607 (no wrap to −8388608)
    check_neuron(&core, &events, 0, 22, state(0, V_MAX, 0));
    // I' = sat(−8388608 − 1) = −8388608; u = sat(0 − 8388608) = −8388608
    check_neuron(&core, &events, 1, 23, state(V_MIN, V_MIN, 0));
}

#[test]
fn potential_saturates_at_the_top_and_fires_at_the_largest_threshold() {
    let mut core = core16();
    // Neuron 0: bias 8388607 plus one unit of input. Neuron 1: v set to 8388607 plus
    // bias 1. Both keep θ = 8388607; a wrapped sum would be negative and not fire.
    core.set_neuron_params(0, NeuronParams { reset: -5, bias: V_MAX, ..NeuronParams::SILENT }).unwrap();
    core.set_weight(Matrix::Input, 0, 0, 1).unwrap();
    core.set_neuron_params(1, NeuronParams { reset: 7, bias: 1, ..NeuronParams::SILENT }).unwrap();
    core.set_neuron_state(1, state(V_MAX, 0, 0)).unwrap();
    // Neurons 2 and 3 keep the power-on parameters: v = 8388606 stays below θ,
    // v = 8388607 reaches it.
    core.set_neuron_state(2, state(V_MAX - 1, 0, 0)).unwrap();
    core.set_neuron_state(3, state(V_MAX, 0, 0)).unwrap();

    let (report, events) = step(&mut core, &[0]);
    assert_eq!(report.compute_cycles, 39); // 21 + 18·1
    // u = sat(0 + 1 + 8388607) = sat(8388608) = 8388607 >= 8388607 → spike, v = −5.
    check_neuron(&core, &events, 0, 22, state(-5, 1, 0));
    // u = sat(8388607 + 0 + 1) = 8388607 → spike, v = 7.
    check_neuron(&core, &events, 1, 23, state(7, 0, 0));
    // u = 8388606 < 8388607 → no spike.
    check_neuron(&core, &events, 2, 24, state(V_MAX - 1, 0, 0));
    // u = 8388607 → spike, v = reset = 0.
    check_neuron(&core, &events, 3, 25, state(0, 0, 0));
    // Spikes in cycles 1 + 18 + 3 + n.
    assert_eq!(spikes(&events), [(0, 22), (1, 23), (3, 25)]);
}

#[test]
fn potential_saturates_at_the_bottom() {
    let mut core = core16();
    core.set_neuron_params(0, NeuronParams { threshold: 0, bias: V_MIN, ..NeuronParams::SILENT }).unwrap();
    core.set_neuron_state(0, state(-1, 0, 0)).unwrap();
    core.set_neuron_params(1, NeuronParams { threshold: 0, bias: V_MIN, ..NeuronParams::SILENT }).unwrap();
    core.set_neuron_state(1, state(V_MIN, V_MIN, 0)).unwrap();
    for t in 0..2u64 {
        let (report, events) = step(&mut core, &[]);
        assert_eq!(report.compute_cycles, 21);
        // t = 0: u = sat(−1 + 0 − 8388608) = sat(−8388609) = −8388608;
        // t = 1: u = sat(−8388608 − 8388608) = −8388608 (stays, no wrap).
        check_neuron(&core, &events, 0, 21 * t + 4, state(V_MIN, 0, 0));
        // u = sat(−8388608 − 8388608 − 8388608) = −8388608; I' = decay(−8388608, 0).
        check_neuron(&core, &events, 1, 21 * t + 5, state(V_MIN, V_MIN, 0));
    }
}

#[test]
fn potential_sum_is_exact_and_saturated_once() {
    let mut core = core16();
    // Neuron 0: v + b alone would saturate, the whole sum does not.
    core.set_neuron_params(0, NeuronParams { bias: V_MAX, ..NeuronParams::SILENT }).unwrap();
    core.set_neuron_state(0, state(V_MAX, V_MIN, 0)).unwrap();
    // Neuron 1: v + I' alone would saturate, the whole sum does not.
    core.set_neuron_params(1, NeuronParams { bias: -8_000_000, ..NeuronParams::SILENT }).unwrap();
    core.set_neuron_state(1, state(8_000_000, 8_000_000, 0)).unwrap();
    let (report, events) = step(&mut core, &[]);
    assert_eq!(report.compute_cycles, 21);
    // u = 8388607 − 8388608 + 8388607 = 8388606 < θ (clamping v + b first would give −1)
    check_neuron(&core, &events, 0, 4, state(8_388_606, V_MIN, 0));
    // u = 8000000 + 8000000 − 8000000 = 8000000 (clamping v + I' first: 388607)
    check_neuron(&core, &events, 1, 5, state(8_000_000, 8_000_000, 0));
}

#[test]
fn threshold_equality_fires_and_one_below_does_not() {
    let mut core = core16();
    core.set_neuron_params(0, params(100, 0, 0, 0, 0, 0)).unwrap();
    core.set_neuron_params(1, params(101, 0, 0, 0, 0, 0)).unwrap();
    core.set_weight(Matrix::Input, 0, 0, 100).unwrap();
    core.set_weight(Matrix::Input, 1, 0, 100).unwrap();
    let (report, events) = step(&mut core, &[0]);
    assert_eq!(report.compute_cycles, 39); // 21 + 18·1
    // u = 100 == θ = 100 → spike; cycle 1 + 18 + 3 + 0 = 22.
    check_neuron(&core, &events, 0, 22, state(0, 100, 0));
    // u = 100 < θ = 101 → no spike, v = 100.
    check_neuron(&core, &events, 1, 23, state(100, 100, 0));
    assert_eq!(spikes(&events), [(0, 22)]);
    assert_eq!(report.spikes, 1);
    assert_eq!(core.last_spikes(), &[0]);
}

#[test]
fn reset_value_after_a_spike_including_a_negative_reset() {
    let mut core = core16();
    core.set_neuron_params(0, params(50, 37, 0, 0, 4095, 0)).unwrap();
    core.set_neuron_params(1, params(50, -250, 0, 0, 4095, 0)).unwrap();
    core.set_weight(Matrix::Input, 0, 0, 60).unwrap();
    core.set_weight(Matrix::Input, 1, 0, 60).unwrap();

    let (report, events) = step(&mut core, &[0]);
    assert_eq!(report.compute_cycles, 39); // 21 + 18·1
    // u = 60 >= 50 → spike, v = reset.
    check_neuron(&core, &events, 0, 22, state(37, 60, 0));
    check_neuron(&core, &events, 1, 23, state(-250, 60, 0));
    assert_eq!(spikes(&events), [(0, 22), (1, 23)]);

    let (report, events) = step(&mut core, &[]);
    assert_eq!(report.compute_cycles, 57); // 21 + 18·(0 + 2)
    // I' = decay(60, 4095) = 0; u = 37 < 50 and u = −250: the reset values carry on.
    // Cycles 39 + 1 + 36 + 3 + n = 79 + n.
    check_neuron(&core, &events, 0, 79, state(37, 0, 0));
    check_neuron(&core, &events, 1, 80, state(-250, 0, 0));
}

#[test]
fn refractory_holds_v_without_decay_or_bias_while_the_current_integrates() {
    let mut core = core16();
    // θ = 100, reset = 50, bias = 7, δ_v = δ_I = 2048, R = 2.
    core.set_neuron_params(0, params(100, 50, 7, 2048, 2048, 2)).unwrap();
    core.set_weight(Matrix::Input, 0, 0, 120).unwrap();

    let (report, events) = step(&mut core, &[0]);
    assert_eq!(report.compute_cycles, 39); // 21 + 18·(1 + 0)
    // I' = 120; u = 0 + 120 + 7 = 127 >= 100 → spike, v = 50, r = 2.
    check_neuron(&core, &events, 0, 22, state(50, 120, 2));
    assert_eq!(spikes(&events), [(0, 22)]);

    let (report, events) = step(&mut core, &[0]);
    assert_eq!(report.compute_cycles, 57); // 21 + 18·(1 + 1)
    // I' = decay(120, 2048) + 120 = 60 + 120 = 180; refractory: v held at 50 (a free
    // neuron would have u = 25 + 180 + 7 = 212 and fire), r 2 → 1.
    // Cycle 39 + 1 + 36 + 3 = 79.
    check_neuron(&core, &events, 0, 79, state(50, 180, 1));
    assert!(spikes(&events).is_empty());

    let (report, events) = step(&mut core, &[]);
    assert_eq!(report.compute_cycles, 21); // 21 + 18·0
    // I' = decay(180, 2048) = 90; v held at 50, r 1 → 0. Cycle 96 + 4 = 100.
    check_neuron(&core, &events, 0, 100, state(50, 90, 0));

    let (report, events) = step(&mut core, &[]);
    assert_eq!(report.compute_cycles, 21);
    // Free again: I' = decay(90, 2048) = 45; u = decay(50, 2048) + 45 + 7 = 25 + 52 = 77.
    // Cycle 117 + 4 = 121.
    check_neuron(&core, &events, 0, 121, state(77, 45, 0));
}

/// Drive neuron 0 with the same strong input every timestep for 7 timesteps and
/// return, per timestep, (compute cycles, refractory counter, spike cycle if any).
fn constant_drive(refractory: u8) -> Vec<(u64, u8, Option<u64>)> {
    let mut core = core16();
    // θ = 10, reset 0, δ_I = 4095 (I' = decay(100, 4095) + 100 = 100 every timestep).
    core.set_neuron_params(0, params(10, 0, 0, 0, 4095, refractory)).unwrap();
    core.set_weight(Matrix::Input, 0, 0, 100).unwrap();
    (0..7)
        .map(|_| {
            let (report, events) = step(&mut core, &[0]);
            let s = core.neuron_state(0).unwrap();
            assert_eq!(s.i, 100);
            assert_eq!(s.v, 0, "v is the reset value, held while refractory");
            let spike = spikes(&events).first().map(|&(_, c)| c);
            (report.compute_cycles, s.refractory, spike)
        })
        .collect()
}

#[test]
fn refractory_0_fires_in_consecutive_timesteps() {
    // C = 21 + 18·(1 + k_prev): 39 at t = 0, then 57. Starts 0, 39, 96, 153, 210, 267, 324.
    // Spike cycle = start + 1 + 18·(1 + k_prev) + 3: 22, then start + 40.
    assert_eq!(
        constant_drive(0),
        [
            (39, 0, Some(22)),
            (57, 0, Some(79)),
            (57, 0, Some(136)),
            (57, 0, Some(193)),
            (57, 0, Some(250)),
            (57, 0, Some(307)),
            (57, 0, Some(364)),
        ]
    );
}

#[test]
fn refractory_1_fires_every_other_timestep() {
    // Fires at t = 0, 2, 4, 6 (free again at t + 2). C alternates 39, 57.
    // Starts 0, 39, 96, 135, 192, 231, 288; spike cycle = start + 22 (k_prev = 0).
    assert_eq!(
        constant_drive(1),
        [
            (39, 1, Some(22)),
            (57, 0, None),
            (39, 1, Some(118)),
            (57, 0, None),
            (39, 1, Some(214)),
            (57, 0, None),
            (39, 1, Some(310)),
        ]
    );
}

#[test]
fn refractory_2_fires_again_three_timesteps_later() {
    // Fires at t = 0, 3, 6 (holds at t + 1 and t + 2). C = 39, 57, 39, 39, 57, 39, 39.
    // Starts 0, 39, 96, 135, 174, 231, 270; spike cycle = start + 22.
    assert_eq!(
        constant_drive(2),
        [
            (39, 2, Some(22)),
            (57, 1, None),
            (39, 0, None),
            (39, 2, Some(157)),
            (57, 1, None),
            (39, 0, None),
            (39, 2, Some(292)),
        ]
    );
}

#[test]
fn refractory_counter_set_by_the_host_counts_down_to_zero() {
    let mut core = core16();
    // θ = 100 with v = 500: would fire at once if it were not refractory. δ_v = 2048.
    core.set_neuron_params(0, params(100, 0, 0, 2048, 0, 0)).unwrap();
    core.set_neuron_state(0, state(500, 0, 3)).unwrap();
    // r 3 → 2 → 1 → 0 with v held at 500 (no decay); cycles 21·t + 4.
    for (t, r) in [(0u64, 2u8), (1, 1), (2, 0)] {
        let (report, events) = step(&mut core, &[]);
        assert_eq!(report.compute_cycles, 21);
        check_neuron(&core, &events, 0, 21 * t + 4, state(500, 0, r));
        assert!(spikes(&events).is_empty());
    }
    // t = 3: u = decay(500, 2048) = 250 >= 100 → spike, v = 0, r = R = 0.
    let (report, events) = step(&mut core, &[]);
    assert_eq!(report.compute_cycles, 21);
    check_neuron(&core, &events, 0, 63 + 4, state(0, 0, 0));
    assert_eq!(spikes(&events), [(0, 67)]);
}

#[test]
fn bias_is_added_every_integrating_timestep() {
    let mut core = core16();
    core.set_neuron_params(0, NeuronParams { bias: 25, ..NeuronParams::SILENT }).unwrap();
    core.set_neuron_params(1, NeuronParams { bias: -25, v_decay: 2048, ..NeuronParams::SILENT }).unwrap();
    // Neuron 0: v = 0 + 25 = 25, 50, 75.
    // Neuron 1: v = −25; decay(−25, 2048) − 25 = −12 − 25 = −37; decay(−37, 2048) − 25 = −18 − 25 = −43.
    for (t, v0, v1) in [(0u64, 25, -25), (1, 50, -37), (2, 75, -43)] {
        let (report, events) = step(&mut core, &[]);
        assert_eq!(report.compute_cycles, 21);
        check_neuron(&core, &events, 0, 21 * t + 4, state(v0, 0, 0));
        check_neuron(&core, &events, 1, 21 * t + 5, state(v1, 0, 0));
    }
}
