//! Shared helpers of the driver tests: random valid images and stimuli, and devices
//! behind a `ModelLink`.

use ncx::SplitMix64;
use ncx::image::Image;
use ncx::link::ModelLink;
use ncx::stimulus::Stimulus;
use ncx_model::device::{Device, DeviceConfig};
use ncx_model::{Geometry, NeuronParams, StdpConfig, TraceMode};

/// A random image of `n` neurons × `m` inputs that spikes under a random stimulus;
/// STDP on when `stdp`.
pub(crate) fn image(n: usize, m: usize, seed: u64, stdp: bool) -> Image {
    let mut rng = SplitMix64::new(seed);
    let mut image = Image::empty(Geometry::new(n, m).unwrap());
    let weight = |rng: &mut SplitMix64| (rng.below(81) as i16 - 30) as i8;
    for w in &mut image.w_in {
        *w = weight(&mut rng);
    }
    for w in &mut image.w_rec {
        *w = weight(&mut rng) / 2;
    }
    for p in image.plastic_in.iter_mut().chain(&mut image.plastic_rec) {
        *p = rng.below(2) == 1;
    }
    for p in &mut image.neurons {
        *p = NeuronParams {
            threshold: 40 + rng.below(200) as i32,
            reset: -(rng.below(20) as i32),
            bias: rng.below(4) as i32,
            v_decay: rng.below(1024) as u16,
            i_decay: 1024 + rng.below(3000) as u16,
            refractory: rng.below(3) as u8,
        };
    }
    image.config.weight_shift = 0;
    if stdp {
        image.config.stdp = StdpConfig {
            enabled: true,
            a_plus: 8,
            a_minus: 6,
            shift: 3,
            w_min: -64,
            w_max: 64,
            pre_decay: 300,
            post_decay: 300,
            pre_increment: 40,
            post_increment: 40,
            trace_mode: TraceMode::Add,
        };
    }
    image
}

/// Each of the `m` inputs spikes with probability 1/4 in each of `steps` timesteps.
pub(crate) fn stimulus(m: usize, steps: usize, seed: u64) -> Stimulus {
    let mut rng = SplitMix64::new(seed ^ 0x5EED);
    Stimulus::from_steps((0..steps).map(|_| (0..m as u16).filter(|_| rng.below(4) == 0).collect()).collect())
}

/// A device model at power-on, default configuration (1 Mbaud, 16 slots, 16 kept frames).
pub(crate) fn device(n: usize, m: usize) -> Device {
    Device::new(Geometry::new(n, m).unwrap(), DeviceConfig::default())
}

/// A `ModelLink` to a fresh device.
pub(crate) fn model_link(n: usize, m: usize) -> ModelLink {
    ModelLink::new(device(n, m))
}

/// A test-only larger timeout for devices served in real time (docs/reliability.md §8):
/// every `receive` waits `patience` longer than the driver asks. The virtual boards of
/// `ncx emulate` run in another thread or process and, for the RTL, much slower than the
/// clock they report, so under load the driver's timeouts of docs/protocol.md §11 (50 ms
/// of slack) are not enough; with this the driver still fails a device that stops
/// answering, `patience` later.
#[derive(Debug)]
pub(crate) struct Patient<L> {
    pub(crate) inner: L,
    pub(crate) patience: std::time::Duration,
}

impl<L: ncx::link::Link> ncx::link::Link for Patient<L> {
    fn name(&self) -> String {
        self.inner.name()
    }

    fn send(&mut self, bytes: &[u8]) -> Result<(), ncx::link::LinkError> {
        self.inner.send(bytes)
    }

    fn receive(&mut self, buf: &mut [u8], timeout: std::time::Duration) -> Result<usize, ncx::link::LinkError> {
        self.inner.receive(buf, timeout.saturating_add(self.patience))
    }
}
