//! The cycle timing of the device's front end (docs/protocol.md §10.1), `TimedDevice`:
//! every expected cycle below is derived by hand, in the comments, from the rules of
//! §10.1 (numbered R1–R7 here) and the compute cycles of docs/semantics.md §6,
//!
//!     C = 1 + (k_in + k_prev)(N + 2) + (N + 3) + 1        (STDP off)
//!
//! The costs of R3–R6 in short (ncx_model::spec): a frame whose last byte reaches the
//! decoder at c is held from h = c + 1; a command started at s (slot skip 0 or 1) is
//! pushed at p = s + skip + 13 + pass + 1 + body (a frame-check NAK at s + skip + 13 + 5)
//! and the controller is idle again at p + 2; a timestep started at s with k indices is
//! pushed at s + k + 3 + max(C, P) + 2 + (output payload bytes), idle one cycle later;
//! a frame pushed at p starts at p + 3, or back to back behind the line.
//!
//! then two properties: any timing gives a valid stream with replies in command order,
//! and with generous gaps the bytes are the untimed device's.

use ncx_model::device::{Ack, Device, DeviceConfig, OUTPUT_OPCODE, Opcode, OutputFrame, TimedDevice, request};
use ncx_model::wire::layout::Region;
use ncx_model::wire::{Decoded, Decoder, Frame, encode};
use ncx_model::{Core, CoreConfig, Cycle, Geometry, NeuronParams};
use proptest::prelude::*;

/// A frame the device sent: the start cycles of its first and last byte.
#[derive(Debug, Clone)]
struct Out {
    first: u64,
    last: u64,
    frame: Frame,
}

fn config(baud_divisor: u32) -> DeviceConfig {
    DeviceConfig { baud_divisor, ..DeviceConfig::default() }
}

fn core(size: usize, period: u32, firing: &[usize]) -> Core {
    core_with_lanes(size, period, firing, 0)
}

/// [`core`] with 2^`lanes_log2` accumulate lanes.
fn core_with_lanes(size: usize, period: u32, firing: &[usize], lanes_log2: u8) -> Core {
    let mut core = Core::with_lanes(Geometry::new(size, size).unwrap(), lanes_log2).unwrap();
    core.set_config(CoreConfig { period, ..CoreConfig::default() }).unwrap();
    for &n in firing {
        // Threshold 0: v = 0 ≥ 0, the neuron fires every timestep.
        core.set_neuron_params(n, NeuronParams { threshold: 0, ..NeuronParams::SILENT }).unwrap();
    }
    core
}

fn timed(core: Core, baud_divisor: u32) -> TimedDevice {
    TimedDevice::new(Device::with_core(core, config(baud_divisor)))
}

fn cmd(opcode: Opcode, seq: u8, payload: &[u8]) -> Vec<u8> {
    encode(opcode as u8, seq, payload).unwrap()
}

/// Everything sent by now, as frames; checks that the bytes are at least B apart.
fn sent(device: &mut TimedDevice) -> Vec<Out> {
    let mut tx = Vec::new();
    device.drain_tx(&mut tx);
    frames(&tx, device.byte_time())
}

fn frames(tx: &[(Cycle, u8)], byte_time: u64) -> Vec<Out> {
    for pair in tx.windows(2) {
        assert!(pair[1].0.0 >= pair[0].0.0 + byte_time, "bytes closer than B: {pair:?}");
    }
    let mut decoder = Decoder::new();
    let mut first = None;
    let mut out = Vec::new();
    for &(at, byte) in tx {
        first = first.or(Some(at.0));
        match decoder.push(byte) {
            Some(Decoded::Frame(frame)) => out.push(Out { first: first.take().unwrap(), last: at.0, frame }),
            Some(Decoded::Error(e)) => panic!("the device sent a bad frame: {e}"),
            None => {}
        }
    }
    assert_eq!(decoder.pending(), 0, "the device sent a partial frame");
    out
}

