//! The device model's command layer (`ncx_model::device::Device`, and its cycle-timed
//! wrapper `TimedDevice`) fed a sequence of commands and raw bytes. The input is a
//! script (bytes 0 and 1: the device; then items, each a tag and its operands):
//!
//! - byte 0: bits 0-1 the geometry (16x16, 32x16, 16x32, 16x64), bits 2-3 the device
//!   (0, 1: plain; 2: timed; 3: both, compared), bits 4-7 input slots - 1;
//! - byte 1: output frames kept for RESEND (mod 17);
//! - tag `0x00..=0x7F`: a command frame — opcode `Opcode::ALL[tag & 15]` (12..15: the
//!   next byte, any opcode), seq, a u16 payload length (mod 1100) and the payload; tag
//!   bit 6 corrupts one byte of the frame (u16 position, xor byte), bit 5 sends it twice;
//! - tag `0x80..=0xBF`: `tag & 63` raw bytes;
//! - tag `0xC0..=0xDF`: an INPUT for the timestep the device is at, with `tag & 31` input
//!   indices (u16 each, reduced modulo M);
//! - tag `0xE0..=0xFF`: plain device: hold (bit 0) or release the core; timed device:
//!   let a u16 number of byte times pass; both: nothing.
//!
//! Nothing may panic, and what the device sends must be a clean ncx/1 stream: frames
//! only (no CRC or header errors), every reply an ACK or NAK that the host's parsers
//! (`Ack::parse`, `reply::split`) accept, every output frame one that
//! `OutputFrame::parse` accepts. The plain device answers every command frame it
//! decodes with exactly one reply. In mode 3 the timed device is given all the time it
//! needs after every piece the host sends (`settle`), and must then send exactly the
//! plain device's bytes (docs/protocol.md §10.1: the timing decides only when).
#![no_main]

use libfuzzer_sys::fuzz_target;
use ncx_fuzz::{Bytes, small_geometry};
use ncx_model::Cycle;
use ncx_model::device::reply::split;
use ncx_model::device::{
    Ack, Device, DeviceConfig, OUTPUT_OPCODE, Opcode, OutputFrame, REPLY_BIT, ReplyError, StatusCode, TimedDevice,
    request,
};
use ncx_model::wire::{Decoded, Decoder, encode};

enum Dut {
    Plain(Device),
    Timed(Box<TimedDevice>, u64),
    Both(Device, Box<TimedDevice>, u64),
}

impl Dut {
    fn device(&self) -> &Device {
        match self {
            Dut::Plain(d) => d,
            Dut::Timed(t, _) => t.device(),
            Dut::Both(d, _, _) => d,
        }
    }

