//! What `ncx inspect` shows about an image: [`Summary`] collects it — identity, geometry,
//! widths, configuration, placement, per-matrix weight statistics broken down by
//! projection (source block → population), neuron parameter ranges per population,
//! and the classifier if the image has one. It serialises to the JSON of `ncx inspect --json`
//! (docs/image-format.md §8); the binary renders the same data as text.

use serde::Serialize;

use ncx_model::TraceMode;
use ncx_model::spec::FIELDS;

use super::codec::{self, SectionKind};
use super::{Block, Image};

/// Name of the pseudo-block of indices that no population or input group covers.
pub const UNPLACED: &str = "(unplaced)";
/// Width of one histogram bin, in weight units (16 bins cover −128..=127).
pub const BIN_WIDTH: i32 = 16;

/// Everything `ncx inspect` reports about one image.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Network name.
    pub name: String,
    /// Format version of the container.
    pub format_version: u16,
    /// Size of the encoded image in bytes.
    pub size_bytes: usize,
    /// SHA-256 of the image's content (its trailer), lower-case hex.
    pub content_hash: String,
    /// Core geometry.
    pub geometry: GeometrySummary,
    /// Bits and signedness of every field, in `spec::FIELDS` order.
    pub widths: Vec<WidthSummary>,
    /// Core configuration and timing.
    pub config: ConfigSummary,
    /// Populations, in declaration order.
    pub populations: Vec<BlockSummary>,
    /// Input groups, in declaration order.
    pub inputs: Vec<BlockSummary>,
    /// `W_in`, then `W_rec`.
    pub matrices: Vec<MatrixSummary>,
    /// Neuron parameter ranges per population (then the unplaced neurons, if any).
    pub neurons: Vec<NeuronGroup>,
    /// The image's use as a classifier; absent from the JSON when it has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub classifier: Option<ClassifierSummary>,
}

/// The image's use as a classifier (docs/learning.md §3).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassifierSummary {
    /// The input group the features drive.
    pub input: String,
    /// The population whose spikes are counted.
    pub output: String,
    /// Timesteps per sample.
    pub timesteps: u32,
    /// The input encoder.
    pub encoder: EncoderSummary,
    /// `"sum"` or `"mean"`.
    pub vote: &'static str,
    /// Number of classes (largest label + 1).
    pub classes: usize,
    /// The class of each output neuron, in order.
    pub labels: Vec<u16>,
}

/// An input encoder.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EncoderSummary {
    /// `"rate"` or `"poisson"`.
    pub kind: &'static str,
    /// The feature value that fires with the highest probability.
    pub max_value: f32,
    /// That probability, per timestep.
    pub max_probability: f64,
}

/// N and M.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GeometrySummary {
    /// N.
    pub neurons: usize,
    /// M.
    pub inputs: usize,
}

/// One entry of the widths table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WidthSummary {
    /// Field name.
    pub field: &'static str,
    /// Width in bits.
    pub bits: u32,
    /// Two's complement or unsigned.
    pub signed: bool,
}

/// Core configuration, with the timing metadata it is read against.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConfigSummary {
    /// Left shift of the weight sums into the current.
    pub weight_shift: u8,
    /// Timestep period in cycles; 0 = free-running.
    pub period_cycles: u32,
    /// Core clock the period was computed for (metadata), Hz.
    pub clock_hz: u32,
    /// Physical timestep length (metadata), µs.
    pub timestep_us: u32,
    /// The period in µs at `clock_hz`; `None` when free-running or the clock is 0.
    pub period_us: Option<f64>,
    /// STDP settings.
    pub stdp: StdpSummary,
}

/// STDP settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StdpSummary {
    /// Master enable.
    pub enabled: bool,
    /// A+.
    pub a_plus: u8,
    /// A−.
    pub a_minus: u8,
    /// Right shift of `A · trace`.
    pub shift: u8,
    /// Lower weight bound.
    pub w_min: i8,
    /// Upper weight bound.
    pub w_max: i8,
    /// Decay δ of the input and pre traces.
    pub pre_decay: u16,
    /// Decay δ of the post traces.
    pub post_decay: u16,
    /// Pre-trace increment.
    pub pre_increment: u8,
    /// Post-trace increment.
    pub post_increment: u8,
    /// `"add"` or `"set"`.
    pub trace_mode: &'static str,
}

/// A population or input group and where it sits on the core.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BlockSummary {
    /// Name.
    pub name: String,
    /// First core index.
    pub start: u16,
    /// One past the last core index.
    pub end: u32,
    /// Number of indices.
    pub len: u16,
    /// Spikes recorded (populations only).
    pub record: bool,
    /// Probed indices within the block.
    pub probe: Vec<u16>,
}

/// Minimum, maximum and mean of a set of weights.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeightStats {
    /// Smallest weight.
    pub min: i8,
    /// Largest weight.
    pub max: i8,
    /// Mean weight.
    pub mean: f64,
}

