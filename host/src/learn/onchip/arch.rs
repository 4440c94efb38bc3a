//! The architecture description of on-chip learning (`method = "stdp"`,
//! docs/learning.md §6): the core's geometry, the encoder and timesteps of a sample,
//! the excitatory population that learns, the relay neurons of the winner-take-all,
//! the STDP integers and the training schedule. Read with the network reader, so every
//! error names the file, line, column, key and value.

use std::path::{Path, PathBuf};

use ncx_model::{Geometry, StdpConfig, TraceMode, spec};

use crate::learn::classifier::Vote;
use crate::learn::encode::Encoder;
use crate::network::reader::{Tbl, Val};
use crate::network::{Diagnostic, SourceFile, encoder_table, read_text};

/// Where to read what the keys mean.
const DOC: &str = "docs/learning.md §6 lists every key of an on-chip architecture";

const TOP_KEYS: &[&str] = &[
    "method",
    "name",
    "timesteps",
    "readout",
    "vote",
    "core",
    "encoder",
    "excitatory",
    "inhibitory",
    "stdp",
    "training",
];
const CORE_KEYS: &[&str] = &["neurons", "inputs"];
const ENCODER_KEYS: &[&str] = &["kind", "max_value", "max_probability"];
const EXCITATORY_KEYS: &[&str] = &["size", "threshold", "refractory", "lateral", "initial_weights"];
const INHIBITORY_KEYS: &[&str] = &["size"];
const STDP_KEYS: &[&str] = &[
    "a_plus",
    "a_minus",
    "shift",
    "w_min",
    "w_max",
    "pre_decay",
    "post_decay",
    "pre_increment",
    "post_increment",
    "mode",
];
const TRAINING_KEYS: &[&str] = &["epochs", "contrast_timesteps", "contrast_probability", "teacher", "keep"];

/// Who decides which neurons may fire during a training sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Teacher {
    /// `"class"`: excitatory neuron `n` belongs to class `n mod classes`; during the
    /// samples of class `c` only the neurons of class `c` may fire (the others are
    /// silenced by their threshold), so each class learns its own prototypes.
    Class,
    /// `"none"`: every excitatory neuron competes for every sample (unsupervised).
    None,
}

/// Which epoch's weights training ends with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// `"best"`: the epoch whose label assignment classifies the training samples best
    /// (the earliest of equals).
    Best,
    /// `"last"`: the last epoch.
    Last,
}

/// The excitatory population: the neurons that learn and are counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Excitatory {
    /// Number of neurons (core neurons 0..size).
    pub size: usize,
    /// Firing threshold (core units; integrate-and-fire, no leak, instantaneous current).
    pub threshold: i32,
    /// Refractory timesteps after a spike (255 = once per sample in practice).
    pub refractory: u8,
    /// The fixed weight from every excitatory neuron to every excitatory neuron, itself
    /// included (`W_rec`: lateral inhibition, acting one timestep after the spike).
    pub lateral: i8,
    /// The initial input weights are drawn uniformly from `lo..=hi` (seeded).
    pub initial_weights: (i8, i8),
}

/// The training schedule.
#[derive(Debug, Clone, PartialEq)]
pub struct Training {
    /// Passes over the training samples.
    pub epochs: u32,
    /// Timesteps of the contrast phase that follows each training sample (its
    /// complement `max_value − x` is presented; 0 = none).
    pub contrast_timesteps: u32,
    /// The spike probability of the contrast phase at complement `max_value`.
    pub contrast_probability: f64,
    /// Who decides which neurons may fire.
    pub teacher: Teacher,
    /// Which epoch's weights are kept.
    pub keep: Keep,
}

