//! Property tests of the frame layer (docs/protocol.md §2–§4):
//!
//! - decode(encode(x)) = x;
//! - for any stream and any chunking, the decoder's frames, errors, counters and pending
//!   bytes at every chunk boundary are those of `reference`, an independent slice-based
//!   restatement of §3 with bit-by-bit CRCs — so chunking changes nothing, and the
//!   re-scan rule is exactly "resume hunting at the byte after the rejected sync0";
//! - after any noise and a flush of MAX_FRAME zero bytes the decoder holds nothing, and
//!   every later frame is delivered exactly;
//! - one corrupted byte costs exactly the frame it is in (with one error, or none if it
//!   hit the sync), unless — after a sync or header corruption — that frame's bytes
//!   contain a stray `A5 5A`, which may start a phantom header;
//! - in all of them, every byte is in a delivered frame, discarded or pending, after
//!   every byte.

use ncx_model::wire::{
    DecodeError, DecodeErrorKind, Decoded, Decoder, DecoderStats, Frame, MAX_FRAME, MAX_PAYLOAD, encode, header_crc,
};
use proptest::prelude::*;

/// CRC-8/SMBUS, bit by bit: poly 0x07, init 0, MSB first, no final XOR.
fn crc8(bytes: &[u8]) -> u8 {
    let mut crc = 0u8;
    for &b in bytes {
        crc ^= b;
        for _ in 0..8 {
            crc = if crc & 0x80 != 0 { (crc << 1) ^ 0x07 } else { crc << 1 };
        }
    }
    crc
}

/// CRC-32/ISO-HDLC, bit by bit: reflected poly 0xEDB88320, init and final XOR !0.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// docs/protocol.md §3 over a whole slice: the frames and errors decided by the end of
/// `stream`, and how many bytes at its end are still undecided. A header error resumes
/// the hunt at the byte after its sync0, which is what the streaming decoder's re-scan
/// of the 5 header bytes amounts to; `A5 A5 5A` needs no rule of its own.
fn reference(stream: &[u8]) -> (Vec<Decoded>, usize) {
    let mut out = Vec::new();
    let mut i = 0;
    while i < stream.len() {
        let undecided = stream.len() - i;
        if stream[i] != 0xA5 {
            i += 1;
            continue;
        }
        let Some(&sync1) = stream.get(i + 1) else { return (out, undecided) };
        if sync1 != 0x5A {
            i += 1;
            continue;
        }
        let Some(h) = stream.get(i + 2..i + 7) else { return (out, undecided) };
        let len = usize::from(u16::from_le_bytes([h[2], h[3]]));
        let offset = i as u64;
        if crc8(&h[..4]) != h[4] {
            out.push(Decoded::Error(DecodeError { kind: DecodeErrorKind::HeaderCrc, offset }));
            i += 1;
            continue;
        }
        if len > 1024 {
            out.push(Decoded::Error(DecodeError { kind: DecodeErrorKind::TooLong { len }, offset }));
            i += 1;
            continue;
        }
        let end = i + 11 + len;
        let Some(trailer) = stream.get(end - 4..end) else { return (out, undecided) };
        if crc32(&stream[i + 2..end - 4]) == u32::from_le_bytes([trailer[0], trailer[1], trailer[2], trailer[3]]) {
            out.push(Decoded::Frame(Frame { opcode: h[0], seq: h[1], payload: stream[i + 7..end - 4].to_vec() }));
        } else {
            out.push(Decoded::Error(DecodeError { kind: DecodeErrorKind::PayloadCrc, offset }));
        }
        i = end;
    }
    (out, 0)
}

/// The counters that `outputs` and `pending` imply for a stream of `seen` bytes.
fn reference_stats(outputs: &[Decoded], pending: usize, seen: usize) -> DecoderStats {
    let mut s = DecoderStats { bytes_seen: seen as u64, ..DecoderStats::default() };
    for d in outputs {
        match d {
            Decoded::Frame(f) => {
                s.frames += 1;
                s.frame_bytes += (f.payload.len() + 11) as u64;
            }
            Decoded::Error(DecodeError { kind: DecodeErrorKind::PayloadCrc, .. }) => s.crc_errors += 1,
            Decoded::Error(_) => s.header_errors += 1,
        }
    }
    s.bytes_discarded = s.bytes_seen - s.frame_bytes - pending as u64;
    s
}

/// Feed `bytes` one at a time, checking the accounting invariant after each.
fn run(decoder: &mut Decoder, bytes: &[u8], out: &mut Vec<Decoded>) {
    for &byte in bytes {
        out.extend(decoder.push(byte));
        let s = decoder.stats();
        assert_eq!(s.frame_bytes + s.bytes_discarded + decoder.pending() as u64, s.bytes_seen, "{s:?}");
    }
}

fn wire(frame: &Frame) -> Vec<u8> {
    encode(frame.opcode, frame.seq, &frame.payload).unwrap()
}

/// Payload bytes with many `A5` and `5A`, so that stray syncs are common.
fn payload(max_len: usize) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(prop_oneof![6 => any::<u8>(), 1 => Just(0xA5u8), 1 => Just(0x5Au8)], 0..=max_len)
}

