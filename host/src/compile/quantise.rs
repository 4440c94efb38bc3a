//! The quantiser's arithmetic (docs/network-format.md, "Quantisation"): float values
//! → core integers, and the choice of the membrane scale q and the weight shift.
//! Every rounding is half away from zero (`f64::round`).

use ncx_model::spec;

use crate::network::{Tau, math};

/// Largest value of a 24-bit v-domain field (threshold, reset, bias, v, I).
pub(crate) const V_MAX: i64 = spec::V.max();
/// Smallest value of a 24-bit v-domain field.
pub(crate) const V_MIN: i64 = spec::V.min();

/// A quantised value and whether it had to be clamped into its field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Q<T> {
    pub(crate) value: T,
    pub(crate) clipped: bool,
}

fn clamp(x: f64, lo: i64, hi: i64) -> Q<i64> {
    let r = x.round();
    if r < lo as f64 {
        Q { value: lo, clipped: true }
    } else if r > hi as f64 {
        Q { value: hi, clipped: true }
    } else {
        Q { value: r as i64, clipped: false }
    }
}

/// `2^s` as a float.
pub(crate) fn pow2(s: u8) -> f64 {
    f64::from(1u32 << s)
}

/// A weight: `round(w · q / 2^s)` clamped to −128..127.
pub(crate) fn weight(w: f64, q: f64, s: u8) -> Q<i8> {
    let r = clamp(w * q / pow2(s), spec::WEIGHT.min(), spec::WEIGHT.max());
    Q { value: r.value as i8, clipped: r.clipped }
}

/// An unsigned 8-bit amplitude: `round(x)` clamped to 0..255.
pub(crate) fn clamp_u8(x: f64) -> Q<u8> {
    let r = clamp(x, 0, spec::STDP_AMPLITUDE.max());
    Q { value: r.value as u8, clipped: r.clipped }
}

/// A v-domain value (threshold, reset, bias): `round(x · q)` clamped to 24 bits.
pub(crate) fn vdomain(x: f64, q: f64) -> Q<i32> {
    let r = clamp(x * q, V_MIN, V_MAX);
    Q { value: r.value as i32, clipped: r.clipped }
}

/// The ideal per-timestep decay factor `exp(−dt/τ)` (1 for no decay, 0 for τ = 0).
pub(crate) fn ideal_factor(tau: Tau, dt_ms: f64) -> f64 {
    match tau {
        Tau::Infinite => 1.0,
        Tau::Ms(0.0) => 0.0,
        Tau::Ms(t) => math::exp(-dt_ms / t),
    }
}

/// A decay δ: `round(4096 · (1 − exp(−dt/τ)))` clamped to 0..4095; no decay → 0,
/// τ = 0 → 4095 (not counted as clipped: it is the documented meaning of 0).
pub(crate) fn decay(tau: Tau, dt_ms: f64) -> Q<u16> {
    let r = clamp(spec::DECAY_ONE as f64 * (1.0 - ideal_factor(tau, dt_ms)), 0, spec::DECAY.max());
    let instant = matches!(tau, Tau::Ms(t) if t == 0.0);
    Q { value: r.value as u16, clipped: r.clipped && !instant }
}

/// The factor a decay δ really applies: `(4096 − δ) / 4096`.
pub(crate) fn real_factor(delta: u16) -> f64 {
    (spec::DECAY_ONE - i64::from(delta)) as f64 / spec::DECAY_ONE as f64
}

/// A refractory period: `round(ms / dt)` timesteps, clamped to 0..255.
pub(crate) fn refractory(ms: f64, dt_ms: f64) -> Q<u8> {
    let r = clamp(ms / dt_ms, 0, spec::REFRACTORY.max());
    Q { value: r.value as u8, clipped: r.clipped }
}

/// What the scaling is chosen from.
pub(crate) struct ScaleInputs<'a> {
    /// `[core] scale`, if fixed.
    pub(crate) scale: Option<f64>,
    /// `[core] weight_shift`, if fixed.
    pub(crate) shift: Option<u8>,
    /// Every float weight, including the STDP bounds that are given.
    pub(crate) weights: &'a [f64],
    /// Every float v-domain value (threshold, reset, bias of float populations).
    pub(crate) vdomain: &'a [f64],
    /// Worst-case |acc| of the most driven neuron (positive, negative), in int8 units,
    /// when weights are quantised at `127 / W` per weight unit (the same integers as at
    /// `q = 2^s · 127 / W` for every s).
    pub(crate) drive: (i64, i64),
}

/// The chosen scaling.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Scaling {
    /// q: core units per membrane unit.
    pub(crate) scale: f64,
    /// The weight shift s.
    pub(crate) shift: u8,
    /// W: the largest absolute float weight (1 if there is none).
    pub(crate) w_max: f64,
}

/// Largest absolute value, or 0.
pub(crate) fn max_abs(values: &[f64]) -> f64 {
    values.iter().fold(0.0, |m, x| m.max(x.abs()))
}

/// W: the largest absolute float weight, or 1 if there is none (or all are 0).
pub(crate) fn weight_range(weights: &[f64]) -> f64 {
    let w = max_abs(weights);
    if w == 0.0 { 1.0 } else { w }
}

/// Whether I can saturate in one timestep: `pos · 2^s > 2^23 − 1` or
/// `neg · 2^s > 2^23`.
pub(crate) fn saturates((pos, neg): (i64, i64), s: u8) -> bool {
    (pos << s) > V_MAX || (neg << s) > -V_MIN
}

