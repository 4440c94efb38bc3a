//! A fault injector: [`FaultyLink`] wraps any [`Link`] and drops, corrupts, duplicates
//! and delays bytes at random — in both directions, deterministically for a seed — so
//! that the driver's timeouts, retries and resynchronisation (docs/protocol.md §10–§11)
//! can be tested without a flaky cable.
//!
//! **Faults.** A [`FaultSpec`] gives four probabilities per byte, each in `0..=1`. Every
//! byte that passes the link in either direction is decided with four draws of that
//! direction's generator (always four, so that the faults of later bytes do not depend
//! on those of earlier ones), in this order:
//!
//! 1. `drop`: the byte vanishes (and none of the other faults applies to it);
//! 2. `corrupt`: the byte is XORed with a random non-zero byte (a fifth draw);
//! 3. `dup`: the byte is delivered twice;
//! 4. `delay`: the byte (with its duplicate) is held back and delivered at the start of
//!    the next call in the same direction — the next `send` for sent bytes, the next
//!    `receive` for received ones — so it arrives after the bytes that followed it in
//!    its own chunk, and, if it was the last of its chunk, only once the next call comes.
//!
//! **Syntax** ([`FaultSpec::parse`], the `<faults>` of a `faulty:` target). After trimming
//! spaces, the text is empty or `none` (no faults), or items separated by commas:
//!
//! ```text
//! faults = "" | "none" | item { "," item }
//! item   = spaces key spaces "=" spaces number spaces  ; split at the first `=`
//! key    = "drop" | "corrupt" | "dup" | "delay"        ; each at most once; the others are 0
//! number = Rust's f64::from_str, within 0..=1          ; so `1e-3` too
//! ```
//!
//! An error quotes the piece that is wrong — the item without `=`, the unknown or
//! repeated key, the value that is no number or out of range — and ends with the one
//! help line of [`FaultSpecError`]. The items are checked left to right, so the first
//! bad one is the one reported.
//!
//! **Randomness.** A draw is the top 53 bits of a [`SplitMix64`] output as a fraction in
//! `0..1`; a fault happens when the draw is below its probability (so `0` never and `1`
//! always). The two directions have independent generators derived from the seed:
//! `root = SplitMix64::new(seed)`, the send stream is `SplitMix64::new(root.next_u64())`,
//! the receive stream `SplitMix64::new(root.next_u64())` (drawn second). The same seed,
//! spec and traffic (the same bytes in the same calls) give the same faults.
//!
//! **Time.** A `receive` keeps reading the inner link until a byte survives the faults
//! or the inner link returns nothing (its own timeout passed); each read is given what
//! is left of `timeout` on the wall clock. So when the inner link is simulated — the
//! model, which answers at once, or the RTL, whose waits are in simulated time and which
//! carries a wait on across calls (see [`super::verilator`]) — how fast the machine is
//! never decides whether a reply whose first bytes were dropped still arrives: only the
//! simulated device does (docs/reliability.md §8). Once the wall-clock deadline has
//! passed, at most 64 more reads are made, so a real link that keeps
//! delivering bytes that are all dropped still returns.

use std::collections::VecDeque;
use std::fmt;
use std::time::{Duration, Instant};

use super::{Link, LinkError};
use crate::SplitMix64;

/// Reads of the inner link after the wall-clock deadline of a `receive` whose bytes
/// were all dropped, before it gives up (module docs, "Time").
const LATE_READS: usize = 64;

/// The names of the faults, in the order they are decided and written.
pub const FAULT_KEYS: [&str; 4] = ["drop", "corrupt", "dup", "delay"];

/// The probability per byte of each fault.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct FaultSpec {
    /// The byte vanishes.
    pub drop: f64,
    /// The byte is XORed with a random non-zero byte.
    pub corrupt: f64,
    /// The byte is delivered twice.
    pub dup: f64,
    /// The byte is held back until the next call in the same direction.
    pub delay: f64,
}

/// Why a fault specification was rejected.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum FaultSpecError {
    /// A key that is not one of [`FAULT_KEYS`].
    UnknownKey {
        /// The key as written.
        key: String,
    },
    /// An item without `=value`.
    MissingValue {
        /// The item as written.
        item: String,
    },
    /// A value that is not a number.
    BadNumber {
        /// The fault.
        key: String,
        /// The value as written.
        value: String,
    },
    /// A number outside `0..=1`.
    OutOfRange {
        /// The fault.
        key: String,
        /// The value as written.
        value: String,
    },
    /// A fault given twice.
    Repeated {
        /// The fault.
        key: String,
    },
}

