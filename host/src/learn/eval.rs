//! Evaluating a classifier image on a labelled data set (docs/learning.md §4).
//!
//! [`evaluate`] checks first — the image carries a classifier
//! ([`crate::learn::classifier`]) whose input group and output population are in the
//! image and fit the core, the data's feature count is the input group's size, and
//! every label is a class of the classifier — then presents every sample
//! ([`crate::learn::present`]): its features encoded by the classifier's encoder with
//! the evaluation's seed and the sample's row ([`crate::learn::encode::Encoder::encode`],
//! indices offset by the input group's first axon), the state reset, `timesteps`
//! timesteps run, the spikes of the output population counted and voted
//! ([`Classifier::predict`]).
//!
//! Evaluation never learns: the image is presented with STDP off whatever its
//! configuration says, so every sample sees the same weights and the result does not
//! depend on the order of the samples. On the model the samples are shared among
//! `threads` threads, each with its own core, in blocks claimed in turn; a sample's
//! result depends only on the image, the seed and the sample, so the predictions and
//! counts are the same, bit for bit, for any number of threads — and the same on a
//! device, where the samples run one after the other on the one device.

use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use crate::error::Help;
use crate::image::{Block, Image};
use crate::learn::classifier::{Classifier, ClassifierError};
use crate::learn::dataset::{Dataset, Sample};
use crate::learn::present::{ModelPresenter, PresentError, Presenter, open};
use crate::progress::Progress;
use crate::run::{Connect, Target};

/// Samples a model thread claims at a time.
const BLOCK: usize = 8;

/// How to evaluate.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalOptions {
    /// Where the samples run.
    pub target: Target,
    /// The seed of a stochastic encoder (Poisson).
    pub seed: u64,
    /// Threads of the model target (0 or 1: the calling thread only). A device target
    /// runs its samples one after the other.
    pub threads: usize,
}

/// What an evaluation gave, sample by sample in the data set's order.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// Each sample's 0-based row in its data file.
    pub rows: Vec<usize>,
    /// Each sample's 1-based line in its data file.
    pub lines: Vec<usize>,
    /// Each sample's label.
    pub labels: Vec<u16>,
    /// Each sample's predicted class; `None` when no output neuron spiked.
    pub predictions: Vec<Option<u16>>,
    /// Each sample's spike counts of the output population's neurons, in order.
    pub counts: Vec<Vec<u32>>,
    /// The classifier's number of classes.
    pub classes: usize,
    /// Wall time of presenting the samples (encoding, running, reading out), seconds;
    /// connecting to a device and uploading the image are not counted.
    pub seconds: f64,
}

impl Evaluation {
    /// The number of samples.
    pub fn samples(&self) -> usize {
        self.labels.len()
    }

    /// The number of samples predicted right.
    pub fn correct(&self) -> usize {
        self.labels.iter().zip(&self.predictions).filter(|(l, p)| Some(**l) == **p).count()
    }

    /// The number of samples on which no output neuron spiked (no prediction).
    pub fn no_spike(&self) -> usize {
        self.predictions.iter().filter(|p| p.is_none()).count()
    }

    /// The fraction of samples predicted right (0 for no sample).
    pub fn accuracy(&self) -> f64 {
        if self.samples() == 0 { 0.0 } else { self.correct() as f64 / self.samples() as f64 }
    }

    /// The confusion matrix: `classes` rows (the true class) of `classes + 1` columns
    /// (the predicted class, then "no spike").
    pub fn confusion(&self) -> Vec<Vec<u32>> {
        let mut m = vec![vec![0u32; self.classes + 1]; self.classes];
        for (&label, prediction) in self.labels.iter().zip(&self.predictions) {
            let column = prediction.map_or(self.classes, usize::from);
            if let Some(row) = m.get_mut(usize::from(label)) {
                row[column.min(self.classes)] += 1;
            }
        }
        m
    }

    /// Per class, the fraction of its samples predicted as it (`None`: no sample of
    /// the class).
    pub fn recall(&self) -> Vec<Option<f64>> {
        self.confusion()
            .iter()
            .enumerate()
            .map(|(class, row)| {
                let total: u32 = row.iter().sum();
                (total > 0).then(|| f64::from(row[class]) / f64::from(total))
            })
            .collect()
    }

