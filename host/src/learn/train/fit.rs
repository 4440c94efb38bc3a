//! The training loop: epochs of shuffled minibatches, each sample encoded afresh
//! (a stochastic encoder draws new spikes every epoch), gradients computed over
//! threads and summed in a fixed order, one Adam step per minibatch.
//!
//! Determinism: the shuffle and the encoder seed of an epoch come from the training
//! seed alone; a minibatch is cut into blocks of [`BLOCK`] samples whose gradients are
//! summed in sample order, and the blocks' in block order, whichever thread computed
//! them — so the weights are the same bit for bit for any number of threads.

use super::backward::{Backward, Gradient, Loss};
use super::forward::Record;
use super::network::Shadow;
use super::optimise::Adam;
use super::{EpochStats, TrainProgress};
use crate::learn::classifier::Classifier;
use crate::learn::dataset::Sample;
use crate::rng::SplitMix64;
use crate::stimulus::encode::mix;

/// Samples per block of a minibatch: the unit of work of a thread and of the fixed
/// summation order.
pub(crate) const BLOCK: usize = 4;

/// Domain tags that keep the seeds of the shuffle and of the encoder apart.
const SHUFFLE_TAG: u64 = 0x5348_5546_464c_4500;
const ENCODE_TAG: u64 = 0x454e_434f_4445_0000;

/// What the loop runs.
#[derive(Debug, Clone)]
pub(crate) struct Plan<'a> {
    pub(crate) classifier: &'a Classifier,
    pub(crate) loss: Loss,
    pub(crate) epochs: usize,
    pub(crate) batch: usize,
    pub(crate) learning_rate: f64,
    pub(crate) final_learning_rate: f64,
    pub(crate) seed: u64,
    pub(crate) threads: usize,
    /// Test samples scored after every epoch (by the replica, which is the core).
    pub(crate) test: Option<&'a [Sample]>,
    /// Seed of the encoder for the test samples.
    pub(crate) test_seed: u64,
}

/// The encoder seed of training epoch `epoch` under training seed `seed`.
pub(crate) fn epoch_seed(seed: u64, epoch: usize) -> u64 {
    mix(seed ^ mix(ENCODE_TAG ^ epoch as u64))
}

/// Train `shadow` on `train`; returns the statistics of every epoch.
pub(crate) fn fit(
    shadow: &mut Shadow,
    train: &[Sample],
    plan: &Plan<'_>,
    progress: &mut dyn TrainProgress,
) -> Vec<EpochStats> {
    let batch = plan.batch.max(1);
    let batches = train.len().div_ceil(batch) as u64;
    let mut adam = Adam::new(shadow, batches * plan.epochs as u64, plan.learning_rate, plan.final_learning_rate);
    let mut stats = Vec::with_capacity(plan.epochs);
    progress.start(plan.epochs, batches);
    for epoch in 0..plan.epochs {
        let mut order: Vec<usize> = (0..train.len()).collect();
        shuffle(&mut order, mix(plan.seed ^ mix(SHUFFLE_TAG ^ epoch as u64)));
        let seed = epoch_seed(plan.seed, epoch);
        let (mut loss_sum, mut correct, mut seen) = (0.0f64, 0usize, 0usize);
        for (b, chunk) in order.chunks(batch).enumerate() {
            let samples: Vec<&Sample> = chunk.iter().map(|&i| &train[i]).collect();
            let (gradient, outcomes) = batch_gradient(shadow, &samples, plan, seed);
            for (sample, (loss, prediction)) in samples.iter().zip(&outcomes) {
                loss_sum += loss;
                correct += usize::from(*prediction == Some(sample.label));
            }
            seen += samples.len();
            adam.step(shadow, &gradient, samples.len());
            progress.batch(epoch, b as u64 + 1, loss_sum / seen as f64, correct as f64 / seen as f64);
        }
        let test_accuracy = plan.test.map(|test| {
            let predictions = predict(shadow, test, plan.classifier, plan.test_seed, plan.threads);
            let right = test.iter().zip(&predictions).filter(|(s, p)| **p == Some(s.label)).count();
            right as f64 / test.len().max(1) as f64
        });
        let epoch_stats = EpochStats {
            epoch: epoch + 1,
            loss: loss_sum / seen.max(1) as f64,
            train_accuracy: correct as f64 / seen.max(1) as f64,
            test_accuracy,
            learning_rate: adam.rate(),
        };
        progress.epoch(&epoch_stats);
        stats.push(epoch_stats);
    }
    progress.finish();
    stats
}

