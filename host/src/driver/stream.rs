//! Running an image on a device (docs/protocol.md §10): upload it (CRC-verified; the
//! state is reset), choose the probed neurons (PROBE), RUN, send one INPUT per
//! timestep within the credit window, collect the output frames, ask for lost ones
//! with RESEND, STOP at the end, and read back the final state (and the weights when
//! STDP is on) — giving the same [`RunResult`] as the model target.
//!
//! **Window.** The host sends the input of timestep `t` only when the output frames of
//! every timestep before `t − w` have arrived, `w = min(credits, output_history)`
//! (credits from RUN's ACK): the device never runs out of input slots, and a lost
//! output frame is still in the device's history when RESEND asks for it.
//!
//! **Lost outputs.** An output frame arriving for a later timestep than the next one
//! expected (a gap), or no output frame within the output timeout (a maximal frame's
//! byte times, plus the slack of [`DriverOptions::slack`](super::DriverOptions::slack),
//! plus the period when paced), is answered with `RESEND(next expected)`; frames already received are ignored when
//! they come again. A RESEND that brings nothing new is retried up to the driver's
//! retry count, then the run fails.
//!
//! **Nothing kept, nothing lost.** Each timestep's spikes and probe samples go to the
//! run's [`Sink`] as soon as its output frame (and every earlier one) is in, so memory
//! does not grow with the run; if the link dies or the device stops answering, the
//! error ([`DeviceRunError::Stopped`]) names the link, the command, the timestep
//! reached and the last INPUT acknowledged, and the sink holds every timestep before it.
//!
//! Cycles are not reported by the device: a device run's `cycles` is 0.

use std::collections::BTreeMap;
use std::fmt;
use std::time::{Duration, Instant};

use ncx_model::device::{DeviceInfo, MAX_PROBES, Opcode, OutputFrame};
use ncx_model::{Matrix, TraceKind};

use super::readback::{What, readback};
use super::upload::{Verify, upload};
use super::{Driver, DriverError};
use crate::image::Image;
use crate::link::Link;
use crate::output::OutputError;
use crate::progress::{NoProgress, Progress};
use crate::run::{Collect, ProbeSample, Recorder, RunResult, RunSummary, Sink, WeightChange};
use crate::stimulus::Stimulus;

/// What a device run adds to its [`RunSummary`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DeviceRun {
    /// RESEND commands sent.
    pub resends: u64,
    /// Output frames lost on the way (asked for again).
    pub gaps: u64,
    /// The first timestep of the run on the device.
    pub first_timestep: u32,
}

/// Why a device run failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum DeviceRunError {
    /// Before the first timestep (the image, the upload, the probes): nothing was
    /// recorded.
    Setup(Box<DriverError>),
    /// During or after the run: the timesteps before `completed` reached the sink.
    Stopped(Box<Stopped>),
}

/// Where a device run stopped, and why.
#[derive(Debug)]
pub struct Stopped {
    /// The link (port).
    pub link: String,
    /// The command that failed, if a command did.
    pub command: Option<Opcode>,
    /// Timesteps whose outputs reached the sink: `0..completed`.
    pub completed: u64,
    /// Timesteps whose INPUT the device acknowledged: `0..acknowledged`.
    pub acknowledged: u64,
    /// The run's length.
    pub steps: u64,
    /// What failed.
    pub cause: StopCause,
}

/// What stopped a device run.
#[derive(Debug)]
#[non_exhaustive]
pub enum StopCause {
    /// The link or the device.
    Driver(DriverError),
    /// An output file.
    Output(OutputError),
}

