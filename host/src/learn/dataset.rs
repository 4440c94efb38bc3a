//! Labelled data sets and their splits (docs/learning.md §1).
//!
//! A data set is a CSV file with no header, one sample a line: its features (finite
//! numbers) then its label (an integer 0..=65535), every line with the same number of
//! values. A file that starts with the gzip magic bytes `1f 8b` is decompressed first,
//! whatever its name. Blank lines at the end of the file are ignored; anywhere else a
//! blank line is an error. [`Dataset::load`] keeps, for each [`Sample`], its 0-based row
//! and its 1-based line in the file, so that a sample keeps its identity (and its input
//! spikes, [`crate::learn::encode`]) whatever the split or order it is used in.
//!
//! A split ([`SplitSpec`], `FILE.json:KEY` on the command line) is a JSON object whose
//! values are arrays of 0-based row indices, such as `data/digits/digits_split.json`
//! (`{"train": [428, 1357, …], "test": […]}`); [`Dataset::select`] keeps the rows of one
//! key, in the order of the array. Every problem is a [`DataError`] that names the file,
//! the line (or the position in the array) and the value.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use crate::error::Help;

/// A split of a data set named on the command line: `SPLIT.json:KEY`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitSpec {
    /// The JSON file.
    pub path: PathBuf,
    /// The key of the index array in it.
    pub key: String,
}

impl FromStr for SplitSpec {
    type Err = String;

    fn from_str(s: &str) -> Result<SplitSpec, String> {
        let (path, key) = s
            .rsplit_once(':')
            .filter(|(p, k)| !p.is_empty() && !k.is_empty())
            .ok_or_else(|| format!("{s:?} is not SPLIT.json:KEY (e.g. data/digits/digits_split.json:test)"))?;
        Ok(SplitSpec { path: PathBuf::from(path), key: key.to_string() })
    }
}

/// One labelled sample of a data set.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// Its 0-based row in the file (the index a split names).
    pub row: usize,
    /// Its 1-based line in the file.
    pub line: usize,
    /// Its features, in the order of the file.
    pub features: Vec<f32>,
    /// Its label.
    pub label: u16,
}

/// A labelled data set: the samples of a CSV file, or a selection of them.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// The file the samples come from.
    pub path: PathBuf,
    /// The number of features of every sample.
    pub features: usize,
    /// The samples, in file order after [`Dataset::load`], in split order after
    /// [`Dataset::select`].
    pub samples: Vec<Sample>,
}

