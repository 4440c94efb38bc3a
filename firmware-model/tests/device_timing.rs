//! The cycle timing of the device's front end (docs/protocol.md §10.1), `TimedDevice`:
//! every expected cycle below is derived by hand, in the comments, from the rules of
//! §10.1 (numbered R1–R7 here) and the compute cycles of docs/semantics.md §6,
//!
//!     C = 1 + (k_in + k_prev)(N + 2) + (N + 3) + 1        (STDP off)
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
    let mut core = Core::new(Geometry::new(size, size).unwrap());
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
fn hello_is_answered_one_cycle_after_its_last_byte() {
    // 16 × 16, divisor 100: B = 10 · 100 = 1000 (R1).
    let mut device = timed(core(16, 0, &[]), 100);
    assert_eq!(device.byte_time(), 1000);
    // R2: 11 bytes from cycle 0, byte k received at (k + 1) · 1000: the last at 11 000.
    device.receive_at(Cycle(0), &cmd(Opcode::Hello, 1, &request::hello()));
    device.advance_to(Cycle(10_999));
    assert_eq!(device.device().decoder_stats().frames, 0);
    assert_eq!(device.device().decoder_stats().bytes_seen, 10, "bytes 0..=9 reached the decoder when received");
    // R3, R4: complete at 11 000, executes then (X = 1), reply queued at 11 001.
    device.advance_to(Cycle(11_000));
    assert_eq!(device.device().decoder_stats().frames, 1);
    assert!(sent(&mut device).is_empty(), "nothing on the line before 11 001");
    device.advance_to(Cycle(11_001));
    let mut tx = Vec::new();
    device.drain_tx(&mut tx);
    assert_eq!(tx.len(), 1);
    assert_eq!(tx[0], (Cycle(11_001), 0xA5));
    // R6: the reply is 11 + 1 + 60 = 72 bytes (status byte and HELLO data), 1000 apart:
    // the last starts at 11 001 + 71 · 1000 = 82 001.
    device.advance_to(Cycle(82_000));
    device.drain_tx(&mut tx);
    assert_eq!(tx.len(), 71);
    device.advance_to(Cycle(82_001));
    device.drain_tx(&mut tx);
    assert_eq!(tx.len(), 72);
    assert_eq!(tx[71].0, Cycle(82_001));
    let out = frames(&tx, 1000);
    assert_eq!((out[0].first, out[0].last, out[0].frame.opcode, out[0].frame.seq), (11_001, 82_001, 0x81, 1));
    assert_eq!(device.settle(), Cycle(82_001));
}

#[test]
fn write_takes_one_cycle_per_data_byte() {
    // WRITE of 8 data bytes: payload 1 + 4 + 8 = 13, frame 24 bytes, complete at 24 000;
    // X = 1 + 8 = 9, the ACK (12 bytes) queued at 24 009.
    let mut device = timed(core(16, 0, &[]), 100);
    device.receive_at(Cycle(0), &cmd(Opcode::Write, 2, &request::write(Region::WeightsIn, 0, &[1; 8])));
    device.settle();
    let out = sent(&mut device);
    assert_eq!(out.len(), 1);
    assert_eq!((out[0].first, out[0].last), (24_009, 24_009 + 11 * 1000));
    assert_eq!(out[0].frame.payload, [0]);
    // A NAK takes 1 cycle: the same WRITE to region 9 is BAD_REGION; sent at 100 000,
    // complete at 124 000, NAK queued at 124 001.
    let mut bad = request::write(Region::WeightsIn, 0, &[1; 8]);
    bad[0] = 9;
    device.receive_at(Cycle(100_000), &cmd(Opcode::Write, 3, &bad));
    device.settle();
    let out = sent(&mut device);
    assert_eq!(out[0].first, 124_001);
    assert_eq!(out[0].frame.payload[0], 0x03);
}

