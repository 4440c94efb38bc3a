//! The tables of a TOML stimulus, read from the spanned TOML tree with the reader of
//! network descriptions (`crate::network::reader`): every value keeps its span, and
//! an unknown key is reported at the key, with the allowed key it most likely
//! misspells. What the values mean is checked later (`from_toml`).

use std::ops::Range;
use std::path::Path;

use toml::Spanned;
use toml::de::DeValue;

use super::{Location, StimulusError, StimulusErrorKind as K};
use crate::network::Diagnostic;
use crate::network::SourceFile;
use crate::network::reader::{Tbl, Val};

/// A TOML number, integer or float; each key checks that it has the kind it needs.
#[derive(Debug, Clone, Copy)]
pub(super) enum Num {
    Int(i64),
    Float(f64),
}

/// Whole numbers: an array of integers, or a `"first..end"` string (end excluded).
#[derive(Debug)]
pub(super) enum IntList {
    Items(Vec<Spanned<Num>>),
    Range(String),
}

pub(super) type Number = Option<Spanned<Num>>;
pub(super) type Numbers = Spanned<Vec<Spanned<Num>>>;

/// The keys of the top level and of each table, in the order messages list them.
const FILE_KEYS: &[&str] = &["seed", "spikes", "poisson", "latency", "regular"];
const SPIKES_KEYS: &[&str] = &["group", "index", "indices", "steps"];
const POISSON_KEYS: &[&str] = &[
    "group",
    "index",
    "indices",
    "from",
    "to",
    "rate",
    "rates",
    "probability",
    "probabilities",
    "values",
    "max_rate",
    "max_probability",
    "max_value",
];
const LATENCY_KEYS: &[&str] = &["group", "index", "indices", "values", "max_value", "window", "from", "period", "to"];
const REGULAR_KEYS: &[&str] = &["group", "index", "indices", "period", "phase", "from", "to"];

/// The whole file.
#[derive(Debug)]
pub(super) struct File {
    pub(super) seed: Number,
    pub(super) spikes: Vec<Spanned<Spikes>>,
    pub(super) poisson: Vec<Spanned<Poisson>>,
    pub(super) latency: Vec<Spanned<Latency>>,
    pub(super) regular: Vec<Spanned<Regular>>,
}

/// `[[spikes]]`: the selected inputs spike at the listed timesteps.
#[derive(Debug)]
pub(super) struct Spikes {
    pub(super) group: Spanned<String>,
    pub(super) index: Number,
    pub(super) indices: Option<Spanned<IntList>>,
    pub(super) steps: Spanned<IntList>,
}

/// `[[poisson]]`: independent Bernoulli trials every timestep.
#[derive(Debug)]
pub(super) struct Poisson {
    pub(super) group: Spanned<String>,
    pub(super) index: Number,
    pub(super) indices: Option<Spanned<IntList>>,
    pub(super) from: Number,
    pub(super) to: Number,
    pub(super) rate: Number,
    pub(super) rates: Option<Numbers>,
    pub(super) probability: Number,
    pub(super) probabilities: Option<Numbers>,
    pub(super) values: Option<Numbers>,
    pub(super) max_rate: Number,
    pub(super) max_probability: Number,
    pub(super) max_value: Number,
}

/// `[[latency]]`: one spike per presentation, earlier for larger values.
#[derive(Debug)]
pub(super) struct Latency {
    pub(super) group: Spanned<String>,
    pub(super) index: Number,
    pub(super) indices: Option<Spanned<IntList>>,
    pub(super) values: Numbers,
    pub(super) max_value: Number,
    pub(super) window: Spanned<Num>,
    pub(super) from: Number,
    pub(super) period: Number,
    pub(super) to: Number,
}

/// `[[regular]]`: a spike every `period` timesteps.
#[derive(Debug)]
pub(super) struct Regular {
    pub(super) group: Spanned<String>,
    pub(super) index: Number,
    pub(super) indices: Option<Spanned<IntList>>,
    pub(super) period: Spanned<Num>,
    pub(super) phase: Number,
    pub(super) from: Number,
    pub(super) to: Number,
}

