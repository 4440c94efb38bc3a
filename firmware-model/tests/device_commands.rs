//! The command layer, command by command (docs/protocol.md §7–§8): every ACK payload
//! byte for byte against hand-derived bytes, every NAK reason with its detail, and the
//! rule that a NAK changes nothing (checked by `Host::nak` on every refusal).

mod device_support;

use device_support::Host;
use ncx_model::device::{
    Ack, DeviceConfig, FEATURE_LANES_MASK, FEATURE_LANES_SHIFT, Nak, Opcode, Request, ResetScope, StatusCode,
};
use ncx_model::wire::layout::Region;

fn config() -> DeviceConfig {
    DeviceConfig {
        clock_hz: 50_000_000,
        baud_divisor: 50,
        build_id: *b"ncx-test",
        input_slots: 4,
        output_history: 8,
        lanes_log2: 0,
    }
}

fn nak(status: StatusCode, detail: u32) -> Nak {
    Nak { status, detail }
}

#[test]
fn hello_ack_is_the_60_byte_description() {
    let mut host = Host::with_config(32, 16, config());
    let (reply, _) = host.send(&Request::Hello);
    #[rustfmt::skip]
    let expected: Vec<u8> = vec![
        0x00,                   // ACK
        1, 0,                   // protocol 1.0
        32, 0, 16, 0,           // N = 32, M = 16
        8, 1, 24, 1, 24, 1, 20, 1, 24, 1, 24, 1, 24, 1, // weight v i acc threshold reset bias
        12, 0, 8, 0, 8, 0, 4, 0, 8, 0, 4, 0, 8, 0, 32, 0, // decay refractory trace … period
        0x80, 0xF0, 0xFA, 0x02, // 50 000 000 Hz
        50, 0, 0, 0,            // divisor
        b'n', b'c', b'x', b'-', b't', b'e', b's', b't',
        3, 0, 0, 0,             // STDP | pacing
        0x00, 0x04,             // max payload 1024
        4, 8,                   // input slots, output history
    ];
    assert_eq!(reply.len(), 61);
    assert_eq!(reply, expected);
}

#[test]
fn hello_reports_the_lanes_in_features_bits_8_to_11() {
    assert_eq!((FEATURE_LANES_SHIFT, FEATURE_LANES_MASK), (8, 0xF00));
    for (lanes_log2, features) in [(0u8, [3, 0, 0, 0]), (1, [3, 1, 0, 0]), (2, [3, 2, 0, 0]), (3, [3, 3, 0, 0])] {
        let config = DeviceConfig { lanes_log2, ..config() };
        let mut host = Host::with_config(32, 16, config);
        assert_eq!(host.device.core().lanes_log2(), lanes_log2);
        let (reply, _) = host.send(&Request::Hello);
        assert_eq!(reply[53..57], features, "features, little-endian, at reply bytes 53..57 (data 52..56)");
        let Ack::Hello(info) = Ack::parse(Opcode::Hello, &reply).unwrap() else { panic!("not HELLO's ACK") };
        assert_eq!(info.lanes_log2(), lanes_log2);
        assert_eq!(info.config(), config, "HELLO gives the configuration back");
        assert_eq!(info, host.device.info());
        // RESET (everything) keeps the build's lanes.
        assert_eq!(host.send(&Request::Reset { scope: ResetScope::All }).0, [0]);
        assert_eq!(host.device.core().lanes_log2(), lanes_log2);
    }
}

#[test]
fn more_lanes_than_the_geometry_allows_are_cut_to_its_limit() {
    for lanes_log2 in [4, 15, 255] {
        let config = DeviceConfig { lanes_log2, ..config() };
        assert_eq!(config.clamped(ncx_model::Geometry::new(16, 16).unwrap()).lanes_log2, 3);
        let mut host = Host::with_config(16, 16, config);
        assert_eq!(host.device.core().lanes_log2(), 3);
        let Ack::Hello(info) = host.ack(&Request::Hello) else { panic!("not HELLO's ACK") };
        assert_eq!((info.lanes_log2(), info.features), (3, 0x303));
    }
}

#[test]
fn hello_reply_frame_is_byte_exact() {
    let mut host = Host::new(16, 16);
    let sent = host.raw(0x01, 0x07, &[]);
    let mut payload = vec![0x00, 1, 0, 16, 0, 16, 0];
    for f in ncx_model::spec::FIELDS {
        payload.extend_from_slice(&[f.bits as u8, u8::from(f.signed)]);
    }
    payload.extend_from_slice(&100_000_000u32.to_le_bytes());
    payload.extend_from_slice(&[100, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 4, 16, 16]);
    let mut frame = vec![0xA5, 0x5A, 0x81, 0x07, 61, 0];
    frame.push(ncx_model::wire::header_crc(&[0x81, 0x07, 61, 0]));
    frame.extend_from_slice(&payload);
    let crc = device_support::crc32(&frame[2..]);
    frame.extend_from_slice(&crc.to_le_bytes());
    assert_eq!(sent.bytes, frame);
}