#[test]
fn read_crc_and_reset_take_their_lengths() {
    // READ of 100 bytes: payload 7, frame 18 bytes, complete at 18 000; X = 1 + 100,
    // reply (11 + 1 + 100 bytes) queued at 18 101.
    let mut device = timed(core(16, 0, &[]), 100);
    device.receive_at(Cycle(0), &cmd(Opcode::Read, 1, &request::read(Region::WeightsIn, 0, 100)));
    device.settle();
    let out = sent(&mut device);
    assert_eq!((out[0].first, out[0].last), (18_101, 18_101 + 111 * 1000));

    // CRC of 256 bytes: payload 9, frame 20 bytes, complete at 20 000; X = 1 + 256,
    // reply (11 + 1 + 4 bytes) queued at 20 257.
    let mut device = timed(core(16, 0, &[]), 100);
    device.receive_at(Cycle(0), &cmd(Opcode::Crc, 1, &request::crc(Region::WeightsIn, 0, 256)));
    device.settle();
    assert_eq!(sent(&mut device)[0].first, 20_257);

    // RESET: payload 1, frame 12 bytes, complete at 12 000; X = 1 + N + M = 33, reply
    // queued at 12 033.
    let mut device = timed(core(16, 0, &[]), 100);
    device.receive_at(Cycle(0), &cmd(Opcode::Reset, 1, &request::reset(ncx_model::device::ResetScope::All)));
    device.settle();
    assert_eq!(sent(&mut device)[0].first, 12_033);
}

#[test]
fn a_timestep_starts_when_its_input_has_executed_and_blocks_commands() {
    // 16 × 16, divisor 1: B = 10.
    let mut device = timed(core(16, 0, &[]), 1);
    // RUN(2): 15 bytes from 0, complete at 150, reply (18 bytes) queued at 151: its
    // bytes start at 151, 161, …, 321.
    device.receive_at(Cycle(0), &cmd(Opcode::Run, 1, &request::run(2)));
    // INPUT(0, 8 inputs): payload 6 + 16 = 22, frame 33 bytes from 1000, complete at
    // 1330, executes (X = 1), reply (14 bytes) queued at 1331: starts 1331 … 1461.
    let inputs: Vec<u16> = (0..8).collect();
    device.receive_at(Cycle(1000), &cmd(Opcode::Input, 2, &request::input(0, &inputs)));
    // STATUS right behind it: 11 bytes received 1340 … 1440, complete at 1440.
    device.receive_at(Cycle(1000), &cmd(Opcode::Status, 3, &request::status()));
    // R5: timestep 0 starts at 1331 (controller free, input executed); k_in = 8,
    // k_prev = 0: C = 1 + 8 · 18 + 19 + 1 = 165, output frame queued at 1496.
    device.advance_to(Cycle(1330));
    assert_eq!(device.device().status().timestep, 0);
    device.advance_to(Cycle(1331));
    assert_eq!(device.device().status().timestep, 1);
    // R4: STATUS, complete at 1440, waits for the timestep's end: starts at 1496, reply
    // queued at 1497. The output frame (queued at 1496, 19 bytes: bitmap, no probes)
    // goes first, 1496 … 1676; the STATUS reply (47 bytes) follows at 1686.
    device.advance_to(Cycle(1495));
    assert_eq!(device.device().decoder_stats().frames, 2, "STATUS not executed during the timestep");
    device.settle();
    let out = sent(&mut device);
    let summary: Vec<(u64, u64, u8)> = out.iter().map(|o| (o.first, o.last, o.frame.opcode)).collect();
    assert_eq!(
        summary,
        [(151, 321, 0x86), (1331, 1461, 0x88), (1496, 1676, OUTPUT_OPCODE), (1686, 1686 + 46 * 10, 0x8A)]
    );
    let status = Ack::parse(Opcode::Status, &out[3].frame.payload).unwrap();
    let Ack::Status(status) = status else { panic!() };
    assert_eq!(status.timestep, 1);
}

