//! How an image is used as a classifier (docs/learning.md §3): which input group the
//! features drive, which population's spikes are counted, the encoder, the timesteps
//! per sample, the class of each output neuron and how their counts vote.
//!
//! A [`Classifier`] travels in the image (`image.meta.classifier`, the optional
//! section 8 of docs/image-format.md) and comes from the network's `[classifier]`
//! table (docs/network-format.md). [`Classifier::check`] holds what is true of a
//! classifier on its own; [`Classifier::check_shape`] what must hold against the
//! network it classifies with.
//!
//! The prediction ([`Classifier::predict`]): each class scores the spike counts of its
//! neurons — their sum ([`Vote::Sum`]) or their mean ([`Vote::Mean`], compared exactly
//! by cross-multiplying, never in floating point); the highest score wins, a tie goes
//! to the lowest class, and a sample on which no output neuron spiked has no
//! prediction (`None`).

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use thiserror::Error;

use crate::error::Help;
use crate::learn::encode::{Encoder, EncoderError};

/// The longest input or output name in bytes (the image stores a name's length in one
/// byte).
pub const NAME_MAX: usize = 255;

/// How the spike counts of a class's neurons make its score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Vote {
    /// The sum of the counts (`"sum"`).
    #[default]
    Sum,
    /// The mean of the counts (`"mean"`).
    Mean,
}

impl Vote {
    /// Every vote, in the order of their codes in the image (0, 1).
    pub const ALL: [Vote; 2] = [Vote::Sum, Vote::Mean];

    /// The name in TOML and in `ncx inspect`.
    pub fn name(self) -> &'static str {
        match self {
            Vote::Sum => "sum",
            Vote::Mean => "mean",
        }
    }

    /// The byte that stands for it in the image's classifier section.
    pub fn code(self) -> u8 {
        match self {
            Vote::Sum => 0,
            Vote::Mean => 1,
        }
    }

    /// The vote of image code `code`, if there is one.
    pub fn from_code(code: u8) -> Option<Vote> {
        Vote::ALL.into_iter().find(|v| v.code() == code)
    }
}

impl fmt::Display for Vote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Vote {
    type Err = ClassifierError;

    fn from_str(s: &str) -> Result<Vote, ClassifierError> {
        Vote::ALL.into_iter().find(|v| v.name() == s).ok_or_else(|| ClassifierError::UnknownVote { name: s.to_owned() })
    }
}

/// Why a classifier is not valid.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ClassifierError {
    /// `timesteps` is 0.
    #[error("classifier timesteps = 0: a sample is presented for at least 1 timestep")]
    NoTimesteps,
    /// The input or output name is empty or too long.
    #[error("classifier {key} = {name:?} is not a name of 1 to {NAME_MAX} bytes")]
    Name {
        /// `"input"` or `"output"`.
        key: &'static str,
        /// The name.
        name: String,
    },
    /// No output neuron.
    #[error("classifier labels are empty: the output population has at least one neuron")]
    NoLabels,
    /// A class between 0 and the largest label has no neuron.
    #[error("classifier labels give no neuron to class {class} (the labels go up to {max})")]
    EmptyClass {
        /// The class without a neuron.
        class: u16,
        /// The largest label.
        max: u16,
    },
    /// The labels are not one per neuron of the output population.
    #[error("classifier labels has {labels} entries but output population {output:?} has {size} neurons")]
    LabelCount {
        /// The output population.
        output: String,
        /// Its size.
        size: usize,
        /// The number of labels.
        labels: usize,
    },
    /// The encoder is not valid.
    #[error(transparent)]
    Encoder(#[from] EncoderError),
    /// Not the name of a vote.
    #[error("unknown classifier vote {name:?}: the votes are \"sum\" and \"mean\"")]
    UnknownVote {
        /// The name given.
        name: String,
    },
}

impl Help for ClassifierError {
    fn help(&self) -> Option<Cow<'_, str>> {
        Some(Cow::Borrowed(match self {
            ClassifierError::NoTimesteps => "set timesteps to the length of a presentation, e.g. 32",
            ClassifierError::Name { .. } => "name an [[input]] group (input) and a [[population]] (output)",
            ClassifierError::NoLabels | ClassifierError::LabelCount { .. } => {
                "give one label per neuron of the output population, or leave labels out for 0..size-1"
            }
            ClassifierError::EmptyClass { .. } => "every class from 0 to the largest label needs at least one neuron",
            ClassifierError::Encoder(e) => return e.help(),
            ClassifierError::UnknownVote { .. } => "use vote = \"sum\" or vote = \"mean\"",
        }))
    }
}

/// An image's use as a classifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classifier {
    /// The input group the features drive (feature `i` → its axon `start + i`).
    pub input: String,
    /// The population whose spikes are counted.
    pub output: String,
    /// Timesteps per sample (the state is reset before each sample).
    pub timesteps: u32,
    /// How features become input spikes.
    pub encoder: Encoder,
    /// The class of each neuron of `output` (as many as its size).
    pub labels: Vec<u16>,
    /// How the counts of a class's neurons make its score.
    pub vote: Vote,
}

