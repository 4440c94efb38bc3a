//! The core's arithmetic primitives, bit-exact with the RTL: saturation, the decay
//! multiply with its rounding rule, trace bumps and the bounded STDP weight update
//! (docs/semantics.md §3).

use crate::spec::{self, DECAY_ONE};

/// `x · (4096 − δ) / 4096`, rounded toward zero.
///
/// Rounding toward zero makes decay symmetric in sign and guarantees
/// `|decay(x, δ)| <= |x|`, strictly for `x != 0` and `δ >= 1`, so any non-zero decay
/// brings a value to exactly 0 in finitely many steps. No saturation is needed.
#[inline]
pub fn decay(x: i32, delta: u16) -> i32 {
    let factor = DECAY_ONE - i64::from(delta);
    let magnitude = (i64::from(x).abs() * factor) >> spec::DECAY.bits;
    // |magnitude| <= |x| <= 2^31, so the conversion back is lossless.
    let magnitude = magnitude as i32;
    if x < 0 { -magnitude } else { magnitude }
}

/// Unsigned decay of a trace (same rule as [`decay`]).
#[inline]
pub fn decay_trace(x: u8, delta: u16) -> u8 {
    let factor = (DECAY_ONE - i64::from(delta)) as u32;
    ((u32::from(x) * factor) >> spec::DECAY.bits) as u8
}

/// How a spike changes its trace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TraceMode {
    /// `x := min(x + increment, 255)`: every spike adds (all-pairs STDP).
    #[default]
    Add,
    /// `x := increment`: the latest spike wins (nearest-spike STDP).
    Set,
}

/// The trace value right after a spike.
#[inline]
pub fn bump_trace(x: u8, increment: u8, mode: TraceMode) -> u8 {
    match mode {
        TraceMode::Add => x.saturating_add(increment),
        TraceMode::Set => increment,
    }
}

/// The STDP magnitude `(A · trace) >> shift` (0..=65025).
#[inline]
pub fn stdp_delta(amplitude: u8, trace: u8, shift: u8) -> i32 {
    (i32::from(amplitude) * i32::from(trace)) >> shift
}

/// Potentiation: `w + Δ`, saturating at `w_max`, and never lowering `w`.
///
/// A weight already above `w_max` (loaded that way) is left where it is rather than
/// pulled down by a potentiation.
#[inline]
pub fn potentiate(w: i8, delta: i32, w_max: i8) -> i8 {
    let ceiling = i32::from(w.max(w_max));
    (i32::from(w) + delta).min(ceiling) as i8
}

/// Depression: `w − Δ`, saturating at `w_min`, and never raising `w`.
#[inline]
pub fn depress(w: i8, delta: i32, w_min: i8) -> i8 {
    let floor = i32::from(w.min(w_min));
    (i32::from(w) - delta).max(floor) as i8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decay_rounds_toward_zero_symmetrically() {
        // 1000 · 3686 / 4096 = 899.90… → 899
        assert_eq!(decay(1000, 410), 899);
        assert_eq!(decay(-1000, 410), -899);
        assert_eq!(decay(1, 1), 0);
        assert_eq!(decay(-1, 1), 0);
        assert_eq!(decay(12345, 0), 12345);
        assert_eq!(decay(spec::V.max() as i32, 0), spec::V.max() as i32);
        assert_eq!(decay(spec::V.min() as i32, 4095), -2048);
    }

    #[test]
    fn trace_helpers() {
        assert_eq!(decay_trace(255, 2048), 127);
        assert_eq!(decay_trace(1, 4095), 0);
        assert_eq!(bump_trace(250, 10, TraceMode::Add), 255);
        assert_eq!(bump_trace(250, 10, TraceMode::Set), 10);
        assert_eq!(stdp_delta(255, 255, 0), 65025);
        assert_eq!(stdp_delta(100, 64, 8), 25);
    }

    #[test]
    fn bounded_updates_never_move_the_wrong_way() {
        assert_eq!(potentiate(120, 100, 127), 127);
        assert_eq!(potentiate(10, 5, 12), 12);
        assert_eq!(potentiate(20, 5, 12), 20);
        assert_eq!(depress(-120, 100, -128), -128);
        assert_eq!(depress(0, 5, -2), -2);
        assert_eq!(depress(-10, 5, -2), -10);
        assert_eq!(potentiate(0, 65025, 127), 127);
        assert_eq!(depress(0, 65025, -128), -128);
    }
}
