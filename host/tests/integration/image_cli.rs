//! `ncx inspect` end to end: the built binary on an image written by the test, as text
//! and as JSON, and its errors. The expected numbers are derived by hand from the way
//! the test network is built (see `network`).

use std::path::Path;
use std::process::{Command, Output};

use ncx::image::file::write_file;
use ncx::image::{Block, Image, Metadata};
use ncx_model::{Geometry, NeuronParams};
use serde_json::Value;

fn ncx(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ncx")).args(args).output().expect("the ncx binary runs")
}

fn block(name: &str, start: u16, len: u16) -> Block {
    Block { name: name.to_owned(), start, len, record: false, probe: vec![] }
}

/// N = 32, M = 16. Populations exc 0..8 (recorded, probes 0 and 7) and inh 8..12;
/// neurons 12..32 unplaced. Input groups drive 0..8 and ctx 8..16.
///
/// - `W_in`: input a < 8 → exc neuron a, weight 60 (8 synapses); input a < 8 → inh
///   neuron 8 + a % 4, weight 30 (8); input 8 (ctx) → neuron 0, weight −5, plastic.
///   So 17 non-zero, 1 plastic, weights −5..=60, mean (8·60 + 8·30 − 5)/17 = 715/17 ≈ 42.06.
/// - `W_rec`: exc n → inh 8 + n % 4, weight 45, plastic (8); every inh → every exc,
///   weight −20 (4·8 = 32). So 40 non-zero, 8 plastic, weights −20..=45, mean
///   (8·45 − 32·20)/40 = −280/40 = −7.
/// - exc neurons: threshold 1000 (neuron 0: 900), reset −200, v_decay 1200, i_decay
///   2048, refractory 2; inh: threshold 2000, reset 0, refractory 1; the rest silent.
/// - weight shift 4, period 50000 cycles at 50 MHz = 1000 µs, STDP off.
fn network() -> Image {
    let mut image = Image::empty(Geometry::new(32, 16).unwrap());
    let (m, n) = (16, 32);
    image.config.weight_shift = 4;
    image.config.period = 50_000;
    for a in 0..8 {
        image.w_in[a * m + a] = 60;
        image.w_in[(8 + a % 4) * m + a] = 30;
        image.w_rec[(8 + a % 4) * n + a] = 45;
        image.plastic_rec[(8 + a % 4) * n + a] = true;
        for i in 8..12 {
            image.w_rec[a * n + i] = -20;
        }
    }
    image.w_in[8] = -5; // W_in[0][8]
    image.plastic_in[8] = true;
    let exc = NeuronParams { threshold: 1000, reset: -200, bias: 0, v_decay: 1200, i_decay: 2048, refractory: 2 };
    let inh = NeuronParams { threshold: 2000, reset: 0, refractory: 1, ..exc };
    image.neurons[..8].fill(exc);
    image.neurons[0].threshold = 900;
    image.neurons[8..12].fill(inh);
    image.meta = Metadata {
        name: "cli-test".to_owned(),
        timestep_us: 1000,
        clock_hz: 50_000_000,
        populations: vec![Block { record: true, probe: vec![0, 7], ..block("exc", 0, 8) }, block("inh", 8, 4)],
        inputs: vec![block("drive", 0, 8), block("ctx", 8, 8)],
        classifier: None,
    };
    image
}

fn write_network(dir: &Path) -> String {
    let path = dir.join("net.ncx");
    write_file(&path, &network()).unwrap();
    path.to_str().unwrap().to_owned()
}

fn stdout(output: &Output) -> String {
    assert!(output.status.success(), "ncx failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout.clone()).unwrap()
}

/// The lines of `text` after the line starting with `heading`, up to the next line
/// that does not start with a space.
fn paragraph<'a>(text: &'a str, heading: &str) -> Vec<&'a str> {
    let mut lines = text.lines().skip_while(|l| !l.starts_with(heading));
    let first = lines.next().unwrap_or_else(|| panic!("no {heading:?} in:\n{text}"));
    std::iter::once(first).chain(lines.take_while(|l| l.starts_with(' '))).collect()
}

