//! Running and streaming (docs/protocol.md §7, §10): output frames equal a core run
//! directly (with 1, 2, 4 and 8 accumulate lanes), list/bitmap choice at the boundary,
//! probes, credits and NO_CREDIT, BAD_TIMESTEP, STOP, RESEND, the duplicate rule and
//! corrupted commands.

mod device_support;
mod support;

use device_support::Host;
use ncx_model::device::{Ack, DeviceConfig, Nak, OutputFormat, OutputFrame, ProbeSample, Request, StatusCode};
use ncx_model::wire::encode;
use ncx_model::wire::layout::{self, Region};
use ncx_model::{Core, NeuronParams, NullSink};
use support::{Knobs, random_core, random_stimulus};

fn nak(status: StatusCode, detail: u32) -> Nak {
    Nak { status, detail }
}

/// Make neurons `fire` fire every timestep (threshold 0 is reached by v = 0).
fn always_firing(host: &mut Host, fire: &[usize]) {
    for &n in fire {
        let data = layout::encode_neuron(&NeuronParams { threshold: 0, ..NeuronParams::SILENT }).to_vec();
        host.ack(&Request::Write { region: Region::Neurons, offset: 17 * n as u32, data });
    }
}

#[test]
fn outputs_equal_a_core_run_directly() {
    for seed in 0..6 {
        let knobs = Knobs {
            neurons_log2: 5 + (seed % 2) as u32,
            inputs_log2: 4,
            seed,
            density: 30,
            plasticity: 30,
            stdp: seed % 3 != 0,
            period: 0,
            lanes_log2: (seed % 4) as u8,
        };
        let core = random_core(knobs);
        let n = core.geometry().neurons();
        let stimulus = random_stimulus(seed, 16, 40, 20);
        let probes: Vec<u16> = vec![0, 5, (n - 1) as u16, 5];
        let mut host = Host::with_core(core.clone(), DeviceConfig::default());
        host.ack(&Request::Probe { neurons: probes.clone() });
        assert_eq!(host.ack(&Request::Run { steps: 40 }), Ack::Run { first: 0, credits: 16 });
        let mut reference = core;
        for (t, inputs) in stimulus.iter().enumerate() {
            let (reply, frames) = host.send(&Request::Input { timestep: t as u32, inputs: inputs.clone() });
            // Credits when the reply is sent: one slot taken, and no more than the
            // timesteps of the run still without input.
            let credits = 15.min(39 - t as u16);
            assert_eq!(reply, [0, credits as u8, 0]);
            assert_eq!(frames.len(), 1, "one output frame per timestep");
            assert_eq!(frames[0].seq, t as u8);
            reference.run_timestep(inputs, &mut NullSink).unwrap();
            let expected = OutputFrame {
                timestep: t as u32,
                spikes: reference.last_spikes().to_vec(),
                probes: probes
                    .iter()
                    .map(|&p| {
                        let s = reference.neuron_state(p.into()).unwrap();
                        ProbeSample { neuron: p, v: s.v, i: s.i }
                    })
                    .collect(),
            };
            assert_eq!(host.outputs(&frames), std::slice::from_ref(&expected), "seed {seed} t {t}");
            assert_eq!(frames[0].payload, expected.encode(n));
        }
        assert_eq!(host.device.core(), &reference, "seed {seed}: the device's core is the model's");
        assert!(!host.device.is_running());
        assert_eq!(host.nak(&Request::Input { timestep: 40, inputs: vec![] }), nak(StatusCode::NotRunning, 40));
    }
}