impl fmt::Display for DeviceRunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeviceRunError::Setup(e) => e.fmt(f),
            DeviceRunError::Stopped(s) => {
                let during = s.command.map(|c| format!(" during {}", c.name())).unwrap_or_default();
                let cause = match &s.cause {
                    StopCause::Driver(e) => e.to_string(),
                    StopCause::Output(e) => e.to_string(),
                };
                if s.completed == s.steps {
                    write!(f, "the run of {} timesteps on {} ended, but then{during}: {cause}", s.steps, s.link)
                } else {
                    let acked = match s.acknowledged {
                        0 => "no INPUT acknowledged".to_owned(),
                        n => format!("last INPUT acknowledged: timestep {}", n - 1),
                    };
                    let received = match s.completed {
                        0 => "no output received".to_owned(),
                        n => format!("outputs of timesteps 0 to {} received", n - 1),
                    };
                    write!(
                        f,
                        "the run on {} stopped at timestep {} of {}{during} ({acked}; {received}): {cause}",
                        s.link, s.completed, s.steps
                    )
                }
            }
        }
    }
}

/// By hand, not derived: thiserror would give the `Box` as the source, which hides the
/// [`DriverError`] from a downcast. The message quotes the cause; its help is the cause's.
impl std::error::Error for DeviceRunError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            DeviceRunError::Setup(e) => Some(&**e),
            DeviceRunError::Stopped(s) => match &s.cause {
                StopCause::Driver(e) => Some(e),
                StopCause::Output(e) => Some(e),
            },
        }
    }
}

impl crate::error::Help for DeviceRunError {
    fn help(&self) -> Option<std::borrow::Cow<'_, str>> {
        None
    }
}

impl DeviceRunError {
    /// Timesteps whose outputs reached the sink before the failure.
    pub fn completed(&self) -> u64 {
        match self {
            DeviceRunError::Setup(_) => 0,
            DeviceRunError::Stopped(s) => s.completed,
        }
    }
}

/// Upload `image`, run it for `steps` timesteps with `stimulus` and collect what it
/// did in memory; `progress` counts timesteps.
pub fn run_on_device<L: Link>(
    driver: &mut Driver<L>,
    image: &Image,
    stimulus: &Stimulus,
    steps: usize,
    progress: &mut dyn Progress,
) -> Result<(RunResult, DeviceRun), DeviceRunError> {
    let mut collect = Collect::default();
    let (summary, device_run) = run_on_device_into(driver, image, stimulus, steps, progress, &mut collect)?;
    Ok((RunResult { raster: collect.raster, probes: collect.probes, summary }, device_run))
}

