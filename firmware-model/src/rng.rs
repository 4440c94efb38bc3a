//! The workspace's one seeded pseudo-random generator, for reproducible networks,
//! stimuli, tests and benchmarks (it is not part of the device).
//!
//! [`SplitMix64`] (Steele, Lea and Flood; Vigna's reference implementation) is a
//! few lines of integer arithmetic with a 64-bit state, good enough for test
//! stimuli and demos, and — unlike a general-purpose RNG crate — guaranteed never to
//! change its output between versions: the same seed always gives the same spikes.
//! The network compiler's draws (docs/network-format.md §7.1) and the stimulus encoders
//! (docs/stimulus-format.md) are defined on it; `ncx::rng` re-exports this module.

/// The SplitMix64 generator. Equal seeds give equal sequences on every platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator seeded with `seed` (any value, 0 included).
    pub const fn new(seed: u64) -> SplitMix64 {
        SplitMix64 { state: seed }
    }

    /// The next 64 uniformly distributed bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A value uniform in `0..bound` (Lemire's multiply-shift; `bound` must be
    /// non-zero). The bias is below `bound / 2^64`, far too small to matter here.
    pub fn below(&mut self, bound: u64) -> u64 {
        debug_assert!(bound > 0, "SplitMix64::below(0)");
        ((u128::from(self.next_u64()) * u128::from(bound)) >> 64) as u64
    }

    /// `true` with probability `per_mille / 1000` (always for 1000 and above).
    pub fn chance_per_mille(&mut self, per_mille: u16) -> bool {
        self.below(1000) < u64::from(per_mille)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_published_reference_sequence() {
        // First outputs of Vigna's splitmix64.c seeded with 0.
        let mut rng = SplitMix64::new(0);
        assert_eq!(rng.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(rng.next_u64(), 0x6E78_9E6A_A1B9_65F4);
        assert_eq!(rng.next_u64(), 0x06C4_5D18_8009_454F);
    }

    #[test]
    fn below_stays_in_range_and_chance_tracks_its_rate() {
        let mut rng = SplitMix64::new(42);
        assert!((0..10_000).all(|_| rng.below(7) < 7));
        let hits = (0..100_000).filter(|_| rng.chance_per_mille(250)).count();
        assert!((24_000..26_000).contains(&hits), "{hits} hits for a 25% chance");
        assert!((0..1000).all(|_| rng.chance_per_mille(1000)));
        assert!((0..1000).all(|_| !rng.chance_per_mille(0)));
    }
}
