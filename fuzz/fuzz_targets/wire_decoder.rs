//! The ncx/1 frame decoder (`ncx_model::wire::Decoder`), which the host and the device
//! model both use on the bytes of the line. The first byte chooses how the rest is cut
//! into chunks; the decoder must never panic, must give the same results whatever the
//! chunking, must keep its byte accounting (`frame_bytes + bytes_discarded + pending ==
//! bytes_seen`), hold at most one frame, and deliver only frames that re-encode to the
//! bytes they came from.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ncx_fuzz::Bytes;
use ncx_model::wire::{Decoded, Decoder, HEADER_LEN, MAX_FRAME, MAX_PAYLOAD, TRAILER_LEN, encode};

fuzz_target!(|data: &[u8]| {
    let mut input = Bytes::new(data);
    let chunk = usize::from(input.u8()) + 1;
    let stream = input.rest();

    // Byte by byte, with the invariants checked after every byte.
    let mut one = Decoder::new();
    let mut by_byte = Vec::new();
    let mut frames_end = Vec::new();
    for (at, &byte) in stream.iter().enumerate() {
        if let Some(decoded) = one.push(byte) {
            if let Decoded::Frame(frame) = &decoded {
                assert!(frame.payload.len() <= MAX_PAYLOAD);
                let bytes = encode(frame.opcode, frame.seq, &frame.payload).expect("a delivered frame re-encodes");
                let start = at + 1 - bytes.len();
                assert_eq!(&stream[start..=at], &bytes[..], "a delivered frame is the bytes it came from");
                frames_end.push(at);
            }
            by_byte.push(decoded);
        }
        let s = one.stats();
        assert!(one.pending() <= MAX_FRAME);
        assert_eq!(s.frame_bytes + s.bytes_discarded + one.pending() as u64, s.bytes_seen);
        assert_eq!(s.bytes_seen, at as u64 + 1);
    }
    let s = one.stats();
    assert_eq!(s.frames as usize, frames_end.len());
    assert_eq!(
        (s.header_errors + s.crc_errors) as usize,
        by_byte.iter().filter(|d| matches!(d, Decoded::Error(_))).count()
    );
    assert!(s.frame_bytes >= s.frames * (HEADER_LEN + TRAILER_LEN) as u64);

    // In chunks: the same results and counters.
    let mut chunked = Decoder::new();
    let mut by_chunk = Vec::new();
    for piece in stream.chunks(chunk) {
        chunked.feed(piece, |d| by_chunk.push(d));
    }
    assert_eq!(by_byte, by_chunk);
    assert_eq!(one.stats(), chunked.stats());
    assert_eq!(one.pending(), chunked.pending());
    for d in &by_byte {
        if let Decoded::Error(e) = d {
            let _ = e.to_string();
        }
    }
});
