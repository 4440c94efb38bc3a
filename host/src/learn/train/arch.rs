//! The architecture description of `ncx train` (docs/learning.md §5.1): a TOML file
//! naming the core geometry, the encoder, the timesteps per sample, the hidden and
//! output populations in raw core units, and the training schedule. It is read with
//! the network reader, so every error names the file, line, column, key and value.

use std::path::{Path, PathBuf};

use ncx_model::NeuronParams;

use crate::learn::encode::Encoder;
use crate::network::reader::{Tbl, Val};
use crate::network::{Diagnostic, Loc, SourceFile, encoder_table};

/// The keys of each table.
const TOP: &[&str] = &["method", "timesteps", "core", "encoder", "input", "hidden", "output", "training"];
const CORE: &[&str] = &["neurons", "inputs", "weight_shift"];
const INPUT: &[&str] = &["name"];
const HIDDEN: &[&str] = &["name", "size", "threshold", "reset", "v_decay", "i_decay", "refractory"];
const OUTPUT: &[&str] = &["name", "size", "threshold", "reset", "v_decay", "i_decay", "refractory", "skip"];
const TRAINING: &[&str] = &[
    "epochs",
    "batch",
    "learning_rate",
    "final_learning_rate",
    "logit_scale",
    "surrogate_slope",
    "init_gain",
    "test_seed",
];

/// The weight shift without `core.weight_shift`.
const DEFAULT_SHIFT: u8 = 6;

/// Where the architecture's docs are.
const DOCS: &str = "docs/learning.md §5.1 lists every key of an architecture";

/// A population of the architecture: its name, size and raw neuron parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layer {
    /// The population's name in the written network.
    pub name: String,
    /// Number of neurons (0 for no hidden layer).
    pub size: usize,
    /// Every neuron's parameters (core units; docs/semantics.md §4).
    pub params: NeuronParams,
}

/// The training schedule and the loss.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    /// Passes over the training samples.
    pub epochs: usize,
    /// Samples per minibatch (one optimiser step each).
    pub batch: usize,
    /// Adam's learning rate at the start, in int8 weight steps.
    pub learning_rate: f64,
    /// The learning rate at the end (cosine schedule).
    pub final_learning_rate: f64,
    /// Logit of a class per spike of its output neurons.
    pub logit_scale: f64,
    /// Slope of the fast-sigmoid surrogate derivative.
    pub surrogate_slope: f64,
    /// Standard deviation of the initial weights, in thresholds per sqrt(fan-in).
    pub init_gain: f64,
    /// Encoder seed of the test accuracy printed after every epoch.
    pub test_seed: u64,
}

/// An architecture description.
#[derive(Debug, Clone, PartialEq)]
pub struct Arch {
    /// The file it was read from.
    pub path: PathBuf,
    /// Timesteps per sample.
    pub timesteps: u32,
    /// The core's neurons N (a power of two, 16..=1024).
    pub neurons: usize,
    /// The core's inputs M (a power of two, 16..=1024).
    pub inputs: usize,
    /// The core's weight shift: one int8 weight step is `2^weight_shift` core units.
    pub weight_shift: u8,
    /// How features become input spikes.
    pub encoder: Encoder,
    /// The name of the input group (one axon per feature).
    pub input: String,
    /// The hidden population (size 0: none).
    pub hidden: Layer,
    /// The output population.
    pub output: Layer,
    /// Whether the features drive the outputs directly too (always without hidden).
    pub skip: bool,
    /// The schedule.
    pub training: Schedule,
    /// Where `core.inputs` and `output.size` are written, for the checks against the
    /// data.
    pub(crate) inputs_loc: Loc,
    pub(crate) output_size_loc: Loc,
}

impl Arch {
    /// Read the architecture at `path`.
    pub fn load(path: &Path) -> Result<Arch, Diagnostic> {
        let text = crate::network::read_text(path).map_err(|e| {
            Diagnostic::new(format!("cannot read the architecture {}: {e}", path.display()))
                .help("give the path of an architecture description (.toml, docs/learning.md §5.1)")
        })?;
        Arch::parse(path, &text)
    }

