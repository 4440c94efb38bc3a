//! The model target: the image loaded into an in-process [`ncx_model::Core`] and
//! driven by its fast path, one [`Core::run_timestep`] per timestep, with no event
//! sink; probes read [`Core::neuron_state`] after each timestep. Nothing is kept per
//! timestep: spikes and samples go to the run's [`Sink`] as they happen.

use std::time::Instant;

use ncx_model::{Core, Matrix, NullSink};

use super::RunError;
use super::record::{Recorder, Sink};
use super::result::{ProbeSample, RunSummary, WeightChange};
use crate::image::Image;
use crate::progress::Progress;
use crate::stimulus::Stimulus;

/// Progress is reported at most this many times per run (and always at the end).
const PROGRESS_UPDATES: usize = 1000;

pub(super) fn run(
    image: &Image,
    stimulus: &Stimulus,
    steps: usize,
    progress: &mut dyn Progress,
    sink: &mut dyn Sink,
) -> Result<RunSummary, RunError> {
    let mut core = image.to_core()?;
    let mut recorder = Recorder::new(&image.meta, image.geometry);
    progress.init(steps as u64);
    let started = Instant::now();
    let stepped = drive(&mut core, stimulus, steps, &mut recorder, progress, sink);
    let wall = started.elapsed();
    progress.finish();
    let (cycles, input_spikes) = stepped?;
    let weight_changes = [
        WeightChange::between(Matrix::Input, &image.w_in, &core.weights(Matrix::Input)),
        WeightChange::between(Matrix::Recurrent, &image.w_rec, &core.weights(Matrix::Recurrent)),
    ];
    let counts = recorder.counts();
    Ok(RunSummary {
        steps,
        spikes_per_population: counts.spikes_per_population,
        total_spikes: counts.total_spikes,
        recorded_spikes: counts.recorded_spikes,
        probe_samples: counts.probe_samples,
        input_spikes,
        cycles,
        overruns: core.overruns(),
        wall,
        core,
        weight_changes,
    })
}

/// Run the timesteps; returns the cycles and the number of input spikes.
fn drive(
    core: &mut Core,
    stimulus: &Stimulus,
    steps: usize,
    recorder: &mut Recorder,
    progress: &mut dyn Progress,
    sink: &mut dyn Sink,
) -> Result<(u64, u64), RunError> {
    let stride = steps.div_ceil(PROGRESS_UPDATES).max(1);
    let (mut cycles, mut input_spikes) = (0, 0);
    let mut inputs = stimulus.cursor();
    let mut samples = Vec::with_capacity(recorder.probed().len());
    for t in 0..steps {
        let timestep = t as u64;
        let inputs = inputs.next_step();
        let report =
            core.run_timestep(inputs, &mut NullSink).map_err(|error| RunError::Timestep { timestep, error })?;
        cycles += report.cycles;
        input_spikes += inputs.len() as u64;
        samples.clear();
        for &neuron in recorder.probed() {
            let state =
                core.neuron_state(usize::from(neuron)).map_err(|error| RunError::Timestep { timestep, error })?;
            samples.push(ProbeSample { timestep, neuron, v: state.v, i: state.i });
        }
        recorder
            .step(timestep, core.last_spikes(), &samples, sink)
            .map_err(|error| RunError::Output { timestep, error })?;
        if (t + 1).is_multiple_of(stride) || t + 1 == steps {
            progress.update(t as u64 + 1);
        }
    }
    Ok((cycles, input_spikes))
}