#[test]
fn hello_is_answered_78_cycles_after_its_last_byte() {
    // 16 × 16, divisor 100: B = 10 · 100 = 1000 (R1).
    let mut device = timed(core(16, 0, &[]), 100);
    assert_eq!(device.byte_time(), 1000);
    // R2: 11 bytes from cycle 0, byte k received at (k + 1) · 1000: the last at 11 000.
    device.receive_at(Cycle(0), &cmd(Opcode::Hello, 1, &request::hello()));
    device.advance_to(Cycle(10_999));
    assert_eq!(device.device().decoder_stats().frames, 0);
    assert_eq!(device.device().decoder_stats().bytes_seen, 10, "bytes 0..=9 reached the decoder when received");
    // R3: the last byte reaches the decoder at 11 000, the frame is held from 11 001.
    // R4: the controller is idle, the command starts at 11 001 (no slot skip: nothing
    // acknowledged yet): 13 cycles, exec 1, the 61 reply payload bytes (status and HELLO
    // data): pushed at 11 001 + 13 + 1 + 61 = 11 076. R6: first byte at 11 079.
    device.advance_to(Cycle(11_000));
    assert_eq!(device.device().decoder_stats().frames, 0, "held, not yet executed");
    device.advance_to(Cycle(11_001));
    assert_eq!(device.device().decoder_stats().frames, 1);
    device.advance_to(Cycle(11_078));
    assert!(sent(&mut device).is_empty(), "nothing on the line before 11 079");
    device.advance_to(Cycle(11_079));
    let mut tx = Vec::new();
    device.drain_tx(&mut tx);
    assert_eq!(tx.len(), 1);
    assert_eq!(tx[0], (Cycle(11_079), 0xA5));
    // R6: the reply is 11 + 1 + 60 = 72 bytes, 1000 apart: the last starts at
    // 11 079 + 71 · 1000 = 82 079.
    device.advance_to(Cycle(82_078));
    device.drain_tx(&mut tx);
    assert_eq!(tx.len(), 71);
    device.advance_to(Cycle(82_079));
    device.drain_tx(&mut tx);
    assert_eq!(tx.len(), 72);
    assert_eq!(tx[71].0, Cycle(82_079));
    let out = frames(&tx, 1000);
    assert_eq!((out[0].first, out[0].last, out[0].frame.opcode, out[0].frame.seq), (11_079, 82_079, 0x81, 1));
    assert_eq!(device.settle(), Cycle(82_079));
}

#[test]
fn write_takes_one_cycle_per_data_byte() {
    // WRITE of 8 data bytes to W_IN (no records, no pass): payload 1 + 4 + 8 = 13,
    // frame 24 bytes, last byte 24 000, held and started at 24 001; 13 + exec 1 + the
    // data bytes (8 + 1) + the status byte 1: pushed at 24 025, on the line at 24 028.
    let mut device = timed(core(16, 0, &[]), 100);
    device.receive_at(Cycle(0), &cmd(Opcode::Write, 2, &request::write(Region::WeightsIn, 0, &[1; 8])));
    device.settle();
    let out = sent(&mut device);
    assert_eq!(out.len(), 1);
    assert_eq!((out[0].first, out[0].last), (24_028, 24_028 + 11 * 1000));
    assert_eq!(out[0].frame.payload, [0]);
    // A frame-check NAK: the same WRITE to region 9 is BAD_REGION; sent at 100 000, held
    // at 124 001 (slot 1, not the cached ACK's slot 0: no skip); 13 + the 5 NAK payload
    // bytes: pushed at 124 019, on the line at 124 022.
    let mut bad = request::write(Region::WeightsIn, 0, &[1; 8]);
    bad[0] = 9;
    device.receive_at(Cycle(100_000), &cmd(Opcode::Write, 3, &bad));
    device.settle();
    let out = sent(&mut device);
    assert_eq!(out[0].first, 124_022);
    assert_eq!(out[0].frame.payload[0], 0x03);
}

#[test]
fn read_crc_and_reset_take_their_lengths() {
    // READ of 100 bytes: payload 7, frame 18 bytes, held at 18 001; 13 + exec 1 + the
    // status byte and 100 region bytes (101): pushed at 18 116, reply (11 + 1 + 100
    // bytes) from 18 119.
    let mut device = timed(core(16, 0, &[]), 100);
    device.receive_at(Cycle(0), &cmd(Opcode::Read, 1, &request::read(Region::WeightsIn, 0, 100)));
    device.settle();
    let out = sent(&mut device);
    assert_eq!((out[0].first, out[0].last), (18_119, 18_119 + 111 * 1000));

    // CRC of 256 bytes: payload 9, frame 20 bytes, held at 20 001; 13 + exec 1 + 256 + 1
    // + the 5 reply payload bytes: pushed at 20 277, on the line at 20 280.
    let mut device = timed(core(16, 0, &[]), 100);
    device.receive_at(Cycle(0), &cmd(Opcode::Crc, 1, &request::crc(Region::WeightsIn, 0, 256)));
    device.settle();
    assert_eq!(sent(&mut device)[0].first, 20_280);

    // RESET of everything (scope 1): payload 1, frame 12 bytes, held at 12 001; 13 +
    // exec 1 + the power-on bytes of regions 0–5 (18 + 256 + 256 + 32 + 32 + 272 = 866)
    // + the state reset N + M + 2 = 34 + the status byte 1: pushed at 12 916, on the
    // line at 12 919.
    let mut device = timed(core(16, 0, &[]), 100);
    device.receive_at(Cycle(0), &cmd(Opcode::Reset, 1, &request::reset(ncx_model::device::ResetScope::All)));
    device.settle();
    assert_eq!(sent(&mut device)[0].first, 12_919);
}

