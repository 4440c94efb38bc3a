//! The network being trained: its layout on the core (the hidden population on the
//! first neurons, the output population after it, the features on the first inputs),
//! the float shadow of every trainable weight, which synapses exist, and the integer
//! weights the core gets — each shadow rounded half away from zero and clamped to
//! int8, the rounding the compiler applies to the written integers too
//! (docs/network-format.md §10, with `scale = 2^weight_shift`).

use ncx_model::NeuronParams;

use super::forward::Replica;
use crate::network::math;
use crate::rng::SplitMix64;

/// Where the parts of the network live and which synapses exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Layout {
    /// Features = inputs used, on inputs `0..features`.
    pub(crate) features: usize,
    /// Hidden neurons, on neurons `0..hidden` (0: no hidden layer).
    pub(crate) hidden: usize,
    /// Output neurons, on neurons `hidden..hidden + outputs`.
    pub(crate) outputs: usize,
    /// Whether the features also drive the outputs directly (`W_in` rows of the
    /// outputs); always so without a hidden layer.
    pub(crate) skip: bool,
}

impl Layout {
    /// Neurons used.
    pub(crate) fn neurons(&self) -> usize {
        self.hidden + self.outputs
    }

    /// Whether `W_in[post][pre]` is a synapse.
    pub(crate) fn has_input_synapse(&self, post: usize) -> bool {
        post < self.hidden || self.skip || self.hidden == 0
    }

    /// Whether `W_rec[post][pre]` is a synapse: hidden → output only.
    pub(crate) fn has_recurrent_synapse(&self, post: usize, pre: usize) -> bool {
        post >= self.hidden && pre < self.hidden
    }
}

/// The int8 weight of a float shadow weight: rounded half away from zero, clamped.
pub(crate) fn quantise(w: f32) -> i8 {
    w.round().clamp(-128.0, 127.0) as i8
}

/// The trainable state: float shadows of `W_in` (`neurons × features`) and `W_rec`
/// (`neurons × neurons`), row-major `[post][pre]`, 0 where there is no synapse.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Shadow {
    pub(crate) layout: Layout,
    pub(crate) w_in: Vec<f32>,
    pub(crate) w_rec: Vec<f32>,
    /// Which entries of `w_in` are synapses.
    pub(crate) mask_in: Vec<bool>,
    /// Which entries of `w_rec` are synapses.
    pub(crate) mask_rec: Vec<bool>,
    /// Parameters of every neuron (fixed by the architecture).
    pub(crate) params: Vec<NeuronParams>,
    /// The core's weight shift.
    pub(crate) weight_shift: u8,
}

/// How the initial weights are drawn: normal, mean 0, standard deviation
/// `gain · threshold / 2^weight_shift / sqrt(fan_in)` for each layer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Init {
    pub(crate) gain: f64,
    pub(crate) seed: u64,
}

impl Shadow {
    /// A network of this layout with weights drawn by `init`.
    pub(crate) fn new(layout: Layout, params: Vec<NeuronParams>, weight_shift: u8, init: Init) -> Shadow {
        let (n, m) = (layout.neurons(), layout.features);
        let mut rng = SplitMix64::new(init.seed);
        let mut mask_in = vec![false; n * m];
        let mut mask_rec = vec![false; n * n];
        for post in 0..n {
            if layout.has_input_synapse(post) {
                mask_in[post * m..(post + 1) * m].fill(true);
            }
            for pre in 0..n {
                mask_rec[post * n + pre] = layout.has_recurrent_synapse(post, pre);
            }
        }
        let unit = f64::from(1u32 << weight_shift);
        let mut draw = |post: usize, fan_in: usize| {
            let theta = f64::from(params[post].threshold.max(1)) / unit;
            let std = init.gain * theta / (fan_in.max(1) as f64).sqrt();
            (normal(&mut rng) * std) as f32
        };
        let fan_in = |post: usize| {
            let inputs = if layout.has_input_synapse(post) { m } else { 0 };
            inputs + (0..n).filter(|&pre| layout.has_recurrent_synapse(post, pre)).count()
        };
        let mut w_in = vec![0.0; n * m];
        let mut w_rec = vec![0.0; n * n];
        for post in 0..n {
            let fan = fan_in(post);
            for pre in 0..m {
                if mask_in[post * m + pre] {
                    w_in[post * m + pre] = draw(post, fan);
                }
            }
            for pre in 0..n {
                if mask_rec[post * n + pre] {
                    w_rec[post * n + pre] = draw(post, fan);
                }
            }
        }
        Shadow { layout, w_in, w_rec, mask_in, mask_rec, params, weight_shift }
    }

