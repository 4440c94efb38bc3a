//! The device model behind a link (host/src/link/model.rs, pty_model.rs, target.rs): a
//! HELLO gets its ACK through `model`, `pty` and `faulty:…` targets; `model` never waits.
//! The `pty` target's device runs in a thread, in real time: waits for it are generous
//! ([`PATIENCE`]) and end as soon as the reply is in (docs/reliability.md §8).

use std::time::{Duration, Instant};

use ncx::link::{FaultSpec, FaultyLink, Link, LinkTarget, ModelLink, PtyModelLink};
use ncx_model::Geometry;
use ncx_model::device::{Device, DeviceConfig, Opcode, request};
use ncx_model::wire::{Decoded, Decoder, Frame, encode};

/// How long a reply from a device in another thread may take before a test fails.
const PATIENCE: Duration = Duration::from_secs(30);

fn device(neurons: usize, inputs: usize) -> Device {
    Device::new(Geometry::new(neurons, inputs).unwrap(), DeviceConfig::default())
}

/// Receive until one frame is decoded or `patience` passes; the frame, and the bytes read.
fn receive_frame(link: &mut impl Link, patience: Duration) -> (Option<Frame>, usize) {
    let deadline = Instant::now() + patience;
    let mut decoder = Decoder::new();
    let mut buf = [0u8; 7];
    let mut read = 0;
    while Instant::now() < deadline {
        let n = link.receive(&mut buf, Duration::from_millis(20)).unwrap();
        read += n;
        for &byte in &buf[..n] {
            if let Some(Decoded::Frame(frame)) = decoder.push(byte) {
                return (Some(frame), read);
            }
        }
        if n == 0 && link.name() == "model" {
            break;
        }
    }
    (None, read)
}

fn hello(seq: u8) -> Vec<u8> {
    encode(Opcode::Hello as u8, seq, &request::hello()).unwrap()
}

/// The reply to HELLO: opcode 0x81, the same seq, status 0 and the 60 bytes of §8 that
/// start with version 1.0 and N, M little-endian.
fn assert_hello_ack(frame: &Frame, seq: u8, neurons: u16, inputs: u16) {
    assert_eq!((frame.opcode, frame.seq), (0x81, seq));
    assert_eq!(frame.payload.len(), 1 + 60);
    assert_eq!(frame.payload[0], 0, "ACK");
    let [n0, n1] = neurons.to_le_bytes();
    let [m0, m1] = inputs.to_le_bytes();
    assert_eq!(frame.payload[1..7], [1, 0, n0, n1, m0, m1]);
}

#[test]
fn a_hello_through_the_model_link_gets_its_ack_in_pieces_of_any_size() {
    let mut link = ModelLink::new(device(32, 64));
    assert_eq!(link.name(), "model");
    link.send(&hello(9)).unwrap();
    // 11 bytes of frame + 61 of payload, read 7 at a time.
    let (frame, read) = receive_frame(&mut link, PATIENCE);
    assert_hello_ack(&frame.unwrap(), 9, 32, 64);
    assert_eq!(read, 11 + 61);
    // Nothing more.
    assert_eq!(link.receive(&mut [0u8; 64], Duration::from_secs(1)).unwrap(), 0);
}

/// Each receive has an hour to wait and nothing to read: a link that waited for its
/// timeout even once would take an hour, one that does not takes microseconds; the
/// bound between is far from both, whatever the load on the machine.
#[test]
fn the_model_link_never_waits_for_its_timeout() {
    let mut link = ModelLink::new(device(16, 16));
    let start = Instant::now();
    for _ in 0..100 {
        assert_eq!(link.receive(&mut [0u8; 16], Duration::from_secs(3600)).unwrap(), 0);
    }
    assert!(start.elapsed() < Duration::from_secs(60), "{:?}", start.elapsed());
}

#[test]
fn a_hello_split_across_sends_is_answered_once_complete() {
    let mut link = ModelLink::new(device(16, 16));
    let bytes = hello(3);
    link.send(&bytes[..5]).unwrap();
    assert_eq!(link.receive(&mut [0u8; 64], Duration::ZERO).unwrap(), 0);
    link.send(&bytes[5..]).unwrap();
    assert_hello_ack(&receive_frame(&mut link, PATIENCE).0.unwrap(), 3, 16, 16);
}

#[test]
fn the_faulty_link_over_the_model_is_transparent_without_faults_and_silent_with_every_byte_dropped() {
    let mut link = FaultyLink::new(ModelLink::new(device(16, 16)), FaultSpec::NONE, 1);
    link.send(&hello(1)).unwrap();
    assert_hello_ack(&receive_frame(&mut link, PATIENCE).0.unwrap(), 1, 16, 16);

    let mut link = FaultyLink::new(ModelLink::new(device(16, 16)), FaultSpec::parse("drop=1").unwrap(), 1);
    link.send(&hello(1)).unwrap();
    assert_eq!(link.receive(&mut [0u8; 64], Duration::from_millis(10)).unwrap(), 0);
    assert_eq!(link.inner().device().decoder_stats().bytes_seen, 0);
}

#[test]
fn every_target_kind_but_serial_opens_and_answers_hello() {
    for text in ["model", "pty", "faulty:5:", "faulty:5::pty"] {
        let target = LinkTarget::parse(text).unwrap();
        let mut link = target.open(Geometry::new(64, 16).unwrap()).unwrap();
        link.send(&hello(0xAB)).unwrap();
        let (frame, _) = receive_frame(&mut link, PATIENCE);
        let frame = frame.unwrap_or_else(|| panic!("{text}: no reply"));
        assert_hello_ack(&frame, 0xAB, 64, 16);
    }
}

#[test]
fn the_pty_model_serves_many_commands_and_stops_when_asked() {
    let mut link = PtyModelLink::spawn(device(16, 16)).unwrap();
    assert!(link.path().starts_with("/dev/"), "{}", link.path());
    assert_eq!(link.name(), format!("pty:{}", link.path()));
    let start = Instant::now();
    for seq in 0..=255u8 {
        link.send(&hello(seq)).unwrap();
        let frame = receive_frame(&mut link, PATIENCE).0.unwrap();
        assert_hello_ack(&frame, seq, 16, 16);
    }
    eprintln!("HELLO round trip through a pty: {:.0} µs", start.elapsed().as_secs_f64() * 1e6 / 256.0);
    let stats = link.shutdown().unwrap();
    assert_eq!(stats.received, 256 * 11);
    assert_eq!(stats.sent, 256 * (11 + 61));
    assert_eq!(stats.discarded, 0);
}
