//! The forward pass of training: the core's integer dynamics (docs/semantics.md §4)
//! replayed on the host, exactly, for a network of `n` neurons and `m` inputs without
//! STDP — the first neurons and inputs of a core, the rest silent.
//!
//! It is the core's own arithmetic in 64-bit integers: the exact weight sum, the
//! shift, `decay` rounded toward zero (so `decay(I, 4095) = trunc(I / 4096)`, not 0),
//! the 24-bit saturation of `I` and `v`, the threshold test on the integrated
//! potential, reset and the refractory hold. A property test checks it against
//! `ncx_model`'s fast path spike for spike. [`Replica::run`] can record what the
//! backward pass needs: each neuron's integrated potential, whether it fired and
//! whether it was held (refractory), every timestep.

use ncx_model::NeuronParams;

/// The largest value of a 24-bit signed field (`v`, `I`).
const MAX24: i64 = (1 << 23) - 1;
/// The smallest value of a 24-bit signed field.
const MIN24: i64 = -(1 << 23);

/// `trunc(x · (4096 − δ) / 4096)` (docs/semantics.md §3).
#[inline]
pub(crate) fn decay(x: i64, delta: u16) -> i64 {
    let magnitude = (x.abs() * (4096 - i64::from(delta))) >> 12;
    if x < 0 { -magnitude } else { magnitude }
}

#[inline]
fn sat24(x: i64) -> i64 {
    x.clamp(MIN24, MAX24)
}

/// A network on the first `neurons` neurons and `inputs` inputs of a core, with
/// integer weights and parameters, STDP off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Replica {
    neurons: usize,
    inputs: usize,
    weight_shift: u8,
    /// `W_in` by column: entry `m · neurons + n` is `W_in[n][m]`.
    w_in_cols: Vec<i64>,
    /// `W_rec` by column: entry `j · neurons + n` is `W_rec[n][j]`.
    w_rec_cols: Vec<i64>,
    params: Vec<NeuronParams>,
}

/// What one presentation did, timestep by timestep (row-major `[t][neuron]`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Record {
    /// The integrated potential `u` before the threshold test (the held `v` while
    /// refractory).
    pub(crate) potential: Vec<i64>,
    /// Whether the neuron fired.
    pub(crate) fired: Vec<bool>,
    /// Whether the neuron was refractory (held, could not fire).
    pub(crate) held: Vec<bool>,
    /// The neurons that fired at each timestep, ascending.
    pub(crate) spikes: Vec<Vec<u16>>,
}

impl Replica {
    /// A replica of `neurons` neurons and `inputs` inputs. `w_in` is `[post][pre]`
    /// row-major, `neurons × inputs`; `w_rec` is `neurons × neurons`; `params` has one
    /// entry per neuron.
    ///
    /// # Panics
    /// If a table's length does not match (a programming error of the trainer).
    pub(crate) fn new(
        neurons: usize,
        inputs: usize,
        w_in: &[i8],
        w_rec: &[i8],
        params: &[NeuronParams],
        weight_shift: u8,
    ) -> Replica {
        assert_eq!(w_in.len(), neurons * inputs, "W_in is neurons × inputs");
        assert_eq!(w_rec.len(), neurons * neurons, "W_rec is neurons × neurons");
        assert_eq!(params.len(), neurons, "one parameter set per neuron");
        let mut w_in_cols = vec![0; neurons * inputs];
        for n in 0..neurons {
            for m in 0..inputs {
                w_in_cols[m * neurons + n] = i64::from(w_in[n * inputs + m]);
            }
        }
        let mut w_rec_cols = vec![0; neurons * neurons];
        for n in 0..neurons {
            for j in 0..neurons {
                w_rec_cols[j * neurons + n] = i64::from(w_rec[n * neurons + j]);
            }
        }
        Replica { neurons, inputs, weight_shift, w_in_cols, w_rec_cols, params: params.to_vec() }
    }

    /// Number of neurons.
    pub(crate) fn neurons(&self) -> usize {
        self.neurons
    }

    /// Number of inputs.
    pub(crate) fn inputs(&self) -> usize {
        self.inputs
    }