    /// Samples per second of wall time (0 when no time was measured).
    pub fn images_per_second(&self) -> f64 {
        if self.seconds > 0.0 { self.samples() as f64 / self.seconds } else { 0.0 }
    }

    /// The confusion matrix as CSV: a header `true,0,1,…,none`, then one line per true
    /// class with its counts per predicted class and its no-spike count.
    pub fn confusion_csv(&self) -> String {
        let mut out = String::from("true");
        (0..self.classes).for_each(|c| out.push_str(&format!(",{c}")));
        out.push_str(",none\n");
        for (class, row) in self.confusion().iter().enumerate() {
            out.push_str(&class.to_string());
            row.iter().for_each(|n| out.push_str(&format!(",{n}")));
            out.push('\n');
        }
        out
    }

    /// Every sample's outcome as CSV: `row,line,label,prediction,correct` (the
    /// prediction empty when no output neuron spiked; correct 1 or 0), in the order of
    /// the data set.
    pub fn predictions_csv(&self) -> String {
        let mut out = String::from("row,line,label,prediction,correct\n");
        for (i, (&label, prediction)) in self.labels.iter().zip(&self.predictions).enumerate() {
            let row = self.rows.get(i).copied().unwrap_or(i);
            let line = self.lines.get(i).map_or(String::new(), usize::to_string);
            let predicted = prediction.map_or(String::new(), |p| p.to_string());
            let correct = u8::from(*prediction == Some(label));
            out.push_str(&format!("{row},{line},{label},{predicted},{correct}\n"));
        }
        out
    }

    /// The confusion matrix as text for a terminal: a header of predicted classes and
    /// `-` (no spike), one line per true class, columns right-aligned.
    pub fn confusion_text(&self) -> String {
        let m = self.confusion();
        let width = m.iter().flatten().map(|n| n.to_string().len()).chain([self.classes.to_string().len(), 1]).max();
        let width = width.unwrap_or(1);
        let label_width = "true".len().max(self.classes.to_string().len());
        let mut out = format!("{:>label_width$} |", "true");
        (0..self.classes).for_each(|c| out.push_str(&format!(" {c:>width$}")));
        out.push_str(&format!(" {:>width$}\n", "-"));
        for (class, row) in m.iter().enumerate() {
            out.push_str(&format!("{class:>label_width$} |"));
            row.iter().for_each(|n| out.push_str(&format!(" {n:>width$}")));
            out.push('\n');
        }
        out
    }
}

/// Why an evaluation could not be done.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EvalError {
    /// The image carries no classifier.
    #[error(
        "the image {image:?} has no classifier: it does not say which inputs the features drive, which neurons vote, nor how"
    )]
    NoClassifier {
        /// The image's network name.
        image: String,
    },
    /// The image's classifier is not valid.
    #[error("the image's classifier is not valid: {0}")]
    Classifier(#[source] ClassifierError),
    /// The classifier's input group or output population is not in the image.
    #[error("the classifier's {what} {name:?} is not in the image; its {what}s are {}", list(.have))]
    Missing {
        /// `"input group"` or `"population"`.
        what: &'static str,
        /// The name the classifier gives.
        name: String,
        /// The names the image has.
        have: Vec<String>,
    },
    /// The classifier's input group or output population does not fit the core.
    #[error("the classifier's {what} {name:?} covers indices {start}..{} but the core has {limit}", u32::from(*.start) + u32::from(*.len))]
    Block {
        /// `"input group"` or `"population"`.
        what: &'static str,
        /// Its name.
        name: String,
        /// Its first index.
        start: u16,
        /// Its size.
        len: u16,
        /// The core's number of inputs or neurons.
        limit: usize,
    },
    /// The data has another number of features than the input group has axons.
    #[error("{data} has {features} features per sample but the classifier's input group {group:?} has {size} axons")]
    Features {
        /// The data file.
        data: PathBuf,
        /// Its features per sample.
        features: usize,
        /// The input group.
        group: String,
        /// Its size.
        size: usize,
    },
    /// A label that is not a class of the classifier.
    #[error("{data} line {line}: label {label} is not a class of the classifier (it has {classes}, 0 to {})", .classes.saturating_sub(1))]
    Label {
        /// The data file.
        data: PathBuf,
        /// The sample's 1-based line.
        line: usize,
        /// The label.
        label: u16,
        /// The classifier's number of classes.
        classes: usize,
    },
    /// The data set has no sample.
    #[error("{data}: no sample to evaluate")]
    NoSamples {
        /// The data file.
        data: PathBuf,
    },
    /// The target could not be opened (connect, upload).
    #[error("{0}")]
    Open(#[source] PresentError),
    /// A sample could not be presented.
    #[error("{data} line {line}: {source}")]
    Sample {
        /// The data file.
        data: PathBuf,
        /// The sample's 1-based line.
        line: usize,
        /// Why.
        #[source]
        source: PresentError,
    },
}

/// `"a", "b"` or `none`.
fn list(names: &[String]) -> String {
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.iter().map(|n| format!("{n:?}")).collect::<Vec<_>>().join(", ")
    }
}