/// The `help:` line shared by every [`FaultSpecError`].
const SPEC_HELP: &str = "help: write faults as `key=probability` separated by commas, with the keys drop, corrupt, \
                         dup, delay and probabilities in 0..=1, e.g. `drop=0.01,corrupt=0.01,dup=0.005,delay=0.01`";

impl fmt::Display for FaultSpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FaultSpecError::UnknownKey { key } => {
                write!(f, "unknown fault `{key}`; the faults are drop, corrupt, dup, delay")?
            }
            FaultSpecError::MissingValue { item } => write!(f, "fault `{item}` has no probability (`{item}=0.01`?)")?,
            FaultSpecError::BadNumber { key, value } => write!(f, "fault `{key}`: `{value}` is not a number")?,
            FaultSpecError::OutOfRange { key, value } => {
                write!(f, "fault `{key}`: probability {value} is outside 0..=1")?
            }
            FaultSpecError::Repeated { key } => write!(f, "fault `{key}` is given twice")?,
        }
        write!(f, "\n{SPEC_HELP}")
    }
}

impl std::error::Error for FaultSpecError {}

impl FaultSpec {
    /// No faults at all: the link is transparent.
    pub const NONE: FaultSpec = FaultSpec { drop: 0.0, corrupt: 0.0, dup: 0.0, delay: 0.0 };

    /// Parse `key=probability` items separated by commas (`drop=0.01,dup=0.005`); keys not
    /// given are 0, and an empty text (or `none`) is no faults. Spaces around items, keys
    /// and values are ignored.
    pub fn parse(text: &str) -> Result<FaultSpec, FaultSpecError> {
        let mut spec = FaultSpec::NONE;
        let mut seen = [false; 4];
        let text = text.trim();
        if text.is_empty() || text == "none" {
            return Ok(spec);
        }
        for item in text.split(',').map(str::trim) {
            let Some((key, value)) = item.split_once('=') else {
                return Err(FaultSpecError::MissingValue { item: item.to_owned() });
            };
            let (key, value) = (key.trim(), value.trim());
            let Some(index) = FAULT_KEYS.iter().position(|&k| k == key) else {
                return Err(FaultSpecError::UnknownKey { key: key.to_owned() });
            };
            if std::mem::replace(&mut seen[index], true) {
                return Err(FaultSpecError::Repeated { key: key.to_owned() });
            }
            let p: f64 = value
                .parse()
                .map_err(|_| FaultSpecError::BadNumber { key: key.to_owned(), value: value.to_owned() })?;
            if !(0.0..=1.0).contains(&p) {
                return Err(FaultSpecError::OutOfRange { key: key.to_owned(), value: value.to_owned() });
            }
            *spec.get_mut(index) = p;
        }
        Ok(spec)
    }

    /// Whether every probability is 0.
    pub fn is_none(&self) -> bool {
        *self == FaultSpec::NONE
    }

    fn get_mut(&mut self, index: usize) -> &mut f64 {
        match index {
            0 => &mut self.drop,
            1 => &mut self.corrupt,
            2 => &mut self.dup,
            _ => &mut self.delay,
        }
    }
}

/// `drop=0.01,corrupt=0,dup=0,delay=0`: every key, parseable by [`FaultSpec::parse`].
impl fmt::Display for FaultSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let values = [self.drop, self.corrupt, self.dup, self.delay];
        for (i, (key, value)) in FAULT_KEYS.iter().zip(values).enumerate() {
            let comma = if i > 0 { "," } else { "" };
            write!(f, "{comma}{key}={value}")?;
        }
        Ok(())
    }
}

/// What the injector did in one direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FaultCounts {
    /// Bytes that entered the injector.
    pub bytes: u64,
    /// Bytes dropped.
    pub dropped: u64,
    /// Bytes corrupted.
    pub corrupted: u64,
    /// Bytes duplicated.
    pub duplicated: u64,
    /// Bytes delayed (a duplicated byte delayed counts once).
    pub delayed: u64,
}

impl FaultCounts {
    /// How many faults of any kind.
    pub fn faults(&self) -> u64 {
        self.dropped + self.corrupted + self.duplicated + self.delayed
    }
}

impl fmt::Display for FaultCounts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} bytes: {} dropped, {} corrupted, {} duplicated, {} delayed",
            self.bytes, self.dropped, self.corrupted, self.duplicated, self.delayed
        )
    }
}

/// What the injector did in both directions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FaultStats {
    /// Host → device.
    pub sent: FaultCounts,
    /// Device → host.
    pub received: FaultCounts,
}

/// The injector of one direction: its generator, counters and held-back bytes.
#[derive(Debug, Clone)]
struct Injector {
    rng: SplitMix64,
    counts: FaultCounts,
    /// Delayed bytes, released at the start of the next call.
    held: Vec<u8>,
}