#[test]
fn paced_timesteps_start_a_period_apart() {
    // 16 × 16, B = 10, P = 1000, neurons 0 and 1 fire every timestep.
    let mut device = timed(core(16, 1000, &[0, 1]), 1);
    let mut batch = cmd(Opcode::Run, 1, &request::run(3));
    for t in 0..3u8 {
        batch.extend(cmd(Opcode::Input, 2 + t, &request::input(t.into(), &[])));
    }
    device.receive_at(Cycle(0), &batch);
    // RUN: 15 bytes, complete 150, reply queued 151 (151 … 321).
    // INPUT(0): 17 bytes, complete 320, reply queued 321; timestep 0 starts at 321:
    //   k_in = k_prev = 0, C = 1 + 19 + 1 = 21, output queued at 342.
    // INPUT(1): complete 490, reply queued 491; timestep 1 starts at 321 + P = 1321:
    //   k_prev = 2, C = 1 + 2 · 18 + 19 + 1 = 57, output queued at 1378.
    // INPUT(2): complete 660, reply queued 661; timestep 2 at 2321, output at 2378.
    // The line: RUN reply 151 … 321; INPUT(0) reply (14 bytes) 331 … 461; output 0
    // (19 bytes) 471 … 651; INPUT(1) reply 661 … 791; INPUT(2) reply 801 … 931;
    // output 1 at 1378, output 2 at 2378.
    device.advance_to(Cycle(1320));
    assert_eq!(device.device().status().timestep, 1);
    device.advance_to(Cycle(1321));
    assert_eq!(device.device().status().timestep, 2);
    device.settle();
    let out = sent(&mut device);
    let firsts: Vec<(u64, u8)> = out.iter().map(|o| (o.first, o.frame.opcode)).collect();
    assert_eq!(
        firsts,
        [
            (151, 0x86),
            (331, 0x88),
            (471, OUTPUT_OPCODE),
            (661, 0x88),
            (801, 0x88),
            (1378, OUTPUT_OPCODE),
            (2378, OUTPUT_OPCODE)
        ]
    );
    assert_eq!(device.device().core().overruns(), 0);
}

#[test]
fn overrunning_timesteps_start_at_the_end_of_the_previous_one() {
    // 64 × 64, B = 10, P = 50. Batch from 0: RUN(2), READ(W_IN, 0, 1000), INPUT(0, 8
    // inputs), INPUT(1, 8 inputs).
    let mut device = timed(core(64, 50, &[]), 1);
    let inputs: Vec<u16> = (0..8).collect();
    let mut batch = cmd(Opcode::Run, 1, &request::run(2));
    batch.extend(cmd(Opcode::Read, 2, &request::read(Region::WeightsIn, 0, 1000)));
    batch.extend(cmd(Opcode::Input, 3, &request::input(0, &inputs)));
    batch.extend(cmd(Opcode::Input, 4, &request::input(1, &inputs)));
    device.receive_at(Cycle(0), &batch);
    // RUN: 15 bytes, complete 150, done 151.
    // READ: 18 bytes, complete 330, X = 1001: controller busy until 1331.
    // INPUT(0): 33 bytes, complete 660, waits, runs 1331, done 1332.
    // INPUT(1): complete 990; at 1332 it and timestep 0 are both ready: the command
    //   goes first, done 1333.
    // Timestep 0 starts at 1333: C = 1 + 8 · 66 + 67 + 1 = 597 > P, ends at 1930.
    // Timestep 1: 1333 + P = 1383 < 1930, so it starts at 1930 (an overrun).
    device.advance_to(Cycle(1332));
    assert_eq!(device.device().status().timestep, 0);
    assert_eq!(device.device().decoder_stats().frames, 4);
    device.advance_to(Cycle(1333));
    assert_eq!(device.device().status().timestep, 1);
    device.advance_to(Cycle(1929));
    assert_eq!(device.device().status().timestep, 1);
    device.advance_to(Cycle(1930));
    assert_eq!(device.device().status().timestep, 2);
    assert_eq!(device.device().core().overruns(), 2);
    device.settle();
    // The READ reply (1012 bytes) queued at 1331 holds the line until 1331 + 1011 · 10
    // = 11 441; the INPUT replies and both outputs follow back to back.
    let out = sent(&mut device);
    let opcodes: Vec<u8> = out.iter().map(|o| o.frame.opcode).collect();
    assert_eq!(opcodes, [0x86, 0x84, 0x88, 0x88, OUTPUT_OPCODE, OUTPUT_OPCODE]);
    assert_eq!((out[1].first, out[1].last), (1331, 11_441));
    for pair in out.windows(2).skip(1) {
        assert_eq!(pair[1].first, pair[0].last + 10);
    }
}

