//! The typed network: what a description says, validated and resolved, in float and
//! physical units (membrane units, weight units, milliseconds). Nothing here is
//! quantised or placed yet; [`crate::compile`] does that.

use std::collections::BTreeMap;
use std::path::PathBuf;

use ncx_model::{NeuronParams, TraceMode};

use super::source::Loc;
use crate::learn::classifier::Classifier;

/// A whole network: the top-level file and everything it includes.
#[derive(Debug, Clone, PartialEq)]
pub struct Network {
    /// The network's name (`name`, or the top-level file's stem).
    pub name: String,
    /// Core geometry, timing and scaling (`[core]`).
    pub core: CoreSpec,
    /// Populations in placement order: included files first (in include order,
    /// depth first), then the file's own, each file in declaration order.
    pub populations: Vec<Population>,
    /// Input groups, in the same order.
    pub inputs: Vec<InputGroup>,
    /// Projections, in the same order.
    pub projections: Vec<Projection>,
    /// STDP settings (`[stdp]`), if the description has them.
    pub stdp: Option<StdpSpec>,
    /// How the image is used as a classifier (`[classifier]`), if the description says.
    pub classifier: Option<Classifier>,
    /// Every file read, top-level file first.
    pub files: Vec<PathBuf>,
}

/// A neuron or input count of the core: a power of two, or chosen by the compiler.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Count {
    /// The smallest power of two (at least 16) that holds everything.
    Auto,
    /// Exactly this many (a power of two from 16 to 1024).
    Fixed(usize),
}

/// How the core paces its timesteps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pacing {
    /// Free-running: a timestep lasts as long as its computation (period 0).
    Free,
    /// Paced: every timestep lasts `timestep_ms` of the core clock.
    Fixed,
}

/// The `[core]` table.
#[derive(Debug, Clone, PartialEq)]
pub struct CoreSpec {
    /// Neuron count N.
    pub neurons: Count,
    /// Input axon count M.
    pub inputs: Count,
    /// Physical length of one timestep in milliseconds.
    pub timestep_ms: f64,
    /// Free-running or paced.
    pub pacing: Pacing,
    /// Core clock in MHz (used for the pacing period and reports).
    pub clock_mhz: f64,
    /// The weight shift, or `None` for "auto".
    pub weight_shift: Option<u8>,
    /// The membrane scale q (core units per membrane unit), or `None` for "auto".
    pub scale: Option<f64>,
    /// Where each key was written (for diagnostics), and `core` for the table.
    pub locs: Locs,
}

/// Locations of a table's keys, for diagnostics about them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Locs {
    /// Key (or `""` for the table itself) → where it was written.
    pub keys: BTreeMap<String, Loc>,
    /// The key path prefix of the table, e.g. `population[2]`.
    pub path: String,
}

impl Locs {
    /// Where `key` was written, or the table if it was not.
    pub fn of(&self, key: &str) -> Option<&Loc> {
        self.keys.get(key).or_else(|| self.keys.get(""))
    }

    /// The full key path of `key` in this table.
    pub fn path_of(&self, key: &str) -> String {
        if self.path.is_empty() { key.to_owned() } else { format!("{}.{key}", self.path) }
    }
}

/// A time constant.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Tau {
    /// No decay (`"inf"` or the key left out).
    Infinite,
    /// A time constant in milliseconds (0 = the value is gone after one timestep).
    Ms(f64),
}

/// A refractory period.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Refractory {
    /// In milliseconds (`refractory`), rounded to timesteps by the compiler.
    Ms(f64),
    /// In timesteps (`refractory_steps`), exact.
    Steps(u8),
}

/// Neuron parameters in float units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FloatParams {
    /// Firing threshold, membrane units.
    pub threshold: f64,
    /// Potential after a spike, membrane units.
    pub reset: f64,
    /// Added to the potential every integrating timestep, membrane units.
    pub bias: f64,
    /// Membrane time constant.
    pub tau_mem: Tau,
    /// Synaptic current time constant.
    pub tau_syn: Tau,
    /// Refractory period.
    pub refractory: Refractory,
}

/// How a population's neurons are parameterised.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum NeuronModel {
    /// Float units, quantised by the compiler.
    Float(FloatParams),
    /// Raw core integers (`[population.raw]`), used as they are.
    Raw(NeuronParams),
}