/// The two bytes that start a gzip stream (RFC 1952).
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Why a data set or a split could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DataError {
    /// The data file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// The data file starts with the gzip magic bytes but does not decompress.
    #[error("cannot decompress {path} (gzip): {source}")]
    Gzip {
        /// The file.
        path: PathBuf,
        /// The decoder's error.
        #[source]
        source: io::Error,
    },
    /// The data file holds no sample.
    #[error("{path} holds no sample (the file is empty or blank)")]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// A line is not UTF-8 text.
    #[error("{path} line {line} is not UTF-8 text")]
    NotText {
        /// The file.
        path: PathBuf,
        /// The 1-based line.
        line: usize,
    },
    /// A blank line before the last sample.
    #[error("{path} line {line} is blank, but samples follow it")]
    Blank {
        /// The file.
        path: PathBuf,
        /// The 1-based line.
        line: usize,
    },
    /// A line with fewer than two values: a sample needs a feature and a label.
    #[error("{path} line {line} has {values} value, but a sample needs at least one feature and a label")]
    TooFew {
        /// The file.
        path: PathBuf,
        /// The 1-based line.
        line: usize,
        /// The number of values on it.
        values: usize,
    },
    /// A line with another number of values than the first one.
    #[error("{path} line {line} has {values} values, line {first_line} has {first_values}")]
    Ragged {
        /// The file.
        path: PathBuf,
        /// The 1-based line.
        line: usize,
        /// The number of values on it.
        values: usize,
        /// The first sample's line.
        first_line: usize,
        /// The number of values on it.
        first_values: usize,
    },
    /// A feature that is not a finite number.
    #[error("{path} line {line} column {column}: {value:?} is not a finite number")]
    Feature {
        /// The file.
        path: PathBuf,
        /// The 1-based line.
        line: usize,
        /// The 1-based column (value) on the line.
        column: usize,
        /// The text of the value.
        value: String,
    },
    /// A label that is not an integer 0..=65535.
    #[error("{path} line {line} column {column}: the label {value:?} is not an integer 0..=65535")]
    Label {
        /// The file.
        path: PathBuf,
        /// The 1-based line.
        line: usize,
        /// The 1-based column of the label (the last one).
        column: usize,
        /// The text of the value.
        value: String,
    },
    /// The split file could not be read.
    #[error("cannot read the split file {path}: {source}")]
    SplitRead {
        /// The split file.
        path: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// The split file is not JSON.
    #[error("the split file {path} is not JSON: {source}")]
    SplitJson {
        /// The split file.
        path: PathBuf,
        /// The parser's error (with line and column).
        #[source]
        source: serde_json::Error,
    },
    /// The split file is JSON but not an object.
    #[error("the split file {path} is not a JSON object of index arrays (it is {found})")]
    SplitNotObject {
        /// The split file.
        path: PathBuf,
        /// What it is instead (`an array`, `a number`, …).
        found: &'static str,
    },
    /// The key is not in the split file.
    #[error("the split file {path} has no key {key:?}; it has {}", list_keys(.keys))]
    SplitKey {
        /// The split file.
        path: PathBuf,
        /// The key asked for.
        key: String,
        /// The keys it has, in alphabetical order.
        keys: Vec<String>,
    },
    /// The key's value is not an array.
    #[error("{key:?} of the split file {path} is {found}, not an array of row indices")]
    SplitNotArray {
        /// The split file.
        path: PathBuf,
        /// The key.
        key: String,
        /// What it is instead.
        found: &'static str,
    },
    /// An element of the array is not a non-negative integer.
    #[error("{key:?} of the split file {path}, position {position}: {value} is not a row index (an integer 0 or more)")]
    SplitNotIndex {
        /// The split file.
        path: PathBuf,
        /// The key.
        key: String,
        /// The 0-based position in the array.
        position: usize,
        /// The element as JSON text.
        value: String,
    },
    /// An index past the last row of the data set.
    #[error(
        "{key:?} of the split file {path}, position {position}: row {index} is past the end of {data} ({rows} rows, \
         0 to {})", .rows.saturating_sub(1)
    )]
    SplitIndex {
        /// The split file.
        path: PathBuf,
        /// The key.
        key: String,
        /// The 0-based position in the array.
        position: usize,
        /// The index.
        index: u64,
        /// The data file.
        data: PathBuf,
        /// Its number of rows.
        rows: usize,
    },
    /// An index named twice.
    #[error("{key:?} of the split file {path} names row {index} twice (positions {first} and {second})")]
    SplitDuplicate {
        /// The split file.
        path: PathBuf,
        /// The key.
        key: String,
        /// The row.
        index: usize,
        /// The position of its first occurrence.
        first: usize,
        /// The position of its second occurrence.
        second: usize,
    },
    /// The key's array is empty.
    #[error("{key:?} of the split file {path} is an empty array: the split selects no sample")]
    SplitEmpty {
        /// The split file.
        path: PathBuf,
        /// The key.
        key: String,
    },
}

/// `"a", "b" and "c"`, or `no key at all`.
fn list_keys(keys: &[String]) -> String {
    match keys {
        [] => "no key at all".to_owned(),
        [one] => format!("only {one:?}"),
        [init @ .., last] => {
            let mut s = String::new();
            for (i, k) in init.iter().enumerate() {
                let _ = write!(s, "{}{k:?}", if i > 0 { ", " } else { "" });
            }
            let _ = write!(s, " and {last:?}");
            s
        }
    }
}