impl Injector {
    fn new(rng: SplitMix64) -> Injector {
        Injector { rng, counts: FaultCounts::default(), held: Vec::new() }
    }

    /// A draw in `0..1` below `p`.
    fn happens(&mut self, p: f64) -> bool {
        ((self.rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < p
    }

    /// Start a call: the bytes held back by the previous call come first.
    fn release(&mut self, out: &mut impl Extend<u8>) {
        out.extend(self.held.drain(..));
    }

    /// Pass `bytes` through the faults, appending what is delivered now to `out`.
    fn apply(&mut self, spec: &FaultSpec, bytes: &[u8], out: &mut impl Extend<u8>) {
        for &byte in bytes {
            self.counts.bytes += 1;
            let (drop, corrupt, dup, delay) =
                (self.happens(spec.drop), self.happens(spec.corrupt), self.happens(spec.dup), self.happens(spec.delay));
            if drop {
                self.counts.dropped += 1;
                continue;
            }
            let mut byte = byte;
            if corrupt {
                self.counts.corrupted += 1;
                byte ^= 1 + self.rng.below(255) as u8;
            }
            let copies = if dup { 2 } else { 1 };
            self.counts.duplicated += u64::from(dup);
            if delay {
                self.counts.delayed += 1;
                self.held.extend(std::iter::repeat_n(byte, copies));
            } else {
                out.extend(std::iter::repeat_n(byte, copies));
            }
        }
    }
}

/// A link that injects faults into the bytes of another link (see the module docs).
#[derive(Debug)]
pub struct FaultyLink<L: Link> {
    inner: L,
    spec: FaultSpec,
    seed: u64,
    send: Injector,
    receive: Injector,
    /// Received bytes after faults, not yet handed to the caller.
    ready: VecDeque<u8>,
}

impl<L: Link> FaultyLink<L> {
    /// Wrap `inner`, injecting the faults of `spec` with generators derived from `seed`.
    pub fn new(inner: L, spec: FaultSpec, seed: u64) -> FaultyLink<L> {
        let mut root = SplitMix64::new(seed);
        let send = Injector::new(SplitMix64::new(root.next_u64()));
        let receive = Injector::new(SplitMix64::new(root.next_u64()));
        FaultyLink { inner, spec, seed, send, receive, ready: VecDeque::new() }
    }

    /// What has been injected so far.
    pub fn stats(&self) -> FaultStats {
        FaultStats { sent: self.send.counts, received: self.receive.counts }
    }

    /// The fault probabilities.
    pub fn spec(&self) -> FaultSpec {
        self.spec
    }

    /// The wrapped link.
    pub fn inner(&self) -> &L {
        &self.inner
    }

    /// The wrapped link, mutably (bytes sent through it bypass the faults).
    pub fn inner_mut(&mut self) -> &mut L {
        &mut self.inner
    }

    /// Unwrap the inner link; bytes still held back are lost.
    pub fn into_inner(self) -> L {
        self.inner
    }
}

impl<L: Link> Link for FaultyLink<L> {
    /// `faulty:<seed>:<spec>:<inner name>`, the syntax of a target (docs/protocol.md §11).
    fn name(&self) -> String {
        format!("faulty:{}:{}:{}", self.seed, self.spec, self.inner.name())
    }

    fn send(&mut self, bytes: &[u8]) -> Result<(), LinkError> {
        let mut out = Vec::with_capacity(bytes.len() + self.send.held.len() + 8);
        self.send.release(&mut out);
        self.send.apply(&self.spec, bytes, &mut out);
        if out.is_empty() { Ok(()) } else { self.inner.send(&out) }
    }

    fn receive(&mut self, buf: &mut [u8], timeout: Duration) -> Result<usize, LinkError> {
        if buf.is_empty() {
            return Ok(0);
        }
        self.receive.release(&mut self.ready);
        if self.ready.is_empty() {
            // Keep reading until a byte survives the faults or the inner link times out
            // (module docs, "Time").
            let deadline = Instant::now() + timeout;
            let mut chunk = vec![0; buf.len()];
            let mut late = 0;
            loop {
                let left = deadline.saturating_duration_since(Instant::now());
                late += usize::from(left.is_zero());
                let n = self.inner.receive(&mut chunk, left)?;
                self.receive.apply(&self.spec, &chunk[..n], &mut self.ready);
                if n == 0 || !self.ready.is_empty() || late > LATE_READS {
                    break;
                }
            }
        }
        let n = buf.len().min(self.ready.len());
        for (slot, byte) in buf.iter_mut().zip(self.ready.drain(..n)) {
            *slot = byte;
        }
        Ok(n)
    }
}
