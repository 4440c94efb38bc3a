//! Invalid values and indices are errors, never panics, and change nothing
//! (docs/semantics.md §1, §5, §9): every `ModelError` variant is produced by the bad
//! input it describes — geometry, accumulate lanes, out-of-range neuron parameters,
//! state, decays and shifts, inverted STDP weight bounds, indices past the end of a
//! memory, bulk loads of the wrong length, and changes while a timestep is in progress.
//! Each error carries the rejected value and the limits, its Display text names them,
//! and the core compares equal (`==`) to a clone taken before the rejected operation.
//!
//! The core used here has N = 16 neurons and M = 32 inputs (so that "neuron" and
//! "input" limits differ), some weights, plastic bits, parameters, state and traces.

use std::fmt::Debug;

use ncx_model::{
    Core, CoreConfig, Geometry, Matrix, ModelError, NeuronParams, NeuronState, StdpConfig, TraceKind, TraceMode,
};

const N: usize = 16;
const M: usize = 32;
const V_MAX: i32 = 8_388_607;
const V_MIN: i32 = -8_388_608;

fn busy_looking_core() -> Core {
    let mut core = Core::new(Geometry::new(N, M).unwrap());
    let stdp = StdpConfig {
        enabled: true,
        a_plus: 30,
        a_minus: 20,
        shift: 3,
        w_min: -40,
        w_max: 90,
        pre_decay: 100,
        post_decay: 200,
        pre_increment: 50,
        post_increment: 60,
        trace_mode: TraceMode::Set,
    };
    core.set_config(CoreConfig { weight_shift: 2, period: 0, stdp }).unwrap();
    let p = NeuronParams { threshold: 40, reset: -3, bias: 1, v_decay: 300, i_decay: 600, refractory: 1 };
    core.set_neuron_params(0, p).unwrap();
    core.set_weight(Matrix::Input, 0, 0, 20).unwrap();
    core.set_weight(Matrix::Input, 3, 31, -7).unwrap();
    core.set_weight(Matrix::Recurrent, 2, 0, 11).unwrap();
    core.set_plastic(Matrix::Input, 0, 1, true).unwrap();
    core.set_plastic(Matrix::Recurrent, 2, 0, true).unwrap();
    core.set_neuron_state(1, NeuronState { v: 123, i: -45, refractory: 2 }).unwrap();
    core.set_trace(TraceKind::Input, 1, 77).unwrap();
    core.set_trace(TraceKind::Post, 0, 66).unwrap();
    core
}

/// Run `op` on `core`; it must fail and leave the core equal to what it was.
#[track_caller]
fn rejected<T: Debug>(core: &mut Core, op: impl FnOnce(&mut Core) -> Result<T, ModelError>) -> ModelError {
    let before = core.clone();
    let err = op(core).expect_err("the operation must be rejected");
    assert!(*core == before, "a rejected operation changed the core ({err})");
    err
}

/// The integers in a message, in order (a '-' directly before digits is a sign).
fn numbers_in(message: &str) -> Vec<i64> {
    let mut out = Vec::new();
    let mut current = String::new();
    for c in message.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() || (c == '-' && current.is_empty()) {
            current.push(c);
        } else {
            if let Ok(x) = current.parse() {
                out.push(x);
            }
            current.clear();
            if c == '-' {
                current.push(c);
            }
        }
    }
    out
}

/// The Display text of `err` mentions every one of `numbers`.
#[track_caller]
fn assert_mentions(err: &ModelError, numbers: &[i64]) {
    let message = err.to_string();
    let found = numbers_in(&message);
    for x in numbers {
        assert!(found.contains(x), "{message:?} does not mention {x}");
    }
}

#[track_caller]
fn assert_out_of_range(err: ModelError, field: &'static str, value: i64, min: i64, max: i64) {
    assert_eq!(err, ModelError::OutOfRange { field, value, min, max });
    assert!(err.to_string().contains(field), "{err} names the field {field}");
    assert_mentions(&err, &[value, min, max]);
}

#[track_caller]
fn assert_index(err: ModelError, what: &'static str, index: usize, len: usize) {
    assert_eq!(err, ModelError::Index { what, index, len });
    assert_mentions(&err, &[index as i64, len as i64]);
}