fn frame(max_len: usize) -> impl Strategy<Value = Frame> {
    (any::<u8>(), any::<u8>(), payload(max_len)).prop_map(|(opcode, seq, payload)| Frame { opcode, seq, payload })
}

/// A piece of a hostile stream.
fn piece() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        // A valid frame.
        3 => frame(48).prop_map(|f| wire(&f)),
        // A frame with one byte changed.
        2 => (frame(48), any::<prop::sample::Index>(), 1u8..=255).prop_map(|(f, at, x)| {
            let mut bytes = wire(&f);
            let at = at.index(bytes.len());
            bytes[at] ^= x;
            bytes
        }),
        // A frame cut short.
        1 => (frame(48), any::<prop::sample::Index>()).prop_map(|(f, at)| {
            let bytes = wire(&f);
            bytes[..at.index(bytes.len())].to_vec()
        }),
        // A header with a right hcrc and any length (some > 1024, some swallowing
        // what follows).
        1 => (any::<u8>(), any::<u8>(), prop_oneof![0u16..=64, 0u16..=1100, any::<u16>()]).prop_map(|(o, s, len)| {
            let [lo, hi] = len.to_le_bytes();
            vec![0xA5, 0x5A, o, s, lo, hi, header_crc(&[o, s, lo, hi])]
        }),
        // Sync fragments.
        1 => prop::sample::select(vec![vec![0xA5], vec![0xA5, 0x5A], vec![0xA5, 0xA5], vec![0x5A]]),
        // Random bytes.
        1 => prop::collection::vec(any::<u8>(), 0..32),
    ]
}

fn stream() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(piece(), 1..12).prop_map(|pieces| pieces.concat())
}

/// Whether `bytes` contain `A5 5A` at any position. (Applied to a corrupted frame
/// from its byte 1 on: its own sync, if intact, does not count, and with a corrupted
/// sync there is no `A5 5A` at byte 0.)
fn has_sync(bytes: &[u8]) -> bool {
    bytes.windows(2).any(|w| w == [0xA5, 0x5A])
}

#[test]
fn crc8_detects_every_single_byte_header_error() {
    // CRC-8/SMBUS is linear (init 0, no final XOR): changing data byte k by x changes the
    // computed hcrc by header_crc(x at k, zeros elsewhere), and changing the hcrc byte
    // by x != 0 is caught since the data did not change. So a single corrupted byte of
    // opcode, seq, len or hcrc is caught iff none of these 4 * 255 syndromes is 0.
    for k in 0..4 {
        for x in 1..=255u8 {
            let mut e = [0u8; 4];
            e[k] = x;
            assert_ne!(header_crc(&e), 0, "byte {k} xor {x:#04x}");
        }
    }
    // Linearity itself, on a few headers.
    for h in [[0x01, 0x07, 0x00, 0x00], [0x03, 0xFF, 0x03, 0x00], [0xA5, 0x5A, 0x00, 0x04]] {
        for k in 0..4 {
            let mut e = [0u8; 4];
            e[k] = 0x81;
            let changed: Vec<u8> = h.iter().zip(e).map(|(a, b)| a ^ b).collect();
            assert_eq!(header_crc(&changed), header_crc(&h) ^ header_crc(&e));
        }
    }
}