#[test]
fn a_timestep_starts_when_its_input_has_executed_and_blocks_commands() {
    // 16 × 16, divisor 1: B = 10.
    let mut device = timed(core(16, 0, &[]), 1);
    // RUN(2): 15 bytes from 0, last at 150, held 151; 13 + 1 + 7 reply payload bytes:
    // pushed 172, idle 174; reply (18 bytes) 175, 185, …, 345. Its slot 0 is cached.
    device.receive_at(Cycle(0), &cmd(Opcode::Run, 1, &request::run(2)));
    // INPUT(0, 8 inputs): payload 6 + 16 = 22, frame 33 bytes from 1000, last at 1330,
    // held 1331 (slot 1: no skip); 13 + the list pass (16 + 1) + 1 + 3: pushed 1365,
    // released 1366, idle 1367; reply (14 bytes) 1368 … 1498.
    let inputs: Vec<u16> = (0..8).collect();
    device.receive_at(Cycle(1000), &cmd(Opcode::Input, 2, &request::input(0, &inputs)));
    // STATUS right behind it: 11 bytes received 1340 … 1440. The decoder takes none while
    // the INPUT is held (1331 … 1366): bytes 0–3 (1340 … 1370) wait and are taken at
    // 1367 … 1370, the rest when received; the last at 1440, held from 1441.
    device.receive_at(Cycle(1000), &cmd(Opcode::Status, 3, &request::status()));
    // R5: timestep 0 starts at 1367 (controller idle, input executed, no frame held);
    // k = 8, C = 1 + 8 · 18 + 19 + 1 = 165; output payload 4 + 1 + 2 + 1 = 8 (bitmap, no
    // probes): pushed at 1367 + 8 + 3 + 165 + 2 + 8 = 1553, idle 1554; on the line at
    // 1556 … 1736 (19 bytes).
    device.advance_to(Cycle(1366));
    assert_eq!(device.device().status().timestep, 0);
    device.advance_to(Cycle(1367));
    assert_eq!(device.device().status().timestep, 1);
    // R4: STATUS, held at 1441, waits for the timestep's end: starts at 1554 (slot 2),
    // 13 + 1 + 36: pushed at 1604; behind the output frame, at 1736 + 10 = 1746.
    device.advance_to(Cycle(1553));
    assert_eq!(device.device().decoder_stats().frames, 2, "STATUS not executed during the timestep");
    device.settle();
    let out = sent(&mut device);
    let summary: Vec<(u64, u64, u8)> = out.iter().map(|o| (o.first, o.last, o.frame.opcode)).collect();
    assert_eq!(
        summary,
        [(175, 345, 0x86), (1368, 1498, 0x88), (1556, 1736, OUTPUT_OPCODE), (1746, 1746 + 46 * 10, 0x8A)]
    );
    let status = Ack::parse(Opcode::Status, &out[3].frame.payload).unwrap();
    let Ack::Status(status) = status else { panic!() };
    assert_eq!(status.timestep, 1);
}

#[test]
fn a_timestep_with_four_lanes_is_shorter_by_its_accumulate_slots() {
    // `a_timestep_starts_when_its_input_has_executed_and_blocks_commands` at P = 4: the
    // same commands, the same times up to timestep 0 (starts at 1367, k = 8).
    let mut device = timed(core_with_lanes(16, 0, &[], 2), 1);
    device.receive_at(Cycle(0), &cmd(Opcode::Run, 1, &request::run(2)));
    let inputs: Vec<u16> = (0..8).collect();
    device.receive_at(Cycle(1000), &cmd(Opcode::Input, 2, &request::input(0, &inputs)));
    device.receive_at(Cycle(1000), &cmd(Opcode::Status, 3, &request::status()));
    // C = 1 + 8 · (16/4 + 2) + 19 + 1 = 69 (165 at P = 1): pushed at
    // 1367 + 8 + 3 + 69 + 2 + 8 = 1457, idle 1458; due on the line at 1460, but the
    // INPUT's reply holds it to 1498: 1498 + 10 = 1508 … 1688 (the timestep is 96
    // cycles shorter, the frame 48 cycles earlier).
    // STATUS, held at 1441, starts at 1458: pushed at 1458 + 13 + 1 + 36 = 1508; behind
    // the output frame, at 1688 + 10 = 1698.
    device.advance_to(Cycle(1457));
    assert_eq!(device.device().decoder_stats().frames, 2, "STATUS not executed during the timestep");
    device.settle();
    let out = sent(&mut device);
    let summary: Vec<(u64, u64, u8)> = out.iter().map(|o| (o.first, o.last, o.frame.opcode)).collect();
    assert_eq!(
        summary,
        [(175, 345, 0x86), (1368, 1498, 0x88), (1508, 1688, OUTPUT_OPCODE), (1698, 1698 + 46 * 10, 0x8A)]
    );
}

