//! On-chip learning (`ncx train --on-chip`, docs/learning.md §6): the architecture's
//! errors name file, line and value; learning moves the weights the documented way on a
//! hand-made two-pattern case; the model, the device model and the RTL learn the same
//! weights byte for byte; the written network compiles back to the trained image; and
//! the committed example classifies the digits test split at 80 % or more.

use std::path::{Path, PathBuf};
use std::process::Command;

use ncx::compile::{CompileOptions, compile_file};
use ncx::driver::DriverOptions;
use ncx::learn::dataset::{Dataset, Sample, SplitSpec};
use ncx::learn::eval::{EvalOptions, evaluate};
use ncx::learn::onchip::network::initial_image;
use ncx::learn::onchip::train::{epoch_order, labels_from_responses, training_inputs};
use ncx::learn::onchip::write::{learning_csv, write_outputs};
use ncx::learn::onchip::{Arch, OnchipOptions, Trained, train};
use ncx::progress::NoProgress;
use ncx::run::Target;

const DIGITS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../data/digits/digits.csv.gz");
const SPLIT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../data/digits/digits_split.json");
const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/digits-stdp");

/// A 16 x 16 architecture for small tests.
fn tiny_arch(epochs: u32, teacher: &str) -> String {
    format!(
        r#"method = "stdp"
name = "tiny"
timesteps = 12

[core]
neurons = 16
inputs = 16

[encoder]
kind = "rate"
max_value = 16
max_probability = 0.5

[excitatory]
size = 2
threshold = 200
refractory = 255
initial_weights = [10, 10]

[inhibitory]
size = 2

[stdp]
a_plus = 32
a_minus = 8
shift = 8
w_min = -32
w_max = 31
pre_decay = 1024
post_decay = 256

[training]
epochs = {epochs}
contrast_timesteps = 6
contrast_probability = 0.5
teacher = "{teacher}"
keep = "last"
"#
    )
}

fn parse(text: &str) -> Arch {
    Arch::parse(Path::new("arch.toml"), text).unwrap()
}

/// The error of an architecture text.
fn error(text: &str) -> String {
    Arch::parse(Path::new("nets/arch.toml"), text).unwrap_err().to_string()
}

/// Two patterns on 16 features: class 0 lights features 0..8, class 1 features 8..16.
fn two_patterns(copies: usize) -> Dataset {
    let samples = (0..2 * copies)
        .map(|i| {
            let label = (i % 2) as u16;
            let features = (0..16).map(|f| if (f < 8) == (label == 0) { 16.0 } else { 0.0 }).collect();
            Sample { row: i, line: i + 1, features, label }
        })
        .collect();
    Dataset { path: PathBuf::from("two.csv"), features: 16, samples }
}

fn digits(key: &str) -> Dataset {
    let all = Dataset::load(Path::new(DIGITS)).unwrap();
    all.select(&format!("{SPLIT}:{key}").parse::<SplitSpec>().unwrap()).unwrap()
}

fn run(arch: &Arch, data: &Dataset, target: &str, seed: u64) -> Trained {
    let options = OnchipOptions { target: target.parse::<Target>().unwrap(), seed };
    train(arch, data, &options, &mut DriverOptions::default(), &mut NoProgress, &mut |_| {}).unwrap()
}