#[test]
fn list_or_bitmap_at_the_boundary() {
    // N = 64: N/8 = 8 bytes of bitmap; the list (2 + 2·count bytes) while 2 + 2·count < 8.
    let mut host = Host::new(64, 16);
    always_firing(&mut host, &[3, 40]);
    host.ack(&Request::Run { steps: 3 });
    let (_, frames) = host.send(&Request::Input { timestep: 0, inputs: vec![] });
    assert_eq!(frames[0].payload, [0, 0, 0, 0, 0, 2, 0, 3, 0, 40, 0, 0], "list of 2: 6 < 8");
    always_firing(&mut host, &[]);
    host.ack(&Request::Stop);
    always_firing(&mut host, &[63]);
    host.ack(&Request::Run { steps: 1 });
    let (_, frames) = host.send(&Request::Input { timestep: 1, inputs: vec![] });
    // 3 spikes: 2 + 6 = 8, not < 8 → bitmap: neuron 3 → byte 0 bit 3; 40 → byte 5 bit 0; 63 → byte 7 bit 7.
    assert_eq!(frames[0].payload, [1, 0, 0, 0, 1, 0x08, 0, 0, 0, 0, 0x01, 0, 0x80, 0]);
    assert_eq!(OutputFormat::choose(2, 64), OutputFormat::List);
    assert_eq!(OutputFormat::choose(3, 64), OutputFormat::Bitmap);
    assert_eq!(OutputFormat::choose(0, 16), OutputFormat::Bitmap, "N = 16: always the 2-byte bitmap");
    assert_eq!(OutputFormat::choose(62, 1024), OutputFormat::List);
    assert_eq!(OutputFormat::choose(63, 1024), OutputFormat::Bitmap);
}