#[test]
fn paced_timesteps_last_the_period_plus_the_controllers_cycles() {
    // 16 × 16, B = 10, P = 1000, neurons 0 and 1 fire every timestep.
    let mut device = timed(core(16, 1000, &[0, 1]), 1);
    let mut batch = cmd(Opcode::Run, 1, &request::run(3));
    for t in 0..3u8 {
        batch.extend(cmd(Opcode::Input, 2 + t, &request::input(t.into(), &[])));
    }
    device.receive_at(Cycle(0), &batch);
    // RUN: 15 bytes, held 151, pushed 151 + 13 + 1 + 7 = 172, on the line 175 … 345.
    // INPUT(0): 17 bytes, last at 320, held 321 (slot 1); pass 1, exec 1, reply 3:
    //   pushed 321 + 18 = 339, idle 341; behind the RUN reply: 345 + 10 = 355 … 485.
    // INPUT(1)'s bytes from 330 wait while INPUT(0) is held (to 340), then are taken
    //   when received; last at 490, held 491.
    // Timestep 0 starts at 341 (INPUT(1) not held yet); k = 0, C = 21, L = max(C, P) =
    //   1000, output payload 8 (two spikes: the bitmap, 2 + 2 · 2 ≥ 2): pushed at
    //   341 + 3 + 1000 + 2 + 8 = 1354, idle 1355; on the line 1357 … 1537.
    // INPUT(1) starts at 1355 (slot 2): pushed 1373, idle 1375; behind output 0: 1547.
    // INPUT(2)'s 17 bytes (received 500 … 660) waited in the FIFO: taken 1375 … 1391,
    //   held 1392.
    // Timestep 1 starts at 1375 (idle, ready, nothing held): k_prev = 2, C = 57, L =
    //   1000: pushed 1375 + 3 + 1000 + 2 + 8 = 2388, idle 2389; on the line 2391 … 2571.
    // INPUT(2) starts at 2389 (slot 3): pushed 2407, idle 2409; behind output 1: 2581.
    // Timestep 2 starts at 2409: pushed 2409 + 1013 = 3422, on the line at 3425.
    // The timesteps start 1034 cycles apart: P plus the controller's 34 (R5).
    device.advance_to(Cycle(1374));
    assert_eq!(device.device().status().timestep, 1);
    device.advance_to(Cycle(1375));
    assert_eq!(device.device().status().timestep, 2);
    device.settle();
    let out = sent(&mut device);
    let firsts: Vec<(u64, u8)> = out.iter().map(|o| (o.first, o.frame.opcode)).collect();
    assert_eq!(
        firsts,
        [
            (175, 0x86),
            (355, 0x88),
            (1357, OUTPUT_OPCODE),
            (1547, 0x88),
            (2391, OUTPUT_OPCODE),
            (2581, 0x88),
            (3425, OUTPUT_OPCODE)
        ]
    );
    assert_eq!(device.device().core().overruns(), 0);
}

