//! One file's TOML → its declarations: the `[core]`, `[stdp]`, `name` and `include`
//! keys of the top-level file, and the populations, input groups and (still unresolved)
//! projections of any file. Every value is type- and range-checked here; names and
//! files are resolved by [`super::resolve`].

use std::sync::Arc;

use ncx_model::{NeuronParams, TraceMode, spec};

use super::classifier::{self, ClassifierDecl};
use super::diagnostic::Diagnostic;
use super::model::{
    CoreSpec, Count, FloatParams, InputGroup, Locs, NeuronModel, Pacing, Population, Refractory, Sign, Stdp, StdpSpec,
    Tau,
};
use super::reader::{Tbl, Val};
use super::source::{Loc, SourceFile};

/// Largest population or input group.
const MAX_SIZE: i64 = 1 << spec::GEOMETRY_MAX_LOG2;
/// The smallest fixed `scale` (core units per membrane unit): what the values of
/// docs/network-format.md §2 can need.
const MIN_SCALE: f64 = 1e-9;
/// The largest fixed `scale`.
const MAX_SCALE: f64 = 1e16;
/// The longest refractory period in ms (far beyond the core's 255 timesteps).
const MAX_REFRACTORY_MS: f64 = 1e9;
/// The longest name in bytes: the image stores a name's length in one byte.
pub(crate) const NAME_MAX: usize = 255;

/// Everything one file declares.
pub(crate) struct FileDecl {
    pub(crate) name: Option<String>,
    pub(crate) core: Option<CoreSpec>,
    pub(crate) stdp: Option<StdpSpec>,
    /// Include paths as written, with where they are written.
    pub(crate) includes: Vec<(String, Loc)>,
    pub(crate) populations: Vec<Population>,
    pub(crate) inputs: Vec<InputGroup>,
    pub(crate) projections: Vec<ProjectionDecl>,
    /// The `[classifier]` table (top-level file only).
    pub(crate) classifier: Option<ClassifierDecl>,
}

/// A name reference with where it is written.
pub(crate) struct NameRef {
    pub(crate) name: String,
    pub(crate) loc: Loc,
    pub(crate) path: String,
}

/// An explicit (pre, post) pair with where it is written.
pub(crate) struct PairDecl {
    pub(crate) pre: i64,
    pub(crate) post: i64,
    pub(crate) loc: Loc,
    pub(crate) path: String,
}

/// How a projection's synapses are declared.
pub(crate) enum ConnectDecl {
    AllToAll,
    OneToOne,
    FixedProbability { p: f64, seed: u64 },
    Pairs(Vec<PairDecl>),
    PairsFile(String, Loc),
    Matrix(String, Loc),
}

/// How a projection's weights are declared.
#[derive(Clone, Copy)]
pub(crate) enum WeightDecl {
    Constant(f64),
    Uniform { lo: f64, hi: f64, seed: u64 },
    Normal { mean: f64, std: f64, seed: u64 },
}

/// A projection before its names are resolved and its synapses generated.
pub(crate) struct ProjectionDecl {
    pub(crate) name: Option<String>,
    pub(crate) from: NameRef,
    pub(crate) to: NameRef,
    pub(crate) connect: ConnectDecl,
    pub(crate) weight: Option<WeightDecl>,
    pub(crate) sign: Option<Sign>,
    pub(crate) plastic: bool,
    pub(crate) locs: Locs,
}

const TOP_KEYS: [&str; 8] = ["name", "include", "core", "stdp", "population", "input", "projection", "classifier"];
const TOP_ONLY: [&str; 4] = ["name", "core", "stdp", "classifier"];