#[test]
fn the_architecture_errors_name_the_file_line_and_value() {
    let good = tiny_arch(1, "class");
    for (from, to, line, wanted) in [
        ("method = \"stdp\"", "method = \"surrogate\"", 1, "`method` = \"surrogate\" is not on-chip learning"),
        ("neurons = 16", "neurons = 48", 6, "`neurons` = 48 is not a power of two"),
        ("kind = \"rate\"", "kind = \"rates\"", 10, "`kind` = \"rates\" is not an encoder"),
        ("max_probability = 0.5", "max_probability = 1.5", 12, "`max_probability` = 1.5 is out of range"),
        ("size = 2\nthreshold", "size = 15\nthreshold", 15, "15 excitatory and 2 relay neurons do not fit"),
        ("initial_weights = [10, 10]", "initial_weights = [10, 200]", 18, "`initial_weights[1]` = 200 is out of range"),
        ("a_plus = 32", "a_plus = 300", 24, "`a_plus` = 300 is out of range: it must be from 0 to 255"),
        ("w_max = 31", "w_max = -40", 28, "`w_min` = -32 is above `w_max` = -40"),
        ("post_decay = 256", "post_decay = 5000", 30, "`post_decay` = 5000 is out of range"),
        ("teacher = \"class\"", "teacher = \"teach\"", 36, "`teacher` = \"teach\" is not a teacher"),
        ("epochs = 1", "epoch = 1", 33, "unknown key `epoch` in `training`"),
    ] {
        assert!(good.contains(from), "{from}");
        let message = error(&good.replacen(from, to, 1));
        assert!(message.contains(wanted), "{to}: {message}");
        assert!(message.contains(&format!("nets/arch.toml:{line}:")), "{to}: {message}");
    }
    let missing = error(&good.replacen("threshold = 200\n", "", 1));
    assert!(missing.contains("missing key `threshold` in `excitatory`"), "{missing}");
}

#[test]
fn the_example_architecture_reads_as_documented() {
    let arch = Arch::load(&Path::new(EXAMPLE).join("arch.toml")).unwrap();
    assert_eq!((arch.geometry.neurons(), arch.geometry.inputs()), (64, 64));
    assert_eq!((arch.excitatory.size, arch.relays), (56, 8));
    assert_eq!(arch.timesteps, 24);
    assert!(arch.stdp.enabled);
}

#[test]
fn the_data_must_fit_the_core_and_give_every_class_a_neuron() {
    let arch = parse(&tiny_arch(1, "class"));
    let mut wide = two_patterns(1);
    wide.features = 17;
    wide.samples.iter_mut().for_each(|s| s.features.push(0.0));
    let options = OnchipOptions { target: Target::Model, seed: 1 };
    let err = train(&arch, &wide, &options, &mut DriverOptions::default(), &mut NoProgress, &mut |_| {}).unwrap_err();
    assert_eq!(err.to_string(), "two.csv has 17 features but the core of arch.toml has 16 inputs");
    let mut three = two_patterns(1);
    three.samples[0].label = 2;
    let err = train(&arch, &three, &options, &mut DriverOptions::default(), &mut NoProgress, &mut |_| {}).unwrap_err();
    assert!(err.to_string().contains("3 classes but arch.toml has 2 excitatory neurons"), "{err}");
}

/// Neuron 0 learns class 0 (features 0..8 on) and neuron 1 class 1: the class teacher
/// lets only the sample's class fire, LTP raises the synapses of the lit features
/// (pre before post) and the contrast phase lowers the dark ones (pre after post).
#[test]
fn learning_raises_the_lit_features_and_lowers_the_dark_ones_of_each_class() {
    let arch = parse(&tiny_arch(2, "class"));
    let data = two_patterns(4);
    let start = initial_image(&arch, 16, vec![0, 1], 1);
    assert!(start.w_in[..16].iter().all(|&w| w == 10), "initial_weights = [10, 10]");
    let trained = run(&arch, &data, "model", 1);
    let row = |n: usize| &trained.weights[n * 16..(n + 1) * 16];
    for (n, lit) in [(0, 0..8), (1, 8..16)] {
        for f in 0..16 {
            let w = row(n)[f];
            if lit.contains(&f) {
                assert!(w > 10, "neuron {n}, lit feature {f}: {w}");
            } else {
                assert!(w < 10, "neuron {n}, dark feature {f}: {w}");
            }
        }
    }
    assert_eq!(trained.labels, vec![0, 1]);
    let last = trained.epochs.last().unwrap();
    assert_eq!(last.train_accuracy, 1.0);
    assert_eq!(trained.image.meta.classifier.as_ref().unwrap().labels, vec![0, 1]);
    assert!(!trained.image.config.stdp.enabled, "the trained network does not learn while it classifies");
}

