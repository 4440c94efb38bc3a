//! Stimuli: which input axons spike in which timestep (docs/stimulus-format.md).
//!
//! A stimulus file names inputs by input group (the image's `meta.inputs`) and index
//! within the group, or (CSV only) by core input index. It is either TOML — explicit
//! spike lists and seeded encoders (Poisson, latency, regular trains) — or CSV rows
//! `timestep,input`. Loading resolves it against an [`Image`] into a [`Stimulus`]: for
//! every timestep of the run, the ascending list of core inputs that spike. The same
//! file, image, length and seed give the same [`Stimulus`] on every machine (the
//! random encoders use [`crate::rng::SplitMix64`] streams, see [`encode`]).

pub mod encode;
mod error;
mod from_csv;
mod from_toml;

use std::path::Path;

pub use self::error::{Location, StimulusError, StimulusErrorKind, StimulusWarning};
use crate::image::Image;

/// The input spikes of a run: per timestep, ascending distinct core input indices.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Stimulus {
    steps: Vec<Vec<u16>>,
}

impl Stimulus {
    /// No input spikes for `steps` timesteps.
    pub fn silent(steps: usize) -> Stimulus {
        Stimulus { steps: vec![Vec::new(); steps] }
    }

    /// A stimulus from per-timestep input lists (sorted and deduplicated here).
    pub fn from_steps(mut steps: Vec<Vec<u16>>) -> Stimulus {
        for inputs in &mut steps {
            inputs.sort_unstable();
            inputs.dedup();
        }
        Stimulus { steps }
    }

    /// Number of timesteps it covers.
    pub fn steps(&self) -> usize {
        self.steps.len()
    }

    /// The inputs that spike at timestep `t` (none past the end).
    pub fn inputs(&self, t: usize) -> &[u16] {
        self.steps.get(t).map_or(&[], Vec::as_slice)
    }

    /// Every timestep's inputs.
    pub fn as_steps(&self) -> &[Vec<u16>] {
        &self.steps
    }

    /// Number of input spikes in all timesteps.
    pub fn total_spikes(&self) -> u64 {
        self.steps.iter().map(|s| s.len() as u64).sum()
    }
}

/// How to resolve a stimulus file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StimulusOptions {
    /// Length of the run in timesteps: spikes at this timestep or later are ignored.
    pub steps: usize,
    /// Overrides the file's `seed` (TOML) when given.
    pub seed: Option<u64>,
}

/// A resolved stimulus, with the seed its random encoders used and what was ignored.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    /// The input spikes.
    pub stimulus: Stimulus,
    /// The seed of the random encoders: the override, else the file's, else 0.
    pub seed: u64,
    /// Spikes past the end of the run (at most one warning per file).
    pub warnings: Vec<StimulusWarning>,
}

/// Read and resolve the stimulus file at `path` for `image`: `.toml` or `.csv`
/// (case-insensitive); errors name the path as given.
pub fn load(path: &Path, image: &Image, options: &StimulusOptions) -> Result<Loaded, StimulusError> {
    let file = path.display().to_string();
    let extension = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    let parse = match extension.as_str() {
        "toml" => from_toml::parse,
        "csv" => from_csv::parse,
        _ => {
            return Err(StimulusError::new(Location::file(&file), StimulusErrorKind::Format { extension }));
        }
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| StimulusError::new(Location::file(&file), StimulusErrorKind::Read { reason: e.to_string() }))?;
    parse(&text, &file, image, options)
}

/// Resolve TOML stimulus text; `file` names it in errors.
pub fn parse_toml(text: &str, file: &str, image: &Image, options: &StimulusOptions) -> Result<Loaded, StimulusError> {
    from_toml::parse(text, file, image, options)
}

/// Resolve CSV stimulus text; `file` names it in errors.
pub fn parse_csv(text: &str, file: &str, image: &Image, options: &StimulusOptions) -> Result<Loaded, StimulusError> {
    from_csv::parse(text, file, image, options)
}

/// Collects spikes into timesteps, ignoring (and counting) those past the run.
struct Builder {
    steps: Vec<Vec<u16>>,
    ignored: Option<StimulusWarning>,
}

impl Builder {
    fn new(steps: usize) -> Builder {
        Builder { steps: vec![Vec::new(); steps], ignored: None }
    }

    /// Input `input` spikes at `t`; `at` locates it in case it is ignored.
    fn add(&mut self, t: u64, input: u16, at: impl FnOnce() -> Location) {
        match usize::try_from(t).ok().and_then(|t| self.steps.get_mut(t)) {
            Some(inputs) => inputs.push(input),
            None => self.ignore(t, 1, at),
        }
    }

    /// Input `input` spikes at every timestep of `start..end`.
    fn add_range(&mut self, start: u64, end: u64, input: u16, at: impl FnOnce() -> Location) {
        let len = self.steps.len() as u64;
        for t in start..end.min(len) {
            // t < len, the length of a vector.
            self.steps[t as usize].push(input);
        }
        let first = start.max(len);
        if end > first {
            self.ignore(first, end - first, at);
        }
    }

    /// `count` spikes from timestep `first` on are past the run.
    fn ignore(&mut self, first: u64, count: u64, at: impl FnOnce() -> Location) {
        match &mut self.ignored {
            Some(warning) => warning.ignored += count,
            None => {
                let steps = self.steps.len();
                self.ignored = Some(StimulusWarning { at: at(), ignored: count, first, steps });
            }
        }
    }

    fn finish(self, seed: u64) -> Loaded {
        Loaded { stimulus: Stimulus::from_steps(self.steps), seed, warnings: self.ignored.into_iter().collect() }
    }
}
