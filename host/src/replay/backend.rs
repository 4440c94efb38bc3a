//! The devices a replay plays against: the device model (through the fault injector
//! when the recording went through one) here, or the RTL device simulated by Verilator
//! ([`super::sim`], in a build with the cargo feature `cosim`).

use std::time::Duration;

use ncx_model::Geometry;
use ncx_model::device::{Device, DeviceConfig};

use super::ReplayError;
use crate::link::{FaultSpec, FaultyLink, Link, ModelLink};

/// A device the recorded host side is played against.
pub(crate) trait ReplayDevice {
    /// The host sends `bytes`.
    fn send(&mut self, bytes: &[u8]) -> Result<(), ReplayError>;

    /// The host receives, as recorded: a buffer of `cap` bytes, waiting up to `wait`;
    /// `recorded` is what the recorded device delivered to that call. Returns what this
    /// device delivers.
    fn receive(&mut self, cap: usize, wait: Duration, recorded: &[u8]) -> Result<Vec<u8>, ReplayError>;

    /// The recording has ended: whatever the device still sends.
    fn finish(&mut self) -> Result<Vec<u8>, ReplayError>;

    /// What the reader of the report should know about this device.
    fn notes(&self) -> Vec<String>;
}

/// The largest receive buffer a replay allocates (a recorded `cap` is clamped to it).
const MAX_CAP: usize = 1 << 20;

/// The device model, behind the same link stack as in the recording: a [`ModelLink`],
/// through a [`FaultyLink`] with the recorded seed and faults when the target was
/// `faulty:…`. The same calls then give the same bytes (`docs/recording.md` §4).
#[derive(Debug)]
pub(crate) struct ModelDevice {
    link: ModelStack,
    buf: Vec<u8>,
}

#[derive(Debug)]
enum ModelStack {
    Plain(Box<ModelLink>),
    Faulty(Box<FaultyLink<ModelLink>>),
}

impl ModelDevice {
    pub(crate) fn new(geometry: Geometry, config: DeviceConfig, faults: Option<(u64, FaultSpec)>) -> ModelDevice {
        let model = ModelLink::new(Device::new(geometry, config));
        let link = match faults {
            Some((seed, spec)) => ModelStack::Faulty(Box::new(FaultyLink::new(model, spec, seed))),
            None => ModelStack::Plain(Box::new(model)),
        };
        ModelDevice { link, buf: Vec::new() }
    }

    fn link(&mut self) -> &mut dyn Link {
        match &mut self.link {
            ModelStack::Plain(link) => &mut **link,
            ModelStack::Faulty(link) => &mut **link,
        }
    }
}

impl ReplayDevice for ModelDevice {
    fn send(&mut self, bytes: &[u8]) -> Result<(), ReplayError> {
        self.link().send(bytes).map_err(ReplayError::Link)
    }

    fn receive(&mut self, cap: usize, wait: Duration, _recorded: &[u8]) -> Result<Vec<u8>, ReplayError> {
        let mut buf = std::mem::take(&mut self.buf);
        buf.resize(cap.min(MAX_CAP), 0);
        let n = self.link().receive(&mut buf, wait);
        self.buf = buf;
        Ok(self.buf[..n.map_err(ReplayError::Link)?].to_vec())
    }

    /// What the model sent that no recorded call received (past the fault injector: the
    /// host never saw it).
    fn finish(&mut self) -> Result<Vec<u8>, ReplayError> {
        let model: &mut ModelLink = match &mut self.link {
            ModelStack::Plain(link) => link,
            ModelStack::Faulty(link) => link.inner_mut(),
        };
        let mut out = Vec::new();
        let mut buf = vec![0; 1 << 16];
        loop {
            let n = model.receive(&mut buf, Duration::ZERO).map_err(ReplayError::Link)?;
            if n == 0 {
                return Ok(out);
            }
            out.extend_from_slice(&buf[..n]);
        }
    }

    fn notes(&self) -> Vec<String> {
        Vec::new()
    }
}