/// Fisher–Yates with the seeded generator.
fn shuffle(order: &mut [usize], seed: u64) {
    let mut rng = SplitMix64::new(seed);
    for i in (1..order.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        order.swap(i, j);
    }
}

/// The summed gradient of a minibatch, and each sample's loss and prediction.
fn batch_gradient(
    shadow: &Shadow,
    samples: &[&Sample],
    plan: &Plan<'_>,
    seed: u64,
) -> (Gradient, Vec<(f64, Option<u16>)>) {
    let replica = shadow.replica();
    let backward = Backward::new(&shadow.int_rec(), &shadow.params, shadow.weight_shift, shadow.layout.hidden);
    let (n, m) = (shadow.layout.neurons(), shadow.layout.features);
    let blocks: Vec<&[&Sample]> = samples.chunks(BLOCK).collect();
    let work = |block: &&[&Sample]| {
        let mut gradient = Gradient::zero(n, m);
        let mut record = Record::default();
        let mut inputs = Vec::new();
        let outcomes: Vec<(f64, Option<u16>)> = block
            .iter()
            .map(|sample| {
                let encoder = &plan.classifier.encoder;
                encoder.encode_into(&sample.features, plan.classifier.timesteps, seed, sample.row as u64, &mut inputs);
                let outcome = backward.sample(&replica, &inputs, sample.label, &plan.loss, &mut gradient, &mut record);
                (outcome.loss, plan.classifier.predict(&outcome.counts))
            })
            .collect();
        (gradient, outcomes)
    };
    let results = in_threads(&blocks, plan.threads, work);
    let mut total = Gradient::zero(n, m);
    let mut outcomes = Vec::with_capacity(samples.len());
    for (gradient, block_outcomes) in results {
        total.add(&gradient);
        outcomes.extend(block_outcomes);
    }
    (total, outcomes)
}

/// The prediction of the integer network for every sample (encoder seed `seed`).
pub(crate) fn predict(
    shadow: &Shadow,
    samples: &[Sample],
    classifier: &Classifier,
    seed: u64,
    threads: usize,
) -> Vec<Option<u16>> {
    let replica = shadow.replica();
    let hidden = shadow.layout.hidden;
    let chunks: Vec<&[Sample]> = samples.chunks(16).collect();
    let work = |chunk: &&[Sample]| {
        let mut inputs = Vec::new();
        chunk
            .iter()
            .map(|sample| {
                let encoder = &classifier.encoder;
                encoder.encode_into(&sample.features, classifier.timesteps, seed, sample.row as u64, &mut inputs);
                classifier.predict(&replica.run(&inputs, None)[hidden..])
            })
            .collect::<Vec<_>>()
    };
    in_threads(&chunks, threads, work).into_iter().flatten().collect()
}

/// `work` of every item, in the order of `items`, on up to `threads` threads (item
/// `i` on thread `i mod threads`).
pub(crate) fn in_threads<I: Sync, R: Send>(items: &[I], threads: usize, work: impl Fn(&I) -> R + Sync) -> Vec<R> {
    let threads = threads.clamp(1, items.len().max(1));
    if threads == 1 {
        return items.iter().map(&work).collect();
    }
    let mut slots: Vec<Option<R>> = std::iter::repeat_with(|| None).take(items.len()).collect();
    std::thread::scope(|scope| {
        let work = &work;
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                scope.spawn(move || {
                    items
                        .iter()
                        .enumerate()
                        .skip(t)
                        .step_by(threads)
                        .map(|(i, item)| (i, work(item)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for handle in handles {
            // A worker only panics on a bug; pass the panic on.
            let done = handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            for (i, result) in done {
                slots[i] = Some(result);
            }
        }
    });
    slots.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shuffle_is_a_seeded_permutation() {
        let mut a: Vec<usize> = (0..50).collect();
        let mut b = a.clone();
        shuffle(&mut a, 3);
        shuffle(&mut b, 3);
        assert_eq!(a, b);
        assert_ne!(a, (0..50).collect::<Vec<_>>());
        a.sort_unstable();
        assert_eq!(a, (0..50).collect::<Vec<_>>());
    }

    #[test]
    fn in_threads_keeps_the_order_for_any_thread_count() {
        let items: Vec<u32> = (0..37).collect();
        let one = in_threads(&items, 1, |&x| x * x);
        for threads in [2, 3, 8, 100] {
            assert_eq!(in_threads(&items, threads, |&x| x * x), one);
        }
    }
}