impl Help for EvalError {
    fn help(&self) -> Option<Cow<'_, str>> {
        Some(Cow::Borrowed(match self {
            EvalError::NoClassifier { .. } => {
                "add a [classifier] table to the network (input, output, timesteps, encoder; docs/learning.md §3) and \
                 compile it again, or train one with `ncx train`"
            }
            EvalError::Missing { .. } => {
                "the [classifier] table names an [[input]] group and a [[population]] of the network"
            }
            EvalError::Block { .. } => "the image's metadata does not match its geometry; recompile the network",
            EvalError::Features { .. } => {
                "evaluate on the data the classifier was built for, or size its input group to the data's features"
            }
            EvalError::Label { .. } => {
                "evaluate on the data the classifier was built for, or give it more classes (labels)"
            }
            EvalError::NoSamples { .. } => "give a data set (or a split) with at least one sample",
            // The cause's help (the classifier's, the device's) follows the message.
            EvalError::Classifier(_) | EvalError::Open(_) | EvalError::Sample { .. } => return None,
        }))
    }
}

/// What every presentation needs: the classifier and where its blocks are.
struct Setup<'a> {
    classifier: &'a Classifier,
    input_start: u16,
    output: std::ops::Range<usize>,
    seed: u64,
}

impl Setup<'_> {
    /// Encode `sample` into `inputs` (core input indices).
    fn encode(&self, sample: &Sample, inputs: &mut Vec<Vec<u16>>) {
        let c = self.classifier;
        c.encoder.encode_into(&sample.features, c.timesteps, self.seed, sample.row as u64, inputs);
        if self.input_start > 0 {
            for step in inputs.iter_mut() {
                step.iter_mut().for_each(|i| *i += self.input_start);
            }
        }
    }
}

/// One sample's result: the counts of the output neurons and the prediction.
type Outcome = (Vec<u32>, Option<u16>);

/// Evaluate `image`'s classifier on every sample of `data` (module docs); a device
/// target is reached through `connect`; `progress` counts samples.
pub fn evaluate(
    image: &Image,
    data: &Dataset,
    options: &EvalOptions,
    connect: &mut dyn Connect,
    progress: &mut dyn Progress,
) -> Result<Evaluation, EvalError> {
    let (setup, image) = check(image, data, options.seed)?;
    let n = data.samples.len();
    let mut outcomes: Vec<Option<Outcome>> = vec![None; n];
    let seconds = match &options.target {
        Target::Model => {
            let mut presenter = ModelPresenter::new(&image).map_err(EvalError::Open)?;
            progress.init(n as u64);
            let started = Instant::now();
            let result = on_model(&setup, &image, &mut presenter, data, options.threads, &mut outcomes, progress);
            let seconds = started.elapsed().as_secs_f64();
            progress.finish();
            result?;
            seconds
        }
        Target::Device { .. } => {
            let mut presenter = open(&image, &options.target, connect).map_err(EvalError::Open)?;
            progress.init(n as u64);
            let started = Instant::now();
            let result = on_device(&setup, presenter.as_mut(), data, &mut outcomes, progress);
            let seconds = started.elapsed().as_secs_f64();
            progress.finish();
            result?;
            seconds
        }
    };
    let mut counts = Vec::with_capacity(n);
    let mut predictions = Vec::with_capacity(n);
    for outcome in outcomes {
        let (c, p) = outcome.unwrap_or_default();
        counts.push(c);
        predictions.push(p);
    }
    Ok(Evaluation {
        rows: data.samples.iter().map(|s| s.row).collect(),
        lines: data.samples.iter().map(|s| s.line).collect(),
        labels: data.samples.iter().map(|s| s.label).collect(),
        predictions,
        counts,
        classes: setup.classifier.classes(),
        seconds,
    })
}

