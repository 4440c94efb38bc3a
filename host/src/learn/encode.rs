//! The input encoders of learning: one sample's features → the input spikes of each
//! timestep of its presentation (docs/learning.md §2).
//!
//! Feature `i` drives the `i`-th axon of the classifier's input group. Both encoders
//! first turn a feature value `x` into a spike probability per timestep
//! `p = clamp(x / max_value, 0, 1) · max_probability`, computed in `f64`
//! ([`Encoder::probability`]); a NaN feature counts as 0.
//!
//! - [`Encoding::Poisson`]: feature `i` of the sample in row `r` of its data file draws
//!   from its own stream, seeded `mix(seed ^ mix((r << 32) | i))`
//!   ([`mix`]), one [`Bernoulli`] draw per timestep, so a sample gets
//!   the same spikes whatever split, order or thread presents it.
//! - [`Encoding::Rate`]: deterministic and evenly spaced, the seed unused. `p` is
//!   quantised to a 32-bit fixed-point fraction `q = round(p · 2^32)` (0..=2^32), and the
//!   feature fires at timestep `t` (0-based) iff `floor((t+1)·q / 2^32) > floor(t·q / 2^32)`:
//!   exactly `floor(T·q / 2^32)` spikes in `T` timesteps, computed in integers, so the
//!   same on every machine.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use thiserror::Error;

use crate::error::Help;
use crate::stimulus::encode::{Bernoulli, mix};

/// The most features an encoder drives: input indices are `u16`.
pub const MAX_FEATURES: usize = 1 << 16;

/// `2^32`, the scale of [`Encoding::Rate`]'s fixed-point probabilities.
const RATE_ONE: u64 = 1 << 32;

/// How feature values become spikes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// Deterministic, evenly spaced spikes (`"rate"`).
    Rate,
    /// A seeded Bernoulli draw per timestep (`"poisson"`).
    Poisson,
}

impl Encoding {
    /// Every encoding, in the order of their codes in the image (0, 1).
    pub const ALL: [Encoding; 2] = [Encoding::Rate, Encoding::Poisson];

    /// The name in TOML, on the command line and in `ncx inspect`.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Rate => "rate",
            Encoding::Poisson => "poisson",
        }
    }

    /// The byte that stands for it in the image's classifier section.
    pub fn code(self) -> u8 {
        match self {
            Encoding::Rate => 0,
            Encoding::Poisson => 1,
        }
    }

    /// The encoding of image code `code`, if there is one.
    pub fn from_code(code: u8) -> Option<Encoding> {
        Encoding::ALL.into_iter().find(|e| e.code() == code)
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Encoding {
    type Err = EncoderError;

    fn from_str(s: &str) -> Result<Encoding, EncoderError> {
        Encoding::ALL
            .into_iter()
            .find(|e| e.name() == s)
            .ok_or_else(|| EncoderError::UnknownKind { name: s.to_owned() })
    }
}

/// Why an encoder cannot be built.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum EncoderError {
    /// Not the name of an encoding.
    #[error("unknown encoder kind {name:?}: the kinds are \"rate\" and \"poisson\"")]
    UnknownKind {
        /// The name given.
        name: String,
    },
    /// `max_value` is not a finite number above 0.
    #[error("encoder max_value = {value} is not a finite number above 0")]
    MaxValue {
        /// The value given.
        value: f32,
    },
    /// `max_probability` is not within 0..=1.
    #[error("encoder max_probability = {value} is not within 0..=1")]
    MaxProbability {
        /// The value given.
        value: f64,
    },
}

impl Help for EncoderError {
    fn help(&self) -> Option<Cow<'_, str>> {
        Some(Cow::Borrowed(match self {
            EncoderError::UnknownKind { .. } => "use kind = \"poisson\" or kind = \"rate\"",
            EncoderError::MaxValue { .. } => {
                "set max_value to the largest feature value of the data (16 for data/digits)"
            }
            EncoderError::MaxProbability { .. } => {
                "max_probability is the spike probability per timestep of a feature at max_value, e.g. 0.2"
            }
        }))
    }
}

/// An input encoder: its kind, the feature value that fires with the highest
/// probability, and that probability.
///
/// Two encoders are equal when their kinds are and their numbers have the same bits.
#[derive(Debug, Clone, Copy)]
pub struct Encoder {
    /// Rate or Poisson.
    pub kind: Encoding,
    /// The feature value (and above) that fires with probability `max_probability`.
    pub max_value: f32,
    /// The spike probability per timestep at `max_value`.
    pub max_probability: f64,
}

