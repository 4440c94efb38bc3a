//! Regions through the command layer (docs/protocol.md §8–§9): every region written and
//! read back at record boundaries and at any byte range, the encodings against the
//! core's own getters, WRITE atomicity, CRC = crc32 of the bytes, RESET scopes.

mod device_support;

use device_support::{Host, crc32};
use ncx_model::device::region::region_bytes;
use ncx_model::device::{Ack, Nak, Request, ResetScope, StatusCode};
use ncx_model::wire::layout::{self, Region};
use ncx_model::{CoreConfig, Matrix, NeuronParams, NeuronState, StdpConfig, TraceKind, TraceMode};

fn read(host: &mut Host, region: Region, offset: u32, len: u16) -> Vec<u8> {
    match host.ack(&Request::Read { region, offset, len }) {
        Ack::Read(bytes) => bytes,
        other => panic!("{other:?}"),
    }
}

fn write(host: &mut Host, region: Region, offset: u32, data: &[u8]) {
    assert_eq!(host.ack(&Request::Write { region, offset, data: data.to_vec() }), Ack::Write);
}

/// Deterministic bytes valid in every region: records are built from valid values.
fn valid_bytes(region: Region, size: usize, salt: u8) -> Vec<u8> {
    let byte = |k: usize| (k as u8).wrapping_mul(37).wrapping_add(salt);
    match region {
        Region::Config => layout::encode_config(&CoreConfig {
            weight_shift: 7,
            period: 0x0102_0304,
            stdp: StdpConfig {
                enabled: true,
                a_plus: 200,
                a_minus: 3,
                shift: 15,
                w_min: -100,
                w_max: 90,
                pre_decay: 4095,
                post_decay: 17,
                pre_increment: salt,
                post_increment: 1,
                trace_mode: TraceMode::Set,
            },
        })
        .to_vec(),
        Region::Neurons => (0..size / 17)
            .flat_map(|n| {
                layout::encode_neuron(&NeuronParams {
                    threshold: 8_388_607 - n as i32,
                    reset: -8_388_608 + n as i32,
                    bias: i32::from(salt) - 100,
                    v_decay: 4095,
                    i_decay: n as u16,
                    refractory: byte(n),
                })
            })
            .collect(),
        Region::State => (0..size / 9)
            .flat_map(|n| {
                layout::encode_state(&NeuronState { v: -8_388_608 + n as i32, i: 8_388_607, refractory: byte(n) })
            })
            .collect(),
        _ => (0..size).map(byte).collect(),
    }
}

#[test]
fn every_region_round_trips_whole_and_in_pieces() {
    let mut host = Host::new(32, 64);
    let g = host.device.core().geometry();
    for region in Region::ALL {
        let size = region.size(g);
        let data = valid_bytes(region, size, 5);
        assert_eq!(data.len(), size, "{region}");
        for request in ncx_model::device::request::write_all(region, 0, &data) {
            assert_eq!(host.ack(&request), Ack::Write);
        }
        let mut back = Vec::new();
        for start in (0..size).step_by(1000) {
            back.extend(read(&mut host, region, start as u32, (size - start).min(1000) as u16));
        }
        assert_eq!(back, data, "{region}");
        assert_eq!(region_bytes(host.device.core(), region), data, "{region}");
        // Any byte range reads the same bytes.
        for (offset, len) in [(0, 1), (1, 1), (3, 7), (size - 1, 1), (size / 2 - 5, 11)] {
            assert_eq!(
                read(&mut host, region, offset as u32, len as u16),
                data[offset..offset + len],
                "{region} {offset}+{len}"
            );
        }
        // Rewriting records in the middle: only those change.
        let rec = region.record_len();
        if region != Region::Config {
            let fresh = valid_bytes(region, size, 99);
            write(&mut host, region, rec as u32, &fresh[rec..3 * rec]);
            let mut expected = data.clone();
            expected[rec..3 * rec].copy_from_slice(&fresh[rec..3 * rec]);
            assert_eq!(region_bytes(host.device.core(), region), expected, "{region}");
        }
    }
}