/// The checks of the module docs; the image to present (STDP off).
fn check<'a>(image: &'a Image, data: &Dataset, seed: u64) -> Result<(Setup<'a>, Image), EvalError> {
    let classifier =
        image.meta.classifier.as_ref().ok_or_else(|| EvalError::NoClassifier { image: image.meta.name.clone() })?;
    classifier.check().map_err(EvalError::Classifier)?;
    let find = |what: &'static str, blocks: &'a [Block], name: &str, limit: usize| {
        let block = blocks.iter().find(|b| b.name == name).ok_or_else(|| EvalError::Missing {
            what,
            name: name.to_owned(),
            have: blocks.iter().map(|b| b.name.clone()).collect(),
        })?;
        if usize::from(block.start) + usize::from(block.len) > limit {
            let (name, start, len) = (block.name.clone(), block.start, block.len);
            return Err(EvalError::Block { what, name, start, len, limit });
        }
        Ok(block)
    };
    let input = find("input group", &image.meta.inputs, &classifier.input, image.geometry.inputs())?;
    let output = find("population", &image.meta.populations, &classifier.output, image.geometry.neurons())?;
    classifier.check_shape(usize::from(output.len)).map_err(EvalError::Classifier)?;
    if data.features != usize::from(input.len) {
        return Err(EvalError::Features {
            data: data.path.clone(),
            features: data.features,
            group: input.name.clone(),
            size: usize::from(input.len),
        });
    }
    let classes = classifier.classes();
    if let Some(s) = data.samples.iter().find(|s| usize::from(s.label) >= classes) {
        return Err(EvalError::Label { data: data.path.clone(), line: s.line, label: s.label, classes });
    }
    if data.samples.is_empty() {
        return Err(EvalError::NoSamples { data: data.path.clone() });
    }
    let mut image = image.clone();
    image.config.stdp.enabled = false;
    let start = usize::from(output.start);
    let setup = Setup { classifier, input_start: input.start, output: start..start + usize::from(output.len), seed };
    Ok((setup, image))
}

/// The samples on the model, shared among `threads` threads in blocks of [`BLOCK`].
fn on_model(
    setup: &Setup<'_>,
    image: &Image,
    presenter: &mut ModelPresenter,
    data: &Dataset,
    threads: usize,
    outcomes: &mut [Option<Outcome>],
    progress: &mut dyn Progress,
) -> Result<(), EvalError> {
    let n = data.samples.len();
    let threads = threads.clamp(1, n.div_ceil(BLOCK).max(1));
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let results = Mutex::new(outcomes);
    // Claim blocks until none is left; each result goes to its sample's slot.
    let work = |presenter: &mut ModelPresenter, report: &mut dyn FnMut(usize)| -> Result<(), EvalError> {
        let neurons = image.geometry.neurons();
        let (mut inputs, mut counts, mut block) = (Vec::new(), vec![0u32; neurons], Vec::with_capacity(BLOCK));
        loop {
            let first = next.fetch_add(BLOCK, Ordering::Relaxed);
            if first >= n {
                return Ok(());
            }
            block.clear();
            for (i, sample) in data.samples.iter().enumerate().skip(first).take(BLOCK) {
                setup.encode(sample, &mut inputs);
                counts.fill(0);
                presenter.present_into(&inputs, &mut counts).map_err(|source| EvalError::Sample {
                    data: data.path.clone(),
                    line: sample.line,
                    source,
                })?;
                let out = counts[setup.output.clone()].to_vec();
                let prediction = setup.classifier.predict(&out);
                block.push((i, (out, prediction)));
            }
            let claimed = block.len();
            {
                let mut slots = results.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                for (i, outcome) in block.drain(..) {
                    slots[i] = Some(outcome);
                }
            }
            let total = done.fetch_add(claimed, Ordering::Relaxed) + claimed;
            report(total);
        }
    };
    let mut report = |total: usize| progress.update(total as u64);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (1..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut own = ModelPresenter::new(image).map_err(EvalError::Open)?;
                    work(&mut own, &mut |_| {})
                })
            })
            .collect();
        let mine = work(presenter, &mut report);
        let mut first_error = mine.err();
        for handle in handles {
            let theirs = match handle.join() {
                Ok(result) => result,
                Err(panic) => std::panic::resume_unwind(panic),
            };
            if let (None, Err(e)) = (&first_error, theirs) {
                first_error = Some(e);
            }
        }
        first_error.map_or(Ok(()), Err)
    })?;
    progress.update(n as u64);
    Ok(())
}