impl Help for DataError {
    fn help(&self) -> Option<Cow<'_, str>> {
        let help = match self {
            DataError::Read { .. } => "check the path; a data set is a CSV file (features then label), gzipped or not",
            DataError::Gzip { .. } => {
                "the file starts like gzip (bytes 1f 8b) but its stream is corrupt or cut short; get it again, or \
                 give the CSV uncompressed"
            }
            DataError::Empty { .. } | DataError::Blank { .. } | DataError::NotText { .. } => {
                "a data set is a CSV text file, one sample a line: its features then its label, no header"
            }
            DataError::TooFew { .. } | DataError::Ragged { .. } => {
                "every line holds the same number of values: the features of a sample, then its label"
            }
            DataError::Feature { line: 1, .. } => {
                "features are numbers such as 0, 12 or 0.5; a data set has no header line: remove it"
            }
            DataError::Feature { .. } => "features are finite numbers such as 0, 12 or 0.5",
            DataError::Label { .. } => "the last value of a line is its class: an integer such as 0 or 7",
            DataError::SplitRead { .. } => "check the path of SPLIT.json:KEY (e.g. data/digits/digits_split.json:test)",
            DataError::SplitJson { .. } | DataError::SplitNotObject { .. } | DataError::SplitNotArray { .. } => {
                "a split file is a JSON object of arrays of 0-based row indices, e.g. {\"train\": [0, 2], \"test\": [1]}"
            }
            DataError::SplitKey { .. } => "name one of its keys after the colon: SPLIT.json:KEY",
            DataError::SplitNotIndex { .. } | DataError::SplitIndex { .. } | DataError::SplitDuplicate { .. } => {
                "a split names rows of this data file by their 0-based index, each once; check that it belongs to \
                 this data file"
            }
            DataError::SplitEmpty { .. } => "name a key whose array holds row indices",
        };
        Some(help.into())
    }
}

impl Dataset {
    /// Read the CSV data set at `path` (gzipped or not: see the module docs).
    pub fn load(path: &Path) -> Result<Dataset, DataError> {
        let bytes = std::fs::read(path).map_err(|source| DataError::Read { path: path.to_owned(), source })?;
        Dataset::parse(path, &bytes)
    }