#[test]
fn overrunning_timesteps_last_their_compute_cycles() {
    // 64 × 64, B = 10, P = 50. Batch from 0: RUN(2), READ(W_IN, 0, 1000), INPUT(0, 8
    // inputs), INPUT(1, 8 inputs).
    let mut device = timed(core(64, 50, &[]), 1);
    let inputs: Vec<u16> = (0..8).collect();
    let mut batch = cmd(Opcode::Run, 1, &request::run(2));
    batch.extend(cmd(Opcode::Read, 2, &request::read(Region::WeightsIn, 0, 1000)));
    batch.extend(cmd(Opcode::Input, 3, &request::input(0, &inputs)));
    batch.extend(cmd(Opcode::Input, 4, &request::input(1, &inputs)));
    device.receive_at(Cycle(0), &batch);
    // RUN: 15 bytes, held 151, pushed 172, idle 174 (slot 0 cached).
    // READ: 18 bytes, last 330, held 331 (slot 1); 13 + 1 + 1001: pushed 1346, idle 1348.
    // INPUT(0): its 33 bytes (received 340 … 660) wait; taken 1348 … 1380, held 1381
    //   (slot 2); 13 + 17 + 1 + 3: pushed 1415, idle 1417.
    // INPUT(1): its bytes (670 … 990) wait again; taken 1417 … 1449, held 1450.
    // Timestep 0 starts at 1417 (INPUT(1) not held yet): k = 8, C = 1 + 8 · 66 + 67 + 1
    //   = 597 > P (an overrun, L = C); output payload 8 (an empty list): pushed at
    //   1417 + 8 + 3 + 597 + 2 + 8 = 2035, idle 2036.
    // INPUT(1) starts at 2036 (slot 3): pushed 2070, idle 2072.
    // Timestep 1 starts at 2072: C = 597 again (k_prev = 0), pushed at 2690.
    device.advance_to(Cycle(1416));
    assert_eq!(device.device().status().timestep, 0);
    assert_eq!(device.device().decoder_stats().frames, 3);
    device.advance_to(Cycle(1417));
    assert_eq!(device.device().status().timestep, 1);
    device.advance_to(Cycle(2071));
    assert_eq!(device.device().status().timestep, 1);
    assert_eq!(device.device().decoder_stats().frames, 4);
    device.advance_to(Cycle(2072));
    assert_eq!(device.device().status().timestep, 2);
    assert_eq!(device.device().core().overruns(), 2);
    device.settle();
    // The READ reply (1012 bytes) from 1349 holds the line until 1349 + 1011 · 10 =
    // 11 459; the INPUT replies and outputs follow back to back, in push order.
    let out = sent(&mut device);
    let opcodes: Vec<u8> = out.iter().map(|o| o.frame.opcode).collect();
    assert_eq!(opcodes, [0x86, 0x84, 0x88, OUTPUT_OPCODE, 0x88, OUTPUT_OPCODE]);
    assert_eq!((out[1].first, out[1].last), (1349, 11_459));
    for pair in out.windows(2).skip(1) {
        assert_eq!(pair[1].first, pair[0].last + 10);
    }
}

#[test]
fn batches_queue_behind_the_line() {
    // B = 1000. HELLO at 0: held 11 001, pushed 11 076, reply (72 bytes) 11 079 …
    // 82 079. A second HELLO "at 5000" starts when the line is free, 11 000: last byte
    // 22 000, held 22 001 (slot 1), pushed 22 076 while the first reply is still on the
    // line: it follows back to back at 83 079.
    let mut device = timed(core(16, 0, &[]), 100);
    device.receive_at(Cycle(0), &cmd(Opcode::Hello, 1, &request::hello()));
    device.receive_at(Cycle(5000), &cmd(Opcode::Hello, 2, &request::hello()));
    device.advance_to(Cycle(22_000));
    assert_eq!(device.device().decoder_stats().frames, 1);
    device.advance_to(Cycle(22_001));
    assert_eq!(device.device().decoder_stats().frames, 2);
    // A batch later than the line is free starts at its cycle: 200 000 → last byte
    // 211 000, held 211 001 (slot 2), reply at 211 079. A cycle going backwards (100 000)
    // is taken as the line's free cycle, 211 000: last byte 222 000, pushed 222 076, on
    // the line after the previous reply: 211 079 + 72 000 = 283 079.
    device.receive_at(Cycle(200_000), &cmd(Opcode::Hello, 3, &request::hello()));
    device.receive_at(Cycle(100_000), &cmd(Opcode::Hello, 4, &request::hello()));
    device.settle();
    let out = sent(&mut device);
    let summary: Vec<(u64, u8)> = out.iter().map(|o| (o.first, o.frame.seq)).collect();
    assert_eq!(summary, [(11_079, 1), (83_079, 2), (211_079, 3), (283_079, 4)]);
}

