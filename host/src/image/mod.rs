//! The device image: everything a core needs to run one network — geometry,
//! configuration, both weight matrices with their learning-enable bits, the
//! per-neuron parameters — plus the metadata that maps core indices back to the
//! network's populations and input groups.
//!
//! The compiler ([`crate::compile`]) produces an [`Image`]; [`codec`] turns it into
//! the versioned binary `.ncx` container of docs/image-format.md and back, and [`file`](mod@file)
//! reads and writes it on disk; [`summary`] is what `ncx inspect` shows about it; the
//! model target loads it with [`Image::to_core`].

pub mod codec;
pub mod file;
pub mod summary;

use ncx_model::{Core, CoreConfig, Geometry, Matrix, ModelError, NeuronParams};

use crate::learn::classifier::Classifier;

/// A compiled network, ready to load into a core.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    /// Core geometry the image is built for.
    pub geometry: Geometry,
    /// Core configuration: weight shift, pacing period, STDP.
    pub config: CoreConfig,
    /// `W_in`, row-major `[post][pre]`: N × M.
    pub w_in: Vec<i8>,
    /// `W_rec`, row-major `[post][pre]`: N × N.
    pub w_rec: Vec<i8>,
    /// Learning-enable bits of `W_in`, same layout.
    pub plastic_in: Vec<bool>,
    /// Learning-enable bits of `W_rec`, same layout.
    pub plastic_rec: Vec<bool>,
    /// Parameters of every core neuron (N entries; unused neurons are
    /// [`NeuronParams::SILENT`]).
    pub neurons: Vec<NeuronParams>,
    /// Names and placement: not needed by the device, kept for the host.
    pub meta: Metadata,
}

/// Where the network's parts live on the core, and what to observe.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Metadata {
    /// Network name (from the description's `name`, or the file stem).
    pub name: String,
    /// Physical length of one timestep in microseconds (for plots and reports).
    pub timestep_us: u32,
    /// Core clock frequency in Hz that the pacing period was computed for.
    pub clock_hz: u32,
    /// Neuron populations, in declaration order, each a contiguous range of neurons.
    pub populations: Vec<Block>,
    /// Input groups, in declaration order, each a contiguous range of input axons.
    pub inputs: Vec<Block>,
    /// How the image is used as a classifier, if it is one (docs/learning.md §3).
    pub classifier: Option<Classifier>,
}

/// A named, contiguous range of core neurons or input axons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// Population or input group name.
    pub name: String,
    /// First core index.
    pub start: u16,
    /// Number of indices.
    pub len: u16,
    /// Whether spikes of this population are recorded (always `false` for inputs).
    pub record: bool,
    /// Indices within the block whose v and I are probed (always empty for inputs).
    pub probe: Vec<u16>,
}

impl Block {
    /// Whether core index `index` belongs to this block.
    pub fn contains(&self, index: u16) -> bool {
        (self.start..self.start + self.len).contains(&index)
    }
}

impl Metadata {
    /// The population holding core neuron `neuron`, and the index within it.
    pub fn neuron(&self, neuron: u16) -> Option<(&Block, u16)> {
        find(&self.populations, neuron)
    }

    /// The input group holding core input `input`, and the index within it.
    pub fn input(&self, input: u16) -> Option<(&Block, u16)> {
        find(&self.inputs, input)
    }

    /// The input group called `name`.
    pub fn input_group(&self, name: &str) -> Option<&Block> {
        self.inputs.iter().find(|b| b.name == name)
    }

    /// The population called `name`.
    pub fn population(&self, name: &str) -> Option<&Block> {
        self.populations.iter().find(|b| b.name == name)
    }
}

fn find(blocks: &[Block], index: u16) -> Option<(&Block, u16)> {
    blocks.iter().find(|b| b.contains(index)).map(|b| (b, index - b.start))
}

impl Image {
    /// An image of a core at power-on (all weights 0, every neuron silent).
    pub fn empty(geometry: Geometry) -> Image {
        let (n, m) = (geometry.neurons(), geometry.inputs());
        Image {
            geometry,
            config: CoreConfig::default(),
            w_in: vec![0; n * m],
            w_rec: vec![0; n * n],
            plastic_in: vec![false; n * m],
            plastic_rec: vec![false; n * n],
            neurons: vec![NeuronParams::SILENT; n],
            meta: Metadata::default(),
        }
    }

    /// A fresh core of the image's geometry with the image loaded (state at reset).
    /// Fails if a table has the wrong length or a value does not fit its field.
    pub fn to_core(&self) -> Result<Core, ModelError> {
        let mut core = Core::new(self.geometry);
        core.set_config(self.config)?;
        core.load_weights(Matrix::Input, &self.w_in)?;
        core.load_weights(Matrix::Recurrent, &self.w_rec)?;
        core.load_plastic_mask(Matrix::Input, &self.plastic_in)?;
        core.load_plastic_mask(Matrix::Recurrent, &self.plastic_rec)?;
        if self.neurons.len() != self.geometry.neurons() {
            return Err(ModelError::Length {
                what: "neuron parameter table",
                got: self.neurons.len(),
                expected: self.geometry.neurons(),
            });
        }
        for (n, params) in self.neurons.iter().enumerate() {
            core.set_neuron_params(n, *params)?;
        }
        Ok(core)
    }
}
