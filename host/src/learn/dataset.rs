//! (being written: issue 12)

use std::path::PathBuf;
use std::str::FromStr;

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