/// `line` with runs of spaces collapsed, for comparing aligned columns.
fn squeeze(line: &str) -> String {
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn text_summary() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_network(dir.path());
    let text = stdout(&ncx(&["inspect", &path]));
    let size = std::fs::metadata(&path).unwrap().len();
    assert_eq!(text.lines().next().unwrap(), format!("image:     cli-test (format version 1, {size} bytes)"));
    assert!(text.contains("geometry:  32 neurons x 16 inputs\n"));
    assert!(text.contains("threshold s24, reset s24, bias s24, decay u12,"));
    assert!(text.contains("weight shift: 4 (a weight of 1 adds 16 to the current)"));
    assert!(
        text.contains(
            "pacing:       period 50000 cycles = 1000.000 µs per timestep at 50 MHz; metadata timestep 1000 µs"
        )
    );
    assert!(text.contains("stdp:         off"));

    let placement: Vec<String> = paragraph(&text, "placement:").iter().map(|l| squeeze(l)).collect();
    assert_eq!(
        placement,
        [
            "placement:",
            "population exc neurons 0..8 (8) record, probe 0 7",
            "population inh neurons 8..12 (4)",
            "input drive inputs 0..8 (8)",
            "input ctx inputs 8..16 (8)",
        ]
    );

    let w_in: Vec<String> = paragraph(&text, "W_in").iter().map(|l| squeeze(l)).collect();
    assert_eq!(
        w_in,
        [
            "W_in (32 x 16): 17 non-zero, 1 plastic of 512; non-zero weights -5..=60, mean 42.06",
            "drive -> exc 8 non-zero, 0 plastic, weights 60..=60",
            "drive -> inh 8 non-zero, 0 plastic, weights 30..=30",
            "ctx -> exc 1 non-zero, 1 plastic, weights -5..=-5",
            "histogram of non-zero weights:",
            // −5 is in bin −16..=−1, 30 in 16..=31, 60 in 48..=63; the largest bin (8)
            // gets 40 characters, a bin of 1 gets ceil(40/8) = 5.
            "-16..=-1 1 #####",
            "0..=15 0",
            "16..=31 8 ########################################",
            "32..=47 0",
            "48..=63 8 ########################################",
        ]
    );

    let w_rec: Vec<String> = paragraph(&text, "W_rec").iter().map(|l| squeeze(l)).collect();
    assert_eq!(w_rec[0], "W_rec (32 x 32): 40 non-zero, 8 plastic of 1024; non-zero weights -20..=45, mean -7.00");
    assert_eq!(w_rec[1], "exc -> inh 8 non-zero, 8 plastic, weights 45..=45");
    assert_eq!(w_rec[2], "inh -> exc 32 non-zero, 0 plastic, weights -20..=-20");
    // −20 is in −32..=−17 (32 weights, the full bar), 45 in 32..=47 (8: 10 characters).
    assert_eq!(w_rec[4], "-32..=-17 32 ########################################");
    assert_eq!(w_rec[8], "32..=47 8 ##########");

    let neurons: Vec<String> = paragraph(&text, "neurons:").iter().map(|l| squeeze(l)).collect();
    assert_eq!(
        neurons,
        [
            "neurons:",
            "exc (8) threshold 900..=1000, reset -200, bias 0, v_decay 1200, i_decay 2048, refractory 2",
            "inh (4) threshold 2000, reset 0, bias 0, v_decay 1200, i_decay 2048, refractory 1",
            "(unplaced) (20) threshold 8388607, reset 0, bias 0, v_decay 0, i_decay 0, refractory 0",
        ]
    );
}