    /// Read an architecture from `text`; `path` is where it is shown to be.
    pub fn parse(path: &Path, text: &str) -> Result<Arch, Diagnostic> {
        let file = SourceFile::new(path, text.to_owned());
        let root = toml::de::DeTable::parse(text).map_err(|e| {
            let span = e.span().unwrap_or(0..0);
            Diagnostic::new(format!("invalid TOML: {}", e.message().trim_end())).at(Loc::new(&file, span)).help(DOCS)
        })?;
        let top = Tbl::root(&file, &root);
        if let Some(method) = top.get("method") {
            match method.str()? {
                "surrogate" => {}
                "stdp" => {
                    return Err(method
                        .err("`method` = \"stdp\" is on-chip learning, not offline training")
                        .help("run `ncx train --on-chip` with this architecture (docs/learning.md §6)"));
                }
                other => {
                    return Err(method
                        .err(format!("unknown `method` {other:?}: the methods are \"surrogate\" and \"stdp\""))
                        .help("\"surrogate\" trains offline (ncx train), \"stdp\" on the chip (ncx train --on-chip)"));
                }
            }
        }
        // After `method`: an on-chip architecture has keys of its own.
        top.allow(TOP)?;
        let timesteps =
            top.req("timesteps", "the timesteps per sample, e.g. `timesteps = 32`")?.int_in(1, 65535, DOCS)? as u32;

        let (neurons, inputs, weight_shift, inputs_loc) = match top.get("core") {
            Some(v) => {
                let core = v.table("a table (`[core]`)")?;
                core.allow(CORE)?;
                let weight_shift = match core.get("weight_shift") {
                    Some(v) => v.int_in(0, 15, "the core's weight_shift is 0..15 (docs/semantics.md §2)")? as u8,
                    None => DEFAULT_SHIFT,
                };
                let inputs_loc = core.get("inputs").map_or_else(|| core.loc(), |v| v.loc());
                (geometry(&core, "neurons")?, geometry(&core, "inputs")?, weight_shift, inputs_loc)
            }
            None => (64, 64, DEFAULT_SHIFT, top.loc()),
        };

        let encoder = encoder_table(&table(&top, "encoder")?)?;

        let input = match top.get("input") {
            Some(v) => {
                let t = v.table("a table with the input group's `name`")?;
                t.allow(INPUT)?;
                t.get("name").map(|v| name(&v)).transpose()?.unwrap_or_else(|| "input".to_owned())
            }
            None => "input".to_owned(),
        };
        let (hidden, _) = match top.get("hidden") {
            Some(v) => layer(&v.table("a table describing the hidden population")?, HIDDEN, "hidden", 0)?,
            None => (Layer { name: "hidden".to_owned(), size: 0, params: default_params() }, None),
        };
        let output_table = table(&top, "output")?;
        let (output, output_size_loc) = layer(&output_table, OUTPUT, "output", 1)?;
        let output_size_loc = output_size_loc.unwrap_or_else(|| output_table.loc());
        let skip = match output_table.get("skip") {
            Some(v) => v.bool()?,
            None => true,
        };
        if hidden.size > 0 && hidden.name == output.name {
            let at = output_table.get("name").map_or_else(|| output_table.loc(), |v| v.loc());
            return Err(Diagnostic::new(format!(
                "the hidden and output populations are both called `{}`",
                output.name
            ))
            .at(at)
            .key("output.name")
            .help("give each population its own name"));
        }
        if hidden.size + output.size > neurons {
            return Err(Diagnostic::new(format!(
                "hidden ({}) + output ({}) = {} neurons; the core has {neurons}",
                hidden.size,
                output.size,
                hidden.size + output.size
            ))
            .at(output_size_loc.clone())
            .key("output.size")
            .help("make the populations smaller or the core larger (`core.neurons`)"));
        }

        let training = match top.get("training") {
            Some(v) => schedule(&v.table("a table with the training schedule")?)?,
            None => schedule_defaults(),
        };
        Ok(Arch {
            path: path.to_path_buf(),
            timesteps,
            neurons,
            inputs,
            weight_shift,
            encoder,
            input,
            hidden,
            output,
            skip,
            training,
            inputs_loc,
            output_size_loc,
        })
    }
}

/// A required table.
fn table<'a, 'i>(top: &Tbl<'a, 'i>, key: &str) -> Result<Tbl<'a, 'i>, Diagnostic> {
    top.req(key, DOCS)?.table(&format!("a table (`[{key}]`)"))
}

/// `core.neurons` or `core.inputs`: a power of two 16..=1024, default 64.
fn geometry(core: &Tbl<'_, '_>, key: &str) -> Result<usize, Diagnostic> {
    let Some(v) = core.get(key) else { return Ok(64) };
    let value = v.int_in(16, 1024, "the core geometry is a power of two from 16 to 1024")?;
    if (value as u64).is_power_of_two() {
        Ok(value as usize)
    } else {
        Err(v
            .err(format!("`{key}` = {value} is not a power of two"))
            .help("the core geometry is a power of two from 16 to 1024 (64 for the co-simulated device)"))
    }
}

