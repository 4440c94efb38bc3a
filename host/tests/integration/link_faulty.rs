//! The fault injector (host/src/link/faulty.rs): fault specifications and their errors,
//! the statistics of the faults against their probabilities, determinism per seed,
//! transparency without faults, and what each fault does to the bytes.

use std::collections::VecDeque;
use std::time::Duration;

use ncx::link::{FaultSpec, FaultSpecError, FaultyLink, Link, LinkError};

/// A link to nowhere: keeps what is sent, hands out what the test queued.
#[derive(Debug, Default)]
struct Loopback {
    sent: Vec<u8>,
    /// How many `send` calls reached it.
    sends: usize,
    incoming: VecDeque<u8>,
}

impl Link for Loopback {
    fn name(&self) -> String {
        "loopback".to_owned()
    }

    fn send(&mut self, bytes: &[u8]) -> Result<(), LinkError> {
        self.sent.extend_from_slice(bytes);
        self.sends += 1;
        Ok(())
    }

    fn receive(&mut self, buf: &mut [u8], _timeout: Duration) -> Result<usize, LinkError> {
        let n = buf.len().min(self.incoming.len());
        for (slot, byte) in buf.iter_mut().zip(self.incoming.drain(..n)) {
            *slot = byte;
        }
        Ok(n)
    }
}

fn spec(text: &str) -> FaultSpec {
    FaultSpec::parse(text).unwrap()
}

/// 100 000 bytes: 0, 1, …, 255, 0, 1, …
fn traffic() -> Vec<u8> {
    (0..100_000u32).map(|i| i as u8).collect()
}

/// Send `bytes` in chunks of 1000 and one empty send that releases what was delayed.
fn send_all(link: &mut FaultyLink<Loopback>, bytes: &[u8]) {
    for chunk in bytes.chunks(1000) {
        link.send(chunk).unwrap();
    }
    link.send(&[]).unwrap();
}

/// Queue `bytes` on the loopback and receive them all in buffers of 700.
fn receive_all(link: &mut FaultyLink<Loopback>, bytes: &[u8]) -> Vec<u8> {
    link.inner_mut().incoming.extend(bytes);
    let mut got = Vec::new();
    let mut buf = [0u8; 700];
    // Two empty reads in a row: everything (delayed bytes too) has come out.
    let mut empty = 0;
    while empty < 2 {
        let n = link.receive(&mut buf, Duration::ZERO).unwrap();
        got.extend_from_slice(&buf[..n]);
        empty = if n == 0 { empty + 1 } else { 0 };
    }
    got
}

// ---- parsing ----

#[test]
fn a_spec_names_any_of_the_four_faults_and_the_rest_are_zero() {
    assert_eq!(
        spec("drop=0.01,corrupt=0.02,dup=0.005,delay=1"),
        FaultSpec { drop: 0.01, corrupt: 0.02, dup: 0.005, delay: 1.0 }
    );
    assert_eq!(spec(" dup = 0.5 , drop=0 "), FaultSpec { drop: 0.0, corrupt: 0.0, dup: 0.5, delay: 0.0 });
    assert_eq!(spec("corrupt=1e-3"), FaultSpec { corrupt: 0.001, ..FaultSpec::NONE });
    assert_eq!(spec(""), FaultSpec::NONE);
    assert_eq!(spec("none"), FaultSpec::NONE);
    assert!(spec("").is_none() && !spec("delay=0.1").is_none());
}

#[test]
fn a_spec_prints_as_text_that_parses_back_to_it() {
    let s = spec("dup=0.005,drop=0.25");
    assert_eq!(s.to_string(), "drop=0.25,corrupt=0,dup=0.005,delay=0");
    assert_eq!(spec(&s.to_string()), s);
}

const HELP: &str = "help: write faults as `key=probability` separated by commas, with the keys drop, corrupt, dup, \
                    delay and probabilities in 0..=1, e.g. `drop=0.01,corrupt=0.01,dup=0.005,delay=0.01`";

fn error(text: &str) -> (FaultSpecError, String) {
    let e = FaultSpec::parse(text).unwrap_err();
    let message = e.to_string();
    (e, message)
}

#[test]
fn an_unknown_key_is_named_with_the_valid_keys() {
    let (e, message) = error("drop=0.1,loss=0.2");
    assert_eq!(e, FaultSpecError::UnknownKey { key: "loss".to_owned() });
    assert_eq!(message, format!("unknown fault `loss`; the faults are drop, corrupt, dup, delay\n{HELP}"));
}

#[test]
fn a_bad_number_names_the_key_and_the_value() {
    let (e, message) = error("corrupt=1%");
    assert_eq!(e, FaultSpecError::BadNumber { key: "corrupt".to_owned(), value: "1%".to_owned() });
    assert_eq!(message, format!("fault `corrupt`: `1%` is not a number\n{HELP}"));
    let (_, message) = error("dup=");
    assert_eq!(message, format!("fault `dup`: `` is not a number\n{HELP}"));
}