    /// Present one sample from a state reset: one timestep per element of `inputs`
    /// (input indices below [`Replica::inputs`]; duplicates count once, as on the
    /// core). Returns every neuron's spike count; fills `record` if given.
    pub(crate) fn run(&self, inputs: &[Vec<u16>], mut record: Option<&mut Record>) -> Vec<u32> {
        let n = self.neurons;
        let mut v = vec![0i64; n];
        let mut i = vec![0i64; n];
        let mut r = vec![0u8; n];
        let mut acc = vec![0i64; n];
        let mut counts = vec![0u32; n];
        let mut previous: Vec<u16> = Vec::new();
        let mut seen = vec![false; self.inputs];
        if let Some(rec) = record.as_deref_mut() {
            rec.potential.clear();
            rec.fired.clear();
            rec.held.clear();
            rec.spikes.clear();
        }
        for step in inputs {
            acc.fill(0);
            for &a in step {
                let a = usize::from(a);
                if a < self.inputs && !seen[a] {
                    seen[a] = true;
                    add_column(&mut acc, &self.w_in_cols[a * n..(a + 1) * n]);
                }
            }
            for &a in step {
                if let Some(s) = seen.get_mut(usize::from(a)) {
                    *s = false;
                }
            }
            for &j in &previous {
                let j = usize::from(j);
                add_column(&mut acc, &self.w_rec_cols[j * n..(j + 1) * n]);
            }
            let mut fired_now = Vec::new();
            for k in 0..n {
                let p = &self.params[k];
                // acc · 2^shift is exact in 64 bits (|acc| < 2^19, shift ≤ 15).
                i[k] = sat24(decay(i[k], p.i_decay) + (acc[k] << self.weight_shift));
                let (potential, fired, held) = if r[k] > 0 {
                    r[k] -= 1;
                    (v[k], false, true)
                } else {
                    let u = sat24(decay(v[k], p.v_decay) + i[k] + i64::from(p.bias));
                    if u >= i64::from(p.threshold) {
                        v[k] = i64::from(p.reset);
                        r[k] = p.refractory;
                        (u, true, false)
                    } else {
                        v[k] = u;
                        (u, false, false)
                    }
                };
                if fired {
                    counts[k] += 1;
                    fired_now.push(k as u16);
                }
                if let Some(rec) = record.as_deref_mut() {
                    rec.potential.push(potential);
                    rec.fired.push(fired);
                    rec.held.push(held);
                }
            }
            if let Some(rec) = record.as_deref_mut() {
                rec.spikes.push(fired_now.clone());
            }
            previous = fired_now;
        }
        counts
    }
}

#[inline]
fn add_column(acc: &mut [i64], column: &[i64]) {
    for (a, w) in acc.iter_mut().zip(column) {
        *a += w;
    }
}

#[cfg(test)]
mod tests {
    use ncx_model::{Core, CoreConfig, Geometry, Matrix, NullSink};
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn decay_rounds_toward_zero() {
        // docs/semantics.md §3: decay(1000, 410) = 899, decay(−1000, 410) = −899.
        assert_eq!(decay(1000, 410), 899);
        assert_eq!(decay(-1000, 410), -899);
        // δ = 4095 keeps 1/4096 of the value, truncated: not 0.
        assert_eq!(decay(8192, 4095), 2);
        assert_eq!(decay(-8191, 4095), -1);
        assert_eq!(decay(4095, 4095), 0);
    }

    #[test]
    fn integrate_and_fire_counts_by_hand() {
        // One neuron, threshold 10, no leak, instantaneous current (δ_I = 4095), shift
        // 0, W_in[0][0] = 4: I = 4 + trunc(I/4096) = 4 every timestep, so v climbs
        // 4, 8, 12 → spike at t = 2 (v = 0), then 4, 8, 12 → spike at t = 5.
        let p = NeuronParams { threshold: 10, reset: 0, bias: 0, v_decay: 0, i_decay: 4095, refractory: 0 };
        let replica = Replica::new(1, 1, &[4], &[0], &[p], 0);
        let inputs = vec![vec![0u16]; 6];
        let mut record = Record::default();
        assert_eq!(replica.run(&inputs, Some(&mut record)), vec![2]);
        assert_eq!(record.potential, vec![4, 8, 12, 4, 8, 12]);
        assert_eq!(record.spikes, vec![vec![], vec![], vec![0], vec![], vec![], vec![0]]);
    }