/// One weight matrix.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MatrixSummary {
    /// `"W_in"` or `"W_rec"`.
    pub name: &'static str,
    /// Rows (post-synaptic neurons).
    pub posts: usize,
    /// Columns (pre-synaptic inputs or neurons).
    pub pres: usize,
    /// Weights that are not 0.
    pub nonzero: usize,
    /// Synapses whose learning-enable bit is set.
    pub plastic: usize,
    /// Statistics of the non-zero weights; `None` if all are 0.
    pub weights: Option<WeightStats>,
    /// Counts of non-zero weights in 16 bins of 16 values, from −128..=−113 up to 112..=127.
    pub histogram: Vec<HistogramBin>,
    /// Every (source block → population) pair with a non-zero or plastic synapse.
    pub projections: Vec<Projection>,
}

/// One histogram bin: the non-zero weights in `lo..=hi`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistogramBin {
    /// Smallest weight of the bin.
    pub lo: i32,
    /// Largest weight of the bin.
    pub hi: i32,
    /// Number of non-zero weights in it.
    pub count: usize,
}

/// The synapses from one block to one population.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Projection {
    /// Input group (for `W_in`), population (for `W_rec`), or [`UNPLACED`].
    pub source: String,
    /// Population, or [`UNPLACED`].
    pub target: String,
    /// Non-zero weights.
    pub nonzero: usize,
    /// Plastic synapses.
    pub plastic: usize,
    /// Smallest non-zero weight (`None` if there is none).
    pub min: Option<i8>,
    /// Largest non-zero weight.
    pub max: Option<i8>,
}

/// Smallest and largest value of a parameter over a group of neurons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Range {
    /// Smallest.
    pub min: i64,
    /// Largest.
    pub max: i64,
}

/// Parameter ranges of one population's neurons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NeuronGroup {
    /// Population name, or [`UNPLACED`].
    pub population: String,
    /// Number of neurons.
    pub neurons: usize,
    /// Threshold.
    pub threshold: Range,
    /// Reset potential.
    pub reset: Range,
    /// Bias.
    pub bias: Range,
    /// δ_v.
    pub v_decay: Range,
    /// δ_I.
    pub i_decay: Range,
    /// Refractory period.
    pub refractory: Range,
}

impl Summary {
    /// The summary of `image`, whose encoding is `encoded` (for size and hash).
    pub fn new(image: &Image, encoded: &[u8]) -> Summary {
        let (n, m) = (image.geometry.neurons(), image.geometry.inputs());
        let (config, stdp, meta) = (&image.config, &image.config.stdp, &image.meta);
        let trailer = encoded.len().saturating_sub(32);
        Summary {
            name: meta.name.clone(),
            format_version: codec::VERSION,
            size_bytes: encoded.len(),
            content_hash: codec::hex(&encoded[trailer..]),
            geometry: GeometrySummary { neurons: n, inputs: m },
            widths: FIELDS.iter().map(|f| WidthSummary { field: f.name, bits: f.bits, signed: f.signed }).collect(),
            config: ConfigSummary {
                weight_shift: config.weight_shift,
                period_cycles: config.period,
                clock_hz: meta.clock_hz,
                timestep_us: meta.timestep_us,
                period_us: (config.period > 0 && meta.clock_hz > 0)
                    .then(|| f64::from(config.period) * 1e6 / f64::from(meta.clock_hz)),
                stdp: StdpSummary {
                    enabled: stdp.enabled,
                    a_plus: stdp.a_plus,
                    a_minus: stdp.a_minus,
                    shift: stdp.shift,
                    w_min: stdp.w_min,
                    w_max: stdp.w_max,
                    pre_decay: stdp.pre_decay,
                    post_decay: stdp.post_decay,
                    pre_increment: stdp.pre_increment,
                    post_increment: stdp.post_increment,
                    trace_mode: match stdp.trace_mode {
                        TraceMode::Add => "add",
                        TraceMode::Set => "set",
                    },
                },
            },
            populations: meta.populations.iter().map(block_summary).collect(),
            inputs: meta.inputs.iter().map(block_summary).collect(),
            matrices: vec![
                matrix(
                    SectionKind::WeightsIn.name(),
                    &image.w_in,
                    &image.plastic_in,
                    (&meta.populations, n),
                    (&meta.inputs, m),
                ),
                matrix(
                    SectionKind::WeightsRec.name(),
                    &image.w_rec,
                    &image.plastic_rec,
                    (&meta.populations, n),
                    (&meta.populations, n),
                ),
            ],
            neurons: neuron_groups(image),
            classifier: meta.classifier.as_ref().map(|c| ClassifierSummary {
                input: c.input.clone(),
                output: c.output.clone(),
                timesteps: c.timesteps,
                encoder: EncoderSummary {
                    kind: c.encoder.kind.name(),
                    max_value: c.encoder.max_value,
                    max_probability: c.encoder.max_probability,
                },
                vote: c.vote.name(),
                classes: c.classes(),
                labels: c.labels.clone(),
            }),
        }
    }
}

fn block_summary(block: &Block) -> BlockSummary {
    BlockSummary {
        name: block.name.clone(),
        start: block.start,
        end: u32::from(block.start) + u32::from(block.len),
        len: block.len,
        record: block.record,
        probe: block.probe.clone(),
    }
}

