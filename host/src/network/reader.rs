//! A typed walk over the spanned TOML tree: every read names its key path and, on a
//! wrong type, a missing key or an unknown key (with a typo suggestion), returns a
//! [`Diagnostic`] pointing at the exact place in the file. Network descriptions and
//! TOML stimuli (`crate::stimulus`) are both read with it.
//!
//! Values in membrane and weight units ([`Val::physical`], and the entries of matrix
//! files) are 0 or of a magnitude within [`MIN_MAGNITUDE`]..=[`MAX_MAGNITUDE`]
//! (docs/network-format.md §2): the core resolves about seven significant digits, so
//! anything outside that band is a typo or a unit mistake, and would otherwise come out
//! as an absurd scale and every neuron firing.

use std::ops::Range;
use std::sync::Arc;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::diagnostic::Diagnostic;
use super::source::{Loc, SourceFile};

/// The largest magnitude of a value in membrane or weight units.
pub(crate) const MAX_MAGNITUDE: f64 = 1e9;
/// The smallest magnitude of a non-zero value in membrane or weight units.
pub(crate) const MIN_MAGNITUDE: f64 = 1e-9;
/// What to do about a value outside the band.
pub(crate) const MAGNITUDE_HELP: &str = "values in membrane and weight units are 0 or between 1e-9 and 1e9 in \
                                         magnitude: write the network in a unit in which they are near 1 (the core \
                                         resolves about 7 significant digits; docs/network-format.md §2)";

/// Why `x` cannot be a value in membrane or weight units, if it cannot.
pub(crate) fn magnitude_problem(x: f64) -> Option<&'static str> {
    if x.abs() > MAX_MAGNITUDE {
        Some("its magnitude is above 1e9")
    } else if x != 0.0 && x.abs() < MIN_MAGNITUDE {
        Some("its magnitude is below 1e-9 (and it is not 0)")
    } else {
        None
    }
}

/// A table being read.
pub(crate) struct Tbl<'a, 'i> {
    pub(crate) file: &'a Arc<SourceFile>,
    /// Key path of the table (`""` for the document).
    pub(crate) path: String,
    pub(crate) span: Range<usize>,
    pub(crate) map: &'a DeTable<'i>,
}

/// A key of a table that the table may not have ([`Tbl::unknown_key`]).
pub(crate) struct UnknownKey<'a, 'k> {
    /// The key as written.
    pub(crate) name: &'a str,
    /// Where the key is written.
    pub(crate) span: Range<usize>,
    /// The allowed key it is close enough to to be a likely typo of.
    pub(crate) suggestion: Option<&'k str>,
}

/// A value being read.
pub(crate) struct Val<'a, 'i> {
    pub(crate) file: &'a Arc<SourceFile>,
    /// Full key path, e.g. `population[1].size`.
    pub(crate) path: String,
    /// The last key (or `name[i]` for an array element), used in messages.
    pub(crate) key: String,
    pub(crate) value: &'a Spanned<DeValue<'i>>,
}

impl<'a, 'i> Tbl<'a, 'i> {
    /// The document's root table.
    pub(crate) fn root(file: &'a Arc<SourceFile>, root: &'a Spanned<DeTable<'i>>) -> Tbl<'a, 'i> {
        Tbl { file, path: String::new(), span: root.span(), map: root.get_ref() }
    }

    /// Where the table starts (its header, or the start of the file).
    pub(crate) fn loc(&self) -> Loc {
        Loc::new(self.file, self.span.clone())
    }

    fn child_path(&self, key: &str) -> String {
        if self.path.is_empty() { key.to_owned() } else { format!("{}.{key}", self.path) }
    }

    /// How the table is called in messages.
    pub(crate) fn what(&self) -> String {
        if self.path.is_empty() { "the top level".to_owned() } else { format!("`{}`", self.path) }
    }