/// Upload `image`, run it for `steps` timesteps with `stimulus`, giving each
/// timestep's recorded spikes and probe samples to `sink` as they arrive, and read back
/// the final state; `progress` counts timesteps. On an error during the run, the
/// timesteps before [`DeviceRunError::completed`] have reached the sink.
pub fn run_on_device_into<L: Link>(
    driver: &mut Driver<L>,
    image: &Image,
    stimulus: &Stimulus,
    steps: usize,
    progress: &mut dyn Progress,
    sink: &mut dyn Sink,
) -> Result<(RunSummary, DeviceRun), DeviceRunError> {
    let run_error =
        |problem: String, help: &'static str| DeviceRunError::Setup(Box::new(DriverError::Run { problem, help }));
    let steps_u32 = u32::try_from(steps)
        .ok()
        .filter(|&s| s > 0)
        .ok_or_else(|| run_error(format!("{steps} timesteps"), "a device run takes 1 to 4294967295 timesteps"))?;
    let mut recorder = Recorder::new(&image.meta, image.geometry);
    if recorder.probed().len() > MAX_PROBES {
        return Err(run_error(
            format!("the image probes {} neurons but a device reports at most {MAX_PROBES}", recorder.probed().len()),
            "probe fewer neurons in the network description, or run on the model",
        ));
    }
    upload(driver, image, Verify::Crc, &mut NoProgress).map_err(|e| DeviceRunError::Setup(Box::new(e)))?;
    let probes = recorder.probed().to_vec();
    driver.channel.probe(&probes).map_err(|e| DeviceRunError::Setup(Box::new(e)))?;
    driver.channel.set_period(pacing(image, driver.info()));
    driver.channel.clear_outputs();

    progress.init(steps as u64);
    let started = Instant::now();
    let mut on_step = |timestep, spikes: &[u16], probes: &[ProbeSample]| recorder.step(timestep, spikes, probes, sink);
    let mut streaming = Streaming { on_step: &mut on_step, acknowledged: 0, input_spikes: 0 };
    let streamed = stream(driver, stimulus, steps_u32, &mut streaming, progress);
    let (acknowledged, input_spikes) = (streaming.acknowledged, streaming.input_spikes);
    let wall = started.elapsed();
    progress.finish();
    driver.channel.set_period(Duration::ZERO);
    let link = driver.channel.link_name();
    let stopped = |command: Option<Opcode>, cause: StopCause, completed: u64| {
        DeviceRunError::Stopped(Box::new(Stopped {
            link: link.clone(),
            command,
            completed,
            acknowledged,
            steps: steps as u64,
            cause,
        }))
    };
    let device_run = streamed.map_err(|failure| {
        let (command, cause) = *failure;
        stopped(command, cause, recorder.completed())
    })?;

    let after = |command: Opcode| move |e: DriverError| Box::new((Some(command), StopCause::Driver(e)));
    let finished = (|| {
        let status = driver.channel.status().map_err(after(Opcode::Status))?;
        let what = if image.config.stdp.enabled { What::All } else { What::State };
        let back = readback(driver, what, &mut NoProgress).map_err(after(Opcode::Read))?;
        Ok((status, back))
    })();
    let (status, back) = finished.map_err(|failure: StreamFailure| {
        let (command, cause) = *failure;
        stopped(command, cause, steps as u64)
    })?;
    let mut learned = image.clone();
    if let Some(weights) = back.weights {
        learned.w_in = weights.w_in;
        learned.w_rec = weights.w_rec;
    }
    let bad_state = |e: ncx_model::ModelError| {
        let problem = format!("the state read back does not fit the core: {e}");
        stopped(
            Some(Opcode::Read),
            StopCause::Driver(DriverError::BadReply { command: Opcode::Read, problem }),
            steps as u64,
        )
    };
    let mut core = learned.to_core().map_err(bad_state)?;
    if let Some(state) = back.state {
        for (n, s) in state.neurons.into_iter().enumerate() {
            core.set_neuron_state(n, s).map_err(bad_state)?;
        }
        for (kind, values) in [
            (TraceKind::Input, state.traces.input),
            (TraceKind::Pre, state.traces.pre),
            (TraceKind::Post, state.traces.post),
        ] {
            for (index, value) in values.into_iter().enumerate() {
                core.set_trace(kind, index, value).map_err(bad_state)?;
            }
        }
    }
    let weight_changes = [
        WeightChange::between(Matrix::Input, &image.w_in, &learned.w_in),
        WeightChange::between(Matrix::Recurrent, &image.w_rec, &learned.w_rec),
    ];
    let counts = recorder.counts();
    let summary = RunSummary {
        steps,
        spikes_per_population: counts.spikes_per_population,
        total_spikes: counts.total_spikes,
        recorded_spikes: counts.recorded_spikes,
        probe_samples: counts.probe_samples,
        input_spikes,
        cycles: 0,
        overruns: status.overruns.into(),
        wall,
        core,
        weight_changes,
    };
    Ok((summary, device_run))
}

/// The timestep period of `image` on the device of `info` (zero: free-running).
pub(super) fn pacing(image: &Image, info: &DeviceInfo) -> Duration {
    if image.config.period > 0 && info.clock_hz > 0 {
        Duration::from_secs_f64(f64::from(image.config.period) / f64::from(info.clock_hz))
    } else {
        Duration::ZERO
    }
}

/// What is done with each timestep's output (its timestep from the run's first, 0
/// up; the spikes of every neuron, ascending; the probe samples).
pub(super) type OnStep<'a> = dyn FnMut(u64, &[u16], &[ProbeSample]) -> Result<(), OutputError> + 'a;

/// What the streaming loop updates as it goes.
pub(super) struct Streaming<'a, 'f> {
    /// Takes each timestep's output, in timestep order.
    pub(super) on_step: &'a mut OnStep<'f>,
    /// INPUTs acknowledged: timesteps `0..acknowledged`.
    pub(super) acknowledged: u64,
    /// Input spikes sent in acknowledged INPUTs.
    pub(super) input_spikes: u64,
}

