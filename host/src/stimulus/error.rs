//! Why a stimulus could not be loaded, and where: every error names the file, the
//! line and (for TOML) the column, the key, the value and the limit, and has a help
//! line ([`Help`]). Warnings (spikes past the end of the run) have the same shape, with
//! the help line in their text.
//!
//! A file that cannot be read becomes an error with [`StimulusError::reading`]: a file
//! that is not UTF-8 is located at its first bad byte (line, column and byte offset).

use std::borrow::Cow;
use std::fmt;

use crate::error::Help;
use crate::network::TextError;

/// A place in a stimulus file: `file:line:column`, `file:line` or just `file`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file as the caller named it.
    pub file: String,
    /// 1-based line, if the problem is on one line.
    pub line: Option<usize>,
    /// 1-based column (in characters), if known.
    pub column: Option<usize>,
}

impl Location {
    /// The whole file.
    pub fn file(file: &str) -> Location {
        Location { file: file.to_owned(), line: None, column: None }
    }

    /// The byte offset `offset` of `text`, the contents of `file`.
    pub fn at_offset(file: &str, text: &str, offset: usize) -> Location {
        let before = text.get(..offset).unwrap_or(text);
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        Location { file: file.to_owned(), line: Some(line), column: Some(column) }
    }

    /// Line `line` (1-based) of `file`.
    pub fn at_line(file: &str, line: usize) -> Location {
        Location { file: file.to_owned(), line: Some(line), column: None }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(column) = self.column {
            write!(f, ":{column}")?;
        }
        Ok(())
    }
}

/// Why a stimulus could not be loaded.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{at}: {kind}")]
pub struct StimulusError {
    /// Where.
    pub at: Location,
    /// What.
    pub kind: StimulusErrorKind,
}

