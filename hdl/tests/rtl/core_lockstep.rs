//! The RTL core (`hdl/rtl/ncx_core.sv`) against the model, in lock step: every event by
//! kind, cycle and field, every timestep's length, and every region byte.
//!
//! The networks are the model's own random cores (`firmware-model/tests/support`, shared
//! by path so that the model's equivalence tests and these draw from one generator):
//! weights, enable masks, parameters, initial state and traces, STDP on or off, add or
//! set traces, free-running or paced with periods above and below the compute cycles.
//! `NCX_COSIM_CASES=N` runs N cases per geometry instead of the CI count (a local soak).
use crate::support::{Knobs, random_core, random_stimulus};
use ncx_hdl::core::{CoreSim, SimError};
use ncx_hdl::lockstep::{CheckError, LockStep};
use ncx_model::wire::layout::Region;
use ncx_model::{Core, Geometry, NeuronParams, NeuronState};
use proptest::prelude::*;

/// Cases per geometry: the CI count unless `NCX_COSIM_CASES` says otherwise.
fn cases(ci: u32) -> u32 {
    std::env::var("NCX_COSIM_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(ci)
}

/// Runs `steps` random timesteps in lock step (with a state reset halfway when asked),
/// then compares every region.
fn run_case(knobs: Knobs, steps: usize, rate: u64, reset_halfway: bool) -> Result<u64, CheckError> {
    let core = random_core(knobs);
    let stimulus = random_stimulus(knobs.seed, core.geometry().inputs(), steps, rate);
    let mut check = LockStep::new(core)?;
    check.check_memories()?;
    for (t, inputs) in stimulus.iter().enumerate() {
        if reset_halfway && t == steps / 2 {
            check.reset_state()?;
        }
        check.step(inputs)?;
    }
    check.check_memories()?;
    Ok(check.matched())
}

fn knobs_strategy(neurons_log2: u32, inputs_log2: u32, lanes_log2: u8) -> impl Strategy<Value = (Knobs, u64, bool)> {
    (any::<u64>(), 0u64..=60, 0u64..=100, any::<bool>(), prop_oneof![Just(0u32), 1u32..4000], 0u64..=40, any::<bool>())
        .prop_map(move |(seed, density, plasticity, stdp, period, rate, reset)| {
            (Knobs { neurons_log2, inputs_log2, seed, density, plasticity, stdp, period, lanes_log2 }, rate, reset)
        })
}

fn lockstep_property(neurons_log2: u32, inputs_log2: u32, ci_cases: u32, steps: usize) {
    lockstep_lanes_property(neurons_log2, inputs_log2, 0, ci_cases, steps);
}

fn lockstep_lanes_property(neurons_log2: u32, inputs_log2: u32, lanes_log2: u8, ci_cases: u32, steps: usize) {
    let config = ProptestConfig { cases: cases(ci_cases), failure_persistence: None, ..ProptestConfig::default() };
    proptest!(config, |((knobs, rate, reset) in knobs_strategy(neurons_log2, inputs_log2, lanes_log2))| {
        let result = run_case(knobs, steps, rate, reset);
        prop_assert!(result.is_ok(), "{knobs:?}, rate {rate}%, reset {reset}: {}", result.unwrap_err());
    });
}

#[test]
fn the_built_geometries_include_three_small_ones_and_256x256() {
    let built = CoreSim::geometries();
    for (n, m) in [(16, 16), (32, 16), (16, 64), (256, 256)] {
        assert!(built.contains(&Geometry::new(n, m).unwrap()), "{n}×{m} missing from {built:?}");
    }
}

#[test]
fn an_unbuilt_geometry_is_a_clear_error() {
    let err = CoreSim::new(Geometry::new(1024, 16).unwrap()).unwrap_err();
    assert!(matches!(err, SimError::Geometry { .. }));
    let text = err.to_string();
    assert!(text.contains("1024×16") && text.contains("16×16") && text.contains("hdl/build.rs"), "{text}");
}

#[test]
fn power_on_regions_equal_the_models() {
    for g in CoreSim::geometries() {
        let mut check = LockStep::new(Core::new(g)).unwrap();
        check.check_memories().unwrap_or_else(|e| panic!("{}×{}: {e}", g.neurons(), g.inputs()));
    }
}

#[test]
fn a_random_image_reads_back_byte_for_byte_from_any_offset() {
    let core = random_core(Knobs {
        neurons_log2: 5,
        inputs_log2: 4,
        seed: 7,
        density: 50,
        plasticity: 50,
        stdp: true,
        period: 0,
        lanes_log2: 0,
    });
    let mut check = LockStep::new(core.clone()).unwrap();
    check.check_memories().unwrap();
    // Unaligned reads of record regions: each byte of the encoding, from any start.
    for region in [Region::Neurons, Region::State, Region::Config, Region::Traces] {
        let all = ncx_model::device::region::region_bytes(&core, region);
        for start in [1usize, 5, 9, 16, 17] {
            let len = (all.len() - start).min(40);
            let got = check.rtl().read(region, start as u32, len);
            assert_eq!(got, all[start..start + len], "{region} from byte {start}");
        }
    }
}

#[test]
fn a_state_reset_takes_n_plus_m_cycles_and_restarts_the_clock() {
    let knobs = Knobs {
        neurons_log2: 4,
        inputs_log2: 6,
        seed: 3,
        density: 40,
        plasticity: 80,
        stdp: true,
        period: 0,
        lanes_log2: 0,
    };
    let mut check = LockStep::new(random_core(knobs)).unwrap();
    check.step(&[1, 2, 3]).unwrap();
    check.reset_state().unwrap();
    check.check_memories().unwrap();
    check.step(&[4]).unwrap();
    assert_eq!(check.model().timestep().0, 1);
}

#[test]
fn lockstep_16x16() {
    lockstep_property(4, 4, 80, 10);
}

#[test]
fn lockstep_32x16() {
    lockstep_property(5, 4, 64, 8);
}

#[test]
fn lockstep_16x64() {
    lockstep_property(4, 6, 64, 8);
}

#[test]
fn lockstep_256x256() {
    lockstep_property(8, 8, 6, 4);
}

/// Four accumulate lanes (the ULX3S's build): ACC_IN and ACC_REC slots of N/4 + 2 cycles.
#[test]
fn lockstep_64x64_four_lanes() {
    lockstep_lanes_property(6, 6, 2, 24, 8);
}

#[test]
fn the_lanes_build_is_listed_and_others_are_a_clear_error() {
    let g = Geometry::new(64, 64).unwrap();
    assert!(CoreSim::builds().contains(&(g, 2)), "{:?}", CoreSim::builds());
    assert!(!CoreSim::geometries().is_empty() && CoreSim::with_lanes(g, 2).is_ok());
    let err = CoreSim::with_lanes(Geometry::new(16, 16).unwrap(), 3).unwrap_err();
    assert!(matches!(err, SimError::Geometry { lanes_log2: 3, .. }));
    let text = err.to_string();
    assert!(text.contains("16×16 with 8 lanes") && text.contains("64×64 with 4 lanes"), "{text}");
}

/// A lanes core's power-on regions and a random image, loaded and read back through the
/// lanes' banks.
#[test]
fn a_random_image_reads_back_through_the_lanes() {
    let knobs = Knobs {
        neurons_log2: 6,
        inputs_log2: 6,
        seed: 11,
        density: 60,
        plasticity: 50,
        stdp: true,
        period: 0,
        lanes_log2: 2,
    };
    let mut check = LockStep::new(Core::with_lanes(Geometry::new(64, 64).unwrap(), 2).unwrap()).unwrap();
    check.check_memories().unwrap();
    let mut check = LockStep::new(random_core(knobs)).unwrap();
    check.check_memories().unwrap();
    check.step(&[0, 5, 63]).unwrap();
    check.check_memories().unwrap();
}

/// Fault injection into one side: a change the RTL does not have must be caught at the
/// first event it changes, with the field and both values. Neuron 5 holds v = 100000
/// with δ_v = 100 on the RTL and δ_v = 101 on the model; with no input its first
/// NeuronUpdate is in cycle 1 + 3 + 5 = 9 of timestep 0 (FETCH, no slots, NEURON
/// latency 3) and has v = trunc(100000 · 3996 / 4096) = 97558 on the RTL and
/// trunc(100000 · 3995 / 4096) = 97534 on the model.
#[test]
fn a_fault_injected_into_the_model_is_caught_at_its_first_event() {
    let mut core = Core::new(Geometry::new(16, 16).unwrap());
    let params = NeuronParams { v_decay: 100, ..NeuronParams::SILENT };
    core.set_neuron_params(5, params).unwrap();
    core.set_neuron_state(5, NeuronState { v: 100_000, i: 0, refractory: 0 }).unwrap();
    let mut check = LockStep::new(core).unwrap();
    check.model_mut().set_neuron_params(5, NeuronParams { v_decay: 101, ..params }).unwrap();
    // One cycle staging the (empty) input set, one for the start request, then FETCH.
    let start = check.model().cycle().0 + 2;
    let err = check.step(&[]).unwrap_err();
    let CheckError::Diverged(d) = err else { panic!("expected a divergence, got {err}") };
    assert_eq!(d.timestep, Some(0));
    assert_eq!(d.cycle, Some((start + 9, 9)));
    assert_eq!((d.what.as_str(), d.field), ("NeuronUpdate of neuron 5", "v"));
    assert_eq!((d.model.as_str(), d.rtl.as_str()), ("97534", "97558"));
    // The events before it matched: the NeuronUpdates of neurons 0..=4.
    assert_eq!(check.matched(), 0, "a failed timestep adds nothing to the matched count");
}

/// The STDP window off by one on one side (the model's STDP shift one larger) changes
/// the first potentiation or depression; the checker stops there.
#[test]
fn an_stdp_window_off_by_one_is_caught() {
    let mut caught = 0;
    for seed in 0..8 {
        let knobs = Knobs {
            neurons_log2: 4,
            inputs_log2: 4,
            seed,
            density: 60,
            plasticity: 100,
            stdp: true,
            period: 0,
            lanes_log2: 0,
        };
        let core = random_core(knobs);
        let mut config = *core.config();
        if config.stdp.shift == 15 || config.stdp.a_plus == 0 {
            continue;
        }
        config.stdp.shift += 1;
        let mut check = LockStep::new(core).unwrap();
        check.model_mut().set_config(config).unwrap();
        for inputs in random_stimulus(seed, 16, 20, 30) {
            match check.step(&inputs) {
                Ok(_) => {}
                Err(CheckError::Diverged(d)) => {
                    assert!(d.what.contains("WeightWrite") || d.field == "event", "{d}");
                    caught += 1;
                    break;
                }
                Err(e) => panic!("seed {seed}: {e}"),
            }
        }
    }
    assert!(caught >= 4, "the off-by-one was caught in only {caught} of 8 networks");
}
