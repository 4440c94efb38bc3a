//! The training loop of on-chip learning (docs/learning.md §6): each epoch presents the
//! training samples, in a seeded order, to the image on the target with STDP on — every
//! sample followed by its contrast phase — reads the learned weights back, assigns each
//! excitatory neuron the class it responds to most on the training samples, and scores
//! that assignment. Everything the host decides (initial weights, order, spikes) comes
//! from the seed, so every target learns the same weights byte for byte.

use std::time::Instant;

use ncx_model::NeuronParams;

use super::OnchipError;
use super::arch::{Arch, Keep, Teacher};
use super::network::{EXCITATORY, INPUT, eval_image, initial_image, learned_rows};
use crate::image::Image;
use crate::learn::classifier::Classifier;
use crate::learn::dataset::{Dataset, Sample};
use crate::learn::encode::{Encoder, Encoding};
use crate::learn::present::open;
use crate::progress::Progress;
use crate::rng::SplitMix64;
use crate::run::{Connect, Target};
use crate::stimulus::encode::mix;

/// Seed tags: each use of the seed draws from its own stream.
const ORDER_TAG: u64 = 0x0dde_0000;
const SAMPLE_TAG: u64 = 0x5a3e_0000;
const CONTRAST_TAG: u64 = 0xc0a7_0000;
const ASSIGN_TAG: u64 = 0xa551_0000;

/// Where and how to train.
#[derive(Debug, Clone, PartialEq)]
pub struct OnchipOptions {
    /// The device that learns (or the model).
    pub target: Target,
    /// The seed of every choice of the host.
    pub seed: u64,
}

/// What one epoch did.
#[derive(Debug, Clone, PartialEq)]
pub struct EpochReport {
    /// The epoch, from 1.
    pub epoch: u32,
    /// Accuracy on the training samples of the labels assigned after this epoch.
    pub train_accuracy: f64,
    /// Mean |Δw| over the learned synapses during the epoch.
    pub mean_abs_dw: f64,
    /// Excitatory spikes per training sample (sample and contrast phase).
    pub spikes_per_sample: f64,
    /// Training samples (of the learning pass) to which no excitatory neuron responded.
    pub silent: usize,
}

/// The result of training.
#[derive(Debug, Clone, PartialEq)]
pub struct Trained {
    /// The trained network (the kept epoch's weights, STDP off, with its classifier).
    pub image: Image,
    /// The learned input weights of the excitatory neurons (`size × features`).
    pub weights: Vec<i8>,
    /// The assigned class of each excitatory neuron.
    pub labels: Vec<u16>,
    /// Every epoch's report.
    pub epochs: Vec<EpochReport>,
    /// The epoch kept (from 1).
    pub kept: u32,
    /// The number of features (inputs used).
    pub features: usize,
    /// Wall time of the training, in seconds.
    pub seconds: f64,
}

/// Check that `data` fits `arch`: its features fit the core's inputs and, with the class
/// teacher, every class has an excitatory neuron.
pub fn check(arch: &Arch, data: &Dataset) -> Result<(), OnchipError> {
    if data.samples.is_empty() {
        return Err(OnchipError::NoSamples { data: data.path.clone() });
    }
    if data.features > arch.geometry.inputs() {
        return Err(OnchipError::Features {
            data: data.path.clone(),
            features: data.features,
            arch: arch.path.clone(),
            inputs: arch.geometry.inputs(),
        });
    }
    let classes = data.classes();
    if arch.training.teacher == Teacher::Class && arch.excitatory.size < classes {
        return Err(OnchipError::Classes {
            arch: arch.path.clone(),
            size: arch.excitatory.size,
            data: data.path.clone(),
            classes,
        });
    }
    Ok(())
}

