//! Offline training of a classifier for the core's integer dynamics (docs/learning.md §5).

mod backward;
mod fit;
mod forward;
mod network;
mod optimise;

/// What one epoch of training did.
#[derive(Debug, Clone, PartialEq)]
pub struct EpochStats {
    /// The epoch, from 1.
    pub epoch: usize,
    /// The mean cross-entropy loss over the epoch's training samples.
    pub loss: f64,
    /// The fraction of training samples classified right during the epoch.
    pub train_accuracy: f64,
    /// The fraction of test samples classified right after the epoch (by the integer
    /// forward pass, which is the core's; `None` without test samples).
    pub test_accuracy: Option<f64>,
    /// The learning rate after the epoch.
    pub learning_rate: f64,
}

/// Receives the progress of training.
pub trait TrainProgress {
    /// Training starts: `epochs` epochs of `batches` minibatches each.
    fn start(&mut self, epochs: usize, batches: u64);
    /// Minibatch `done` of epoch `epoch` (from 0) is done; `loss` and `accuracy` are
    /// the epoch's running means.
    fn batch(&mut self, epoch: usize, done: u64, loss: f64, accuracy: f64);
    /// An epoch is over.
    fn epoch(&mut self, stats: &EpochStats);
    /// Training is over.
    fn finish(&mut self);
}

impl TrainProgress for crate::progress::NoProgress {
    fn start(&mut self, _epochs: usize, _batches: u64) {}
    fn batch(&mut self, _epoch: usize, _done: u64, _loss: f64, _accuracy: f64) {}
    fn epoch(&mut self, _stats: &EpochStats) {}
    fn finish(&mut self) {}
}

#[cfg(test)]
mod experiment {
    use ncx_model::NeuronParams;

    use super::backward::Loss;
    use super::fit::{Plan, fit};
    use super::network::{Init, Layout, Shadow};
    use crate::learn::classifier::{Classifier, Vote};
    use crate::learn::dataset::{Dataset, SplitSpec};
    use crate::learn::encode::{Encoder, Encoding};

    struct Print;
    impl super::TrainProgress for Print {
        fn start(&mut self, _: usize, _: u64) {}
        fn batch(&mut self, _: usize, _: u64, _: f64, _: f64) {}
        fn epoch(&mut self, s: &super::EpochStats) {
            eprintln!("{:?}", s);
        }
        fn finish(&mut self) {}
    }

    fn env(key: &str, default: f64) -> f64 {
        std::env::var(key).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
    }

    #[test]
    #[ignore]
    fn digits() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../data/digits/");
        let data = Dataset::load(std::path::Path::new(&format!("{root}digits.csv.gz"))).unwrap();
        let split = |k: &str| data.select(&format!("{root}digits_split.json:{k}").parse::<SplitSpec>().unwrap()).unwrap();
        let (train, test) = (split("train"), split("test"));
        let hidden = env("H", 54.0) as usize;
        let shift = env("S", 6.0) as u8;
        let th = (env("TH", 64.0) * f64::from(1u32 << shift)) as i32;
        let to = (env("TO", 64.0) * f64::from(1u32 << shift)) as i32;
        let vd = env("VD", 0.0) as u16;
        let hp = NeuronParams { threshold: th, reset: 0, bias: 0, v_decay: vd, i_decay: 4095, refractory: 0 };
        let op = NeuronParams { threshold: to, ..hp };
        let mut params = vec![hp; hidden];
        params.extend(vec![op; 10]);
        let layout = Layout { features: 64, hidden, outputs: 10, skip: env("SKIP", 1.0) > 0.0 };
        let mut shadow = Shadow::new(layout, params, shift, Init { gain: env("GAIN", 1.0), seed: 1 });
        let encoder = Encoder::new(Encoding::Poisson, 16.0, env("P", 0.5)).unwrap();
        let classifier = Classifier {
            input: "pixels".into(),
            output: "digit".into(),
            timesteps: env("T", 32.0) as u32,
            encoder,
            labels: (0..10).collect(),
            vote: Vote::Sum,
        };
        let plan = Plan {
            classifier: &classifier,
            loss: Loss { labels: (0..10).collect(), classes: 10, logit_scale: env("BETA", 0.3), slope: env("K", 4.0) as f32 },
            epochs: env("E", 20.0) as usize,
            batch: env("B", 32.0) as usize,
            learning_rate: env("LR", 1.0),
            final_learning_rate: env("LRF", 0.05),
            seed: 1,
            threads: 2,
            test: Some(&test.samples),
            test_seed: 101,
        };
        let t0 = std::time::Instant::now();
        fit(&mut shadow, &train.samples, &plan, &mut Print);
        eprintln!("time {:?}", t0.elapsed());
        for seed in 101..106 {
            let p = super::fit::predict(&shadow, &test.samples, &classifier, seed, 2);
            let right = test.samples.iter().zip(&p).filter(|(s, p)| **p == Some(s.label)).count();
            eprintln!("seed {seed}: {}/{} = {:.2}%", right, test.samples.len(), 100.0 * right as f64 / test.samples.len() as f64);
        }
    }
}
