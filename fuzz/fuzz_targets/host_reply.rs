//! The host's reply parsers: `Ack::parse` for each command's reply (with `reply::split`,
//! `DeviceInfo::parse` and `DeviceStatus::parse` inside it) and `OutputFrame::parse`.
//! Byte 0 picks the parser (0..=10: the reply to `Opcode::ALL[b]`, else an output frame)
//! and byte 1 the neuron count of the output frame's core (16..=1024); the rest is the
//! payload. No panic; what parses re-encodes (`Ack::encode`, `OutputFrame::encode`) to
//! a payload that parses to the same value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ncx_fuzz::Bytes;
use ncx_model::device::{Ack, MAX_PROBES, Opcode, OutputFrame};

fuzz_target!(|data: &[u8]| {
    let mut input = Bytes::new(data);
    let which = input.u8();
    let neurons = 16usize << (input.u8() % 7);
    let payload = input.rest();
    match Opcode::ALL.get(usize::from(which % 12)) {
        Some(&op) => match Ack::parse(op, payload) {
            Ok(ack) => {
                assert_eq!(ack.opcode(), op);
                let bytes = ack.encode();
                assert_eq!(Ack::parse(op, &bytes).as_ref(), Ok(&ack), "re-encoded {bytes:02x?}");
                if let Ack::Hello(info) = &ack {
                    let _ = (info.baud(), info.widths_match());
                }
            }
            Err(e) => {
                let _ = e.to_string();
            }
        },
        None => {
            let _ = OutputFrame::format_of(payload);
            match OutputFrame::parse(payload, neurons) {
                Ok(frame) => {
                    assert!(frame.spikes.windows(2).all(|w| w[0] < w[1]));
                    assert!(frame.spikes.iter().all(|&s| usize::from(s) < neurons));
                    if frame.probes.len() <= MAX_PROBES {
                        let bytes = frame.encode(neurons);
                        assert_eq!(OutputFrame::parse(&bytes, neurons).as_ref(), Ok(&frame), "re-encoded {bytes:02x?}");
                    }
                }
                Err(e) => {
                    let _ = e.to_string();
                }
            }
        }
    }
});
