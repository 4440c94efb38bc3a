//! Co-simulation of the whole device RTL (`hdl/rtl/ncx_top.sv`: UART, frame layer, the
//! command layer `ncx_ctrl` and `ncx_tx_queue`, the core) against the executable spec
//! `ncx_model::device::Device` with the same configuration: for sequences of commands,
//! each given time to finish, every byte the RTL sends (replies and output frames) equals
//! the model's, byte for byte; and (module `timed`) against `TimedDevice`, every byte with
//! the cycle its start bit begins (docs/protocol.md §10.1). The default buffers (16 input
//! slots, 16 kept frames) at 16×16 and 64×64, and the iCEBreaker's build (2 slots, no
//! kept frames: `BOARD_BUFFERS`; synapses and enable bits in SPRAM) at
//! `BOARD_GEOMETRY` (32×32, the board table's), and four accumulate lanes (`LANES_LOG2`,
//! the ULX3S's) at `LANES_GEOMETRY` (64×64) against the model with the same lanes.

#[cfg(have_verilator)]
mod rtl {
    use ncx_hdl::device::{
        BOARD_BUFFERS, BOARD_GEOMETRY, Buffers, DEFAULT_BUFFERS, DeviceSim, LANES_GEOMETRY, LANES_LOG2,
    };
    use ncx_model::device::{Device, OUTPUT_OPCODE, Opcode, OutputFormat, OutputFrame, ResetScope, request};
    use ncx_model::wire::layout::{self, Region};
    use ncx_model::wire::{Decoded, Decoder, Frame, encode};
    use ncx_model::{CoreConfig, Geometry, NeuronParams, NeuronState, StdpConfig, TraceMode};
    use proptest::prelude::*;

    /// The RTL and the model side by side.
    struct Pair {
        sim: DeviceSim,
        model: Device,
        seq: u8,
        /// Output frames, spikes in them, probe samples, bitmap frames, NAKs seen.
        outputs: usize,
        spikes: usize,
        probes: usize,
        bitmaps: usize,
        naks: usize,
    }

    impl Pair {
        fn new(n: usize, m: usize) -> Pair {
            Pair::with_buffers(n, m, DEFAULT_BUFFERS)
        }

        fn with_buffers(n: usize, m: usize, buffers: Buffers) -> Pair {
            Pair::with_lanes(n, m, buffers, 0)
        }

        fn with_lanes(n: usize, m: usize, buffers: Buffers, lanes_log2: u8) -> Pair {
            let g = Geometry::new(n, m).unwrap();
            let sim = DeviceSim::with_lanes(g, buffers, lanes_log2).unwrap();
            let model = Device::new(g, sim.config());
            Pair { sim, model, seq: 0, outputs: 0, spikes: 0, probes: 0, bitmaps: 0, naks: 0 }
        }

        /// Raw bytes to both; the RTL's output must equal the model's.
        fn raw(&mut self, bytes: &[u8]) -> Vec<u8> {
            if std::env::var_os("NCX_DEVICE_TRACE").is_some() {
                println!("> {}", hex(bytes));
            }
            self.model.receive(bytes);
            let mut expected = Vec::new();
            self.model.drain_tx(&mut expected);
            let got = self
                .sim
                .exchange(bytes, expected.len())
                .unwrap_or_else(|e| panic!("{e}: sending {}, expecting {}", hex(bytes), hex(&expected)));
            assert_eq!(hex(&got), hex(&expected), "RTL vs model after {}", hex(bytes));
            got
        }

        /// One command with the next seq: exactly one reply (the RTL's = the model's),
        /// maybe followed by output frames. Returns the frames sent.
        fn cmd(&mut self, op: Opcode, payload: &[u8]) -> Vec<Frame> {
            self.seq = self.seq.wrapping_add(1);
            let frame = encode(op as u8, self.seq, payload).unwrap();
            let bytes = self.raw(&frame);
            let mut decoder = Decoder::new();
            let frames: Vec<Frame> = bytes
                .iter()
                .filter_map(|&b| match decoder.push(b) {
                    Some(Decoded::Frame(f)) => Some(f),
                    _ => None,
                })
                .collect();
            assert!(!frames.is_empty() && frames[0].seq == self.seq, "one reply to {op}");
            assert_eq!(frames[0].opcode & 0x80, 0x80);
            assert!(frames[1..].iter().all(|f| f.opcode == OUTPUT_OPCODE));
            self.outputs += frames.len() - 1;
            for f in &frames[1..] {
                let out = OutputFrame::parse(&f.payload, self.sim.geometry().neurons()).unwrap();
                self.spikes += out.spikes.len();
                self.probes += out.probes.len();
                let format = OutputFrame::format_of(&f.payload).unwrap().unwrap();
                self.bitmaps += usize::from(format == OutputFormat::Bitmap);
            }
            self.naks += usize::from(frames[0].payload[0] != 0);
            frames
        }
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(" ")
    }

    /// Deterministic test data from the workspace's generator
    /// ([`ncx_model::rng::SplitMix64`]).
    struct Rng(ncx_model::rng::SplitMix64);

    impl Rng {
        fn new(seed: u64) -> Rng {
            Rng(ncx_model::rng::SplitMix64::new(seed))
        }

        fn next(&mut self) -> u64 {
            self.0.next_u64()
        }

        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }

