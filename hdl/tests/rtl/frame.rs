//! Co-simulation of the ncx/1 frame layer RTL (`hdl/rtl/ncx_frame_rx.sv`,
//! `ncx_frame_tx.sv`, `ncx_byte_fifo.sv`, `ncx_crc8.sv`, `ncx_crc32.sv`, through the
//! `ncx_frame_loop` top) against the executable spec in `ncx_model::wire`: the decoder
//! must report the same frames, errors (kind and stream offset) and counters as
//! `wire::Decoder` for any stream, and the encoder must send the bytes of `wire::encode`.
//!
//! Timing claims checked here are the ones in the RTL headers: a frame is valid in the
//! cycle after the decoder takes its last byte; a header error re-scans for 5 cycles; the
//! FIFO passes a byte through when empty; the encoder starts one cycle after its start
//! and sends one byte per cycle while its consumer is ready.

#[cfg(have_verilator)]
mod rtl {
    use ncx_hdl::frame::{Event, FeedReport, FrameSim};
    use ncx_model::wire::{
        DecodeError, DecodeErrorKind, Decoded, Decoder, DecoderStats, Frame, MAX_FRAME, MAX_PAYLOAD, encode, frame_crc,
        header_crc,
    };
    use proptest::prelude::*;

    /// The §2 examples.
    const EXAMPLE_EMPTY: [u8; 11] = [0xA5, 0x5A, 0x01, 0x07, 0x00, 0x00, 0x00, 0x14, 0xE6, 0x95, 0x66];
    const EXAMPLE_3: [u8; 14] = [0xA5, 0x5A, 0x03, 0xFF, 0x03, 0x00, 0x2E, 0x10, 0x20, 0x30, 0x67, 0x8F, 0x99, 0x10];

    /// The Rust decoder's results for `stream`.
    fn model(stream: &[u8]) -> (Vec<Decoded>, DecoderStats) {
        let mut decoder = Decoder::new();
        let mut out = Vec::new();
        decoder.feed(stream, |d| out.push(d));
        (out, decoder.stats())
    }

    fn decoded(report: &FeedReport) -> Vec<Decoded> {
        report.events.iter().map(|e| e.decoded.clone()).collect()
    }

    /// Feeds `stream` to a fresh RTL with the given gaps and holds and checks frames,
    /// errors and counters against the Rust decoder. Returns the report.
    fn check_with(
        stream: &[u8],
        gap: impl FnMut(usize) -> u64,
        hold: impl FnMut(usize) -> u64,
    ) -> (FeedReport, DecoderStats) {
        let mut sim = FrameSim::new().unwrap();
        let report = sim.feed(stream, gap, hold).unwrap();
        let (want, want_stats) = model(stream);
        assert_eq!(decoded(&report), want, "frames and errors");
        let stats = sim.stats();
        assert_eq!(stats, want_stats, "counters");
        assert_eq!(report.fifo_taken.len(), stream.len());
        assert_eq!(report.decoder_taken.len(), stream.len());
        // Every delivered frame reports its trailer.
        for event in &report.events {
            if let Decoded::Frame(f) = &event.decoded {
                let mut body = vec![f.opcode, f.seq];
                body.extend_from_slice(&(f.payload.len() as u16).to_le_bytes());
                body.push(header_crc(&body));
                body.extend_from_slice(&f.payload);
                assert_eq!(event.crc, frame_crc(&body), "the trailer of {f:?}");
            }
        }
        (report, stats)
    }

    /// As `check_with`, bytes back to back, frames acknowledged at once.
    fn check(stream: &[u8]) -> (FeedReport, DecoderStats) {
        check_with(stream, |_| 0, |_| 0)
    }

    fn frame(opcode: u8, seq: u8, payload: &[u8]) -> Decoded {
        Decoded::Frame(Frame { opcode, seq, payload: payload.to_vec() })
    }

    fn error(kind: DecodeErrorKind, offset: u64) -> Decoded {
        Decoded::Error(DecodeError { kind, offset })
    }

    // --- §2: the hex examples, both ways ------------------------------------------------