/// Read one parsed file. `top` is whether it is the top-level file (only that one may
/// set `name`, `[core]`, `[stdp]` and `[classifier]`).
pub(crate) fn file(root: &Tbl<'_, '_>, top: bool, includer: Option<&std::path::Path>) -> Result<FileDecl, Diagnostic> {
    if !top {
        for key in TOP_ONLY {
            if let Some(loc) = root.key_loc(key) {
                let by = includer.map_or(String::new(), |p| format!(" (included by {})", p.display()));
                return Err(Diagnostic::new(format!("`{key}` can only be set in the top-level file{by}"))
                    .at(loc)
                    .key(key)
                    .help("an included file contributes `population`, `input` and `projection` tables (and may `include` others); move this to the top-level file"));
            }
        }
    }
    root.allow(&TOP_KEYS)?;
    let name = match root.get("name") {
        Some(v) => Some(name(&v)?),
        None => None,
    };
    let core = root.get("core").map(|v| core(&v.table("a table (`[core]`)")?)).transpose()?;
    let stdp = root.get("stdp").map(|v| stdp(&v.table("a table (`[stdp]`)")?)).transpose()?;
    let mut includes = Vec::new();
    if let Some(v) = root.get("include") {
        for item in v.array("an array of file paths, e.g. [\"layer.toml\"]")? {
            includes.push((item.str()?.to_owned(), item.loc()));
        }
    }
    let populations = tables(root, "population")?.iter().map(population).collect::<Result<_, _>>()?;
    let inputs = tables(root, "input")?.iter().map(input).collect::<Result<_, _>>()?;
    let projections = tables(root, "projection")?.iter().map(projection).collect::<Result<_, _>>()?;
    let classifier =
        root.get("classifier").map(|v| classifier::parse(&v.table("a table (`[classifier]`)")?)).transpose()?;
    Ok(FileDecl { name, core, stdp, includes, populations, inputs, projections, classifier })
}

/// The tables of an array of tables (`[[key]]`).
fn tables<'a, 'i>(root: &Tbl<'a, 'i>, key: &str) -> Result<Vec<Tbl<'a, 'i>>, Diagnostic> {
    let Some(v) = root.get(key) else { return Ok(Vec::new()) };
    let expected = format!("an array of tables (`[[{key}]]`)");
    v.array(&expected)?.iter().map(|item| item.table(&expected)).collect()
}

pub(crate) fn locs(t: &Tbl<'_, '_>) -> Locs {
    let mut keys: std::collections::BTreeMap<String, Loc> =
        t.map.iter().map(|(k, v)| (k.get_ref().to_string(), Loc::new(t.file, v.span()))).collect();
    keys.insert(String::new(), t.loc());
    Locs { keys, path: t.path.clone() }
}

fn name(v: &Val<'_, '_>) -> Result<String, Diagnostic> {
    let s = v.str()?;
    if s.len() > NAME_MAX {
        return Err(v
            .err(format!("`{}` is {} bytes long: a name has at most {NAME_MAX} bytes", v.key, s.len()))
            .help("shorten the name (the image stores names of at most 255 bytes)"));
    }
    let mut chars = s.chars();
    let ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if ok {
        Ok(s.to_owned())
    } else {
        Err(v.err(format!("`{}` = \"{s}\" is not a valid name", v.key)).help(
            "a name starts with a letter or `_` and has only ASCII letters, digits, `_` and `-` (it appears in CSV headers and on the command line)",
        ))
    }
}

fn seed(v: &Val<'_, '_>) -> Result<u64, Diagnostic> {
    Ok(v.int_in(0, i64::MAX, "a seed is any whole number from 0 up; the same seed always gives the same network")?
        as u64)
}

fn count(v: &Val<'_, '_>) -> Result<Count, Diagnostic> {
    const HELP: &str = "use 16, 32, 64, 128, 256, 512 or 1024, or \"auto\" (the smallest that fits)";
    if let Some(s) = v.as_str() {
        return if s == "auto" {
            Ok(Count::Auto)
        } else {
            Err(v.err(format!("`{}` = \"{s}\" is not a core size", v.key)).help(HELP))
        };
    }
    let n = v.int().map_err(|_| v.wrong("a power of two from 16 to 1024 or \"auto\"").help(HELP))?;
    let ok = n > 0 && (n as u64).is_power_of_two() && (16..=MAX_SIZE).contains(&n);
    if ok {
        Ok(Count::Fixed(n as usize))
    } else {
        Err(v.err(format!("`{}` = {n} is not a power of two from 16 to 1024", v.key)).help(HELP))
    }
}