#[test]
fn frames_queued_in_the_same_cycle_go_out_back_to_back() {
    // B = 10. One controller never finishes two commands in the same cycle, but a
    // RESEND's reply and the output frames it re-sends are queued together.
    let mut device = timed(core(16, 0, &[]), 1);
    let mut batch = cmd(Opcode::Run, 1, &request::run(2));
    batch.extend(cmd(Opcode::Input, 2, &request::input(0, &[])));
    batch.extend(cmd(Opcode::Input, 3, &request::input(1, &[])));
    device.receive_at(Cycle(0), &batch);
    device.settle();
    sent(&mut device);
    let at = device.now().0 + 1000;
    // RESEND(0): 15 bytes, held at + 151 (slot 3, the cached one is 2: no skip); 13 +
    // exec 1 + the count over 2 kept frames (3) + the 5 reply payload bytes: pushed at
    // + 173. The reply (16 bytes) and the two kept frames (19 bytes each) go out back to
    // back from at + 176.
    device.receive_at(Cycle(at), &cmd(Opcode::Resend, 4, &request::resend(0)));
    device.settle();
    let out = sent(&mut device);
    let summary: Vec<(u64, u64, u8)> = out.iter().map(|o| (o.first, o.last, o.frame.opcode)).collect();
    let s = at + 176;
    assert_eq!(
        summary,
        [
            (s, s + 150, 0x8B),
            (s + 160, s + 160 + 180, OUTPUT_OPCODE),
            (s + 160 + 190, s + 160 + 190 + 180, OUTPUT_OPCODE)
        ]
    );
}

#[test]
fn a_corrupted_command_executes_nothing() {
    // B = 1000. A HELLO with a bad CRC at 0 (its bytes received by 11 000) gets no
    // reply and is never held; a good HELLO behind it, last byte at 22 000, is held at
    // 22 001, pushed at 22 076 and answered from 22 079.
    let mut device = timed(core(16, 0, &[]), 100);
    let mut bad = cmd(Opcode::Hello, 1, &request::hello());
    bad[10] ^= 1;
    device.receive_at(Cycle(0), &bad);
    device.receive_at(Cycle(0), &cmd(Opcode::Hello, 2, &request::hello()));
    device.settle();
    let out = sent(&mut device);
    assert_eq!(out.len(), 1);
    assert_eq!((out[0].first, out[0].frame.seq), (22_079, 2));
    assert_eq!(device.device().decoder_stats().crc_errors, 1);
}

#[test]
fn the_cached_replys_slot_is_skipped() {
    // B = 1000, each command long after the last. STATUS at 0: held 11 001, slot 0,
    // pushed 11 001 + 13 + 1 + 36 = 11 051, on the line at 11 054; its slot 0 now holds
    // the cached reply. Three unknown opcodes (NAKs of the frame checks, not cached) at
    // 100 000, 200 000, 300 000 take slots 1, 2, 3: held x11 001, pushed + 13 + 5, on the
    // line at x11 022. STATUS at 400 000: the next slot is 0, the cached one: skipped
    // (1 cycle), slot 1; pushed at 411 001 + 1 + 13 + 1 + 36 = 411 052, on the line at
    // 411 055.
    let mut device = timed(core(16, 0, &[]), 100);
    device.receive_at(Cycle(0), &cmd(Opcode::Status, 1, &request::status()));
    for k in 1..4u8 {
        device.receive_at(Cycle(u64::from(k) * 100_000), &encode(0x0C, 1 + k, &[]).unwrap());
    }
    device.receive_at(Cycle(400_000), &cmd(Opcode::Status, 5, &request::status()));
    device.settle();
    let firsts: Vec<(u64, u8)> = sent(&mut device).iter().map(|o| (o.first, o.frame.opcode)).collect();
    assert_eq!(firsts, [(11_054, 0x8A), (111_022, 0x80), (211_022, 0x80), (311_022, 0x80), (411_055, 0x8A)]);
}

#[test]
fn a_first_byte_that_misses_the_hand_over_by_one_cycle_waits_one() {
    // B = 10. HELLO at 0: held 111, pushed 186, reply 189 … 189 + 71 · 10 = 899: the line
    // is free at 909. A STATUS sent at 744 + d: last byte at 854 + d, held 855 + d (slot
    // 1), pushed 855 + d + 13 + 1 + 36 = 905 + d, due at 908 + d. d = −1: due 907, starts
    // when the line is free, 909; d = 0: due 908, one cycle before the line is free: it
    // misses the hand-over, 910; d = 1: due 909, 909.
    for (d, first) in [(-1i64, 909u64), (0, 910), (1, 909)] {
        let mut device = timed(core(16, 0, &[]), 1);
        device.receive_at(Cycle(0), &cmd(Opcode::Hello, 1, &request::hello()));
        device.receive_at(Cycle((744 + d) as u64), &cmd(Opcode::Status, 2, &request::status()));
        device.settle();
        let out = sent(&mut device);
        assert_eq!((out[0].first, out[0].last), (189, 899));
        assert_eq!(out[1].first, first, "d = {d}");
    }
}

