//! The frame layer against docs/protocol.md: the constants table of §5, the CRC check
//! values and hex examples of §2 (encoded byte for byte and decoded back), and the
//! decoder of §3 case by case — good, split, too long, bad header CRC, bad payload CRC,
//! garbage, repeated sync0, recovery, frames hidden behind corrupted headers — with the
//! counters and the pending bytes checked after each case.

mod support;

use ncx_model::wire::{
    DecodeError, DecodeErrorKind, Decoded, Decoder, DecoderStats, Frame, FrameError, HEADER_LEN, MAX_FRAME,
    MAX_PAYLOAD, SYNC, TRAILER_LEN, encode, encode_into, frame_crc, header_crc,
};
use support::docs::first_table;

const PROTOCOL: &str = include_str!("../../docs/protocol.md");

fn section(number: u32) -> &'static str {
    support::docs::section(PROTOCOL, "docs/protocol.md", number)
}

/// Feed `bytes` into `decoder`, checking the byte accounting after every byte.
fn run(decoder: &mut Decoder, bytes: &[u8]) -> Vec<Decoded> {
    let mut out = Vec::new();
    for &byte in bytes {
        out.extend(decoder.push(byte));
        assert_accounts(decoder);
    }
    out
}

/// Decode `bytes` with a fresh decoder.
fn decode(bytes: &[u8]) -> (Vec<Decoded>, Decoder) {
    let mut decoder = Decoder::new();
    let out = run(&mut decoder, bytes);
    (out, decoder)
}

fn assert_accounts(decoder: &Decoder) {
    let s = decoder.stats();
    assert_eq!(s.frame_bytes + s.bytes_discarded + decoder.pending() as u64, s.bytes_seen, "{s:?}");
}

fn frame(opcode: u8, seq: u8, payload: &[u8]) -> Decoded {
    Decoded::Frame(Frame { opcode, seq, payload: payload.to_vec() })
}

fn error(kind: DecodeErrorKind, offset: u64) -> Decoded {
    Decoded::Error(DecodeError { kind, offset })
}

fn bytes(opcode: u8, seq: u8, payload: &[u8]) -> Vec<u8> {
    encode(opcode, seq, payload).unwrap()
}

/// The expected counters: frames, header errors, CRC errors, discarded, frame bytes, seen.
fn stats(frames: u64, header_errors: u64, crc_errors: u64, bytes_discarded: u64, frame_bytes: u64) -> DecoderStats {
    DecoderStats {
        frames,
        header_errors,
        crc_errors,
        bytes_discarded,
        frame_bytes,
        bytes_seen: 0, // filled in by `assert_stats`
    }
}

fn assert_stats(decoder: &Decoder, expected: DecoderStats, pending: usize) {
    let got = decoder.stats();
    assert_eq!(got, DecoderStats { bytes_seen: got.bytes_seen, ..expected });
    assert_eq!(decoder.pending(), pending);
    assert_accounts(decoder);
}

/// A header (sync included) announcing `len` bytes, with a correct hcrc.
fn header(opcode: u8, seq: u8, len: u16) -> Vec<u8> {
    let [lo, hi] = len.to_le_bytes();
    vec![SYNC[0], SYNC[1], opcode, seq, lo, hi, header_crc(&[opcode, seq, lo, hi])]
}

#[test]
fn constants_table_matches_frame_rs() {
    let rows = first_table(section(5));
    let documented: Vec<(&str, &str)> = rows.iter().map(|r| (r[0], r[1])).collect();
    let sync = format!("[0x{:02X}, 0x{:02X}]", SYNC[0], SYNC[1]);
    let (header, trailer, payload, frame) =
        (HEADER_LEN.to_string(), TRAILER_LEN.to_string(), MAX_PAYLOAD.to_string(), MAX_FRAME.to_string());
    assert_eq!(
        documented,
        [
            ("SYNC", sync.as_str()),
            ("HEADER_LEN", header.as_str()),
            ("TRAILER_LEN", trailer.as_str()),
            ("MAX_PAYLOAD", payload.as_str()),
            ("MAX_FRAME", frame.as_str()),
        ]
    );
    assert_eq!(MAX_FRAME, HEADER_LEN + MAX_PAYLOAD + TRAILER_LEN);
    assert!(section(2).contains("So a frame is `len + 11` bytes: at most 1035, at least 11."));
}