/// An on-chip learning architecture (docs/learning.md §6).
#[derive(Debug, Clone, PartialEq)]
pub struct Arch {
    /// The file it was read from.
    pub path: PathBuf,
    /// The network's name (default: the file's stem).
    pub name: String,
    /// The core's geometry (N neurons, M inputs).
    pub geometry: Geometry,
    /// How a sample's features become input spikes.
    pub encoder: Encoder,
    /// Timesteps of a training sample.
    pub timesteps: u32,
    /// The trained network integrates `readout` times longer: a sample lasts
    /// `timesteps × readout` timesteps and the excitatory threshold is
    /// `threshold × readout` (1 = as trained).
    pub readout: u32,
    /// How the classifier votes.
    pub vote: Vote,
    /// The learning population.
    pub excitatory: Excitatory,
    /// Relay neurons (after the excitatory ones): the winner-take-all latch and the
    /// end-of-sample timer (0 = none).
    pub relays: usize,
    /// The STDP configuration during training (`enabled` is set).
    pub stdp: StdpConfig,
    /// The schedule.
    pub training: Training,
}

impl Arch {
    /// Read the architecture at `path`.
    pub fn load(path: &Path) -> Result<Arch, Diagnostic> {
        let text = read_text(path).map_err(|e| Diagnostic::new(format!("cannot read {}: {e}", path.display())))?;
        Arch::parse(path, &text)
    }

    /// Read an architecture from `text`, shown as the file `path`.
    pub fn parse(path: &Path, text: &str) -> Result<Arch, Diagnostic> {
        let source = SourceFile::new(path, text.to_owned());
        let root = toml::de::DeTable::parse(&source.text).map_err(|e| {
            let loc = crate::network::Loc::new(&source, e.span().unwrap_or(0..0));
            Diagnostic::new(format!("invalid TOML: {}", e.message().trim_end())).at(loc)
        })?;
        let top = Tbl::root(&source, &root);
        top.allow(TOP_KEYS)?;
        let method = top.req("method", "an on-chip architecture starts with method = \"stdp\"")?;
        if method.str()? != "stdp" {
            return Err(method.err(format!("`method` = {} is not on-chip learning", method.text())).help(
                "`ncx train --on-chip` needs method = \"stdp\"; other methods train offline (leave out --on-chip)",
            ));
        }
        let name = match top.get("name") {
            Some(v) => v.str()?.to_owned(),
            None => path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "stdp".to_owned()),
        };

        let core = table(&top, "core", CORE_KEYS)?;
        let neurons = geometry(&core.req("neurons", "the core's number of neurons N, e.g. 64")?)?;
        let inputs = geometry(&core.req("inputs", "the core's number of inputs M, e.g. 64")?)?;
        let geometry = Geometry::new(neurons, inputs).map_err(|e| Diagnostic::new(e.to_string()).at(core.loc()))?;

        let encoder = encoder_table(&table(&top, "encoder", ENCODER_KEYS)?)?;
        let timesteps = match top.get("timesteps") {
            Some(v) => v.int_in(1, 127, "a sample lasts 1 to 127 timesteps (the relays' timer counts to it)")? as u32,
            None => 24,
        };
        let readout = match top.get("readout") {
            Some(v) => {
                let r = v.int_in(1, 127, "the trained network integrates 1 to 127 times as long as training")?;
                if r * i64::from(timesteps) > 127 {
                    return Err(v
                        .err(format!("`readout` = {r} makes a sample {} timesteps long", r * i64::from(timesteps)))
                        .help("timesteps × readout is at most 127 (the relays' timer counts to it)"));
                }
                r as u32
            }
            None => 1,
        };
        let vote = match top.get("vote") {
            None => Vote::Mean,
            Some(v) => match v.str()? {
                "mean" => Vote::Mean,
                "sum" => Vote::Sum,
                other => {
                    return Err(v
                        .err(format!("`vote` = \"{other}\" is not a vote"))
                        .help("`vote` is \"mean\" or \"sum\" (docs/learning.md §3)"));
                }
            },
        };

