//! Why a stimulus could not be loaded, and where: every error names the file, the
//! line and (for TOML) the column, the key, the value and the limit, and ends with a
//! `help:` line. Warnings (spikes past the end of the run) have the same shape.
//!
//! A file that cannot be read becomes an error with [`StimulusError::reading`]: a file
//! that is not UTF-8 is located at its first bad byte (line, column and byte offset).

use std::fmt;

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
#[derive(Debug, Clone, PartialEq)]
pub struct StimulusError {
    /// Where.
    pub at: Location,
    /// What.
    pub kind: StimulusErrorKind,
}

/// The kinds of [`StimulusError`]. `key` fields name the TOML key or CSV column.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum StimulusErrorKind {
    /// The file could not be read.
    Read {
        /// The operating system's reason.
        reason: String,
    },
    /// The file is not UTF-8 text (the location is the first bad byte's line and column).
    NotUtf8 {
        /// The bad byte.
        byte: u8,
        /// Its byte offset from the start of the file.
        offset: usize,
    },
    /// NaN or an infinity where a number is needed.
    NotFinite {
        /// The key.
        key: &'static str,
        /// The value.
        value: f64,
    },
    /// A number too large for 64 bits.
    TooLarge {
        /// The key.
        key: &'static str,
        /// The number as written.
        value: String,
    },
    /// The file name ends in neither `.toml` nor `.csv`.
    Format {
        /// The file's extension (empty if none).
        extension: String,
    },
    /// Not valid TOML, a missing key, or a value of the wrong type.
    Toml {
        /// The TOML parser's message.
        message: String,
    },
    /// A key that its table does not have (the location is the key's).
    UnknownKey {
        /// The key as written.
        key: String,
        /// The keys of the table.
        allowed: &'static [&'static str],
        /// The allowed key it most likely misspells, if one is close enough.
        suggestion: Option<&'static str>,
    },
    /// A group name that is not an input group of the image.
    UnknownGroup {
        /// The name given.
        name: String,
        /// The image's input groups and their sizes.
        known: Vec<(String, u16)>,
    },
    /// An index within a group at or past the group's size.
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
    InputPastCore {
        /// The index given.
        index: u64,
        /// The core's number of inputs M.
        inputs: usize,
    },
    /// A timestep, index or count that is not a whole number.
    NotWhole {
        /// The key.
        key: &'static str,
        /// The value as written.
        value: String,
    },
    /// A negative timestep, index or count.
    Negative {
        /// The key.
        key: &'static str,
        /// The value.
        value: i64,
    },
    /// A count that must be at least 1 (`period`, `window`).
    Zero {
        /// The key.
        key: &'static str,
    },
    /// A probability outside 0..=1.
    Probability {
        /// The key.
        key: &'static str,
        /// The value.
        value: f64,
    },
    /// A rate in Hz that is negative or more than one spike per timestep.
    Rate {
        /// The key.
        key: &'static str,
        /// The rate in Hz.
        hz: f64,
        /// The image's timestep in µs.
        timestep_us: u32,
    },
    /// A rate in Hz with an image that does not say how long a timestep is.
    NoTimestep {
        /// The key.
        key: &'static str,
    },
    /// A value outside `0..=max_value`.
    Value {
        /// The value.
        value: f64,
        /// The upper limit (`max_value`).
        max: f64,
    },
    /// `max_value` that is not positive.
    MaxValue {
        /// The value.
        value: f64,
    },
    /// A per-input list of the wrong length.
    Length {
        /// The key.
        key: &'static str,
        /// Number of values given.
        got: usize,
        /// Number of inputs selected.
        expected: usize,
    },
    /// Mutually exclusive keys given together, or none of them given.
    OneOf {
        /// The table kind (`poisson`, …).
        table: &'static str,
        /// The keys of which exactly one is needed.
        keys: &'static [&'static str],
        /// How many of them were given.
        given: usize,
    },
    /// A key that only makes sense with another one.
    Needs {
        /// The key given.
        key: &'static str,
        /// The key it needs.
        needs: &'static str,
    },
    /// Two keys that exclude each other.
    Conflict {
        /// The key given second.
        key: &'static str,
        /// The key it conflicts with.
        with: &'static str,
    },
    /// `from` after `to`.
    Backwards {
        /// The start.
        from: u64,
        /// The end.
        to: u64,
    },
    /// `phase` not below `period`.
    Phase {
        /// The phase.
        phase: u64,
        /// The period.
        period: u64,
    },
    /// A latency `period` shorter than the `window`.
    Overlap {
        /// The period.
        period: u64,
        /// The window.
        window: u64,
    },
    /// A string that is not a `"first..end"` range.
    RangeSyntax {
        /// The key.
        key: &'static str,
        /// The string.
        text: String,
    },
    /// The CSV header is not `timestep,input`.
    CsvHeader {
        /// The first line as found.
        found: String,
    },
    /// A CSV row without exactly two fields.
    CsvFields {
        /// Number of fields found.
        found: usize,
    },
    /// A CSV input that is neither `group:index` nor a core input index.
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