/// A population name: as the network format allows (an ASCII letter or `_`, then
/// letters, digits, `_`, `-`; at most 255 bytes).
fn name(v: &Val<'_, '_>) -> Result<String, Diagnostic> {
    let text = v.str()?;
    let mut chars = text.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    if first_ok && text.len() <= 255 && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        Ok(text.to_owned())
    } else {
        Err(v.err(format!("`{}` = {:?} is not a valid name", v.key, text)).help(
            "a name starts with an ASCII letter or `_` and has only letters, digits, `_` and `-` (at most 255 bytes)",
        ))
    }
}

/// The parameters of a neuron before the architecture sets them: integrate and fire
/// without leak, with an instantaneous current.
fn default_params() -> NeuronParams {
    NeuronParams { threshold: 4096, reset: 0, bias: 0, v_decay: 0, i_decay: 4095, refractory: 0 }
}

/// A population table; `min_size` is 0 for the hidden population. Also returns where
/// its size is written.
fn layer(
    t: &Tbl<'_, '_>,
    allowed: &[&str],
    default_name: &str,
    min_size: i64,
) -> Result<(Layer, Option<Loc>), Diagnostic> {
    t.allow(allowed)?;
    let name = t.get("name").map(|v| name(&v)).transpose()?.unwrap_or_else(|| default_name.to_owned());
    let size_val = t.req("size", "the number of neurons of the population")?;
    let size = size_val.int_in(min_size, 1024, "a population has at most as many neurons as the core")? as usize;
    let mut params = default_params();
    let range24 = "a 24-bit core value is from -8388608 to 8388607 (docs/semantics.md §2)";
    if let Some(v) = t.get("threshold") {
        params.threshold = v.int_in(-8_388_608, 8_388_607, range24)? as i32;
    }
    if let Some(v) = t.get("reset") {
        params.reset = v.int_in(-8_388_608, 8_388_607, range24)? as i32;
    }
    let decay = "a decay δ is 0..4095: the value is multiplied by (4096 − δ)/4096 each timestep";
    if let Some(v) = t.get("v_decay") {
        params.v_decay = v.int_in(0, 4095, decay)? as u16;
    }
    if let Some(v) = t.get("i_decay") {
        params.i_decay = v.int_in(0, 4095, decay)? as u16;
    }
    if let Some(v) = t.get("refractory") {
        params.refractory = v.int_in(0, 255, "the refractory period is 0..255 timesteps")? as u8;
    }
    if params.threshold <= 0 {
        let v = t.get("threshold").unwrap_or(size_val);
        return Err(v
            .err(format!("`threshold` = {} must be above 0 for training", params.threshold))
            .help("a neuron with a threshold at or below 0 fires at rest; the surrogate gradient needs θ > 0"));
    }
    let loc = Some(size_val.loc());
    Ok((Layer { name, size, params }, loc))
}

/// The default schedule.
fn schedule_defaults() -> Schedule {
    Schedule {
        epochs: 30,
        batch: 32,
        learning_rate: 1.0,
        final_learning_rate: 0.05,
        logit_scale: 0.3,
        surrogate_slope: 4.0,
        init_gain: 1.0,
        test_seed: 100,
    }
}