/// The ratio `127 / W` that maps the largest weight to 127.
pub(crate) fn full_range(w_max: f64) -> f64 {
    spec::WEIGHT.max() as f64 / w_max
}

/// Choose q and s (docs/network-format.md, "Choosing the scale and the shift").
pub(crate) fn choose(inputs: &ScaleInputs<'_>) -> Scaling {
    let w = weight_range(inputs.weights);
    let v = max_abs(inputs.vdomain);
    let fits = |q: f64| (v * q).round() <= V_MAX as f64;
    let cap = |q: f64| if fits(q) { q } else { V_MAX as f64 / v };
    match (inputs.scale, inputs.shift) {
        (Some(q), Some(s)) => Scaling { scale: q, shift: s, w_max: w },
        (None, Some(s)) => Scaling { scale: cap(pow2(s) * full_range(w)), shift: s, w_max: w },
        (Some(q), None) => {
            let shift = (0..=15u8).find(|&s| inputs.weights.iter().all(|&x| !weight(x, q, s).clipped)).unwrap_or(15);
            Scaling { scale: q, shift, w_max: w }
        }
        (None, None) => {
            let best = (0..=15u8).rev().find(|&s| fits(pow2(s) * full_range(w)) && !saturates(inputs.drive, s));
            match best {
                Some(s) => Scaling { scale: pow2(s) * full_range(w), shift: s, w_max: w },
                None => Scaling { scale: V_MAX as f64 / v, shift: 0, w_max: w },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_is_half_away_from_zero_and_clamps() {
        // 0.5 · 4 / 2^2 = 0.5 → 1; −0.5 → −1; 1.25 · 4 / 4 = 1.25 → 1.
        assert_eq!(weight(0.5, 4.0, 2), Q { value: 1, clipped: false });
        assert_eq!(weight(-0.5, 4.0, 2), Q { value: -1, clipped: false });
        assert_eq!(weight(1.25, 4.0, 2).value, 1);
        assert_eq!(weight(200.0, 1.0, 0), Q { value: 127, clipped: true });
        assert_eq!(weight(-128.4, 1.0, 0), Q { value: -128, clipped: false });
        assert_eq!(vdomain(1e9, 1.0), Q { value: 8_388_607, clipped: true });
        assert_eq!(vdomain(-2.5, 1.0).value, -3);
    }

    #[test]
    fn decays_follow_the_formula() {
        // τ = dt: 4096 · (1 − e^−1) = 2589.18 → 2589.
        assert_eq!(decay(Tau::Ms(1.0), 1.0), Q { value: 2589, clipped: false });
        // τ = 10 dt: 4096 · (1 − e^−0.1) = 389.80 → 390.
        assert_eq!(decay(Tau::Ms(10.0), 1.0).value, 390);
        assert_eq!(decay(Tau::Infinite, 1.0), Q { value: 0, clipped: false });
        assert_eq!(decay(Tau::Ms(0.0), 1.0), Q { value: 4095, clipped: false });
        // τ = dt/10: 4096 · (1 − e^−10) = 4095.81 → 4096 → clipped to 4095.
        assert_eq!(decay(Tau::Ms(0.1), 1.0), Q { value: 4095, clipped: true });
        // τ = 10000 dt: 4096 · (1 − e^−0.0001) = 0.4096 → 0.
        assert_eq!(decay(Tau::Ms(10_000.0), 1.0).value, 0);
    }

    #[test]
    fn refractory_rounds_to_timesteps() {
        assert_eq!(refractory(2.5, 1.0).value, 3);
        assert_eq!(refractory(2.4, 1.0).value, 2);
        assert_eq!(refractory(300.0, 1.0), Q { value: 255, clipped: true });
    }

    #[test]
    fn auto_picks_the_largest_shift_that_fits() {
        // W = 2, V = 1000: q(s) = 2^s · 63.5; 1000 · q fits 8388607 while 2^s <= 132.1, so s = 7.
        let scaling = choose(&ScaleInputs {
            scale: None,
            shift: None,
            weights: &[2.0, -1.0],
            vdomain: &[1000.0],
            drive: (127, 64),
        });
        assert_eq!(scaling.shift, 7);
        assert_eq!(scaling.scale, 128.0 * 63.5);
        // The drive limits it: 127 · 2^s <= 8388607 holds up to s = 16, 60000 · 2^s up to s = 7.
        let limited =
            choose(&ScaleInputs { scale: None, shift: None, weights: &[2.0], vdomain: &[1.0], drive: (60_000, 0) });
        assert_eq!(limited.shift, 7);
    }

    #[test]
    fn tiny_weights_fall_back_to_the_v_limit() {
        // W = 1e-3: 1e6 · 127/1e-3 = 1.27e11 does not fit even at s = 0 → q = 8388607 / 1e6.
        let scaling =
            choose(&ScaleInputs { scale: None, shift: None, weights: &[1e-3], vdomain: &[1e6], drive: (127, 0) });
        assert_eq!((scaling.shift, scaling.scale), (0, 8.388607));
    }

    #[test]
    fn fixed_scale_picks_the_smallest_shift_that_fits_int8() {
        // q = 100: w = 5 → 500 / 2^s <= 127 first at s = 2 (125).
        let scaling =
            choose(&ScaleInputs { scale: Some(100.0), shift: None, weights: &[5.0], vdomain: &[], drive: (0, 0) });
        assert_eq!(scaling.shift, 2);
    }
}