    #[test]
    fn the_section_2_examples_decode() {
        let mut stream = EXAMPLE_EMPTY.to_vec();
        stream.extend_from_slice(&EXAMPLE_3);
        let (report, stats) = check(&stream);
        assert_eq!(decoded(&report), [frame(0x01, 0x07, &[]), frame(0x03, 0xFF, &[0x10, 0x20, 0x30])]);
        assert_eq!([report.events[0].crc, report.events[1].crc], [0x6695_E614, 0x1099_8F67]);
        assert_eq!(stats.frame_bytes, 25);
        assert_eq!(stats.bytes_discarded, 0);
    }

    #[test]
    fn the_section_2_examples_encode() {
        let mut sim = FrameSim::new().unwrap();
        assert_eq!(sim.send(0x01, 0x07, &[], |_| true).unwrap().bytes, EXAMPLE_EMPTY);
        assert_eq!(sim.send(0x03, 0xFF, &[0x10, 0x20, 0x30], |_| true).unwrap().bytes, EXAMPLE_3);
    }

    // --- §3: every rule ------------------------------------------------------------------

    #[test]
    fn garbage_before_the_sync_is_discarded() {
        let mut stream = vec![0x00, 0x5A, 0xFF, 0xA5, 0x00, 0x5A, 0x13];
        stream.extend_from_slice(&EXAMPLE_3);
        let (report, stats) = check(&stream);
        assert_eq!(decoded(&report), [frame(0x03, 0xFF, &[0x10, 0x20, 0x30])]);
        assert_eq!(stats.bytes_discarded, 7);
    }

    #[test]
    fn a5_a5_5a_is_a_sync() {
        // One, two or three extra sync0s before a frame: each replaces the held one.
        for extra in 1..=3 {
            let mut stream = vec![0xA5; extra];
            stream.extend_from_slice(&EXAMPLE_3);
            let (report, stats) = check(&stream);
            assert_eq!(decoded(&report), [frame(0x03, 0xFF, &[0x10, 0x20, 0x30])]);
            assert_eq!(stats.bytes_discarded, extra as u64);
        }
    }

    #[test]
    fn a_bad_header_crc_is_a_header_error_at_the_sync_offset() {
        let mut stream = vec![0x00, 0x00];
        let mut bad = EXAMPLE_3;
        bad[6] ^= 0x01;
        stream.extend_from_slice(&bad);
        stream.extend_from_slice(&EXAMPLE_EMPTY);
        let (report, stats) = check(&stream);
        assert_eq!(decoded(&report), [error(DecodeErrorKind::HeaderCrc, 2), frame(0x01, 0x07, &[])]);
        assert_eq!((stats.header_errors, stats.bytes_discarded), (1, 2 + 14));
    }

    #[test]
    fn a_length_over_1024_is_a_header_error() {
        for len in [1025u16, 2047, 2048, 0xFFFF] {
            let mut fields = vec![0x04, 0x09];
            fields.extend_from_slice(&len.to_le_bytes());
            let mut stream = vec![0xA5, 0x5A];
            stream.extend_from_slice(&fields);
            stream.push(header_crc(&fields));
            stream.extend_from_slice(&EXAMPLE_EMPTY);
            let (report, _) = check(&stream);
            assert_eq!(
                decoded(&report),
                [error(DecodeErrorKind::TooLong { len: usize::from(len) }, 0), frame(0x01, 0x07, &[])]
            );
        }
    }

    #[test]
    fn a_frame_hidden_behind_a_corrupted_header_is_found() {
        // A sync and 3 header bytes of a frame inside the 5 header bytes of a frame whose
        // hcrc is wrong: the re-scan finds the inner frame's start.
        let inner = encode(0x05, 0x06, &[0xAA; 20]).unwrap();
        let mut stream = vec![0xA5, 0x5A, 0x00];
        stream.extend_from_slice(&inner[..4]); // A5 5A 05 06: the 4 remaining header bytes
        stream.extend_from_slice(&inner[4..]);
        let (report, stats) = check(&stream);
        assert_eq!(decoded(&report), [error(DecodeErrorKind::HeaderCrc, 0), frame(0x05, 0x06, &[0xAA; 20])]);
        assert_eq!(stats.bytes_discarded, 3);
        // Every placement of the hidden sync in the corrupted header.
        for at in 0..4 {
            let mut stream = vec![0xA5, 0x5A];
            stream.extend(std::iter::repeat_n(0x77, at));
            stream.extend_from_slice(&inner);
            check(&stream);
        }
    }

