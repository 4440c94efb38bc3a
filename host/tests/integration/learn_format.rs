//! The classifier in the image and in the network description (docs/image-format.md
//! §5.1, docs/network-format.md §13, docs/learning.md §3).
//!
//! Image cases start from the worked example of docs/image-format.md §8 (`tiny`: 16 × 16,
//! population `exc` = neurons 0..2, input group `in` = inputs 0..4) with a classifier
//! added: input `in`, output `exc`, 32 timesteps, Poisson 16 / 0.2, vote sum, labels
//! [0, 1]. Its bytes, by hand from §5.1: sections 1–7 unchanged up to offset 1036, then
//! the classifier section at 1036 (id 8, flags 0, payload length 31), payload at 1044:
//! input name length 1044, "in" 1045; output name length 1047, "exc" 1048; timesteps
//! 1051; encoder kind 1055; max_value 1056; max_probability 1060; vote 1068; label
//! count 1069; labels 1071 and 1073; end 1075; CRC 1075; hash 1079; 1111 bytes.

use crate::image_support::{Parts, Section, crc32, sha256, tiny};
use ncx::error::Report;
use ncx::image::codec::{self, ImageError};
use ncx::image::{Block, Image};
use ncx::learn::classifier::{Classifier, Vote};
use ncx::learn::encode::{Encoder, Encoding};
use ncx_model::Geometry;
use proptest::prelude::*;

const FOREIGN: &str =
    "help: the image was not written by this ncx, or its writer is broken; rebuild it with `ncx compile`";

fn classifier() -> Classifier {
    Classifier {
        input: "in".to_owned(),
        output: "exc".to_owned(),
        timesteps: 32,
        encoder: Encoder { kind: Encoding::Poisson, max_value: 16.0, max_probability: 0.2 },
        labels: vec![0, 1],
        vote: Vote::Sum,
    }
}

fn tiny_classifier() -> Image {
    let mut image = tiny();
    image.meta.classifier = Some(classifier());
    image
}

/// The payload of `classifier()`, written out by hand from §5.1.
fn payload() -> Vec<u8> {
    let mut p = vec![2, b'i', b'n', 3, b'e', b'x', b'c'];
    p.extend_from_slice(&[32, 0, 0, 0]); // timesteps
    p.push(1); // poisson
    p.extend_from_slice(&[0x00, 0x00, 0x80, 0x41]); // 16.0f32 = 0x41800000
    p.extend_from_slice(&[0x9a, 0x99, 0x99, 0x99, 0x99, 0x99, 0xc9, 0x3f]); // 0.2f64 = 0x3fc999999999999a
    p.push(0); // sum
    p.extend_from_slice(&[2, 0, 0, 0, 1, 0]); // 2 labels: 0, 1
    p
}

/// The message of decoding `bytes`, which must fail.
fn message(bytes: &[u8]) -> String {
    match codec::decode(bytes) {
        Ok(_) => panic!("decoded, but an error was expected"),
        Err(e) => Report(&e).to_string(),
    }
}

/// The example with its classifier payload replaced by `payload` (re-framed and
/// re-hashed, so that it reaches the classifier's rules).
fn with_payload(payload: Vec<u8>) -> Vec<u8> {
    let mut parts = Parts::parse(&codec::encode(&tiny_classifier()));
    parts.section(8).payload = payload;
    parts.build()
}

#[test]
fn the_classifier_section_is_as_documented() {
    let bytes = codec::encode(&tiny_classifier());
    assert_eq!(bytes.len(), 1111);
    let plain = codec::encode(&tiny());
    // Everything before the old hash is the same, but the section count: 8.
    assert_eq!(bytes[44..46], [8, 0]);
    assert_eq!(bytes[46..1036], plain[46..1036]);
    assert_eq!(bytes[..44], plain[..44]);
    // id 8, flags 0 (optional), payload length 31.
    assert_eq!(bytes[1036..1044], [8, 0, 0, 0, 31, 0, 0, 0]);
    assert_eq!(bytes[1044..1075], payload()[..]);
    assert_eq!(bytes[1075..1079], crc32(&bytes[1036..1075]).to_le_bytes());
    assert_eq!(bytes[1079..], sha256(&bytes[..1079]));
    assert_eq!(codec::decode(&bytes), Ok(tiny_classifier()));
}