/// Train `arch` on `data` on `options.target` (docs/learning.md §6). `on_epoch` sees
/// each epoch's report as it ends; `progress` counts presented samples.
pub fn train(
    arch: &Arch,
    data: &Dataset,
    options: &OnchipOptions,
    connect: &mut dyn Connect,
    progress: &mut dyn Progress,
    on_epoch: &mut dyn FnMut(&EpochReport),
) -> Result<Trained, OnchipError> {
    check(arch, data)?;
    let start = Instant::now();
    let (features, classes, size) = (data.features, data.classes(), arch.excitatory.size);
    let teacher_labels: Vec<u16> = (0..size).map(|n| (n % classes) as u16).collect();
    let mut image = initial_image(arch, features, teacher_labels.clone(), options.seed);
    let per_epoch = 2 * data.samples.len() as u64;
    progress.init(u64::from(arch.training.epochs) * per_epoch);
    let mut done = 0;
    let mut reports = Vec::new();
    let mut best: Option<(f64, u32, Vec<i8>, Vec<u16>)> = None;
    let mut epochs = || -> Result<(), OnchipError> {
        for epoch in 0..arch.training.epochs {
            let before = learned_rows(&image, size, features);
            let (spikes, silent) = learn_epoch(arch, data, &mut image, classes, options, epoch, connect, &mut |n| {
                done += n;
                progress.update(done);
            })?;
            let rows = learned_rows(&image, size, features);
            let dw: u64 = before.iter().zip(&rows).map(|(a, b)| u64::from(a.abs_diff(*b))).sum();
            let (labels, accuracy) = assign(arch, data, &rows, &teacher_labels, classes, options, connect, &mut |n| {
                done += n;
                progress.update(done);
            })?;
            let report = EpochReport {
                epoch: epoch + 1,
                train_accuracy: accuracy,
                mean_abs_dw: dw as f64 / rows.len().max(1) as f64,
                spikes_per_sample: spikes as f64 / data.samples.len() as f64,
                silent,
            };
            on_epoch(&report);
            reports.push(report);
            let better = match (&best, arch.training.keep) {
                (None, _) | (Some(_), Keep::Last) => true,
                (Some((b, ..)), Keep::Best) => accuracy > *b,
            };
            if better {
                best = Some((accuracy, epoch + 1, rows, labels));
            }
        }
        Ok(())
    };
    let outcome = epochs();
    progress.finish();
    outcome?;
    let (_, kept, weights, labels) = best.unwrap_or_else(|| (0.0, 0, Vec::new(), teacher_labels.clone()));
    let image = eval_image(arch, features, labels.clone(), &weights);
    Ok(Trained { image, weights, labels, epochs: reports, kept, features, seconds: start.elapsed().as_secs_f64() })
}

/// The order of the samples of `epoch`: a seeded shuffle; with the class teacher,
/// grouped by class, the classes in the order `epoch mod classes`, `epoch + 1 mod
/// classes`, … (each class's samples in their shuffled order).
pub fn epoch_order(data: &Dataset, classes: usize, teacher: Teacher, seed: u64, epoch: u32) -> Vec<usize> {
    let mut order: Vec<usize> = (0..data.samples.len()).collect();
    let mut rng = SplitMix64::new(mix(seed ^ mix(ORDER_TAG + u64::from(epoch))));
    for i in (1..order.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        order.swap(i, j);
    }
    if teacher == Teacher::Class {
        let shift = epoch as usize % classes.max(1);
        order.sort_by_key(|&i| (usize::from(data.samples[i].label) + classes - shift) % classes.max(1));
    }
    order
}

/// The input spikes of a training sample in `epoch`: the sample phase (`timesteps`,
/// the architecture's encoder) then the contrast phase (`contrast_timesteps`, the
/// complement `max_value − x` through a Poisson encoder with the contrast probability).
pub fn training_inputs(arch: &Arch, sample: &Sample, seed: u64, epoch: u32) -> Vec<Vec<u16>> {
    let row = sample.row as u64;
    let e = u64::from(epoch);
    let mut inputs = arch.encoder.encode(&sample.features, arch.timesteps, mix(seed ^ mix(SAMPLE_TAG + e)), row);
    if arch.training.contrast_timesteps > 0 {
        let complement: Vec<f32> = sample.features.iter().map(|&x| arch.encoder.max_value - x).collect();
        let steps = arch.training.contrast_timesteps;
        let contrast = Encoder {
            kind: Encoding::Poisson,
            max_value: arch.encoder.max_value,
            max_probability: arch.training.contrast_probability,
        };
        inputs.extend(contrast.encode(&complement, steps, mix(seed ^ mix(CONTRAST_TAG + e)), row));
    }
    inputs
}