#[test]
fn regions_are_the_core_in_its_documented_encoding() {
    let mut host = Host::new(16, 32);
    // W_in[2][9] (M = 32): byte 2·32 + 9; its enable bit is bit 73: byte 9, bit 1.
    write(&mut host, Region::WeightsIn, 73, &[0xFE]);
    write(&mut host, Region::EnableIn, 9, &[0x02]);
    write(&mut host, Region::WeightsRec, 16 + 3, &[0x7F]); // W_rec[1][3]
    write(&mut host, Region::EnableRec, 31, &[0x80]); // bit 255: W_rec[15][15]
    write(&mut host, Region::Traces, 32 + 4, &[200]); // x_pre[4]
    write(&mut host, Region::Traces, 63, &[9]); // x_post[15]
    write(&mut host, Region::Traces, 0, &[1]); // x_in[0]
    let core = host.device.core();
    assert_eq!(core.weight(Matrix::Input, 2, 9), Ok(-2));
    assert_eq!(core.weight(Matrix::Input, 2, 10), Ok(0));
    assert_eq!(core.plastic(Matrix::Input, 2, 9), Ok(true));
    assert_eq!(core.plastic_mask(Matrix::Input).iter().filter(|&&b| b).count(), 1);
    assert_eq!(core.weight(Matrix::Recurrent, 1, 3), Ok(127));
    assert_eq!(core.plastic(Matrix::Recurrent, 15, 15), Ok(true));
    assert_eq!(core.trace(TraceKind::Pre, 4), Ok(200));
    assert_eq!(core.trace(TraceKind::Post, 15), Ok(9));
    assert_eq!(core.trace(TraceKind::Input, 0), Ok(1));
    // Neuron 2's record at 34: threshold −1 = FF FF FF FF, reset 0x123456, bias −2, δ 1, 2, R 3.
    let record = [0xFF, 0xFF, 0xFF, 0xFF, 0x56, 0x34, 0x12, 0x00, 0xFE, 0xFF, 0xFF, 0xFF, 1, 0, 2, 0, 3];
    write(&mut host, Region::Neurons, 34, &record);
    let params = NeuronParams { threshold: -1, reset: 0x12_3456, bias: -2, v_decay: 1, i_decay: 2, refractory: 3 };
    assert_eq!(host.device.core().neuron_params(2), Ok(params));
    // Neuron 1's state at 9: v = −8388608, I = 5, r = 7.
    write(&mut host, Region::State, 9, &[0x00, 0x00, 0x80, 0xFF, 5, 0, 0, 0, 7]);
    assert_eq!(host.device.core().neuron_state(1), Ok(NeuronState { v: -8_388_608, i: 5, refractory: 7 }));
    // CONFIG: period 1000, shift 4, STDP on, A+ 64, A− 32, shift 4, bounds −8..20, add, 2048, 2048, 128, 128.
    let config = [0xE8, 0x03, 0, 0, 4, 1, 64, 32, 4, 0xF8, 20, 0, 0x00, 0x08, 0x00, 0x08, 128, 128];
    write(&mut host, Region::Config, 0, &config);
    let c = host.device.core().config();
    assert_eq!((c.period, c.weight_shift, c.stdp.w_min, c.stdp.w_max, c.stdp.pre_decay), (1000, 4, -8, 20, 2048));
    assert_eq!(read(&mut host, Region::Config, 0, 18), config);
    assert_eq!(read(&mut host, Region::Config, 9, 2), [0xF8, 20]);
}