#[test]
fn reference_crcs_are_the_catalogue_ones() {
    assert_eq!(crc8(b"123456789"), 0xF4);
    assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// decode(encode(x)) = x, for every opcode, seq and payload length 0..=1024.
    #[test]
    fn decode_inverts_encode(opcode in any::<u8>(), seq in any::<u8>(),
                             payload in prop::collection::vec(any::<u8>(), 0..=MAX_PAYLOAD)) {
        let bytes = encode(opcode, seq, &payload).unwrap();
        prop_assert_eq!(bytes.len(), payload.len() + 11);
        let mut decoder = Decoder::new();
        let mut out = Vec::new();
        run(&mut decoder, &bytes, &mut out);
        prop_assert_eq!(out, vec![Decoded::Frame(Frame { opcode, seq, payload })]);
        prop_assert_eq!(decoder.pending(), 0);
        prop_assert_eq!(decoder.stats(), DecoderStats {
            frames: 1, frame_bytes: bytes.len() as u64, bytes_seen: bytes.len() as u64, ..DecoderStats::default()
        });
    }

    /// Any chunking of any stream: at every chunk boundary the outputs so far, the
    /// pending bytes and the counters are those of the reference on the prefix.
    #[test]
    fn any_chunking_matches_the_reference(stream in stream(), chunks in prop::collection::vec(1usize..80, 1..40)) {
        let mut decoder = Decoder::new();
        let mut out = Vec::new();
        let mut fed = 0;
        let mut sizes = chunks.iter().cycle();
        while fed < stream.len() {
            let size = sizes.next().copied().unwrap_or(1).min(stream.len() - fed);
            let mut chunk_out = Vec::new();
            decoder.feed(&stream[fed..fed + size], |d| chunk_out.push(d));
            out.extend(chunk_out);
            fed += size;
            let (expected, pending) = reference(&stream[..fed]);
            prop_assert_eq!(&out, &expected, "after {} bytes", fed);
            prop_assert_eq!(decoder.pending(), pending, "after {} bytes", fed);
            prop_assert_eq!(decoder.stats(), reference_stats(&expected, pending, fed), "after {} bytes", fed);
        }
        // Byte by byte (with the accounting checked after each byte) gives the same.
        let mut single = Decoder::new();
        let mut single_out = Vec::new();
        run(&mut single, &stream, &mut single_out);
        prop_assert_eq!(single_out, out);
        prop_assert_eq!(single.stats(), decoder.stats());
    }

    /// After any noise, a flush of MAX_FRAME zero bytes leaves nothing pending (every
    /// sync0 the decoder can hold lies in the noise, and each is decided within
    /// MAX_FRAME bytes of it), so the frames that follow are delivered exactly, with no
    /// error and no byte discarded.
    #[test]
    fn noise_then_flush_then_clean_decode(
        noise in prop_oneof![prop::collection::vec(any::<u8>(), 0..4096), stream()],
        frames in prop::collection::vec(frame(200), 1..6),
    ) {
        let mut decoder = Decoder::new();
        let mut out = Vec::new();
        run(&mut decoder, &noise, &mut out);
        run(&mut decoder, &[0; MAX_FRAME], &mut out);
        prop_assert_eq!(decoder.pending(), 0);
        let before = decoder.stats();
        let mut after = Vec::new();
        let bytes: Vec<u8> = frames.iter().flat_map(wire).collect();
        run(&mut decoder, &bytes, &mut after);
        let delivered: Vec<Decoded> = frames.iter().cloned().map(Decoded::Frame).collect();
        prop_assert_eq!(after, delivered);
        prop_assert_eq!(decoder.pending(), 0);
        prop_assert_eq!(decoder.stats(), DecoderStats {
            frames: before.frames + frames.len() as u64,
            frame_bytes: before.frame_bytes + bytes.len() as u64,
            bytes_seen: before.bytes_seen + bytes.len() as u64,
            ..before
        });
    }

    /// One byte of frame `hit` changed. The frames before it are always delivered and it
    /// never is. If the byte is in its payload or CRC, the frame is dropped with one CRC
    /// error and every later frame is delivered. If it is in the header fields (one
    /// header error) or the sync (no error), every later frame is delivered too — unless
    /// the corrupted frame contains `A5 5A` after its byte 0, which the receiver, now
    /// hunting through the frame's bytes, may take for a sync: then only the reference
    /// applies.
    #[test]
    fn one_corrupted_byte_costs_only_its_frame(
        frames in prop::collection::vec(frame(48), 1..8),
        hit in any::<prop::sample::Index>(),
        in_header in any::<bool>(),
        at in any::<prop::sample::Index>(),
        x in 1u8..=255,
    ) {
        let hit = hit.index(frames.len());
        let mut wires: Vec<Vec<u8>> = frames.iter().map(wire).collect();
        // Half the cases hit the sync or the header fields, the rest any byte.
        let at = at.index(if in_header { 7 } else { wires[hit].len() });
        wires[hit][at] ^= x;
        let offset: usize = wires[..hit].iter().map(Vec::len).sum();
        let stream = wires.concat();

        let mut decoder = Decoder::new();
        let mut out = Vec::new();
        run(&mut decoder, &stream, &mut out);
        prop_assert_eq!(&out, &reference(&stream).0);

        let before: Vec<Decoded> = frames[..hit].iter().cloned().map(Decoded::Frame).collect();
        let later: Vec<Decoded> = frames[hit + 1..].iter().cloned().map(Decoded::Frame).collect();
        prop_assert_eq!(&out[..hit], &before[..]);
        prop_assert!(out.get(hit) != Some(&Decoded::Frame(frames[hit].clone())));
        let error = |kind| Decoded::Error(DecodeError { kind, offset: offset as u64 });
        let expected: Option<Vec<Decoded>> = if at >= 7 {
            Some([before, vec![error(DecodeErrorKind::PayloadCrc)], later].concat())
        } else if has_sync(&wires[hit][1..]) {
            None
        } else if at >= 2 {
            Some([before, vec![error(DecodeErrorKind::HeaderCrc)], later].concat())
        } else {
            Some([before, later].concat())
        };
        if let Some(expected) = expected {
            prop_assert_eq!(out, expected);
            // Hunting through the frame ends in the sync state if its last byte is A5:
            // the next frame's A5 replaces it, but a last frame leaves it pending.
            let hunted = at < 7;
            let last = hit + 1 == frames.len();
            let pending = usize::from(hunted && last && wires[hit].last() == Some(&0xA5));
            prop_assert_eq!(decoder.pending(), pending);
            let lost = (wires[hit].len() - pending) as u64;
            prop_assert_eq!(decoder.stats().bytes_discarded, lost);
        }
    }
}