        fn bytes(&mut self, len: usize) -> Vec<u8> {
            (0..len).map(|_| self.next() as u8).collect()
        }
    }

    /// A valid neuron record: small threshold and bias so that neurons fire.
    fn neuron(rng: &mut Rng) -> Vec<u8> {
        layout::encode_neuron(&NeuronParams {
            threshold: 20 + rng.below(200) as i32,
            reset: -(rng.below(50) as i32),
            bias: rng.below(30) as i32 - 5,
            v_decay: rng.below(4096) as u16,
            i_decay: rng.below(4096) as u16,
            refractory: rng.below(4) as u8,
        })
        .to_vec()
    }

    /// A valid state record: mostly small values, sometimes the extremes of 24 bits.
    fn state(rng: &mut Rng) -> Vec<u8> {
        let value = |rng: &mut Rng| match rng.below(8) {
            0 => rng.below(1 << 24) as i32 - (1 << 23),
            _ => rng.below(200) as i32 - 100,
        };
        let (v, i) = (value(rng), value(rng));
        layout::encode_state(&NeuronState { v, i, refractory: rng.below(3) as u8 }).to_vec()
    }

    fn stdp_config(period: u32) -> Vec<u8> {
        let stdp = StdpConfig {
            enabled: true,
            a_plus: 40,
            a_minus: 30,
            shift: 4,
            w_min: -100,
            w_max: 100,
            pre_decay: 300,
            post_decay: 500,
            pre_increment: 60,
            post_increment: 50,
            trace_mode: TraceMode::Add,
        };
        layout::encode_config(&CoreConfig { weight_shift: 2, period, stdp }).to_vec()
    }

    /// Upload a random image region by region (every region, whole-record chunks), the
    /// same on both sides.
    fn upload(p: &mut Pair, rng: &mut Rng, period: u32) {
        let g = p.sim.geometry();
        let (n, m) = (g.neurons(), g.inputs());
        p.cmd(Opcode::Write, &request::write(Region::Config, 0, &stdp_config(period)));
        for region in [Region::WeightsIn, Region::WeightsRec, Region::EnableIn, Region::EnableRec, Region::Traces] {
            let bytes = rng.bytes(region.size(g));
            for w in request::write_all(region, 0, &bytes) {
                p.cmd(Opcode::Write, &w.payload());
            }
        }
        let neurons: Vec<u8> = (0..n).flat_map(|_| neuron(rng)).collect();
        for w in request::write_all(Region::Neurons, 0, &neurons) {
            p.cmd(Opcode::Write, &w.payload());
        }
        let states: Vec<u8> = (0..n).flat_map(|_| state(rng)).collect();
        for w in request::write_all(Region::State, 0, &states) {
            p.cmd(Opcode::Write, &w.payload());
        }
        let _ = m;
    }

    /// Read every region back, in chunks of `chunk` bytes, and CRC it whole.
    fn read_back(p: &mut Pair, chunk: usize) {
        let g = p.sim.geometry();
        for region in Region::ALL {
            let size = region.size(g);
            let mut at = 0;
            while at < size {
                let len = chunk.min(size - at).min(1023);
                p.cmd(Opcode::Read, &request::read(region, at as u32, len as u16));
                at += len;
            }
            p.cmd(Opcode::Crc, &request::crc(region, 0, size as u32));
        }
    }

    #[test]
    fn hello_status() {
        let mut p = Pair::new(16, 16);
        p.cmd(Opcode::Hello, &request::hello());
        p.cmd(Opcode::Status, &request::status());
    }

    /// `DeviceSim::config` is the model's default device but for the divisor.
    #[test]
    fn default_buffers_are_the_models() {
        let config = ncx_model::device::DeviceConfig::default();
        assert_eq!(
            (DEFAULT_BUFFERS.input_slots, DEFAULT_BUFFERS.output_history),
            (config.input_slots, config.output_history)
        );
    }

    /// The iCEBreaker's build: HELLO says 2 input slots and no kept frames; a run gives
    /// 2 credits; each INPUT runs its timestep; RESEND re-sends nothing.
    #[test]
    fn board_buffers() {
        let mut p = Pair::with_buffers(BOARD_GEOMETRY.0, BOARD_GEOMETRY.1, BOARD_BUFFERS);
        let hello = p.cmd(Opcode::Hello, &request::hello());
        assert_eq!(hello[0].payload[59..61], [2, 0], "HELLO's input_slots and output_history");
        let mut rng = Rng::new(77);
        upload(&mut p, &mut rng, 0);
        p.cmd(Opcode::Probe, &request::probe(&[4, 9]));
        let run = p.cmd(Opcode::Run, &request::run(6));
        assert_eq!(run[0].payload[5..7], [2, 0], "RUN's credits: min(2 slots, 6 steps)");
        for t in 0..6u32 {
            let input = p.cmd(Opcode::Input, &request::input(t, &[1, 3, 15]));
            assert_eq!(input[0].payload[0], 0, "INPUT {t} is taken");
            assert_eq!(input.len(), 2, "INPUT {t}: its ACK and its timestep's output frame");
        }
        let resend = p.cmd(Opcode::Resend, &request::resend(0));
        assert_eq!(resend.len(), 1, "no kept frame to re-send");
        assert_eq!(resend[0].payload[1..5], [0, 0, 0, 0]);
        p.cmd(Opcode::Status, &request::status());
        assert_eq!(p.outputs, 6);
    }

    /// The iCEBreaker's build powers on with garbage in its SPRAMs (W_in, W_rec, E_in,
    /// E_rec: the simulation's fill) and clears them in its power-on reset: every region
    /// reads back as the model's power-on bytes (zeros but the threshold), and a timestep
    /// with every input firing leaves every neuron as the model's.
    #[test]
    fn board_powers_on_as_zeros() {
        let mut p = Pair::with_buffers(BOARD_GEOMETRY.0, BOARD_GEOMETRY.1, BOARD_BUFFERS);
        read_back(&mut p, 1023);
        let m = p.sim.geometry().inputs();
        let all: Vec<u16> = (0..m as u16).collect();
        p.cmd(Opcode::Run, &request::run(1));
        let input = p.cmd(Opcode::Input, &request::input(0, &all));
        assert_eq!(input.len(), 2, "the INPUT's ACK and its timestep's output frame");
        read_back(&mut p, 1023);
    }

    /// docs/protocol.md §8: the WRITE and its ACK, the READ of region 9 and its NAK.
    #[test]
    fn protocol_examples() {
        let mut p = Pair::new(16, 16);
        let write = [
            0xA5, 0x5A, 0x03, 0x02, 0x07, 0x00, 0x87, 0x01, 0x00, 0x00, 0x00, 0x00, 0x05, 0xFB, 0x81, 0xEE, 0x6A, 0x1E,
        ];
        let ack = [0xA5, 0x5A, 0x83, 0x02, 0x01, 0x00, 0xC8, 0x00, 0x96, 0xAE, 0xB9, 0xE8];
        assert_eq!(p.raw(&write), ack);
        let read = [
            0xA5, 0x5A, 0x04, 0x03, 0x07, 0x00, 0x8E, 0x09, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x57, 0x97, 0xA8, 0xB4,
        ];
        let nak = [0xA5, 0x5A, 0x84, 0x03, 0x05, 0x00, 0x95, 0x03, 0x09, 0x00, 0x00, 0x00, 0x06, 0x41, 0x0A, 0x0A];
        assert_eq!(p.raw(&read), nak);
    }

    /// Every NAK reason with its detail, in the order of checks; a NAK changes nothing
    /// (the regions read back the same afterwards).
    #[test]
    fn every_nak() {
        let mut p = Pair::new(16, 16);
        let mut rng = Rng::new(5);
        upload(&mut p, &mut rng, 0);
        // UNKNOWN_OPCODE (reply opcode 0x80), also for 0x40 | 0x80 = 0xC0 and 0x00.
        for op in [0x00, 0x0C, 0x40, 0xFF] {
            p.seq = p.seq.wrapping_add(1);
            let frame = encode(op, p.seq, &[1, 2, 3]).unwrap();
            let reply = p.raw(&frame);
            assert_eq!(reply[2], 0x80);
            assert_eq!(reply[7..12], [1, op, 0, 0, 0]);
        }
        // BAD_LENGTH per command.
        for (op, payload) in [
            (Opcode::Hello, vec![0]),
            (Opcode::Reset, vec![]),
            (Opcode::Reset, vec![0, 0]),
            (Opcode::Write, vec![1, 0, 0, 0, 0]),
            (Opcode::Read, vec![1, 0, 0, 0, 0, 1]),
            (Opcode::Crc, vec![1; 10]),
            (Opcode::Run, vec![1, 0, 0]),
            (Opcode::Stop, vec![1]),
            (Opcode::Input, vec![0, 0, 0, 0, 1]),
            (Opcode::Input, vec![0, 0, 0, 0, 2, 0, 1, 0]),
            (Opcode::Probe, vec![1]),
            (Opcode::Probe, vec![17, 0]),
            (Opcode::Status, vec![0, 0]),
            (Opcode::Resend, vec![0; 5]),
        ] {
            p.cmd(op, &payload);
        }
        // BAD_VALUE of RESET scope, READ length, RUN 0, PROBE count, indices.
        p.cmd(Opcode::Reset, &[2]);
        p.cmd(Opcode::Read, &request::read(Region::WeightsIn, 0, 0));
        p.cmd(Opcode::Read, &[1, 0, 0, 0, 0, 0x00, 0x04]);
        p.cmd(Opcode::Run, &request::run(0));
        p.cmd(Opcode::Probe, &request::probe(&[0; 17]));
        p.cmd(Opcode::Probe, &request::probe(&[3, 15, 16, 40]));
        p.cmd(Opcode::Input, &request::input(0, &[1, 2, 16, 99]));
        // BAD_REGION, BAD_RANGE per region.
        for op in [Opcode::Write, Opcode::Read, Opcode::Crc] {
            let payload = match op {
                Opcode::Write => vec![8, 0, 0, 0, 0, 1],
                Opcode::Read => vec![200, 0, 0, 0, 0, 1, 0],
                _ => vec![9, 0, 0, 0, 0, 1, 0, 0, 0],
            };
            p.cmd(op, &payload);
        }
        let g = p.sim.geometry();
        for region in Region::ALL {
            let size = region.size(g) as u32;
            p.cmd(Opcode::Read, &request::read(region, size, 1));
            p.cmd(Opcode::Read, &request::read(region, u32::MAX, 2));
            p.cmd(Opcode::Crc, &request::crc(region, 1, size));
            p.cmd(Opcode::Crc, &request::crc(region, u32::MAX, u32::MAX));
            p.cmd(Opcode::Write, &request::write(region, size, &[0]));
            p.cmd(Opcode::Write, &request::write(region, u32::MAX, &[0]));
            if region.has_records() {
                let r = region.record_len() as u32;
                p.cmd(Opcode::Write, &request::write(region, 1, &vec![0; r as usize]));
                p.cmd(Opcode::Write, &request::write(region, 0, &vec![0; r as usize + 1]));
            }
        }
        // BAD_VALUE of records: each checked field of CONFIG, NEURONS and STATE.
        let good = stdp_config(0);
        for (at, value) in [(4, 16), (5, 2), (8, 16), (9, 101), (11, 2), (13, 0x10), (15, 0x10)] {
            let mut bad = good.clone();
            bad[at] = value;
            if at == 9 {
                bad[10] = 100;
            }
            p.cmd(Opcode::Write, &request::write(Region::Config, 0, &bad));
        }
        for field in [3usize, 7, 11, 13, 15] {
            let mut bytes: Vec<u8> = (0..5).flat_map(|_| neuron(&mut rng)).collect();
            bytes[17 * 3 + field] = 0x40;
            p.cmd(Opcode::Write, &request::write(Region::Neurons, 17, &bytes));
        }
        for field in [3usize, 7] {
            let mut bytes: Vec<u8> = (0..4).flat_map(|_| state(&mut rng)).collect();
            bytes[9 * 2 + field] = 0x80;
            bytes[9 * 3] = 0x12;
            p.cmd(Opcode::Write, &request::write(Region::State, 9, &bytes));
        }
        // NOT_RUNNING, then BUSY, BAD_TIMESTEP, NO_CREDIT while running.
        p.cmd(Opcode::Input, &request::input(0, &[]));
        p.cmd(Opcode::Run, &request::run(40));
        p.cmd(Opcode::Run, &request::run(1));
        p.cmd(Opcode::Reset, &request::reset(ResetScope::State));
        p.cmd(Opcode::Write, &request::write(Region::WeightsIn, 0, &[1]));
        p.cmd(Opcode::Write, &request::write(Region::Neurons, 0, &[0xFF; 17]));
        p.cmd(Opcode::Input, &request::input(7, &[]));
        p.cmd(Opcode::Stop, &request::stop());
        let naks = p.naks;
        read_back(&mut p, 1000);
        assert_eq!(p.naks, naks);
        assert!(naks >= 70, "{naks} NAKs");
    }

    #[test]
    fn image_upload_read_back_and_reset() {
        for (n, m) in [(16, 16), (64, 64)] {
            let mut p = Pair::new(n, m);
            let mut rng = Rng::new(n as u64);
            upload(&mut p, &mut rng, 0);
            read_back(&mut p, 1023);
            read_back(&mut p, 37);
            // Odd ranges of the record regions.
            p.cmd(Opcode::Read, &request::read(Region::Neurons, 5, 40));
            p.cmd(Opcode::Read, &request::read(Region::State, 13, 22));
            p.cmd(Opcode::Crc, &request::crc(Region::Config, 3, 0));
            p.cmd(Opcode::Crc, &request::crc(Region::Traces, 7, 11));
            p.cmd(Opcode::Reset, &request::reset(ResetScope::State));
            read_back(&mut p, 1023);
            p.cmd(Opcode::Reset, &request::reset(ResetScope::All));
            read_back(&mut p, 1023);
            p.cmd(Opcode::Status, &request::status());
        }
    }

    /// A run with inputs, credits, probes, output frames (list and bitmap), STOP, RESEND
    /// and duplicates.
    #[test]
    fn run_inputs_outputs_resend_duplicates() {
        for (n, m) in [(16, 16), (64, 64)] {
            let mut p = Pair::new(n, m);
            let mut rng = Rng::new(100 + n as u64);
            upload(&mut p, &mut rng, 0);
            p.cmd(Opcode::Probe, &request::probe(&[0, 3, (n - 1) as u16, 3]));
            p.cmd(Opcode::Run, &request::run(30));
            p.cmd(Opcode::Status, &request::status());
            for t in 0..20u32 {
                let count = rng.below(if t % 3 == 0 { m as u64 } else { 4 }) as usize;
                let inputs: Vec<u16> = (0..count).map(|_| rng.below(m as u64) as u16).collect();
                p.cmd(Opcode::Input, &request::input(t, &inputs));
                if t == 5 {
                    // A retried INPUT and a retried RUN: the stored replies, nothing run.
                    p.seq = p.seq.wrapping_sub(1);
                    p.cmd(Opcode::Input, &request::input(t, &inputs));
                    p.cmd(Opcode::Status, &request::status());
                    p.cmd(Opcode::Input, &request::input(t, &inputs));
                }
            }
            p.cmd(Opcode::Resend, &request::resend(0));
            p.seq = p.seq.wrapping_sub(1);
            p.cmd(Opcode::Resend, &request::resend(0));
            p.cmd(Opcode::Resend, &request::resend(17));
            p.cmd(Opcode::Resend, &request::resend(1000));
            p.cmd(Opcode::Probe, &request::probe(&[]));
            p.cmd(Opcode::Input, &request::input(20, &[1]));
            p.cmd(Opcode::Stop, &request::stop());
            p.cmd(Opcode::Stop, &request::stop());
            p.cmd(Opcode::Status, &request::status());
            // A sparse network: neurons 1 and 5 always fire, the rest never (list frames).
            let mut quiet = Vec::new();
            for k in 0..n {
                let threshold = if k == 1 || k == 5 { -(1 << 23) } else { (1 << 23) - 1 };
                quiet.extend(layout::encode_neuron(&NeuronParams { threshold, ..NeuronParams::SILENT }));
            }
            for w in request::write_all(Region::Neurons, 0, &quiet) {
                p.cmd(Opcode::Write, &w.payload());
            }
            p.cmd(Opcode::Run, &request::run(3));
            for t in 21..24u32 {
                p.cmd(Opcode::Input, &request::input(t, &[2, 2, 3]));
            }
            p.cmd(Opcode::Status, &request::status());
            read_back(&mut p, 1023);
            p.cmd(Opcode::Reset, &request::reset(ResetScope::State));
            p.cmd(Opcode::Resend, &request::resend(0));
            p.cmd(Opcode::Status, &request::status());
            println!("{n}x{m}: {} outputs, {} spikes, {} probes, {} bitmaps", p.outputs, p.spikes, p.probes, p.bitmaps);
            assert!(p.outputs >= 20 + 16 + 16 + 3 && p.spikes > 20 && p.probes > 40 && p.bitmaps > 0);
            if n >= 64 {
                // 16 neurons always take the bitmap (2 + 2·count < 2 never holds).
                assert!(p.outputs > p.bitmaps, "no list frame");
            }
        }
    }

    /// A corrupted frame gets no reply; the decoder's counters (STATUS) count it.
    #[test]
    fn corrupted_frames_and_garbage() {
        let mut p = Pair::new(16, 16);
        let mut frame = encode(Opcode::Hello as u8, 9, &[]).unwrap();
        frame[8] ^= 0x10;
        assert!(p.raw(&frame).is_empty());
        let mut header = encode(Opcode::Status as u8, 10, &[]).unwrap();
        header[6] ^= 1;
        assert!(p.raw(&header).is_empty());
        p.raw(&[0xA5, 0xA5, 0x00, 0x5A, 0x13, 0x37]);
        p.cmd(Opcode::Status, &request::status());
    }

    /// One random command (valid or not) or a raw frame, to both sides.
    fn random_step(p: &mut Pair, rng: &mut Rng, last: &mut Vec<u8>) {
        let g = p.sim.geometry();
        let (n, m) = (g.neurons() as u64, g.inputs() as u64);
        let region_byte = |rng: &mut Rng| if rng.below(8) == 0 { rng.below(256) as u8 } else { rng.below(8) as u8 };
        let offset = |rng: &mut Rng, size: usize| match rng.below(4) {
            0 => 0,
            1 => rng.below(size as u64 + 2) as u32,
            2 => size.saturating_sub(rng.below(40) as usize) as u32,
            _ => rng.next() as u32,
        };
        let status = p.model.status();
        let (op, payload): (u8, Vec<u8>) = match rng.below(16) {
            0 => (Opcode::Hello as u8, vec![]),
            1 => (Opcode::Status as u8, vec![]),
            2 => (Opcode::Reset as u8, vec![if rng.below(6) == 0 { 2 } else { rng.below(2) as u8 }]),
            3 | 4 => {
                let r = region_byte(rng);
                let region = Region::try_from(r).unwrap_or(Region::Traces);
                let data = match (region, rng.below(3)) {
                    (Region::Config, 0 | 1) => stdp_config(rng.below(3) as u32 * 50),
                    (Region::Neurons, 0 | 1) => (0..1 + rng.below(3)).flat_map(|_| neuron(rng)).collect(),
                    (Region::State, 0 | 1) => (0..1 + rng.below(3)).flat_map(|_| state(rng)).collect(),
                    _ => {
                        let len = 1 + rng.below(60) as usize;
                        rng.bytes(len)
                    }
                };
                let mut data = data;
                if rng.below(3) == 0 {
                    // A field out of range, most likely (a high byte set).
                    let at = rng.below(data.len() as u64) as usize;
                    data[at] = rng.next() as u8 | 0x10;
                }
                if region == Region::Config && data.len() >= 4 {
                    // A paced core waits out its period: keep it short (< 256 cycles).
                    data[1..4].fill(0);
                }
                let at = offset(rng, region.size(g)) / region.record_len() as u32 * region.record_len() as u32;
                let mut payload = vec![r];
                payload.extend_from_slice(&at.to_le_bytes());
                payload.extend_from_slice(&data);
                (Opcode::Write as u8, payload)
            }
            5 | 6 => {
                let r = region_byte(rng);
                let size = Region::try_from(r).map_or(100, |region| region.size(g));
                let len = if rng.below(6) == 0 { rng.below(1100) as u16 } else { 1 + rng.below(64) as u16 };
                let mut payload = vec![r];
                payload.extend_from_slice(&offset(rng, size).to_le_bytes());
                if rng.below(2) == 0 {
                    payload.extend_from_slice(&len.to_le_bytes());
                    (Opcode::Read as u8, payload)
                } else {
                    payload.extend_from_slice(&u32::from(len).to_le_bytes());
                    (Opcode::Crc as u8, payload)
                }
            }
            7 => {
                let most = if rng.below(4) == 0 { 40 } else { 7 };
                (Opcode::Run as u8, request::run(rng.below(most) as u32))
            }
            8 => (Opcode::Stop as u8, vec![]),
            9..=11 => {
                // Every timestep whose input is present has run: the next INPUT expected is
                // the current timestep's (sometimes one off).
                let t = status.timestep;
                let t = if rng.below(5) == 0 { t.wrapping_add(rng.below(3) as u32).wrapping_sub(1) } else { t };
                let inputs: Vec<u16> = (0..rng.below(8)).map(|_| rng.below(m + 1) as u16).collect();
                (Opcode::Input as u8, request::input(t, &inputs))
            }
            12 => {
                let neurons: Vec<u16> = (0..rng.below(18)).map(|_| rng.below(n + 1) as u16).collect();
                (Opcode::Probe as u8, request::probe(&neurons))
            }
            13 => (Opcode::Resend as u8, request::resend(rng.below(u64::from(status.timestep) + 2) as u32)),
            14 => {
                let (op, len) = (rng.below(256) as u8, rng.below(12) as usize);
                (op, rng.bytes(len))
            }
            _ => {
                // The last frame again (a retry), or a corrupted copy of it.
                let mut frame = last.clone();
                if rng.below(2) == 0 && !frame.is_empty() {
                    let at = rng.below(frame.len() as u64) as usize;
                    frame[at] ^= 1 << rng.below(8);
                }
                p.raw(&frame);
                return;
            }
        };
        p.seq = p.seq.wrapping_add(1);
        let frame = encode(op, p.seq, &payload).unwrap();
        p.raw(&frame);
        *last = frame;
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// Random sequences of valid and invalid commands, retries and corrupted frames:
        /// every byte the RTL sends equals the model's.
        #[test]
        fn random_commands(seed in any::<u64>(), steps in 5usize..30) {
            random_commands_case(DEFAULT_BUFFERS, seed, steps);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

        /// The same with the iCEBreaker's build (2 input slots, no kept frames, SPRAM) at
        /// its geometry.
        #[test]
        fn random_commands_board(seed in any::<u64>(), steps in 5usize..30) {
            random_commands_case(BOARD_BUFFERS, seed, steps);
        }
    }

    /// One case of `random_commands` (at 16 × 16, or the board's build at its geometry):
    /// maybe an uploaded image and probes, then `steps` random commands, then STATUS.
    fn random_commands_case(buffers: Buffers, seed: u64, steps: usize) {
        let (n, m) = if buffers == BOARD_BUFFERS { BOARD_GEOMETRY } else { (16, 16) };
        let mut p = Pair::with_buffers(n, m, buffers);
        let mut rng = Rng::new(seed);
        if rng.below(2) == 0 {
            upload(&mut p, &mut rng, 0);
            p.cmd(Opcode::Probe, &request::probe(&[2, 7]));
        }
        let mut last = Vec::new();
        for _ in 0..steps {
            random_step(&mut p, &mut rng, &mut last);
        }
        p.cmd(Opcode::Status, &request::status());
    }

    /// The same at 64 × 64, fewer cases (a soak: `NCX_DEVICE_SOAK=n` runs n seeds).
    #[test]
    fn random_commands_64() {
        random_commands_64_case(0);
    }

    /// The same with four accumulate lanes (the ULX3S's build) at `LANES_GEOMETRY`.
    #[test]
    fn random_commands_64_four_lanes() {
        random_commands_64_case(LANES_LOG2);
    }

    /// HELLO of the lanes build reports them (features bits 8..11), as the model's; a
    /// random image runs and reads back as the model's.
    #[test]
    fn lanes_hello_and_image() {
        let (n, m) = LANES_GEOMETRY;
        let mut p = Pair::with_lanes(n, m, DEFAULT_BUFFERS, LANES_LOG2);
        assert_eq!(p.sim.config().lanes_log2, LANES_LOG2);
        p.cmd(Opcode::Hello, &request::hello());
        let mut rng = Rng::new(0x1A7E5);
        upload(&mut p, &mut rng, 0);
        p.cmd(Opcode::Run, &request::run(6));
        for t in 0..6u32 {
            let inputs: Vec<u16> = (0..1 + rng.below(12)).map(|_| rng.below(m as u64) as u16).collect();
            p.cmd(Opcode::Input, &request::input(t, &inputs));
        }
        read_back(&mut p, 200);
    }

    fn random_commands_64_case(lanes_log2: u8) {
        let seeds: u64 = std::env::var("NCX_DEVICE_SOAK").ok().and_then(|s| s.parse().ok()).unwrap_or(8);
        let first: u64 = std::env::var("NCX_DEVICE_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0);
        for seed in first..first + seeds {
            println!("seed {seed}");
            let mut p = Pair::with_lanes(64, 64, DEFAULT_BUFFERS, lanes_log2);
            let mut rng = Rng::new(seed ^ 0xD1CE);
            upload(&mut p, &mut rng, 0);
            let mut last = Vec::new();
            for _ in 0..40 {
                random_step(&mut p, &mut rng, &mut last);
            }
            p.cmd(Opcode::Status, &request::status());
        }
    }

    /// Measurement, not a check (docs/reliability.md §8): how fast the Verilated device runs
    /// idle and while it receives a maximal frame, in simulated cycles per second of wall
    /// time. `cargo test -p ncx-hdl --release --test rtl -- --ignored --nocapture device_speed`.
    #[test]
    #[ignore = "measurement: prints the device co-simulation speed"]
    fn device_speed() {
        use std::time::Instant;
        for (n, m) in [(16, 16), (64, 64)] {
            let mut sim = DeviceSim::new(Geometry::new(n, m).unwrap()).unwrap();
            let cycles = 5_000_000;
            let t = Instant::now();
            sim.run(cycles).unwrap();
            let idle = cycles as f64 / t.elapsed().as_secs_f64();
            // A resynchronisation (MAX_FRAME zeros) and a HELLO: what a retry costs.
            let mut bytes = vec![0u8; ncx_model::wire::MAX_FRAME];
            bytes.extend(encode(Opcode::Hello as u8, 1, &request::hello()).unwrap());
            let (c0, t) = (sim.cycle(), Instant::now());
            let reply = sim.exchange(&bytes, 72).unwrap();
            let dt = t.elapsed().as_secs_f64();
            assert_eq!(reply.len(), 72);
            println!(
                "{n}x{m} device: idle {:.1} M cycles/s; resync + HELLO: {} cycles in {:.1} ms ({:.1} M cycles/s, \
                 {:.0} x slower than a 100 MHz clock)",
                idle / 1e6,
                sim.cycle() - c0,
                dt * 1e3,
                (sim.cycle() - c0) as f64 / dt / 1e6,
                100e6 / ((sim.cycle() - c0) as f64 / dt)
            );
        }
    }

    /// The cycle timing of docs/protocol.md §10.1: the RTL and `TimedDevice` get the same
    /// bytes at the same cycles; every byte sent, with the cycle its start bit begins, must
    /// be the same.
    mod timed {
        use super::*;
        use ncx_model::Cycle;
        use ncx_model::device::TimedDevice;

        /// The RTL and the timed model side by side.
        pub(super) struct TimedPair {
            pub(super) sim: DeviceSim,
            pub(super) model: TimedDevice,
            pub(super) seq: u8,
        }

        impl TimedPair {
            pub(super) fn new(n: usize, m: usize) -> TimedPair {
                TimedPair::with_buffers(n, m, DEFAULT_BUFFERS)
            }

            pub(super) fn with_buffers(n: usize, m: usize, buffers: Buffers) -> TimedPair {
                TimedPair::with_lanes(n, m, buffers, 0)
            }

            pub(super) fn with_lanes(n: usize, m: usize, buffers: Buffers, lanes_log2: u8) -> TimedPair {
                let g = Geometry::new(n, m).unwrap();
                let sim = DeviceSim::with_lanes(g, buffers, lanes_log2).unwrap();
                let model = TimedDevice::new(Device::new(g, sim.config()));
                TimedPair { sim, model, seq: 0 }
            }

            /// The next frame of `op` with the next seq.
            pub(super) fn frame(&mut self, op: Opcode, payload: &[u8]) -> Vec<u8> {
                self.seq = self.seq.wrapping_add(1);
                encode(op as u8, self.seq, payload).unwrap()
            }

            /// Both start sending `bytes` at `cycle` (nothing runs yet).
            pub(super) fn send_at(&mut self, cycle: u64, bytes: &[u8]) {
                self.sim.send_at(cycle, bytes);
                self.model.receive_at(Cycle(cycle), bytes);
            }

            /// Both run until everything sent so far is answered; the (cycle, byte) lists
            /// must be equal. Returns the cycle of the last byte sent.
            pub(super) fn settle(&mut self) -> Vec<(u64, u8)> {
                let end = self.model.settle();
                let mut expected = Vec::new();
                self.model.drain_tx(&mut expected);
                let expected: Vec<(u64, u8)> = expected.into_iter().map(|(c, b)| (c.0, b)).collect();
                let b = self.sim.byte_time();
                let total = self.sim.sent() + expected.len() as u64;
                let budget = end.0.saturating_sub(self.sim.cycle()) + 100 * b + self.sim.work_bound();
                self.sim.run_until_sent(total, budget).unwrap_or_else(|e| panic!("{e}: expecting {expected:?}"));
                while self.sim.rx_pending() > 0 {
                    self.sim.run(b).unwrap();
                }
                self.sim.run(2 * b).unwrap();
                let got = self.sim.take();
                let got_bytes: Vec<u8> = got.iter().map(|&(_, b)| b).collect();
                let exp_bytes: Vec<u8> = expected.iter().map(|&(_, b)| b).collect();
                assert_eq!(hex(&got_bytes), hex(&exp_bytes), "bytes, RTL vs timed model");
                if std::env::var_os("NCX_TIMING_MEASURE").is_some() {
                    let mut last = i64::MIN;
                    for (k, (g, e)) in got.iter().zip(&expected).enumerate() {
                        let d = g.0 as i64 - e.0 as i64;
                        if d != last {
                            println!("  byte {k}: RTL {} model {} (RTL later by {d})", g.0, e.0);
                            last = d;
                        }
                    }
                } else {
                    for (k, (g, e)) in got.iter().zip(&expected).enumerate() {
                        assert_eq!(
                            g.0, e.0,
                            "byte {k} ({:02X}): RTL cycle vs model cycle; all: {got:?} vs {expected:?}",
                            g.1
                        );
                    }
                }
                got
            }

            /// One command sent at `cycle`, settled.
            pub(super) fn cmd_at(&mut self, cycle: u64, op: Opcode, payload: &[u8]) -> Vec<(u64, u8)> {
                let frame = self.frame(op, payload);
                self.send_at(cycle, &frame);
                self.settle()
            }

            pub(super) fn now(&self) -> u64 {
                self.sim.cycle()
            }
        }

        /// Every command, one at a time, each after the last has finished.
        #[test]
        fn each_command() {
            let mut p = TimedPair::new(16, 16);
            for (op, payload) in [
                (Opcode::Hello, request::hello()),
                (Opcode::Status, request::status()),
                (Opcode::Read, request::read(Region::WeightsIn, 0, 4)),
                (Opcode::Read, request::read(Region::WeightsIn, 0, 40)),
                (Opcode::Crc, request::crc(Region::WeightsIn, 0, 40)),
                (Opcode::Write, request::write(Region::WeightsIn, 0, &[1, 2, 3, 4])),
                (Opcode::Write, request::write(Region::WeightsIn, 0, &[1; 40])),
                (Opcode::Write, request::write(Region::Config, 0, &stdp_config(0))),
                (Opcode::Reset, request::reset(ResetScope::State)),
                (Opcode::Reset, request::reset(ResetScope::All)),
                (Opcode::Probe, request::probe(&[1, 2, 3])),
                (Opcode::Run, request::run(2)),
                (Opcode::Input, request::input(0, &[])),
                (Opcode::Input, request::input(1, &[1, 2, 3, 4])),
                (Opcode::Resend, request::resend(0)),
            ] {
                let at = p.now() + 7;
                println!("{op} {} bytes", payload.len());
                p.cmd_at(at, op, &payload);
            }
        }

        /// Runs: free-running and paced with P > C and P < C, at both geometries and with
        /// four accumulate lanes at 64 × 64, with commands (STATUS, PROBE, INPUT, a
        /// duplicate) arriving while timesteps run, and INPUTs sent back to back so that
        /// they queue behind held frames.
        #[test]
        fn runs_and_commands_during_timesteps() {
            for (n, m, lanes_log2) in [(16, 16, 0), (64, 64, 0), (LANES_GEOMETRY.0, LANES_GEOMETRY.1, LANES_LOG2)] {
                for period in [0u32, 40, 3000] {
                    let mut p = TimedPair::with_lanes(n, m, DEFAULT_BUFFERS, lanes_log2);
                    let at = p.now() + 3;
                    p.cmd_at(at, Opcode::Write, &request::write(Region::Config, 0, &stdp_config(period)));
                    let mut rng = Rng::new(period as u64 + n as u64);
                    let w = rng.bytes(n * m);
                    for chunk in request::write_all(Region::WeightsIn, 0, &w) {
                        let at = p.now() + 1;
                        p.cmd_at(at, Opcode::Write, &chunk.payload());
                    }
                    let at = p.now() + 5;
                    p.cmd_at(at, Opcode::Probe, &request::probe(&[1, 2]));
                    let at = p.now() + 5;
                    p.cmd_at(at, Opcode::Run, &request::run(12));
                    // Back to back: four INPUTs in one batch, then STATUS during the timesteps.
                    let mut batch = Vec::new();
                    for t in 0..4u32 {
                        let inputs: Vec<u16> = (0..rng.below(6)).map(|_| rng.below(m as u64) as u16).collect();
                        batch.extend(p.frame(Opcode::Input, &request::input(t, &inputs)));
                    }
                    let at = p.now() + 11;
                    p.send_at(at, &batch);
                    let status = p.frame(Opcode::Status, &request::status());
                    p.send_at(at + 1, &status);
                    p.settle();
                    // One at a time with gaps, a retry among them.
                    for t in 4..12u32 {
                        let inputs: Vec<u16> = (0..rng.below(4)).map(|_| rng.below(m as u64) as u16).collect();
                        let frame = p.frame(Opcode::Input, &request::input(t, &inputs));
                        let at = p.now() + rng.below(300);
                        p.send_at(at, &frame);
                        if t == 6 {
                            p.send_at(at, &frame);
                        }
                        let at = p.now() + rng.below(300);
                        let status = p.frame(Opcode::Status, &request::status());
                        p.send_at(at, &status);
                    }
                    p.settle();
                    let at = p.now() + 2;
                    p.cmd_at(at, Opcode::Resend, &request::resend(3));
                }
            }
        }

        /// A frame with a header error and one with a CRC error before a command, in one
        /// batch (the re-scan delays the bytes behind it).
        #[test]
        fn errors_then_command() {
            let mut p = TimedPair::new(16, 16);
            let mut bad = p.frame(Opcode::Status, &request::status());
            bad[6] ^= 1;
            let mut crc = p.frame(Opcode::Hello, &request::hello());
            crc[8] ^= 0x10;
            let good = p.frame(Opcode::Status, &request::status());
            let batch: Vec<u8> = [bad, crc, good].concat();
            p.send_at(10, &batch);
            p.settle();
        }

        /// HELLOs back to back: their long replies keep the reply slots busy, so the
        /// controller waits for a free one.
        #[test]
        fn replies_fill_the_slots() {
            let mut p = TimedPair::new(16, 16);
            let mut batch = Vec::new();
            for _ in 0..8 {
                batch.extend(p.frame(Opcode::Hello, &request::hello()));
            }
            p.send_at(3, &batch);
            p.settle();
        }

        /// One random frame (valid commands mostly, some NAKs, garbage).
        fn random_frame(p: &mut TimedPair, rng: &mut Rng, timestep: u32) -> Vec<u8> {
            let g = p.sim.geometry();
            let (n, m) = (g.neurons() as u64, g.inputs() as u64);
            let (op, payload): (u8, Vec<u8>) = match rng.below(12) {
                0 => (Opcode::Hello as u8, vec![]),
                1 => (Opcode::Status as u8, vec![]),
                2 => (Opcode::Reset as u8, vec![rng.below(3) as u8]),
                3 => {
                    let region = Region::ALL[rng.below(8) as usize];
                    let data = match region {
                        Region::Config => stdp_config(rng.below(3) as u32 * 150),
                        Region::Neurons => neuron(rng),
                        Region::State => state(rng),
                        _ => {
                            let len = 1 + rng.below(40) as usize;
                            rng.bytes(len)
                        }
                    };
                    let mut data = data;
                    if rng.below(3) == 0 {
                        // A field out of range, most likely (a high byte set).
                        let at = rng.below(data.len() as u64) as usize;
                        data[at] = rng.next() as u8 | 0x10;
                    }
                    if region == Region::Config {
                        // A paced core waits out its period: keep it short (< 256 cycles).
                        // A corrupted period byte once made it ~2^31 cycles, and the case
                        // simulated for minutes as if hung.
                        data[1..4].fill(0);
                    }
                    (Opcode::Write as u8, request::write(region, 0, &data))
                }
                4 => {
                    let region = Region::ALL[rng.below(8) as usize];
                    (Opcode::Read as u8, request::read(region, rng.below(8) as u32, rng.below(40) as u16))
                }
                5 => {
                    let region = Region::ALL[rng.below(8) as usize];
                    (Opcode::Crc as u8, request::crc(region, 0, rng.below(300) as u32))
                }
                6 => (Opcode::Run as u8, request::run(rng.below(6) as u32)),
                7 => (Opcode::Stop as u8, vec![]),
                8 | 9 => {
                    let inputs: Vec<u16> = (0..rng.below(6)).map(|_| rng.below(m + 1) as u16).collect();
                    (Opcode::Input as u8, request::input(timestep.wrapping_add(rng.below(2) as u32), &inputs))
                }
                10 => {
                    let neurons: Vec<u16> = (0..rng.below(5)).map(|_| rng.below(n + 1) as u16).collect();
                    (Opcode::Probe as u8, request::probe(&neurons))
                }
                _ => (Opcode::Resend as u8, request::resend(rng.below(4) as u32)),
            };
            p.seq = p.seq.wrapping_add(1);
            encode(op, p.seq, &payload).unwrap()
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

            /// Random command sequences with random gaps (none, short, long): every byte
            /// the RTL sends has the timed model's cycle.
            #[test]
            fn random_timing(seed in any::<u64>(), steps in 4usize..24) {
                random_timing_case(16, DEFAULT_BUFFERS, seed, steps);
            }
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

            /// The same with the iCEBreaker's build (2 input slots, no kept frames, SPRAM) at
            /// its geometry.
            #[test]
            fn random_timing_board(seed in any::<u64>(), steps in 4usize..24) {
                random_timing_case(BOARD_GEOMETRY.0, BOARD_BUFFERS, seed, steps);
            }
        }

        /// One case of `random_timing` (`NCX_DEVICE_TRACE` prints what is sent).
        fn random_timing_case(n: usize, buffers: Buffers, seed: u64, steps: usize) {
            let trace = std::env::var_os("NCX_DEVICE_TRACE").is_some();
            let mut p = TimedPair::with_buffers(n, n, buffers);
            let mut rng = Rng::new(seed);
            let mut at = 0;
            let mut last = Vec::new();
            for _ in 0..steps {
                let timestep = p.model.device().status().timestep;
                let frame = match rng.below(10) {
                    // A retry (a duplicate if it was acknowledged), or a corrupted copy.
                    0 if !last.is_empty() => {
                        let mut frame: Vec<u8> = last.clone();
                        if rng.below(2) == 0 {
                            let at = rng.below(frame.len() as u64) as usize;
                            frame[at] ^= 1 << rng.below(8);
                        }
                        frame
                    }
                    1 => {
                        let (op, len) = (rng.below(256) as u8, rng.below(12) as usize);
                        p.seq = p.seq.wrapping_add(1);
                        encode(op, p.seq, &rng.bytes(len)).unwrap()
                    }
                    _ => random_frame(&mut p, &mut rng, timestep),
                };
                last = frame.clone();
                at += match rng.below(4) {
                    0 => 0,
                    1 => rng.below(100),
                    _ => rng.below(3000),
                };
                if trace {
                    println!("{at}: {}", hex(&frame));
                }
                p.send_at(at, &frame);
                if rng.below(3) == 0 {
                    p.settle();
                    at = p.now();
                }
            }
            p.settle();
        }

        /// The same at 64 × 64, fewer cases (`NCX_DEVICE_SOAK=n` runs n seeds).
        #[test]
        fn random_timing_64() {
            let seeds: u64 = std::env::var("NCX_DEVICE_SOAK").ok().and_then(|s| s.parse().ok()).unwrap_or(12);
            for seed in 0..seeds {
                random_timing_case(64, DEFAULT_BUFFERS, seed ^ 0x71AE, 30);
            }
        }

        /// `random_timing` for one case: `NCX_TIMING_SEED=seed,steps[,n[,board]]` (board: n
        /// must be the board's, 32).
        #[test]
        fn random_timing_seed() {
            let Some(arg) = std::env::var("NCX_TIMING_SEED").ok() else { return };
            let parts: Vec<&str> = arg.split(',').collect();
            let n = parts.get(2).map_or(16, |n| n.parse().unwrap());
            let buffers = if parts.get(3) == Some(&"board") { BOARD_BUFFERS } else { DEFAULT_BUFFERS };
            random_timing_case(n, buffers, parts[0].parse().unwrap(), parts[1].parse().unwrap());
        }
    }
}