#[test]
fn crc_check_values() {
    // The catalogue check values of CRC-8/SMBUS and CRC-32/ISO-HDLC, quoted in §2.
    assert_eq!(header_crc(b"123456789"), 0xF4);
    assert_eq!(frame_crc(b"123456789"), 0xCBF4_3926);
    assert!(section(2).contains("check value of `\"123456789\"` = 0xF4"));
    assert!(section(2).contains("check\n  value 0xCBF43926"));
}

/// The indented hex lines of §2, as bytes.
fn documented_examples() -> Vec<Vec<u8>> {
    section(2)
        .lines()
        .filter(|l| l.starts_with("    "))
        .map(|l| l.split_whitespace().map(|b| u8::from_str_radix(b, 16).unwrap()).collect())
        .collect()
}

/// The two examples of §2. Derived independently of the crate with python3:
/// `zlib.crc32(bytes([1, 7, 0, 0, 0]))` = 0x6695E614, and a bit-by-bit CRC-8
/// (poly 0x07, init 0) of `01 07 00 00` = 0x00; `zlib.crc32(bytes([3, 0xFF, 3, 0, 0x2E,
/// 0x10, 0x20, 0x30]))` = 0x10998F67 and CRC-8 of `03 FF 03 00` = 0x2E.
const EXAMPLE_EMPTY: [u8; 11] = [0xA5, 0x5A, 0x01, 0x07, 0x00, 0x00, 0x00, 0x14, 0xE6, 0x95, 0x66];
const EXAMPLE_3: [u8; 14] = [0xA5, 0x5A, 0x03, 0xFF, 0x03, 0x00, 0x2E, 0x10, 0x20, 0x30, 0x67, 0x8F, 0x99, 0x10];

#[test]
fn hex_examples_encode_byte_for_byte() {
    assert_eq!(documented_examples(), [EXAMPLE_EMPTY.to_vec(), EXAMPLE_3.to_vec()]);
    assert_eq!(encode(0x01, 0x07, &[]).unwrap(), EXAMPLE_EMPTY);
    assert_eq!(encode(0x03, 0xFF, &[0x10, 0x20, 0x30]).unwrap(), EXAMPLE_3);
    assert_eq!(header_crc(&[0x01, 0x07, 0x00, 0x00]), 0x00);
    assert_eq!(frame_crc(&[0x01, 0x07, 0x00, 0x00, 0x00]), 0x6695_E614);
    assert_eq!(header_crc(&[0x03, 0xFF, 0x03, 0x00]), 0x2E);
    assert_eq!(frame_crc(&[0x03, 0xFF, 0x03, 0x00, 0x2E, 0x10, 0x20, 0x30]), 0x1099_8F67);
    let frame = Frame { opcode: 0x03, seq: 0xFF, payload: vec![0x10, 0x20, 0x30] };
    assert_eq!(frame.encode().unwrap(), EXAMPLE_3);
}

#[test]
fn hex_examples_decode_back() {
    let (out, decoder) = decode(&[EXAMPLE_EMPTY.as_slice(), &EXAMPLE_3].concat());
    assert_eq!(out, [frame(0x01, 0x07, &[]), frame(0x03, 0xFF, &[0x10, 0x20, 0x30])]);
    assert_stats(&decoder, stats(2, 0, 0, 0, 25), 0);
    assert_eq!(decoder.stats().bytes_seen, 25);
}

#[test]
fn encode_rejects_long_payloads_without_truncating() {
    assert_eq!(
        encode(0, 0, &[0; MAX_PAYLOAD + 1]),
        Err(FrameError::TooLong { len: MAX_PAYLOAD + 1, max: MAX_PAYLOAD })
    );
    assert_eq!(encode(0, 0, &[0; 70_000]), Err(FrameError::TooLong { len: 70_000, max: MAX_PAYLOAD }));
    let mut out = vec![1, 2, 3];
    assert!(encode_into(&mut out, 0, 0, &[0; MAX_PAYLOAD + 1]).is_err());
    assert_eq!(out, [1, 2, 3]);
    encode_into(&mut out, 0x01, 0x07, &[]).unwrap();
    assert_eq!(out[3..], EXAMPLE_EMPTY);
    assert_eq!(
        FrameError::TooLong { len: 1025, max: 1024 }.to_string(),
        "a payload of 1025 bytes does not fit a frame: at most 1024 bytes"
    );
}