#[test]
fn the_host_choices_follow_the_seed() {
    let arch = parse(&tiny_arch(1, "class"));
    let data = two_patterns(5);
    // Grouped by class, the first class rotating with the epoch.
    let order = epoch_order(&data, 2, arch.training.teacher, 7, 1);
    let labels: Vec<u16> = order.iter().map(|&i| data.samples[i].label).collect();
    assert_eq!(labels, [1, 1, 1, 1, 1, 0, 0, 0, 0, 0]);
    assert_eq!(order, epoch_order(&data, 2, arch.training.teacher, 7, 1));
    let mut sorted = order.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, (0..10).collect::<Vec<_>>());
    // The sample phase (timesteps) then the contrast phase of the dark features only.
    let inputs = training_inputs(&arch, &data.samples[0], 7, 0);
    assert_eq!(inputs.len(), 12 + 6);
    assert!(inputs[..12].iter().flatten().all(|&i| i < 8));
    assert!(inputs[12..].iter().flatten().all(|&i| i >= 8));
    assert!(inputs[12..].iter().any(|t| !t.is_empty()));
}

#[test]
fn labels_go_to_the_class_with_the_highest_mean_response() {
    // Neuron 0: 4 spikes over 2 samples of class 0 (2 per sample), 3 over 1 of class 1
    // (3 per sample): class 1. Neuron 1: 2/2 = 1 and 1/1 = 1, a tie: class 0. Neuron 2
    // never fired: its fallback.
    let responses = vec![vec![4, 3], vec![2, 1], vec![0, 0]];
    assert_eq!(labels_from_responses(&responses, &[2, 1], &[0, 0, 1]), vec![1, 0, 1]);
}

#[test]
fn the_model_and_the_device_model_learn_the_same_weights() {
    let arch = parse(&tiny_arch(2, "class"));
    let data = two_patterns(3);
    let model = run(&arch, &data, "model", 3);
    let device = run(&arch, &data, "model-device", 3);
    assert_eq!(model.weights, device.weights);
    assert_eq!(model.labels, device.labels);
    assert_eq!(model.epochs, device.epochs);
}

/// A short schedule on the 64 x 64 digits network: 6 samples of 16 + 4 timesteps, one
/// epoch, the assignment at 16 timesteps.
fn short_digits_arch() -> Arch {
    let text = std::fs::read_to_string(Path::new(EXAMPLE).join("arch.toml")).unwrap();
    let text = text
        .replacen("timesteps = 24", "timesteps = 16", 1)
        .replacen("readout = 4", "readout = 1", 1)
        .replacen("epochs = 12", "epochs = 1", 1)
        .replacen("contrast_timesteps = 8", "contrast_timesteps = 4", 1);
    parse(&text)
}

fn six_digits() -> Dataset {
    let mut data = digits("train");
    // Two samples of each of three classes.
    let mut picked = Vec::new();
    for class in 0..3u16 {
        picked.extend(data.samples.iter().filter(|s| s.label == class).take(2).cloned());
    }
    data.samples = picked;
    data
}

#[test]
fn the_digits_network_learns_the_same_weights_on_the_model_and_the_device_model() {
    let (arch, data) = (short_digits_arch(), six_digits());
    let model = run(&arch, &data, "model", 5);
    let device = run(&arch, &data, "model-device", 5);
    let start = initial_image(&arch, 64, model.labels.clone(), 5);
    let start_rows: Vec<i8> = (0..56).flat_map(|n| start.w_in[n * 64..n * 64 + 64].to_vec()).collect();
    assert_ne!(model.weights, start_rows, "STDP changed the weights");
    assert_eq!(model.weights, device.weights);
    assert_eq!(model.labels, device.labels);
}

#[test]
#[cfg_attr(not(have_verilator), ignore = "Verilator not found: install it with scripts/setup.sh")]
fn the_rtl_learns_the_same_weights_as_the_model_byte_for_byte() {
    let (arch, data) = (short_digits_arch(), six_digits());
    let model = run(&arch, &data, "model", 5);
    let rtl = run(&arch, &data, "verilator", 5);
    assert_eq!(model.weights, rtl.weights);
    assert_eq!(model.labels, rtl.labels);
    assert_eq!(model.epochs, rtl.epochs);
}