impl fmt::Display for StimulusError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use StimulusErrorKind as K;
        write!(f, "{}: ", self.at)?;
        match &self.kind {
            K::Read { reason } => {
                write!(f, "cannot read the stimulus file: {reason}\nhelp: check that the file exists and is readable")
            }
            K::NotUtf8 { byte, offset } => write!(
                f,
                "the file is not UTF-8 text: byte {byte:#04x} (byte offset {offset}) is not UTF-8\nhelp: save the \
                 stimulus as UTF-8 text (TOML and CSV stimuli are UTF-8)"
            ),
            K::NotFinite { key, value } => write!(
                f,
                "`{key}` = {value} is not a finite number\nhelp: rates, probabilities and values are finite numbers"
            ),
            K::TooLarge { key, value } => write!(
                f,
                "`{key}` = {value} does not fit 64 bits\nhelp: timesteps, indices and counts are at most {}",
                u64::MAX
            ),
            K::Format { extension } => write!(
                f,
                "unknown stimulus format {extension:?}\nhelp: a stimulus file ends in .toml (spike lists and \
                 encoders) or .csv (timestep,input rows); see docs/stimulus-format.md"
            ),
            K::Toml { message } => write!(
                f,
                "{}\nhelp: see docs/stimulus-format.md for the tables and keys of a stimulus",
                message.trim_end()
            ),
            K::UnknownKey { key, allowed, suggestion } => {
                let list: Vec<String> = allowed.iter().map(|k| format!("`{k}`")).collect();
                write!(f, "unknown field `{key}`, expected one of {}\nhelp: ", list.join(", "))?;
                if let Some(best) = suggestion {
                    write!(f, "did you mean `{best}`? See ")?;
                } else {
                    write!(f, "see ")?;
                }
                write!(f, "docs/stimulus-format.md for the tables and keys of a stimulus")
            }
            K::UnknownGroup { name, known } => {
                write!(f, "unknown input group {name:?}\nhelp: ")?;
                if known.is_empty() {
                    write!(f, "the image has no input groups; address inputs by core index in a CSV stimulus")
                } else {
                    let list: Vec<String> = known.iter().map(|(n, len)| format!("{n} ({len})")).collect();
                    write!(f, "the image's input groups (and sizes) are: {}", list.join(", "))
                }
            }
            K::IndexPastGroup { key, group, index, len } => write!(
                f,
                "`{key}` = {index} is past the end of input group {group:?}, which has {len} inputs\n\
                 help: indices count from 0 within the group, so the largest is {}",
                len.saturating_sub(1)
            ),
            K::InputPastCore { index, inputs } => write!(
                f,
                "input {index} is past the core's {inputs} inputs\nhelp: a bare input is a core input \
                 index, 0 to {}; write group:index to count within an input group",
                inputs.saturating_sub(1)
            ),
            K::NotWhole { key, value } => write!(
                f,
                "`{key}` = {value} is not a whole number\nhelp: timesteps, indices and counts are integers \
                 without a decimal point"
            ),
            K::Negative { key, value } => {
                write!(f, "`{key}` = {value} is negative\nhelp: timesteps and indices count from 0")
            }
            K::Zero { key } => write!(f, "`{key}` = 0\nhelp: `{key}` is a number of timesteps, at least 1"),
            K::Probability { key, value } => write!(
                f,
                "`{key}` = {value} is not a probability per timestep: allowed 0..=1\nhelp: an input fires \
                 at most once per timestep"
            ),
            K::Rate { key, hz, timestep_us } => {
                let max_hz = 1e6 / f64::from(*timestep_us);
                write!(
                    f,
                    "`{key}` = {hz} Hz is {} spikes per timestep of {timestep_us} µs: allowed 0..={max_hz} Hz\n\
                     help: an input fires at most once per timestep",
                    hz * f64::from(*timestep_us) / 1e6
                )
            }
            K::NoTimestep { key } => write!(
                f,
                "`{key}` is in Hz, but the image does not say how long a timestep is (timestep_us = 0)\n\
                 help: give probabilities per timestep instead (`probability`, `probabilities` or \
                 `max_probability`)"
            ),
            K::Value { value, max } => write!(
                f,
                "value {value} is outside 0..={max}\nhelp: values are scaled by `max_value` ({max}); raise it \
                 or fix the value"
            ),
            K::MaxValue { value } => write!(f, "`max_value` = {value} is not positive\nhelp: use the largest value"),
            K::Length { key, got, expected } => write!(
                f,
                "`{key}` has {got} values but {expected} inputs are selected\nhelp: give one value per \
                 selected input, in the order of `indices`"
            ),
            K::OneOf { table, keys, given } => {
                let list: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
                write!(
                    f,
                    "[[{table}]] needs exactly one of {}, found {given}\nhelp: see docs/stimulus-format.md",
                    list.join(", ")
                )
            }
            K::Needs { key, needs } => {
                write!(f, "`{key}` needs `{needs}`\nhelp: add `{needs}` to the table, or remove `{key}`")
            }
            K::Conflict { key, with } => {
                write!(f, "`{key}` and `{with}` cannot be used together\nhelp: keep one of them")
            }
            K::Backwards { from, to } => write!(
                f,
                "`from` = {from} is after `to` = {to}\nhelp: timestep ranges run from `from` (included) to `to` \
                 (excluded)"
            ),
            K::Phase { phase, period } => write!(
                f,
                "`phase` = {phase} is not less than `period` = {period}\nhelp: the phase is the offset of the \
                 first spike after `from`, 0 to {}",
                period.saturating_sub(1)
            ),
            K::Overlap { period, window } => write!(
                f,
                "`period` = {period} is shorter than `window` = {window}: presentations would overlap\nhelp: \
                 make `period` at least `window`"
            ),
            K::RangeSyntax { key, text } => write!(
                f,
                "`{key}` = {text:?} is not a range\nhelp: write \"first..end\" (end excluded), e.g. \"0..8\", or \
                 a list of integers"
            ),
            K::CsvHeader { found } => write!(
                f,
                "expected the header `timestep,input`, found {found:?}\nhelp: the first line (after comments) \
                 of a CSV stimulus is `timestep,input`"
            ),
            K::CsvFields { found } => write!(
                f,
                "expected 2 fields (timestep,input), found {found}\nhelp: one spike per line, e.g. `12,pixels:3` \
                 or `12,40`"
            ),
            K::CsvInput { text } => write!(
                f,
                "input {text:?} is neither group:index nor a core input index\nhelp: write e.g. `pixels:3` \
                 (index 3 of input group pixels) or `40` (core input 40)"
            ),
        }
    }
}

impl std::error::Error for StimulusError {}

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