#[test]
fn simple_acks_are_byte_exact() {
    let mut host = Host::with_config(16, 16, config());
    assert_eq!(host.send(&Request::Reset { scope: ResetScope::All }).0, [0]);
    assert_eq!(host.send(&Request::Reset { scope: ResetScope::State }).0, [0]);
    let write = Request::Write { region: Region::WeightsIn, offset: 3, data: vec![0x7F, 0x80, 0x01] };
    assert_eq!(host.send(&write).0, [0]);
    assert_eq!(
        host.send(&Request::Read { region: Region::WeightsIn, offset: 2, len: 5 }).0,
        [0, 0, 0x7F, 0x80, 0x01, 0]
    );
    let crc = device_support::crc32(&[0x7F, 0x80, 0x01]).to_le_bytes();
    assert_eq!(
        host.send(&Request::Crc { region: Region::WeightsIn, offset: 3, len: 3 }).0,
        [0, crc[0], crc[1], crc[2], crc[3]]
    );
    assert_eq!(host.send(&Request::Crc { region: Region::WeightsIn, offset: 0, len: 0 }).0, [0, 0, 0, 0, 0]);
    assert_eq!(host.send(&Request::Probe { neurons: vec![3, 0] }).0, [0]);
    assert_eq!(host.send(&Request::Probe { neurons: vec![] }).0, [0]);
    // Hold the core so that inputs stay buffered and credits are visible.
    host.device.set_hold(true);
    assert_eq!(host.send(&Request::Run { steps: 10 }).0, [0, 0, 0, 0, 0, 4, 0]);
    assert_eq!(host.send(&Request::Input { timestep: 0, inputs: vec![1] }).0, [0, 3, 0]);
    assert_eq!(host.send(&Request::Input { timestep: 1, inputs: vec![] }).0, [0, 2, 0]);
    host.step();
    assert_eq!(host.send(&Request::Stop).0, [0, 1, 0, 0, 0]);
    assert_eq!(host.send(&Request::Stop).0, [0, 1, 0, 0, 0], "STOP while idle");
    assert_eq!(host.send(&Request::Resend { from: 0 }).0, [0, 1, 0, 0, 0]);
    assert_eq!(host.send(&Request::Resend { from: 1 }).0, [0, 0, 0, 0, 0]);
}

#[test]
fn status_ack_is_the_35_byte_status() {
    let mut host = Host::with_config(16, 16, config());
    host.device.set_hold(true);
    host.bytes(&[0x00, 0x11, 0xA5, 0x00]); // 4 discarded bytes
    host.send(&Request::Run { steps: 7 });
    host.send(&Request::Input { timestep: 0, inputs: vec![] });
    host.step(); // one output frame
    host.send(&Request::Input { timestep: 1, inputs: vec![] });
    let (reply, _) = host.send(&Request::Status);
    #[rustfmt::skip]
    let expected = vec![
        0x00,
        1,                      // running
        1, 0, 0, 0,             // next timestep 1
        6, 0, 0, 0,             // 6 steps left
        3, 0,                   // credits: 4 slots, one input buffered
        0, 0, 0, 0,             // overruns
        4, 0, 0, 0,             // frames: RUN, INPUT, INPUT, STATUS
        0, 0, 0, 0,             // header errors
        0, 0, 0, 0,             // CRC errors
        4, 0, 0, 0,             // bytes discarded
        1, 0, 0, 0,             // output frames sent
    ];
    assert_eq!(reply, expected);
    host.send(&Request::Stop);
    let (reply, _) = host.send(&Request::Status);
    assert_eq!(&reply[..13], &[0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], "idle: no steps left, no credits");
}

#[test]
fn unknown_opcodes() {
    let mut host = Host::new(16, 16);
    for op in [0x00, 0x0C, 0x7F, 0x81, 0xC0, 0xFF] {
        assert_eq!(host.raw_nak(op, &[1, 2, 3]), nak(StatusCode::UnknownOpcode, op.into()), "opcode {op:#x}");
    }
}