fn core(t: &Tbl<'_, '_>) -> Result<CoreSpec, Diagnostic> {
    t.allow(&["neurons", "inputs", "timestep_ms", "pacing", "clock_mhz", "weight_shift", "scale"])?;
    let mut spec = CoreSpec::default_with(locs(t));
    if let Some(v) = t.get("neurons") {
        spec.neurons = count(&v)?;
    }
    if let Some(v) = t.get("inputs") {
        spec.inputs = count(&v)?;
    }
    if let Some(v) = t.get("timestep_ms") {
        let ms = v.number()?;
        let us = ms * 1000.0;
        if !(1.0 - 1e-9..=f64::from(u32::MAX)).contains(&us) {
            return Err(v
                .err(format!("`timestep_ms` = {ms} is out of range: it must be from 0.001 to 4294967.295"))
                .help("a timestep is a whole number of microseconds, at least 1 µs"));
        }
        if (us - us.round()).abs() > 1e-6 {
            return Err(v.err(format!("`timestep_ms` = {ms} is not a whole number of microseconds")).help(format!(
                "the nearest valid values are {} and {} ms",
                us.floor() / 1000.0,
                us.ceil() / 1000.0
            )));
        }
        spec.timestep_ms = us.round() / 1000.0;
    }
    if let Some(v) = t.get("pacing") {
        spec.pacing = match v.str()? {
            "free" => Pacing::Free,
            "fixed" => Pacing::Fixed,
            other => {
                return Err(v
                    .err(format!("`pacing` = \"{other}\" is not a pacing mode"))
                    .help("use \"free\" (a timestep lasts as long as it computes) or \"fixed\" (every timestep lasts `timestep_ms`)"));
            }
        };
    }
    if let Some(v) = t.get("clock_mhz") {
        let mhz = v.number()?;
        if !(mhz > 0.0 && (mhz * 1e6).round() >= 1.0 && (mhz * 1e6).round() <= f64::from(u32::MAX)) {
            return Err(v
                .err(format!("`clock_mhz` = {mhz} is out of range: it must be above 0 and at most 4294.967295"))
                .help("the core clock in MHz, e.g. 100"));
        }
        spec.clock_mhz = mhz;
    }
    if let Some(v) = t.get("weight_shift") {
        spec.weight_shift = if v.as_str() == Some("auto") {
            None
        } else if v.as_str().is_some() {
            return Err(v.wrong("\"auto\" or an integer from 0 to 15"));
        } else {
            Some(v.int_in(0, 15, "the weight shift is 0..15, or \"auto\" to let the compiler choose")? as u8)
        };
    }
    if let Some(v) = t.get("scale") {
        spec.scale = if v.as_str() == Some("auto") {
            None
        } else if v.as_str().is_some() {
            return Err(v.wrong("\"auto\" or a positive number"));
        } else {
            let q = v.number()?;
            if q <= 0.0 {
                return Err(v
                    .err(format!("`scale` = {q} must be above 0"))
                    .help("the scale is core units per membrane unit, or \"auto\""));
            }
            if !(MIN_SCALE..=MAX_SCALE).contains(&q) {
                return Err(v
                    .err(format!("`scale` = {} is out of range: it must be from 1e-9 to 1e16", v.text()))
                    .help("the scale is core units per membrane unit; \"auto\" chooses one that fits the values"));
            }
            Some(q)
        };
    }
    Ok(spec)
}

impl CoreSpec {
    /// The defaults of `[core]` (docs/network-format.md), with `locs`.
    pub(crate) fn default_with(locs: Locs) -> CoreSpec {
        CoreSpec {
            neurons: Count::Auto,
            inputs: Count::Auto,
            timestep_ms: 1.0,
            pacing: Pacing::Free,
            clock_mhz: 100.0,
            weight_shift: None,
            scale: None,
            locs,
        }
    }
}

fn size(t: &Tbl<'_, '_>, what: &str) -> Result<usize, Diagnostic> {
    let v = t.req("size", &format!("give the number of {what}, e.g. `size = 100`"))?;
    Ok(v.int_in(1, MAX_SIZE, &format!("a group has 1 to 1024 {what} (a core has at most 1024)"))? as usize)
}