#[test]
fn good_frames_empty_and_largest() {
    let (out, decoder) = decode(&bytes(0x42, 0x01, &[]));
    assert_eq!(out, [frame(0x42, 0x01, &[])]);
    assert_stats(&decoder, stats(1, 0, 0, 0, 11), 0);

    let payload: Vec<u8> = (0..MAX_PAYLOAD).map(|i| (i * 7 + 3) as u8).collect();
    let wire = bytes(0xFF, 0xFE, &payload);
    assert_eq!(wire.len(), MAX_FRAME);
    assert_eq!(wire[4..6], [0x00, 0x04]); // len = 1024, little-endian
    let (out, decoder) = decode(&wire);
    assert_eq!(out, [frame(0xFF, 0xFE, &payload)]);
    assert_stats(&decoder, stats(1, 0, 0, 0, MAX_FRAME as u64), 0);
}

#[test]
fn pending_after_each_byte() {
    // Garbage, a repeated sync0, a broken sync, then EXAMPLE_3.
    let stream = [&[0x00, 0xA5, 0xA5, 0x00, 0xA5][..], &EXAMPLE_3].concat();
    let expected_pending = [0, 1, 1, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 0];
    let mut decoder = Decoder::new();
    let mut pending = Vec::new();
    let mut out = Vec::new();
    for &byte in &stream {
        out.extend(decoder.push(byte));
        pending.push(decoder.pending());
        assert_accounts(&decoder);
    }
    assert_eq!(pending, expected_pending);
    assert_eq!(out, [frame(0x03, 0xFF, &[0x10, 0x20, 0x30])]);
    // The 0x00, the first A5 (replaced), the A5 00 pair and the A5 before the frame's.
    assert_stats(&decoder, stats(1, 0, 0, 5, 14), 0);
}

#[test]
fn frame_split_at_every_byte_boundary() {
    let wire = bytes(0x10, 0x22, &[1, 2, 3, 4, 5, 0xA5, 0x5A]);
    for split in 0..=wire.len() {
        let mut decoder = Decoder::new();
        let first = run(&mut decoder, &wire[..split]);
        assert!(first.is_empty() || split == wire.len());
        assert_eq!(decoder.pending(), if split == wire.len() { 0 } else { split }, "split at {split}");
        let second = run(&mut decoder, &wire[split..]);
        let all: Vec<Decoded> = first.into_iter().chain(second).collect();
        assert_eq!(all, [frame(0x10, 0x22, &[1, 2, 3, 4, 5, 0xA5, 0x5A])], "split at {split}");
        assert_stats(&decoder, stats(1, 0, 0, 0, wire.len() as u64), 0);
    }
}

#[test]
fn mixed_stream_split_at_every_byte_boundary() {
    let mut bad_header = bytes(1, 1, &[9; 4]);
    bad_header[6] ^= 0x01;
    let mut bad_payload = bytes(2, 2, &[8; 4]);
    bad_payload[8] ^= 0x80;
    let stream = [
        &[0x00, 0xA5, 0x13][..],
        &bad_header,
        &bad_payload,
        &header(3, 3, 2000),
        &bytes(4, 4, &[7; 3]),
        &[0xA5, 0xA5],
        &bytes(5, 5, &[]),
    ]
    .concat();
    let (whole, reference) = decode(&stream);
    assert_eq!(
        whole,
        [
            error(DecodeErrorKind::HeaderCrc, 3),
            error(DecodeErrorKind::PayloadCrc, 3 + 15),
            error(DecodeErrorKind::TooLong { len: 2000 }, 3 + 15 + 15),
            frame(4, 4, &[7; 3]),
            frame(5, 5, &[]),
        ]
    );
    assert_stats(&reference, stats(2, 2, 1, 3 + 15 + 15 + 7 + 2, 14 + 11), 0);
    for split in 0..=stream.len() {
        let mut decoder = Decoder::new();
        let mut all = run(&mut decoder, &stream[..split]);
        all.extend(run(&mut decoder, &stream[split..]));
        assert_eq!(all, whole, "split at {split}");
        assert_eq!(decoder.stats(), reference.stats(), "split at {split}");
    }
}

#[test]
fn wrong_length_is_a_header_error_then_recovery() {
    for (len, discarded_by_rescan) in [(MAX_PAYLOAD as u16 + 1, 7), (u16::MAX, 7)] {
        let stream = [header(0x10, 0x20, len), bytes(0x11, 0x21, &[1, 2])].concat();
        let (out, decoder) = decode(&stream);
        assert_eq!(
            out,
            [error(DecodeErrorKind::TooLong { len: usize::from(len) }, 0), frame(0x11, 0x21, &[1, 2])],
            "len {len}"
        );
        assert_stats(&decoder, stats(1, 1, 0, discarded_by_rescan, 13), 0);
    }
    // With a wrong hcrc as well, the header CRC is what is reported.
    let mut stream = header(0x10, 0x20, 1025);
    stream[6] ^= 0xFF;
    let (out, decoder) = decode(&stream);
    assert_eq!(out, [error(DecodeErrorKind::HeaderCrc, 0)]);
    assert_stats(&decoder, stats(0, 1, 0, 7, 0), 0);
}