#[test]
fn a_probability_outside_0_to_1_is_refused() {
    for (text, key, value) in [("drop=1.5", "drop", "1.5"), ("delay=-0.1", "delay", "-0.1"), ("dup=NaN", "dup", "NaN")]
    {
        let (e, message) = error(text);
        assert_eq!(e, FaultSpecError::OutOfRange { key: key.to_owned(), value: value.to_owned() });
        assert_eq!(message, format!("fault `{key}`: probability {value} is outside 0..=1\n{HELP}"));
    }
}

#[test]
fn a_missing_value_and_a_repeated_key_are_refused() {
    let (e, message) = error("drop");
    assert_eq!(e, FaultSpecError::MissingValue { item: "drop".to_owned() });
    assert_eq!(message, format!("fault `drop` has no probability (`drop=0.01`?)\n{HELP}"));
    let (e, message) = error("drop=0.1,drop=0.2");
    assert_eq!(e, FaultSpecError::Repeated { key: "drop".to_owned() });
    assert_eq!(message, format!("fault `drop` is given twice\n{HELP}"));
    // A trailing comma is an empty item without a value.
    assert_eq!(error("drop=0.1,").0, FaultSpecError::MissingValue { item: String::new() });
}

// ---- behaviour ----

#[test]
fn without_faults_the_link_is_transparent_both_ways() {
    let bytes = traffic();
    let mut link = FaultyLink::new(Loopback::default(), FaultSpec::NONE, 1);
    send_all(&mut link, &bytes);
    assert_eq!(link.inner().sent, bytes);
    assert_eq!(receive_all(&mut link, &bytes), bytes);
    let stats = link.stats();
    assert_eq!((stats.sent.bytes, stats.received.bytes), (100_000, 100_000));
    assert_eq!((stats.sent.faults(), stats.received.faults()), (0, 0));
    assert_eq!(link.name(), "faulty:1:drop=0,corrupt=0,dup=0,delay=0:loopback");
}

/// `count` is within 5 standard deviations of a binomial(n, p).
fn assert_binomial(what: &str, count: u64, n: f64, p: f64) {
    let (mean, sd) = (n * p, (n * p * (1.0 - p)).sqrt());
    let (lo, hi) = (mean - 5.0 * sd, mean + 5.0 * sd);
    assert!((lo..=hi).contains(&(count as f64)), "{what}: {count}, expected {mean:.0} ± {:.0}", 5.0 * sd);
}

#[test]
fn fault_counts_match_their_probabilities_over_100k_bytes_in_each_direction() {
    // drop 1 %, corrupt 2 %, dup 0.5 %, delay 1 %. A dropped byte gets no other fault, so
    // the others apply to the 99 % kept: e.g. corrupted ≈ 100 000 · 0.99 · 0.02 = 1980
    // (sd = √(100 000 · 0.0198 · 0.9802) ≈ 44, so ± 221).
    let s = spec("drop=0.01,corrupt=0.02,dup=0.005,delay=0.01");
    let bytes = traffic();
    for seed in [1, 2, 0xDEAD_BEEF] {
        let mut link = FaultyLink::new(Loopback::default(), s, seed);
        send_all(&mut link, &bytes);
        let got = receive_all(&mut link, &bytes);
        let stats = link.stats();
        for (counts, delivered) in [(stats.sent, link.inner().sent.len()), (stats.received, got.len())] {
            assert_eq!(counts.bytes, 100_000);
            assert_binomial("dropped", counts.dropped, 1e5, 0.01);
            assert_binomial("corrupted", counts.corrupted, 1e5, 0.99 * 0.02);
            assert_binomial("duplicated", counts.duplicated, 1e5, 0.99 * 0.005);
            assert_binomial("delayed", counts.delayed, 1e5, 0.99 * 0.01);
            // Every byte is delivered once, or twice if duplicated, or not at all if dropped.
            assert_eq!(delivered as u64, 100_000 - counts.dropped + counts.duplicated);
        }
        // The two directions have their own generators: their faults differ.
        assert_ne!(stats.sent, stats.received);
    }
}

#[test]
fn the_same_seed_gives_the_same_faults_and_another_seed_others() {
    let s = spec("drop=0.01,corrupt=0.01,dup=0.005,delay=0.01");
    let bytes = traffic();
    let run = |seed| {
        let mut link = FaultyLink::new(Loopback::default(), s, seed);
        send_all(&mut link, &bytes);
        let got = receive_all(&mut link, &bytes);
        (link.inner().sent.clone(), got, link.stats())
    };
    let (a, b, c) = (run(7), run(7), run(8));
    assert_eq!(a, b);
    assert_ne!(a.0, c.0);
    assert_ne!(a.1, c.1);
}

#[test]
fn each_direction_draws_from_its_own_stream() {
    // The faults of received bytes do not depend on whether anything was sent first.
    let s = spec("drop=0.1,corrupt=0.1");
    let bytes = traffic();
    let mut quiet = FaultyLink::new(Loopback::default(), s, 3);
    let mut busy = FaultyLink::new(Loopback::default(), s, 3);
    send_all(&mut busy, &bytes[..5000]);
    assert_eq!(receive_all(&mut quiet, &bytes), receive_all(&mut busy, &bytes));
    assert_eq!(quiet.stats().received, busy.stats().received);
}