#[test]
fn an_image_without_a_classifier_is_unchanged() {
    let bytes = codec::encode(&tiny());
    assert_eq!(bytes.len(), 1068);
    assert_eq!(bytes[44..46], [7, 0]);
    assert_eq!(codec::decode(&bytes).unwrap().meta.classifier, None);
}

#[test]
fn a_reader_that_does_not_know_the_section_may_skip_it() {
    // The section is optional: with it removed (as an older reader would skip it), the
    // rest is still the example.
    let mut parts = Parts::parse(&codec::encode(&tiny_classifier()));
    assert_eq!(parts.section(8).flags, 0);
    parts.sections.retain(|s| s.id != 8);
    assert_eq!(codec::decode(&parts.build()), Ok(tiny()));
    // Any order is accepted.
    let mut parts = Parts::parse(&codec::encode(&tiny_classifier()));
    parts.sections.rotate_right(1);
    assert_eq!(parts.sections[0].id, 8);
    assert_eq!(codec::decode(&parts.build()), Ok(tiny_classifier()));
}

#[test]
fn every_rule_of_the_section_has_its_error() {
    let set = |at: usize, bytes: &[u8]| {
        let mut p = payload();
        p[at - 1044..at - 1044 + bytes.len()].copy_from_slice(bytes);
        p
    };
    let cases: Vec<(Vec<u8>, String)> = vec![
        (
            {
                let mut p = payload();
                p.splice(4..7, *b"exd");
                p
            },
            "the classifier's output `exd` at offset 1047 names no population of the image (its populations: `exc`)"
                .to_owned(),
        ),
        (
            {
                let mut p = payload();
                p.splice(1..3, *b"ix");
                p
            },
            "the classifier's input `ix` at offset 1044 names no input group of the image (its input groups: `in`)"
                .to_owned(),
        ),
        (
            set(1051, &[0, 0, 0, 0]),
            "classifier timesteps = 0: a sample is presented for at least 1 timestep (classifier section, offset \
             1051)"
                .to_owned(),
        ),
        (
            set(1055, &[7]),
            "encoder kind at offset 1055 (classifier section) is 7; allowed: 0 (rate) or 1 (poisson)".to_owned(),
        ),
        (
            set(1056, &0f32.to_le_bytes()),
            "encoder max_value = 0 is not a finite number above 0 (classifier section, offset 1056)".to_owned(),
        ),
        (
            set(1056, &f32::NAN.to_le_bytes()),
            "encoder max_value = NaN is not a finite number above 0 (classifier section, offset 1056)".to_owned(),
        ),
        (
            set(1060, &1.5f64.to_le_bytes()),
            "encoder max_probability = 1.5 is not within 0..=1 (classifier section, offset 1060)".to_owned(),
        ),
        (set(1068, &[2]), "vote at offset 1068 (classifier section) is 2; allowed: 0 (sum) or 1 (mean)".to_owned()),
        (
            {
                let mut p = payload();
                p.truncate(1071 - 1044);
                p[1069 - 1044] = 3;
                p.extend_from_slice(&[0, 0, 1, 0, 1, 0]);
                p
            },
            "classifier labels has 3 entries but output population \"exc\" has 2 neurons (classifier section, offset \
             1069)"
                .to_owned(),
        ),
        (
            set(1073, &[2, 0]),
            "classifier labels give no neuron to class 1 (the labels go up to 2) (classifier section, offset 1071)"
                .to_owned(),
        ),
        (
            {
                let mut p = payload();
                p.extend_from_slice(&[0, 0]);
                p
            },
            "the classifier section has 2 unused bytes at offset 1075".to_owned(),
        ),
        (
            payload()[..1062 - 1044].to_vec(),
            "the classifier section ends early: max_probability needs 8 bytes at offset 1060, but the section ends \
             at offset 1062"
                .to_owned(),
        ),
    ];
    for (payload, expected) in cases {
        assert_eq!(message(&with_payload(payload)), format!("{expected}\n{FOREIGN}"));
    }
}

