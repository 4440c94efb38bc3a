//! The encoders of docs/stimulus-format.md as pure functions: which timesteps one
//! input spikes in, given its parameters. The file formats resolve names, check
//! values and clip to the run; these functions only do the arithmetic, so that
//! tests (and other tools) can reproduce a stimulus exactly.
//!
//! Every range of timesteps is half-open: `from` included, `to` excluded.

use crate::rng::SplitMix64;

/// 2^53: a 53-bit draw divided by this is uniform in [0, 1).
const TWO_POW_53: f64 = 9_007_199_254_740_992.0;

/// The first output of a [`SplitMix64`] seeded with `x`: a 64-bit mixing function.
pub fn mix(x: u64) -> u64 {
    SplitMix64::new(x).next_u64()
}

/// The seed of the random stream of core input `input` in the `[[poisson]]` table
/// number `table` (0-based, in file order) of a stimulus with seed `seed`:
/// `mix(seed ^ mix((table << 32) | input))`.
pub fn poisson_stream_seed(seed: u64, table: u32, input: u16) -> u64 {
    mix(seed ^ mix((u64::from(table) << 32) | u64::from(input)))
}

/// The timesteps in `from..to` at which a Bernoulli ("Poisson") input with spike
/// probability `p` per timestep fires, drawn from the stream seeded with
/// `stream_seed`: one draw `u = next_u64() >> 11` per timestep, in order, and a spike
/// iff `u < p · 2^53`. `p` must be within 0..=1 (0 never fires, 1 always fires).
pub fn poisson(stream_seed: u64, p: f64, from: u64, to: u64) -> Vec<u64> {
    let mut draws = Bernoulli::new(stream_seed, p);
    (from..to).filter(|_| draws.fires()).collect()
}

/// The draws of [`poisson`], one timestep at a time.
#[derive(Debug, Clone, PartialEq)]
pub struct Bernoulli {
    rng: SplitMix64,
    limit: f64,
}

impl Bernoulli {
    /// The stream seeded with `stream_seed`, firing with probability `p` (0..=1).
    pub fn new(stream_seed: u64, p: f64) -> Bernoulli {
        Bernoulli { rng: SplitMix64::new(stream_seed), limit: p * TWO_POW_53 }
    }

    /// The next timestep's draw: does the input fire?
    pub fn fires(&mut self) -> bool {
        ((self.rng.next_u64() >> 11) as f64) < self.limit
    }
}

/// The offset in its window of the one spike that latency coding gives a value
/// `x` in 0..=1 (already divided by `max_value`): `floor((1 − x) · (window − 1) + 0.5)`
/// in `f64`, so 1 fires first (offset 0) and values near 0 fire last (offset
/// `window − 1`). `x = 0` (or less) does not fire: `None`. `window` is at least 1.
pub fn latency_offset(x: f64, window: u64) -> Option<u64> {
    if x <= 0.0 {
        return None;
    }
    let offset = ((1.0 - x) * (window.saturating_sub(1)) as f64 + 0.5).floor();
    Some(offset as u64)
}

/// The timesteps of a latency-coded input: one spike at `from + k · period + offset`
/// for every presentation k (k = 0 only when `period` is `None`) whose start
/// `from + k · period` is before `to`, keeping only spikes before `to`.
pub fn latency(offset: Option<u64>, from: u64, period: Option<u64>, to: u64) -> Vec<u64> {
    let Some(offset) = offset else { return Vec::new() };
    let starts: Box<dyn Iterator<Item = u64>> = match period {
        Some(period) => Box::new((from..to).step_by(step(period))),
        None => Box::new((from < to).then_some(from).into_iter()),
    };
    starts.map(|start| start + offset).filter(|&t| t < to).collect()
}

/// The timesteps of a regular train: `from + phase + k · period` for k = 0, 1, …
/// while before `to`. `period` is at least 1.
pub fn regular(period: u64, phase: u64, from: u64, to: u64) -> Vec<u64> {
    (from.saturating_add(phase)..to).step_by(step(period)).collect()
}

/// The spikes of one encoder on one input, described so that they can be generated a
/// timestep at a time ([`TrainState`]) in memory independent of the run's length: a
/// run of 10^9 timesteps holds a few words per train, not its spikes. Each constructor
/// gives the same timesteps as the function of the same name ([`Train::timesteps`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Train {
    /// [`poisson`]: a draw per timestep of `from..to`.
    Bernoulli {
        /// The seed of the input's stream ([`poisson_stream_seed`]).
        stream_seed: u64,
        /// Spike probability per timestep.
        p: f64,
        /// First timestep drawn for.
        from: u64,
        /// End of the draws (excluded).
        to: u64,
    },
    /// Spikes at `first + k · period` for k = 0, 1, … while before `to`.
    Periodic {
        /// The first spike.
        first: u64,
        /// Timesteps between spikes (at least 1; `u64::MAX` for a single spike).
        period: u64,
        /// End of the train (excluded).
        to: u64,
    },
}

impl Train {
    /// [`poisson`] as a train.
    pub fn poisson(stream_seed: u64, p: f64, from: u64, to: u64) -> Train {
        Train::Bernoulli { stream_seed, p, from, to }
    }

    /// [`latency`] as a train.
    pub fn latency(offset: Option<u64>, from: u64, period: Option<u64>, to: u64) -> Train {
        match offset {
            Some(offset) => {
                Train::Periodic { first: from.saturating_add(offset), period: period.unwrap_or(u64::MAX), to }
            }
            None => Train::Periodic { first: to, period: 1, to },
        }
    }

