//! Presenting one sample to a target: reset the state, run one timestep per element of
//! the sample's input spikes, count every neuron's spikes (docs/learning.md §4).
//!
//! A [`Presenter`] holds an image loaded on a target ([`open`]): on the model
//! ([`ModelPresenter`]) a [`Core`] made from the image and driven by its fast path
//! (`Core::run_timestep`, as `ncx run --target model` does); on a device
//! ([`DevicePresenter`]) the image uploaded once, then per sample a `RESET` of the
//! state and a streamed run ([`crate::driver::sample`]). Both reset the same things
//! before each sample — `v`, `I`, refractory counters, traces, the spike history and
//! the timestep counter, not the weights, enable bits, parameters or configuration — so
//! the same image and inputs give the same counts on every target, sample after sample.
//! With STDP on in the image, the weights learned during a sample stay for the next one;
//! [`Presenter::learned`] gives them.

use std::borrow::Cow;

use ncx_model::{Core, Matrix, ModelError, NullSink};

use crate::driver::readback::{What, readback};
use crate::driver::sample::{Loaded, load, run_sample};
use crate::driver::stream::DeviceRunError;
use crate::driver::{DriverError, DriverOptions};
use crate::error::Help;
use crate::image::Image;
use crate::link::LinkTarget;
use crate::progress::NoProgress;
use crate::run::{Connect, ConnectError, Session, Target};

/// A target holding an image, to which samples are presented one at a time.
pub trait Presenter {
    /// Reset the state (v, I, refractory counters, traces, spike history, timestep
    /// counter; NOT weights or parameters), run one timestep per element of `inputs`
    /// (core input indices), return the spike count of every core neuron (len N).
    fn present(&mut self, inputs: &[Vec<u16>]) -> Result<Vec<u32>, PresentError>;

    /// The image as the target holds it now (weights read back: after STDP, the
    /// learned ones).
    fn learned(&mut self) -> Result<Image, PresentError>;
}

/// Why a sample could not be presented.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PresentError {
    /// The model rejected the image.
    #[error("the model rejected the image: {0}")]
    Model(#[source] ModelError),
    /// The model rejected an input of a sample.
    #[error("the model rejected the input of timestep {timestep} of the sample: {error}")]
    Timestep {
        /// The timestep within the sample (0 up).
        timestep: usize,
        /// What the model said.
        #[source]
        error: ModelError,
    },
    /// The device could not be reached.
    #[error("cannot connect to {target}: {source}")]
    Connect {
        /// The target as written.
        target: String,
        /// The [`Connect`]'s error.
        #[source]
        source: ConnectError,
    },
    /// The image could not be uploaded to the device.
    #[error("cannot upload the image: {source}")]
    Upload {
        /// The driver's error.
        #[source]
        source: DriverError,
    },
    /// A sample's run on the device failed.
    #[error("{source}")]
    Device {
        /// The run's error (it names the link and the timestep).
        #[source]
        source: DeviceRunError,
    },
    /// The weights could not be read back from the device.
    #[error("cannot read the weights back: {source}")]
    Readback {
        /// The driver's error.
        #[source]
        source: DriverError,
    },
}

impl Help for PresentError {
    fn help(&self) -> Option<Cow<'_, str>> {
        match self {
            PresentError::Model(_) => {
                Some("the image holds a value the core cannot take; recompile the network for this core".into())
            }
            PresentError::Timestep { .. } => Some(
                "an input index is past the core's inputs: check the classifier's input group against the image".into(),
            ),
            PresentError::Connect { .. }
            | PresentError::Upload { .. }
            | PresentError::Device { .. }
            | PresentError::Readback { .. } => None,
        }
    }
}

/// Load `image` on `target` for presenting samples: on the model a core made from it;
/// on a device, connected through `connect` (as `ncx run` connects), the image uploaded
/// once.
pub fn open(
    image: &Image,
    target: &Target,
    connect: &mut dyn Connect,
) -> Result<Box<dyn Presenter + Send>, PresentError> {
    Ok(match target {
        Target::Model => Box::new(ModelPresenter::new(image)?),
        Target::Device { .. } => Box::new(DevicePresenter::new(image, target, connect)?),
    })
}

/// [`open`] on the device of a device target with the driver's default options.
pub fn open_default(image: &Image, target: &Target) -> Result<Box<dyn Presenter + Send>, PresentError> {
    open(image, target, &mut DriverOptions::default())
}

/// The model target: a [`Core`] driven by its fast path, with no event sink.
#[derive(Debug, Clone)]
pub struct ModelPresenter {
    image: Image,
    core: Core,
}

impl ModelPresenter {
    /// A core made from `image`.
    pub fn new(image: &Image) -> Result<ModelPresenter, PresentError> {
        Ok(ModelPresenter { core: image.to_core().map_err(PresentError::Model)?, image: image.clone() })
    }

    /// [`Presenter::present`] adding the counts to `counts` (len N) instead of
    /// returning new ones: no allocation per sample.
    pub fn present_into(&mut self, inputs: &[Vec<u16>], counts: &mut [u32]) -> Result<(), PresentError> {
        self.core.reset_state();
        for (timestep, step) in inputs.iter().enumerate() {
            self.core.run_timestep(step, &mut NullSink).map_err(|error| PresentError::Timestep { timestep, error })?;
            for &n in self.core.last_spikes() {
                if let Some(c) = counts.get_mut(usize::from(n)) {
                    *c += 1;
                }
            }
        }
        Ok(())
    }
}

impl Presenter for ModelPresenter {
    fn present(&mut self, inputs: &[Vec<u16>]) -> Result<Vec<u32>, PresentError> {
        let mut counts = vec![0; self.image.geometry.neurons()];
        self.present_into(inputs, &mut counts)?;
        Ok(counts)
    }