fn tau(v: &Val<'_, '_>) -> Result<Tau, Diagnostic> {
    const HELP: &str = "a time constant in ms: 0 = gone after one timestep, \"inf\" (or leave it out) = no decay";
    if let Some(s) = v.as_str() {
        return if s == "inf" {
            Ok(Tau::Infinite)
        } else {
            Err(v.err(format!("`{}` = \"{s}\" is not a time constant", v.key)).help(HELP))
        };
    }
    match v.number_raw() {
        Some(x) if x == f64::INFINITY => Ok(Tau::Infinite),
        Some(x) if x >= 0.0 && x.is_finite() => Ok(Tau::Ms(x)),
        Some(x) if x.is_nan() => Err(v.err(format!("`{}` = {} is not a number", v.key, v.text())).help(HELP)),
        Some(x) => Err(v.err(format!("`{}` = {x} must be at least 0", v.key)).help(HELP)),
        None => Err(v.wrong("a number of ms or \"inf\"").help(HELP)),
    }
}

const FLOAT_KEYS: [&str; 7] = ["threshold", "reset", "bias", "tau_mem", "tau_syn", "refractory", "refractory_steps"];

fn population(t: &Tbl<'_, '_>) -> Result<Population, Diagnostic> {
    let mut allowed = vec!["name", "size", "raw", "record", "probe"];
    allowed.extend(FLOAT_KEYS);
    t.allow(&allowed)?;
    let name = name(&t.req("name", "every population has a unique `name`")?)?;
    let size = size(t, "neurons")?;
    let model = match t.get("raw") {
        Some(raw) => {
            if let Some(key) = FLOAT_KEYS.iter().find(|k| t.get(k).is_some()) {
                return Err(Diagnostic::new(format!("`{key}` cannot be used together with `[population.raw]`"))
                    .at(t.key_loc(key).unwrap_or_else(|| t.loc()))
                    .key(format!("{}.{key}", t.path))
                    .help("give the parameters either in float units or as raw core integers in `[population.raw]`, not both"));
            }
            NeuronModel::Raw(raw_params(&raw.table("a table (`[population.raw]`)")?)?)
        }
        None => NeuronModel::Float(float_params(t)?),
    };
    let record = t.get("record").map(|v| v.bool()).transpose()?.unwrap_or(true);
    let probe = match t.get("probe") {
        None => Vec::new(),
        Some(v) if v.as_str() == Some("all") => (0..size as u16).collect(),
        Some(v) if v.as_str().is_some() => {
            return Err(v
                .err(format!("`probe` = {} is not \"all\"", v.describe()))
                .help("probe = \"all\", or a list of neuron indices within the population, e.g. [0, 5]"));
        }
        Some(v) => {
            let mut probe: Vec<u16> = Vec::new();
            for item in v.array("\"all\" or an array of neuron indices")? {
                let i = item.int()?;
                if !(0..size as i64).contains(&i) {
                    return Err(item
                        .err(format!("probe index {i} is outside population `{name}` (size {size})"))
                        .help(format!("indices are 0 to {}", size - 1)));
                }
                if probe.contains(&(i as u16)) {
                    return Err(item.err(format!("probe index {i} is listed twice")).help("list each index once"));
                }
                probe.push(i as u16);
            }
            probe.sort_unstable();
            probe
        }
    };
    Ok(Population { name, size, model, record, probe, locs: locs(t) })
}

fn float_params(t: &Tbl<'_, '_>) -> Result<FloatParams, Diagnostic> {
    let threshold = t
        .req("threshold", "give `threshold` in membrane units, or the raw core parameters in `[population.raw]`")?
        .physical()?;
    let opt = |key: &str| t.get(key).map(|v| v.physical()).transpose().map(|x| x.unwrap_or(0.0));
    let (reset, bias) = (opt("reset")?, opt("bias")?);
    let tau_of = |key: &str| t.get(key).map(|v| tau(&v)).transpose().map(|x| x.unwrap_or(Tau::Infinite));
    let (tau_mem, tau_syn) = (tau_of("tau_mem")?, tau_of("tau_syn")?);
    let refractory = match (t.get("refractory"), t.get("refractory_steps")) {
        (Some(_), Some(steps)) => {
            return Err(steps
                .err("`refractory` and `refractory_steps` cannot both be set")
                .help("give the refractory period either in ms (`refractory`) or in timesteps (`refractory_steps`)"));
        }
        (Some(v), None) => {
            let ms = v.number()?;
            if ms < 0.0 {
                return Err(v.err(format!("`refractory` = {ms} must be at least 0")).help("a period in ms"));
            }
            if ms > MAX_REFRACTORY_MS {
                return Err(v
                    .err(format!("`refractory` = {} ms is out of range: it must be at most 1e9 ms", v.text()))
                    .help("the core counts at most 255 refractory timesteps; use `refractory_steps = 255` for the longest"));
            }
            Refractory::Ms(ms)
        }
        (None, Some(v)) => {
            Refractory::Steps(v.int_in(0, 255, "the core counts at most 255 refractory timesteps")? as u8)
        }
        (None, None) => Refractory::Steps(0),
    };
    Ok(FloatParams { threshold, reset, bias, tau_mem, tau_syn, refractory })
}