    /// The integer `W_in` the core gets.
    pub(crate) fn int_in(&self) -> Vec<i8> {
        self.w_in.iter().map(|&w| quantise(w)).collect()
    }

    /// The integer `W_rec` the core gets.
    pub(crate) fn int_rec(&self) -> Vec<i8> {
        self.w_rec.iter().map(|&w| quantise(w)).collect()
    }

    /// The integer network, ready to run.
    pub(crate) fn replica(&self) -> Replica {
        let n = self.layout.neurons();
        Replica::new(n, self.layout.features, &self.int_in(), &self.int_rec(), &self.params, self.weight_shift)
    }

    /// Keep every shadow within `[-128.5, 127.5]` (beyond, the integer does not change
    /// and the shadow would only drift) and 0 where there is no synapse.
    pub(crate) fn clip(&mut self) {
        for (w, &on) in self.w_in.iter_mut().zip(&self.mask_in).chain(self.w_rec.iter_mut().zip(&self.mask_rec)) {
            *w = if on { w.clamp(-128.5, 127.5) } else { 0.0 };
        }
    }
}

/// A standard normal number: Box–Muller on two uniform draws (the cosine branch), with
/// the compiler's own `ln` and `cos` so that every machine draws the same weights.
fn normal(rng: &mut SplitMix64) -> f64 {
    let u1 = 1.0 - unit(rng);
    let u2 = unit(rng);
    (-2.0 * math::ln(u1)).sqrt() * math::cos(std::f64::consts::TAU * u2)
}

/// A uniform number in [0, 1): 53 random bits.
pub(crate) fn unit(rng: &mut SplitMix64) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantise_rounds_half_away_from_zero_and_clamps() {
        assert_eq!(quantise(2.5), 3);
        assert_eq!(quantise(-2.5), -3);
        assert_eq!(quantise(2.49), 2);
        assert_eq!(quantise(300.0), 127);
        assert_eq!(quantise(-300.0), -128);
    }

    #[test]
    fn the_masks_follow_the_layout() {
        let layout = Layout { features: 3, hidden: 2, outputs: 2, skip: false };
        let params = vec![NeuronParams { threshold: 64, ..NeuronParams::SILENT }; 4];
        let s = Shadow::new(layout, params, 0, Init { gain: 1.0, seed: 7 });
        // Hidden rows of W_in are synapses, output rows are not (no skip).
        assert_eq!(s.mask_in, [[true; 3], [true; 3], [false; 3], [false; 3]].concat());
        // W_rec: only hidden (pre 0, 1) → output (post 2, 3).
        let expected_rec: Vec<bool> = (0..4).flat_map(|post| (0..4).map(move |pre| post >= 2 && pre < 2)).collect();
        assert_eq!(s.mask_rec, expected_rec);
        assert!(s.w_in.iter().zip(&s.mask_in).all(|(&w, &on)| on || w == 0.0));
        assert!(s.w_rec.iter().zip(&s.mask_rec).all(|(&w, &on)| on || w == 0.0));
        assert_eq!(s, Shadow::new(layout, s.params.clone(), 0, Init { gain: 1.0, seed: 7 }));
    }
}