    /// Parse the bytes of a data set as read from `path` (named in errors and kept as
    /// [`Dataset::path`]): CSV, or gzip of CSV when they start with `1f 8b`.
    pub fn parse(path: &Path, bytes: &[u8]) -> Result<Dataset, DataError> {
        let text: Cow<'_, [u8]> = if bytes.starts_with(&GZIP_MAGIC) {
            let mut out = Vec::new();
            flate2::read::MultiGzDecoder::new(bytes)
                .read_to_end(&mut out)
                .map_err(|source| DataError::Gzip { path: path.to_owned(), source })?;
            Cow::Owned(out)
        } else {
            Cow::Borrowed(bytes)
        };
        let at = |line: usize| (path.to_owned(), line);
        let lines: Vec<&[u8]> = text.split(|&b| b == b'\n').collect();
        let is_blank = |l: &[u8]| l.iter().all(u8::is_ascii_whitespace);
        let last =
            lines.iter().rposition(|l| !is_blank(l)).ok_or_else(|| DataError::Empty { path: path.to_owned() })?;
        let mut samples = Vec::with_capacity(last + 1);
        let mut first: Option<(usize, usize)> = None;
        for (i, raw) in lines[..=last].iter().enumerate() {
            let line = i + 1;
            let text = std::str::from_utf8(raw).map_err(|_| {
                let (path, line) = at(line);
                DataError::NotText { path, line }
            })?;
            let text = text.strip_suffix('\r').unwrap_or(text);
            if text.trim().is_empty() {
                let (path, line) = at(line);
                return Err(DataError::Blank { path, line });
            }
            let values: Vec<&str> = text.split(',').map(str::trim).collect();
            let n = values.len();
            match first {
                None if n < 2 => {
                    let (path, line) = at(line);
                    return Err(DataError::TooFew { path, line, values: n });
                }
                None => first = Some((line, n)),
                Some((first_line, first_values)) if n != first_values => {
                    let (path, line) = at(line);
                    return Err(DataError::Ragged { path, line, values: n, first_line, first_values });
                }
                Some(_) => {}
            }
            let (label_text, feature_texts) = values.split_last().ok_or_else(|| {
                let (path, line) = at(line);
                DataError::TooFew { path, line, values: 0 }
            })?;
            let features = feature_texts
                .iter()
                .enumerate()
                .map(|(c, v)| {
                    v.parse::<f32>().ok().filter(|x| x.is_finite()).ok_or_else(|| {
                        let (path, line) = at(line);
                        DataError::Feature { path, line, column: c + 1, value: (*v).to_owned() }
                    })
                })
                .collect::<Result<Vec<f32>, DataError>>()?;
            let label = label_text.parse::<u16>().map_err(|_| {
                let (path, line) = at(line);
                DataError::Label { path, line, column: n, value: (*label_text).to_owned() }
            })?;
            samples.push(Sample { row: i, line, features, label });
        }
        let features = first.map_or(0, |(_, n)| n - 1);
        Ok(Dataset { path: path.to_owned(), features, samples })
    }

    /// The samples of the rows that `split` names, in its order, each keeping its
    /// [`Sample::row`] and [`Sample::line`]. The rows are those of this data set's
    /// [`Sample::row`]s (a data set as loaded: row `i` is sample `i`).
    pub fn select(&self, split: &SplitSpec) -> Result<Dataset, DataError> {
        let text =
            std::fs::read(&split.path).map_err(|source| DataError::SplitRead { path: split.path.clone(), source })?;
        self.select_json(&split.path, &split.key, &text)
    }

    /// [`Dataset::select`] with the split file's bytes given (`path` names it in
    /// errors).
    pub fn select_json(&self, path: &Path, key: &str, json: &[u8]) -> Result<Dataset, DataError> {
        let value: serde_json::Value =
            serde_json::from_slice(json).map_err(|source| DataError::SplitJson { path: path.to_owned(), source })?;
        let object = match &value {
            serde_json::Value::Object(o) => o,
            other => return Err(DataError::SplitNotObject { path: path.to_owned(), found: kind(other) }),
        };
        let array = match object.get(key) {
            Some(serde_json::Value::Array(a)) => a,
            Some(other) => {
                return Err(DataError::SplitNotArray {
                    path: path.to_owned(),
                    key: key.to_owned(),
                    found: kind(other),
                });
            }
            None => {
                return Err(DataError::SplitKey {
                    path: path.to_owned(),
                    key: key.to_owned(),
                    keys: object.keys().cloned().collect(),
                });
            }
        };
        if array.is_empty() {
            return Err(DataError::SplitEmpty { path: path.to_owned(), key: key.to_owned() });
        }
        // Sample of each row, and the position of the array that named it.
        let rows = self.samples.iter().map(|s| s.row + 1).max().unwrap_or(0);
        let mut by_row: Vec<Option<usize>> = vec![None; rows];
        for (i, s) in self.samples.iter().enumerate() {
            by_row[s.row] = Some(i);
        }
        let mut named: Vec<Option<usize>> = vec![None; rows];
        let mut samples = Vec::with_capacity(array.len());
        for (position, element) in array.iter().enumerate() {
            let index = element.as_u64().ok_or_else(|| DataError::SplitNotIndex {
                path: path.to_owned(),
                key: key.to_owned(),
                position,
                value: element.to_string(),
            })?;
            let row = usize::try_from(index).ok().filter(|&r| r < rows);
            let sample = row.and_then(|r| by_row[r]).ok_or_else(|| DataError::SplitIndex {
                path: path.to_owned(),
                key: key.to_owned(),
                position,
                index,
                data: self.path.clone(),
                rows,
            })?;
            let row = self.samples[sample].row;
            if let Some(first) = named[row] {
                return Err(DataError::SplitDuplicate {
                    path: path.to_owned(),
                    key: key.to_owned(),
                    index: row,
                    first,
                    second: position,
                });
            }
            named[row] = Some(position);
            samples.push(self.samples[sample].clone());
        }
        Ok(Dataset { path: self.path.clone(), features: self.features, samples })
    }

    /// The number of classes: the largest label + 1 (0 for no sample).
    pub fn classes(&self) -> usize {
        self.samples.iter().map(|s| usize::from(s.label) + 1).max().unwrap_or(0)
    }
}