#[test]
fn a_bad_record_in_the_middle_writes_nothing() {
    let mut host = Host::new(16, 16);
    let good = |t: i32| layout::encode_neuron(&NeuronParams { threshold: t, ..NeuronParams::SILENT });
    let mut data = Vec::new();
    data.extend(good(1));
    data.extend(good(1 << 23)); // threshold beyond 24 bits
    data.extend(good(3));
    let before = region_bytes(host.device.core(), Region::Neurons);
    let nak = host.nak(&Request::Write { region: Region::Neurons, offset: 17 * 4, data: data.clone() });
    assert_eq!(nak, Nak { status: StatusCode::BadValue, detail: 5 + 17 });
    assert_eq!(region_bytes(host.device.core(), Region::Neurons), before);
    // A bad δ_I (offset 14 of the third record): the detail is still the record's start.
    data[17..34].copy_from_slice(&good(2));
    data[34 + 14..34 + 16].copy_from_slice(&4096u16.to_le_bytes());
    let nak = host.nak(&Request::Write { region: Region::Neurons, offset: 0, data });
    assert_eq!(nak, Nak { status: StatusCode::BadValue, detail: 5 + 34 });
    assert_eq!(region_bytes(host.device.core(), Region::Neurons), before);
    // The same for STATE.
    let mut state = vec![0u8; 9 * 3];
    state[18..22].copy_from_slice(&(-(1i32 << 23) - 1).to_le_bytes());
    let nak = host.nak(&Request::Write { region: Region::State, offset: 9, data: state });
    assert_eq!(nak, Nak { status: StatusCode::BadValue, detail: 5 + 18 });
}

#[test]
fn crc_is_the_crc32_of_the_region_bytes() {
    let mut host = Host::new(64, 32);
    let g = host.device.core().geometry();
    for region in Region::ALL {
        let size = region.size(g);
        for request in ncx_model::device::request::write_all(region, 0, &valid_bytes(region, size, 1)) {
            host.ack(&request);
        }
        let bytes = region_bytes(host.device.core(), region);
        for (offset, len) in [(0, size), (0, 0), (1, size - 1), (size / 3, size / 3), (size - 1, 1)] {
            let request = Request::Crc { region, offset: offset as u32, len: len as u32 };
            assert_eq!(host.ack(&request), Ack::Crc(crc32(&bytes[offset..offset + len])), "{region} {offset}+{len}");
        }
    }
}

#[test]
fn reset_scopes() {
    let mut host = Host::new(16, 16);
    let g = host.device.core().geometry();
    for region in Region::ALL {
        for request in ncx_model::device::request::write_all(region, 0, &valid_bytes(region, region.size(g), 3)) {
            host.ack(&request);
        }
    }
    host.ack(&Request::Probe { neurons: vec![1, 2] });
    host.ack(&Request::Run { steps: 2 });
    host.ack(&Request::Input { timestep: 0, inputs: vec![1] });
    host.ack(&Request::Input { timestep: 1, inputs: vec![] });
    assert_eq!(host.device.core().timestep().0, 2);
    let memories =
        [Region::Config, Region::WeightsIn, Region::WeightsRec, Region::EnableIn, Region::EnableRec, Region::Neurons]
            .map(|r| region_bytes(host.device.core(), r));
    // Scope 0: dynamic state cleared, timestep 0, memories kept, probes and history gone.
    assert_eq!(host.ack(&Request::Reset { scope: ResetScope::State }), Ack::Reset);
    let core = host.device.core();
    assert_eq!(core.timestep().0, 0);
    assert!(region_bytes(core, Region::State).iter().all(|&b| b == 0));
    assert!(region_bytes(core, Region::Traces).iter().all(|&b| b == 0));
    let kept =
        [Region::Config, Region::WeightsIn, Region::WeightsRec, Region::EnableIn, Region::EnableRec, Region::Neurons]
            .map(|r| region_bytes(core, r));
    assert_eq!(kept, memories);
    assert_eq!(host.ack(&Request::Resend { from: 0 }), Ack::Resend { count: 0 });
    let Ack::Status(status) = host.ack(&Request::Status) else { panic!() };
    assert_eq!(status.outputs_sent, 0);
    host.ack(&Request::Run { steps: 1 });
    let (_, outputs) = host.send(&Request::Input { timestep: 0, inputs: vec![] });
    assert!(host.outputs(&outputs)[0].probes.is_empty(), "probes are cleared");
    // Scope 1: everything to power-on.
    assert_eq!(host.ack(&Request::Reset { scope: ResetScope::All }), Ack::Reset);
    assert_eq!(host.device.core(), &ncx_model::Core::new(g));
}
