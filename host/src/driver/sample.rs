//! Many short runs on one device, each from a reset state: the device side of
//! presenting samples to a classifier ([`crate::learn::present`], docs/learning.md §4).
//!
//! [`load`] uploads the image once (CRC-verified). Then each [`run_sample`] sends
//! `RESET` with scope state (docs/protocol.md §8: `v`, `I`, refractory counters,
//! traces, spike history, the timestep counter, the run, inputs, probes and kept output
//! frames go back to 0; weights, enable bits, parameters and the configuration stay),
//! and streams the sample's timesteps as [`stream`](mod@super::stream) does any run —
//! RUN, INPUTs within the credit window, output frames, RESEND for lost ones, STOP —
//! counting the spikes of every neuron from the output frames, which carry every
//! spike of the timestep whatever the image records.

use std::time::Duration;

use ncx_model::device::{Opcode, ResetScope};

use super::stream::{DeviceRunError, StopCause, Stopped, Streaming, pacing, stream};
use super::upload::{Verify, upload};
use super::{Driver, DriverError};
use crate::image::Image;
use crate::link::Link;
use crate::progress::NoProgress;
use crate::stimulus::Stimulus;

/// How the samples of an image run on a device once it is [`load`]ed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Loaded {
    /// The timestep period of the image on this device (zero: free-running).
    pub period: Duration,
    /// The device's number of neurons.
    pub neurons: usize,
}

/// Upload `image` to the device (CRC-verified; the device's state is reset).
pub fn load<L: Link>(driver: &mut Driver<L>, image: &Image) -> Result<Loaded, DriverError> {
    upload(driver, image, Verify::Crc, &mut NoProgress)?;
    Ok(Loaded { period: pacing(image, driver.info()), neurons: driver.info().geometry.neurons() })
}

/// Reset the device's state, run one timestep per element of `inputs` (input indices,
/// each ascending) and add each neuron's spikes to `counts` (one per neuron of the
/// device). On an error `counts` holds the timesteps before it.
pub fn run_sample<L: Link>(
    driver: &mut Driver<L>,
    loaded: &Loaded,
    inputs: &[Vec<u16>],
    counts: &mut [u32],
) -> Result<(), DeviceRunError> {
    let setup = |e: DriverError| DeviceRunError::Setup(Box::new(e));
    let steps = u32::try_from(inputs.len()).ok().filter(|&s| s > 0).ok_or_else(|| {
        setup(DriverError::Run {
            problem: format!("a sample of {} timesteps", inputs.len()),
            help: "a sample runs for 1 to 4294967295 timesteps",
        })
    })?;
    if counts.len() != loaded.neurons {
        return Err(setup(DriverError::Run {
            problem: format!("{} spike counters for a device of {} neurons", counts.len(), loaded.neurons),
            help: "give one counter per neuron of the device",
        }));
    }
    driver.channel.reset(ResetScope::State).map_err(setup)?;
    driver.channel.clear_outputs();
    driver.channel.set_period(loaded.period);
    let stimulus = Stimulus::from_steps(inputs.to_vec());
    let mut completed = 0;
    let mut on_step = |timestep: u64, spikes: &[u16], _: &[_]| {
        for &n in spikes {
            if let Some(c) = counts.get_mut(usize::from(n)) {
                *c += 1;
            }
        }
        completed = timestep + 1;
        Ok(())
    };
    let mut streaming = Streaming { on_step: &mut on_step, acknowledged: 0, input_spikes: 0 };
    let streamed = stream(driver, &stimulus, steps, &mut streaming, &mut NoProgress);
    let acknowledged = streaming.acknowledged;
    driver.channel.set_period(Duration::ZERO);
    streamed.map(drop).map_err(|failure| {
        let (command, cause): (Option<Opcode>, StopCause) = *failure;
        DeviceRunError::Stopped(Box::new(Stopped {
            link: driver.channel.link_name(),
            command,
            completed,
            acknowledged,
            steps: u64::from(steps),
            cause,
        }))
    })
}
