//! `ncx eval` and `ncx::learn::eval` end to end (docs/learning.md §4): a digits
//! classifier at 64 × 64 (examples/digits' class-template weights with a `[classifier]`
//! table, Poisson-coded) gives the same predictions and spike counts, sample by sample,
//! on the model with 1 and 2 threads, on `model-device`, on the RTL under Verilator and
//! on the virtual board of `ncx emulate --pty` with both backends; the counts are those
//! of an ordinary `ncx run` of each sample's encoded spikes; the CLI prints its report
//! and exits with status 2, naming file, line and value, on each kind of bad data.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use ncx::compile::{self, CompileOptions};
use ncx::driver::{Driver, DriverOptions};
use ncx::image::Image;
use ncx::learn::dataset::{Dataset, SplitSpec};
use ncx::learn::eval::{EvalOptions, Evaluation, evaluate};
use ncx::link::{Link, LinkTarget, SerialLink};
use ncx::progress::NoProgress;
use ncx::run::{self, Connect, ConnectError, RunOptions, Session, Target};
use ncx::stimulus::Stimulus;
use ncx_model::Geometry;

use crate::driver_support::Patient;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn ncx() -> Command {
    Command::new(env!("CARGO_BIN_EXE_ncx"))
}

/// The digits network of examples/digits on a 64 × 64 core (a geometry the RTL device
/// is built for) with a Poisson classifier of 32 timesteps, written into `dir` with its
/// weights; its path.
fn digits_net(dir: &Path) -> PathBuf {
    let example = root().join("examples/digits");
    std::fs::copy(example.join("weights.csv"), dir.join("weights.csv")).unwrap();
    let text = std::fs::read_to_string(example.join("net.toml")).unwrap();
    let text = text.replace("[core]\n", "[core]\nneurons = 64\ninputs = 64\n").replace("probe = \"all\"\n", "");
    let text = format!(
        "{text}\n[classifier]\ninput = \"pixels\"\noutput = \"digit\"\ntimesteps = 32\nencoder = {{ kind = \
         \"poisson\", max_value = 16, max_probability = 0.5 }}\n"
    );
    let path = dir.join("net.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn digits_image(dir: &Path) -> Image {
    let image = compile::compile_file(&digits_net(dir), &CompileOptions::default()).unwrap().image;
    assert_eq!(image.geometry, Geometry::new(64, 64).unwrap());
    assert!(image.meta.classifier.is_some());
    image
}

fn test_split() -> Dataset {
    let data = root().join("data/digits");
    let all = Dataset::load(&data.join("digits.csv.gz")).unwrap();
    all.select(&SplitSpec { path: data.join("digits_split.json"), key: "test".into() }).unwrap()
}

fn eval_on(image: &Image, data: &Dataset, target: &str, threads: usize, connect: &mut dyn Connect) -> Evaluation {
    let options = EvalOptions { target: target.parse().unwrap(), seed: 7, threads };
    evaluate(image, data, &options, connect, &mut NoProgress).unwrap()
}

fn first(data: &Dataset, n: usize) -> Dataset {
    Dataset { samples: data.samples[..n].to_vec(), ..data.clone() }
}

fn assert_same(a: &Evaluation, b: &Evaluation, what: &str) {
    assert_eq!(a.rows, b.rows, "{what}");
    for i in 0..a.rows.len() {
        assert_eq!(
            (a.predictions[i], &a.counts[i]),
            (b.predictions[i], &b.counts[i]),
            "{what}: sample {i} (row {})",
            a.rows[i]
        );
    }
}

#[test]
fn the_594_test_images_give_the_same_predictions_and_counts_on_the_model_threads_and_model_device() {
    let dir = tempfile::tempdir().unwrap();
    let image = digits_image(dir.path());
    let data = test_split();
    assert_eq!(data.samples.len(), 594);
    let mut connect = DriverOptions::default();
    let one = eval_on(&image, &data, "model", 1, &mut connect);
    let two = eval_on(&image, &data, "model", 2, &mut connect);
    let device = eval_on(&image, &data, "model-device", 1, &mut connect);
    assert_same(&one, &two, "model, 2 threads");
    assert_same(&one, &device, "model-device");
    // The network does classify: well above chance (10 %), and it spikes.
    assert!(one.correct() > 300, "{} of 594", one.correct());
    assert!(one.no_spike() < 30, "{}", one.no_spike());
    // Another seed draws other spikes (Poisson), so other counts.
    let options = EvalOptions { target: Target::Model, seed: 8, threads: 1 };
    let other = evaluate(&image, &data, &options, &mut connect, &mut NoProgress).unwrap();
    assert_ne!(other.counts, one.counts);
}

/// The counts of `evaluate` are those of `ncx::run` (the run target's own recorder)
/// driven by the classifier's encoding of the sample: the input group starts at axon 0
/// and the output population at neuron 0 in this network.
#[test]
fn the_counts_are_those_of_a_run_of_the_encoded_sample() {
    let dir = tempfile::tempdir().unwrap();
    let image = digits_image(dir.path());
    let data = first(&test_split(), 12);
    let e = eval_on(&image, &data, "model", 1, &mut DriverOptions::default());
    let classifier = image.meta.classifier.clone().unwrap();
    for (i, sample) in data.samples.iter().enumerate() {
        let steps = classifier.encoder.encode(&sample.features, classifier.timesteps, 7, sample.row as u64);
        let options = RunOptions { steps: steps.len(), target: Target::Model };
        let result = run::run(&image, &Stimulus::from_steps(steps), &options, &mut NoProgress).unwrap();
        let mut counts = vec![0u32; 10];
        for spike in &result.raster {
            counts[usize::from(spike.neuron)] += 1;
        }
        assert_eq!(e.counts[i], counts, "sample {i}");
        // The vote: the class of the most spikes, ties to the lowest, none without spikes.
        let max = *counts.iter().max().unwrap();
        let expected = (max > 0).then(|| counts.iter().position(|&c| c == max).unwrap() as u16);
        assert_eq!(e.predictions[i], expected, "sample {i}");
    }
}

#[test]
#[cfg_attr(not(have_verilator), ignore = "Verilator not found: install it with scripts/setup.sh")]
fn a_slice_on_the_rtl_gives_the_predictions_and_counts_of_the_model() {
    let dir = tempfile::tempdir().unwrap();
    let image = digits_image(dir.path());
    let data = first(&test_split(), 24);
    let mut connect = DriverOptions::default();
    let model = eval_on(&image, &data, "model", 1, &mut connect);
    let rtl = eval_on(&image, &data, "verilator", 1, &mut connect);
    assert_same(&model, &rtl, "verilator");
}

/// `ncx emulate --pty` until dropped.
struct Emulator(Child);

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Start a 64 × 64 virtual board with `backend`; it and the path of its port.
fn emulate(backend: &str) -> (Emulator, String) {
    emulate_with(backend, Stdio::null())
}

/// [`emulate`], with the emulator's notes going to `stderr`.
fn emulate_with(backend: &str, stderr: Stdio) -> (Emulator, String) {
    let child = ncx()
        .args(["emulate", "--pty", "--neurons", "64", "--inputs", "64", "--backend", backend])
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .unwrap();
    let mut emulator = Emulator(child);
    let mut line = String::new();
    BufReader::new(emulator.0.stdout.as_mut().unwrap()).read_line(&mut line).unwrap();
    let path = line.strip_prefix("virtual board on ").and_then(|r| r.split_once(' ')).map(|(p, _)| p.to_owned());
    (emulator, path.unwrap_or_else(|| panic!("{line:?}")))
}

/// The virtual board's port with a test-only larger timeout: the board runs in real
/// time next to other tests (docs/reliability.md §8; see link_emulate.rs).
struct PatientSerial;

impl Connect for PatientSerial {
    fn connect(&mut self, link: &LinkTarget, _: &str, _: Geometry) -> Result<Session, ConnectError> {
        let LinkTarget::Serial { path, .. } = link else { panic!("{link:?}") };
        let port = SerialLink::open(path, 1_000_000)?;
        let link: Box<dyn Link + Send> = Box::new(Patient { inner: port, patience: Duration::from_secs(10) });
        Ok(Driver::connect(link)?)
    }
}

#[test]
fn a_slice_through_the_virtual_board_gives_the_predictions_of_the_model_with_both_backends() {
    let dir = tempfile::tempdir().unwrap();
    let image = digits_image(dir.path());
    let data = first(&test_split(), 16);
    let model = eval_on(&image, &data, "model", 1, &mut DriverOptions::default());
    let backends: &[&str] = if cfg!(have_verilator) { &["model", "verilator"] } else { &["model"] };
    for backend in backends {
        let (emulator, path) = emulate(backend);
        let board = eval_on(&image, &data, &format!("serial:{path}"), 1, &mut PatientSerial);
        assert_same(&model, &board, backend);
        drop(emulator);
    }
}

/// `ncx eval` with `args`: (status, stdout, stderr).
fn eval_cli(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = ncx().current_dir(dir).arg("eval").args(args).output().unwrap();
    (out.status.code(), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn the_cli_prints_the_report_and_writes_the_csvs() {
    let dir = tempfile::tempdir().unwrap();
    digits_net(dir.path());
    let data = root().join("data/digits/digits.csv.gz");
    let split = format!("{}:test", root().join("data/digits/digits_split.json").display());
    let (status, stdout, stderr) = eval_cli(
        dir.path(),
        &[
            "net.toml",
            "--data",
            data.to_str().unwrap(),
            "--split",
            &split,
            "--seed",
            "7",
            "--threads",
            "2",
            "--predictions",
            "p.csv",
            "--confusion-csv",
            "c.csv",
            "--confusion-svg",
            "c.svg",
        ],
    );
    assert_eq!(status, Some(0), "{stderr}");
    let predictions = std::fs::read_to_string(dir.path().join("p.csv")).unwrap();
    let lines: Vec<&str> = predictions.lines().collect();
    assert_eq!(lines[0], "row,line,label,prediction,correct");
    assert_eq!(lines.len(), 595);
    // The split's first test row is 1245 (data/digits/digits_split.json).
    assert!(lines[1].starts_with("1245,1246,"), "{}", lines[1]);
    let correct = lines[1..].iter().filter(|l| l.ends_with(",1")).count();
    let no_spike = lines[1..].iter().filter(|l| l.split(',').nth(3) == Some("")).count();
    let text: Vec<&str> = stdout.lines().collect();
    assert_eq!(text[0], "ncx eval: net.toml on model");
    assert_eq!(text[1], format!("samples:   594 of {} (split {split})", data.display()));
    assert!(text[2].starts_with(&format!("accuracy:  {correct}/594 = ")), "{}", text[2]);
    assert_eq!(text[3], format!("no spike:  {no_spike} samples"));
    assert_eq!(text[4], "recall per class:");
    assert!(stdout.contains("confusion (rows: true class; columns: predicted class, - = no spike):\n  true |"));
    assert!(stdout.contains(" thread"), "{stdout}");
    assert!(stdout.contains("images/s ("), "{stdout}");
    assert!(stdout.ends_with("wrote c.svg\nwrote c.csv\nwrote p.csv\n"), "{stdout}");
    let svg = std::fs::read_to_string(dir.path().join("c.svg")).unwrap();
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"), "{svg}");
    let confusion = std::fs::read_to_string(dir.path().join("c.csv")).unwrap();
    assert_eq!(confusion.lines().next(), Some("true,0,1,2,3,4,5,6,7,8,9,none"));
    let total: u32 =
        confusion.lines().skip(1).flat_map(|l| l.split(',').skip(1)).map(|v| v.parse::<u32>().unwrap()).sum();
    assert_eq!(total, 594);
}

/// A 3-feature data set for the error cases, and a classifier network of 3 inputs.
fn small(dir: &Path) {
    let net = "name = \"small\"\n[[input]]\nname = \"x\"\nsize = 3\n[[population]]\nname = \"out\"\nsize = 2\n\
               threshold = 1.0\n[[projection]]\nfrom = \"x\"\nto = \"out\"\nconnect = \"all_to_all\"\nweight = 0.5\n[classifier]\ninput = \
               \"x\"\noutput = \"out\"\ntimesteps = 8\nencoder = { kind = \"rate\", max_value = 1, max_probability = 1 }\n";
    std::fs::write(dir.join("net.toml"), net).unwrap();
    std::fs::write(dir.join("split.json"), "{\"train\": [0, 1], \"test\": [2, 3]}").unwrap();
}

#[test]
fn bad_data_exits_2_naming_file_line_and_value() {
    let dir = tempfile::tempdir().unwrap();
    small(dir.path());
    let cases: [(&str, &str, Option<&str>, &str); 5] = [
        ("ragged.csv", "1,0,1,0\n0,1,1,1\n0,1,1\n", None, "ragged.csv line 3 has 3 values, line 1 has 4"),
        (
            "label.csv",
            "1,0,1,0\n0,1,1,2\n",
            None,
            "label.csv line 2: label 2 is not a class of the classifier (it has 2, 0 to 1)",
        ),
        (
            "past.csv",
            "1,0,1,0\n0,1,1,1\n0,0,1,1\n",
            Some("split.json:test"),
            "position 1: row 3 is past the end of past.csv (3 rows, 0 to 2)",
        ),
        (
            "wide.csv",
            "1,0,1,1,0\n",
            None,
            "wide.csv has 4 features per sample but the classifier's input group \"x\" has 3 axons",
        ),
        ("nan.csv", "1,x,1,0\n", None, "nan.csv line 1 column 2: \"x\" is not a finite number"),
    ];
    for (file, text, split, message) in cases {
        std::fs::write(dir.path().join(file), text).unwrap();
        let mut args = vec!["net.toml", "--data", file];
        if let Some(split) = split {
            args.extend(["--split", split]);
        }
        let (status, stdout, stderr) = eval_cli(dir.path(), &args);
        assert_eq!(status, Some(2), "{file}: {stderr}");
        assert!(stderr.starts_with("error: "), "{file}: {stderr}");
        assert!(stderr.contains(message), "{file}: {stderr}");
        assert!(stderr.contains("\nhelp: "), "{file}: {stderr}");
        assert!(stdout.is_empty(), "{file}: {stdout}");
    }
    // The same data evaluates when it is right.
    std::fs::write(dir.path().join("good.csv"), "1,0,1,0\n0,1,1,1\n0,0,1,1\n1,1,1,0\n").unwrap();
    let (status, stdout, stderr) =
        eval_cli(dir.path(), &["net.toml", "--data", "good.csv", "--split", "split.json:test"]);
    assert_eq!(status, Some(0), "{stderr}");
    assert!(stdout.contains("samples:   2 of good.csv (split split.json:test)\n"), "{stdout}");
}

#[test]
fn an_image_without_a_classifier_exits_2_saying_how_to_add_one() {
    let dir = tempfile::tempdir().unwrap();
    let examples = root().join("examples/ei_network/net.toml");
    std::fs::write(dir.path().join("d.csv"), "1,0\n").unwrap();
    let (status, _, stderr) = eval_cli(dir.path(), &[examples.to_str().unwrap(), "--data", "d.csv"]);
    assert_eq!(status, Some(2), "{stderr}");
    assert!(stderr.contains("has no classifier"), "{stderr}");
    assert!(stderr.contains("help: add a [classifier] table"), "{stderr}");
}

#[test]
fn an_output_over_an_input_is_refused_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    small(dir.path());
    std::fs::write(dir.path().join("good.csv"), "1,0,1,0\n").unwrap();
    let (status, _, stderr) = eval_cli(dir.path(), &["net.toml", "--data", "good.csv", "--predictions", "good.csv"]);
    assert_eq!(status, Some(2), "{stderr}");
    assert!(stderr.contains("output is the input"), "{stderr}");
    assert_eq!(std::fs::read_to_string(dir.path().join("good.csv")).unwrap(), "1,0,1,0\n");
}

/// Samples of `steps` timesteps each, every input of `m` spiking with probability 1/4.
fn random_samples(m: usize, samples: usize, steps: usize, seed: u64) -> Vec<Vec<Vec<u16>>> {
    let mut rng = ncx::SplitMix64::new(seed);
    (0..samples).map(|_| (0..steps).map(|_| (0..m as u16).filter(|_| rng.below(4) == 0).collect()).collect()).collect()
}

/// The presenters of `targets` on `image` give the counts of the model's, sample after
/// sample, and the same learned weights at the end; the number of spikes counted.
fn presenters_agree(image: &Image, samples: &[Vec<Vec<u16>>], targets: &[&str]) -> u32 {
    use ncx::learn::present::open_default;
    let mut model = open_default(image, &Target::Model).unwrap();
    let expected: Vec<Vec<u32>> = samples.iter().map(|s| model.present(s).unwrap()).collect();
    let learned = model.learned().unwrap();
    for target in targets {
        let mut device = open_default(image, &target.parse().unwrap()).unwrap();
        for (i, sample) in samples.iter().enumerate() {
            assert_eq!(device.present(sample).unwrap(), expected[i], "{target}: sample {i}");
        }
        let back = device.learned().unwrap();
        assert_eq!((back.w_in, back.w_rec), (learned.w_in.clone(), learned.w_rec.clone()), "{target}");
    }
    expected.iter().flatten().sum()
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 12, ..Default::default() })]

    /// Random images (STDP on or off) and random samples: `model-device` counts every
    /// neuron's spikes as the model does, the reset between samples keeps the weights
    /// (learned ones with STDP on) and clears the rest, and the weights read back are
    /// the model's.
    #[test]
    fn model_device_presents_random_images_as_the_model(
        seed in proptest::prelude::any::<u64>(),
        stdp in proptest::prelude::any::<bool>(),
        shape in 0usize..3,
        steps in 1usize..24,
    ) {
        let (n, m) = [(16, 16), (32, 16), (16, 64)][shape];
        let image = crate::driver_support::image(n, m, seed, stdp);
        presenters_agree(&image, &random_samples(m, 3, steps, seed), &["model-device"]);
    }
}