/// A failure of the streaming loop: the command that failed (if any) and why.
pub(super) type StreamFailure = Box<(Option<Opcode>, StopCause)>;

/// RUN, INPUTs within the window, outputs, RESENDs, STOP (module docs).
pub(super) fn stream<L: Link>(
    driver: &mut Driver<L>,
    stimulus: &Stimulus,
    steps: u32,
    out: &mut Streaming<'_, '_>,
    progress: &mut dyn Progress,
) -> Result<DeviceRun, StreamFailure> {
    let failed = |command: Opcode| move |e: DriverError| Box::new((Some(command), StopCause::Driver(e)));
    let neurons = driver.info.geometry.neurons();
    let history = driver.info.output_history;
    let channel = &mut driver.channel;
    let (t0, credits) = channel.run(steps).map_err(failed(Opcode::Run))?;
    let window = u32::from(credits).min(u32::from(history)).max(1);
    let mut report = DeviceRun { first_timestep: t0, ..DeviceRun::default() };
    let (mut sent, mut done) = (0u32, 0u32);
    let mut inputs = stimulus.cursor();
    let mut early: BTreeMap<u32, OutputFrame> = BTreeMap::new();
    let mut fruitless = 0;
    let limit = channel.options().retries;
    let mut samples = Vec::new();
    while done < steps {
        if sent < steps && sent - done < window {
            let step_inputs = inputs.next_step();
            channel.input(t0.wrapping_add(sent), step_inputs).map_err(failed(Opcode::Input))?;
            out.acknowledged += 1;
            out.input_spikes += step_inputs.len() as u64;
            sent += 1;
            continue;
        }
        let timeout = channel.output_timeout();
        let gap = match channel.next_output(timeout).map_err(failed(Opcode::Run))? {
            Some(payload) => {
                let frame = OutputFrame::parse(&payload, neurons).map_err(|e| {
                    let problem = format!("an output frame does not decode: {e}");
                    Box::new((None, StopCause::Driver(DriverError::BadReply { command: Opcode::Run, problem })))
                })?;
                let t = frame.timestep.wrapping_sub(t0);
                if t >= done && t < sent {
                    early.entry(t).or_insert(frame);
                }
                let before = done;
                while let Some(frame) = early.remove(&done) {
                    let timestep = u64::from(done);
                    samples.clear();
                    samples.extend(frame.probes.iter().map(|p| ProbeSample {
                        timestep,
                        neuron: p.neuron,
                        v: p.v,
                        i: p.i,
                    }));
                    (out.on_step)(timestep, &frame.spikes, &samples)
                        .map_err(|e| Box::new((None, StopCause::Output(e))))?;
                    done += 1;
                }
                if done > before {
                    fruitless = 0;
                    progress.update(done.into());
                }
                // A later frame arrived before the next one expected: it was lost.
                !early.is_empty() && done == before && fruitless == 0
            }
            None => true,
        };
        if gap && done < steps {
            if fruitless > limit {
                let problem = format!(
                    "the output frame of timestep {} did not arrive on {} after {} RESENDs",
                    t0.wrapping_add(done),
                    channel.link_name(),
                    fruitless
                );
                let help = "the link loses too many frames; check the cable, or lower the baud rate";
                return Err(Box::new((Some(Opcode::Resend), StopCause::Driver(DriverError::Run { problem, help }))));
            }
            report.gaps += u64::from(fruitless == 0);
            report.resends += 1;
            fruitless += 1;
            channel.resend(t0.wrapping_add(done)).map_err(failed(Opcode::Resend))?;
        }
    }
    let next = channel.stop().map_err(failed(Opcode::Stop))?;
    if next != t0.wrapping_add(steps) {
        let problem = format!(
            "the run started at timestep {t0} and was to end before {}, but the device stopped before {next}",
            t0.wrapping_add(steps)
        );
        let help = "another host may be talking to the device; run again";
        return Err(Box::new((Some(Opcode::Stop), StopCause::Driver(DriverError::Run { problem, help }))));
    }
    Ok(report)
}