/// The samples on a device, one after the other.
fn on_device(
    setup: &Setup<'_>,
    presenter: &mut (dyn Presenter + Send),
    data: &Dataset,
    outcomes: &mut [Option<Outcome>],
    progress: &mut dyn Progress,
) -> Result<(), EvalError> {
    let mut inputs = Vec::new();
    for (i, sample) in data.samples.iter().enumerate() {
        setup.encode(sample, &mut inputs);
        let counts = presenter.present(&inputs).map_err(|source| EvalError::Sample {
            data: data.path.clone(),
            line: sample.line,
            source,
        })?;
        let out = counts.get(setup.output.clone()).map(<[u32]>::to_vec).unwrap_or_default();
        let prediction = setup.classifier.predict(&out);
        outcomes[i] = Some((out, prediction));
        progress.update(i as u64 + 1);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use ncx_model::{Geometry, NeuronParams};
    use proptest::prelude::*;

    use super::*;
    use crate::learn::classifier::Vote;
    use crate::learn::encode::{Encoder, Encoding};
    use crate::progress::NoProgress;
    use crate::run::ConnectError;

    /// 16 × 16. Input group "px" is axons 2..5, population "out" neurons 4..7 with
    /// labels 0, 1, 1; output neuron 4 + k fires in each timestep axon 2 + k spikes
    /// (weight 127 ≥ threshold 100, no current memory), and nothing else is wired.
    /// Rate encoder with max_value 1 and max_probability 1: a feature 1 spikes every
    /// timestep, 0.5 every other (timesteps 1 and 3 of 4), 0 never. 4 timesteps.
    fn image(vote: Vote) -> Image {
        let mut image = Image::empty(Geometry::new(16, 16).unwrap());
        image.meta.name = "tiny".into();
        let block = |name: &str, start, len| Block { name: name.into(), start, len, record: false, probe: vec![] };
        image.meta.inputs = vec![block("bias", 0, 2), block("px", 2, 3)];
        image.meta.populations = vec![block("hidden", 0, 4), block("out", 4, 3)];
        for k in 0..3 {
            image.neurons[4 + k] = NeuronParams { threshold: 100, i_decay: 4095, ..NeuronParams::SILENT };
            image.w_in[(4 + k) * 16 + 2 + k] = 127;
        }
        image.meta.classifier = Some(Classifier {
            input: "px".into(),
            output: "out".into(),
            timesteps: 4,
            encoder: Encoder { kind: Encoding::Rate, max_value: 1.0, max_probability: 1.0 },
            labels: vec![0, 1, 1],
            vote,
        });
        image
    }

    /// Five samples (features; label), in rows 10..15 of a file.
    fn data() -> Dataset {
        let rows: [([f32; 3], u16); 5] = [
            ([1.0, 0.0, 0.0], 0),
            ([0.0, 1.0, 0.0], 1),
            ([0.0, 0.0, 0.0], 0),
            ([1.0, 0.5, 0.5], 1),
            ([0.5, 1.0, 0.0], 0),
        ];
        let samples = rows
            .iter()
            .enumerate()
            .map(|(i, (f, l))| Sample { row: 10 + i, line: 11 + i, features: f.to_vec(), label: *l })
            .collect();
        Dataset { path: PathBuf::from("d.csv"), features: 3, samples }
    }

    /// A [`Connect`] for targets that must not connect.
    struct NoConnect;

    impl Connect for NoConnect {
        fn connect(
            &mut self,
            _: &crate::link::LinkTarget,
            _: &str,
            _: Geometry,
        ) -> Result<crate::run::Session, ConnectError> {
            Err("no device in this test".into())
        }
    }

    fn options(target: &str, threads: usize) -> EvalOptions {
        EvalOptions { target: target.parse().unwrap(), seed: 1, threads }
    }

    fn eval(image: &Image, data: &Dataset, target: &str, threads: usize) -> Result<Evaluation, EvalError> {
        let mut connect = crate::driver::DriverOptions::default();
        evaluate(image, data, &options(target, threads), &mut connect, &mut NoProgress)
    }

    #[test]
    fn predictions_counts_and_scores_as_derived_by_hand() {
        let e = eval(&image(Vote::Sum), &data(), "model", 1).unwrap();
        assert_eq!(e.rows, [10, 11, 12, 13, 14]);
        assert_eq!(e.labels, [0, 1, 0, 1, 0]);
        // Counts of neurons 4, 5, 6: a feature 1 gives 4 spikes, 0.5 gives 2.
        assert_eq!(e.counts, [vec![4, 0, 0], vec![0, 4, 0], vec![0, 0, 0], vec![4, 2, 2], vec![2, 4, 0]]);
        // Sum: class 0 scores the count of neuron 4, class 1 those of 5 and 6. Sample 3:
        // 4 against 2 + 2, a tie, to the lowest class.
        assert_eq!(e.predictions, [Some(0), Some(1), None, Some(0), Some(1)]);
        assert_eq!((e.samples(), e.correct(), e.no_spike(), e.classes), (5, 2, 1, 2));
        assert_eq!(e.accuracy(), 0.4);
        assert_eq!(e.confusion(), [vec![1, 1, 1], vec![1, 1, 0]]);
        assert_eq!(e.recall(), [Some(1.0 / 3.0), Some(0.5)]);
        assert_eq!(e.confusion_csv(), "true,0,1,none\n0,1,1,1\n1,1,1,0\n");
        assert_eq!(
            e.predictions_csv(),
            "row,line,label,prediction,correct\n10,11,0,0,1\n11,12,1,1,1\n12,13,0,,0\n13,14,1,0,0\n14,15,0,1,0\n"
        );
        assert_eq!(e.confusion_text(), "true | 0 1 -\n   0 | 1 1 1\n   1 | 1 1 0\n");
        // Mean: class 1 scores (2 + 2) / 2 = 2 in sample 3 and (4 + 0) / 2 = 2 in sample 4.
        let mean = eval(&image(Vote::Mean), &data(), "model", 1).unwrap();
        assert_eq!(mean.predictions, [Some(0), Some(1), None, Some(0), Some(0)]);
        assert_eq!(mean.correct(), 3);
    }

    #[test]
    fn any_thread_count_and_model_device_give_the_same_result() {
        let mut big = data();
        let template = big.samples.clone();
        for k in 1..8 {
            big.samples.extend(template.iter().map(|s| Sample { row: s.row + 10 * k, ..s.clone() }));
        }
        let one = eval(&image(Vote::Sum), &big, "model", 1).unwrap();
        assert_eq!(one.samples(), 40);
        for threads in [0, 2, 3, 64] {
            let e = eval(&image(Vote::Sum), &big, "model", threads).unwrap();
            assert_eq!((&e.predictions, &e.counts, &e.rows), (&one.predictions, &one.counts, &one.rows), "{threads}");
        }
        let device = eval(&image(Vote::Sum), &data(), "model-device", 1).unwrap();
        let model = eval(&image(Vote::Sum), &data(), "model", 1).unwrap();
        assert_eq!((&device.predictions, &device.counts), (&model.predictions, &model.counts));
    }

    #[test]
    fn evaluation_never_learns() {
        // STDP on, every synapse plastic: the samples still see the image's weights.
        let mut learning = image(Vote::Sum);
        learning.config.stdp.enabled = true;
        learning.plastic_in.fill(true);
        let e = eval(&learning, &data(), "model", 1).unwrap();
        assert_eq!(e.counts, eval(&image(Vote::Sum), &data(), "model", 1).unwrap().counts);
    }

    fn message(e: &EvalError) -> String {
        e.to_string()
    }

    #[test]
    fn an_image_without_a_classifier_says_how_to_add_one() {
        let mut plain = image(Vote::Sum);
        plain.meta.classifier = None;
        let e = eval(&plain, &data(), "model", 1).unwrap_err();
        assert!(message(&e).starts_with("the image \"tiny\" has no classifier"), "{e}");
        assert!(e.help().unwrap().contains("[classifier] table"), "{:?}", e.help());
        assert!(e.help().unwrap().contains("docs/learning.md §3"), "{:?}", e.help());
    }

    #[test]
    fn the_feature_count_must_be_the_input_group_size() {
        let mut wide = data();
        wide.features = 4;
        wide.samples.iter_mut().for_each(|s| s.features.push(0.0));
        assert_eq!(
            message(&eval(&image(Vote::Sum), &wide, "model", 1).unwrap_err()),
            "d.csv has 4 features per sample but the classifier's input group \"px\" has 3 axons"
        );
    }

    #[test]
    fn a_label_past_the_classes_names_file_line_label_and_classes() {
        let mut bad = data();
        bad.samples[3].label = 2;
        assert_eq!(
            message(&eval(&image(Vote::Sum), &bad, "model", 1).unwrap_err()),
            "d.csv line 14: label 2 is not a class of the classifier (it has 2, 0 to 1)"
        );
    }

    #[test]
    fn missing_or_oversized_blocks_and_no_samples_are_refused() {
        let mut no_input = image(Vote::Sum);
        no_input.meta.inputs.retain(|b| b.name != "px");
        assert_eq!(
            message(&eval(&no_input, &data(), "model", 1).unwrap_err()),
            "the classifier's input group \"px\" is not in the image; its input groups are \"bias\""
        );
        let mut no_output = image(Vote::Sum);
        no_output.meta.populations.clear();
        assert_eq!(
            message(&eval(&no_output, &data(), "model", 1).unwrap_err()),
            "the classifier's population \"out\" is not in the image; its populations are none"
        );
        let mut past = image(Vote::Sum);
        past.meta.populations[1].start = 14;
        assert_eq!(
            message(&eval(&past, &data(), "model", 1).unwrap_err()),
            "the classifier's population \"out\" covers indices 14..17 but the core has 16"
        );
        let mut shape = image(Vote::Sum);
        shape.meta.populations[1].len = 4;
        let e = eval(&shape, &data(), "model", 1).unwrap_err();
        assert!(matches!(e, EvalError::Classifier(_)), "{e:?}");
        // One help line: the classifier's.
        let report = crate::error::Report(&e).to_string();
        assert_eq!(report.matches("\nhelp: ").count(), 1, "{report}");
        assert!(report.contains("one label per neuron"), "{report}");
        let empty = Dataset { samples: vec![], ..data() };
        assert_eq!(message(&eval(&image(Vote::Sum), &empty, "model", 1).unwrap_err()), "d.csv: no sample to evaluate");
    }

    #[test]
    fn a_device_that_cannot_be_reached_is_an_open_error() {
        let mut connect = NoConnect;
        let e = evaluate(&image(Vote::Sum), &data(), &options("pty", 1), &mut connect, &mut NoProgress).unwrap_err();
        assert_eq!(message(&e), "cannot connect to pty: no device in this test");
    }

    #[test]
    fn an_input_group_past_the_core_is_refused() {
        // Axons 14..17 of a core of 16: refused before any sample runs, so an encoded
        // index can never be past the core.
        let mut over = image(Vote::Sum);
        over.meta.inputs[1].start = 14;
        assert!(matches!(eval(&over, &data(), "model", 1).unwrap_err(), EvalError::Block { .. }));
    }

    proptest! {
        /// The confusion matrix partitions the samples: its total is the sample count,
        /// its diagonal the correct ones, its last column the no-spike ones.
        #[test]
        fn the_confusion_matrix_partitions_the_samples(
            pairs in prop::collection::vec((0u16..4, prop::option::of(0u16..4)), 0..50),
        ) {
            let e = Evaluation {
                rows: (0..pairs.len()).collect(),
                lines: (1..=pairs.len()).collect(),
                labels: pairs.iter().map(|p| p.0).collect(),
                predictions: pairs.iter().map(|p| p.1).collect(),
                counts: vec![vec![]; pairs.len()],
                classes: 4,
                seconds: 1.0,
            };
            let m = e.confusion();
            prop_assert_eq!(m.iter().flatten().sum::<u32>() as usize, pairs.len());
            prop_assert_eq!((0..4).map(|c| m[c][c]).sum::<u32>() as usize, e.correct());
            prop_assert_eq!(m.iter().map(|r| r[4]).sum::<u32>() as usize, e.no_spike());
            prop_assert_eq!(e.images_per_second(), pairs.len() as f64);
        }
    }
}