/// The kinds of [`StimulusError`]: its message without the location, and its help.
/// `key` fields name the TOML key or CSV column.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum StimulusErrorKind {
    /// The file could not be read.
    #[error("cannot read the stimulus file: {reason}")]
    Read {
        /// The operating system's reason.
        reason: String,
    },
    /// The file is not UTF-8 text (the location is the first bad byte's line and column).
    #[error("the file is not UTF-8 text: byte {byte:#04x} (byte offset {offset}) is not UTF-8")]
    NotUtf8 {
        /// The bad byte.
        byte: u8,
        /// Its byte offset from the start of the file.
        offset: usize,
    },
    /// NaN or an infinity where a number is needed.
    #[error("`{key}` = {value} is not a finite number")]
    NotFinite {
        /// The key.
        key: &'static str,
        /// The value.
        value: f64,
    },
    /// A number too large for 64 bits.
    #[error("`{key}` = {value} does not fit 64 bits")]
    TooLarge {
        /// The key.
        key: &'static str,
        /// The number as written.
        value: String,
    },
    /// The file name ends in neither `.toml` nor `.csv`.
    #[error("unknown stimulus format {extension:?}")]
    Format {
        /// The file's extension (empty if none).
        extension: String,
    },
    /// Not valid TOML, a missing key, or a value of the wrong type.
    #[error("{}", .message.trim_end())]
    Toml {
        /// The TOML parser's message.
        message: String,
    },
    /// A key that its table does not have (the location is the key's).
    #[error("unknown field `{key}`, expected one of {}", quoted(.allowed))]
    UnknownKey {
        /// The key as written.
        key: String,
        /// The keys of the table.
        allowed: &'static [&'static str],
        /// The allowed key it most likely misspells, if one is close enough.
        suggestion: Option<&'static str>,
    },
    /// A group name that is not an input group of the image.
    #[error("unknown input group {name:?}")]
    UnknownGroup {
        /// The name given.
        name: String,
        /// The image's input groups and their sizes.
        known: Vec<(String, u16)>,
    },
    /// An index within a group at or past the group's size.
    #[error("`{key}` = {index} is past the end of input group {group:?}, which has {len} inputs")]
    IndexPastGroup {
        /// The key.
        key: &'static str,
        /// The group.
        group: String,
        /// The index given.
        index: u64,
        /// The group's size.
        len: u16,
    },
    /// A core input index (CSV) at or past the core's number of inputs.
    #[error("input {index} is past the core's {inputs} inputs")]
    InputPastCore {
        /// The index given.
        index: u64,
        /// The core's number of inputs M.
        inputs: usize,
    },
    /// A timestep, index or count that is not a whole number.
    #[error("`{key}` = {value} is not a whole number")]
    NotWhole {
        /// The key.
        key: &'static str,
        /// The value as written.
        value: String,
    },
    /// A negative timestep, index or count.
    #[error("`{key}` = {value} is negative")]
    Negative {
        /// The key.
        key: &'static str,
        /// The value.
        value: i64,
    },
    /// A count that must be at least 1 (`period`, `window`).
    #[error("`{key}` = 0")]
    Zero {
        /// The key.
        key: &'static str,
    },
    /// A probability outside 0..=1.
    #[error("`{key}` = {value} is not a probability per timestep: allowed 0..=1")]
    Probability {
        /// The key.
        key: &'static str,
        /// The value.
        value: f64,
    },
    /// A rate in Hz that is negative or more than one spike per timestep.
    #[error(
        "`{key}` = {hz} Hz is {} spikes per timestep of {timestep_us} µs: allowed 0..={} Hz",
        .hz * f64::from(*.timestep_us) / 1e6,
        1e6 / f64::from(*.timestep_us)
    )]
    Rate {
        /// The key.
        key: &'static str,
        /// The rate in Hz.
        hz: f64,
        /// The image's timestep in µs.
        timestep_us: u32,
    },
    /// A rate in Hz with an image that does not say how long a timestep is.
    #[error("`{key}` is in Hz, but the image does not say how long a timestep is (timestep_us = 0)")]
    NoTimestep {
        /// The key.
        key: &'static str,
    },
    /// A value outside `0..=max_value`.
    #[error("value {value} is outside 0..={max}")]
    Value {
        /// The value.
        value: f64,
        /// The upper limit (`max_value`).
        max: f64,
    },
    /// `max_value` that is not positive.
    #[error("`max_value` = {value} is not positive")]
    MaxValue {
        /// The value.
        value: f64,
    },
    /// A per-input list of the wrong length.
    #[error("`{key}` has {got} values but {expected} inputs are selected")]
    Length {
        /// The key.
        key: &'static str,
        /// Number of values given.
        got: usize,
        /// Number of inputs selected.
        expected: usize,
    },
    /// Mutually exclusive keys given together, or none of them given.
    #[error("[[{table}]] needs exactly one of {}, found {given}", quoted(.keys))]
    OneOf {
        /// The table kind (`poisson`, …).
        table: &'static str,
        /// The keys of which exactly one is needed.
        keys: &'static [&'static str],
        /// How many of them were given.
        given: usize,
    },
    /// A key that only makes sense with another one.
    #[error("`{key}` needs `{needs}`")]
    Needs {
        /// The key given.
        key: &'static str,
        /// The key it needs.
        needs: &'static str,
    },
    /// Two keys that exclude each other.
    #[error("`{key}` and `{with}` cannot be used together")]
    Conflict {
        /// The key given second.
        key: &'static str,
        /// The key it conflicts with.
        with: &'static str,
    },
    /// `from` after `to`.
    #[error("`from` = {from} is after `to` = {to}")]
    Backwards {
        /// The start.
        from: u64,
        /// The end.
        to: u64,
    },
    /// `phase` not below `period`.
    #[error("`phase` = {phase} is not less than `period` = {period}")]
    Phase {
        /// The phase.
        phase: u64,
        /// The period.
        period: u64,
    },
    /// A latency `period` shorter than the `window`.
    #[error("`period` = {period} is shorter than `window` = {window}: presentations would overlap")]
    Overlap {
        /// The period.
        period: u64,
        /// The window.
        window: u64,
    },
    /// A string that is not a `"first..end"` range.
    #[error("`{key}` = {text:?} is not a range")]
    RangeSyntax {
        /// The key.
        key: &'static str,
        /// The string.
        text: String,
    },
    /// The CSV header is not `timestep,input`.
    #[error("expected the header `timestep,input`, found {found:?}")]
    CsvHeader {
        /// The first line as found.
        found: String,
    },
    /// A CSV row without exactly two fields.
    #[error("expected 2 fields (timestep,input), found {found}")]
    CsvFields {
        /// Number of fields found.
        found: usize,
    },
    /// A CSV input that is neither `group:index` nor a core input index.
    #[error("input {text:?} is neither group:index nor a core input index")]
    CsvInput {
        /// The field as written.
        text: String,
    },
}

impl StimulusError {
    /// An error of `kind` at `at`.
    pub fn new(at: Location, kind: StimulusErrorKind) -> StimulusError {
        StimulusError { at, kind }
    }

    /// The error of a stimulus file `file` that [`crate::network::read_text`] could not
    /// read: the operating system's reason, or where the first byte that is not UTF-8 is.
    pub fn reading(file: &str, error: TextError) -> StimulusError {
        match error {
            TextError::NotUtf8(bad) => StimulusError::new(
                Location { file: file.to_owned(), line: Some(bad.line), column: Some(bad.column) },
                StimulusErrorKind::NotUtf8 { byte: bad.byte, offset: bad.offset },
            ),
            error => StimulusError::new(Location::file(file), StimulusErrorKind::Read { reason: error.to_string() }),
        }
    }
}

/// `` `a`, `b` ``: keys for a message.
fn quoted(keys: &[&str]) -> String {
    keys.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
}

