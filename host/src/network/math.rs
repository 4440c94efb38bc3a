//! Deterministic elementary functions: `exp`, `ln` and `cos` computed with only the
//! IEEE-754 operations that are correctly rounded everywhere (+, −, ×, ÷, sqrt), so
//! that the quantiser's decays and the seeded normal draws give bit-identical results
//! on every machine (the platform's `libm` may differ in the last bit). Accuracy is a
//! few ulps, far below anything the quantiser can see.

const LN2_HI: f64 = f64::from_bits(0x3FE6_2E42_FEE0_0000);
const LN2_LO: f64 = f64::from_bits(0x3DEA_39EF_3579_3C76);
const LN2: f64 = std::f64::consts::LN_2;
const PIO2_HI: f64 = std::f64::consts::FRAC_PI_2;
const PIO2_LO: f64 = 6.123_233_995_736_766e-17;

/// `2^k` for `k` in −1022..=1023.
fn pow2(k: i64) -> f64 {
    f64::from_bits(((k + 1023) as u64) << 52)
}

/// `e^x`. Returns 0 below −700 and +∞ above 709.
pub(crate) fn exp(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    if x < -700.0 {
        return 0.0;
    }
    if x > 709.0 {
        return f64::INFINITY;
    }
    let k = (x / LN2).round();
    let r = (x - k * LN2_HI) - k * LN2_LO;
    // Taylor series of e^r for |r| <= 0.35: the 18th term is below 1e-17.
    let mut term = 1.0;
    let mut sum = 1.0;
    for n in 1..=18 {
        term = term * r / f64::from(n);
        sum += term;
    }
    sum * pow2(k as i64)
}

/// Natural logarithm of a positive, finite `x` (NaN for `x <= 0`).
pub(crate) fn ln(x: f64) -> f64 {
    if x.is_nan() || x <= 0.0 {
        return f64::NAN;
    }
    if x.is_infinite() {
        return x;
    }
    let (mut x, mut e) = (x, 0i64);
    if x < f64::MIN_POSITIVE {
        x *= pow2(54);
        e -= 54;
    }
    let bits = x.to_bits();
    e += ((bits >> 52) & 0x7ff) as i64 - 1023;
    let mut m = f64::from_bits((bits & ((1u64 << 52) - 1)) | (1023u64 << 52));
    if m > std::f64::consts::SQRT_2 {
        m /= 2.0;
        e += 1;
    }
    // ln m = 2 atanh(f) = 2 (f + f³/3 + f⁵/5 + …), |f| <= 0.172.
    let f = (m - 1.0) / (m + 1.0);
    let f2 = f * f;
    let mut power = f;
    let mut sum = 0.0;
    for n in 0..16 {
        sum += power / f64::from(2 * n + 1);
        power *= f2;
    }
    e as f64 * LN2_HI + (e as f64 * LN2_LO + 2.0 * sum)
}

/// Cosine of a finite `x` with `|x| < 2^20` (the quantiser only needs `0..2π`).
pub(crate) fn cos(x: f64) -> f64 {
    let n = (x / (PIO2_HI + PIO2_LO)).round();
    let r = (x - n * PIO2_HI) - n * PIO2_LO;
    match (n as i64).rem_euclid(4) {
        0 => cos_series(r),
        1 => -sin_series(r),
        2 => -cos_series(r),
        _ => sin_series(r),
    }
}

fn cos_series(r: f64) -> f64 {
    let r2 = r * r;
    let (mut term, mut sum) = (1.0, 1.0);
    for n in 1..=11 {
        term = -term * r2 / f64::from((2 * n - 1) * (2 * n));
        sum += term;
    }
    sum
}

fn sin_series(r: f64) -> f64 {
    let r2 = r * r;
    let (mut term, mut sum) = (r, r);
    for n in 1..=11 {
        term = -term * r2 / f64::from((2 * n) * (2 * n + 1));
        sum += term;
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 4.0 * f64::EPSILON * b.abs().max(1e-300)
    }

    #[test]
    fn exp_matches_the_platform_within_a_few_ulps() {
        for i in -2000..=2000 {
            let x = f64::from(i) * 0.173;
            assert!(close(exp(x), x.exp()), "exp({x}) = {} vs {}", exp(x), x.exp());
        }
        assert_eq!(exp(0.0), 1.0);
        assert_eq!(exp(-800.0), 0.0);
    }

    #[test]
    fn ln_matches_the_platform_within_a_few_ulps() {
        for i in 1..=5000 {
            let x = f64::from(i) / 5000.0;
            assert!(close(ln(x), x.ln()) || (ln(x) - x.ln()).abs() < 1e-16, "ln({x})");
            let big = f64::from(i) * 1.7e5;
            assert!(close(ln(big), big.ln()), "ln({big})");
        }
        assert_eq!(ln(1.0), 0.0);
        assert!(close(ln(2f64.powi(-53)), -53.0 * LN2));
        assert!(close(ln(5e-324), 5e-324f64.ln()));
        assert!(ln(0.0).is_nan() && ln(-1.0).is_nan());
    }

    #[test]
    fn cos_matches_the_platform_on_one_turn() {
        for i in 0..=10_000 {
            let x = f64::from(i) * std::f64::consts::TAU / 10_000.0;
            assert!((cos(x) - x.cos()).abs() < 1e-15, "cos({x}) = {} vs {}", cos(x), x.cos());
        }
    }
}