fn raw_params(t: &Tbl<'_, '_>) -> Result<NeuronParams, Diagnostic> {
    t.allow(&["threshold", "reset", "bias", "v_decay", "i_decay", "refractory"])?;
    let field = |key: &str, f: spec::Field, default: i64| -> Result<i64, Diagnostic> {
        match t.get(key) {
            Some(v) => v.int_in(f.min(), f.max(), &format!("raw `{key}` is a {}-bit core field", f.bits)),
            None => Ok(default),
        }
    };
    let threshold = t.req("threshold", "a raw population needs `threshold` in core units")?;
    let f = spec::THRESHOLD;
    let threshold = threshold.int_in(f.min(), f.max(), "raw `threshold` is a 24-bit core field")?;
    Ok(NeuronParams {
        threshold: threshold as i32,
        reset: field("reset", spec::RESET, 0)? as i32,
        bias: field("bias", spec::BIAS, 0)? as i32,
        v_decay: field("v_decay", spec::DECAY, 0)? as u16,
        i_decay: field("i_decay", spec::DECAY, 0)? as u16,
        refractory: field("refractory", spec::REFRACTORY, 0)? as u8,
    })
}

fn input(t: &Tbl<'_, '_>) -> Result<InputGroup, Diagnostic> {
    t.allow(&["name", "size"])?;
    let name = name(&t.req("name", "every input group has a unique `name`")?)?;
    let size = size(t, "input axons")?;
    Ok(InputGroup { name, size, locs: locs(t) })
}

fn name_ref(t: &Tbl<'_, '_>, key: &str, help: &str) -> Result<NameRef, Diagnostic> {
    let v = t.req(key, help)?;
    Ok(NameRef { name: v.str()?.to_owned(), loc: v.loc(), path: v.path.clone() })
}

fn projection(t: &Tbl<'_, '_>) -> Result<ProjectionDecl, Diagnostic> {
    t.allow(&["name", "from", "to", "connect", "pairs", "matrix", "weight", "sign", "plastic"])?;
    let name = t.get("name").map(|v| name(&v)).transpose()?;
    let from = name_ref(t, "from", "`from` names the source: an input group or a population")?;
    let to = name_ref(t, "to", "`to` names the target population")?;
    let given: Vec<&str> = ["connect", "pairs", "matrix"].into_iter().filter(|k| t.get(k).is_some()).collect();
    let connect = match given.as_slice() {
        [] => {
            return Err(Diagnostic::new(format!("missing connectivity in {}", t.what()))
                .at(t.loc())
                .key(format!("{}.connect", t.path))
                .help("set one of `connect` (\"all_to_all\", \"one_to_one\" or { fixed_probability = p, seed = s }), `pairs` or `matrix`"));
        }
        [key] => connectivity(&t.get(key).ok_or_else(|| t.loc_err(key))?)?,
        [first, second, ..] => {
            return Err(Diagnostic::new(format!("`{first}` and `{second}` cannot both be set"))
                .at(t.key_loc(second).unwrap_or_else(|| t.loc()))
                .key(format!("{}.{second}", t.path))
                .help("a projection's synapses come from exactly one of `connect`, `pairs` or `matrix`"));
        }
    };
    let weight = match (t.get("weight"), &connect) {
        (Some(v), ConnectDecl::Matrix(..)) => {
            return Err(v
                .err("`weight` cannot be used with `matrix`: the weights come from the matrix file")
                .help("remove `weight`, or use `connect`/`pairs` with `weight`"));
        }
        (None, ConnectDecl::Matrix(..)) => None,
        (Some(v), _) => Some(weight(&v)?),
        (None, _) => {
            return Err(t
                .req(
                    "weight",
                    "give `weight`: a number, { uniform = [lo, hi], seed = s } or { normal = [mean, std], seed = s }",
                )
                .err()
                .unwrap_or_else(|| t.loc_err("weight")));
        }
    };
    let sign = match t.get("sign") {
        None => None,
        Some(v) => match v.str()? {
            "excitatory" => Some(Sign::Excitatory),
            "inhibitory" => Some(Sign::Inhibitory),
            other => {
                return Err(v
                    .err(format!("`sign` = \"{other}\" is not a sign"))
                    .help("use \"excitatory\" (every weight >= 0) or \"inhibitory\" (every weight <= 0)"));
            }
        },
    };
    let plastic = t.get("plastic").map(|v| v.bool()).transpose()?.unwrap_or(false);
    Ok(ProjectionDecl { name, from, to, connect, weight, sign, plastic, locs: locs(t) })
}

