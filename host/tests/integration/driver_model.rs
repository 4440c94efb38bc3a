//! The host driver against the device model in-process (`ModelLink`): handshake,
//! upload with CRC and full verification, readback equal to the image, geometry
//! mismatch, NAKs, timeouts on a dead link, and device runs equal to the model's.

use std::time::{Duration, Instant};

use crate::driver_support::{device, image, model_link, stimulus};
use ncx::driver::{Driver, DriverError, DriverOptions, Verify, What, readback, run_on_device, upload};
use ncx::error::Report;
use ncx::link::{Link, LinkError, ModelLink};
use ncx::progress::NoProgress;
use ncx::run::{self, RunOptions, Target};
use ncx_model::device::{Opcode, StatusCode};
use ncx_model::wire::MAX_FRAME;
use ncx_model::wire::layout::Region;
use ncx_model::{Matrix, NeuronParams};

#[test]
fn handshake_reports_the_device() {
    let driver = Driver::connect(model_link(32, 64)).unwrap();
    let info = driver.info();
    assert_eq!((info.version_major, info.version_minor), (1, 0));
    assert_eq!((info.geometry.neurons(), info.geometry.inputs()), (32, 64));
    assert!(info.widths_match());
    // DeviceConfig::default(): 100 MHz / 100 = 1 Mbaud, so a byte (10 bits) takes 10 µs.
    assert_eq!(info.baud(), 1e6);
    assert_eq!(driver.byte_time(), Duration::from_micros(10));
    assert_eq!(driver.last_acked(), Some(Opcode::Hello));
    // One resynchronisation (MAX_FRAME zeros) and one 11-byte HELLO frame.
    assert_eq!(driver.stats().bytes_sent, MAX_FRAME as u64 + 11);
}

#[test]
fn upload_verifies_and_reads_back_exactly() {
    for (n, m, stdp) in [(16, 16, false), (32, 64, true), (64, 16, true)] {
        let image = image(n, m, 7, stdp);
        let mut driver = Driver::connect(model_link(n, m)).unwrap();
        let report = upload(&mut driver, &image, Verify::Full, &mut NoProgress).unwrap();
        // 18 + N·M + N·N + N·M/8 + N·N/8 + 17·N bytes.
        assert_eq!(report.bytes as usize, 18 + n * m + n * n + n * m / 8 + n * n / 8 + 17 * n);
        assert_eq!(report.retries, 0);
        let back = readback(&mut driver, What::All, &mut NoProgress).unwrap();
        let weights = back.weights.unwrap();
        assert_eq!(weights.w_in, image.w_in);
        assert_eq!(weights.w_rec, image.w_rec);
        assert_eq!(weights.plastic_in, image.plastic_in);
        assert_eq!(weights.plastic_rec, image.plastic_rec);
        let state = back.state.unwrap();
        assert!(state.neurons.iter().all(|s| (s.v, s.i, s.refractory) == (0, 0, 0)));
        // The device's core is the image's core.
        let core = driver.into_link().into_device();
        let expected = image.to_core().unwrap();
        assert_eq!(core.core().weights(Matrix::Input), expected.weights(Matrix::Input));
        assert_eq!(*core.core().config(), image.config);
        for k in 0..n {
            assert_eq!(core.core().neuron_params(k).unwrap(), image.neurons[k]);
        }
    }
}

#[test]
fn writes_are_chunks_of_whole_records_never_bytes() {
    // 256 x 256: W_in and W_rec are 65536 bytes each: 65 chunks of 1019 bytes
    // (64 · 1019 = 65216, then 320); NEURONS 17 · 256 = 4352 = 4 · 1003 + 340: 5 chunks;
    // E_in, E_rec 8192 = 8 · 1019 + 40: 9 chunks each; CONFIG 1: 65 + 65 + 9 + 9 + 5 + 1.
    let image = image(256, 256, 3, false);
    let mut driver = Driver::connect(model_link(256, 256)).unwrap();
    let started = Instant::now();
    let report = upload(&mut driver, &image, Verify::Crc, &mut NoProgress).unwrap();
    let elapsed = started.elapsed();
    assert_eq!(report.writes, 65 + 65 + 9 + 9 + 5 + 1);
    assert_eq!(report.bytes, 18 + 65536 + 65536 + 8192 + 8192 + 4352);
    // STATUS, RESET, the WRITEs and 6 CRCs.
    assert_eq!(report.frames_sent, 2 + 154 + 6);
    let per_byte = elapsed.as_secs_f64() / report.bytes as f64;
    eprintln!(
        "upload 256x256 via ModelLink: {} region bytes, {} bytes on the wire, {} frames, {:?} ({:.3} µs per byte; \
         a byte at 1 Mbaud takes 10 µs)",
        report.bytes,
        report.bytes_sent,
        report.frames_sent,
        elapsed,
        per_byte * 1e6
    );
}