    #[test]
    fn a_recurrent_spike_acts_one_timestep_later() {
        // Neuron 0 fires at t = 0 from its input; neuron 1 sees it through W_rec at t = 1.
        let p = NeuronParams { threshold: 5, reset: 0, bias: 0, v_decay: 0, i_decay: 4095, refractory: 0 };
        let replica = Replica::new(2, 1, &[5, 0], &[0, 0, 5, 0], &[p, p], 0);
        let mut record = Record::default();
        replica.run(&[vec![0], vec![]], Some(&mut record));
        assert_eq!(record.spikes, vec![vec![0], vec![1]]);
    }

    /// A network and inputs on the first neurons and inputs of a 16 × 16 core.
    #[derive(Debug, Clone)]
    struct Case {
        neurons: usize,
        inputs: usize,
        w_in: Vec<i8>,
        w_rec: Vec<i8>,
        params: Vec<NeuronParams>,
        shift: u8,
        steps: Vec<Vec<u16>>,
    }

    fn params() -> impl Strategy<Value = NeuronParams> {
        (
            prop_oneof![-2000i32..20000, Just(8_388_607), Just(-8_388_608)],
            -3000i32..3000,
            prop_oneof![Just(0i32), -500i32..500],
            prop_oneof![Just(0u16), Just(4095u16), 0u16..4096],
            prop_oneof![Just(0u16), Just(4095u16), 0u16..4096],
            prop_oneof![Just(0u8), 0u8..4],
        )
            .prop_map(|(threshold, reset, bias, v_decay, i_decay, refractory)| NeuronParams {
                threshold,
                reset,
                bias,
                v_decay,
                i_decay,
                refractory,
            })
    }

    fn case() -> impl Strategy<Value = Case> {
        (1usize..=16, 1usize..=16, 0u8..=15, 1usize..40).prop_flat_map(|(neurons, inputs, shift, steps)| {
            (
                proptest::collection::vec(any::<i8>(), neurons * inputs),
                proptest::collection::vec(any::<i8>(), neurons * neurons),
                proptest::collection::vec(params(), neurons),
                proptest::collection::vec(proptest::collection::vec(0..inputs as u16, 0..inputs + 2), steps),
            )
                .prop_map(move |(w_in, w_rec, params, steps)| Case {
                    neurons,
                    inputs,
                    w_in,
                    w_rec,
                    params,
                    shift,
                    steps,
                })
        })
    }

    /// The same network on `ncx_model`'s core: spike lists per timestep.
    fn model_spikes(case: &Case) -> Vec<Vec<u16>> {
        let geometry = Geometry::new(16, 16).expect("16 × 16 is a valid geometry");
        let mut core = Core::new(geometry);
        let config = CoreConfig { weight_shift: case.shift, ..CoreConfig::default() };
        core.set_config(config).expect("valid config");
        for n in 0..case.neurons {
            core.set_neuron_params(n, case.params[n]).expect("valid parameters");
            for m in 0..case.inputs {
                core.set_weight(Matrix::Input, n, m, case.w_in[n * case.inputs + m]).expect("in range");
            }
            for j in 0..case.neurons {
                core.set_weight(Matrix::Recurrent, n, j, case.w_rec[n * case.neurons + j]).expect("in range");
            }
        }
        case.steps
            .iter()
            .map(|step| {
                core.run_timestep(step, &mut NullSink).expect("the core runs");
                core.last_spikes().to_vec()
            })
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        /// The replica fires exactly the spikes the model's fast path fires.
        #[test]
        fn the_replica_equals_the_model(case in case()) {
            let replica = Replica::new(case.neurons, case.inputs, &case.w_in, &case.w_rec, &case.params, case.shift);
            let mut record = Record::default();
            let counts = replica.run(&case.steps, Some(&mut record));
            let expected = model_spikes(&case);
            prop_assert_eq!(&record.spikes, &expected);
            let mut expected_counts = vec![0u32; case.neurons];
            for step in &expected {
                for &k in step {
                    expected_counts[usize::from(k)] += 1;
                }
            }
            prop_assert_eq!(counts, expected_counts);
        }
    }
}