/// Read the tables of TOML stimulus `text` (of the file named `file`).
pub(super) fn read(text: &str, file: &str) -> Result<File, StimulusError> {
    let r = Reader { file, text };
    let source = SourceFile::new(Path::new(file), text.to_owned());
    let root = toml::de::DeTable::parse(&source.text)
        .map_err(|e| r.error(e.span().unwrap_or(0..0), K::Toml { message: e.message().to_owned() }))?;
    let top = Tbl::root(&source, &root);
    r.keys(&top, FILE_KEYS)?;
    Ok(File {
        seed: r.opt_number(&top, "seed")?,
        spikes: r.tables(&top, "spikes", |t| {
            r.keys(t, SPIKES_KEYS)?;
            Ok(Spikes {
                group: r.string(&r.req(t, "group")?)?,
                index: r.opt_number(t, "index")?,
                indices: r.opt_list(t, "indices")?,
                steps: r.list("steps", &r.req(t, "steps")?)?,
            })
        })?,
        poisson: r.tables(&top, "poisson", |t| {
            r.keys(t, POISSON_KEYS)?;
            Ok(Poisson {
                group: r.string(&r.req(t, "group")?)?,
                index: r.opt_number(t, "index")?,
                indices: r.opt_list(t, "indices")?,
                from: r.opt_number(t, "from")?,
                to: r.opt_number(t, "to")?,
                rate: r.opt_number(t, "rate")?,
                rates: r.opt_numbers(t, "rates")?,
                probability: r.opt_number(t, "probability")?,
                probabilities: r.opt_numbers(t, "probabilities")?,
                values: r.opt_numbers(t, "values")?,
                max_rate: r.opt_number(t, "max_rate")?,
                max_probability: r.opt_number(t, "max_probability")?,
                max_value: r.opt_number(t, "max_value")?,
            })
        })?,
        latency: r.tables(&top, "latency", |t| {
            r.keys(t, LATENCY_KEYS)?;
            Ok(Latency {
                group: r.string(&r.req(t, "group")?)?,
                index: r.opt_number(t, "index")?,
                indices: r.opt_list(t, "indices")?,
                values: r.numbers("values", &r.req(t, "values")?)?,
                max_value: r.opt_number(t, "max_value")?,
                window: r.number("window", &r.req(t, "window")?)?,
                from: r.opt_number(t, "from")?,
                period: r.opt_number(t, "period")?,
                to: r.opt_number(t, "to")?,
            })
        })?,
        regular: r.tables(&top, "regular", |t| {
            r.keys(t, REGULAR_KEYS)?;
            Ok(Regular {
                group: r.string(&r.req(t, "group")?)?,
                index: r.opt_number(t, "index")?,
                indices: r.opt_list(t, "indices")?,
                period: r.number("period", &r.req(t, "period")?)?,
                phase: r.opt_number(t, "phase")?,
                from: r.opt_number(t, "from")?,
                to: r.opt_number(t, "to")?,
            })
        })?,
    })
}

/// Typed reads that fail with a [`StimulusError`] at the offending key or value.
struct Reader<'a> {
    file: &'a str,
    text: &'a str,
}