    #[test]
    fn a_bad_frame_crc_drops_the_frame_and_the_next_one_is_delivered() {
        for flip in 7..14 {
            let mut stream = EXAMPLE_3.to_vec();
            stream[flip] ^= 0x80;
            stream.extend_from_slice(&EXAMPLE_EMPTY);
            let (report, stats) = check(&stream);
            assert_eq!(decoded(&report), [error(DecodeErrorKind::PayloadCrc, 0), frame(0x01, 0x07, &[])]);
            assert_eq!((stats.crc_errors, stats.bytes_discarded, stats.frame_bytes), (1, 14, 11));
        }
    }

    #[test]
    fn largest_and_empty_payloads() {
        let big: Vec<u8> = (0..MAX_PAYLOAD).map(|i| (i * 7 + 3) as u8).collect();
        let mut stream = encode(0x11, 0x22, &big).unwrap();
        stream.extend(encode(0x33, 0x44, &[]).unwrap());
        stream.extend(encode(0x55, 0x66, &big[..1]).unwrap());
        let (report, _) = check(&stream);
        assert_eq!(decoded(&report), [frame(0x11, 0x22, &big), frame(0x33, 0x44, &[]), frame(0x55, 0x66, &big[..1])]);
    }

    #[test]
    fn a_phantom_frame_is_flushed_by_max_frame_zeros() {
        // Garbage with a valid header announcing 1024 bytes swallows what follows; a flush
        // of MAX_FRAME zeros ends it and the next frame is delivered.
        let fields = [0x01, 0x02, 0x00, 0x04];
        let mut stream = vec![0xA5, 0x5A];
        stream.extend_from_slice(&fields);
        stream.push(header_crc(&fields));
        stream.extend_from_slice(&EXAMPLE_3);
        stream.extend(std::iter::repeat_n(0u8, MAX_FRAME));
        stream.extend_from_slice(&EXAMPLE_EMPTY);
        let (report, _) = check(&stream);
        assert_eq!(decoded(&report).last(), Some(&frame(0x01, 0x07, &[])));
    }

    // --- Timing ---------------------------------------------------------------------------

    #[test]
    fn a_frame_is_valid_in_the_cycle_after_its_last_byte_and_the_empty_fifo_passes_bytes_through() {
        let stream = encode(0x03, 0x01, &[1, 2, 3, 4, 5]).unwrap();
        for gap in [0u64, 1, 7, 40] {
            let (report, _) = check_with(&stream, |k| if k == 0 { 3 } else { gap }, |_| 0);
            // With gaps the FIFO is empty at every byte: the decoder takes it in the cycle
            // it is offered. Back to back, too (the decoder is always ready).
            assert_eq!(report.fifo_taken, report.decoder_taken, "gap {gap}");
            assert_eq!(report.max_fifo, 0);
            assert_eq!(report.events[0].cycle, report.decoder_taken[stream.len() - 1] + 1);
        }
    }

    #[test]
    fn a_header_error_strobes_in_the_next_cycle_and_re_scans_for_5_cycles() {
        let mut stream = EXAMPLE_3.to_vec();
        stream[6] ^= 0xFF;
        stream.extend_from_slice(&EXAMPLE_EMPTY);
        let (report, _) = check(&stream);
        let taken = &report.decoder_taken;
        assert_eq!(report.events[0].cycle, taken[6] + 1);
        // The re-scan occupies cycles taken[6] + 1 .. taken[6] + 5; the next byte, waiting
        // in the FIFO, is taken right after.
        assert_eq!(taken[7], taken[6] + 6);
        assert!(report.max_fifo > 0);
        assert_eq!(report.events[1].cycle, taken[taken.len() - 1] + 1);
    }

    #[test]
    fn a_crc_error_strobes_in_the_next_cycle_and_never_holds() {
        let mut stream = EXAMPLE_3.to_vec();
        stream[9] ^= 1;
        stream.extend_from_slice(&EXAMPLE_EMPTY);
        let (report, _) = check(&stream);
        let taken = &report.decoder_taken;
        assert_eq!(report.events[0].cycle, taken[13] + 1);
        assert_eq!(taken[14], taken[13] + 1);
    }

    // --- Holding (§10.1 rule 3) and the FIFO -------------------------------------------