impl Tbl<'_, '_> {
    /// A "missing key" error (used where presence was already established).
    fn loc_err(&self, key: &str) -> Diagnostic {
        Diagnostic::new(format!("missing key `{key}` in {}", self.what())).at(self.loc())
    }
}

fn connectivity(v: &Val<'_, '_>) -> Result<ConnectDecl, Diagnostic> {
    match v.key.as_str() {
        "pairs" => {
            if let Some(path) = v.as_str() {
                return Ok(ConnectDecl::PairsFile(path.to_owned(), v.loc()));
            }
            let mut pairs = Vec::new();
            for item in v.array("an array of [pre, post] pairs or a CSV file path")? {
                let both = item.array("a [pre, post] pair of indices")?;
                let [pre, post] = both.as_slice() else {
                    return Err(item.err(format!(
                        "`{}` must be a [pre, post] pair, found {} values",
                        item.key,
                        both.len()
                    )));
                };
                pairs.push(PairDecl { pre: pre.int()?, post: post.int()?, loc: item.loc(), path: item.path.clone() });
            }
            Ok(ConnectDecl::Pairs(pairs))
        }
        "matrix" => Ok(ConnectDecl::Matrix(v.str()?.to_owned(), v.loc())),
        _ => {
            const HELP: &str = "use \"all_to_all\", \"one_to_one\" or { fixed_probability = p, seed = s }";
            if let Some(s) = v.as_str() {
                return match s {
                    "all_to_all" => Ok(ConnectDecl::AllToAll),
                    "one_to_one" => Ok(ConnectDecl::OneToOne),
                    other => Err(v.err(format!("`connect` = \"{other}\" is not a connectivity")).help(HELP)),
                };
            }
            let t = v.table("a connectivity name or { fixed_probability = p, seed = s }").map_err(|e| e.help(HELP))?;
            t.allow(&["fixed_probability", "seed"])?;
            let pv = t.req("fixed_probability", HELP)?;
            let p = pv.number()?;
            if !(0.0..=1.0).contains(&p) {
                return Err(pv
                    .err(format!("`fixed_probability` = {p} is not a probability"))
                    .help("use a number from 0 to 1"));
            }
            let seed = seed(&t.req("seed", "give `seed`: the same seed always draws the same synapses")?)?;
            Ok(ConnectDecl::FixedProbability { p, seed })
        }
    }
}

fn weight(v: &Val<'_, '_>) -> Result<WeightDecl, Diagnostic> {
    const HELP: &str = "a weight is a number, { uniform = [lo, hi], seed = s } or { normal = [mean, std], seed = s }";
    if !v.is_table() {
        v.number().map_err(|e| e.help(HELP))?;
        return v.physical().map(WeightDecl::Constant);
    }
    let t = v.table("a table")?;
    t.allow(&["uniform", "normal", "seed"])?;
    let pair = |key: &str| -> Result<Option<(f64, f64, Val<'_, '_>)>, Diagnostic> {
        let Some(p) = t.get(key) else { return Ok(None) };
        let items = p.array("a pair of numbers")?;
        let [a, b] = items.as_slice() else {
            return Err(p.err(format!("`{key}` must be a pair of numbers, found {} values", items.len())).help(HELP));
        };
        Ok(Some((a.physical()?, b.physical()?, p)))
    };
    let (uniform, normal) = (pair("uniform")?, pair("normal")?);
    let seed_of = || -> Result<u64, Diagnostic> {
        seed(&t.req("seed", "random weights need a `seed`: the same seed always draws the same weights")?)
    };
    match (uniform, normal) {
        (Some(_), Some((_, _, p))) => {
            Err(p.err("`uniform` and `normal` cannot both be set").help("choose one distribution"))
        }
        (Some((lo, hi, p)), None) => {
            if lo > hi {
                return Err(p
                    .err(format!("`uniform` = [{lo}, {hi}] is empty: lo > hi"))
                    .help("write [lo, hi] with lo <= hi"));
            }
            Ok(WeightDecl::Uniform { lo, hi, seed: seed_of()? })
        }
        (None, Some((mean, std, p))) => {
            if std < 0.0 {
                return Err(p
                    .err(format!("`normal` = [{mean}, {std}] has a negative standard deviation"))
                    .help("write [mean, std] with std >= 0"));
            }
            Ok(WeightDecl::Normal { mean, std, seed: seed_of()? })
        }
        (None, None) => {
            Err(Diagnostic::new("missing distribution in `weight`").at(v.loc()).key(v.path.clone()).help(HELP))
        }
    }
}