    /// The first key (in file order) that is not in `allowed`, with where it is written
    /// and the allowed key it most likely misspells. The network's [`Tbl::allow`] and the
    /// stimulus reader word their messages from it.
    pub(crate) fn unknown_key<'k>(&self, allowed: &[&'k str]) -> Option<UnknownKey<'a, 'k>> {
        let key =
            self.map.keys().filter(|k| !allowed.contains(&k.get_ref().as_ref())).min_by_key(|k| k.span().start)?;
        let name: &'a str = key.get_ref().as_ref();
        Some(UnknownKey { name, span: key.span(), suggestion: suggest(name, allowed) })
    }

    /// Fail on the first key (in file order) that is not in `allowed`.
    pub(crate) fn allow(&self, allowed: &[&str]) -> Result<(), Diagnostic> {
        let Some(UnknownKey { name, span, suggestion }) = self.unknown_key(allowed) else { return Ok(()) };
        let list = allowed.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
        let help = match suggestion {
            Some(best) => format!("did you mean `{best}`? The keys of {} are {list}", self.what()),
            None => format!("the keys of {} are {list}", self.what()),
        };
        Err(Diagnostic::new(format!("unknown key `{name}` in {}", self.what()))
            .at(Loc::new(self.file, span))
            .key(self.child_path(name))
            .help(help))
    }

    /// The value of `key`, if present.
    pub(crate) fn get(&self, key: &str) -> Option<Val<'a, 'i>> {
        self.map.get(key).map(|value| Val { file: self.file, path: self.child_path(key), key: key.to_owned(), value })
    }

    /// The value of `key`, which must be present; `help` says what it is.
    pub(crate) fn req(&self, key: &str, help: &str) -> Result<Val<'a, 'i>, Diagnostic> {
        self.get(key).ok_or_else(|| {
            Diagnostic::new(format!("missing key `{key}` in {}", self.what()))
                .at(self.loc())
                .key(self.child_path(key))
                .help(help.to_owned())
        })
    }

    /// Where `key` (the key itself, not its value) is written.
    pub(crate) fn key_loc(&self, key: &str) -> Option<Loc> {
        self.map.get_key_value(key).map(|(k, _)| Loc::new(self.file, k.span()))
    }
}

impl<'a, 'i> Val<'a, 'i> {
    /// Where the value is written.
    pub(crate) fn loc(&self) -> Loc {
        Loc::new(self.file, self.value.span())
    }

    /// An error about this value.
    pub(crate) fn err(&self, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(message).at(self.loc()).key(self.path.clone())
    }

    /// What the value is, for messages: "a string `\"x\"`", "an integer `3`".
    pub(crate) fn describe(&self) -> String {
        let text = &self.file.text[self.value.span()];
        let short = if text.chars().count() > 30 || text.contains('\n') { String::new() } else { format!(" `{text}`") };
        let kind = match self.value.get_ref() {
            DeValue::String(_) => "a string",
            DeValue::Integer(_) => "an integer",
            DeValue::Float(_) => "a float",
            DeValue::Boolean(_) => "a boolean",
            DeValue::Datetime(_) => "a date",
            DeValue::Array(_) => "an array",
            DeValue::Table(_) => "a table",
        };
        format!("{kind}{short}")
    }

    /// A wrong-type error: "`size` must be EXPECTED, found …".
    pub(crate) fn wrong(&self, expected: &str) -> Diagnostic {
        self.err(format!("`{}` must be {expected}, found {}", self.key, self.describe()))
            .help("docs/network-format.md lists every key with its type")
    }

    /// An integer.
    pub(crate) fn int(&self) -> Result<i64, Diagnostic> {
        match self.value.get_ref() {
            DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
                .map_err(|_| self.err(format!("`{}` = {} does not fit 64 bits", self.key, i))),
            _ => Err(self.wrong("an integer")),
        }
    }

    /// An integer in `lo..=hi`; `help` says what to do otherwise.
    pub(crate) fn int_in(&self, lo: i64, hi: i64, help: &str) -> Result<i64, Diagnostic> {
        let value = self.int()?;
        if (lo..=hi).contains(&value) {
            Ok(value)
        } else {
            Err(self
                .err(format!("`{}` = {value} is out of range: it must be from {lo} to {hi}", self.key))
                .help(help.to_owned()))
        }
    }

    /// A number (integer or float), as written; may be infinite or NaN. An integer too
    /// large for 64 bits is taken as the float nearest to it.
    pub(crate) fn number_raw(&self) -> Option<f64> {
        match self.value.get_ref() {
            DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
                .ok()
                .map(|v| v as f64)
                .or_else(|| if i.radix() == 10 { i.as_str().replace('_', "").parse().ok() } else { None }),
            DeValue::Float(f) => f.as_str().replace('_', "").parse().ok(),
            _ => None,
        }
    }

    /// A finite number (integer or float).
    pub(crate) fn number(&self) -> Result<f64, Diagnostic> {
        match self.number_raw() {
            Some(x) if x.is_finite() => Ok(x),
            Some(x) => Err(self
                .err(format!("`{}` must be a finite number, found {x}", self.key))
                .help("NaN and infinities are not values (an infinite time constant is written \"inf\")")),
            None => Err(self.wrong("a number")),
        }
    }