    #[test]
    fn while_a_frame_is_held_no_frame_is_delivered_and_no_byte_is_lost() {
        // Ten frames back to back, each held 300 cycles: the bytes pile up in the FIFO
        // and every frame comes out, in order, each after the previous acknowledge.
        let frames: Vec<Frame> = (0..10u8)
            .map(|k| Frame {
                opcode: k,
                seq: k.wrapping_mul(37),
                payload: (0..u16::from(k) * 30).map(|i| i as u8).collect(),
            })
            .collect();
        let stream: Vec<u8> = frames.iter().flat_map(|f| f.encode().unwrap()).collect();
        let (report, _) = check_with(&stream, |_| 0, |_| 300);
        assert!(report.max_fifo > 1000, "the FIFO held {} bytes at most", report.max_fifo);
        let cycles: Vec<u64> = report.events.iter().map(|e: &Event| e.cycle).collect();
        for pair in cycles.windows(2) {
            assert!(pair[1] > pair[0] + 300, "{cycles:?}");
        }
    }

    #[test]
    fn the_fifo_fills_to_depth_plus_one_then_refuses_and_drains_in_order() {
        let mut sim = FrameSim::new().unwrap();
        // Deliver a frame and do not acknowledge it.
        for &b in &EXAMPLE_EMPTY {
            sim.set_in(Some(b));
            sim.step();
        }
        sim.set_in(None);
        sim.step();
        assert!(sim.outputs().frame.is_some());
        // 2049 bytes fit (2048 in the RAM, one in the head register); the next is refused.
        let filler: Vec<u8> = (0..2049u32).map(|i| (i % 251) as u8).collect();
        for &b in &filler {
            sim.set_in(Some(b));
            assert!(sim.outputs().in_ready);
            sim.step();
        }
        sim.set_in(Some(0xA5));
        let o = sim.outputs();
        assert!(!o.in_ready && o.fifo_overflow && o.fifo_count == 2049, "{o:?}");
        sim.step();
        sim.set_in(None);
        assert!(!sim.outputs().fifo_overflow);
        // Acknowledge; the decoder then takes the bytes one per cycle, in order.
        sim.set_ack(true);
        sim.step();
        sim.set_ack(false);
        let mut taken = Vec::new();
        for _ in 0..3000 {
            let o = sim.outputs();
            if o.rx_valid && o.rx_ready {
                taken.push(sim.cycle());
            }
            sim.step();
        }
        let stats = sim.stats();
        assert_eq!(stats.bytes_seen, 11 + 2049);
        assert_eq!(stats.bytes_discarded, 2049);
        assert_eq!(sim.outputs().fifo_count, 0);
        // One byte per cycle, from the cycle after the acknowledge.
        assert_eq!(taken.len(), 2049);
        assert!(taken.windows(2).all(|w| w[1] == w[0] + 1), "{taken:?}");
    }

    // --- The encoder ----------------------------------------------------------------------

    #[test]
    fn the_encoder_sends_one_byte_per_cycle_from_the_cycle_after_its_start() {
        let mut sim = FrameSim::new().unwrap();
        for len in [0usize, 1, 2, 5, 300, MAX_PAYLOAD] {
            let payload: Vec<u8> = (0..len).map(|i| (i * 13 + 1) as u8).collect();
            let sent = sim.send(0x83, 0x10, &payload, |_| true).unwrap();
            assert_eq!(sent.bytes, encode(0x83, 0x10, &payload).unwrap());
            let want: Vec<u64> = (0..len as u64 + 11).map(|k| sent.start + 1 + k).collect();
            assert_eq!(sent.taken, want, "len {len}");
            // Idle again in the cycle after the last byte is taken.
            assert_eq!(sim.cycle(), sent.start + len as u64 + 12);
        }
    }

    #[test]
    fn a_start_with_a_length_over_1024_is_ignored() {
        let mut sim = FrameSim::new().unwrap();
        sim.set_out_ready(true);
        assert!(sim.start_tx(0x01, 0x02, 1025));
        for _ in 0..20 {
            let o = sim.outputs();
            assert!(o.tx_idle && o.out.is_none(), "{o:?}");
            sim.step();
        }
    }