#[test]
fn bytes_behind_a_held_frame_follow_one_a_cycle_and_a_header_error_costs_five() {
    // B = 10, 16 × 16. One batch from 0: RESET of everything (12 bytes, received 10 …
    // 120), a STATUS with a bad header CRC (11 bytes, 130 … 230), a good STATUS (240 …
    // 340). RESET: held 121, pushed 121 + 13 + 1 + 866 + 34 + 1 = 1036, released 1037;
    // the decoder takes bytes again from 1038. The 22 bytes waiting follow one a cycle:
    // the bad STATUS's bytes 0–6 at 1038 … 1044; its header CRC (byte 6) is a header
    // error: the next byte at 1044 + 1 + 5 = 1050; bytes 7–10 at 1050 … 1053; the good
    // STATUS at 1054 … 1064, held 1065 (it executes then).
    let mut device = timed(core(16, 0, &[]), 1);
    let mut batch = cmd(Opcode::Reset, 1, &request::reset(ncx_model::device::ResetScope::All));
    let mut bad = cmd(Opcode::Status, 2, &request::status());
    bad[6] ^= 1;
    batch.extend(bad);
    batch.extend(cmd(Opcode::Status, 3, &request::status()));
    device.receive_at(Cycle(0), &batch);
    device.advance_to(Cycle(1064));
    assert_eq!(device.device().decoder_stats().frames, 1);
    device.advance_to(Cycle(1065));
    assert_eq!(device.device().decoder_stats().frames, 2);
    assert_eq!(device.device().decoder_stats().header_errors, 1);
    device.settle();
    // The STATUS reply (pushed 1065 + 13 + 1 + 36 = 1115) waits for the RESET's (12
    // bytes from 1039, the last at 1149): 1159.
    let firsts: Vec<u64> = sent(&mut device).iter().map(|o| o.first).collect();
    assert_eq!(firsts, [1039, 1159]);
}

#[test]
fn a_bad_record_is_found_at_its_bad_byte() {
    // B = 1000. WRITE of a CONFIG record (18 bytes) whose weight_shift (data byte 4) is
    // 16 > 15: payload 23, frame 34 bytes, held 34 001; the records pass stops at byte 4
    // (4 + 2 = 6 cycles), state checks 1, NAK BAD_VALUE (5): pushed 34 001 + 13 + 6 + 1 +
    // 5 = 34 026, on the line at 34 029.
    let mut device = timed(core(16, 0, &[]), 100);
    let mut record = ncx_model::wire::layout::encode_config(&CoreConfig::default()).to_vec();
    record[4] = 16;
    device.receive_at(Cycle(0), &cmd(Opcode::Write, 1, &request::write(Region::Config, 0, &record)));
    device.settle();
    let out = sent(&mut device);
    assert_eq!((out[0].first, out[0].frame.payload[0]), (34_029, 0x05));
}

/// A command of a random stream; `hint` is the timestep an INPUT names.
#[derive(Debug, Clone)]
enum Command {
    Hello,
    Status,
    Read(u16, u16),
    Crc(u16, u32),
    Write(u16, Vec<u8>),
    Run(u32),
    Stop,
    Input(u32, Vec<u16>),
    Probe(Vec<u16>),
    Resend(u32),
    Reset,
}

impl Command {
    fn bytes(&self, seq: u8, hint: u32) -> Vec<u8> {
        let (opcode, payload) = match self {
            Command::Hello => (Opcode::Hello, request::hello()),
            Command::Status => (Opcode::Status, request::status()),
            Command::Read(offset, len) => (Opcode::Read, request::read(Region::WeightsIn, (*offset).into(), *len)),
            Command::Crc(offset, len) => (Opcode::Crc, request::crc(Region::WeightsIn, (*offset).into(), *len)),
            Command::Write(offset, data) => (Opcode::Write, request::write(Region::WeightsIn, (*offset).into(), data)),
            Command::Run(steps) => (Opcode::Run, request::run(*steps)),
            Command::Stop => (Opcode::Stop, request::stop()),
            Command::Input(skew, inputs) => (Opcode::Input, request::input(hint + skew, inputs)),
            Command::Probe(neurons) => (Opcode::Probe, request::probe(neurons)),
            Command::Resend(back) => (Opcode::Resend, request::resend(hint.saturating_sub(*back))),
            Command::Reset => (Opcode::Reset, request::reset(ncx_model::device::ResetScope::State)),
        };
        cmd(opcode, seq, &payload)
    }
}