impl Reader<'_> {
    fn error(&self, span: Range<usize>, kind: K) -> StimulusError {
        StimulusError::new(Location::at_offset(self.file, self.text, span.start), kind)
    }

    /// A wrong type found by the shared reader: its message, at its place.
    fn diagnostic(&self, d: Diagnostic) -> StimulusError {
        let span = d.loc.map_or(0..0, |loc| loc.span);
        self.error(span, K::Toml { message: d.message })
    }

    /// Fail on the first key of `t` that is not in `allowed`.
    fn keys(&self, t: &Tbl<'_, '_>, allowed: &'static [&'static str]) -> Result<(), StimulusError> {
        match t.unknown_key(allowed) {
            None => Ok(()),
            Some(unknown) => Err(self.error(
                unknown.span,
                K::UnknownKey { key: unknown.name.to_owned(), allowed, suggestion: unknown.suggestion },
            )),
        }
    }

    /// The value of `key`, which `t` must have.
    fn req<'a, 'i>(&self, t: &Tbl<'a, 'i>, key: &str) -> Result<Val<'a, 'i>, StimulusError> {
        t.get(key).ok_or_else(|| self.error(t.span.clone(), K::Toml { message: format!("missing field `{key}`") }))
    }

    /// The tables of the array of tables `[[key]]` (none if absent), each read by `read`.
    fn tables<T>(
        &self,
        top: &Tbl<'_, '_>,
        key: &str,
        read: impl Fn(&Tbl<'_, '_>) -> Result<T, StimulusError>,
    ) -> Result<Vec<Spanned<T>>, StimulusError> {
        let Some(value) = top.get(key) else { return Ok(Vec::new()) };
        let expected = format!("an array of tables `[[{key}]]`");
        let items = value.array(&expected).map_err(|d| self.diagnostic(d))?;
        items
            .iter()
            .map(|item| {
                let table = item.table(&format!("a table of `[[{key}]]`")).map_err(|d| self.diagnostic(d))?;
                Ok(Spanned::new(item.value.span(), read(&table)?))
            })
            .collect()
    }

    fn string(&self, v: &Val<'_, '_>) -> Result<Spanned<String>, StimulusError> {
        let s = v.str().map_err(|d| self.diagnostic(d))?;
        Ok(Spanned::new(v.value.span(), s.to_owned()))
    }

    /// A number, integer or float (`key` names it in a too-large error).
    fn number(&self, key: &'static str, v: &Val<'_, '_>) -> Result<Spanned<Num>, StimulusError> {
        let span = v.value.span();
        let num = match v.value.get_ref() {
            DeValue::Integer(i) => Num::Int(
                i64::from_str_radix(i.as_str(), i.radix())
                    .map_err(|_| self.error(span.clone(), K::TooLarge { key, value: v.text() }))?,
            ),
            DeValue::Float(_) => Num::Float(v.number_raw().ok_or_else(|| self.diagnostic(v.wrong("a number")))?),
            _ => return Err(self.diagnostic(v.wrong("a number"))),
        };
        Ok(Spanned::new(span, num))
    }

    fn opt_number(&self, t: &Tbl<'_, '_>, key: &'static str) -> Result<Number, StimulusError> {
        t.get(key).map(|v| self.number(key, &v)).transpose()
    }

    /// An array of numbers.
    fn numbers(&self, key: &'static str, v: &Val<'_, '_>) -> Result<Numbers, StimulusError> {
        let items = v.array("an array of numbers").map_err(|d| self.diagnostic(d))?;
        let numbers = items.iter().map(|item| self.number(key, item)).collect::<Result<_, _>>()?;
        Ok(Spanned::new(v.value.span(), numbers))
    }

    fn opt_numbers(&self, t: &Tbl<'_, '_>, key: &'static str) -> Result<Option<Numbers>, StimulusError> {
        t.get(key).map(|v| self.numbers(key, &v)).transpose()
    }

    /// A list of whole numbers: an array, or a `"first..end"` string.
    fn list(&self, key: &'static str, v: &Val<'_, '_>) -> Result<Spanned<IntList>, StimulusError> {
        let list = match v.as_str() {
            Some(range) => IntList::Range(range.to_owned()),
            None => {
                let items = v.array("a list of integers or a \"first..end\" range").map_err(|d| self.diagnostic(d))?;
                IntList::Items(items.iter().map(|item| self.number(key, item)).collect::<Result<_, _>>()?)
            }
        };
        Ok(Spanned::new(v.value.span(), list))
    }

    fn opt_list(&self, t: &Tbl<'_, '_>, key: &'static str) -> Result<Option<Spanned<IntList>>, StimulusError> {
        t.get(key).map(|v| self.list(key, &v)).transpose()
    }
}