        let exc = table(&top, "excitatory", EXCITATORY_KEYS)?;
        let excitatory = excitatory(&exc, neurons)?;
        let relays = match top.get("inhibitory") {
            None => 0,
            Some(v) => {
                let t = v.table("a table")?;
                t.allow(INHIBITORY_KEYS)?;
                match t.get("size") {
                    Some(s) => s.int_in(0, 1024, "the number of relay neurons, e.g. 8")? as usize,
                    None => 0,
                }
            }
        };
        if excitatory.size + relays > neurons {
            let at = exc.req("size", "")?;
            return Err(at
                .err(format!(
                    "{} excitatory and {relays} relay neurons do not fit the core's {neurons} neurons",
                    excitatory.size
                ))
                .help("make [excitatory] size + [inhibitory] size at most [core] neurons"));
        }

        if i64::from(excitatory.threshold) * i64::from(readout) > spec::THRESHOLD.max() {
            let at = exc.req("threshold", "")?;
            return Err(at
                .err(format!(
                    "`threshold` = {} times `readout` = {readout} does not fit the core's 24-bit threshold",
                    excitatory.threshold
                ))
                .help("lower the threshold or the readout"));
        }
        let st = table(&top, "stdp", STDP_KEYS)?;
        let stdp = stdp(&st)?;
        let tr = table(&top, "training", TRAINING_KEYS)?;
        let training = training(&tr)?;
        Ok(Arch {
            path: path.to_owned(),
            name,
            geometry,
            encoder,
            timesteps,
            readout,
            vote,
            excitatory,
            relays,
            stdp,
            training,
        })
    }
}

/// The table `key` of `top`, with only `keys` allowed.
fn table<'a, 'i>(top: &Tbl<'a, 'i>, key: &str, keys: &[&str]) -> Result<Tbl<'a, 'i>, Diagnostic> {
    let t = top.req(key, DOC)?.table("a table")?;
    t.allow(keys)?;
    Ok(t)
}

/// A geometry: a power of two from 16 to 1024.
fn geometry(v: &Val<'_, '_>) -> Result<usize, Diagnostic> {
    let n = v.int_in(16, 1024, "a core has 16, 32, …, 1024 neurons and inputs")?;
    if (n as u64).is_power_of_two() {
        Ok(n as usize)
    } else {
        Err(v
            .err(format!("`{}` = {n} is not a power of two", v.key))
            .help("a core has 16, 32, 64, 128, 256, 512 or 1024 neurons and inputs"))
    }
}

/// A probability 0..=1.
fn probability(v: &Val<'_, '_>) -> Result<f64, Diagnostic> {
    let p = v.number()?;
    if (0.0..=1.0).contains(&p) {
        Ok(p)
    } else {
        Err(v.err(format!("`{}` = {} is out of range: a probability is from 0 to 1", v.key, v.text())))
    }
}

fn int8(v: &Val<'_, '_>) -> Result<i8, Diagnostic> {
    Ok(v.int_in(-128, 127, "a weight is an int8, -128 to 127")? as i8)
}

fn excitatory(t: &Tbl<'_, '_>, neurons: usize) -> Result<Excitatory, Diagnostic> {
    let size = t.req("size", "the number of learning neurons, e.g. 56")?.int_in(
        1,
        neurons as i64,
        "the excitatory population fits the core's neurons",
    )? as usize;
    let threshold = t.req("threshold", "the firing threshold in core units, e.g. 1500")?.int_in(
        1,
        spec::THRESHOLD.max(),
        "a threshold is a positive 24-bit integer",
    )? as i32;
    let refractory = match t.get("refractory") {
        Some(v) => v.int_in(0, 255, "refractory timesteps, 0 to 255")? as u8,
        None => 255,
    };
    let lateral = match t.get("lateral") {
        Some(v) => int8(&v)?,
        None => -128,
    };
    let iw = t.req("initial_weights", "the range [lo, hi] of the initial input weights, e.g. [15, 25]")?;
    let items = iw.array("an array [lo, hi]")?;
    if items.len() != 2 {
        return Err(iw.err(format!("`initial_weights` has {} values; it is [lo, hi]", items.len())));
    }
    let (lo, hi) = (int8(&items[0])?, int8(&items[1])?);
    if lo > hi {
        return Err(iw.err(format!("`initial_weights` = [{lo}, {hi}]: lo is above hi")));
    }
    Ok(Excitatory { size, threshold, refractory, lateral, initial_weights: (lo, hi) })
}