#[test]
fn geometry_must_be_a_power_of_two_from_16_to_1024() {
    for log2 in 4..=10 {
        let g = Geometry::new(1 << log2, 1 << (14 - log2)).unwrap();
        assert_eq!((g.neurons(), g.inputs()), (1 << log2, 1 << (14 - log2)));
    }
    let cases = [
        (0, 16, "neurons", 0),
        (8, 16, "neurons", 8),
        (15, 16, "neurons", 15),
        (17, 16, "neurons", 17),
        (48, 16, "neurons", 48),
        (2048, 16, "neurons", 2048),
        (16, 100, "inputs", 100),
        (16, 8, "inputs", 8),
        (1024, 2048, "inputs", 2048),
    ];
    for (neurons, inputs, what, value) in cases {
        let err = Geometry::new(neurons, inputs).unwrap_err();
        assert_eq!(err, ModelError::Geometry { what, value, min: 16, max: 1024 });
        assert_mentions(&err, &[value as i64, 16, 1024]);
    }
}

#[test]
fn lanes_beyond_min_of_n_and_8_are_rejected() {
    for neurons in [16, 256, 1024] {
        let g = Geometry::new(neurons, 16).unwrap();
        for lanes_log2 in 0..=3 {
            let core = Core::with_lanes(g, lanes_log2).unwrap();
            assert_eq!(core.lanes_log2(), lanes_log2);
        }
        for lanes_log2 in [4, 5, 10, 200, 255] {
            let err = Core::with_lanes(g, lanes_log2).unwrap_err();
            assert_eq!(err, ModelError::Lanes { lanes_log2, max_log2: 3, neurons });
            assert_mentions(&err, &[i64::from(lanes_log2), 3, 8, neurons as i64]);
            assert!(err.to_string().contains("lanes_log2"), "{err}");
        }
    }
    assert_eq!(Core::new(Geometry::new(N, M).unwrap()).lanes_log2(), 0);
    let err = Core::with_lanes(Geometry::new(64, 16).unwrap(), 4).unwrap_err();
    assert_eq!(
        err.to_string(),
        "lanes_log2 = 4 (16 accumulate lanes) is not supported: at most 3 (8 lanes) with N = 64 neurons"
    );
}