    #[test]
    fn encoder_bytes_loop_back_through_the_decoder() {
        let mut sim = FrameSim::new().unwrap();
        let mut stream = Vec::new();
        for k in 0..5u8 {
            let payload: Vec<u8> = (0..u16::from(k) * 100).map(|i| (i >> 1) as u8 ^ k).collect();
            stream.extend(sim.send(0xC0 | k, k, &payload, |c| c % 3 != 0).unwrap().bytes);
        }
        let (report, _) = check(&stream);
        assert_eq!(report.events.len(), 5);
        assert!(report.events.iter().all(|e| matches!(e.decoded, Decoded::Frame(_))));
    }

    // --- Properties -----------------------------------------------------------------------

    /// One piece of a random stream.
    #[derive(Debug, Clone)]
    enum Piece {
        Frame {
            opcode: u8,
            seq: u8,
            payload: Vec<u8>,
        },
        Noise(Vec<u8>),
        /// Bytes that look like the start of a frame (A5 5A and a few more).
        Sync(Vec<u8>),
    }

    fn piece() -> impl Strategy<Value = Piece> {
        prop_oneof![
            4 => (any::<u8>(), any::<u8>(), prop_oneof![
                    8 => prop::collection::vec(any::<u8>(), 0..40),
                    1 => prop::collection::vec(any::<u8>(), 200..=MAX_PAYLOAD),
                ]).prop_map(|(opcode, seq, payload)| Piece::Frame { opcode, seq, payload }),
            1 => prop::collection::vec(prop_oneof![3 => any::<u8>(), 1 => Just(0xA5u8), 1 => Just(0x5Au8)], 0..12)
                .prop_map(Piece::Noise),
            1 => prop::collection::vec(any::<u8>(), 0..6).prop_map(|tail| {
                let mut bytes = vec![0xA5, 0x5A];
                bytes.extend(tail);
                Piece::Sync(bytes)
            }),
        ]
    }

    /// A stream of pieces with corruptions: (byte index, XOR mask) pairs.
    fn stream() -> impl Strategy<Value = Vec<u8>> {
        (prop::collection::vec(piece(), 1..8), prop::collection::vec((any::<prop::sample::Index>(), 1..=255u8), 0..4))
            .prop_map(|(pieces, flips)| {
                let mut bytes = Vec::new();
                for p in pieces {
                    match p {
                        Piece::Frame { opcode, seq, payload } => bytes.extend(encode(opcode, seq, &payload).unwrap()),
                        Piece::Noise(b) | Piece::Sync(b) => bytes.extend(b),
                    }
                }
                if !bytes.is_empty() {
                    for (at, mask) in flips {
                        let i = at.index(bytes.len());
                        bytes[i] ^= mask;
                    }
                }
                bytes
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// Random frames, noise, sync fragments and corrupted bytes, with random gaps and
        /// holds: the RTL reports the same frames, errors and counters as wire::Decoder.
        #[test]
        fn random_streams_decode_as_the_model_decodes(
            bytes in stream(),
            gaps in prop::collection::vec(prop_oneof![3 => Just(0u64), 1 => 1..4u64, 1 => 20..60u64], 1..16),
            holds in prop::collection::vec(0..80u64, 1..8),
        ) {
            let (report, _) = check_with(&bytes, |k| gaps[k % gaps.len()], |n| holds[n % holds.len()]);
            // A frame is always valid in the cycle after the decoder took its last byte.
            for e in &report.events {
                prop_assert!(report.decoder_taken.contains(&(e.cycle - 1)));
            }
        }

        /// The encoder's bytes are wire::encode's, for any opcode, seq and payload, under
        /// random back-pressure.
        #[test]
        fn the_encoder_writes_what_encode_writes(
            opcode in any::<u8>(),
            seq in any::<u8>(),
            payload in prop_oneof![4 => prop::collection::vec(any::<u8>(), 0..64),
                                   1 => prop::collection::vec(any::<u8>(), 0..=MAX_PAYLOAD)],
            ready in prop::collection::vec(any::<bool>(), 1..8),
        ) {
            let mut sim = FrameSim::new().unwrap();
            let sent = sim.send(opcode, seq, &payload, |c| ready[(c % ready.len() as u64) as usize] || c % 11 == 0).unwrap();
            prop_assert_eq!(sent.bytes, encode(opcode, seq, &payload).unwrap());
        }
    }
}
