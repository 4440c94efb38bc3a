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
//! expected (a gap), or no output frame within [`super::Channel::output_timeout`], is
//! answered with `RESEND(next expected)`; frames already received are ignored when
//! they come again. A RESEND that brings nothing new is retried up to the driver's
//! retry count, then the run fails.
//!
//! Cycles are not reported by the device: a device run's `cycles` is 0.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use ncx_model::device::{MAX_PROBES, OutputFrame};
use ncx_model::{Matrix, TraceKind};

use super::readback::{What, readback};
use super::upload::{Verify, upload};
use super::{Driver, DriverError};
use crate::image::Image;
use crate::link::Link;
use crate::progress::{NoProgress, Progress};
use crate::run::{ProbeSample, RunResult, Spike, WeightChange, probed, recorded};
use crate::stimulus::Stimulus;

/// What a device run adds to its [`RunResult`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DeviceRun {
    /// RESEND commands sent.
    pub resends: u64,
    /// Output frames lost on the way (asked for again).
    pub gaps: u64,
    /// The first timestep of the run on the device.
    pub first_timestep: u32,
}

/// Upload `image`, run it for `steps` timesteps with `stimulus` and collect what it
/// did; `progress` counts timesteps.
pub fn run_on_device<L: Link>(
    driver: &mut Driver<L>,
    image: &Image,
    stimulus: &Stimulus,
    steps: usize,
    progress: &mut dyn Progress,
) -> Result<(RunResult, DeviceRun), DriverError> {
    let run_error = |problem: String, help: &'static str| DriverError::Run { problem, help };
    let steps_u32 = u32::try_from(steps)
        .ok()
        .filter(|&s| s > 0)
        .ok_or_else(|| run_error(format!("{steps} timesteps"), "a device run takes 1 to 4294967295 timesteps"))?;
    let probes = probed(&image.meta);
    if probes.len() > MAX_PROBES {
        return Err(run_error(
            format!("the image probes {} neurons but a device reports at most {MAX_PROBES}", probes.len()),
            "probe fewer neurons in the network description, or run on the model",
        ));
    }
    upload(driver, image, Verify::Crc, &mut NoProgress)?;
    driver.probe(&probes)?;
    let info = *driver.info();
    let period = if image.config.period > 0 && info.clock_hz > 0 {
        Duration::from_secs_f64(f64::from(image.config.period) / f64::from(info.clock_hz))
    } else {
        Duration::ZERO
    };
    driver.set_period(period);
    driver.clear_outputs();

    let mut recorder = Recorder::new(image);
    progress.init(steps as u64);
    let started = Instant::now();
    let streamed = stream(driver, stimulus, steps_u32, &mut recorder, progress);
    let wall = started.elapsed();
    progress.finish();
    driver.set_period(Duration::ZERO);
    let device_run = streamed?;

    let status = driver.status()?;
    let back = readback(driver, if image.config.stdp.enabled { What::All } else { What::State }, &mut NoProgress)?;
    let mut learned = image.clone();
    if let Some(weights) = back.weights {
        learned.w_in = weights.w_in;
        learned.w_rec = weights.w_rec;
    }
    let bad_state = |e: ncx_model::ModelError| DriverError::BadReply {
        command: ncx_model::device::Opcode::Read,
        problem: format!("the state read back does not fit the core: {e}"),
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
    let input_spikes = (0..steps).map(|t| stimulus.inputs(t).len() as u64).sum();
    let result = RunResult {
        steps,
        raster: recorder.raster,
        probes: recorder.probes,
        spikes_per_population: recorder.spikes_per_population,
        total_spikes: recorder.total_spikes,
        input_spikes,
        cycles: 0,
        overruns: status.overruns.into(),
        wall,
        core,
        weight_changes,
    };
    Ok((result, device_run))
}

/// RUN, INPUTs within the window, outputs, RESENDs, STOP (module docs).
fn stream<L: Link>(
    driver: &mut Driver<L>,
    stimulus: &Stimulus,
    steps: u32,
    recorder: &mut Recorder,
    progress: &mut dyn Progress,
) -> Result<DeviceRun, DriverError> {
    let neurons = driver.info().geometry.neurons();
    let history = driver.info().output_history;
    let (t0, credits) = driver.run(steps)?;
    let window = u32::from(credits).min(u32::from(history)).max(1);
    let mut report = DeviceRun { first_timestep: t0, ..DeviceRun::default() };
    let (mut sent, mut done) = (0u32, 0u32);
    let mut early: BTreeMap<u32, OutputFrame> = BTreeMap::new();
    let mut fruitless = 0;
    let limit = driver.options().retries;
    while done < steps {
        if sent < steps && sent - done < window {
            driver.input(t0.wrapping_add(sent), stimulus.inputs(sent as usize))?;
            sent += 1;
            continue;
        }
        let timeout = driver.output_timeout();
        let gap = match driver.next_output(timeout)? {
            Some(payload) => {
                let frame = OutputFrame::parse(&payload, neurons).map_err(|e| DriverError::BadReply {
                    command: ncx_model::device::Opcode::Run,
                    problem: format!("an output frame does not decode: {e}"),
                })?;
                let t = frame.timestep.wrapping_sub(t0);
                if t >= done && t < sent {
                    early.entry(t).or_insert(frame);
                }
                let before = done;
                while let Some(frame) = early.remove(&done) {
                    recorder.record(u64::from(done), &frame);
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
                return Err(DriverError::Run {
                    problem: format!(
                        "the output frame of timestep {} did not arrive on {} after {} RESENDs",
                        t0.wrapping_add(done),
                        driver.link_name(),
                        fruitless
                    ),
                    help: "the link loses too many frames; check the cable, or lower the baud rate",
                });
            }
            report.gaps += u64::from(fruitless == 0);
            report.resends += 1;
            fruitless += 1;
            driver.resend(t0.wrapping_add(done))?;
        }
    }
    let next = driver.stop()?;
    if next != t0.wrapping_add(steps) {
        return Err(DriverError::Run {
            problem: format!(
                "the run started at timestep {t0} and was to end before {}, but the device stopped before {next}",
                t0.wrapping_add(steps)
            ),
            help: "another host may be talking to the device; run again",
        });
    }
    Ok(report)
}

/// The raster, probe samples and counts of a device run, as the model target keeps
/// them (docs/outputs.md §2).
struct Recorder {
    recorded: Vec<bool>,
    population: Vec<Option<usize>>,
    raster: Vec<Spike>,
    probes: Vec<ProbeSample>,
    spikes_per_population: Vec<u64>,
    total_spikes: u64,
}

impl Recorder {
    fn new(image: &Image) -> Recorder {
        let n = image.geometry.neurons();
        let mut mask = vec![false; n];
        for neuron in recorded(&image.meta, image.geometry) {
            mask[usize::from(neuron)] = true;
        }
        // Earlier populations win where blocks overlap, as in `Metadata::neuron`.
        let mut population = vec![None; n];
        for (p, b) in image.meta.populations.iter().enumerate().rev() {
            for i in 0..b.len {
                if let Some(slot) = population.get_mut(usize::from(b.start.saturating_add(i))) {
                    *slot = Some(p);
                }
            }
        }
        Recorder {
            recorded: mask,
            population,
            raster: Vec::new(),
            probes: Vec::new(),
            spikes_per_population: vec![0; image.meta.populations.len()],
            total_spikes: 0,
        }
    }

    fn record(&mut self, timestep: u64, frame: &OutputFrame) {
        self.total_spikes += frame.spikes.len() as u64;
        for &neuron in &frame.spikes {
            let n = usize::from(neuron);
            if let Some(p) = self.population.get(n).copied().flatten() {
                self.spikes_per_population[p] += 1;
            }
            if self.recorded.get(n).copied().unwrap_or(false) {
                self.raster.push(Spike { timestep, neuron });
            }
        }
        for p in &frame.probes {
            self.probes.push(ProbeSample { timestep, neuron: p.neuron, v: p.v, i: p.i });
        }
    }
}