#[test]
fn corruption_changes_exactly_the_counted_bytes() {
    let bytes = traffic();
    let mut link = FaultyLink::new(Loopback::default(), spec("corrupt=0.3"), 11);
    send_all(&mut link, &bytes);
    let sent = &link.inner().sent;
    assert_eq!(sent.len(), bytes.len());
    let changed = sent.iter().zip(&bytes).filter(|(a, b)| a != b).count() as u64;
    assert_eq!(changed, link.stats().sent.corrupted);
    assert_binomial("corrupted", changed, 1e5, 0.3);
    // With probability 1 every byte changes (the XOR mask is never 0).
    let mut link = FaultyLink::new(Loopback::default(), spec("corrupt=1"), 11);
    send_all(&mut link, &bytes);
    assert!(link.inner().sent.iter().zip(&bytes).all(|(a, b)| a != b));
}

#[test]
fn drop_and_dup_at_probability_1() {
    let mut link = FaultyLink::new(Loopback::default(), spec("drop=1,dup=1,corrupt=1,delay=1"), 5);
    link.send(&[1, 2, 3]).unwrap();
    assert!(link.inner().sent.is_empty());
    // Nothing survived, so nothing reached the inner link at all.
    assert_eq!(link.inner().sends, 0);
    assert_eq!(link.stats().sent.dropped, 3);
    assert_eq!(link.stats().sent.faults(), 3);

    let mut link = FaultyLink::new(Loopback::default(), spec("dup=1"), 5);
    link.send(&[1, 2, 3]).unwrap();
    assert_eq!(link.inner().sent, [1, 1, 2, 2, 3, 3]);
    assert_eq!(receive_all(&mut link, &[9, 8]), [9, 9, 8, 8]);
}

#[test]
fn a_delayed_byte_comes_at_the_start_of_the_next_call_in_its_direction() {
    // delay=1: every byte is held back to the next call.
    let mut link = FaultyLink::new(Loopback::default(), spec("delay=1"), 5);
    link.send(&[1, 2, 3]).unwrap();
    assert!(link.inner().sent.is_empty());
    link.send(&[4]).unwrap();
    assert_eq!(link.inner().sent, [1, 2, 3]);
    link.send(&[]).unwrap();
    assert_eq!(link.inner().sent, [1, 2, 3, 4]);

    link.inner_mut().incoming.extend([7, 8]);
    let mut buf = [0u8; 16];
    assert_eq!(link.receive(&mut buf, Duration::ZERO).unwrap(), 0);
    assert_eq!(link.receive(&mut buf, Duration::ZERO).unwrap(), 2);
    assert_eq!(buf[..2], [7, 8]);

    // delay=0.5: a byte that is held back comes after the rest of its chunk, before the
    // next chunk's bytes; none is lost.
    let bytes = traffic();
    let mut link = FaultyLink::new(Loopback::default(), spec("delay=0.5"), 9);
    link.send(&bytes[..100]).unwrap();
    let first = link.inner().sent.clone();
    link.send(&bytes[100..200]).unwrap();
    let second = link.inner().sent[first.len()..].to_vec();
    let held = 100 - first.len();
    assert_eq!(first, bytes[..100].iter().copied().filter(|b| !second[..held].contains(b)).collect::<Vec<_>>());
    assert!(second[..held].iter().all(|&b| b < 100), "the held bytes come first");
    assert!(second[held..].iter().all(|&b| (100..200).contains(&b)));
    link.send(&[]).unwrap();
    let mut all = link.inner().sent.clone();
    all.sort_unstable();
    assert_eq!(all, bytes[..200]);
}

#[test]
fn the_documented_streams_predict_which_bytes_are_dropped() {
    // docs/protocol.md §11: send stream = SplitMix64(first output of SplitMix64(seed)),
    // receive stream = SplitMix64(second output); four draws per byte, the first for
    // `drop`; a draw is the top 53 bits as a fraction, and the fault happens below p.
    let seed = 2024;
    let mut root = ncx::SplitMix64::new(seed);
    let streams = [ncx::SplitMix64::new(root.next_u64()), ncx::SplitMix64::new(root.next_u64())];
    let kept = |mut rng: ncx::SplitMix64, bytes: &[u8]| -> Vec<u8> {
        let mut out = Vec::new();
        for &b in bytes {
            let draws: Vec<f64> = (0..4).map(|_| (rng.next_u64() >> 11) as f64 / 9_007_199_254_740_992.0).collect();
            if draws[0] >= 0.5 {
                out.push(b);
            }
        }
        out
    };
    let bytes: Vec<u8> = (0..64).collect();
    let mut link = FaultyLink::new(Loopback::default(), spec("drop=0.5"), seed);
    link.send(&bytes).unwrap();
    let expected_sent = kept(streams[0].clone(), &bytes);
    assert_eq!(link.inner().sent, expected_sent);
    assert_eq!(receive_all(&mut link, &bytes), kept(streams[1].clone(), &bytes));
    // 64 bytes at 50 %: both directions dropped some and kept some.
    assert!(!expected_sent.is_empty() && expected_sent.len() < 64);
}