#[test]
fn bad_lengths() {
    let mut host = Host::new(16, 16);
    let cases: &[(Opcode, &[u8], u32)] = &[
        (Opcode::Hello, &[0], 0),
        (Opcode::Reset, &[], 1),
        (Opcode::Reset, &[0, 0], 1),
        (Opcode::Write, &[1, 0, 0, 0, 0], 6),
        (Opcode::Read, &[1, 0, 0, 0, 0, 1], 7),
        (Opcode::Read, &[1, 0, 0, 0, 0, 1, 0, 0], 7),
        (Opcode::Crc, &[1, 0, 0, 0, 0, 1, 0, 0], 9),
        (Opcode::Run, &[1, 0, 0], 4),
        (Opcode::Stop, &[0], 0),
        (Opcode::Input, &[0, 0, 0, 0, 1], 6),
        (Opcode::Input, &[0, 0, 0, 0, 2, 0, 1, 0], 10),
        (Opcode::Input, &[0, 0, 0, 0, 0, 0, 1, 0], 6),
        (Opcode::Probe, &[1], 2),
        (Opcode::Probe, &[1, 0], 4),
        (Opcode::Probe, &[0, 0, 5, 0], 2),
        (Opcode::Status, &[0, 0], 0),
        (Opcode::Resend, &[0, 0, 0, 0, 0], 4),
    ];
    for &(op, payload, expected) in cases {
        assert_eq!(host.raw_nak(op as u8, payload), nak(StatusCode::BadLength, expected), "{op} {payload:?}");
    }
}

#[test]
fn bad_regions_and_ranges() {
    let mut host = Host::new(16, 32);
    for region in [8u8, 9, 255] {
        assert_eq!(
            host.raw_nak(Opcode::Write as u8, &[region, 0, 0, 0, 0, 1]),
            nak(StatusCode::BadRegion, region.into())
        );
        assert_eq!(
            host.raw_nak(Opcode::Read as u8, &[region, 0, 0, 0, 0, 1, 0]),
            nak(StatusCode::BadRegion, region.into())
        );
        assert_eq!(
            host.raw_nak(Opcode::Crc as u8, &[region, 0, 0, 0, 0, 1, 0, 0, 0]),
            nak(StatusCode::BadRegion, region.into())
        );
    }
    // Region sizes for N = 16, M = 32.
    let sizes = [
        (Region::Config, 18),
        (Region::WeightsIn, 512),
        (Region::WeightsRec, 256),
        (Region::EnableIn, 64),
        (Region::EnableRec, 32),
        (Region::Neurons, 272),
        (Region::State, 144),
        (Region::Traces, 64),
    ];
    for (region, size) in sizes {
        assert_eq!(region.size(host.device.core().geometry()), size);
        let range = nak(StatusCode::BadRange, size as u32);
        let rec = region.record_len() as u32;
        // One byte beyond the end, and offsets that overflow.
        assert_eq!(host.nak(&Request::Read { region, offset: size as u32, len: 1 }), range);
        assert_eq!(host.nak(&Request::Read { region, offset: u32::MAX, len: 2 }), range);
        assert_eq!(host.nak(&Request::Crc { region, offset: 0, len: size as u32 + 1 }), range);
        assert_eq!(host.nak(&Request::Crc { region, offset: u32::MAX, len: u32::MAX }), range);
        let data = vec![0u8; rec as usize];
        assert_eq!(host.nak(&Request::Write { region, offset: size as u32, data: data.clone() }), range);
        assert_eq!(host.nak(&Request::Write { region, offset: u32::MAX, data }), range);
        if rec > 1 {
            // Not whole records: a misaligned start, a short record, a record and a bit.
            assert_eq!(host.nak(&Request::Write { region, offset: 1, data: vec![0; rec as usize] }), range);
            assert_eq!(host.nak(&Request::Write { region, offset: 0, data: vec![0; rec as usize - 1] }), range);
            assert_eq!(host.nak(&Request::Write { region, offset: 0, data: vec![0; rec as usize + 1] }), range);
        }
        // The last byte and the whole region are fine for READ and CRC.
        assert!(matches!(host.send(&Request::Read { region, offset: size as u32 - 1, len: 1 }).0[0], 0));
        assert!(matches!(host.send(&Request::Crc { region, offset: 0, len: size as u32 }).0[0], 0));
    }
}