fn stdp(t: &Tbl<'_, '_>) -> Result<StdpSpec, Diagnostic> {
    t.allow(&[
        "enabled",
        "a_plus",
        "a_minus",
        "tau_pre",
        "tau_post",
        "pre_increment",
        "post_increment",
        "mode",
        "w_min",
        "w_max",
    ])?;
    let enabled = t.get("enabled").map(|v| v.bool()).transpose()?.unwrap_or(true);
    let amplitude = |key: &str| -> Result<f64, Diagnostic> {
        let v = t.req(key, &format!("give `{key}`: the weight change of a pair at distance 0, in weight units"))?;
        let a = v.physical()?;
        if a < 0.0 {
            return Err(v
                .err(format!("`{key}` = {a} must be at least 0"))
                .help("amplitudes are magnitudes; `a_minus` depresses"));
        }
        Ok(a)
    };
    let (a_plus, a_minus) = (amplitude("a_plus")?, amplitude("a_minus")?);
    let tau_pre = tau(&t.req("tau_pre", "give `tau_pre`: the pre trace time constant in ms")?)?;
    let tau_post = tau(&t.req("tau_post", "give `tau_post`: the post trace time constant in ms")?)?;
    let increment = |key: &str| -> Result<u8, Diagnostic> {
        match t.get(key) {
            Some(v) => Ok(v.int_in(1, 255, "a trace increment is 1..255 (traces are 8-bit)")? as u8),
            None => Ok(128),
        }
    };
    let (pre_increment, post_increment) = (increment("pre_increment")?, increment("post_increment")?);
    let mode = match t.get("mode") {
        None => TraceMode::Add,
        Some(v) => match v.str()? {
            "add" => TraceMode::Add,
            "set" => TraceMode::Set,
            other => {
                return Err(v
                    .err(format!("`mode` = \"{other}\" is not a trace mode"))
                    .help("use \"add\" (spikes add to the trace) or \"set\" (the latest spike sets it)"));
            }
        },
    };
    let bound = |key: &str| t.get(key).map(|v| v.physical()).transpose();
    let (w_min, w_max) = (bound("w_min")?, bound("w_max")?);
    if let (Some(lo), Some(hi)) = (w_min, w_max)
        && lo > hi
    {
        let v = t.get("w_max").ok_or_else(|| t.loc_err("w_max"))?;
        return Err(v
            .err(format!("`w_max` = {hi} is below `w_min` = {lo}"))
            .help("the weight bounds need w_min <= w_max"));
    }
    let stdp = Stdp { enabled, a_plus, a_minus, tau_pre, tau_post, pre_increment, post_increment, mode, w_min, w_max };
    Ok(StdpSpec { stdp, locs: locs(t) })
}

/// Parse `text` as TOML; a syntax error becomes a diagnostic at its place.
pub(crate) fn toml<'i>(
    file: &Arc<SourceFile>,
    text: &'i str,
) -> Result<toml::Spanned<toml::de::DeTable<'i>>, Diagnostic> {
    toml::de::DeTable::parse(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        Diagnostic::new(format!("invalid TOML: {}", e.message().trim_end()))
            .at(Loc::new(file, span))
            .help("see docs/network-format.md for the syntax of a network description")
    })
}