#[test]
fn batches_queue_behind_the_line() {
    // B = 1000. HELLO at 0: complete 11 000, reply (72 bytes) 11 001 … 82 001.
    // A second HELLO "at 5000" starts when the line is free, 11 000: complete 22 000,
    // reply queued 22 001 while the first is still on the line: it follows back to
    // back at 83 001.
    let mut device = timed(core(16, 0, &[]), 100);
    device.receive_at(Cycle(0), &cmd(Opcode::Hello, 1, &request::hello()));
    device.receive_at(Cycle(5000), &cmd(Opcode::Hello, 2, &request::hello()));
    device.advance_to(Cycle(21_999));
    assert_eq!(device.device().decoder_stats().frames, 1);
    device.advance_to(Cycle(22_000));
    assert_eq!(device.device().decoder_stats().frames, 2);
    // A batch later than the line is free starts at its cycle: 200 000 → complete
    // 211 000, reply at 211 001. A cycle going backwards (100 000) is taken as the line's
    // free cycle, 211 000: complete 222 000, reply queued 222 001, on the line after the
    // previous reply: 211 001 + 72 000 = 283 001.
    device.receive_at(Cycle(200_000), &cmd(Opcode::Hello, 3, &request::hello()));
    device.receive_at(Cycle(100_000), &cmd(Opcode::Hello, 4, &request::hello()));
    device.settle();
    let out = sent(&mut device);
    let summary: Vec<(u64, u8)> = out.iter().map(|o| (o.first, o.frame.seq)).collect();
    assert_eq!(summary, [(11_001, 1), (83_001, 2), (211_001, 3), (283_001, 4)]);
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
    // RESEND(0): 15 bytes, complete at + 150, X = 1: reply (16 bytes) and the two kept
    // frames (19 bytes each) queued at + 151, back to back.
    device.receive_at(Cycle(at), &cmd(Opcode::Resend, 4, &request::resend(0)));
    device.settle();
    let out = sent(&mut device);
    let summary: Vec<(u64, u64, u8)> = out.iter().map(|o| (o.first, o.last, o.frame.opcode)).collect();
    let s = at + 151;
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
    // reply and takes no cycle; a good HELLO behind it completes at 22 000 and is
    // answered at 22 001.
    let mut device = timed(core(16, 0, &[]), 100);
    let mut bad = cmd(Opcode::Hello, 1, &request::hello());
    bad[10] ^= 1;
    device.receive_at(Cycle(0), &bad);
    device.receive_at(Cycle(0), &cmd(Opcode::Hello, 2, &request::hello()));
    device.settle();
    let out = sent(&mut device);
    assert_eq!(out.len(), 1);
    assert_eq!((out[0].first, out[0].frame.seq), (22_001, 2));
    assert_eq!(device.device().decoder_stats().crc_errors, 1);
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

/// A 16 × 16 core with some neurons that always fire, paced or not.
fn property_core(period: u32) -> Core {
    core(16, period, &[0, 3, 9])
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
    ) {
        let mut device = timed(property_core(period), divisor);
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
    ) {
        let mut untimed = Device::with_core(property_core(period), config(divisor));
        let mut device = timed(property_core(period), divisor);
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
