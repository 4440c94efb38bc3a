//! `--target verilator`: the RTL device (the Verilated `ncx_top`) through the ncx/1
//! driver gives what the model gives — raster, probes and learned weights — and a
//! geometry the build did not verilate is a clear error. Its time is simulated: a wait
//! lasts its timeout in simulated time, carried across calls, so however slow the
//! machine the driver never times it out early (docs/reliability.md §8).

use crate::driver_support;

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use ncx::driver::{Driver, run_on_device};
use ncx::link::{Link, LinkError, LinkTarget, VerilatorLink};
use ncx::progress::NoProgress;
use ncx::run::{self, RunOptions, Target};
use ncx_model::device::{Opcode, request};
use ncx_model::wire::{MAX_FRAME, encode};
use ncx_model::{Geometry, Matrix};

fn ncx(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ncx")).args(args).current_dir(dir).output().expect("ncx runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn the_target_string_parses_and_prints() {
    assert_eq!(LinkTarget::parse("verilator").unwrap(), LinkTarget::Verilator);
    assert_eq!(LinkTarget::Verilator.to_string(), "verilator");
    let faulty = LinkTarget::parse("faulty:3:drop=0.5:verilator").unwrap();
    let LinkTarget::Faulty { inner, .. } = &faulty else { panic!("{faulty:?}") };
    assert_eq!(**inner, LinkTarget::Verilator);
    assert_eq!(LinkTarget::parse(&faulty.to_string()).unwrap(), faulty);
}

#[test]
#[cfg_attr(not(have_verilator), ignore = "Verilator not found: install it with scripts/setup.sh")]
fn a_run_on_the_rtl_equals_the_model_in_raster_probes_and_weights() {
    let dir = tempfile::tempdir().unwrap();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/rtl16");
    let (net, stimulus) = (data.join("net.toml"), data.join("stimulus.toml"));
    let run = |target: &str, name: &str| {
        let (raster, probe, image) = (format!("{name}.csv"), format!("{name}-probe.csv"), format!("{name}.ncx"));
        let out = ncx(
            dir.path(),
            &[
                "run",
                net.to_str().unwrap(),
                "--stimulus",
                stimulus.to_str().unwrap(),
                "--steps",
                "80",
                "--target",
                target,
                "--raster",
                &raster,
                "--probe",
                &probe,
                "--save-image",
                &image,
                "-q",
            ],
        );
        assert_eq!(out.status.code(), Some(0), "{target}: {}", text(&out.stderr));
        let read = |f: &str| std::fs::read(dir.path().join(f)).unwrap();
        (read(&raster), read(&probe), read(&image))
    };
    let model = run("model", "model");
    let rtl = run("verilator", "rtl");
    assert!(text(&model.0).lines().count() > 20, "the network should spike");
    assert_eq!(text(&rtl.0), text(&model.0), "rasters differ");
    assert_eq!(text(&rtl.1), text(&model.1), "probes differ");
    assert_eq!(rtl.2, model.2, "the learned images differ");
}

#[test]
#[cfg_attr(not(have_verilator), ignore = "Verilator not found: install it with scripts/setup.sh")]
fn a_geometry_without_a_verilated_device_is_an_error_naming_the_built_ones() {
    let dir = tempfile::tempdir().unwrap();
    let out = ncx(dir.path(), &["info", "--target", "verilator"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("geometry:        16 neurons x 16 inputs"), "{}", text(&out.stdout));
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/synfire/net.toml");
    let out = ncx(dir.path(), &["run", examples.to_str().unwrap(), "--steps", "2", "--target", "verilator"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("128×16") && stderr.contains("16×16, 64×64"), "{stderr}");
}

/// A receive continues the wait of the one before it (which returned bytes) up to that
/// one's simulated deadline, however little time the caller says is left: the driver
/// counts its deadline on the wall clock and passes zero once the simulation has used it.
#[test]
#[cfg_attr(not(have_verilator), ignore = "Verilator not found: install it with scripts/setup.sh")]
fn a_wait_lasts_its_timeout_in_simulated_time_across_calls() {
    let mut link = VerilatorLink::spawn(Geometry::new(16, 16).unwrap()).unwrap();
    let mut buf = vec![0u8; 4 * MAX_FRAME];
    // A poll (zero timeout) runs a byte time or so: no reply to a HELLO yet.
    link.send(&[0; MAX_FRAME]).unwrap();
    link.send(&encode(Opcode::Hello as u8, 1, &request::hello()).unwrap()).unwrap();
    assert_eq!(link.receive(&mut buf, Duration::ZERO).unwrap(), 0);
    // 2 ms at 100 MHz: the resynchronisation and HELLO take ~45 000 cycles; the reply
    // (11 + 61 bytes) comes whole.
    let start = link.cycle();
    assert_eq!(link.receive(&mut buf, Duration::from_millis(2)).unwrap(), 72);
    assert!(link.cycle() < start + 200_000, "{} cycles", link.cycle() - start);
    // Nothing more comes; a receive with no time left still waits out the 2 ms.
    assert_eq!(link.receive(&mut buf, Duration::ZERO).unwrap(), 0);
    assert!(link.cycle() >= start + 200_000, "{} cycles", link.cycle() - start);
    assert!(link.simulated_time() >= Duration::from_millis(2), "{:?}", link.simulated_time());
}

/// A machine far slower than the simulation expects, at the two worst places: `lag` of
/// wall time (more than the driver's 50 ms of slack) passes between the driver's reading
/// of the clock and each receive — the timeout the link gets is that much smaller,
/// usually zero — and again after each receive, so the driver's wall-clock deadline has
/// always passed when it reads again.
#[derive(Debug)]
struct Slow<L> {
    inner: L,
    lag: Duration,
}

impl<L: Link> Link for Slow<L> {
    fn name(&self) -> String {
        self.inner.name()
    }

    fn send(&mut self, bytes: &[u8]) -> Result<(), LinkError> {
        self.inner.send(bytes)
    }

    fn receive(&mut self, buf: &mut [u8], timeout: Duration) -> Result<usize, LinkError> {
        std::thread::sleep(self.lag);
        let n = self.inner.receive(buf, timeout.saturating_sub(self.lag))?;
        std::thread::sleep(self.lag);
        Ok(n)
    }
}

/// However slow the machine, a run on the simulated RTL device needs no retry and no
/// RESEND, and gives the model's raster, probes, final state and weights.
#[test]
#[cfg_attr(not(have_verilator), ignore = "Verilator not found: install it with scripts/setup.sh")]
fn a_run_on_the_rtl_link_needs_no_retry_however_slow_the_machine() {
    let (n, m, steps) = (16, 16, 12);
    let mut image = driver_support::image(n, m, 4, true);
    image.meta.populations =
        vec![ncx::image::Block { name: "all".to_owned(), start: 0, len: 16, record: true, probe: vec![0, 3, 5] }];
    let stimulus = driver_support::stimulus(m, steps, 4);
    let model = run::run(&image, &stimulus, &RunOptions { steps, target: Target::Model }, &mut NoProgress).unwrap();
    assert!(!model.raster.is_empty(), "the test network should spike");
    let link =
        Slow { inner: VerilatorLink::spawn(Geometry::new(n, m).unwrap()).unwrap(), lag: Duration::from_millis(60) };
    let mut driver = Driver::connect(link).unwrap();
    let (rtl, device_run) = run_on_device(&mut driver, &image, &stimulus, steps, &mut NoProgress).unwrap();
    assert_eq!(rtl.raster, model.raster);
    assert_eq!(rtl.probes, model.probes);
    for matrix in [Matrix::Input, Matrix::Recurrent] {
        assert_eq!(rtl.core.weights(matrix), model.core.weights(matrix), "{matrix:?}");
    }
    for k in 0..n {
        assert_eq!(rtl.core.neuron_state(k).unwrap(), model.core.neuron_state(k).unwrap(), "neuron {k}");
    }
    assert_eq!(driver.stats().retries, 0, "{:?}", driver.stats());
    assert_eq!(device_run.resends, 0);
}