    /// [`regular`] as a train.
    pub fn regular(period: u64, phase: u64, from: u64, to: u64) -> Train {
        Train::Periodic { first: from.saturating_add(phase), period: period.max(1), to }
    }

    /// A spike at every timestep of `from..to`.
    pub fn every(from: u64, to: u64) -> Train {
        Train::Periodic { first: from, period: 1, to }
    }

    /// Every timestep the train fires in, ascending (for tests and small runs).
    pub fn timesteps(&self) -> Vec<u64> {
        let mut state = TrainState::new(self);
        let end = match *self {
            Train::Bernoulli { to, .. } | Train::Periodic { to, .. } => to,
        };
        (0..end).filter(|&t| state.fires(t)).collect()
    }
}

/// A [`Train`] being generated: asked about timesteps 0, 1, 2, … in order.
#[derive(Debug, Clone, PartialEq)]
pub enum TrainState {
    /// A [`Train::Bernoulli`]: its stream, drawn once per timestep of `from..to`.
    Bernoulli {
        /// The stream.
        draws: Bernoulli,
        /// First timestep drawn for.
        from: u64,
        /// End of the draws.
        to: u64,
    },
    /// A [`Train::Periodic`]: its next spike.
    Periodic {
        /// The next timestep it fires in.
        next: u64,
        /// Timesteps between spikes.
        period: u64,
        /// End of the train.
        to: u64,
    },
}

impl TrainState {
    /// The train before timestep 0.
    pub fn new(train: &Train) -> TrainState {
        match *train {
            Train::Bernoulli { stream_seed, p, from, to } => {
                TrainState::Bernoulli { draws: Bernoulli::new(stream_seed, p), from, to }
            }
            Train::Periodic { first, period, to } => TrainState::Periodic { next: first, period: period.max(1), to },
        }
    }

    /// Does the train fire at `t`? Call for every timestep in order, from 0.
    pub fn fires(&mut self, t: u64) -> bool {
        match self {
            TrainState::Bernoulli { draws, from, to } => (*from..*to).contains(&t) && draws.fires(),
            TrainState::Periodic { next, period, to } => {
                let fires = *next == t && t < *to;
                if fires {
                    *next = next.saturating_add(*period);
                }
                fires
            }
        }
    }
}

/// A period as an iterator step (at least 1; periods beyond `usize` take one step).
fn step(period: u64) -> usize {
    usize::try_from(period.max(1)).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_trains_by_hand() {
        // period 4, phase 1, from 10: 11, 15, 19 (23 is not before 20).
        assert_eq!(regular(4, 1, 10, 20), vec![11, 15, 19]);
        assert_eq!(regular(1, 0, 3, 6), vec![3, 4, 5]);
        assert_eq!(regular(5, 0, 7, 7), Vec::<u64>::new());
    }

    #[test]
    fn latency_offsets_by_hand() {
        // window 10: (1 − x) · 9 + 0.5, floored.
        assert_eq!(latency_offset(1.0, 10), Some(0)); // 0.5 → 0
        assert_eq!(latency_offset(0.5, 10), Some(5)); // 4.5 + 0.5 = 5
        assert_eq!(latency_offset(0.25, 10), Some(7)); // 6.75 + 0.5 = 7.25 → 7
        assert_eq!(latency_offset(0.01, 10), Some(9)); // 8.91 + 0.5 = 9.41 → 9
        assert_eq!(latency_offset(0.0, 10), None);
        assert_eq!(latency_offset(0.3, 1), Some(0)); // a one-step window
        // Presented every 20 steps from 5 until 50: starts 5, 25, 45; 45 + 7 = 52 is cut.
        assert_eq!(latency(Some(7), 5, Some(20), 50), vec![12, 32]);
        assert_eq!(latency(Some(7), 5, None, 50), vec![12]);
        assert_eq!(latency(None, 5, Some(20), 50), Vec::<u64>::new());
    }

    proptest::proptest! {
        /// Generated a timestep at a time, every encoder gives its function's timesteps.
        #[test]
        fn trains_equal_the_encoder_functions(
            seed: u64, p in 0.0f64..=1.0, from in 0u64..300, len in 0u64..300,
            period in 1u64..50, phase_or_offset in 0u64..60, periodic: bool,
        ) {
            let to = from + len;
            proptest::prop_assert_eq!(Train::poisson(seed, p, from, to).timesteps(), poisson(seed, p, from, to));
            let phase = phase_or_offset % period;
            proptest::prop_assert_eq!(Train::regular(period, phase, from, to).timesteps(), regular(period, phase, from, to));
            let presentations = periodic.then_some(period + phase_or_offset);
            for offset in [None, Some(phase_or_offset)] {
                proptest::prop_assert_eq!(
                    Train::latency(offset, from, presentations, to).timesteps(),
                    latency(offset, from, presentations, to)
                );
            }
            proptest::prop_assert_eq!(Train::every(from, to).timesteps(), (from..to).collect::<Vec<_>>());
        }
    }

    #[test]
    fn poisson_extremes() {
        assert_eq!(poisson(9, 1.0, 3, 8), vec![3, 4, 5, 6, 7]);
        assert!(poisson(9, 0.0, 0, 1000).is_empty());
    }
}
