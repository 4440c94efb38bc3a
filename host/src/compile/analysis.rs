//! Static analysis of a quantised image: per neuron, the largest possible synaptic
//! input of one timestep (the sums of its positive and of its negative incoming
//! weights, with plastic synapses at their STDP bounds), whether that can saturate
//! `I`, and whether the neuron can never fire or fires whatever its input.

use ncx_model::{NeuronParams, arith, spec};

use super::quantise::{V_MAX, V_MIN};
use crate::image::Image;

/// Per core neuron: (sum of positive, magnitude of the sum of negative) incoming int8
/// weights. A plastic synapse counts with `max(w, w_max)` and `min(w, w_min)` when
/// STDP is enabled, since learning can move it there.
pub(crate) fn drive(image: &Image) -> Vec<(i64, i64)> {
    let (n, m) = (image.geometry.neurons(), image.geometry.inputs());
    let stdp = image.config.stdp;
    let bounds = |w: i8, plastic: bool| {
        let (w, lo, hi) = (i64::from(w), i64::from(stdp.w_min), i64::from(stdp.w_max));
        if plastic && stdp.enabled { (w.max(hi), w.min(lo)) } else { (w, w) }
    };
    (0..n)
        .map(|post| {
            let row_in = (post * m..(post + 1) * m).map(|i| bounds(image.w_in[i], image.plastic_in[i]));
            let row_rec = (post * n..(post + 1) * n).map(|i| bounds(image.w_rec[i], image.plastic_rec[i]));
            row_in.chain(row_rec).fold((0, 0), |(pos, neg), (hi, lo)| (pos + hi.max(0), neg + (-lo).max(0)))
        })
        .collect()
}

/// The largest potential a neuron can reach before its first spike, with the largest
/// possible input (`pos << shift`) in every timestep: an upper bound of `u`
/// (docs/network-format.md, "Static analysis").
pub(crate) fn highest_potential(p: &NeuronParams, pos: i64, shift: u8) -> f64 {
    let one = spec::DECAY_ONE as f64;
    let a = (pos << shift) as f64;
    let i_sup = if a == 0.0 {
        0.0
    } else if p.i_decay == 0 {
        f64::INFINITY
    } else {
        (a * one / f64::from(p.i_decay)).min(V_MAX as f64)
    };
    let b = i_sup + f64::from(p.bias);
    if b <= 0.0 {
        b
    } else if p.v_decay == 0 {
        V_MAX as f64
    } else {
        (b * one / f64::from(p.v_decay)).min(V_MAX as f64)
    }
}

/// Whether a neuron can never fire: even the largest input cannot bring `u` to θ.
pub(crate) fn never_fires(p: &NeuronParams, pos: i64, shift: u8) -> bool {
    highest_potential(p, pos, shift) < f64::from(p.threshold)
}

/// The lowest `u` of a neuron in a timestep it is free to fire, with the most negative
/// possible input (`neg << shift`) in every timestep.
pub(crate) fn lowest_potential(p: &NeuronParams, neg: i64, shift: u8) -> f64 {
    let one = spec::DECAY_ONE as f64;
    let a = (neg << shift) as f64;
    let i_inf = if a == 0.0 {
        0.0
    } else if p.i_decay == 0 {
        f64::NEG_INFINITY
    } else {
        (-a * one / f64::from(p.i_decay)).max(V_MIN as f64)
    };
    let after_reset = arith::decay(p.reset, p.v_decay).min(0);
    f64::from(p.bias) + i_inf + f64::from(after_reset)
}

/// Whether a neuron fires in every timestep it is not refractory, whatever its input.
pub(crate) fn always_fires(p: &NeuronParams, neg: i64, shift: u8) -> bool {
    lowest_potential(p, neg, shift) >= f64::from(p.threshold)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn neuron(threshold: i32, bias: i32, v_decay: u16, i_decay: u16) -> NeuronParams {
        NeuronParams { threshold, reset: 0, bias, v_decay, i_decay, refractory: 0 }
    }

    #[test]
    fn never_fires_when_the_steady_state_stays_below_threshold() {
        // pos = 10, shift 2 → A = 40 per step; δ_I = 4095 → I* = 40 · 4096/4095 = 40.01;
        // δ_v = 2048 → v* = 40.01 · 2 = 80.02. Threshold 81 is out of reach, 80 is not.
        assert!(never_fires(&neuron(81, 0, 2048, 4095), 10, 2));
        assert!(!never_fires(&neuron(80, 0, 2048, 4095), 10, 2));
        // Without a leak the potential grows until it saturates: always reachable.
        assert!(!never_fires(&neuron(8_388_607, 0, 0, 4095), 1, 0));
        // No input and no bias: v stays 0.
        assert!(never_fires(&neuron(1, 0, 0, 0), 0, 0));
        assert!(!never_fires(&neuron(0, 0, 0, 0), 0, 0));
    }

    #[test]
    fn always_fires_when_bias_beats_the_strongest_inhibition() {
        // bias 100, threshold 50, neg = 10 at shift 2 → −40 · 4096/4095 = −40.01: 59.99 >= 50.
        assert!(always_fires(&neuron(50, 100, 0, 4095), 10, 2));
        // neg = 20 → −80.02: 19.98 < 50.
        assert!(!always_fires(&neuron(50, 100, 0, 4095), 20, 2));
        // A negative reset lowers the potential after a spike: decay(−60, 0) = −60 → 40 < 50.
        let p = NeuronParams { reset: -60, ..neuron(50, 100, 0, 4095) };
        assert!(!always_fires(&p, 0, 0));
    }
}