#[test]
fn the_written_network_compiles_to_the_trained_image_and_the_files_repeat() {
    let arch = parse(&tiny_arch(1, "class"));
    let data = two_patterns(2);
    let dir = tempfile::tempdir().unwrap();
    let trained = run(&arch, &data, "model", 9);
    let written = write_outputs(dir.path(), &arch, &trained, &[]).unwrap();
    assert_eq!(written.len(), 4);
    let image = compile_file(&dir.path().join("net.toml"), &CompileOptions::default()).unwrap().image;
    assert_eq!(image.w_in, trained.image.w_in);
    assert_eq!(image.w_rec, trained.image.w_rec);
    assert_eq!(image.neurons, trained.image.neurons);
    assert_eq!(image.config, trained.image.config);
    assert_eq!(image.meta.classifier, trained.image.meta.classifier);
    let first: Vec<Vec<u8>> = written.iter().map(|p| std::fs::read(p).unwrap()).collect();
    let again = run(&arch, &data, "model", 9);
    write_outputs(dir.path(), &arch, &again, &[]).unwrap();
    let second: Vec<Vec<u8>> = written.iter().map(|p| std::fs::read(p).unwrap()).collect();
    assert_eq!(first, second, "the same seed writes the same files");
    let csv = learning_csv(&trained);
    assert!(csv.starts_with("epoch,train_accuracy,mean_abs_dw,spikes_per_sample,silent_samples,kept\n1,"), "{csv}");
}

#[test]
fn the_committed_example_classifies_the_digits_test_split_at_80_percent() {
    let image = compile_file(&Path::new(EXAMPLE).join("net.toml"), &CompileOptions::default()).unwrap().image;
    let test = digits("test");
    for seed in [101, 102] {
        let options = EvalOptions { target: Target::Model, seed, threads: 2 };
        let result = evaluate(&image, &test, &options, &mut DriverOptions::default(), &mut NoProgress).unwrap();
        assert_eq!(result.samples(), 594);
        assert!(result.accuracy() >= 0.80, "eval seed {seed}: {}", result.accuracy());
    }
}

#[test]
fn the_cli_trains_writes_the_folder_and_reports() {
    let dir = tempfile::tempdir().unwrap();
    let arch = dir.path().join("arch.toml");
    std::fs::write(&arch, tiny_arch(2, "class")).unwrap();
    let csv = dir.path().join("two.csv");
    let rows: String = (0..6)
        .map(|i| {
            let label = i % 2;
            let features: Vec<&str> = (0..16).map(|f| if (f < 8) == (label == 0) { "16" } else { "0" }).collect();
            format!("{},{label}\n", features.join(","))
        })
        .collect();
    std::fs::write(&csv, rows).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_ncx"))
        .args(["train", "arch.toml", "--on-chip", "--data", "two.csv", "-o", "out", "--test"])
        .arg(format!("{}:all", dir.path().join("split.json").display()))
        .current_dir(dir.path())
        .output()
        .unwrap();
    // The test split is read before training starts: a missing one fails at once.
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::write(dir.path().join("split.json"), r#"{"all": [0, 1, 2, 3, 4, 5]}"#).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_ncx"))
        .args([
            "train",
            "arch.toml",
            "--on-chip",
            "--data",
            "two.csv",
            "-o",
            "out",
            "--test",
            "split.json:all",
            "--test-seeds",
            "7,8",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("epoch   2: train accuracy 100.00 %"), "{stdout}");
    for seed in [7, 8] {
        let line = format!("test accuracy 100.00 % on 6 samples of all, encoder seed {seed}\n");
        assert!(stdout.contains(&line), "{stdout}");
    }
    for file in ["net.toml", "weights.csv", "learning.csv", "weights.svg"] {
        assert!(dir.path().join("out").join(file).is_file(), "{file}");
    }
}
