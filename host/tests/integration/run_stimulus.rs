//! Stimulus files (docs/stimulus-format.md): explicit spikes, each encoder with
//! hand-derived expectations, the Poisson encoder against an independent
//! re-implementation of the documented algorithm, seeds and determinism, warnings,
//! and every error with its exact message.

use ncx::error::Report;
use ncx::image::{Block, Image};
use ncx::stimulus::{self, Loaded, StimulusError, StimulusOptions};
use ncx_model::Geometry;
use proptest::prelude::*;

/// 16 neurons × 32 inputs, timestep 1000 µs; input groups `pixels` = core inputs
/// 4..=11 and `bias` = core inputs 12, 13.
fn image() -> Image {
    let mut image = Image::empty(Geometry::new(16, 32).expect("valid"));
    image.meta.timestep_us = 1000;
    let group = |name: &str, start, len| Block { name: name.to_owned(), start, len, record: false, probe: vec![] };
    image.meta.inputs = vec![group("pixels", 4, 8), group("bias", 12, 2)];
    image
}

fn toml_with(text: &str, steps: usize, seed: Option<u64>) -> Result<Loaded, StimulusError> {
    stimulus::parse_toml(text, "s.toml", &image(), &StimulusOptions { steps, seed })
}

fn toml(text: &str, steps: usize) -> Loaded {
    toml_with(text, steps, None).unwrap_or_else(|e| panic!("{e}"))
}

fn toml_error(text: &str) -> String {
    Report(&toml_with(text, 10, None).expect_err("should be rejected")).to_string()
}

fn csv(text: &str, steps: usize) -> Result<Loaded, StimulusError> {
    stimulus::parse_csv(text, "s.csv", &image(), &StimulusOptions { steps, seed: None })
}

fn csv_error(text: &str) -> String {
    Report(&csv(text, 10).expect_err("should be rejected")).to_string()
}

/// Per timestep, as in `Stimulus::as_steps`, built from (timestep, inputs) pairs.
fn steps(len: usize, spikes: &[(usize, &[u16])]) -> Vec<Vec<u16>> {
    let mut out = vec![Vec::new(); len];
    for &(t, inputs) in spikes {
        out[t] = inputs.to_vec();
    }
    out
}

/// The timesteps at which core input `input` spikes.
fn times(loaded: &Loaded, input: u16) -> Vec<u64> {
    let steps = loaded.stimulus.as_steps();
    (0..steps.len()).filter(|&t| steps[t].contains(&input)).map(|t| t as u64).collect()
}

// ----- explicit spikes ----------------------------------------------------------

#[test]
fn explicit_spike_lists() {
    let text = r#"
[[spikes]]
group = "pixels"
index = 3
steps = [0, 5, 9]

[[spikes]]
group = "pixels"
indices = [0, 7]
steps = "2..4"

[[spikes]]
group = "bias"
steps = [5]
"#;
    let loaded = toml(text, 10);
    // pixels:3 = core 7; pixels:0, pixels:7 = core 4, 11; bias (whole group) = 12, 13.
    let expected = steps(10, &[(0, &[7]), (2, &[4, 11]), (3, &[4, 11]), (5, &[7, 12, 13]), (9, &[7])]);
    assert_eq!(loaded.stimulus.as_steps(), &expected[..]);
    assert!(loaded.warnings.is_empty());
    assert_eq!(loaded.seed, 0);
    assert_eq!(loaded.stimulus.total_spikes(), 9);
}

#[test]
fn index_ranges_and_merged_duplicates() {
    let text = r#"
[[spikes]]
group = "pixels"
indices = "2..5"
steps = [1]

[[spikes]]
group = "pixels"
indices = [3, 3]
steps = [1, 1]
"#;
    // pixels 2, 3, 4 = core 6, 7, 8; the second table repeats core 7 at 1: merged.
    assert_eq!(toml(text, 3).stimulus.as_steps(), &steps(3, &[(1, &[6, 7, 8])])[..]);
}