/// A `[[population]]`: a group of identical neurons.
#[derive(Debug, Clone, PartialEq)]
pub struct Population {
    /// Unique name (shared namespace with input groups).
    pub name: String,
    /// Number of neurons (1..=1024).
    pub size: usize,
    /// Parameters.
    pub model: NeuronModel,
    /// Whether its spikes are recorded.
    pub record: bool,
    /// Indices within the population whose v and I are probed, ascending.
    pub probe: Vec<u16>,
    /// Where its keys were written.
    pub locs: Locs,
}

/// An `[[input]]`: a named group of input axons.
#[derive(Debug, Clone, PartialEq)]
pub struct InputGroup {
    /// Unique name (shared namespace with populations).
    pub name: String,
    /// Number of axons (1..=1024).
    pub size: usize,
    /// Where its keys were written.
    pub locs: Locs,
}

/// The pre-synaptic side of a projection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    /// An input group (index into [`Network::inputs`]): synapses go to `W_in`.
    Input(usize),
    /// A population (index into [`Network::populations`]): synapses go to `W_rec`.
    Population(usize),
}

/// The declared sign of a projection's weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sign {
    /// Every weight is >= 0.
    Excitatory,
    /// Every weight is <= 0.
    Inhibitory,
}

/// How a projection's synapses were declared (the expanded list is
/// [`Projection::synapses`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Connectivity {
    /// Every pre to every post.
    AllToAll,
    /// Pre i to post i.
    OneToOne,
    /// Each (post, pre) pair with probability `p`, drawn from `seed`.
    FixedProbability {
        /// Probability of each synapse.
        p: f64,
        /// Seed of the draws.
        seed: u64,
    },
    /// Explicit (pre, post) pairs, inline or from a CSV file.
    Pairs {
        /// The CSV file, if the pairs came from one.
        file: Option<PathBuf>,
    },
    /// The non-zero entries of a dense `[post][pre]` matrix file.
    Matrix {
        /// The CSV or `.npy` file.
        file: PathBuf,
    },
}

/// One synapse of a projection, in the projection's own indices.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Synapse {
    /// Index within the source group.
    pub pre: u16,
    /// Index within the target population.
    pub post: u16,
    /// Weight, in membrane units added to the target's synaptic current.
    pub weight: f64,
}

/// A `[[projection]]`: synapses from an input group or population to a population.
#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    /// `name`, or `"FROM -> TO"`.
    pub name: String,
    /// Pre-synaptic side.
    pub from: Source,
    /// Post-synaptic population (index into [`Network::populations`]).
    pub to: usize,
    /// How the synapses were declared.
    pub connectivity: Connectivity,
    /// The declared sign, if any (checked on every weight).
    pub sign: Option<Sign>,
    /// Whether its synapses learn (their STDP enable bits are set).
    pub plastic: bool,
    /// The synapses, in generation order (docs/network-format.md).
    pub synapses: Vec<Synapse>,
    /// Where its keys were written.
    pub locs: Locs,
}

/// The `[stdp]` table, in float units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stdp {
    /// Whether STDP runs.
    pub enabled: bool,
    /// Potentiation of a pre-before-post pair at distance 0, weight units.
    pub a_plus: f64,
    /// Depression of a post-before-pre pair at distance 0 (extrapolated), weight units.
    pub a_minus: f64,
    /// Time constant of the pre (and input) traces.
    pub tau_pre: Tau,
    /// Time constant of the post traces.
    pub tau_post: Tau,
    /// Pre trace increment on a spike (1..=255).
    pub pre_increment: u8,
    /// Post trace increment on a spike (1..=255).
    pub post_increment: u8,
    /// Whether spikes add to traces or set them.
    pub mode: TraceMode,
    /// Lower weight bound, weight units (`None`: the int8 minimum).
    pub w_min: Option<f64>,
    /// Upper weight bound, weight units (`None`: the int8 maximum).
    pub w_max: Option<f64>,
}

/// The `[stdp]` table with where its keys were written.
#[derive(Debug, Clone, PartialEq)]
pub struct StdpSpec {
    /// The settings.
    pub stdp: Stdp,
    /// Where its keys were written.
    pub locs: Locs,
}