impl Classifier {
    /// The number of classes: the largest label + 1 (0 without labels).
    pub fn classes(&self) -> usize {
        self.labels.iter().max().map_or(0, |&m| usize::from(m) + 1)
    }

    /// What holds of a valid classifier on its own: `timesteps` ≥ 1, names of 1 to
    /// [`NAME_MAX`] bytes, a valid encoder, at least one label, and every class from 0
    /// to the largest label with at least one neuron.
    pub fn check(&self) -> Result<(), ClassifierError> {
        if self.timesteps == 0 {
            return Err(ClassifierError::NoTimesteps);
        }
        for (key, name) in [("input", &self.input), ("output", &self.output)] {
            if name.is_empty() || name.len() > NAME_MAX {
                return Err(ClassifierError::Name { key, name: name.clone() });
            }
        }
        self.encoder.check()?;
        let Some(&max) = self.labels.iter().max() else { return Err(ClassifierError::NoLabels) };
        let mut seen = vec![false; usize::from(max) + 1];
        for &label in &self.labels {
            seen[usize::from(label)] = true;
        }
        match seen.iter().position(|s| !s) {
            Some(class) => Err(ClassifierError::EmptyClass { class: class as u16, max }),
            None => Ok(()),
        }
    }

    /// The check against the network: the labels are one per neuron of the output
    /// population, of `output_size` neurons.
    pub fn check_shape(&self, output_size: usize) -> Result<(), ClassifierError> {
        if self.labels.len() != output_size {
            return Err(ClassifierError::LabelCount {
                output: self.output.clone(),
                size: output_size,
                labels: self.labels.len(),
            });
        }
        Ok(())
    }

