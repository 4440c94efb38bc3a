//! Property tests of the invariants of docs/semantics.md: nothing leaves its width,
//! the arithmetic matches its definitions, bounded updates move the right way, and the
//! model is deterministic and fully reset by `reset_state` — with 1, 2, 4 and 8
//! accumulate lanes.

mod support;

use ncx_model::arith::{decay, decay_trace, depress, potentiate, stdp_delta};
use ncx_model::{Core, Event, EventKind, spec};
use proptest::prelude::*;
use support::{Knobs, random_core, random_stimulus};

fn knobs(stdp: bool) -> impl Strategy<Value = Knobs> {
    (4u32..=5, 4u32..=5, any::<u64>(), 0u64..=100, 0u64..=100, 0u8..=3).prop_map(
        move |(neurons_log2, inputs_log2, seed, density, plasticity, lanes_log2)| Knobs {
            neurons_log2,
            inputs_log2,
            seed,
            density,
            plasticity,
            stdp,
            period: 0,
            lanes_log2,
        },
    )
}

fn run(core: &mut Core, stimulus: &[Vec<u16>]) -> Vec<Event> {
    let mut events = Vec::new();
    for inputs in stimulus {
        core.run_timestep(inputs, &mut events).unwrap();
    }
    events
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// `decay` is `trunc(x · (4096 − δ) / 4096)` (Rust's `/` truncates toward zero).
    #[test]
    fn decay_is_truncated_exact_product(x in spec::V.min()..=spec::V.max(), delta in 0u16..4096) {
        let exact = x * (4096 - i64::from(delta)) / 4096;
        prop_assert_eq!(i64::from(decay(x as i32, delta)), exact);
        prop_assert!(exact.abs() <= x.abs());
        if delta > 0 && x != 0 {
            prop_assert!(exact.abs() < x.abs());
        }
    }

    #[test]
    fn trace_decay_is_truncated_exact_product(x in any::<u8>(), delta in 0u16..4096) {
        prop_assert_eq!(u32::from(decay_trace(x, delta)), u32::from(x) * (4096 - u32::from(delta)) / 4096);
    }

    /// Potentiation never lowers, depression never raises, and results stay inside
    /// `[min(w, w_min), max(w, w_max)]`.
    #[test]
    fn bounded_updates(w in any::<i8>(), a in any::<u8>(), x in any::<u8>(), shift in 0u8..16, lo in any::<i8>(), hi in any::<i8>()) {
        let (w_min, w_max) = (lo.min(hi), lo.max(hi));
        let delta = stdp_delta(a, x, shift);
        prop_assert_eq!(delta, (i32::from(a) * i32::from(x)) >> shift);
        let up = potentiate(w, delta, w_max);
        let down = depress(w, delta, w_min);
        prop_assert!(up >= w && up <= w.max(w_max));
        prop_assert!(down <= w && down >= w.min(w_min));
        if (w_min..=w_max).contains(&w) {
            prop_assert!((w_min..=w_max).contains(&up) && (w_min..=w_max).contains(&down));
        }
        prop_assert_eq!(i32::from(up), (i32::from(w) + delta).min(i32::from(w.max(w_max))));
        prop_assert_eq!(i32::from(down), (i32::from(w) - delta).max(i32::from(w.min(w_min))));
    }

    /// Every NeuronUpdate carries values inside their fields, and every STDP write moves
    /// a weight toward (never past) its bound.
    #[test]
    fn nothing_leaves_its_width(k in knobs(true), steps in 1usize..10, rate in 0u64..60) {
        let mut core = random_core(k);
        let stimulus = random_stimulus(k.seed, core.geometry().inputs(), steps, rate);
        let stdp = core.config().stdp;
        for event in run(&mut core, &stimulus) {
            match event.kind {
                EventKind::NeuronUpdate { v, i, .. } => {
                    prop_assert!(spec::V.contains(v.into()) && spec::I.contains(i.into()));
                }
                EventKind::WeightWrite { old, new, .. } => {
                    prop_assert!(new != old);
                    prop_assert!(new >= old.min(stdp.w_min) && new <= old.max(stdp.w_max));
                }
                _ => {}
            }
        }
        for n in 0..core.geometry().neurons() {
            let s = core.neuron_state(n).unwrap();
            prop_assert!(spec::V.contains(s.v.into()) && spec::I.contains(s.i.into()));
        }
    }

    /// Identical core and input → identical events and state.
    #[test]
    fn identical_input_gives_identical_trace(k in knobs(true), steps in 1usize..10, rate in 0u64..60) {
        let core = random_core(k);
        let stimulus = random_stimulus(k.seed, core.geometry().inputs(), steps, rate);
        let (mut a, mut b) = (core.clone(), core.clone());
        prop_assert_eq!(run(&mut a, &stimulus), run(&mut b, &stimulus));
        prop_assert!(a == b);
    }

    /// `reset_state` erases all history: a used core and a fresh one behave alike
    /// afterwards (STDP off, so the weights are the same).
    #[test]
    fn reset_state_erases_history(k in knobs(false), steps in 1usize..8, rate in 0u64..60) {
        let fresh = random_core(k);
        let mut used = fresh.clone();
        let warmup = random_stimulus(k.seed.wrapping_add(1), fresh.geometry().inputs(), steps, rate);
        run(&mut used, &warmup);
        used.reset_state();
        let mut fresh = fresh;
        fresh.reset_state();
        prop_assert!(used == fresh);
        let stimulus = random_stimulus(k.seed, fresh.geometry().inputs(), steps, rate);
        prop_assert_eq!(run(&mut used, &stimulus), run(&mut fresh, &stimulus));
    }
}