#[test]
fn json_summary() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_network(dir.path());
    let json: Value = serde_json::from_str(&stdout(&ncx(&["inspect", &path, "--json"]))).unwrap();
    let keys: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
    let mut documented = [
        "name",
        "format_version",
        "size_bytes",
        "content_hash",
        "geometry",
        "widths",
        "config",
        "populations",
        "inputs",
        "matrices",
        "neurons",
    ];
    documented.sort_unstable();
    let mut keys = keys.clone();
    keys.sort_unstable();
    assert_eq!(keys, documented);

    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(json["name"], "cli-test");
    assert_eq!(json["format_version"], 1);
    assert_eq!(json["size_bytes"], bytes.len());
    let trailer: String = bytes[bytes.len() - 32..].iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(json["content_hash"], trailer);
    assert_eq!(json["geometry"], serde_json::json!({"neurons": 32, "inputs": 16}));
    assert_eq!(json["widths"].as_array().unwrap().len(), 15);
    assert_eq!(json["widths"][4], serde_json::json!({"field": "threshold", "bits": 24, "signed": true}));
    assert_eq!(json["config"]["period_cycles"], 50_000);
    assert_eq!(json["config"]["period_us"], 1000.0);
    assert_eq!(json["config"]["stdp"]["enabled"], false);
    assert_eq!(json["config"]["stdp"]["trace_mode"], "add");
    assert_eq!(
        json["populations"][0],
        serde_json::json!({"name": "exc", "start": 0, "end": 8, "len": 8, "record": true, "probe": [0, 7]})
    );
    assert_eq!(json["inputs"][1]["name"], "ctx");

    let w_in = &json["matrices"][0];
    assert_eq!(w_in["name"], "W_in");
    assert_eq!((w_in["nonzero"].as_u64(), w_in["plastic"].as_u64()), (Some(17), Some(1)));
    assert_eq!((w_in["weights"]["min"].as_i64(), w_in["weights"]["max"].as_i64()), (Some(-5), Some(60)));
    assert!((w_in["weights"]["mean"].as_f64().unwrap() - 715.0 / 17.0).abs() < 1e-9);
    let histogram = w_in["histogram"].as_array().unwrap();
    assert_eq!(histogram.len(), 16);
    assert_eq!(histogram[7], serde_json::json!({"lo": -16, "hi": -1, "count": 1}));
    assert_eq!(histogram.iter().map(|b| b["count"].as_u64().unwrap()).sum::<u64>(), 17);
    assert_eq!(
        w_in["projections"][2],
        serde_json::json!({"source": "ctx", "target": "exc", "nonzero": 1, "plastic": 1, "min": -5, "max": -5})
    );
    let w_rec = &json["matrices"][1];
    assert_eq!(w_rec["weights"]["mean"], -7.0);
    assert_eq!(w_rec["projections"].as_array().unwrap().len(), 2);
    assert_eq!(json["neurons"][0]["threshold"], serde_json::json!({"min": 900, "max": 1000}));
    assert_eq!(json["neurons"][2]["population"], "(unplaced)");
    assert_eq!(json["neurons"][2]["neurons"], 20);
}

#[test]
fn a_damaged_image_is_an_error_with_exit_status_2() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_network(dir.path());
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..100]).unwrap();
    let output = ncx(&["inspect", &path]);
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8(output.stderr).unwrap();
    // Header 46, config section 46..76, W_in section (8 + 512 + 4 bytes) from 76.
    assert_eq!(
        stderr,
        format!(
            "error: cannot inspect {path}: the image is truncated: section 1 (W_in, id 2) with its 512-byte payload \
             and CRC needs 524 bytes at offset 76, but the file has only 100 bytes\n\
             help: the file was cut short (an interrupted write or copy?); copy it again or rebuild it with \
             `ncx compile`\n"
        )
    );
}

#[test]
fn missing_files_and_network_descriptions() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nothing.ncx");
    let output = ncx(&["inspect", missing.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.starts_with(&format!("error: cannot inspect {}: ", missing.display())), "{stderr}");

    // A network description under another extension is recognised as such.
    let toml = dir.path().join("net.txt");
    std::fs::write(&toml, "# network\n[network]\nname = \"x\"\n").unwrap();
    let output = ncx(&["inspect", toml.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.ends_with("help: this looks like a network description; compile it with `ncx compile`\n"));

    // A .toml file goes through the compiler; an invalid one is the compiler's error.
    let toml = dir.path().join("broken.toml");
    std::fs::write(&toml, "this is not toml = = =\n").unwrap();
    let output = ncx(&["inspect", toml.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.starts_with(&format!("error: cannot inspect {}: ", toml.display())), "{stderr}");
}

#[test]
fn the_documented_example_output_is_what_inspect_prints() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/image-format.md")).unwrap();
    let start = doc.find("For `tiny-v1.ncx`:").expect("the §9 example");
    let documented = doc[start..].split("```").nth(1).unwrap().strip_prefix("text\n").unwrap();
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/images/tiny-v1.ncx");
    assert_eq!(stdout(&ncx(&["inspect", fixture])), documented);
}