/// `[training]`.
fn schedule(t: &Tbl<'_, '_>) -> Result<Schedule, Diagnostic> {
    t.allow(TRAINING)?;
    let mut s = schedule_defaults();
    if let Some(v) = t.get("epochs") {
        s.epochs = v.int_in(1, 100_000, "train for at least one epoch")? as usize;
    }
    if let Some(v) = t.get("batch") {
        s.batch = v.int_in(1, 1_000_000, "a minibatch has at least one sample")? as usize;
    }
    let positive = |key: &str, default: f64| -> Result<f64, Diagnostic> {
        let Some(v) = t.get(key) else { return Ok(default) };
        let x = v.number()?;
        if x > 0.0 && x <= 1e6 {
            Ok(x)
        } else {
            Err(v
                .err(format!("`{key}` = {} is out of range: it must be above 0 (and at most 1e6)", v.text()))
                .help(DOCS))
        }
    };
    s.learning_rate = positive("learning_rate", s.learning_rate)?;
    s.final_learning_rate = positive("final_learning_rate", s.final_learning_rate)?;
    s.logit_scale = positive("logit_scale", s.logit_scale)?;
    s.surrogate_slope = positive("surrogate_slope", s.surrogate_slope)?;
    s.init_gain = positive("init_gain", s.init_gain)?;
    if let Some(v) = t.get("test_seed") {
        s.test_seed = v.int_in(0, i64::MAX, "a seed is a whole number from 0")? as u64;
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::learn::encode::Encoding;

    const GOOD: &str = r#"method = "surrogate"
timesteps = 32

[core]
neurons = 64
inputs = 64
weight_shift = 6

[encoder]
kind = "poisson"
max_value = 16
max_probability = 1.0

[input]
name = "pixels"

[hidden]
size = 54
threshold = 8192

[output]
name = "digit"
size = 10
threshold = 4096
v_decay = 100

[training]
epochs = 3
batch = 16
"#;

    fn parse(text: &str) -> Result<Arch, Diagnostic> {
        Arch::parse(Path::new("arch.toml"), text)
    }

    /// The rendered error of `text` with `from` replaced by `to`.
    fn error(from: &str, to: &str) -> String {
        assert!(GOOD.contains(from), "{from:?} is in the good architecture");
        parse(&GOOD.replacen(from, to, 1)).expect_err("an error").to_string()
    }

    #[test]
    fn a_full_architecture_reads_every_key() {
        let arch = parse(GOOD).expect("valid");
        assert_eq!((arch.timesteps, arch.neurons, arch.inputs, arch.weight_shift), (32, 64, 64, 6));
        assert_eq!(arch.encoder, Encoder { kind: Encoding::Poisson, max_value: 16.0, max_probability: 1.0 });
        assert_eq!(arch.input, "pixels");
        assert_eq!((arch.hidden.name.as_str(), arch.hidden.size, arch.hidden.params.threshold), ("hidden", 54, 8192));
        assert_eq!((arch.hidden.params.v_decay, arch.hidden.params.i_decay), (0, 4095));
        assert_eq!((arch.output.name.as_str(), arch.output.size, arch.output.params.v_decay), ("digit", 10, 100));
        assert!(arch.skip);
        assert_eq!((arch.training.epochs, arch.training.batch), (3, 16));
        assert_eq!(arch.training.learning_rate, 1.0);
    }

    #[test]
    fn each_error_names_the_file_line_and_value() {
        let e = error("size = 10", "size = 11");
        assert!(e.contains("hidden (54) + output (11) = 65 neurons; the core has 64"), "{e}");
        assert!(e.contains("arch.toml:23:8"), "{e}");
        let e = error("kind = \"poisson\"", "kind = \"poison\"");
        assert!(e.contains("`kind` = \"poison\" is not an encoder") && e.contains("arch.toml:10:8"), "{e}");
        let e = error("max_probability = 1.0", "max_probability = 1.5");
        assert!(e.contains("`max_probability` = 1.5 is out of range") && e.contains("arch.toml:12:19"), "{e}");
        let e = error("neurons = 64", "neurons = 48");
        assert!(e.contains("`neurons` = 48 is not a power of two") && e.contains("arch.toml:5:11"), "{e}");
        let e = error("epochs = 3", "epoch = 3");
        assert!(e.contains("unknown key `epoch` in `training`") && e.contains("did you mean `epochs`"), "{e}");
        assert!(e.contains("arch.toml:28:1"), "{e}");
        let e = error("threshold = 8192", "threshold = 0");
        assert!(e.contains("`threshold` = 0 must be above 0") && e.contains("arch.toml:19:13"), "{e}");
        let e = error("method = \"surrogate\"", "method = \"stdp\"");
        assert!(e.contains("on-chip learning") && e.contains("ncx train --on-chip"), "{e}");
        // An on-chip architecture's own keys do not hide what it is.
        let e = parse("name = \"x\"\nmethod = \"stdp\"\n[excitatory]\n").expect_err("stdp").to_string();
        assert!(e.contains("ncx train --on-chip") && e.contains("arch.toml:2:10"), "{e}");
        let e = error("timesteps = 32", "timesteps = 0");
        assert!(e.contains("`timesteps` = 0 is out of range: it must be from 1 to 65535"), "{e}");
        assert!(e.contains("arch.toml:2:13"), "{e}");
        let e = error("name = \"digit\"", "name = \"hidden\"");
        assert!(e.contains("both called `hidden`"), "{e}");
        let e = error("[encoder]\n", "");
        assert!(e.contains("unknown key `kind`") || e.contains("missing key `encoder`"), "{e}");
    }
}
