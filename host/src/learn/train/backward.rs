//! The backward pass: the gradient of the loss of one sample with respect to every
//! shadow weight, by backpropagation through time over the integer forward pass
//! ([`super::forward`]) with a surrogate derivative of the spike.
//!
//! The forward pass is the core's, exactly. The backward pass differentiates its
//! smooth model — `I_t = α_I · I_{t−1} + 2^s · acc_t`, `u_t = α_v · v_{t−1} + I_t`,
//! `v_t = (1 − z_t) · u_t` (the reset is not differentiated), `α = (4096 − δ)/4096`,
//! saturation ignored, a refractory neuron holding `v` — and replaces the derivative
//! of the spike `z_t = [u_t ≥ θ]` by the fast sigmoid's
//! `1 / (θ · (1 + k · |u_t − θ| / θ)²)` of slope `k`. The loss is the softmax cross
//! entropy of the class scores (the sum of the spike counts of a class's output
//! neurons, times `logit_scale`). The weights' gradients go through the integer
//! weights the forward pass used (straight-through rounding).

use super::forward::{Record, Replica};
use crate::network::math;

/// What the loss is made of.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Loss {
    /// The class of each output neuron.
    pub(crate) labels: Vec<u16>,
    /// Number of classes.
    pub(crate) classes: usize,
    /// Logit of a class per spike of its neurons.
    pub(crate) logit_scale: f64,
    /// Slope `k` of the surrogate derivative.
    pub(crate) slope: f32,
}

/// The gradient of the loss with respect to `W_in` and `W_rec` (row-major
/// `[post][pre]`, as the shadows), summed over samples.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Gradient {
    pub(crate) w_in: Vec<f32>,
    pub(crate) w_rec: Vec<f32>,
}

impl Gradient {
    /// A zero gradient for `neurons` neurons and `features` inputs.
    pub(crate) fn zero(neurons: usize, features: usize) -> Gradient {
        Gradient { w_in: vec![0.0; neurons * features], w_rec: vec![0.0; neurons * neurons] }
    }

    /// Add `other` to this gradient, element by element.
    pub(crate) fn add(&mut self, other: &Gradient) {
        for (a, b) in self.w_in.iter_mut().zip(&other.w_in).chain(self.w_rec.iter_mut().zip(&other.w_rec)) {
            *a += b;
        }
    }
}

/// One sample's outcome in the forward pass.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Outcome {
    /// Its cross-entropy loss.
    pub(crate) loss: f64,
    /// The spike counts of the output neurons.
    pub(crate) counts: Vec<u32>,
}

/// The network's fixed numbers that the backward pass needs, per neuron.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Backward {
    /// `W_rec` as the forward pass used it (integers), row-major.
    w_rec: Vec<f32>,
    alpha_v: Vec<f32>,
    alpha_i: Vec<f32>,
    threshold: Vec<f32>,
    /// `2^weight_shift`.
    unit: f32,
    hidden: usize,
}

impl Backward {
    /// The backward pass of a network: `w_rec` its integer `W_rec`, the rest from
    /// its parameters.
    pub(crate) fn new(w_rec: &[i8], params: &[ncx_model::NeuronParams], weight_shift: u8, hidden: usize) -> Backward {
        let alpha = |delta: u16| (4096.0 - f32::from(delta)) / 4096.0;
        Backward {
            w_rec: w_rec.iter().map(|&w| f32::from(w)).collect(),
            alpha_v: params.iter().map(|p| alpha(p.v_decay)).collect(),
            alpha_i: params.iter().map(|p| alpha(p.i_decay)).collect(),
            // A threshold at or below 0 fires at rest: its surrogate uses a width of 1.
            threshold: params.iter().map(|p| p.threshold.max(1) as f32).collect(),
            unit: (1u32 << weight_shift) as f32,
            hidden,
        }
    }