/// One learning pass over the samples: returns the excitatory spikes and the number of
/// silent samples. `image` ends with the learned weights.
#[allow(clippy::too_many_arguments)]
fn learn_epoch(
    arch: &Arch,
    data: &Dataset,
    image: &mut Image,
    classes: usize,
    options: &OnchipOptions,
    epoch: u32,
    connect: &mut dyn Connect,
    done: &mut dyn FnMut(u64),
) -> Result<(u64, usize), OnchipError> {
    let size = arch.excitatory.size;
    let order = epoch_order(data, classes, arch.training.teacher, options.seed, epoch);
    let (mut spikes, mut silent) = (0u64, 0usize);
    let mut at = 0;
    while at < order.len() {
        // A block: the samples of one class (class teacher) or all of them.
        let class = data.samples[order[at]].label;
        let end = match arch.training.teacher {
            Teacher::Class => {
                order[at..].iter().position(|&i| data.samples[i].label != class).map_or(order.len(), |k| at + k)
            }
            Teacher::None => order.len(),
        };
        let mut block = image.clone();
        if arch.training.teacher == Teacher::Class {
            for n in (0..size).filter(|n| n % classes != usize::from(class)) {
                block.neurons[n] = NeuronParams::SILENT;
            }
        }
        let mut presenter = open(&block, &options.target, connect)?;
        for &i in &order[at..end] {
            let inputs = training_inputs(arch, &data.samples[i], options.seed, epoch);
            let counts = presenter.present(&inputs)?;
            let fired: u64 = counts.iter().take(size).map(|&c| u64::from(c)).sum();
            spikes += fired;
            silent += usize::from(fired == 0);
        }
        let learned = presenter.learned()?;
        image.w_in = learned.w_in;
        image.w_rec = learned.w_rec;
        done((end - at) as u64);
        at = end;
    }
    Ok((spikes, silent))
}

/// Label assignment: present every training sample to the network with `rows` as its
/// input weights (STDP off, the architecture's encoder with the assignment seed), give
/// each neuron the class with the highest mean count per sample of that class (ties →
/// the lowest class; a neuron that never fired keeps its teacher class `n mod classes`),
/// and score the classifier with those labels on the same responses.
#[allow(clippy::too_many_arguments)]
fn assign(
    arch: &Arch,
    data: &Dataset,
    rows: &[i8],
    teacher_labels: &[u16],
    classes: usize,
    options: &OnchipOptions,
    connect: &mut dyn Connect,
    done: &mut dyn FnMut(u64),
) -> Result<(Vec<u16>, f64), OnchipError> {
    let size = arch.excitatory.size;
    let image = eval_image(arch, data.features, teacher_labels.to_vec(), rows);
    let mut presenter = open(&image, &options.target, connect)?;
    let seed = mix(options.seed ^ ASSIGN_TAG);
    let mut responses = vec![vec![0u64; classes]; size];
    let mut per_class = vec![0u64; classes];
    let mut all_counts = Vec::with_capacity(data.samples.len());
    for sample in &data.samples {
        let inputs = arch.encoder.encode(&sample.features, arch.timesteps * arch.readout, seed, sample.row as u64);
        let counts = presenter.present(&inputs)?;
        let class = usize::from(sample.label);
        per_class[class] += 1;
        for (n, &c) in counts.iter().take(size).enumerate() {
            responses[n][class] += u64::from(c);
        }
        all_counts.push(counts);
    }
    done(data.samples.len() as u64);
    let labels = labels_from_responses(&responses, &per_class, teacher_labels);
    let classifier = Classifier {
        input: INPUT.to_owned(),
        output: EXCITATORY.to_owned(),
        timesteps: arch.timesteps * arch.readout,
        encoder: arch.encoder,
        labels: labels.clone(),
        vote: arch.vote,
    };
    let correct = data
        .samples
        .iter()
        .zip(&all_counts)
        .filter(|(s, counts)| classifier.predict(&counts[..size]) == Some(s.label))
        .count();
    Ok((labels, correct as f64 / data.samples.len() as f64))
}

/// Each neuron's class: the class `c` with the highest `responses[n][c] / per_class[c]`
/// (compared exactly by cross-multiplication; ties → the lowest class; classes without
/// samples never win); `fallback[n]` for a neuron with no response at all.
pub fn labels_from_responses(responses: &[Vec<u64>], per_class: &[u64], fallback: &[u16]) -> Vec<u16> {
    responses
        .iter()
        .zip(fallback)
        .map(|(r, &fallback)| {
            let mut best: Option<usize> = None;
            for c in (0..r.len()).filter(|&c| per_class[c] > 0 && r[c] > 0) {
                let better = match best {
                    None => true,
                    Some(b) => {
                        u128::from(r[c]) * u128::from(per_class[b]) > u128::from(r[b]) * u128::from(per_class[c])
                    }
                };
                if better {
                    best = Some(c);
                }
            }
            best.map_or(fallback, |c| c as u16)
        })
        .collect()
}