fn stdp(t: &Tbl<'_, '_>) -> Result<StdpConfig, Diagnostic> {
    let byte = |v: Val<'_, '_>| -> Result<u8, Diagnostic> {
        Ok(v.int_in(0, 255, "an amplitude or trace increment is 0 to 255")? as u8)
    };
    let decay = |key: &str| -> Result<u16, Diagnostic> {
        Ok(t.req(key, DOC)?.int_in(0, 4095, "a decay δ is 0 to 4095 (the trace is multiplied by (4096 − δ)/4096)")?
            as u16)
    };
    let increment =
        |key: &str| -> Result<u8, Diagnostic> { t.get(key).map(byte).transpose().map(|v| v.unwrap_or(128)) };
    let a_plus = byte(t.req("a_plus", DOC)?)?;
    let a_minus = byte(t.req("a_minus", DOC)?)?;
    let shift = t.req("shift", DOC)?.int_in(0, 15, "the STDP shift is 0 to 15")? as u8;
    let w_min = t.get("w_min").map(|v| int8(&v)).transpose()?.unwrap_or(i8::MIN);
    let w_max_v = t.get("w_max");
    let w_max = w_max_v.as_ref().map(int8).transpose()?.unwrap_or(i8::MAX);
    if w_min > w_max {
        let at = w_max_v.map(|v| v.loc()).unwrap_or_else(|| t.loc());
        return Err(Diagnostic::new(format!("`w_min` = {w_min} is above `w_max` = {w_max}"))
            .at(at)
            .help("the weight bounds need w_min <= w_max"));
    }
    let mode = match t.get("mode") {
        None => TraceMode::Set,
        Some(v) => match v.str()? {
            "set" => TraceMode::Set,
            "add" => TraceMode::Add,
            other => {
                return Err(v
                    .err(format!("`mode` = \"{other}\" is not a trace mode"))
                    .help("`mode` is \"set\" or \"add\" (docs/semantics.md §5)"));
            }
        },
    };
    Ok(StdpConfig {
        enabled: true,
        a_plus,
        a_minus,
        shift,
        w_min,
        w_max,
        pre_decay: decay("pre_decay")?,
        post_decay: decay("post_decay")?,
        pre_increment: increment("pre_increment")?,
        post_increment: increment("post_increment")?,
        trace_mode: mode,
    })
}

fn training(t: &Tbl<'_, '_>) -> Result<Training, Diagnostic> {
    let epochs = t.req("epochs", "the number of passes over the training samples")?.int_in(
        1,
        10_000,
        "train for 1 to 10000 epochs",
    )? as u32;
    let contrast_timesteps = match t.get("contrast_timesteps") {
        Some(v) => v.int_in(0, 1024, "the contrast phase lasts 0 to 1024 timesteps")? as u32,
        None => 8,
    };
    let contrast_probability = match t.get("contrast_probability") {
        Some(v) => probability(&v)?,
        None => 0.3,
    };
    let teacher = match t.get("teacher") {
        None => Teacher::Class,
        Some(v) => match v.str()? {
            "class" => Teacher::Class,
            "none" => Teacher::None,
            other => {
                return Err(v
                    .err(format!("`teacher` = \"{other}\" is not a teacher"))
                    .help("`teacher` is \"class\" (each class trains its own neurons) or \"none\" (unsupervised)"));
            }
        },
    };
    let keep = match t.get("keep") {
        None => Keep::Best,
        Some(v) => match v.str()? {
            "best" => Keep::Best,
            "last" => Keep::Last,
            other => {
                return Err(v
                    .err(format!("`keep` = \"{other}\" is not a choice"))
                    .help("`keep` is \"best\" (the epoch that classifies the training samples best) or \"last\""));
            }
        },
    };
    Ok(Training { epochs, contrast_timesteps, contrast_probability, teacher, keep })
}