/// What a JSON value is, for messages.
fn kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use proptest::prelude::*;

    use super::*;

    fn parse(text: &str) -> Result<Dataset, DataError> {
        Dataset::parse(Path::new("d.csv"), text.as_bytes())
    }

    fn message(e: &DataError) -> String {
        e.to_string()
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(bytes).unwrap();
        enc.finish().unwrap()
    }

    #[test]
    fn a_csv_gives_features_label_row_and_line() {
        let d = parse("1,2.5,3\n0, -4 ,7\n").unwrap();
        assert_eq!(d.path, Path::new("d.csv"));
        assert_eq!(d.features, 2);
        assert_eq!(
            d.samples,
            [
                Sample { row: 0, line: 1, features: vec![1.0, 2.5], label: 3 },
                Sample { row: 1, line: 2, features: vec![0.0, -4.0], label: 7 },
            ]
        );
        assert_eq!(d.classes(), 8);
    }

    #[test]
    fn crlf_and_trailing_blank_lines_are_accepted() {
        let d = parse("1,0\r\n2,1\r\n\r\n\n").unwrap();
        assert_eq!(d.samples.len(), 2);
        assert_eq!(d.samples[1].features, [2.0]);
        assert_eq!(d.samples[1].label, 1);
        assert_eq!(parse("1,0\n2,1").unwrap().samples.len(), 2, "no final newline");
    }

    #[test]
    fn gzip_is_detected_by_its_magic_bytes_not_the_name() {
        let plain = "3,4,1\n5,6,0\n";
        let d = Dataset::parse(Path::new("plain-name.csv"), &gzip(plain.as_bytes())).unwrap();
        assert_eq!(d, Dataset { path: PathBuf::from("plain-name.csv"), ..parse(plain).unwrap() });
        let mut truncated = gzip(plain.as_bytes());
        truncated.truncate(truncated.len() - 9);
        let e = Dataset::parse(Path::new("x.csv.gz"), &truncated).unwrap_err();
        assert!(matches!(e, DataError::Gzip { .. }), "{e:?}");
        assert!(message(&e).starts_with("cannot decompress x.csv.gz (gzip): "), "{e}");
    }

    #[test]
    fn an_empty_or_blank_file_is_refused() {
        for text in ["", "\n", "  \n\r\n"] {
            let e = parse(text).unwrap_err();
            assert_eq!(message(&e), "d.csv holds no sample (the file is empty or blank)");
        }
    }

    #[test]
    fn a_blank_line_between_samples_is_refused() {
        let e = parse("1,0\n\n2,1\n").unwrap_err();
        assert_eq!(message(&e), "d.csv line 2 is blank, but samples follow it");
    }

    #[test]
    fn a_ragged_row_names_both_lines_and_counts() {
        let mut text = String::new();
        for _ in 0..16 {
            text.push_str(&"0,".repeat(64));
            text.push_str("1\n");
        }
        text.push_str(&"0,".repeat(62));
        text.push_str("1\n");
        let e = parse(&text).unwrap_err();
        assert_eq!(message(&e), "d.csv line 17 has 63 values, line 1 has 65");
        assert!(e.help().unwrap().contains("same number of values"));
    }

    #[test]
    fn a_line_with_a_label_only_is_refused() {
        assert_eq!(
            message(&parse("7\n").unwrap_err()),
            "d.csv line 1 has 1 value, but a sample needs at least one feature and a label"
        );
    }

    #[test]
    fn a_feature_that_is_not_a_finite_number_is_named() {
        for (text, line, column, value) in
            [("1,x,3\n", 1, 2, "x"), ("0,0,0,0\n1,NaN,2,3\n", 2, 2, "NaN"), ("0,0\ninf,0\n", 2, 1, "inf")]
        {
            let e = parse(text).unwrap_err();
            assert_eq!(message(&e), format!("d.csv line {line} column {column}: {value:?} is not a finite number"));
        }
        let header = parse("pixel0,label\n1,2\n").unwrap_err();
        assert!(header.help().unwrap().contains("no header line"), "{:?}", header.help());
    }

    #[test]
    fn a_label_that_is_not_an_integer_0_to_65535_is_named() {
        for bad in ["-1", "65536", "2.5", "seven", ""] {
            let e = parse(&format!("1,2,0\n3,4,{bad}\n")).unwrap_err();
            assert_eq!(
                message(&e),
                format!("d.csv line 2 column 3: the label {bad:?} is not an integer 0..=65535"),
                "{bad}"
            );
        }
        assert_eq!(parse("1,65535\n").unwrap().classes(), 65536);
    }

    #[test]
    fn a_line_that_is_not_utf8_is_named() {
        let e = Dataset::parse(Path::new("d.csv"), b"1,0\n\xff,1\n").unwrap_err();
        assert_eq!(message(&e), "d.csv line 2 is not UTF-8 text");
    }

    #[test]
    fn a_missing_file_is_a_read_error_naming_it() {
        let e = Dataset::load(Path::new("/nonexistent/ncx/data.csv")).unwrap_err();
        assert!(message(&e).starts_with("cannot read /nonexistent/ncx/data.csv: "), "{e}");
        assert!(std::error::Error::source(&e).is_some());
    }

    fn five() -> Dataset {
        parse("0,0\n1,1\n2,2\n3,0\n4,1\n").unwrap()
    }

    fn select(json: &str, key: &str) -> Result<Dataset, DataError> {
        five().select_json(Path::new("s.json"), key, json.as_bytes())
    }

    #[test]
    fn select_keeps_the_split_order_rows_and_lines() {
        let d = select(r#"{"train": [4, 0, 2], "test": [1, 3]}"#, "train").unwrap();
        assert_eq!(
            d.samples.iter().map(|s| (s.row, s.line, s.label)).collect::<Vec<_>>(),
            [(4, 5, 1), (0, 1, 0), (2, 3, 2)]
        );
        assert_eq!(d.features, 1);
        assert_eq!(d.path, Path::new("d.csv"));
        // A selection of a selection names the rows of the file.
        let dd = d.select_json(Path::new("s2.json"), "k", br#"{"k": [2, 4]}"#).unwrap();
        assert_eq!(dd.samples.iter().map(|s| s.row).collect::<Vec<_>>(), [2, 4]);
        let e = d.select_json(Path::new("s2.json"), "k", br#"{"k": [1]}"#).unwrap_err();
        assert!(matches!(e, DataError::SplitIndex { index: 1, .. }), "{e:?}");
    }

    #[test]
    fn a_split_that_is_not_json_or_not_an_object_is_refused() {
        let e = select("{\"train\": [1,", "train").unwrap_err();
        assert!(message(&e).starts_with("the split file s.json is not JSON: "), "{e}");
        assert!(message(&e).contains("line 1"), "{e}");
        assert_eq!(
            message(&select("[1, 2]", "train").unwrap_err()),
            "the split file s.json is not a JSON object of index arrays (it is an array)"
        );
    }

    #[test]
    fn a_missing_key_lists_the_keys() {
        assert_eq!(
            message(&select(r#"{"train": [0], "test": [1], "extra": []}"#, "val").unwrap_err()),
            r#"the split file s.json has no key "val"; it has "extra", "test" and "train""#
        );
        assert_eq!(
            message(&select(r#"{"train": [0]}"#, "test").unwrap_err()),
            r#"the split file s.json has no key "test"; it has only "train""#
        );
        assert_eq!(
            message(&select("{}", "test").unwrap_err()),
            r#"the split file s.json has no key "test"; it has no key at all"#
        );
    }

    #[test]
    fn a_value_that_is_not_an_array_of_indices_is_refused() {
        assert_eq!(
            message(&select(r#"{"test": 3}"#, "test").unwrap_err()),
            r#""test" of the split file s.json is a number, not an array of row indices"#
        );
        for (bad, text) in [("-1", "-1"), ("1.5", "1.5"), ("\"2\"", "\"2\""), ("null", "null")] {
            assert_eq!(
                message(&select(&format!(r#"{{"test": [0, {bad}]}}"#), "test").unwrap_err()),
                format!(
                    r#""test" of the split file s.json, position 1: {text} is not a row index (an integer 0 or more)"#
                )
            );
        }
    }

    #[test]
    fn an_index_past_the_end_names_the_value_and_the_rows() {
        assert_eq!(
            message(&select(r#"{"test": [0, 5]}"#, "test").unwrap_err()),
            r#""test" of the split file s.json, position 1: row 5 is past the end of d.csv (5 rows, 0 to 4)"#
        );
        let huge = select(r#"{"test": [18446744073709551615]}"#, "test").unwrap_err();
        assert!(matches!(huge, DataError::SplitIndex { index: u64::MAX, rows: 5, .. }), "{huge:?}");
    }

    #[test]
    fn a_duplicate_index_names_both_positions() {
        assert_eq!(
            message(&select(r#"{"test": [3, 1, 3]}"#, "test").unwrap_err()),
            r#""test" of the split file s.json names row 3 twice (positions 0 and 2)"#
        );
    }

    #[test]
    fn an_empty_split_is_refused() {
        assert_eq!(
            message(&select(r#"{"test": []}"#, "test").unwrap_err()),
            r#""test" of the split file s.json is an empty array: the split selects no sample"#
        );
    }

    #[test]
    fn select_reads_the_split_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("split.json");
        std::fs::write(&path, r#"{"a": [1]}"#).unwrap();
        let spec: SplitSpec = format!("{}:a", path.display()).parse().unwrap();
        assert_eq!(five().select(&spec).unwrap().samples[0].row, 1);
        let missing = SplitSpec { path: dir.path().join("none.json"), key: "a".into() };
        let e = five().select(&missing).unwrap_err();
        assert!(message(&e).starts_with("cannot read the split file "), "{e}");
    }

    #[test]
    fn the_digits_set_and_its_split_load() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/digits");
        let all = Dataset::load(&root.join("digits.csv.gz")).unwrap();
        assert_eq!((all.samples.len(), all.features, all.classes()), (1797, 64, 10));
        // The first line of the file (data/digits: `0,0,5,13,9,1,0,0,…,0` with label 0).
        assert_eq!(&all.samples[0].features[..4], [0.0, 0.0, 5.0, 13.0]);
        let split = |key: &str| SplitSpec { path: root.join("digits_split.json"), key: key.into() };
        let test = all.select(&split("test")).unwrap();
        let train = all.select(&split("train")).unwrap();
        assert_eq!((train.samples.len(), test.samples.len()), (1203, 594));
        let mut rows: Vec<usize> = train.samples.iter().chain(&test.samples).map(|s| s.row).collect();
        rows.sort_unstable();
        assert_eq!(rows, (0..1797).collect::<Vec<_>>(), "train and test partition the rows");
    }

    proptest! {
        /// Any table of finite features and labels, written as CSV (gzipped or not),
        /// reads back as itself.
        #[test]
        fn written_tables_read_back(
            rows in prop::collection::vec((prop::collection::vec(-1e6f32..1e6, 3), any::<u16>()), 1..20),
            zipped in any::<bool>(),
        ) {
            let mut text = String::new();
            for (features, label) in &rows {
                for f in features {
                    text.push_str(&format!("{f},"));
                }
                text.push_str(&format!("{label}\n"));
            }
            let bytes = if zipped { gzip(text.as_bytes()) } else { text.into_bytes() };
            let d = Dataset::parse(Path::new("p.csv"), &bytes).unwrap();
            prop_assert_eq!(d.features, 3);
            prop_assert_eq!(d.samples.len(), rows.len());
            for (i, (s, (features, label))) in d.samples.iter().zip(&rows).enumerate() {
                prop_assert_eq!((s.row, s.line), (i, i + 1));
                prop_assert_eq!(&s.features, features);
                prop_assert_eq!(s.label, *label);
            }
        }

        /// Arbitrary bytes are parsed or refused, never a panic.
        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
            let _ = Dataset::parse(Path::new("p.csv"), &bytes);
        }
    }
}