fn command() -> impl Strategy<Value = Command> {
    prop_oneof![
        1 => Just(Command::Hello),
        1 => Just(Command::Status),
        1 => (0u16..300, 1u16..60).prop_map(|(o, l)| Command::Read(o, l)),
        1 => (0u16..300, 0u32..300).prop_map(|(o, l)| Command::Crc(o, l)),
        1 => (0u16..256, prop::collection::vec(any::<u8>(), 1..20)).prop_map(|(o, d)| Command::Write(o, d)),
        2 => (1u32..6).prop_map(Command::Run),
        1 => Just(Command::Stop),
        6 => (prop_oneof![6 => Just(0u32), 1 => Just(1u32)], prop::collection::vec(0u16..16, 0..10))
            .prop_map(|(s, i)| Command::Input(s, i)),
        1 => prop::collection::vec(0u16..16, 0..4).prop_map(Command::Probe),
        1 => (0u32..4).prop_map(Command::Resend),
        1 => Just(Command::Reset),
    ]
}

/// A 16 × 16 core with some neurons that always fire, paced or not, with 2^`lanes_log2`
/// accumulate lanes.
fn property_core(period: u32, lanes_log2: u8) -> Core {
    core_with_lanes(16, period, &[0, 3, 9], lanes_log2)
}

/// What an untimed device sends for `bytes`, and its status afterwards.
fn untimed_next(device: &mut Device, bytes: &[u8]) -> Vec<u8> {
    device.receive(bytes);
    let mut out = Vec::new();
    device.drain_tx(&mut out);
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn any_timing_gives_a_valid_stream_with_replies_in_order(
        commands in prop::collection::vec((command(), 0u64..3000, any::<bool>()), 1..50),
        period in prop_oneof![Just(0u32), Just(40), Just(2000)],
        divisor in 1u32..4,
        lanes_log2 in 0u8..=3,
    ) {
        let mut device = timed(property_core(period, lanes_log2), divisor);
        let mut cycle = 0u64;
        let mut inputs = 0u32;
        let mut expected = Vec::new();
        for (k, (command, gap, back)) in commands.iter().enumerate() {
            // Sometimes go backwards, sometimes process events in between.
            cycle = if *back { cycle.saturating_sub(*gap) } else { cycle + gap };
            let seq = k as u8;
            let bytes = command.bytes(seq, inputs);
            if matches!(command, Command::Input(0, _)) {
                inputs += 1;
            }
            if matches!(command, Command::Run(_) | Command::Reset) {
                inputs = device.device().status().timestep;
            }
            device.receive_at(Cycle(cycle), &bytes);
            if *back {
                device.advance_to(Cycle(cycle));
            }
            expected.push(seq);
        }
        device.settle();
        let mut tx = Vec::new();
        device.drain_tx(&mut tx);
        for pair in tx.windows(2) {
            prop_assert!(pair[1].0 .0 >= pair[0].0 .0 + device.byte_time());
        }
        let out = frames(&tx, device.byte_time());
        let replies: Vec<u8> = out.iter().filter(|o| o.frame.opcode != OUTPUT_OPCODE).map(|o| o.frame.seq).collect();
        prop_assert_eq!(replies, expected);
    }

    #[test]
    fn with_generous_gaps_the_bytes_are_the_untimed_devices(
        commands in prop::collection::vec((command(), 0u64..5000), 1..50),
        period in prop_oneof![Just(0u32), Just(40), Just(2000)],
        divisor in 1u32..4,
        lanes_log2 in 0u8..=3,
    ) {
        let mut untimed = Device::with_core(property_core(period, lanes_log2), config(divisor));
        let mut device = timed(property_core(period, lanes_log2), divisor);
        let mut expected = Vec::new();
        for (k, (command, gap)) in commands.iter().enumerate() {
            // Everything before has finished: both devices are in the same state, and the
            // INPUT names the next timestep.
            let at = device.settle().0 + gap;
            prop_assert_eq!(untimed.status(), device.device().status());
            let bytes = command.bytes(k as u8, untimed.status().timestep);
            expected.extend(untimed_next(&mut untimed, &bytes));
            device.receive_at(Cycle(at), &bytes);
        }
        device.settle();
        let mut tx = Vec::new();
        device.drain_tx(&mut tx);
        let bytes: Vec<u8> = tx.iter().map(|&(_, b)| b).collect();
        prop_assert_eq!(bytes, expected);
        prop_assert_eq!(untimed.core(), device.device().core());
        for out in frames(&tx, device.byte_time()).iter().filter(|o| o.frame.opcode == OUTPUT_OPCODE) {
            prop_assert!(OutputFrame::parse(&out.frame.payload, 16).is_ok());
        }
    }
}