#[test]
fn an_image_for_another_core_is_refused_with_both_geometries() {
    let mut driver = Driver::connect(model_link(32, 32)).unwrap();
    let err = upload(&mut driver, &image(16, 16, 1, false), Verify::Crc, &mut NoProgress).unwrap_err();
    assert_eq!(
        Report(&err).to_string(),
        "the image does not fit the device: the geometry is 16 neurons x 16 inputs in the image but 32 neurons x \
         32 inputs on the device\nhelp: recompile the network for this device (`ncx info` shows its geometry and \
         widths)"
    );
    // Nothing was sent after HELLO.
    assert_eq!(driver.stats().commands, 1);
}

#[test]
fn naks_name_the_command_the_reason_and_the_detail() {
    let mut driver = Driver::connect(model_link(16, 16)).unwrap();
    // CONFIG is 18 bytes: reading 100 is BAD_RANGE with the region size as detail.
    let err = driver.read(Region::Config, 0, 100).unwrap_err();
    let DriverError::Nak { command, nak } = &err else { panic!("{err}") };
    assert_eq!((*command, nak.status, nak.detail), (Opcode::Read, StatusCode::BadRange, 18));
    let text = Report(&err).to_string();
    assert!(text.starts_with("the device refused READ: BAD_RANGE"), "{text}");
    assert!(text.contains("(detail 18)") && text.contains("\nhelp: "), "{text}");
    // INPUT while idle: NOT_RUNNING, detail the current timestep (0).
    let err = driver.input(0, &[1]).unwrap_err();
    assert!(
        matches!(err, DriverError::Nak { command: Opcode::Input, nak } if nak.status == StatusCode::NotRunning && nak.detail == 0)
    );
    // A neuron record whose threshold does not fit 24 bits: BAD_VALUE at the record (byte 5 of the payload).
    let mut record = ncx_model::wire::layout::encode_neuron(&NeuronParams::SILENT).to_vec();
    record[3] = 0x7F;
    let err = driver.write(Region::Neurons, 0, &record).unwrap_err();
    assert!(
        matches!(err, DriverError::Nak { command: Opcode::Write, nak } if nak.status == StatusCode::BadValue && nak.detail == 5),
        "{err}"
    );
    // The driver goes on after a NAK.
    assert_eq!(driver.crc(Region::Config, 0, 0).unwrap(), 0);
}

/// A link that swallows everything and never answers (a dead cable); it sleeps out every
/// timeout it is given and keeps them.
#[derive(Debug, Default)]
struct Dead {
    timeouts: std::rc::Rc<std::cell::RefCell<Vec<Duration>>>,
}

impl Link for Dead {
    fn name(&self) -> String {
        "serial:/dev/dead".to_owned()
    }

    fn send(&mut self, _bytes: &[u8]) -> Result<(), LinkError> {
        Ok(())
    }

    fn receive(&mut self, _buf: &mut [u8], timeout: Duration) -> Result<usize, LinkError> {
        self.timeouts.borrow_mut().push(timeout);
        std::thread::sleep(timeout);
        Ok(0)
    }
}

