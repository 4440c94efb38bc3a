//! The hex examples of docs/protocol.md §8, byte for byte: the request frames are what
//! `request::*` builds, and a 16 × 16 device answers them with exactly the reply frames
//! the document shows (computed there with zlib's CRC-32 and a bitwise CRC-8).

use ncx_model::Geometry;
use ncx_model::device::{Device, DeviceConfig, Opcode, request};
use ncx_model::wire::encode;
use ncx_model::wire::layout::Region;

const PROTOCOL: &str = include_str!("../../docs/protocol.md");

/// The indented hex lines of §8's examples, in order.
fn examples() -> Vec<Vec<u8>> {
    let start = PROTOCOL.find("\n## 8. ").expect("§8");
    let end = PROTOCOL.find("\n## 9. ").expect("§9");
    PROTOCOL[start..end]
        .lines()
        .filter(|l| l.starts_with("    A5 5A"))
        .map(|l| l.split_whitespace().map(|b| u8::from_str_radix(b, 16).unwrap()).collect())
        .collect()
}

#[test]
fn the_examples_are_what_the_device_builds_and_answers() {
    let frames = examples();
    assert_eq!(frames.len(), 4, "§8 should show 2 requests and their replies");
    let write = encode(Opcode::Write as u8, 0x02, &request::write(Region::WeightsIn, 0, &[5, 0xFB])).unwrap();
    assert_eq!(write, frames[0]);
    let read = encode(Opcode::Read as u8, 0x03, &[9, 0, 0, 0, 0, 4, 0]).unwrap();
    assert_eq!(read, frames[2]);

    let mut device = Device::new(Geometry::new(16, 16).unwrap(), DeviceConfig::default());
    let mut out = Vec::new();
    device.receive(&frames[0]);
    device.drain_tx(&mut out);
    assert_eq!(out, frames[1], "ACK of the WRITE");
    assert_eq!(device.core().weights(ncx_model::Matrix::Input)[..2], [5, -5]);
    out.clear();
    device.receive(&frames[2]);
    device.drain_tx(&mut out);
    assert_eq!(out, frames[3], "NAK of the READ");
}