#[test]
fn bad_header_crc_drops_the_frame_and_hunts_through_it() {
    for position in 2..HEADER_LEN {
        let mut bad = bytes(0x30, 0x31, &[0x40, 0x41, 0x42]);
        bad[position] ^= 0x04;
        let stream = [bad, bytes(0x50, 0x51, &[0x60])].concat();
        let (out, decoder) = decode(&stream);
        assert_eq!(out, [error(DecodeErrorKind::HeaderCrc, 0), frame(0x50, 0x51, &[0x60])], "byte {position}");
        // The whole bad frame is discarded: none of its bytes is a sync0.
        assert_stats(&decoder, stats(1, 1, 0, 14, 12), 0);
    }
}

#[test]
fn bad_payload_crc_drops_the_frame_and_resumes_after_it() {
    let good = bytes(0x50, 0x51, &[0x60]);
    for position in HEADER_LEN..HEADER_LEN + 3 + TRAILER_LEN {
        // The payload hides a complete frame: after a CRC error it is not re-scanned.
        let mut bad = bytes(0x30, 0x31, &[0xA5, 0x5A, 0x00]);
        bad[position] ^= 0x01;
        let stream = [&[0x00][..], &bad, &good].concat();
        let (out, decoder) = decode(&stream);
        assert_eq!(out, [error(DecodeErrorKind::PayloadCrc, 1), frame(0x50, 0x51, &[0x60])], "byte {position}");
        assert_stats(&decoder, stats(1, 0, 1, 1 + 14, 12), 0);
    }
}

#[test]
fn a_payload_crc_error_does_not_rescan_the_payload() {
    // The payload is a complete valid frame; the outer frame's CRC is broken.
    let inner = bytes(0x77, 0x78, &[1]);
    let mut outer = bytes(0x30, 0x31, &inner);
    let last = outer.len() - 1;
    outer[last] ^= 0x01;
    let (out, decoder) = decode(&outer);
    assert_eq!(out, [error(DecodeErrorKind::PayloadCrc, 0)]);
    assert_stats(&decoder, stats(0, 0, 1, outer.len() as u64, 0), 0);
}

#[test]
fn garbage_before_the_sync_is_discarded() {
    let garbage = [0x00, 0x5A, 0xFF, 0xA5, 0x00, 0x13, 0x5A, 0xA5, 0x5B];
    let stream = [&garbage[..], &EXAMPLE_3].concat();
    let (out, decoder) = decode(&stream);
    assert_eq!(out, [frame(0x03, 0xFF, &[0x10, 0x20, 0x30])]);
    assert_stats(&decoder, stats(1, 0, 0, garbage.len() as u64, 14), 0);
}

#[test]
fn repeated_sync0_counts_as_a_new_sync0() {
    for extra in 1..=3 {
        let stream = [vec![0xA5; extra], EXAMPLE_EMPTY.to_vec()].concat();
        let (out, decoder) = decode(&stream);
        assert_eq!(out, [frame(0x01, 0x07, &[])]);
        assert_stats(&decoder, stats(1, 0, 0, extra as u64, 11), 0);
    }
}

#[test]
fn recovery_after_bad_frames() {
    let mut bad_payload = bytes(1, 1, &[0; 10]);
    bad_payload[10] = 0xEE;
    let mut bad_header = bytes(2, 2, &[0; 10]);
    bad_header[4] = 0x03; // len 10 -> 3 with the old hcrc
    let stream = [bad_payload, bad_header, vec![0xA5, 0x5A, 0x00], bytes(3, 3, &[3; 3]), bytes(4, 4, &[])].concat();
    let (out, decoder) = decode(&stream);
    // The truncated header A5 5A 00 swallows the next frame's first 4 bytes as its
    // header; that header fails, and its re-scan finds the frame's sync in them.
    assert_eq!(
        out,
        [
            error(DecodeErrorKind::PayloadCrc, 0),
            error(DecodeErrorKind::HeaderCrc, 21),
            error(DecodeErrorKind::HeaderCrc, 42),
            frame(3, 3, &[3; 3]),
            frame(4, 4, &[]),
        ]
    );
    assert_stats(&decoder, stats(2, 2, 1, 21 + 21 + 3, 14 + 11), 0);
}