#[test]
fn neuron_parameters_out_of_range() {
    let mut core = busy_looking_core();
    let ok = NeuronParams { threshold: 5, reset: 0, bias: 0, v_decay: 0, i_decay: 0, refractory: 3 };
    let cases: [(NeuronParams, &'static str, i64, i64, i64); 10] = [
        (NeuronParams { threshold: V_MAX + 1, ..ok }, "threshold", 8_388_608, -8_388_608, 8_388_607),
        (NeuronParams { threshold: V_MIN - 1, ..ok }, "threshold", -8_388_609, -8_388_608, 8_388_607),
        (NeuronParams { reset: V_MAX + 1, ..ok }, "reset", 8_388_608, -8_388_608, 8_388_607),
        (NeuronParams { reset: i32::MIN, ..ok }, "reset", -2_147_483_648, -8_388_608, 8_388_607),
        (NeuronParams { bias: V_MAX + 1, ..ok }, "bias", 8_388_608, -8_388_608, 8_388_607),
        (NeuronParams { bias: V_MIN - 1, ..ok }, "bias", -8_388_609, -8_388_608, 8_388_607),
        (NeuronParams { v_decay: 4096, ..ok }, "decay", 4096, 0, 4095),
        (NeuronParams { v_decay: u16::MAX, ..ok }, "decay", 65535, 0, 4095),
        (NeuronParams { i_decay: 4096, ..ok }, "decay", 4096, 0, 4095),
        (NeuronParams { i_decay: 5000, ..ok }, "decay", 5000, 0, 4095),
    ];
    for (params, field, value, min, max) in cases {
        let err = rejected(&mut core, |c| c.set_neuron_params(0, params));
        assert_out_of_range(err, field, value, min, max);
    }
    // The limits themselves are accepted.
    let edge =
        NeuronParams { threshold: V_MIN, reset: V_MAX, bias: V_MIN, v_decay: 4095, i_decay: 4095, refractory: 255 };
    core.set_neuron_params(0, edge).unwrap();
    assert_eq!(core.neuron_params(0).unwrap(), edge);
}

#[test]
fn neuron_state_out_of_range() {
    let mut core = busy_looking_core();
    let cases = [
        (NeuronState { v: V_MAX + 1, i: 0, refractory: 0 }, "v", 8_388_608),
        (NeuronState { v: V_MIN - 1, i: 0, refractory: 0 }, "v", -8_388_609),
        // A valid v with an invalid I: nothing is written, not even v.
        (NeuronState { v: 5, i: V_MAX + 1, refractory: 1 }, "i", 8_388_608),
        (NeuronState { v: 5, i: V_MIN - 1, refractory: 1 }, "i", -8_388_609),
    ];
    for (state, field, value) in cases {
        let err = rejected(&mut core, |c| c.set_neuron_state(1, state));
        assert_out_of_range(err, field, value, -8_388_608, 8_388_607);
    }
    let edge = NeuronState { v: V_MIN, i: V_MAX, refractory: 255 };
    core.set_neuron_state(1, edge).unwrap();
    assert_eq!(core.neuron_state(1).unwrap(), edge);
}

#[test]
fn configuration_shifts_and_decays_out_of_range() {
    let mut core = busy_looking_core();
    let ok = *core.config();
    let cases: [(CoreConfig, &'static str, i64, i64); 5] = [
        (CoreConfig { weight_shift: 16, ..ok }, "weight_shift", 16, 15),
        (CoreConfig { weight_shift: 255, ..ok }, "weight_shift", 255, 15),
        (CoreConfig { stdp: StdpConfig { shift: 16, ..ok.stdp }, ..ok }, "stdp_shift", 16, 15),
        (CoreConfig { stdp: StdpConfig { pre_decay: 4096, ..ok.stdp }, ..ok }, "decay", 4096, 4095),
        (CoreConfig { stdp: StdpConfig { post_decay: 9999, ..ok.stdp }, ..ok }, "decay", 9999, 4095),
    ];
    for (config, field, value, max) in cases {
        let err = rejected(&mut core, |c| c.set_config(config));
        assert_out_of_range(err, field, value, 0, max);
    }
    assert_eq!(*core.config(), ok);
    let edge = CoreConfig {
        weight_shift: 15,
        period: u32::MAX,
        stdp: StdpConfig { shift: 15, pre_decay: 4095, post_decay: 4095, ..ok.stdp },
    };
    core.set_config(edge).unwrap();
    assert_eq!(*core.config(), edge);
}

#[test]
fn inverted_weight_bounds_are_rejected() {
    let mut core = busy_looking_core();
    let ok = *core.config();
    for (w_min, w_max) in [(10i8, 9i8), (127, -128), (0, -1)] {
        let config = CoreConfig { stdp: StdpConfig { w_min, w_max, ..ok.stdp }, ..ok };
        let err = rejected(&mut core, |c| c.set_config(config));
        assert_eq!(err, ModelError::WeightBounds { w_min, w_max });
        assert_mentions(&err, &[w_min.into(), w_max.into()]);
    }
    // w_min == w_max is allowed.
    let equal = CoreConfig { stdp: StdpConfig { w_min: 7, w_max: 7, ..ok.stdp }, ..ok };
    core.set_config(equal).unwrap();
    assert_eq!(core.config().stdp.w_min, 7);
}

#[test]
fn weight_and_enable_bit_indices_past_the_end() {
    let mut core = busy_looking_core();
    // (matrix, post, pre, what, index, len)
    let cases = [
        (Matrix::Input, N, 0, "neuron", N, N),
        (Matrix::Input, 0, M, "input", M, M),
        (Matrix::Input, 3, 1000, "input", 1000, M),
        (Matrix::Recurrent, N, 0, "neuron", N, N),
        (Matrix::Recurrent, 0, N, "neuron", N, N),
    ];
    for (matrix, post, pre, what, index, len) in cases {
        assert_index(core.weight(matrix, post, pre).unwrap_err(), what, index, len);
        assert_index(core.plastic(matrix, post, pre).unwrap_err(), what, index, len);
        assert_index(rejected(&mut core, |c| c.set_weight(matrix, post, pre, 1)), what, index, len);
        assert_index(rejected(&mut core, |c| c.set_plastic(matrix, post, pre, true)), what, index, len);
    }
}

#[test]
fn neuron_parameter_and_state_indices_past_the_end() {
    let mut core = busy_looking_core();
    for n in [N, N + 1, 1 << 20] {
        assert_index(core.neuron_params(n).unwrap_err(), "neuron", n, N);
        assert_index(core.neuron_state(n).unwrap_err(), "neuron", n, N);
        assert_index(rejected(&mut core, |c| c.set_neuron_params(n, NeuronParams::SILENT)), "neuron", n, N);
        assert_index(rejected(&mut core, |c| c.set_neuron_state(n, NeuronState::default())), "neuron", n, N);
    }
}

#[test]
fn trace_indices_past_the_end() {
    let mut core = busy_looking_core();
    for (kind, index, what, len) in
        [(TraceKind::Input, M, "input", M), (TraceKind::Pre, N, "neuron", N), (TraceKind::Post, N, "neuron", N)]
    {
        assert_index(core.trace(kind, index).unwrap_err(), what, index, len);
        assert_index(rejected(&mut core, |c| c.set_trace(kind, index, 9)), what, index, len);
    }
}

#[test]
fn input_spike_indices_past_the_end() {
    let mut core = busy_looking_core();
    // A valid input (0, which would make neuron 0 fire) next to an invalid one: the
    // whole timestep is rejected, no cycle, no timestep, no latched input.
    let err = rejected(&mut core, |c| c.run_timestep(&[0, 32], &mut Vec::new()));
    assert_index(err, "input", 32, M);
    let err = rejected(&mut core, |c| c.run_timestep_cycles(&[40, 0], &mut Vec::new()));
    assert_index(err, "input", 40, M);
    let err = rejected(&mut core, |c| c.start_timestep(&[3, 31, u16::MAX]));
    assert_index(err, "input", 65535, M);
    assert!(core.is_idle());
    assert_eq!((core.cycle().0, core.timestep().0), (0, 0));
}

#[test]
fn bulk_loads_of_the_wrong_length() {
    let mut core = busy_looking_core();
    // W_in is N·M = 512 values, W_rec N·N = 256.
    for (matrix, got, expected) in
        [(Matrix::Input, 511, 512), (Matrix::Input, 513, 512), (Matrix::Input, 0, 512), (Matrix::Recurrent, 512, 256)]
    {
        let err = rejected(&mut core, |c| c.load_weights(matrix, &vec![1; got]));
        assert!(matches!(err, ModelError::Length { got: g, expected: e, .. } if g == got && e == expected), "{err:?}");
        assert_mentions(&err, &[got as i64, expected as i64]);
        let err = rejected(&mut core, |c| c.load_plastic_mask(matrix, &vec![true; got]));
        assert!(matches!(err, ModelError::Length { got: g, expected: e, .. } if g == got && e == expected), "{err:?}");
        assert_mentions(&err, &[got as i64, expected as i64]);
    }
    // The right lengths are accepted.
    core.load_weights(Matrix::Input, &[2; 512]).unwrap();
    core.load_plastic_mask(Matrix::Recurrent, &[true; 256]).unwrap();
    assert_eq!(core.weight(Matrix::Input, 15, 31).unwrap(), 2);
}

/// Every change attempted on `core` while it is not idle is `Busy` and changes nothing.
#[track_caller]
fn assert_every_change_is_busy(core: &mut Core) {
    assert!(!core.is_idle());
    let config = CoreConfig { weight_shift: 1, ..CoreConfig::default() };
    let busy = [
        rejected(core, |c| c.set_config(config)),
        rejected(core, |c| c.set_neuron_params(0, NeuronParams::SILENT)),
        rejected(core, |c| c.set_neuron_state(0, NeuronState::default())),
        rejected(core, |c| c.set_weight(Matrix::Input, 0, 0, 1)),
        rejected(core, |c| c.set_weight(Matrix::Recurrent, 0, 0, 1)),
        rejected(core, |c| c.set_plastic(Matrix::Input, 0, 0, true)),
        rejected(core, |c| c.load_weights(Matrix::Input, &[0; N * M])),
        rejected(core, |c| c.load_plastic_mask(Matrix::Recurrent, &[false; N * N])),
        rejected(core, |c| c.set_trace(TraceKind::Pre, 0, 1)),
        rejected(core, |c| c.start_timestep(&[])),
        rejected(core, |c| c.run_timestep(&[], &mut Vec::new())),
        rejected(core, |c| c.run_timestep_cycles(&[], &mut Vec::new())),
    ];
    for err in busy {
        assert_eq!(err, ModelError::Busy);
    }
}

#[test]
fn changes_during_a_timestep_are_busy() {
    let mut core = busy_looking_core();
    core.start_timestep(&[0]).unwrap();
    for _ in 0..3 {
        assert!(core.step_cycle(&mut Vec::new()).is_none());
    }
    assert_every_change_is_busy(&mut core);
}

#[test]
fn changes_during_the_pacing_wait_are_busy() {
    let mut core = busy_looking_core();
    let config = CoreConfig { period: 5000, ..*core.config() };
    core.set_config(config).unwrap();
    core.start_timestep(&[]).unwrap();
    // C = 1 + 0 + 19 + 1 + (0 + 0 + 50) = 71 (N = 16, M = 32, STDP on, nothing fires):
    // after 100 cycles the core is in the wait (which ends at cycle 5000).
    let mut events = Vec::new();
    for _ in 0..100 {
        assert!(core.step_cycle(&mut events).is_none());
    }
    assert_eq!(events.last().unwrap().cycle.0, 70);
    assert_every_change_is_busy(&mut core);
}