#[test]
fn probes_report_the_state_after_the_timestep() {
    let mut host = Host::new(16, 16);
    // Neuron 0: W_in[0][0] = 10, weight_shift 0, δ 0, threshold 100.
    host.ack(&Request::Write { region: Region::WeightsIn, offset: 0, data: vec![10] });
    let p = NeuronParams { threshold: 100, ..NeuronParams::SILENT };
    host.ack(&Request::Write { region: Region::Neurons, offset: 0, data: layout::encode_neuron(&p).to_vec() });
    host.ack(&Request::Probe { neurons: vec![0, 1] });
    host.ack(&Request::Run { steps: 2 });
    let (_, frames) = host.send(&Request::Input { timestep: 0, inputs: vec![0, 0] });
    // 2 + 2 bitmap + probes: count 2, (0, v 10, I 10), (1, 0, 0).
    #[rustfmt::skip]
    let expected = [0, 0, 0, 0, 1, 0, 0, 2,
        0, 0, 10, 0, 0, 0, 10, 0, 0, 0,
        1, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    assert_eq!(frames[0].payload, expected);
}

#[test]
fn credits_and_no_credit() {
    let config = DeviceConfig { input_slots: 3, ..DeviceConfig::default() };
    let mut host = Host::with_config(16, 16, config);
    host.device.set_hold(true);
    assert_eq!(host.ack(&Request::Run { steps: 10 }), Ack::Run { first: 0, credits: 3 });
    for t in 0..3 {
        assert_eq!(host.ack(&Request::Input { timestep: t, inputs: vec![] }), Ack::Input { credits: 2 - t as u16 });
    }
    assert_eq!(host.nak(&Request::Input { timestep: 3, inputs: vec![] }), nak(StatusCode::NoCredit, 0));
    assert_eq!(host.step().len(), 1);
    let Ack::Status(s) = host.ack(&Request::Status) else { panic!() };
    assert_eq!((s.timestep, s.steps_left, s.credits), (1, 9, 1));
    assert_eq!(host.ack(&Request::Input { timestep: 3, inputs: vec![] }), Ack::Input { credits: 0 });
    // Releasing the core runs every ready timestep.
    host.device.set_hold(false);
    assert_eq!(host.collect().outputs.len(), 3);
    assert_eq!(host.device.core().timestep().0, 4);
    // Credits never exceed the timesteps left without input.
    host.ack(&Request::Stop);
    host.device.set_hold(true);
    assert_eq!(host.ack(&Request::Run { steps: 2 }), Ack::Run { first: 4, credits: 2 });
    assert_eq!(host.ack(&Request::Input { timestep: 4, inputs: vec![] }), Ack::Input { credits: 1 });
    assert_eq!(host.ack(&Request::Input { timestep: 5, inputs: vec![] }), Ack::Input { credits: 0 });
    assert_eq!(host.nak(&Request::Input { timestep: 6, inputs: vec![] }), nak(StatusCode::NoCredit, 4));
    host.device.set_hold(false);
    assert_eq!(host.collect().outputs.len(), 2);
    assert_eq!(host.nak(&Request::Input { timestep: 6, inputs: vec![] }), nak(StatusCode::NotRunning, 6));
}

#[test]
fn bad_timestep_names_the_expected_one() {
    let mut host = Host::new(16, 16);
    host.ack(&Request::Run { steps: 5 });
    assert_eq!(host.nak(&Request::Input { timestep: 1, inputs: vec![] }), nak(StatusCode::BadTimestep, 0));
    host.ack(&Request::Input { timestep: 0, inputs: vec![] });
    // A repeated INPUT with a new seq is not a retry: BAD_TIMESTEP.
    assert_eq!(host.nak(&Request::Input { timestep: 0, inputs: vec![] }), nak(StatusCode::BadTimestep, 1));
    host.device.set_hold(true);
    host.ack(&Request::Input { timestep: 1, inputs: vec![] });
    assert_eq!(host.nak(&Request::Input { timestep: 1, inputs: vec![] }), nak(StatusCode::BadTimestep, 2));
    assert_eq!(host.nak(&Request::Input { timestep: u32::MAX, inputs: vec![] }), nak(StatusCode::BadTimestep, 2));
}

#[test]
fn stop_ends_the_run_and_discards_buffered_inputs() {
    let mut host = Host::new(16, 16);
    host.device.set_hold(true);
    host.ack(&Request::Run { steps: 100 });
    for t in 0..5 {
        host.ack(&Request::Input { timestep: t, inputs: vec![1] });
    }
    host.step();
    host.step();
    assert_eq!(host.ack(&Request::Stop), Ack::Stop { next: 2 });
    host.device.set_hold(false);
    assert!(host.collect().outputs.is_empty(), "the 3 buffered inputs are discarded");
    assert_eq!(host.device.core().timestep().0, 2);
    let Ack::Status(s) = host.ack(&Request::Status) else { panic!() };
    assert_eq!((s.running, s.timestep, s.steps_left, s.credits), (false, 2, 0, 0));
    assert_eq!(host.nak(&Request::Input { timestep: 2, inputs: vec![] }), nak(StatusCode::NotRunning, 2));
    // A new run starts where the last one stopped.
    assert_eq!(host.ack(&Request::Run { steps: 1 }), Ack::Run { first: 2, credits: 1 });
}

#[test]
fn resend_sends_the_kept_frames_again() {
    let config = DeviceConfig { output_history: 4, ..DeviceConfig::default() };
    let mut host = Host::with_config(16, 16, config);
    always_firing(&mut host, &[2]);
    host.ack(&Request::Run { steps: 6 });
    let mut originals = Vec::new();
    for t in 0..6 {
        originals.extend(host.send(&Request::Input { timestep: t, inputs: vec![] }).1);
    }
    host.seq = host.seq.wrapping_add(1);
    let seq = host.seq;
    let sent = host.raw(0x0B, seq, &3u32.to_le_bytes());
    assert_eq!(sent.all.len(), 4, "the ACK, then timesteps 3, 4, 5");
    assert_eq!(sent.all[0].payload, [0, 3, 0, 0, 0]);
    assert_eq!(sent.all[1..], originals[3..]);
    // Only the last 4 are kept.
    let sent = host.raw(0x0B, seq.wrapping_add(1), &0u32.to_le_bytes());
    assert_eq!(sent.all[0].payload, [0, 4, 0, 0, 0]);
    assert_eq!(sent.all[1..], originals[2..]);
    let sent = host.raw(0x0B, seq.wrapping_add(2), &6u32.to_le_bytes());
    assert_eq!(sent.all.len(), 1);
    assert_eq!(sent.all[0].payload, [0, 0, 0, 0, 0]);
    // A retried RESEND gets its reply and its frames again.
    let again = host.raw(0x0B, seq.wrapping_add(2), &6u32.to_le_bytes());
    assert_eq!(again.bytes, sent.bytes);
    let Ack::Status(s) = host.ack(&Request::Status) else { panic!() };
    assert_eq!(s.outputs_sent, 6 + 3 + 4);
}

#[test]
fn a_duplicate_command_gets_the_stored_reply_and_is_not_executed_again() {
    let mut host = Host::new(16, 16);
    always_firing(&mut host, &[1]);
    // A duplicated RUN does not restart the run (it would be BUSY otherwise).
    let run = encode(0x06, 40, &3u32.to_le_bytes()).unwrap();
    let first = host.bytes(&run);
    let second = host.bytes(&run);
    assert_eq!(first.bytes, second.bytes);
    assert_eq!(first.replies[0].payload, [0, 0, 0, 0, 0, 3, 0], "credits: 3 timesteps");
    // A duplicated INPUT does not advance twice.
    let input = encode(0x08, 41, &[0, 0, 0, 0, 0, 0]).unwrap();
    let first = host.bytes(&input);
    assert_eq!((first.replies.len(), first.outputs.len()), (1, 1));
    let second = host.bytes(&input);
    assert_eq!((second.replies.len(), second.outputs.len()), (1, 0));
    assert_eq!(second.replies[0], first.replies[0]);
    assert_eq!(host.device.core().timestep().0, 1);
    // The same seq with another payload (another CRC) is a new command.
    let next = host.bytes(&encode(0x08, 41, &[1, 0, 0, 0, 0, 0]).unwrap());
    assert_eq!((next.replies[0].payload.as_slice(), next.outputs.len()), (&[0, 1, 0][..], 1));
    // Only the last command is remembered: after another one, the old frame executes again.
    let stale = host.bytes(&input);
    assert_eq!(stale.replies[0].payload, [9, 2, 0, 0, 0], "BAD_TIMESTEP, expected 2");
    // A NAK is not stored: the same frame is executed again once it can succeed.
    host.device.set_hold(true);
    let ok = host.bytes(&encode(0x08, 50, &[2, 0, 0, 0, 0, 0]).unwrap());
    assert_eq!(ok.replies[0].payload, [0, 0, 0], "the last timestep of the run is supplied");
    let stop = encode(0x07, 51, &[]).unwrap();
    let retry_reset = encode(0x02, 52, &[0]).unwrap();
    assert_eq!(host.bytes(&retry_reset).replies[0].payload, [6, 2, 0, 0, 0], "BUSY at timestep 2");
    host.bytes(&stop);
    assert_eq!(host.bytes(&retry_reset).replies[0].payload, [0], "the retry executes");
    assert_eq!(host.device.core().timestep().0, 0);
}

#[test]
fn a_corrupted_command_gets_no_reply_and_the_next_one_works() {
    let mut host = Host::new(16, 16);
    let mut frame = encode(0x04, 1, &[1, 0, 0, 0, 0, 4, 0]).unwrap();
    for at in [3, 8, frame.len() - 1] {
        let mut bad = frame.clone();
        bad[at] ^= 0x10;
        let sent = host.bytes(&bad);
        assert!(sent.bytes.is_empty(), "no reply to a damaged frame (byte {at})");
    }
    let sent = host.bytes(&frame);
    assert_eq!(sent.replies[0].payload, [0, 0, 0, 0, 0]);
    let Ack::Status(s) = host.ack(&Request::Status) else { panic!() };
    assert_eq!((s.frames, s.header_errors, s.crc_errors), (2, 1, 2));
    frame[7] = 9; // a different region, the header intact but the CRC now wrong
    assert!(host.bytes(&frame).bytes.is_empty());
}

#[test]
fn the_device_equals_the_model_in_any_chunking() {
    let core = random_core(Knobs {
        neurons_log2: 4,
        inputs_log2: 4,
        seed: 9,
        density: 40,
        plasticity: 50,
        stdp: true,
        period: 0,
        lanes_log2: 0,
    });
    let stimulus = random_stimulus(9, 16, 12, 30);
    let mut stream = encode(0x06, 0, &12u32.to_le_bytes()).unwrap();
    for (t, inputs) in stimulus.iter().enumerate() {
        let request = Request::Input { timestep: t as u32, inputs: inputs.clone() };
        stream.extend(request.frame(t as u8 + 1).unwrap());
    }
    let mut whole = ncx_model::device::Device::with_core(core.clone(), DeviceConfig::default());
    whole.receive(&stream);
    let mut expected = Vec::new();
    whole.drain_tx(&mut expected);
    for chunk in [1, 2, 7, 100] {
        let mut device = ncx_model::device::Device::with_core(core.clone(), DeviceConfig::default());
        let mut got = Vec::new();
        for piece in stream.chunks(chunk) {
            device.receive(piece);
            device.drain_tx(&mut got);
        }
        assert_eq!(got, expected, "chunks of {chunk}");
        assert_eq!(device.core(), whole.core());
    }
    let mut reference: Core = core;
    for inputs in &stimulus {
        reference.run_timestep(inputs, &mut NullSink).unwrap();
    }
    assert_eq!(whole.core(), &reference);
}