    /// A number in membrane or weight units: finite, and 0 or of a magnitude from
    /// [`MIN_MAGNITUDE`] to [`MAX_MAGNITUDE`].
    pub(crate) fn physical(&self) -> Result<f64, Diagnostic> {
        let x = self.number()?;
        match magnitude_problem(x) {
            None => Ok(x),
            Some(why) => {
                Err(self.err(format!("`{}` = {} is out of range: {why}", self.key, self.text())).help(MAGNITUDE_HELP))
            }
        }
    }

    /// The value as written in the file, shortened to 30 characters.
    pub(crate) fn text(&self) -> String {
        let text = &self.file.text[self.value.span()];
        match text.char_indices().nth(30) {
            Some((cut, _)) => format!("{}…", &text[..cut]),
            None => text.to_owned(),
        }
    }

    /// A string.
    pub(crate) fn str(&self) -> Result<&'a str, Diagnostic> {
        match self.value.get_ref() {
            DeValue::String(s) => Ok(s.as_ref()),
            _ => Err(self.wrong("a string")),
        }
    }

    /// The string, if the value is one.
    pub(crate) fn as_str(&self) -> Option<&'a str> {
        match self.value.get_ref() {
            DeValue::String(s) => Some(s.as_ref()),
            _ => None,
        }
    }

    /// A boolean.
    pub(crate) fn bool(&self) -> Result<bool, Diagnostic> {
        match self.value.get_ref() {
            DeValue::Boolean(b) => Ok(*b),
            _ => Err(self.wrong("`true` or `false`")),
        }
    }

    /// The elements of an array; `expected` describes the array for a wrong-type error.
    pub(crate) fn array(&self, expected: &str) -> Result<Vec<Val<'a, 'i>>, Diagnostic> {
        match self.value.get_ref() {
            DeValue::Array(items) => Ok(items
                .iter()
                .enumerate()
                .map(|(i, value)| Val {
                    file: self.file,
                    path: format!("{}[{i}]", self.path),
                    key: format!("{}[{i}]", self.key),
                    value,
                })
                .collect()),
            _ => Err(self.wrong(expected)),
        }
    }

    /// Whether the value is a table.
    pub(crate) fn is_table(&self) -> bool {
        matches!(self.value.get_ref(), DeValue::Table(_))
    }

    /// A table; `expected` describes it for a wrong-type error.
    pub(crate) fn table(&self, expected: &str) -> Result<Tbl<'a, 'i>, Diagnostic> {
        match self.value.get_ref() {
            DeValue::Table(map) => Ok(Tbl { file: self.file, path: self.path.clone(), span: self.value.span(), map }),
            _ => Err(self.wrong(expected)),
        }
    }
}

/// The allowed key closest to `typo`, if it is close enough to be a likely typo.
pub(crate) fn suggest<'k>(typo: &str, allowed: &[&'k str]) -> Option<&'k str> {
    let limit = match typo.chars().count() {
        0..=3 => 1,
        4..=8 => 2,
        _ => 3,
    };
    allowed.iter().map(|&k| (distance(typo, k), k)).filter(|&(d, _)| d <= limit).min_by_key(|&(d, _)| d).map(|(_, k)| k)
}

/// Levenshtein distance between two strings, in characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let next = (diagonal + usize::from(ca != cb)).min(row[j] + 1).min(row[j + 1] + 1);
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_keys_only() {
        let keys = ["threshold", "reset", "bias", "tau_mem", "tau_syn"];
        assert_eq!(suggest("treshold", &keys), Some("threshold"));
        assert_eq!(suggest("tau_men", &keys), Some("tau_mem"));
        assert_eq!(suggest("weight", &keys), None);
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("", "abc"), 3);
    }

    #[test]
    fn the_unknown_key_is_the_first_in_file_order_at_its_place() {
        let file = SourceFile::new(std::path::Path::new("t.toml"), "zeta = 1\ntreshold = 2\nbias = 3\n".to_owned());
        let root = toml::de::DeTable::parse(&file.text).expect("valid TOML");
        let table = Tbl::root(&file, &root);
        let unknown = table.unknown_key(&["threshold", "bias"]).expect("two unknown keys");
        assert_eq!((unknown.name, unknown.span, unknown.suggestion), ("zeta", 0..4, None));
        let unknown = table.unknown_key(&["zeta", "threshold", "bias"]).expect("one unknown key");
        assert_eq!((unknown.name, unknown.span, unknown.suggestion), ("treshold", 9..17, Some("threshold")));
        assert!(table.unknown_key(&["bias", "treshold", "zeta"]).is_none());
    }
}
