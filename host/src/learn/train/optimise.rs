//! Adam (Kingma and Ba) on the shadow weights, with a cosine learning-rate schedule:
//! step `k` of `K` uses `lr_end + (lr − lr_end) · (1 + cos(π · k / K)) / 2`. Only
//! synapses move (the masks of [`super::network::Shadow`]); every number is `f32`
//! except the schedule, and the order of the updates is fixed, so a seed gives the
//! same weights on every run.

use super::backward::Gradient;
use super::network::Shadow;
use crate::network::math;

const BETA1: f32 = 0.9;
const BETA2: f32 = 0.999;
const EPSILON: f32 = 1e-8;

/// The optimiser's state.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Adam {
    m_in: Vec<f32>,
    v_in: Vec<f32>,
    m_rec: Vec<f32>,
    v_rec: Vec<f32>,
    step: u64,
    total: u64,
    rate: f64,
    final_rate: f64,
}

impl Adam {
    /// An optimiser for `shadow` that will take `total` steps, its learning rate
    /// falling from `rate` to `final_rate` (in int8 weight steps).
    pub(crate) fn new(shadow: &Shadow, total: u64, rate: f64, final_rate: f64) -> Adam {
        Adam {
            m_in: vec![0.0; shadow.w_in.len()],
            v_in: vec![0.0; shadow.w_in.len()],
            m_rec: vec![0.0; shadow.w_rec.len()],
            v_rec: vec![0.0; shadow.w_rec.len()],
            step: 0,
            total: total.max(1),
            rate,
            final_rate,
        }
    }

    /// The learning rate of the next step.
    pub(crate) fn rate(&self) -> f64 {
        let progress = (self.step.min(self.total) as f64) / self.total as f64;
        self.final_rate + (self.rate - self.final_rate) * (1.0 + math::cos(std::f64::consts::PI * progress)) / 2.0
    }

    /// One step along `gradient` (a sum over `samples` samples: it is averaged).
    pub(crate) fn step(&mut self, shadow: &mut Shadow, gradient: &Gradient, samples: usize) {
        let rate = self.rate() as f32;
        self.step += 1;
        let t = self.step as i32;
        let correction1 = 1.0 - BETA1.powi(t);
        let correction2 = 1.0 - BETA2.powi(t);
        let scale = 1.0 / samples.max(1) as f32;
        let update = |w: &mut [f32], mask: &[bool], g: &[f32], m: &mut [f32], v: &mut [f32]| {
            for i in 0..w.len() {
                if !mask[i] {
                    continue;
                }
                let g = g[i] * scale;
                m[i] = BETA1 * m[i] + (1.0 - BETA1) * g;
                v[i] = BETA2 * v[i] + (1.0 - BETA2) * g * g;
                let m_hat = m[i] / correction1;
                let v_hat = v[i] / correction2;
                w[i] -= rate * m_hat / (v_hat.sqrt() + EPSILON);
            }
        };
        update(&mut shadow.w_in, &shadow.mask_in, &gradient.w_in, &mut self.m_in, &mut self.v_in);
        update(&mut shadow.w_rec, &shadow.mask_rec, &gradient.w_rec, &mut self.m_rec, &mut self.v_rec);
        shadow.clip();
    }
}

#[cfg(test)]
mod tests {
    use ncx_model::NeuronParams;

    use super::*;
    use crate::learn::train::network::{Init, Layout};

    #[test]
    fn the_schedule_falls_from_the_rate_to_the_final_rate() {
        let layout = Layout { features: 1, hidden: 0, outputs: 1, skip: true };
        let shadow = Shadow::new(layout, vec![NeuronParams::SILENT], 0, Init { gain: 1.0, seed: 1 });
        let mut adam = Adam::new(&shadow, 4, 1.0, 0.2);
        assert!((adam.rate() - 1.0).abs() < 1e-12);
        adam.step = 2;
        assert!((adam.rate() - 0.6).abs() < 1e-12);
        adam.step = 4;
        assert!((adam.rate() - 0.2).abs() < 1e-12);
    }

    #[test]
    fn a_first_step_moves_each_synapse_by_the_rate_against_its_gradient() {
        // Adam's first step is rate · sign(g) (m̂ = g, v̂ = g²); a non-synapse stays 0.
        let layout = Layout { features: 2, hidden: 1, outputs: 1, skip: false };
        let params = vec![NeuronParams { threshold: 100, ..NeuronParams::SILENT }; 2];
        let mut shadow = Shadow::new(layout, params, 0, Init { gain: 0.0, seed: 1 });
        let mut adam = Adam::new(&shadow, 10, 0.5, 0.5);
        let gradient = Gradient { w_in: vec![2.0, -3.0, 1.0, 1.0], w_rec: vec![0.0, 0.0, -1.0, 5.0] };
        adam.step(&mut shadow, &gradient, 2);
        let close = |a: &[f32], b: &[f32]| a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-6);
        assert!(close(&shadow.w_in, &[-0.5, 0.5, 0.0, 0.0]), "{:?}", shadow.w_in);
        assert!(close(&shadow.w_rec, &[0.0, 0.0, 0.5, 0.0]), "{:?}", shadow.w_rec);
    }
}