#[test]
#[cfg_attr(not(have_verilator), ignore = "Verilator not found: install it with scripts/setup.sh")]
fn verilator_presents_random_images_as_the_model() {
    for (seed, stdp) in [(1, false), (2, true)] {
        let image = crate::driver_support::image(16, 16, seed, stdp);
        let spikes = presenters_agree(&image, &random_samples(16, 3, 20, seed), &["verilator"]);
        assert!(spikes > 0, "the image should spike");
    }
}

/// Through the fault injector (bytes dropped: lost replies retried, lost output frames
/// asked for again with RESEND) the predictions and counts are still the model's.
#[test]
fn a_lossy_link_gives_the_predictions_and_counts_of_the_model() {
    let dir = tempfile::tempdir().unwrap();
    let image = digits_image(dir.path());
    let data = first(&test_split(), 100);
    let mut connect = DriverOptions { retries: 50, ..DriverOptions::default() };
    let model = eval_on(&image, &data, "model", 1, &mut connect);
    let lossy = eval_on(&image, &data, "faulty:3:drop=0.002", 1, &mut connect);
    assert_same(&model, &lossy, "faulty");
}

/// `ncx eval` of examples/digits-trained on the first 8 test digits through the CLI on
/// a 64 × 64 virtual board of `backend`, with `--slack MS` (and [`RETRIES`]), writes the
/// predictions file of `--target model`; returns the emulator's notes on stderr.
fn cli_eval_on_board(backend: &str, slack: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let split: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("data/digits/digits_split.json")).unwrap()).unwrap();
    let first: Vec<_> = split["test"].as_array().unwrap()[..8].to_vec();
    std::fs::write(dir.path().join("split.json"), serde_json::json!({ "test": first }).to_string()).unwrap();
    let net = root().join("examples/digits-trained/net.toml");
    let data = root().join("data/digits/digits.csv.gz");
    let (net, data) = (net.to_str().unwrap(), data.to_str().unwrap());
    let common = ["--data", data, "--split", "split.json:test", "-q"];
    let (status, _, stderr) = eval_cli(dir.path(), &[&[net][..], &common, &["--predictions", "model.csv"]].concat());
    assert_eq!(status, Some(0), "{stderr}");

    let (mut emulator, path) = emulate_with(backend, Stdio::piped());
    let target = format!("serial:{path}");
    let mut notes = String::new();
    let mut stderr_lines = BufReader::new(emulator.0.stderr.take().unwrap());
    let notes_count = if backend == "verilator" { 2 } else { 1 };
    for _ in 0..notes_count {
        stderr_lines.read_line(&mut notes).unwrap();
    }
    let board = [
        &[net][..],
        &common,
        &["--target", &target, "--slack", slack, "--retries", RETRIES, "--predictions", "board.csv"],
    ]
    .concat();
    let (status, _, stderr) = eval_cli(dir.path(), &board);
    assert_eq!(status, Some(0), "{stderr}");
    let read = |f: &str| std::fs::read_to_string(dir.path().join(f)).unwrap();
    assert_eq!(read("model.csv").lines().count(), 9);
    assert_eq!(read("board.csv"), read("model.csv"), "{backend}");
    drop(emulator);
    notes
}

/// Retries of the CLI runs through a virtual board: a late reply on a loaded machine is
/// retried, not fatal (as in link_emulate.rs).
const RETRIES: &str = "20";

#[test]
fn the_cli_through_the_model_board_with_slack_gives_the_models_predictions() {
    let notes = cli_eval_on_board("model", "1000");
    assert!(!notes.contains("--slack"), "{notes}");
}

/// The RTL board is slower than real time (docs/reliability.md §8): with `--slack 10000`
/// every wait is 10 s longer than a real device's, and the CLI gets through — the case
/// the tests once needed a test-only link wrapper for. The emulator says so.
#[test]
#[cfg_attr(not(have_verilator), ignore = "Verilator not found: install it with scripts/setup.sh")]
fn the_cli_through_the_rtl_board_with_slack_gives_the_models_predictions() {
    let notes = cli_eval_on_board("verilator", "10000");
    assert!(notes.contains("slower than real time") && notes.contains("--slack 5000"), "{notes}");
}