/// The waits are checked by what the driver asked of the link, not by the wall clock
/// alone, so that a loaded machine (a late wake-up from a sleep) cannot fail the test
/// (docs/reliability.md §8).
#[test]
fn a_dead_link_fails_within_the_timeouts_naming_command_and_link() {
    let options = DriverOptions { retries: 2, handshake_baud: 1_000_000, ..DriverOptions::default() };
    let dead = Dead::default();
    let timeouts = std::rc::Rc::clone(&dead.timeouts);
    let started = Instant::now();
    let err = Driver::connect_with(dead, options).unwrap_err();
    let elapsed = started.elapsed();
    // HELLO waits 2 · 1035 byte times of 10 µs + 50 ms = 70.7 ms, 3 times: each try asks
    // the link once, for what is left of its 70.7 ms, and ends when nothing came.
    let timeout = Duration::from_micros(70_700);
    let timeouts = timeouts.borrow();
    assert_eq!(timeouts.len(), 3, "{timeouts:?}");
    assert!(timeouts.iter().all(|&t| t <= timeout), "{timeouts:?}");
    // The wall clock: at least the three timeouts (a sleep never ends early); at most
    // what a loaded machine could add to three sleeps of 71 ms.
    assert!(elapsed >= 3 * timeout, "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
    assert_eq!(
        err.to_string().lines().next().unwrap(),
        "no reply to HELLO on serial:/dev/dead after 3 attempts of 70 ms each (last command acknowledged: none)"
    );
    assert!(Report(&err).to_string().contains("\nhelp: "));
}

/// A model link that goes dead after `alive` sends.
#[derive(Debug)]
struct Dying {
    inner: ModelLink,
    alive: usize,
}

impl Link for Dying {
    fn name(&self) -> String {
        "dying".to_owned()
    }

    fn send(&mut self, bytes: &[u8]) -> Result<(), LinkError> {
        if self.alive == 0 {
            return Ok(());
        }
        self.alive -= 1;
        self.inner.send(bytes)
    }

    fn receive(&mut self, buf: &mut [u8], timeout: Duration) -> Result<usize, LinkError> {
        self.inner.receive(buf, timeout)
    }
}

#[test]
fn a_link_dying_midway_names_the_last_acknowledged_command() {
    // Two sends: the resynchronisation and HELLO.
    let link = Dying { inner: model_link(16, 16), alive: 2 };
    let mut driver = Driver::connect_with(link, DriverOptions { retries: 5, ..DriverOptions::default() }).unwrap();
    let err = driver.crc(Region::WeightsIn, 0, 256).unwrap_err();
    let DriverError::Timeout { command, attempts, last_acked, .. } = &err else { panic!("{err}") };
    assert_eq!((*command, *attempts, *last_acked), (Opcode::Crc, 6, Some(Opcode::Hello)));
    assert!(err.to_string().contains("no reply to CRC on dying after 6 attempts"), "{err}");
    assert!(err.to_string().contains("last command acknowledged: HELLO"), "{err}");
}

#[test]
fn a_device_run_gives_the_models_raster() {
    for (n, m, steps, seed, stdp) in [(16, 16, 40, 1, false), (32, 32, 60, 2, true), (64, 32, 30, 3, true)] {
        let mut image = image(n, m, seed, stdp);
        image.meta.populations = vec![ncx::image::Block {
            name: "all".to_owned(),
            start: 0,
            len: n as u16,
            record: true,
            probe: vec![0, 3, 5],
        }];
        let stimulus = stimulus(m, steps, seed);
        let options = RunOptions { steps, target: Target::Model };
        let expected = run::run(&image, &stimulus, &options, &mut NoProgress).unwrap();
        assert!(!expected.raster.is_empty(), "the test network should spike");
        let mut driver = Driver::connect(ModelLink::new(device(n, m))).unwrap();
        let (got, device_run) = run_on_device(&mut driver, &image, &stimulus, steps, &mut NoProgress).unwrap();
        assert_eq!(got.raster, expected.raster);
        assert_eq!(got.probes, expected.probes);
        assert_eq!(got.spikes_per_population, expected.spikes_per_population);
        assert_eq!((got.total_spikes, got.input_spikes), (expected.total_spikes, expected.input_spikes));
        assert_eq!(got.core.weights(Matrix::Input), expected.core.weights(Matrix::Input));
        assert_eq!(got.core.weights(Matrix::Recurrent), expected.core.weights(Matrix::Recurrent));
        assert_eq!(got.weight_changes, expected.weight_changes);
        for k in 0..n {
            assert_eq!(got.core.neuron_state(k).unwrap(), expected.core.neuron_state(k).unwrap());
        }
        assert_eq!(device_run.resends, 0);
    }
}