#[test]
fn the_section_may_appear_once() {
    let mut parts = Parts::parse(&codec::encode(&tiny_classifier()));
    parts.sections.push(Section { id: 8, flags: 0, payload: payload() });
    assert_eq!(
        message(&parts.build()),
        "the classifier section (id 8) appears twice, at offsets 1036 and 1079\n".to_owned() + FOREIGN
    );
}

#[test]
fn every_truncation_and_byte_change_of_the_section_is_refused() {
    let bytes = codec::encode(&tiny_classifier());
    for len in 1036..bytes.len() {
        assert!(codec::decode(&bytes[..len]).is_err(), "truncated at {len}");
    }
    for at in 1036..1079 {
        for flip in [0x01u8, 0x80] {
            let mut changed = bytes.clone();
            changed[at] ^= flip;
            assert!(matches!(
                codec::decode(&changed),
                Err(ImageError::SectionCrc { .. } | ImageError::Truncated { .. })
            ));
        }
    }
}

#[test]
fn check_reports_a_classifier_that_cannot_be_stored() {
    let mut image = tiny_classifier();
    assert_eq!(codec::check(&image), Ok(()));
    if let Some(c) = image.meta.classifier.as_mut() {
        c.timesteps = 0;
    }
    assert!(matches!(codec::check(&image), Err(ImageError::ClassifierRule { offset: 1051, .. })));
}