    fn send(&mut self, bytes: &[u8]) {
        match self {
            Dut::Plain(d) => d.receive(bytes),
            Dut::Timed(t, now) => {
                t.receive_at(Cycle(*now), bytes);
                *now += t.byte_time() * bytes.len() as u64;
                t.advance_to(Cycle(*now));
            }
            Dut::Both(d, t, now) => {
                d.receive(bytes);
                t.receive_at(Cycle(*now), bytes);
                *now = t.settle().0;
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut input = Bytes::new(data);
    let setup = input.u8();
    let geometry = small_geometry(setup);
    let config =
        DeviceConfig { input_slots: 1 + (setup >> 4), output_history: input.u8() % 17, ..DeviceConfig::default() };
    let device = Device::new(geometry, config);
    let mut dut = match setup >> 2 & 3 {
        0 | 1 => Dut::Plain(device),
        2 => Dut::Timed(Box::new(TimedDevice::new(device)), 0),
        _ => Dut::Both(device.clone(), Box::new(TimedDevice::new(device)), 0),
    };

    while !input.is_empty() {
        let tag = input.u8();
        match tag {
            0x00..=0x7F => {
                let opcode = match Opcode::ALL.get(usize::from(tag & 15)) {
                    Some(&op) => op as u8,
                    None => input.u8(),
                };
                let seq = input.u8();
                let len = usize::from(input.u16()) % 1100;
                let payload = input.take(len);
                let Ok(mut frame) = encode(opcode, seq, payload) else { continue };
                if tag & 0x40 != 0 {
                    let at = usize::from(input.u16()) % frame.len();
                    frame[at] ^= input.u8() | 1;
                }
                dut.send(&frame);
                if tag & 0x20 != 0 {
                    dut.send(&frame);
                }
            }
            0x80..=0xBF => {
                let raw = input.take(usize::from(tag & 63));
                dut.send(raw);
            }
            0xC0..=0xDF => {
                let m = geometry.inputs() as u16;
                let inputs: Vec<u16> = (0..tag & 31).map(|_| input.u16() % m).collect();
                let timestep = dut.device().status().timestep;
                let seq = input.u8();
                let frame = encode(Opcode::Input as u8, seq, &request::input(timestep, &inputs)).expect("fits");
                dut.send(&frame);
            }
            0xE0..=0xFF => match &mut dut {
                Dut::Plain(d) => d.set_hold(tag & 1 != 0),
                Dut::Timed(t, now) => {
                    *now += t.byte_time() * u64::from(input.u16());
                    t.advance_to(Cycle(*now));
                }
                Dut::Both(..) => {}
            },
        }
    }

    let (tx, commands) = match dut {
        Dut::Plain(mut d) => {
            let mut tx = Vec::new();
            d.drain_tx(&mut tx);
            let s = d.decoder_stats();
            assert!(s.frame_bytes + s.bytes_discarded <= s.bytes_seen);
            (tx, Some(s.frames))
        }
        Dut::Timed(mut t, _) => {
            t.settle();
            let mut timed = Vec::new();
            t.drain_tx(&mut timed);
            assert!(timed.windows(2).all(|w| w[0].0 < w[1].0), "bytes leave one at a time, in order");
            (timed.into_iter().map(|(_, b)| b).collect(), None)
        }
        Dut::Both(mut d, mut t, _) => {
            let mut tx = Vec::new();
            d.drain_tx(&mut tx);
            t.settle();
            let mut timed = Vec::new();
            t.drain_tx(&mut timed);
            let timed: Vec<u8> = timed.into_iter().map(|(_, b)| b).collect();
            if timed != tx {
                let at = tx.iter().zip(&timed).take_while(|(a, b)| a == b).count();
                panic!(
                    "the settled timed device sent other bytes than the plain one from byte {at}: {:02x?} vs {:02x?}",
                    &tx[at..tx.len().min(at + 16)],
                    &timed[at..timed.len().min(at + 16)]
                );
            }
            assert_eq!(t.device().status(), d.status());
            (tx, Some(d.decoder_stats().frames))
        }
    };

    let neurons = geometry.neurons();
    let mut decoder = Decoder::new();
    let mut replies = 0u64;
    let verbose = std::env::var_os("NCX_FUZZ_VERBOSE").is_some();
    decoder.feed(&tx, |d| {
        let Decoded::Frame(frame) = d else { panic!("the device sent a broken frame: {d:?}") };
        if verbose {
            eprintln!(
                "device sent {:02x} seq {:02x}: {:02x?}",
                frame.opcode,
                frame.seq,
                &frame.payload[..frame.payload.len().min(12)]
            );
        }
        if frame.opcode == OUTPUT_OPCODE {
            let out = OutputFrame::parse(&frame.payload, neurons)
                .unwrap_or_else(|e| panic!("output frame {:02x?} does not parse: {e}", frame.payload));
            assert_eq!(frame.seq, out.timestep as u8);
        } else if frame.opcode == REPLY_BIT {
            replies += 1;
            match split(&frame.payload) {
                Err(ReplyError::Nak(nak)) => assert_eq!(nak.status, StatusCode::UnknownOpcode),
                other => panic!("reply 0x80 is not an UNKNOWN_OPCODE NAK: {other:?}"),
            }
        } else {
            replies += 1;
            assert!(frame.opcode & REPLY_BIT != 0, "opcode 0x{:02x} from the device", frame.opcode);
            let op = Opcode::try_from(frame.opcode & !REPLY_BIT).expect("a reply to a command");
            match Ack::parse(op, &frame.payload) {
                Ok(ack) => assert_eq!(ack.opcode(), op),
                Err(ReplyError::Nak(nak)) => {
                    let _ = nak.to_string();
                }
                Err(e) => panic!("{op} reply {:02x?} does not parse: {e}", frame.payload),
            }
        }
    });
    assert_eq!(decoder.pending(), 0, "the device left a frame unfinished");
    if let Some(commands) = commands {
        assert_eq!(replies, commands, "one reply per command frame");
    }
});