#[test]
fn a_frame_hidden_in_a_corrupted_header_is_found_by_the_rescan() {
    let hidden = bytes(0x12, 0x34, &[0x56, 0x78]);
    // A5 5A, then `lead` bytes, then the hidden frame: the hidden sync0 is header byte
    // `lead` of the corrupted frame (lead = 4: only its sync0 is in the header).
    for lead in 0..=4 {
        let stream = [&[0xA5, 0x5A][..], &vec![0x00; lead], &hidden].concat();
        let corrupted_header = &stream[2..7];
        assert_ne!(header_crc(&corrupted_header[..4]), corrupted_header[4], "lead {lead}: precondition");
        let (out, decoder) = decode(&stream);
        assert_eq!(out, [error(DecodeErrorKind::HeaderCrc, 0), frame(0x12, 0x34, &[0x56, 0x78])], "lead {lead}");
        assert_stats(&decoder, stats(1, 1, 0, 2 + lead as u64, hidden.len() as u64), 0);
    }
}

#[test]
fn rescans_nest() {
    // Sync0s at offsets 0, 3 and 5 each open a header that fails and whose re-scan finds
    // the next; the frame at offset 7 is delivered.
    let stream = [&[0xA5, 0x5A, 0x00, 0xA5, 0x5A, 0xA5, 0x5A][..], &EXAMPLE_3].concat();
    for start in [0, 3, 5] {
        let h = &stream[start + 2..start + 7];
        assert_ne!(header_crc(&h[..4]), h[4], "precondition at {start}");
    }
    let mut decoder = Decoder::new();
    let first = run(&mut decoder, &stream[..7]);
    // The first header is complete and rejected; its re-scan holds A5 5A A5 5A from 3.
    assert_eq!(first, [error(DecodeErrorKind::HeaderCrc, 0)]);
    assert_eq!(decoder.pending(), 4);
    let out = run(&mut decoder, &stream[7..]);
    assert_eq!(
        out,
        [
            error(DecodeErrorKind::HeaderCrc, 3),
            error(DecodeErrorKind::HeaderCrc, 5),
            frame(0x03, 0xFF, &[0x10, 0x20, 0x30]),
        ]
    );
    assert_stats(&decoder, stats(1, 3, 0, 7, 14), 0);
}

#[test]
fn a_plausible_header_in_garbage_swallows_what_follows_until_flushed() {
    // The limit of resynchronisation: garbage that holds a sync and a header with a
    // right hcrc makes the decoder read `len` + 4 more bytes, here the next frame and
    // part of a flush of zeros. MAX_FRAME zeros always end such a phantom frame.
    let stream = [header(0x00, 0x00, 1024), EXAMPLE_3.to_vec()].concat();
    let (out, mut decoder) = decode(&stream);
    assert!(out.is_empty());
    assert_eq!(decoder.pending(), 7 + 14);
    let out = run(&mut decoder, &[0; MAX_FRAME]);
    assert_eq!(out, [error(DecodeErrorKind::PayloadCrc, 0)]);
    // The phantom frame (MAX_FRAME bytes, 21 of them before the flush) and the last 21
    // zeros of the flush are discarded.
    let discarded = (MAX_FRAME + 21) as u64;
    assert_stats(&decoder, stats(0, 0, 1, discarded, 0), 0);
    let out = run(&mut decoder, &EXAMPLE_3);
    assert_eq!(out, [frame(0x03, 0xFF, &[0x10, 0x20, 0x30])]);
    assert_stats(&decoder, stats(1, 0, 1, discarded, 14), 0);
}

#[test]
fn errors_name_their_numbers() {
    assert_eq!(
        DecodeError { kind: DecodeErrorKind::TooLong { len: 2000 }, offset: 42 }.to_string(),
        "the frame at stream offset 42 announces a 2000-byte payload: at most 1024 bytes"
    );
    assert_eq!(
        DecodeError { kind: DecodeErrorKind::HeaderCrc, offset: 7 }.to_string(),
        "header CRC error in the frame at stream offset 7"
    );
    assert_eq!(
        DecodeError { kind: DecodeErrorKind::PayloadCrc, offset: 0 }.to_string(),
        "CRC error in the frame at stream offset 0: dropped"
    );
}