impl PartialEq for Encoder {
    fn eq(&self, other: &Encoder) -> bool {
        self.kind == other.kind
            && self.max_value.to_bits() == other.max_value.to_bits()
            && self.max_probability.to_bits() == other.max_probability.to_bits()
    }
}

impl Eq for Encoder {}

impl Encoder {
    /// An encoder, if `max_value` is finite and above 0 and `max_probability` within
    /// 0..=1.
    pub fn new(kind: Encoding, max_value: f32, max_probability: f64) -> Result<Encoder, EncoderError> {
        let encoder = Encoder { kind, max_value, max_probability };
        encoder.check()?;
        Ok(encoder)
    }

    /// The checks of [`Encoder::new`], for an encoder built field by field.
    pub fn check(&self) -> Result<(), EncoderError> {
        if !(self.max_value.is_finite() && self.max_value > 0.0) {
            return Err(EncoderError::MaxValue { value: self.max_value });
        }
        if !(0.0..=1.0).contains(&self.max_probability) {
            return Err(EncoderError::MaxProbability { value: self.max_probability });
        }
        Ok(())
    }

    /// The spike probability per timestep of feature value `x`:
    /// `clamp(x / max_value, 0, 1) · max_probability` in `f64` (NaN → 0).
    pub fn probability(&self, x: f32) -> f64 {
        let ratio = f64::from(x) / f64::from(self.max_value);
        if ratio.is_nan() {
            return 0.0;
        }
        ratio.clamp(0.0, 1.0) * self.max_probability
    }

    /// [`Encoding::Rate`]'s fixed-point probability of feature value `x`:
    /// `round(p · 2^32)`, within 0..=2^32.
    pub fn rate_fraction(&self, x: f32) -> u64 {
        // p is within 0..=1, so the product is within 0..=2^32 and exact before rounding.
        (self.probability(x) * RATE_ONE as f64).round() as u64
    }

    /// One sample's input spikes: for each of `timesteps` timesteps, the ascending
    /// indices into `x` (= relative to the input group's first axon) of the features
    /// that spike. `row` is the sample's 0-based row in its data file, so that a sample
    /// gets the same spikes whatever the split, order or thread. Features past the
    /// first [`MAX_FEATURES`] never spike.
    pub fn encode(&self, x: &[f32], timesteps: u32, seed: u64, row: u64) -> Vec<Vec<u16>> {
        let mut out = Vec::new();
        self.encode_into(x, timesteps, seed, row, &mut out);
        out
    }

    /// [`Encoder::encode`] into `out`, reusing its allocations: `out` ends with exactly
    /// `timesteps` elements.
    pub fn encode_into(&self, x: &[f32], timesteps: u32, seed: u64, row: u64, out: &mut Vec<Vec<u16>>) {
        let steps = timesteps as usize;
        out.truncate(steps);
        out.iter_mut().for_each(Vec::clear);
        out.resize_with(steps, Vec::new);
        // Features in ascending order, each pushed onto the timesteps it fires in, keep
        // every timestep's list ascending.
        for (i, &value) in x.iter().take(MAX_FEATURES).enumerate() {
            let index = i as u16;
            match self.kind {
                Encoding::Poisson => {
                    let p = self.probability(value);
                    if p <= 0.0 {
                        continue;
                    }
                    let mut draws = Bernoulli::new(poisson_stream_seed(seed, row, index), p);
                    for step in out.iter_mut() {
                        if draws.fires() {
                            step.push(index);
                        }
                    }
                }
                Encoding::Rate => {
                    let q = self.rate_fraction(value);
                    if q == 0 {
                        continue;
                    }
                    // acc = t·q mod 2^32 before timestep t; it wraps exactly when
                    // floor((t+1)·q / 2^32) > floor(t·q / 2^32).
                    let mut acc = 0u64;
                    for step in out.iter_mut() {
                        acc += q;
                        if acc >= RATE_ONE {
                            acc -= RATE_ONE;
                            step.push(index);
                        }
                    }
                }
            }
        }
    }
}