/// For each of `size` indices, the position of the block covering it, or
/// `blocks.len()` for none.
fn owners(blocks: &[Block], size: usize) -> Vec<usize> {
    let mut owner = vec![blocks.len(); size];
    for (b, block) in blocks.iter().enumerate() {
        let start = usize::from(block.start);
        for slot in owner.iter_mut().skip(start).take(block.len.into()) {
            *slot = b;
        }
    }
    owner
}

/// The name of block `b` of `blocks`, or [`UNPLACED`] past the end.
fn block_name(blocks: &[Block], b: usize) -> String {
    blocks.get(b).map_or_else(|| UNPLACED.to_owned(), |block| block.name.clone())
}

/// Running counts of one projection.
#[derive(Clone, Copy, Default)]
struct Tally {
    nonzero: usize,
    plastic: usize,
    sum: i64,
    min: Option<i8>,
    max: Option<i8>,
}

impl Tally {
    fn add(&mut self, weight: i8, plastic: bool) {
        self.plastic += usize::from(plastic);
        if weight != 0 {
            self.nonzero += 1;
            self.sum += i64::from(weight);
            self.min = Some(self.min.map_or(weight, |m| m.min(weight)));
            self.max = Some(self.max.map_or(weight, |m| m.max(weight)));
        }
    }

    fn merge(&mut self, other: &Tally) {
        self.nonzero += other.nonzero;
        self.plastic += other.plastic;
        self.sum += other.sum;
        self.min = other.min.into_iter().chain(self.min).min();
        self.max = other.max.into_iter().chain(self.max).max();
    }
}

/// Statistics of a row-major `[post][pre]` matrix whose rows belong to `posts` and
/// columns to `pres` (blocks and the number of indices).
fn matrix(
    name: &'static str,
    weights: &[i8],
    plastic: &[bool],
    posts: (&[Block], usize),
    pres: (&[Block], usize),
) -> MatrixSummary {
    let (row_owner, col_owner) = (owners(posts.0, posts.1), owners(pres.0, pres.1));
    let sources = pres.0.len() + 1;
    let mut tallies = vec![Tally::default(); (posts.0.len() + 1) * sources];
    let mut histogram = vec![0usize; 256 / BIN_WIDTH as usize];
    let columns = pres.1.max(1);
    for ((post, row), plastic_row) in weights.chunks(columns).enumerate().zip(plastic.chunks(columns)) {
        let target = row_owner.get(post).copied().unwrap_or(posts.0.len());
        for (pre, (&w, &p)) in row.iter().zip(plastic_row).enumerate() {
            let source = col_owner.get(pre).copied().unwrap_or(pres.0.len());
            tallies[target * sources + source].add(w, p);
            if w != 0 {
                histogram[((i32::from(w) + 128) / BIN_WIDTH) as usize] += 1;
            }
        }
    }
    let mut total = Tally::default();
    let mut projections = Vec::new();
    for source in 0..sources {
        for target in 0..=posts.0.len() {
            let tally = &tallies[target * sources + source];
            total.merge(tally);
            if tally.nonzero > 0 || tally.plastic > 0 {
                projections.push(Projection {
                    source: block_name(pres.0, source),
                    target: block_name(posts.0, target),
                    nonzero: tally.nonzero,
                    plastic: tally.plastic,
                    min: tally.min,
                    max: tally.max,
                });
            }
        }
    }
    let stats = match (total.min, total.max) {
        (Some(min), Some(max)) => Some(WeightStats { min, max, mean: total.sum as f64 / total.nonzero as f64 }),
        _ => None,
    };
    MatrixSummary {
        name,
        posts: posts.1,
        pres: pres.1,
        nonzero: total.nonzero,
        plastic: total.plastic,
        weights: stats,
        histogram: histogram
            .into_iter()
            .enumerate()
            .map(|(b, count)| {
                let lo = -128 + BIN_WIDTH * b as i32;
                HistogramBin { lo, hi: lo + BIN_WIDTH - 1, count }
            })
            .collect(),
        projections,
    }
}

/// Parameter ranges per population, then of the neurons no population covers.
fn neuron_groups(image: &Image) -> Vec<NeuronGroup> {
    let blocks = &image.meta.populations;
    let owner = owners(blocks, image.neurons.len());
    (0..=blocks.len())
        .filter_map(|b| {
            let members: Vec<_> = image.neurons.iter().zip(&owner).filter(|(_, o)| **o == b).map(|(p, _)| p).collect();
            let range = |value: &dyn Fn(&ncx_model::NeuronParams) -> i64| {
                let values = members.iter().map(|p| value(p));
                Range { min: values.clone().min().unwrap_or(0), max: values.max().unwrap_or(0) }
            };
            (!members.is_empty()).then(|| NeuronGroup {
                population: block_name(blocks, b),
                neurons: members.len(),
                threshold: range(&|p| p.threshold.into()),
                reset: range(&|p| p.reset.into()),
                bias: range(&|p| p.bias.into()),
                v_decay: range(&|p| p.v_decay.into()),
                i_decay: range(&|p| p.i_decay.into()),
                refractory: range(&|p| p.refractory.into()),
            })
        })
        .collect()
}