    fn learned(&mut self) -> Result<Image, PresentError> {
        let mut image = self.image.clone();
        image.w_in = self.core.weights(Matrix::Input);
        image.w_rec = self.core.weights(Matrix::Recurrent);
        Ok(image)
    }
}

/// A device target: the image uploaded once, each sample a reset and a streamed run.
pub struct DevicePresenter {
    image: Image,
    session: Session,
    loaded: Loaded,
    target: String,
}

impl std::fmt::Debug for DevicePresenter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DevicePresenter").field("target", &self.target).field("loaded", &self.loaded).finish()
    }
}

impl DevicePresenter {
    /// Connect to the device of `target` (a [`Target::Device`]) through `connect` and
    /// upload `image`; the model target is connected as `model-device`.
    pub fn new(image: &Image, target: &Target, connect: &mut dyn Connect) -> Result<DevicePresenter, PresentError> {
        let name = target.name().to_owned();
        let (link, link_name) = match target {
            Target::Device { link, .. } if *link == LinkTarget::Model => (link.clone(), "model"),
            Target::Device { link, name } => (link.clone(), name.as_str()),
            Target::Model => (LinkTarget::Model, "model"),
        };
        let mut session = connect
            .connect(&link, link_name, image.geometry)
            .map_err(|source| PresentError::Connect { target: name.clone(), source })?;
        let loaded = load(&mut session, image).map_err(|source| PresentError::Upload { source })?;
        Ok(DevicePresenter { image: image.clone(), session, loaded, target: name })
    }
}

impl Presenter for DevicePresenter {
    fn present(&mut self, inputs: &[Vec<u16>]) -> Result<Vec<u32>, PresentError> {
        let mut counts = vec![0; self.loaded.neurons];
        run_sample(&mut self.session, &self.loaded, inputs, &mut counts)
            .map_err(|source| PresentError::Device { source })?;
        Ok(counts)
    }

    fn learned(&mut self) -> Result<Image, PresentError> {
        let back = readback(&mut self.session, What::Weights, &mut NoProgress)
            .map_err(|source| PresentError::Readback { source })?;
        let mut image = self.image.clone();
        if let Some(weights) = back.weights {
            image.w_in = weights.w_in;
            image.w_rec = weights.w_rec;
        }
        Ok(image)
    }
}

#[cfg(test)]
mod tests {
    use ncx_model::{Geometry, NeuronParams};

    use super::*;

    /// 16 × 16: neuron 0 fires on each spike of input 3 (threshold 100, weight 127,
    /// no current memory); neuron 1 integrates input 5 with weight 40 and fires on the
    /// third spike (v keeps, threshold 100).
    fn image() -> Image {
        let mut image = Image::empty(Geometry::new(16, 16).unwrap());
        image.neurons[0] = NeuronParams { threshold: 100, i_decay: 4095, ..NeuronParams::SILENT };
        image.w_in[3] = 127;
        image.neurons[1] = NeuronParams { threshold: 100, i_decay: 4095, v_decay: 0, ..NeuronParams::SILENT };
        image.w_in[16 + 5] = 40;
        image
    }

    fn steps(spec: &[&[u16]]) -> Vec<Vec<u16>> {
        spec.iter().map(|s| s.to_vec()).collect()
    }

    #[test]
    fn the_model_counts_every_neuron_and_resets_between_samples() {
        let mut p = ModelPresenter::new(&image()).unwrap();
        let sample = steps(&[&[3, 5], &[5], &[3, 5], &[]]);
        let counts = p.present(&sample).unwrap();
        // Neuron 0: a spike per spike of input 3 (I = 127 ≥ 100 at once). Neuron 1:
        // I = 40 each timestep with input 5 (decay(40, 4095) = 0), v = 40, 80, 120 ≥ 100:
        // a spike at timestep 2, then v = 0 and I = 0 at timestep 3.
        let mut expected = vec![0; 16];
        expected[..2].copy_from_slice(&[2, 1]);
        assert_eq!(counts, expected);
        // Without the reset, v of neuron 1 would carry 0 + 40 + 80 … into the next
        // sample; with it, four timesteps of input 5 give v = 40, 80, 120 (spike), 40.
        let mut four = vec![0; 16];
        four[1] = 1;
        assert_eq!(p.present(&steps(&[&[5], &[5], &[5], &[5]])).unwrap(), four);
        // The same sample again gives the same counts: nothing carried over.
        assert_eq!(p.present(&sample).unwrap(), counts);
        assert_eq!(p.present(&[]).unwrap(), vec![0; 16]);
        assert_eq!(p.learned().unwrap(), image(), "no STDP: the weights are the image's");
    }

    #[test]
    fn an_input_past_the_core_is_an_error_naming_the_timestep() {
        let mut p = ModelPresenter::new(&image()).unwrap();
        let e = p.present(&steps(&[&[1], &[16]])).unwrap_err();
        assert!(matches!(e, PresentError::Timestep { timestep: 1, .. }), "{e:?}");
        assert!(e.to_string().starts_with("the model rejected the input of timestep 1 of the sample: "), "{e}");
    }

    #[test]
    fn model_device_counts_as_the_model() {
        let target: Target = "model-device".parse().unwrap();
        let mut device = open_default(&image(), &target).unwrap();
        let mut model = open_default(&image(), &Target::Model).unwrap();
        for sample in [steps(&[&[3, 5], &[5], &[3, 5], &[]]), steps(&[&[5], &[5], &[5], &[5], &[3]]), steps(&[&[]])] {
            let counts = model.present(&sample).unwrap();
            assert_eq!(device.present(&sample).unwrap(), counts, "{sample:?}");
        }
        assert_eq!(device.learned().unwrap(), image());
    }
}