#[test]
fn bad_values_carry_the_payload_offset() {
    let mut host = Host::new(16, 32);
    assert_eq!(host.raw_nak(Opcode::Reset as u8, &[2]), nak(StatusCode::BadValue, 0));
    assert_eq!(host.nak(&Request::Run { steps: 0 }), nak(StatusCode::BadValue, 0));
    assert_eq!(host.nak(&Request::Read { region: Region::Traces, offset: 0, len: 0 }), nak(StatusCode::BadValue, 5));
    assert_eq!(
        host.nak(&Request::Read { region: Region::WeightsIn, offset: 0, len: 1024 }),
        nak(StatusCode::BadValue, 5)
    );
    // INPUT: the first index ≥ M (here the third of the list, at payload byte 6 + 4).
    assert_eq!(host.nak(&Request::Input { timestep: 0, inputs: vec![0, 31, 32, 40] }), nak(StatusCode::BadValue, 10));
    // PROBE: more than 16, or an index ≥ N.
    assert_eq!(host.nak(&Request::Probe { neurons: vec![0; 17] }), nak(StatusCode::BadValue, 0));
    assert_eq!(host.nak(&Request::Probe { neurons: vec![15, 16] }), nak(StatusCode::BadValue, 4));
    // CONFIG: undefined codes and out-of-range fields → offset of the record (5).
    let good = ncx_model::wire::layout::encode_config(&ncx_model::CoreConfig::default());
    for (at, byte) in [(4, 16u8), (5, 2), (8, 16), (10, 0x80), (11, 2), (13, 0x10), (15, 0x10)] {
        let mut data = good.to_vec();
        data[9] = 0; // w_min = 0, so that w_max = -128 inverts the bounds
        data[at] = byte;
        assert_eq!(
            host.nak(&Request::Write { region: Region::Config, offset: 0, data }),
            nak(StatusCode::BadValue, 5),
            "byte {at}"
        );
    }
    // STATE: v and I beyond 24 bits, in the third record.
    for field in [0, 4] {
        let mut data = vec![0u8; 27];
        data[18 + field..18 + field + 4].copy_from_slice(&(1i32 << 23).to_le_bytes());
        assert_eq!(
            host.nak(&Request::Write { region: Region::State, offset: 18, data }),
            nak(StatusCode::BadValue, 5 + 18)
        );
    }
}

#[test]
fn state_checks_come_after_the_payload_checks() {
    let mut host = Host::new(16, 16);
    host.device.set_hold(true);
    // Idle: INPUT is NOT_RUNNING with the current timestep …
    assert_eq!(host.nak(&Request::Input { timestep: 0, inputs: vec![] }), nak(StatusCode::NotRunning, 0));
    // … but a malformed INPUT is a BAD_VALUE whatever the state.
    assert_eq!(host.nak(&Request::Input { timestep: 0, inputs: vec![16] }), nak(StatusCode::BadValue, 6));
    host.ack(&Request::Run { steps: 3 });
    host.ack(&Request::Input { timestep: 0, inputs: vec![] });
    host.step();
    // Running: WRITE, RESET and RUN are BUSY with the current timestep (1).
    let busy = nak(StatusCode::Busy, 1);
    assert_eq!(host.nak(&Request::Write { region: Region::Traces, offset: 0, data: vec![1] }), busy);
    assert_eq!(host.nak(&Request::Reset { scope: ResetScope::State }), busy);
    assert_eq!(host.nak(&Request::Reset { scope: ResetScope::All }), busy);
    assert_eq!(host.nak(&Request::Run { steps: 1 }), busy);
    // A malformed WRITE is BAD_RANGE, not BUSY.
    assert_eq!(
        host.nak(&Request::Write { region: Region::Neurons, offset: 1, data: vec![0; 17] }),
        nak(StatusCode::BadRange, 272)
    );
    // READ, CRC, PROBE, STATUS and RESEND are allowed while running.
    host.ack(&Request::Read { region: Region::State, offset: 0, len: 9 });
    host.ack(&Request::Crc { region: Region::State, offset: 0, len: 144 });
    host.ack(&Request::Probe { neurons: vec![1] });
    host.ack(&Request::Status);
    host.ack(&Request::Resend { from: 0 });
    host.ack(&Request::Hello);
    // BAD_TIMESTEP names the timestep expected.
    assert_eq!(host.nak(&Request::Input { timestep: 0, inputs: vec![] }), nak(StatusCode::BadTimestep, 1));
    assert_eq!(host.nak(&Request::Input { timestep: 2, inputs: vec![] }), nak(StatusCode::BadTimestep, 1));
}

#[test]
fn status_and_opcode_tables_match_the_document() {
    let doc = include_str!("../../docs/protocol.md");
    for op in Opcode::ALL {
        let row = format!("| 0x{:02X} | `{}` |", op as u8, op.name());
        assert!(doc.contains(&row), "docs/protocol.md §8 has no row {row}");
        assert_eq!(Opcode::try_from(op as u8), Ok(op));
        assert_eq!(op.reply(), op as u8 | 0x80);
    }
    for status in StatusCode::ALL {
        let row = format!("| 0x{:02X} | `{}` |", status as u8, status.name());
        assert!(doc.contains(&row), "docs/protocol.md §7 has no row {row}");
        assert_eq!(StatusCode::try_from(status as u8), Ok(status));
    }
    for region in Region::ALL {
        let row = format!("| {} | `{}` |", region as u8, region.name());
        assert!(doc.contains(&row), "docs/protocol.md §9 has no row {row}");
    }
}
