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
mod toml_tables;

use std::path::Path;

use self::encode::{Train, TrainState};
pub use self::error::{Location, StimulusError, StimulusErrorKind, StimulusWarning};
use crate::image::Image;

/// The input spikes of a run: explicit spikes (a file's lists and rows) and encoder
/// trains, which a [`Cursor`] turns into each timestep's ascending distinct core
/// inputs as the run goes. Memory grows with the explicit spikes and the number of
/// trains, never with the length of the run.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Stimulus {
    steps: usize,
    /// Explicit spikes `(timestep, input)`, ascending, distinct, all before `steps`.
    events: Vec<(u64, u16)>,
    /// Encoder trains and the input each drives, all ending by `steps`.
    trains: Vec<(u16, Train)>,
}

impl Stimulus {
    /// No input spikes for `steps` timesteps.
    pub fn silent(steps: usize) -> Stimulus {
        Stimulus { steps, ..Stimulus::default() }
    }

    /// A stimulus from per-timestep input lists (sorted and deduplicated here).
    pub fn from_steps(steps: Vec<Vec<u16>>) -> Stimulus {
        let mut events: Vec<(u64, u16)> =
            steps.iter().enumerate().flat_map(|(t, inputs)| inputs.iter().map(move |&i| (t as u64, i))).collect();
        events.sort_unstable();
        events.dedup();
        Stimulus { steps: steps.len(), events, trains: Vec::new() }
    }

    /// Number of timesteps it covers.
    pub fn steps(&self) -> usize {
        self.steps
    }

    /// Each timestep's inputs, from timestep 0 on.
    pub fn cursor(&self) -> Cursor<'_> {
        Cursor {
            stimulus: self,
            t: 0,
            event: 0,
            trains: self.trains.iter().map(|(input, train)| (*input, TrainState::new(train))).collect(),
            inputs: Vec::new(),
        }
    }

    /// The inputs that spike at timestep `t` (none past the end). Generates the
    /// stimulus from its start when it has encoder trains: a run uses [`Stimulus::cursor`].
    pub fn inputs(&self, t: usize) -> Vec<u16> {
        let mut cursor = self.cursor();
        for _ in 0..t.min(self.steps) {
            cursor.skip_step();
        }
        cursor.next_step().to_vec()
    }

    /// Every timestep's inputs (for tests and short runs: this holds them all).
    pub fn as_steps(&self) -> Vec<Vec<u16>> {
        let mut cursor = self.cursor();
        (0..self.steps).map(|_| cursor.next_step().to_vec()).collect()
    }

    /// Number of input spikes in all timesteps (generates the whole stimulus).
    pub fn total_spikes(&self) -> u64 {
        let mut cursor = self.cursor();
        (0..self.steps).map(|_| cursor.next_step().len() as u64).sum()
    }
}

/// A [`Stimulus`] being played: [`Cursor::next_step`] gives timestep 0's inputs, then
/// timestep 1's, and so on; past the stimulus's end, none.
#[derive(Debug, Clone)]
pub struct Cursor<'a> {
    stimulus: &'a Stimulus,
    /// The timestep `next_step` gives next.
    t: u64,
    /// The first explicit spike not yet given.
    event: usize,
    trains: Vec<(u16, TrainState)>,
    inputs: Vec<u16>,
}

impl Cursor<'_> {
    /// The inputs of the next timestep, ascending and distinct.
    pub fn next_step(&mut self) -> &[u16] {
        self.inputs.clear();
        let t = self.t;
        let events = &self.stimulus.events;
        while let Some(&(_, input)) = events.get(self.event).filter(|(at, _)| *at == t) {
            self.inputs.push(input);
            self.event += 1;
        }
        for (input, train) in &mut self.trains {
            if train.fires(t) {
                self.inputs.push(*input);
            }
        }
        if !self.trains.is_empty() {
            self.inputs.sort_unstable();
            self.inputs.dedup();
        }
        self.t += 1;
        &self.inputs
    }

    /// Move past the next timestep.
    fn skip_step(&mut self) {
        if self.trains.is_empty() {
            let t = self.t;
            self.event += self.stimulus.events[self.event..].partition_point(|(at, _)| *at <= t);
            self.t += 1;
        } else {
            self.next_step();
        }
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
    let text = crate::network::read_text(path).map_err(|e| StimulusError::reading(&file, e))?;
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

/// Collects explicit spikes and encoder trains, ignoring (and counting) spikes past
/// the run.
struct Builder {
    steps: usize,
    events: Vec<(u64, u16)>,
    trains: Vec<(u16, Train)>,
    ignored: Option<StimulusWarning>,
}

impl Builder {
    fn new(steps: usize) -> Builder {
        Builder { steps, events: Vec::new(), trains: Vec::new(), ignored: None }
    }

    /// Input `input` spikes at `t`; `at` locates it in case it is ignored.
    fn add(&mut self, t: u64, input: u16, at: impl FnOnce() -> Location) {
        if t < self.steps as u64 {
            self.events.push((t, input));
        } else {
            self.ignore(t, 1, at);
        }
    }

    /// Input `input` spikes at every timestep of `start..end`.
    fn add_range(&mut self, start: u64, end: u64, input: u16, at: impl FnOnce() -> Location) {
        let len = self.steps as u64;
        if start < end.min(len) {
            self.trains.push((input, Train::every(start, end.min(len))));
        }
        let first = start.max(len);
        if end > first {
            self.ignore(first, end - first, at);
        }
    }

    /// Input `input` fires as `train` does; the train ends by the run's end.
    fn train(&mut self, input: u16, train: Train) {
        self.trains.push((input, train));
    }

    /// `count` spikes from timestep `first` on are past the run.
    fn ignore(&mut self, first: u64, count: u64, at: impl FnOnce() -> Location) {
        match &mut self.ignored {
            Some(warning) => warning.ignored = warning.ignored.saturating_add(count),
            None => {
                let steps = self.steps;
                self.ignored = Some(StimulusWarning { at: at(), ignored: count, first, steps });
            }
        }
    }

    fn finish(mut self, seed: u64) -> Loaded {
        self.events.sort_unstable();
        self.events.dedup();
        let stimulus = Stimulus { steps: self.steps, events: self.events, trains: self.trains };
        Loaded { stimulus, seed, warnings: self.ignored.into_iter().collect() }
    }
}