    /// The class that the spike counts `counts` of the output neurons (one per label,
    /// in order) vote for: the highest score, a tie to the lowest class; `None` when no
    /// output neuron spiked. Counts past the labels are ignored (and missing ones are
    /// 0).
    pub fn predict(&self, counts: &[u32]) -> Option<u16> {
        let classes = self.classes();
        let mut sums = vec![0u64; classes];
        let mut sizes = vec![0u64; classes];
        let mut any = false;
        for (&label, &count) in self.labels.iter().zip(counts) {
            sums[usize::from(label)] += u64::from(count);
            any |= count > 0;
        }
        if !any {
            return None;
        }
        for &label in &self.labels {
            sizes[usize::from(label)] += 1;
        }
        let mut best: Option<usize> = None;
        for class in 0..classes {
            if sizes[class] == 0 {
                continue;
            }
            let better = match best {
                None => true,
                Some(b) => match self.vote {
                    Vote::Sum => sums[class] > sums[b],
                    // sums[class] / sizes[class] > sums[b] / sizes[b], exactly (sums
                    // < 2^48 and sizes < 2^16, so the products fit).
                    Vote::Mean => {
                        u128::from(sums[class]) * u128::from(sizes[b]) > u128::from(sums[b]) * u128::from(sizes[class])
                    }
                },
            };
            if better {
                best = Some(class);
            }
        }
        best.map(|c| c as u16)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::learn::encode::Encoding;

    fn classifier(labels: Vec<u16>, vote: Vote) -> Classifier {
        Classifier {
            input: "pixels".into(),
            output: "digit".into(),
            timesteps: 32,
            encoder: Encoder { kind: Encoding::Poisson, max_value: 16.0, max_probability: 0.2 },
            labels,
            vote,
        }
    }

    #[test]
    fn names_and_codes() {
        assert_eq!("sum".parse::<Vote>(), Ok(Vote::Sum));
        assert_eq!("mean".parse::<Vote>(), Ok(Vote::Mean));
        assert_eq!("max".parse::<Vote>(), Err(ClassifierError::UnknownVote { name: "max".into() }));
        assert_eq!(Vote::from_code(1), Some(Vote::Mean));
        assert_eq!(Vote::from_code(2), None);
        assert_eq!(Vote::default(), Vote::Sum);
    }

    #[test]
    fn classes_is_the_largest_label_plus_one() {
        assert_eq!(classifier(vec![0, 1, 2], Vote::Sum).classes(), 3);
        assert_eq!(classifier(vec![4, 0, 1, 2, 3, 4], Vote::Sum).classes(), 5);
        assert_eq!(classifier(vec![], Vote::Sum).classes(), 0);
    }

    #[test]
    fn sum_votes_ties_and_silence() {
        let c = classifier(vec![0, 1, 2, 3], Vote::Sum);
        assert_eq!(c.predict(&[0, 5, 2, 1]), Some(1));
        assert_eq!(c.predict(&[3, 5, 5, 1]), Some(1), "a tie goes to the lowest class");
        assert_eq!(c.predict(&[4, 4, 4, 4]), Some(0));
        assert_eq!(c.predict(&[0, 0, 0, 0]), None, "no spike, no prediction");
        assert_eq!(c.predict(&[0, 0, 0, 1]), Some(3));
        // Two neurons per class: class 0 = 1 + 3 = 4, class 1 = 2 + 2 = 4 → tie → 0;
        // then class 1 = 2 + 3 = 5 wins.
        let c = classifier(vec![0, 1, 0, 1], Vote::Sum);
        assert_eq!(c.predict(&[1, 2, 3, 2]), Some(0));
        assert_eq!(c.predict(&[1, 2, 3, 3]), Some(1));
    }

    #[test]
    fn mean_votes_divide_by_the_class_size() {
        // Class 0 has three neurons (sum 6, mean 2), class 1 one (sum 3, mean 3).
        let labels = vec![0, 0, 0, 1];
        assert_eq!(classifier(labels.clone(), Vote::Sum).predict(&[2, 2, 2, 3]), Some(0));
        assert_eq!(classifier(labels.clone(), Vote::Mean).predict(&[2, 2, 2, 3]), Some(1));
        // Means 6/3 = 2 and 2/1 = 2: an exact tie → class 0.
        assert_eq!(classifier(labels.clone(), Vote::Mean).predict(&[1, 2, 3, 2]), Some(0));
        // Means 7/3 > 2/1.
        assert_eq!(classifier(labels, Vote::Mean).predict(&[1, 3, 3, 2]), Some(0));
    }

    #[test]
    fn counts_past_the_labels_are_ignored() {
        let c = classifier(vec![0, 1], Vote::Sum);
        assert_eq!(c.predict(&[0, 1, 100]), Some(1));
        assert_eq!(c.predict(&[0, 0, 100]), None);
        assert_eq!(c.predict(&[2]), Some(0));
    }

    #[test]
    fn check_finds_each_problem() {
        assert_eq!(classifier((0..10).collect(), Vote::Sum).check(), Ok(()));
        let mut c = classifier(vec![0, 1], Vote::Sum);
        c.timesteps = 0;
        assert_eq!(c.check(), Err(ClassifierError::NoTimesteps));
        let mut c = classifier(vec![0, 1], Vote::Sum);
        c.output = String::new();
        assert_eq!(c.check(), Err(ClassifierError::Name { key: "output", name: String::new() }));
        let mut c = classifier(vec![0, 1], Vote::Sum);
        c.input = "x".repeat(256);
        assert!(matches!(c.check(), Err(ClassifierError::Name { key: "input", .. })));
        assert_eq!(classifier(vec![], Vote::Sum).check(), Err(ClassifierError::NoLabels));
        assert_eq!(classifier(vec![0, 1, 3], Vote::Sum).check(), Err(ClassifierError::EmptyClass { class: 2, max: 3 }));
        let mut c = classifier(vec![0], Vote::Sum);
        c.encoder.max_probability = 2.0;
        assert_eq!(c.check(), Err(ClassifierError::Encoder(EncoderError::MaxProbability { value: 2.0 })));
        assert!(c.check().unwrap_err().help().is_some());
        let c = classifier(vec![0, 1], Vote::Sum);
        assert_eq!(c.check_shape(2), Ok(()));
        let e = c.check_shape(10).unwrap_err();
        assert_eq!(e.to_string(), "classifier labels has 2 entries but output population \"digit\" has 10 neurons");
    }

    proptest! {
        #[test]
        fn the_prediction_has_the_highest_score_and_is_the_first_such(
            labels in prop::collection::vec(0u16..6, 1..30),
            counts in prop::collection::vec(0u32..20, 30),
            mean in any::<bool>(),
        ) {
            let vote = if mean { Vote::Mean } else { Vote::Sum };
            let c = classifier(labels.clone(), vote);
            let counts = &counts[..labels.len()];
            let predicted = c.predict(counts);
            if counts.iter().all(|&n| n == 0) {
                prop_assert_eq!(predicted, None);
                return Ok(());
            }
            // Scores as exact rationals (sum, size) of each class with neurons.
            let score = |class: u16| {
                let members: Vec<u32> = labels.iter().zip(counts).filter(|&(&l, _)| l == class).map(|(_, &n)| n).collect();
                let sum: u64 = members.iter().map(|&n| u64::from(n)).sum();
                (sum, if mean { members.len() as u64 } else { 1 })
            };
            let p = predicted.unwrap();
            prop_assert!(labels.contains(&p));
            let (ps, pn) = score(p);
            for &other in &labels {
                let (os, on) = score(other);
                prop_assert!(os * pn <= ps * on, "class {} beats {}", other, p);
                if other < p {
                    prop_assert!(os * pn < ps * on, "lower class {} ties with {}", other, p);
                }
            }
        }
    }
}