impl Help for StimulusError {
    fn help(&self) -> Option<Cow<'_, str>> {
        self.kind.help()
    }
}

impl Help for StimulusErrorKind {
    fn help(&self) -> Option<Cow<'_, str>> {
        use StimulusErrorKind as K;
        Some(match self {
            K::Read { .. } => "check that the file exists and is readable".into(),
            K::NotUtf8 { .. } => "save the stimulus as UTF-8 text (TOML and CSV stimuli are UTF-8)".into(),
            K::NotFinite { .. } => "rates, probabilities and values are finite numbers".into(),
            K::TooLarge { .. } => format!("timesteps, indices and counts are at most {}", u64::MAX).into(),
            K::Format { .. } => "a stimulus file ends in .toml (spike lists and encoders) or .csv (timestep,input \
                                 rows); see docs/stimulus-format.md"
                .into(),
            K::Toml { .. } | K::UnknownKey { suggestion: None, .. } => {
                "see docs/stimulus-format.md for the tables and keys of a stimulus".into()
            }
            K::UnknownKey { suggestion: Some(best), .. } => {
                format!("did you mean `{best}`? See docs/stimulus-format.md for the tables and keys of a stimulus")
                    .into()
            }
            K::UnknownGroup { known, .. } if known.is_empty() => {
                "the image has no input groups; address inputs by core index in a CSV stimulus".into()
            }
            K::UnknownGroup { known, .. } => {
                let list: Vec<String> = known.iter().map(|(n, len)| format!("{n} ({len})")).collect();
                format!("the image's input groups (and sizes) are: {}", list.join(", ")).into()
            }
            K::IndexPastGroup { len, .. } => {
                format!("indices count from 0 within the group, so the largest is {}", len.saturating_sub(1)).into()
            }
            K::InputPastCore { inputs, .. } => format!(
                "a bare input is a core input index, 0 to {}; write group:index to count within an input group",
                inputs.saturating_sub(1)
            )
            .into(),
            K::NotWhole { .. } => "timesteps, indices and counts are integers without a decimal point".into(),
            K::Negative { .. } => "timesteps and indices count from 0".into(),
            K::Zero { key } => format!("`{key}` is a number of timesteps, at least 1").into(),
            K::Probability { .. } | K::Rate { .. } => "an input fires at most once per timestep".into(),
            K::NoTimestep { .. } => {
                "give probabilities per timestep instead (`probability`, `probabilities` or `max_probability`)".into()
            }
            K::Value { max, .. } => {
                format!("values are scaled by `max_value` ({max}); raise it or fix the value").into()
            }
            K::MaxValue { .. } => "use the largest value".into(),
            K::Length { .. } => "give one value per selected input, in the order of `indices`".into(),
            K::OneOf { .. } => "see docs/stimulus-format.md".into(),
            K::Needs { key, needs } => format!("add `{needs}` to the table, or remove `{key}`").into(),
            K::Conflict { .. } => "keep one of them".into(),
            K::Backwards { .. } => "timestep ranges run from `from` (included) to `to` (excluded)".into(),
            K::Phase { period, .. } => {
                format!("the phase is the offset of the first spike after `from`, 0 to {}", period.saturating_sub(1))
                    .into()
            }
            K::Overlap { .. } => "make `period` at least `window`".into(),
            K::RangeSyntax { .. } => "write \"first..end\" (end excluded), e.g. \"0..8\", or a list of integers".into(),
            K::CsvHeader { .. } => "the first line (after comments) of a CSV stimulus is `timestep,input`".into(),
            K::CsvFields { .. } => "one spike per line, e.g. `12,pixels:3` or `12,40`".into(),
            K::CsvInput { .. } => {
                "write e.g. `pixels:3` (index 3 of input group pixels) or `40` (core input 40)".into()
            }
        })
    }
}

/// Something in a stimulus that was ignored: input spikes at or after the end of
/// the run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StimulusWarning {
    /// Where the first ignored spike was given.
    pub at: Location,
    /// How many spikes were ignored.
    pub ignored: u64,
    /// The first ignored timestep.
    pub first: u64,
    /// The run's length in timesteps.
    pub steps: usize,
}

impl fmt::Display for StimulusWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (ignored, first, steps) = (self.ignored, self.first, self.steps);
        let s = if ignored == 1 { "" } else { "s" };
        // The count saturates: at u64::MAX the spikes were more than 64 bits count.
        let count = if ignored == u64::MAX { format!("{ignored} or more") } else { ignored.to_string() };
        write!(
            f,
            "{}: {count} input spike{s} at timestep {steps} or later ignored (the first at timestep \
             {first}): the run has timesteps 0 to {}\nhelp: run more timesteps to include them",
            self.at,
            steps.saturating_sub(1)
        )
    }
}