#[test]
fn spikes_past_the_run_are_ignored_with_one_warning() {
    let text = "[[spikes]]\ngroup = \"pixels\"\nindex = 0\nsteps = [1, 12, 15]\n\n\
                [[spikes]]\ngroup = \"bias\"\nindex = 0\nsteps = \"8..14\"\n";
    let loaded = toml(text, 10);
    assert_eq!(times(&loaded, 4), vec![1]);
    assert_eq!(times(&loaded, 12), vec![8, 9]);
    // 12 and 15, then 10..14 (4 more): 6 spikes; the first is the `12` of line 4,
    // column 13 (`steps = [1, ` is 12 characters).
    assert_eq!(loaded.warnings.len(), 1);
    assert_eq!(
        loaded.warnings[0].to_string(),
        "s.toml:4:13: 6 input spikes at timestep 10 or later ignored (the first at timestep 12): the run has \
         timesteps 0 to 9\nhelp: run more timesteps to include them"
    );
}

// ----- regular trains and latency coding ----------------------------------------

#[test]
fn regular_trains() {
    let text = "[[regular]]\ngroup = \"bias\"\nindex = 1\nperiod = 4\nphase = 1\nfrom = 2\nto = 15\n\n\
                [[regular]]\ngroup = \"pixels\"\nindex = 0\nperiod = 3\nto = 100\n";
    let loaded = toml(text, 20);
    // bias:1 = core 13: 2 + 1 + 4k < 15 → 3, 7, 11.
    assert_eq!(times(&loaded, 13), vec![3, 7, 11]);
    // pixels:0 = core 4: 0, 3, …, while before the run's end (20): `to` is clipped
    // to the run without a warning.
    assert_eq!(times(&loaded, 4), vec![0, 3, 6, 9, 12, 15, 18]);
    assert!(loaded.warnings.is_empty());
}

#[test]
fn latency_coding() {
    // window 10: offset = floor((1 − x) · 9 + 0.5): x = 1 → 0; 0.5 → floor(5.0) = 5;
    // 0.25 → floor(7.25) = 7; 0 → no spike. From 5: core 4 at 5, 5 at 10, 6 at 12.
    let text = "[[latency]]\ngroup = \"pixels\"\nindices = \"0..4\"\nvalues = [1.0, 0.5, 0.25, 0]\n\
                window = 10\nfrom = 5\n";
    let loaded = toml(text, 30);
    let expected = steps(30, &[(5, &[4]), (10, &[5]), (12, &[6])]);
    assert_eq!(loaded.stimulus.as_steps(), &expected[..]);
    // The same values scaled by max_value = 8.
    let scaled = "[[latency]]\ngroup = \"pixels\"\nindices = \"0..4\"\nvalues = [8, 4, 2, 0]\nmax_value = 8\n\
                  window = 10\nfrom = 5\n";
    assert_eq!(toml(scaled, 30).stimulus, loaded.stimulus);
    // Presented every 20 timesteps until 30: starts 5 and 25; 25 + 5 = 30 and
    // 25 + 7 = 32 are not before 30.
    let repeated = format!("{text}period = 20\nto = 30\n");
    let loaded = toml(&repeated, 40);
    assert_eq!((times(&loaded, 4), times(&loaded, 5), times(&loaded, 6)), (vec![5, 25], vec![10], vec![12]));
}

// ----- Poisson: the documented algorithm, re-implemented here ------------------

/// SplitMix64 as published (Vigna), written out again for this test.
struct Reference(u64);