    /// Run `inputs` through `replica`, and add the gradient of its loss for class
    /// `label` to `gradient`. `record` is scratch space.
    pub(crate) fn sample(
        &self,
        replica: &Replica,
        inputs: &[Vec<u16>],
        label: u16,
        loss: &Loss,
        gradient: &mut Gradient,
        record: &mut Record,
    ) -> Outcome {
        let n = replica.neurons();
        let m = replica.inputs();
        let all = replica.run(inputs, Some(record));
        let counts = all[self.hidden..].to_vec();
        let (value, dcount) = cross_entropy(&counts, label, loss);
        let steps = inputs.len();
        let mut g_i_next = vec![0f32; n];
        let mut g_v_next = vec![0f32; n];
        let mut g_acc_next = vec![0f32; n];
        let mut g_acc = vec![0f32; n];
        let mut g_z = vec![0f32; n];
        for t in (0..steps).rev() {
            // dL/dz_t: the count's share, and what z_t did at t + 1 through W_rec.
            g_z.fill(0.0);
            g_z[self.hidden..].copy_from_slice(&dcount);
            if t + 1 < steps {
                for (post, &g) in g_acc_next.iter().enumerate() {
                    if g != 0.0 {
                        let row = &self.w_rec[post * n..(post + 1) * n];
                        for (z, &w) in g_z.iter_mut().zip(row) {
                            *z += w * g;
                        }
                    }
                }
            }
            let base = t * n;
            for k in 0..n {
                let g_u = if record.held[base + k] {
                    // v is held: its gradient passes through unchanged; u is not used.
                    0.0
                } else {
                    let theta = self.threshold[k];
                    let x = (record.potential[base + k] as f32 - theta).abs() / theta;
                    let d = 1.0 + loss.slope * x;
                    let surrogate = 1.0 / (theta * d * d);
                    let through_v = if record.fired[base + k] { 0.0 } else { g_v_next[k] };
                    let g_u = g_z[k] * surrogate + through_v;
                    g_v_next[k] = self.alpha_v[k] * g_u;
                    g_u
                };
                let g_i = g_u + self.alpha_i[k] * g_i_next[k];
                g_i_next[k] = g_i;
                g_acc[k] = self.unit * g_i;
            }
            for &a in &inputs[t] {
                let a = usize::from(a);
                for (k, &g) in g_acc.iter().enumerate() {
                    gradient.w_in[k * m + a] += g;
                }
            }
            if t > 0 {
                for &j in &record.spikes[t - 1] {
                    let j = usize::from(j);
                    for (k, &g) in g_acc.iter().enumerate() {
                        gradient.w_rec[k * n + j] += g;
                    }
                }
            }
            std::mem::swap(&mut g_acc, &mut g_acc_next);
        }
        Outcome { loss: value, counts }
    }
}

/// The cross-entropy loss of the output counts for class `label`, and its derivative
/// with respect to each output neuron's count.
pub(crate) fn cross_entropy(counts: &[u32], label: u16, loss: &Loss) -> (f64, Vec<f32>) {
    let mut scores = vec![0f64; loss.classes];
    for (&class, &count) in loss.labels.iter().zip(counts) {
        scores[usize::from(class)] += f64::from(count) * loss.logit_scale;
    }
    let max = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let exps: Vec<f64> = scores.iter().map(|&s| math::exp(s - max)).collect();
    let total: f64 = exps.iter().sum();
    let target = usize::from(label);
    let value = math::ln(total) - (scores[target] - max);
    let dscore: Vec<f64> =
        exps.iter().enumerate().map(|(c, &e)| e / total - if c == target { 1.0 } else { 0.0 }).collect();
    let dcount = loss.labels.iter().map(|&class| (dscore[usize::from(class)] * loss.logit_scale) as f32).collect();
    (value, dcount)
}

#[cfg(test)]
mod tests {
    use ncx_model::NeuronParams;

    use super::*;

    fn loss() -> Loss {
        Loss { labels: vec![0, 1], classes: 2, logit_scale: 1.0, slope: 4.0 }
    }

    #[test]
    fn cross_entropy_of_equal_scores_is_ln_2() {
        let (value, d) = cross_entropy(&[3, 3], 1, &loss());
        assert!((value - std::f64::consts::LN_2).abs() < 1e-12);
        // softmax = (1/2, 1/2): d/dcount = (1/2, 1/2 − 1).
        assert_eq!(d, vec![0.5, -0.5]);
    }

    #[test]
    fn the_gradient_raises_the_target_neurons_input_weights() {
        // Two output neurons, both driven by input 0 through weight 10 (threshold 64):
        // the gradient for class 1 must push W_in[1][0] up and W_in[0][0] down, and
        // leave input 1 (silent) alone.
        let p = NeuronParams { threshold: 64, reset: 0, bias: 0, v_decay: 0, i_decay: 4095, refractory: 0 };
        let (w_in, w_rec) = ([10i8, 0, 10, 0], [0i8; 4]);
        let replica = Replica::new(2, 2, &w_in, &w_rec, &[p, p], 0);
        let backward = Backward::new(&w_rec, &[p, p], 0, 0);
        let mut gradient = Gradient::zero(2, 2);
        let inputs = vec![vec![0u16]; 16];
        let outcome = backward.sample(&replica, &inputs, 1, &loss(), &mut gradient, &mut Record::default());
        assert_eq!(outcome.counts, vec![2, 2]);
        assert!(gradient.w_in[0] > 0.0, "descending raises the loss's slope: W_in[0][0] goes down");
        assert!(gradient.w_in[2] < 0.0, "W_in[1][0] goes up");
        assert_eq!((gradient.w_in[1], gradient.w_in[3]), (0.0, 0.0));
    }
}