/// The seed of the stream of feature `feature` of the sample in row `row` under
/// [`Encoding::Poisson`] with seed `seed`: `mix(seed ^ mix((row << 32) | feature))`.
pub fn poisson_stream_seed(seed: u64, row: u64, feature: u16) -> u64 {
    mix(seed ^ mix((row << 32) | u64::from(feature)))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn rate(max_probability: f64) -> Encoder {
        Encoder { kind: Encoding::Rate, max_value: 16.0, max_probability }
    }

    fn poisson(max_probability: f64) -> Encoder {
        Encoder { kind: Encoding::Poisson, max_value: 16.0, max_probability }
    }

    /// The timesteps at which feature `i` fires.
    fn times(spikes: &[Vec<u16>], i: u16) -> Vec<usize> {
        spikes.iter().enumerate().filter(|(_, s)| s.contains(&i)).map(|(t, _)| t).collect()
    }

    #[test]
    fn names_and_codes() {
        assert_eq!("rate".parse::<Encoding>(), Ok(Encoding::Rate));
        assert_eq!("poisson".parse::<Encoding>(), Ok(Encoding::Poisson));
        assert_eq!("Poisson".parse::<Encoding>(), Err(EncoderError::UnknownKind { name: "Poisson".into() }));
        assert_eq!(Encoding::from_code(0), Some(Encoding::Rate));
        assert_eq!(Encoding::from_code(1), Some(Encoding::Poisson));
        assert_eq!(Encoding::from_code(2), None);
        assert_eq!(Encoding::Poisson.to_string(), "poisson");
    }

    #[test]
    fn new_checks_its_numbers() {
        assert!(Encoder::new(Encoding::Rate, 16.0, 0.2).is_ok());
        assert!(Encoder::new(Encoding::Rate, 16.0, 0.0).is_ok());
        assert!(Encoder::new(Encoding::Rate, 16.0, 1.0).is_ok());
        for bad in [0.0, -1.0, f32::NAN, f32::INFINITY] {
            assert!(matches!(Encoder::new(Encoding::Poisson, bad, 0.2), Err(EncoderError::MaxValue { .. })));
        }
        for bad in [-0.1, 1.5, f64::NAN] {
            assert!(matches!(Encoder::new(Encoding::Poisson, 16.0, bad), Err(EncoderError::MaxProbability { .. })));
        }
        let e = Encoder::new(Encoding::Poisson, 16.0, 1.5).unwrap_err();
        assert_eq!(e.to_string(), "encoder max_probability = 1.5 is not within 0..=1");
        assert!(e.help().is_some());
    }

    #[test]
    fn probability_clamps_and_scales() {
        let e = poisson(0.5);
        assert_eq!(e.probability(0.0), 0.0);
        assert_eq!(e.probability(-3.0), 0.0);
        assert_eq!(e.probability(8.0), 0.25);
        assert_eq!(e.probability(16.0), 0.5);
        assert_eq!(e.probability(100.0), 0.5);
        assert_eq!(e.probability(f32::NAN), 0.0);
        assert_eq!(e.probability(f32::INFINITY), 0.5);
    }

    #[test]
    fn rate_is_evenly_spaced_by_the_formula() {
        // p = 8/16 · 1 = 1/2: q = 2^31, fires where floor((t+1)/2) > floor(t/2): t odd.
        let s = rate(1.0).encode(&[8.0], 8, 0, 0);
        assert_eq!(times(&s, 0), vec![1, 3, 5, 7]);
        // p = 1: every timestep.
        assert_eq!(times(&rate(1.0).encode(&[16.0], 5, 0, 0), 0), vec![0, 1, 2, 3, 4]);
        // p = 4/16 · 1 = 1/4: t = 3, 7.
        assert_eq!(times(&rate(1.0).encode(&[4.0], 8, 0, 0), 0), vec![3, 7]);
        // p = 16/16 · 0.2: q = round(0.2 · 2^32) = 858993459; t·q crosses a multiple of
        // 2^32 between t = 4 and 5 (5q = 4294967295 < 2^32, 6q ≥ 2^32): first spike at t = 5.
        assert_eq!(times(&rate(0.2).encode(&[16.0], 12, 0, 0), 0), vec![5, 10]);
        // p = 1/3: q = 1431655765 (rounded down); 3q = 2^32 - 1, so the spikes come at
        // t = 3, 6 (4q > 2^32), …
        let third = Encoder { kind: Encoding::Rate, max_value: 3.0, max_probability: 1.0 };
        assert_eq!(third.rate_fraction(1.0), 1431655765);
        assert_eq!(times(&third.encode(&[1.0], 9, 0, 0), 0), vec![3, 6]);
    }

    #[test]
    fn poisson_follows_the_stream_of_its_row_and_feature() {
        let e = poisson(0.5);
        let x = [16.0, 0.0, 8.0];
        let (seed, row, steps) = (7u64, 123u64, 40u32);
        let s = e.encode(&x, steps, seed, row);
        assert_eq!(s.len(), 40);
        for (i, &value) in x.iter().enumerate() {
            let stream = mix(seed ^ mix((row << 32) | i as u64));
            let mut b = Bernoulli::new(stream, e.probability(value));
            let expected: Vec<usize> = (0..steps as usize).filter(|_| b.fires()).collect();
            assert_eq!(times(&s, i as u16), expected, "feature {i}");
        }
        assert!(times(&s, 1).is_empty());
        assert!(!times(&s, 0).is_empty());
    }

    #[test]
    fn encode_into_reuses_and_resizes() {
        let e = poisson(0.5);
        let mut out = vec![vec![9u16; 3]; 50];
        e.encode_into(&[16.0, 16.0], 10, 1, 2, &mut out);
        assert_eq!(out, e.encode(&[16.0, 16.0], 10, 1, 2));
        e.encode_into(&[16.0], 20, 1, 2, &mut out);
        assert_eq!(out, e.encode(&[16.0], 20, 1, 2));
        assert!(e.encode(&[16.0], 0, 1, 2).is_empty());
    }

    fn encoders() -> impl Strategy<Value = Encoder> {
        (prop_oneof![Just(Encoding::Rate), Just(Encoding::Poisson)], 0.5f32..32.0, 0.0f64..=1.0)
            .prop_map(|(kind, max_value, max_probability)| Encoder { kind, max_value, max_probability })
    }

    proptest! {
        #[test]
        fn spikes_are_ascending_unique_and_in_range(
            e in encoders(),
            x in prop::collection::vec(-4.0f32..40.0, 0..80),
            steps in 0u32..40,
            seed in any::<u64>(),
            row in any::<u32>(),
        ) {
            let s = e.encode(&x, steps, seed, u64::from(row));
            prop_assert_eq!(s.len(), steps as usize);
            for step in &s {
                prop_assert!(step.windows(2).all(|w| w[0] < w[1]));
                prop_assert!(step.iter().all(|&i| usize::from(i) < x.len()));
                // A value of 0 or less never fires.
                prop_assert!(step.iter().all(|&i| x[usize::from(i)] > 0.0));
            }
            prop_assert_eq!(&s, &e.encode(&x, steps, seed, u64::from(row)));
        }

        #[test]
        fn poisson_depends_on_seed_row_and_feature_only(
            x in prop::collection::vec(0.0f32..16.0, 1..20),
            seed in any::<u64>(),
            row in any::<u32>(),
            extra in prop::collection::vec(0.0f32..16.0, 0..10),
        ) {
            let e = poisson(0.8);
            let s = e.encode(&x, 16, seed, u64::from(row));
            // Appending features changes nothing for the first ones.
            let mut longer = x.clone();
            longer.extend(&extra);
            let l = e.encode(&longer, 16, seed, u64::from(row));
            for (a, b) in s.iter().zip(&l) {
                let b: Vec<u16> = b.iter().copied().filter(|&i| usize::from(i) < x.len()).collect();
                prop_assert_eq!(a, &b);
            }
            // Each feature alone gives the same train as within the sample.
            for (i, &v) in x.iter().enumerate() {
                let mut alone = vec![0.0; x.len()];
                alone[i] = v;
                let a = e.encode(&alone, 16, seed, u64::from(row));
                prop_assert_eq!(times(&a, i as u16), times(&s, i as u16));
            }
        }

        #[test]
        fn rate_count_is_the_formula(
            x in -4.0f32..40.0,
            max_probability in 0.0f64..=1.0,
            steps in 0u32..200,
            seed in any::<u64>(),
        ) {
            let e = rate(max_probability);
            let q = e.rate_fraction(x);
            prop_assert!(q <= RATE_ONE);
            let s = e.encode(&[x], steps, seed, 0);
            let expected = (u128::from(steps) * u128::from(q)) >> 32;
            prop_assert_eq!(times(&s, 0).len() as u128, expected);
            // Each spike is where the formula says.
            for t in 0..u128::from(steps) {
                let fires = ((t + 1) * u128::from(q)) >> 32 > (t * u128::from(q)) >> 32;
                prop_assert_eq!(s[t as usize].contains(&0), fires);
            }
            // The seed is unused.
            prop_assert_eq!(&s, &e.encode(&[x], steps, seed.wrapping_add(1), 5));
        }

        #[test]
        fn max_value_clamps(x in 16.0f32..1000.0, kind in prop_oneof![Just(Encoding::Rate), Just(Encoding::Poisson)]) {
            let e = Encoder { kind, max_value: 16.0, max_probability: 0.3 };
            prop_assert_eq!(e.encode(&[x], 30, 3, 4), e.encode(&[16.0], 30, 3, 4));
        }
    }
}