/// Random valid classifiers over a random population and input group of a 64 × 64
/// image.
fn classified_image() -> impl Strategy<Value = Image> {
    (
        1u16..=64,
        1u16..=64,
        prop_oneof![Just(Encoding::Rate), Just(Encoding::Poisson)],
        any::<u32>().prop_filter("finite, above 0", |b| {
            let v = f32::from_bits(*b);
            v.is_finite() && v > 0.0
        }),
        0.0f64..=1.0,
        1u32..=u32::MAX,
        any::<bool>(),
        prop::collection::vec(any::<u16>(), 64),
    )
        .prop_map(|(out_len, in_len, kind, max_value, max_probability, timesteps, mean, raw)| {
            let mut image = Image::empty(Geometry::new(64, 64).unwrap());
            image.meta.populations =
                vec![Block { name: "out".into(), start: 0, len: out_len, record: false, probe: vec![] }];
            image.meta.inputs =
                vec![Block { name: "x".into(), start: 64 - in_len, len: in_len, record: false, probe: vec![] }];
            // Labels: every class 0..classes has a neuron (the first `classes` neurons get
            // 0, 1, …), the rest any class below `classes`.
            let classes = 1 + raw[0] % out_len;
            let labels =
                (0..out_len).map(|i| if i < classes { i } else { raw[usize::from(i)] % classes }).collect::<Vec<u16>>();
            image.meta.classifier = Some(Classifier {
                input: "x".into(),
                output: "out".into(),
                timesteps,
                encoder: Encoder { kind, max_value: f32::from_bits(max_value), max_probability },
                labels,
                vote: if mean { Vote::Mean } else { Vote::Sum },
            });
            image
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn decode_inverts_encode_with_a_classifier(image in classified_image()) {
        let bytes = codec::encode(&image);
        let c = image.meta.classifier.as_ref().unwrap();
        let without = {
            let mut i = image.clone();
            i.meta.classifier = None;
            codec::encode(&i).len()
        };
        // §7: 12 framing bytes and 22 + |input| + |output| + 2·L payload bytes more.
        prop_assert_eq!(bytes.len(), without + 12 + 22 + c.input.len() + c.output.len() + 2 * c.labels.len());
        prop_assert_eq!(codec::decode(&bytes), Ok(image.clone()));
        prop_assert_eq!(codec::check(&image), Ok(()));
    }
}

/// A description with a 64-axon input group `pixels`, a 10-neuron population `digit`
/// (line 5) and a population `other`; `classifier` is the `[classifier]` table from
/// line 9 on.
fn network(classifier: &str) -> String {
    format!(
        "name = \"c\"\n\
         [[input]]\nname = \"pixels\"\nsize = 64\n\
         [[population]]\nname = \"digit\"\nsize = 10\nthreshold = 1.0\n\
         {classifier}\n\
         [[population]]\nname = \"other\"\nsize = 2\nthreshold = 1.0\n"
    )
}

const TABLE: &str = "[classifier]\ninput = \"pixels\"\noutput = \"digit\"\ntimesteps = 32\n\
                     encoder = { kind = \"poisson\", max_value = 16, max_probability = 0.2 }";

fn compile(text: &str) -> Result<ncx::compile::Compiled, ncx::compile::CompileError> {
    ncx::compile::compile_str(std::path::Path::new("net.toml"), text, &ncx::compile::CompileOptions::default())
}

/// The error's message, line, column, key and help.
fn diagnostic(text: &str) -> (String, usize, usize, String, String) {
    match compile(text) {
        Ok(_) => panic!("compiled:\n{text}"),
        Err(ncx::compile::CompileError::Invalid(d)) => {
            let lc = d.loc.as_ref().expect("a location").line_col();
            (d.message, lc.line, lc.column, d.key.unwrap_or_default(), d.help.unwrap_or_default())
        }
        Err(e) => panic!("not a description error: {e}"),
    }
}

#[test]
fn a_classifier_table_compiles_into_the_image() {
    let compiled = compile(&network(&format!("{TABLE}\nlabels = [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]\nvote = \"mean\"")))
        .expect("compiles");
    let expected = Classifier {
        input: "pixels".into(),
        output: "digit".into(),
        timesteps: 32,
        encoder: Encoder { kind: Encoding::Poisson, max_value: 16.0, max_probability: 0.2 },
        labels: vec![9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
        vote: Vote::Mean,
    };
    assert_eq!(compiled.image.meta.classifier.as_ref(), Some(&expected));
    assert_eq!(compiled.network.classifier.as_ref(), Some(&expected));
    // The image round-trips with it.
    let back = codec::decode(&codec::encode(&compiled.image)).unwrap();
    assert_eq!(back.meta.classifier, Some(expected));

    // Defaults: labels 0..size-1, vote sum; a rate encoder.
    let table = TABLE.replace("poisson", "rate").replace("max_value = 16", "max_value = 15.5");
    let compiled = compile(&network(&table)).expect("compiles");
    let c = compiled.image.meta.classifier.expect("a classifier");
    assert_eq!(c.labels, (0..10).collect::<Vec<u16>>());
    assert_eq!(c.vote, Vote::Sum);
    assert_eq!(c.encoder, Encoder { kind: Encoding::Rate, max_value: 15.5, max_probability: 0.2 });

    // Without the table, no classifier.
    assert_eq!(compile(&network("")).unwrap().image.meta.classifier, None);
}

/// A diagnostic's message, line, column, key and help.
type Expected = (&'static str, usize, usize, &'static str, &'static str);

#[test]
fn every_error_of_the_table_names_its_place() {
    let cases: Vec<(String, Expected)> = vec![
        (
            TABLE.replace("input = \"pixels\"", "input = \"pixel\""),
            ("unknown input group `pixel` in `classifier.input`", 10, 9, "classifier.input", "did you mean `pixels`?"),
        ),
        (
            TABLE.replace("input = \"pixels\"", "input = \"digit\""),
            (
                "unknown input group `digit` in `classifier.input`",
                10,
                9,
                "classifier.input",
                "`digit` is a population, not an input group; `classifier.input` names input group",
            ),
        ),
        (
            TABLE.replace("output = \"digit\"", "output = \"digits\""),
            (
                "unknown population `digits` in `classifier.output`",
                11,
                10,
                "classifier.output",
                "did you mean `digit`?",
            ),
        ),
        (
            format!("{TABLE}\nlabels = [0, 1, 2]"),
            (
                "`labels` has 3 entries but population `digit` has 10 neurons",
                14,
                10,
                "classifier.labels",
                "give one class per neuron of `digit`, in order, or leave `labels` out for 0..9",
            ),
        ),
        (
            format!("{TABLE}\nlabels = [0, 1, 2, 3, 4, 5, 6, 7, 8, 10]"),
            (
                "classifier labels give no neuron to class 9 (the labels go up to 10)",
                14,
                10,
                "classifier.labels",
                "every class from 0 to the largest label needs at least one neuron of the output population",
            ),
        ),
        (
            TABLE.replace("kind = \"poisson\"", "kind = \"poison\""),
            (
                "`kind` = \"poison\" is not an encoder",
                13,
                20,
                "classifier.encoder.kind",
                "did you mean \"poisson\"? The choices are \"rate\" and \"poisson\"",
            ),
        ),
        (
            TABLE.replace("timesteps = 32", "timesteps = 0"),
            (
                "`timesteps` = 0 is out of range: it must be from 1 to 4294967295",
                12,
                13,
                "classifier.timesteps",
                "the timesteps per sample: at least 1, e.g. 32",
            ),
        ),
        (
            TABLE.replace("max_probability = 0.2", "max_probability = 1.5"),
            (
                "`max_probability` = 1.5 is out of range: it must be from 0 to 1",
                13,
                65,
                "classifier.encoder.max_probability",
                "a spike probability per timestep, e.g. 0.2 (200 Hz at 1 ms timesteps)",
            ),
        ),
        (
            TABLE.replace("max_value = 16", "max_value = 0"),
            (
                "`max_value` = 0 is out of range: it must be above 0 and fit a 32-bit float",
                13,
                43,
                "classifier.encoder.max_value",
                "the largest feature value of the data set (16 for data/digits)",
            ),
        ),
        (
            format!("{TABLE}\nvote = \"man\""),
            (
                "`vote` = \"man\" is not a vote",
                14,
                8,
                "classifier.vote",
                "did you mean \"mean\"? The choices are \"sum\" and \"mean\"",
            ),
        ),
        (
            format!("{TABLE}\nlables = [0]"),
            (
                "unknown key `lables` in `classifier`",
                14,
                1,
                "classifier.lables",
                "did you mean `labels`? The keys of `classifier` are `input`, `output`, `timesteps`, `encoder`, \
                 `labels`, `vote`",
            ),
        ),
    ];
    for (table, (message, line, column, key, help)) in cases {
        let got = diagnostic(&network(&table));
        assert_eq!(got, (message.to_owned(), line, column, key.to_owned(), help.to_owned()), "{table}");
    }
}

#[test]
fn ncx_inspect_shows_the_classifier() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.ncx");
    let mut image = tiny_classifier();
    if let Some(c) = image.meta.classifier.as_mut() {
        c.vote = Vote::Mean;
        c.labels = vec![1, 0];
    }
    ncx::image::file::write_file(&path, &image).unwrap();
    let path = path.to_str().unwrap();
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_ncx")).args(args).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let text = run(&["inspect", path]);
    let expected = "classifier:\n  input in -> output exc, 32 timesteps per sample\n  encoder: poisson, max_value 16, \
                    max_probability 0.2\n  vote mean over 2 classes; labels 1 0\n";
    assert!(text.contains(expected), "{text}");
    let json: serde_json::Value = serde_json::from_str(&run(&["inspect", path, "--json"])).unwrap();
    assert_eq!(
        json["classifier"],
        serde_json::json!({
            "input": "in",
            "output": "exc",
            "timesteps": 32,
            "encoder": {"kind": "poisson", "max_value": 16.0, "max_probability": 0.2},
            "vote": "mean",
            "classes": 2,
            "labels": [1, 0],
        })
    );
    // An image without a classifier has no `classifier` key.
    let plain = dir.path().join("plain.ncx");
    ncx::image::file::write_file(&plain, &tiny()).unwrap();
    let json: serde_json::Value = serde_json::from_str(&run(&["inspect", plain.to_str().unwrap(), "--json"])).unwrap();
    assert!(json.get("classifier").is_none());
    assert!(!run(&["inspect", plain.to_str().unwrap()]).contains("classifier"));
}