impl Reference {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// docs/stimulus-format.md: `mix(x)` is the first output of SplitMix64 seeded with x;
/// the stream of core input `a` in `[[poisson]]` table `k` is seeded with
/// `mix(seed ^ mix((k << 32) | a))`; one draw per timestep from `from`, and a spike
/// iff `(draw >> 11) < p · 2^53`.
fn reference_poisson(seed: u64, table: u64, input: u64, p: f64, from: u64, to: u64) -> Vec<u64> {
    let mix = |x| Reference(x).next();
    let mut stream = Reference(mix(seed ^ mix((table << 32) | input)));
    (from..to).filter(|_| ((stream.next() >> 11) as f64) < p * 9_007_199_254_740_992.0).collect()
}

#[test]
fn poisson_follows_the_documented_algorithm() {
    let text = "seed = 7\n[[poisson]]\ngroup = \"pixels\"\nrate = 200\n\n\
                [[poisson]]\ngroup = \"bias\"\nprobabilities = [0.1, 0.9]\nfrom = 100\nto = 300\n";
    let loaded = toml(text, 500);
    assert_eq!(loaded.seed, 7);
    // Table 0: 200 Hz × 1000 µs / 10^6 = 0.2 per timestep on core inputs 4..=11.
    for input in 4..12 {
        assert_eq!(times(&loaded, input), reference_poisson(7, 0, input.into(), 0.2, 0, 500), "input {input}");
    }
    // Table 1 on core inputs 12, 13, timesteps 100..300.
    assert_eq!(times(&loaded, 12), reference_poisson(7, 1, 12, 0.1, 100, 300));
    assert_eq!(times(&loaded, 13), reference_poisson(7, 1, 13, 0.9, 100, 300));
    assert!(times(&loaded, 13).len() > 150);
}

#[test]
fn poisson_rates_are_within_statistical_bounds() {
    // p = 0.2 over 20000 timesteps: mean 4000, σ = √(20000 · 0.2 · 0.8) ≈ 56.6 per
    // input; accept ±5σ (3717..=4283). All 8 inputs: mean 32000, σ = 160, ±5σ.
    let loaded = toml("seed = 3\n[[poisson]]\ngroup = \"pixels\"\nrate = 200\n", 20_000);
    for input in 4..12 {
        let n = times(&loaded, input).len();
        assert!((3717..=4283).contains(&n), "input {input}: {n} spikes");
    }
    let total = loaded.stimulus.total_spikes();
    assert!((31_200..=32_800).contains(&total), "{total} spikes");
}

#[test]
fn poisson_rate_forms_agree() {
    // p = 0, 0.2, 0.4 on pixels 0..3 (core 4, 5, 6), written five ways.
    let forms = [
        "rates = [0, 200, 400]",
        "probabilities = [0.0, 0.2, 0.4]",
        "values = [0, 0.5, 1]\nmax_rate = 400",
        "values = [0, 0.5, 1]\nmax_probability = 0.4",
        "values = [0, 127.5, 255]\nmax_value = 255\nmax_probability = 0.4",
    ];
    for form in forms {
        let text = format!("seed = 9\n[[poisson]]\ngroup = \"pixels\"\nindices = [0, 1, 2]\n{form}\n");
        let loaded = toml(&text, 300);
        assert!(times(&loaded, 4).is_empty(), "{form}");
        assert_eq!(times(&loaded, 5), reference_poisson(9, 0, 5, 0.2, 0, 300), "{form}");
        assert_eq!(times(&loaded, 6), reference_poisson(9, 0, 6, 0.4, 0, 300), "{form}");
    }
    // `rate` and `probability` apply to every selected input.
    let a = toml("[[poisson]]\ngroup = \"bias\"\nrate = 300\n", 200);
    let b = toml("[[poisson]]\ngroup = \"bias\"\nprobability = 0.3\n", 200);
    assert_eq!(a.stimulus, b.stimulus);
    assert_eq!(times(&a, 12), reference_poisson(0, 0, 12, 0.3, 0, 200));
}

#[test]
fn seeds_and_determinism() {
    let text = "seed = 5\n[[poisson]]\ngroup = \"pixels\"\nprobability = 0.3\n";
    let a = toml(text, 400);
    assert_eq!(toml(text, 400).stimulus, a.stimulus, "same seed, same spikes");
    // Another seed gives other spikes; the override wins over the file's seed.
    let other = toml_with(text, 400, Some(6)).expect("valid");
    assert_ne!(other.stimulus, a.stimulus);
    assert_eq!(other.seed, 6);
    let same = toml_with("seed = 6\n[[poisson]]\ngroup = \"pixels\"\nprobability = 0.3\n", 400, None).expect("valid");
    assert_eq!(same.stimulus, other.stimulus);
    // No seed anywhere: 0.
    let unseeded = toml("[[poisson]]\ngroup = \"pixels\"\nprobability = 0.3\n", 400);
    assert_eq!(unseeded.seed, 0);
    assert_eq!(times(&unseeded, 4), reference_poisson(0, 0, 4, 0.3, 0, 400));
    // A longer run starts with the spikes of a shorter one.
    let long = toml(text, 800);
    assert_eq!(&long.stimulus.as_steps()[..400], a.stimulus.as_steps());
}

// ----- TOML errors --------------------------------------------------------------

const HELP_INTEGER: &str = "help: timesteps, indices and counts are integers without a decimal point";

#[test]
fn names_and_indices_errors() {
    assert_eq!(
        toml_error("[[spikes]]\ngroup = \"pixel\"\nsteps = [1]\n"),
        "s.toml:2:9: unknown input group \"pixel\"\nhelp: the image's input groups (and sizes) are: pixels (8), \
         bias (2)"
    );
    assert_eq!(
        toml_error("[[spikes]]\ngroup = \"pixels\"\nindex = 8\nsteps = [1]\n"),
        "s.toml:3:9: `index` = 8 is past the end of input group \"pixels\", which has 8 inputs\nhelp: indices count \
         from 0 within the group, so the largest is 7"
    );
    // "4..9" ends at 9 (excluded): its last index 8 is past the end.
    assert_eq!(
        toml_error("[[spikes]]\ngroup = \"pixels\"\nindices = \"4..9\"\nsteps = [1]\n"),
        "s.toml:3:11: `indices` = 8 is past the end of input group \"pixels\", which has 8 inputs\nhelp: indices \
         count from 0 within the group, so the largest is 7"
    );
    assert_eq!(
        toml_error("[[spikes]]\ngroup = \"pixels\"\nindices = \"2-4\"\nsteps = [1]\n"),
        "s.toml:3:11: `indices` = \"2-4\" is not a range\nhelp: write \"first..end\" (end excluded), e.g. \"0..8\", or \
         a list of integers"
    );
    assert_eq!(
        toml_error("[[spikes]]\ngroup = \"pixels\"\nindex = 1\nindices = [2]\nsteps = [1]\n"),
        "s.toml:4:11: `indices` and `index` cannot be used together\nhelp: keep one of them"
    );
}

#[test]
fn timestep_errors() {
    assert_eq!(
        toml_error("[[spikes]]\ngroup = \"pixels\"\nindex = 0\nsteps = [3, -1]\n"),
        "s.toml:4:13: `steps` = -1 is negative\nhelp: timesteps and indices count from 0"
    );
    assert_eq!(
        toml_error("[[spikes]]\ngroup = \"pixels\"\nindex = 0\nsteps = [2.5]\n"),
        format!("s.toml:4:10: `steps` = 2.5 is not a whole number\n{HELP_INTEGER}")
    );
    assert_eq!(
        toml_error("[[regular]]\ngroup = \"bias\"\nperiod = 2\nfrom = 5\nto = 3\n"),
        "s.toml:5:6: `from` = 5 is after `to` = 3\nhelp: timestep ranges run from `from` (included) to `to` \
         (excluded)"
    );
    assert_eq!(
        toml_error("[[regular]]\ngroup = \"bias\"\nperiod = 0\n"),
        "s.toml:3:10: `period` = 0\nhelp: `period` is a number of timesteps, at least 1"
    );
    assert_eq!(
        toml_error("[[regular]]\ngroup = \"bias\"\nperiod = 4\nphase = 4\n"),
        "s.toml:4:9: `phase` = 4 is not less than `period` = 4\nhelp: the phase is the offset of the first spike \
         after `from`, 0 to 3"
    );
    assert_eq!(
        toml_error("[[latency]]\ngroup = \"bias\"\nvalues = [1, 1]\nwindow = 5\nperiod = 3\n"),
        "s.toml:5:10: `period` = 3 is shorter than `window` = 5: presentations would overlap\nhelp: make `period` at \
         least `window`"
    );
    assert_eq!(
        toml_error("seed = -1\n"),
        "s.toml:1:8: `seed` = -1 is negative\nhelp: timesteps and indices count from 0"
    );
}

#[test]
fn rate_and_value_errors() {
    assert_eq!(
        toml_error("[[poisson]]\ngroup = \"bias\"\nrate = 1500\n"),
        "s.toml:3:8: `rate` = 1500 Hz is 1.5 spikes per timestep of 1000 µs: allowed 0..=1000 Hz\nhelp: an input \
         fires at most once per timestep"
    );
    assert_eq!(
        toml_error("[[poisson]]\ngroup = \"bias\"\nrates = [10, -2]\n"),
        "s.toml:3:14: `rates` = -2 Hz is -0.002 spikes per timestep of 1000 µs: allowed 0..=1000 Hz\nhelp: an input \
         fires at most once per timestep"
    );
    assert_eq!(
        toml_error("[[poisson]]\ngroup = \"bias\"\nprobability = 1.5\n"),
        "s.toml:3:15: `probability` = 1.5 is not a probability per timestep: allowed 0..=1\nhelp: an input fires at \
         most once per timestep"
    );
    assert_eq!(
        toml_error("[[poisson]]\ngroup = \"bias\"\nrates = [1, 2, 3]\n"),
        "s.toml:3:9: `rates` has 3 values but 2 inputs are selected\nhelp: give one value per selected input, in \
         the order of `indices`"
    );
    assert_eq!(
        toml_error("[[poisson]]\ngroup = \"bias\"\n"),
        "s.toml:1:1: [[poisson]] needs exactly one of `rate`, `rates`, `probability`, `probabilities`, `values`, \
         found 0\nhelp: see docs/stimulus-format.md"
    );
    assert_eq!(
        toml_error("[[poisson]]\ngroup = \"bias\"\nprobability = 0.1\nmax_value = 3\n"),
        "s.toml:4:13: `max_value` needs `values`\nhelp: add `values` to the table, or remove `max_value`"
    );
    assert_eq!(
        toml_error("[[poisson]]\ngroup = \"bias\"\nvalues = [1, 0]\n"),
        "s.toml:3:10: [[poisson]] needs exactly one of `max_rate`, `max_probability`, found 0\nhelp: see \
         docs/stimulus-format.md"
    );
    assert_eq!(
        toml_error("[[latency]]\ngroup = \"bias\"\nvalues = [1.5, 0]\nwindow = 4\n"),
        "s.toml:3:11: value 1.5 is outside 0..=1\nhelp: values are scaled by `max_value` (1); raise it or fix the \
         value"
    );
    assert_eq!(
        toml_error("[[latency]]\ngroup = \"bias\"\nvalues = [1, 0]\nmax_value = 0\nwindow = 4\n"),
        "s.toml:4:13: `max_value` = 0 is not positive\nhelp: use the largest value"
    );
    // Hz need the image's timestep length.
    let mut no_timestep = image();
    no_timestep.meta.timestep_us = 0;
    let options = StimulusOptions { steps: 10, seed: None };
    let err = stimulus::parse_toml("[[poisson]]\ngroup = \"bias\"\nrate = 10\n", "s.toml", &no_timestep, &options);
    assert_eq!(
        Report(&err.expect_err("rejected")).to_string(),
        "s.toml:3:8: `rate` is in Hz, but the image does not say how long a timestep is (timestep_us = 0)\nhelp: give \
         probabilities per timestep instead (`probability`, `probabilities` or `max_probability`)"
    );
}

#[test]
fn syntax_and_unknown_key_errors() {
    const HELP: &str = "help: see docs/stimulus-format.md for the tables and keys of a stimulus";
    // A misspelt key: its place, the keys of its table, and the key it misspells.
    let did_you_mean = |key: &str| {
        format!("help: did you mean `{key}`? See docs/stimulus-format.md for the tables and keys of a stimulus")
    };
    assert_eq!(
        toml_error("[[poisson]]\ngroup = \"bias\"\nrat = 3\n"),
        format!(
            "s.toml:3:1: unknown field `rat`, expected one of `group`, `index`, `indices`, `from`, `to`, `rate`, \
             `rates`, `probability`, `probabilities`, `values`, `max_rate`, `max_probability`, `max_value`\n{}",
            did_you_mean("rate")
        )
    );
    assert_eq!(
        toml_error("[[poison]]\ngroup = \"bias\"\n"),
        format!(
            "s.toml:1:3: unknown field `poison`, expected one of `seed`, `spikes`, `poisson`, `latency`, \
             `regular`\n{}",
            did_you_mean("poisson")
        )
    );
    assert_eq!(
        toml_error("[[latency]]\ngroup = \"bias\"\nvalues = [1, 0]\n  windw = 4\n"),
        format!(
            "s.toml:4:3: unknown field `windw`, expected one of `group`, `index`, `indices`, `values`, \
             `max_value`, `window`, `from`, `period`, `to`\n{}",
            did_you_mean("window")
        )
    );
    // A key that is no typo of any: the keys only.
    assert_eq!(
        toml_error("[[regular]]\ngroup = \"bias\"\nperiod = 3\nspeed = 2\n"),
        format!(
            "s.toml:4:1: unknown field `speed`, expected one of `group`, `index`, `indices`, `period`, `phase`, \
             `from`, `to`\n{HELP}"
        )
    );
    // A value of the wrong type, at the value.
    assert_eq!(
        toml_error("[[regular]]\ngroup = 3\nperiod = 3\n"),
        format!("s.toml:2:9: `group` must be a string, found an integer `3`\n{HELP}")
    );
    assert_eq!(
        toml_error("[[spikes]]\ngroup = \"bias\"\nsteps = [1, \"x\"]\n"),
        format!("s.toml:3:13: `steps[1]` must be a number, found a string `\"x\"`\n{HELP}")
    );
    assert_eq!(toml_error("[[spikes]]\ngroup = \"bias\"\n"), format!("s.toml:1:1: missing field `steps`\n{HELP}"));
    let err = toml_error("seed = [");
    assert!(err.starts_with("s.toml:1:9: ") && err.ends_with(HELP), "{err}");
}

// ----- CSV ----------------------------------------------------------------------

#[test]
fn csv_rows() {
    let text = "# a comment\ntimestep, input\n0,pixels:3\n0, 4\n 2 ,bias:1\n\n5,13\n";
    let loaded = csv(text, 8).expect("valid");
    // pixels:3 = core 7, bare 4 = core 4, bias:1 = core 13.
    assert_eq!(loaded.stimulus.as_steps(), &steps(8, &[(0, &[4, 7]), (2, &[13]), (5, &[13])])[..]);
    let with_bom = format!("\u{feff}{text}");
    assert_eq!(csv(&with_bom, 8).expect("valid").stimulus, loaded.stimulus);
    // Rows past the run: one warning at the first.
    let late = csv("timestep,input\n1,4\n10,4\n11,pixels:0\n", 10).expect("valid");
    assert_eq!(
        late.warnings[0].to_string(),
        "s.csv:3: 2 input spikes at timestep 10 or later ignored (the first at timestep 10): the run has timesteps \
         0 to 9\nhelp: run more timesteps to include them"
    );
    assert_eq!(late.stimulus.total_spikes(), 1);
}

#[test]
fn csv_errors() {
    let header = "help: the first line (after comments) of a CSV stimulus is `timestep,input`";
    assert_eq!(
        csv_error("time,input\n1,2\n"),
        format!("s.csv:1: expected the header `timestep,input`, found \"time,input\"\n{header}")
    );
    assert_eq!(
        csv_error("# nothing\n"),
        format!("s.csv:1: expected the header `timestep,input`, found \"\"\n{header}")
    );
    assert_eq!(
        csv_error("timestep,input\n1,4\n1,2,3\n"),
        "s.csv:3: expected 2 fields (timestep,input), found 3\nhelp: one spike per line, e.g. `12,pixels:3` or `12,40`"
    );
    assert_eq!(
        csv_error("timestep,input\n-1,4\n"),
        "s.csv:2: `timestep` = -1 is negative\nhelp: timesteps and indices count from 0"
    );
    assert_eq!(
        csv_error("timestep,input\n1.5,4\n"),
        format!("s.csv:2: `timestep` = 1.5 is not a whole number\n{HELP_INTEGER}")
    );
    assert_eq!(
        csv_error("timestep,input\n1,pix:1\n"),
        "s.csv:2: unknown input group \"pix\"\nhelp: the image's input groups (and sizes) are: pixels (8), bias (2)"
    );
    assert_eq!(
        csv_error("timestep,input\n1,pixels:8\n"),
        "s.csv:2: `input` = 8 is past the end of input group \"pixels\", which has 8 inputs\nhelp: indices count from \
         0 within the group, so the largest is 7"
    );
    assert_eq!(
        csv_error("timestep,input\n1,32\n"),
        "s.csv:2: input 32 is past the core's 32 inputs\nhelp: a bare input is a core input index, 0 to 31; write \
         group:index to count within an input group"
    );
    for bad in ["x", "pixels:x", "2.5"] {
        assert_eq!(
            csv_error(&format!("timestep,input\n1,{bad}\n")),
            format!(
                "s.csv:2: input {bad:?} is neither group:index nor a core input index\nhelp: write e.g. `pixels:3` \
                 (index 3 of input group pixels) or `40` (core input 40)"
            )
        );
    }
    assert_eq!(
        csv_error("timestep,input\n1,-3\n"),
        "s.csv:2: `input` = -3 is negative\nhelp: timesteps and indices count from 0"
    );
}

#[test]
fn table_level_errors_point_at_the_table_and_ranges_must_not_run_backwards() {
    // The second table starts on line 4.
    let text = "[[poisson]]\ngroup = \"bias\"\nrate = 1\n[[poisson]]\ngroup = \"bias\"\n";
    assert!(toml_error(text).starts_with("s.toml:4:1: [[poisson]] needs exactly one of"), "{}", toml_error(text));
    assert_eq!(
        toml_error("[[spikes]]\ngroup = \"bias\"\nsteps = \"5..3\"\n"),
        "s.toml:3:9: `steps` = \"5..3\" is not a range\nhelp: write \"first..end\" (end excluded), e.g. \"0..8\", or a \
         list of integers"
    );
}

/// The indented blocks of the section of docs/stimulus-format.md titled `title`.
fn doc_example(title: &str) -> String {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/stimulus-format.md")).expect("doc");
    let section = doc.split("\n## ").find(|s| s.starts_with(title)).expect("the section exists");
    let block =
        section.lines().skip_while(|l| !l.starts_with("    ")).take_while(|l| l.starts_with("    ") || l.is_empty());
    block.map(|l| l.strip_prefix("    ").unwrap_or(l)).collect::<Vec<_>>().join("\n")
}

#[test]
fn the_documented_examples_load() {
    let mut image = image();
    image.geometry = Geometry::new(16, 64).expect("valid");
    image.w_in = vec![0; 16 * 64];
    image.plastic_in = vec![false; 16 * 64];
    let options = StimulusOptions { steps: 600, seed: None };
    let loaded = stimulus::parse_toml(&doc_example("3. TOML"), "doc.toml", &image, &options).expect("valid");
    assert_eq!(loaded.seed, 42);
    assert!(loaded.warnings.is_empty());
    // pixels:3 = core 7 at 0, 5, 9; pixels 0..4 = core 4..=7 at 10..=19; bias (core
    // 12, 13) every 5 timesteps from 2 until 500.
    assert!([0, 5, 9].iter().all(|&t| loaded.stimulus.inputs(t).contains(&7)));
    assert!((10..20).all(|t| (4..8).all(|a| loaded.stimulus.inputs(t).contains(&a))));
    assert_eq!(times(&loaded, 12).iter().filter(|&&t| t % 5 == 2).count(), 100);
    // Latency: pixels:2 (core 6) has value 255 = max_value: offset 0 at 120, 140, …, 580.
    assert!((120..600).step_by(20).all(|t| loaded.stimulus.inputs(t).contains(&6)));
    let options = StimulusOptions { steps: 20, seed: None };
    let loaded = stimulus::parse_csv(&doc_example("5. CSV"), "doc.csv", &image, &options).expect("valid");
    assert_eq!(loaded.stimulus.as_steps(), &steps(20, &[(0, &[7, 40]), (12, &[12])])[..]);
}

// ----- files --------------------------------------------------------------------

#[test]
fn files_are_read_by_extension() {
    let dir = tempfile::tempdir().expect("temp dir");
    let options = StimulusOptions { steps: 4, seed: None };
    let upper = dir.path().join("S.CSV");
    std::fs::write(&upper, "timestep,input\n2,bias:0\n").expect("written");
    let loaded = stimulus::load(&upper, &image(), &options).expect("a .CSV file is CSV");
    assert_eq!(loaded.stimulus.as_steps(), &steps(4, &[(2, &[12])])[..]);

    let text = dir.path().join("s.txt");
    std::fs::write(&text, "timestep,input\n").expect("written");
    let err = stimulus::load(&text, &image(), &options).expect_err("unknown format");
    assert_eq!(
        Report(&err).to_string(),
        format!(
            "{}: unknown stimulus format \"txt\"\nhelp: a stimulus file ends in .toml (spike lists and encoders) or \
             .csv (timestep,input rows); see docs/stimulus-format.md",
            text.display()
        )
    );
    let missing = dir.path().join("none.toml");
    let err = stimulus::load(&missing, &image(), &options).expect_err("missing");
    assert_eq!(
        Report(&err).to_string(),
        format!(
            "{}: cannot read the stimulus file: No such file or directory (os error 2)\nhelp: check that the file \
             exists and is readable",
            missing.display()
        )
    );
}

// ----- no input panics ----------------------------------------------------------

/// One of `choices`.
fn pick(choices: &[&'static str]) -> impl Strategy<Value = &'static str> + use<> {
    prop::sample::select(choices.to_vec())
}

/// An optional `key = value` line, the value one of `choices`.
fn maybe(key: &'static str, choices: &[&'static str]) -> impl Strategy<Value = String> + use<> {
    prop::option::of(pick(choices)).prop_map(move |v| v.map_or(String::new(), |v| format!("{key} = {v}\n")))
}

/// A `key = value` line, the value one of `choices`.
fn line(key: &'static str, choices: &[&'static str]) -> impl Strategy<Value = String> + use<> {
    pick(choices).prop_map(move |v| format!("{key} = {v}\n"))
}

/// The keys every table shares: group, selection, and (`ranged`) from and to.
fn table_head(ranged: bool) -> impl Strategy<Value = String> {
    let group = line("group", &["\"pixels\"", "\"pixels\"", "\"bias\"", "\"bias\"", "\"bias\"", "\"nope\""]);
    let select = prop_oneof![
        Just(String::new()),
        line("index", &["0", "1", "0", "1", "8", "-1"]),
        line("indices", &["[0, 1]", "\"0..2\"", "[1, 0]", "\"3..1\"", "[]"]),
    ];
    let range = (maybe("from", &["0", "5", "200", "-3"]), maybe("to", &["40", "50", "100000", "2.5"]));
    (group, select, range).prop_map(move |(g, s, (f, t))| if ranged { format!("{g}{s}{f}{t}") } else { g + &s })
}

/// A TOML stimulus of random tables, mostly valid, with invalid values mixed in.
fn toml_soup() -> impl Strategy<Value = String> {
    let spikes = line("steps", &["[0, 1]", "\"0..2\"", "[3, 150]", "\"0..99999999999\"", "[-1]", "[2.5]"]);
    let regular = (line("period", &["1", "3", "7", "0", "9223372036854775807"]), maybe("phase", &["0", "1", "5"]));
    let latency = (
        line("values", &["[0.5, 0.7]", "[1, 0]", "[0.2, 0.9]", "[2]", "[nan, 1]"]),
        line("window", &["1", "4", "0"]),
        maybe("period", &["4", "10", "2"]),
        maybe("max_value", &["1", "0", "inf"]),
    );
    let poisson = prop_oneof![
        line("rate", &["10", "999.9", "300", "2000", "-1", "nan"]),
        line("probability", &["0", "0.5", "1", "1.5"]),
        (line("values", &["[0.5, 1]", "[1, 0]", "[3]"]), maybe("max_rate", &["100", "inf"])).prop_map(|(v, m)| v + &m),
    ];
    let table = prop_oneof![
        (table_head(false), spikes).prop_map(|(h, k)| format!("[[spikes]]\n{h}{k}")),
        (table_head(true), regular).prop_map(|(h, (a, b))| format!("[[regular]]\n{h}{a}{b}")),
        (table_head(true), latency).prop_map(|(h, (a, b, c, d))| format!("[[latency]]\n{h}{a}{b}{c}{d}")),
        (table_head(true), poisson).prop_map(|(h, p)| format!("[[poisson]]\n{h}{p}")),
    ];
    (maybe("seed", &["3", "4", "5", "6", "7", "-3"]), prop::collection::vec(table, 1..4))
        .prop_map(|(seed, tables)| seed + &tables.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn toml_and_csv_never_panic(text in ".{0,200}") {
        let _ = toml_with(&text, 50, None);
        let _ = csv(&text, 50);
        let _ = csv(&format!("timestep,input\n{text}"), 50);
    }

    #[test]
    fn structured_toml_never_panics(text in toml_soup(), steps in 0usize..300, seed in any::<Option<u64>>()) {
        if let Ok(loaded) = toml_with(&text, steps, seed) {
            prop_assert_eq!(loaded.stimulus.steps(), steps);
            prop_assert!(loaded.stimulus.as_steps().iter().flatten().all(|&a| (4..14).contains(&a)));
        }
    }
}
