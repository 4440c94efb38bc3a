//! Seeded draws for connectivity and weights, identical on every machine:
//! [`SplitMix64`] for the bits, `u = (x >> 11) · 2⁻⁵³` for a uniform number in
//! `[0, 1)`, and Box–Muller (cosine branch, one normal per two draws) with the
//! deterministic `ln`, `cos` and `sqrt` of [`super::math`].

use crate::rng::SplitMix64;

use super::math;

/// A uniform number in `[0, 1)` from the next 53 bits.
pub(crate) fn unit(rng: &mut SplitMix64) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// `lo + (hi − lo) · u`.
pub(crate) fn uniform(rng: &mut SplitMix64, lo: f64, hi: f64) -> f64 {
    lo + (hi - lo) * unit(rng)
}

/// `mean + std · sqrt(−2 ln(1 − u1)) · cos(2π u2)`, with `u1` drawn before `u2`.
pub(crate) fn normal(rng: &mut SplitMix64, mean: f64, std: f64) -> f64 {
    let u1 = 1.0 - unit(rng);
    let u2 = unit(rng);
    mean + std * ((-2.0 * math::ln(u1)).sqrt() * math::cos(std::f64::consts::TAU * u2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_uses_the_top_53_bits() {
        // SplitMix64(0) first output 0xE220A8397B1DCDAF (rng.rs test); >> 11 = 0x1C441507_2F63B9.
        let mut rng = SplitMix64::new(0);
        let expected = (0xE220_A839_7B1D_CDAFu64 >> 11) as f64 / 9_007_199_254_740_992.0;
        assert_eq!(unit(&mut rng), expected);
    }

    #[test]
    fn normal_draws_have_the_right_moments() {
        let mut rng = SplitMix64::new(7);
        let n = 200_000;
        let draws: Vec<f64> = (0..n).map(|_| normal(&mut rng, 2.0, 0.5)).collect();
        let mean = draws.iter().sum::<f64>() / n as f64;
        let var = draws.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        assert!((mean - 2.0).abs() < 0.01, "mean {mean}");
        assert!((var.sqrt() - 0.5).abs() < 0.01, "std {}", var.sqrt());
    }
}
