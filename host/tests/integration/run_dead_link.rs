//! A dead link keeps what was received (docs/reliability.md §3, issue 15 item 5): a
//! device run whose link closes midway fails with an error that names the link, the
//! command, the timestep reached and the last INPUT acknowledged, and its sink holds
//! exactly the model's raster and samples up to that timestep; through the binary, the
//! virtual board killed during a long run leaves a complete raster marked partial.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::driver_support::{image, model_link, stimulus};
use ncx::compile::{self, CompileOptions};
use ncx::driver::stream::{DeviceRunError, StopCause, run_on_device_into};
use ncx::driver::{Driver, DriverError};
use ncx::image::codec;
use ncx::link::{Link, LinkError, ModelLink};
use ncx::progress::NoProgress;
use ncx::run::{self, Collect, RunOptions, Target};
use ncx_model::device::Opcode;

/// A model link that closes for good once `left` more bytes have been received.
struct Closing {
    inner: ModelLink,
    left: usize,
}

impl Link for Closing {
    fn name(&self) -> String {
        "closing".to_owned()
    }

    fn send(&mut self, bytes: &[u8]) -> Result<(), LinkError> {
        if self.left == 0 {
            return Err(LinkError::Closed { link: self.name() });
        }
        self.inner.send(bytes)
    }

    fn receive(&mut self, buf: &mut [u8], timeout: Duration) -> Result<usize, LinkError> {
        if self.left == 0 {
            return Err(LinkError::Closed { link: self.name() });
        }
        let limit = buf.len().min(self.left);
        let n = self.inner.receive(&mut buf[..limit], timeout)?;
        self.left -= n;
        Ok(n)
    }
}

#[test]
fn a_run_whose_link_dies_keeps_every_timestep_before_it() {
    let (n, m, steps) = (16, 16, 400);
    let mut image = image(n, m, 5, true);
    image.meta.populations =
        vec![ncx::image::Block { name: "all".to_owned(), start: 0, len: n as u16, record: true, probe: vec![1, 4] }];
    let stimulus = stimulus(m, steps, 5);
    let options = RunOptions { steps, target: Target::Model };
    let expected = run::run(&image, &stimulus, &options, &mut NoProgress).expect("runs on the model");
    // Enough bytes for the upload and part of the run, at several points of it.
    for budget in [6_000, 9_000, 12_000] {
        let link = Closing { inner: model_link(n, m), left: budget };
        let mut driver = Driver::connect(link).expect("connects");
        let mut sink = Collect::default();
        let err = run_on_device_into(&mut driver, &image, &stimulus, steps, &mut NoProgress, &mut sink)
            .expect_err("the link dies");
        let DeviceRunError::Stopped(stopped) = &err else { panic!("stopped before the run: {err}") };
        let done = stopped.completed;
        assert!(done > 0 && done < steps as u64, "budget {budget}: {done} timesteps");
        assert!(stopped.acknowledged >= done, "inputs of received outputs were acknowledged");
        assert!(matches!(stopped.cause, StopCause::Driver(DriverError::Link(LinkError::Closed { .. }))), "{err}");
        assert!(stopped.command.is_some_and(|c| [Opcode::Input, Opcode::Run, Opcode::Resend].contains(&c)));
        let message = err.to_string();
        for phrase in [
            "the run on closing stopped at timestep ".to_owned(),
            format!("{done} of {steps}"),
            format!("last INPUT acknowledged: timestep {}", stopped.acknowledged - 1),
            "the other end closed the link".to_owned(),
        ] {
            assert!(message.contains(&phrase), "{phrase:?} not in {message:?}");
        }
        // Exactly the model's outputs of timesteps 0..done.
        let before = |t: u64| t < done;
        let raster: Vec<_> = expected.raster.iter().copied().filter(|s| before(s.timestep)).collect();
        let probes: Vec<_> = expected.probes.iter().copied().filter(|p| before(p.timestep)).collect();
        assert_eq!(sink.raster, raster, "budget {budget}");
        assert_eq!(sink.probes, probes, "budget {budget}");
    }
}

#[test]
fn killing_the_virtual_board_leaves_a_partial_raster() {
    let dir = tempfile::tempdir().expect("temp dir");
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/stdp");
    let compiled = compile::compile_file(format!("{example}/net.toml").as_ref(), &CompileOptions::default());
    std::fs::write(dir.path().join("net.ncx"), codec::encode(&compiled.expect("compiles").image)).expect("written");
    std::fs::copy(format!("{example}/stimulus.toml"), dir.path().join("s.toml")).expect("copied");
    let mut board = Killed::new(
        Command::new(env!("CARGO_BIN_EXE_ncx"))
            .args(["emulate", "--pty", "--neurons", "16", "--inputs", "32", "--quiet"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the virtual board starts"),
    );
    let mut line = String::new();
    BufReader::new(board.child().stdout.take().expect("piped")).read_line(&mut line).expect("says where it is");
    let pty = line.split_whitespace().nth(3).expect("virtual board on PATH (…)").to_owned();
    let target = format!("serial:{pty}");
    let mut run = Killed::new(
        Command::new(env!("CARGO_BIN_EXE_ncx"))
            .current_dir(dir.path())
            .args(["run", "net.ncx", "--stimulus", "s.toml", "--target", &target, "--steps", "100000000"])
            .args(["--raster", "long.csv", "-q"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the run starts"),
    );
    // Wait (generously) until the run has written a good part of a raster (past the
    // writers' buffers), then kill the board.
    let started = Instant::now();
    while raster_bytes(dir.path()) < 65536 {
        assert!(started.elapsed() < Duration::from_secs(120), "the run recorded nothing in 2 minutes");
        assert!(run.child().try_wait().expect("waits").is_none(), "the run ended early");
        std::thread::sleep(Duration::from_millis(50));
    }
    drop(board);
    let output = run.wait_with_output();
    let message = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{message}");
    assert!(message.contains(&format!("the run on {target} stopped at timestep ")), "{message}");
    assert!(message.contains("kept long.csv (") && message.contains("partial: timesteps 0 to "), "{message}");
    let raster = std::fs::read_to_string(dir.path().join("long.csv")).expect("kept");
    assert!(raster.starts_with("timestep,neuron,population,index\n") && raster.ends_with('\n'));
    assert!(raster.lines().count() > 100, "{} rows", raster.lines().count());
}

/// A child process killed when dropped, so that a failing test leaves no virtual board
/// or run behind.
struct Killed(Option<Child>);

impl Killed {
    fn new(child: Child) -> Killed {
        Killed(Some(child))
    }

    fn child(&mut self) -> &mut Child {
        self.0.as_mut().expect("not yet waited for")
    }

    /// Wait for the process to end by itself and collect its output.
    fn wait_with_output(mut self) -> Output {
        self.0.take().expect("not yet waited for").wait_with_output().expect("the process ends")
    }
}

impl Drop for Killed {
    fn drop(&mut self) {
        if let Some(child) = &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Bytes written so far to the run's temporary raster file in `dir`.
fn raster_bytes(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .expect("lists")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(".long.csv."))
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.len())
        .sum()
}
