//! Every decoding error of docs/image-format.md §6, pinned with its exact message.
//!
//! Each case starts from the worked example of §8 (1068 bytes) and breaks one rule.
//! Offsets are computed by hand from the layout in the document: header 0..46;
//! sections at 46 (core config, payload at 54), 76 (W_in, payload 84), 344 (W_rec,
//! payload 352), 612 (E_in), 656 (E_rec), 700 (neuron parameters, payload 708: neuron
//! n's record at 708 + 17·n), 984 (metadata, payload 992); the hash at 1036.
//! Metadata payload of the example: name length 992, "tiny" 993, timestep_us 997,
//! clock_hz 1001, population count 1005, population "exc" at 1007 (name 1008, start
//! 1011, len 1013, record 1015, probe count 1016, probe 1018), input group count 1020,
//! input group "in" at 1022 (start 1025, len 1027, record 1029, probe count 1030),
//! end 1032. Changed images are re-framed by the test builder (`Parts::build`, with
//! the reference CRC), so they pass the integrity checks and reach the rule under test.

use crate::image_support::{Parts, Section, crc32, tiny};
use ncx::error::Report;
use ncx::image::codec::{self, ImageError};
use ncx::image::{Block, Image};

const FOREIGN: &str =
    "help: the image was not written by this ncx, or its writer is broken; rebuild it with `ncx compile`";
const DAMAGED: &str = "help: the file was damaged after it was written; copy it again or rebuild it with `ncx compile`";
const NEWER: &str = "help: the image was written by a newer ncx: upgrade ncx";

fn tiny_bytes() -> Vec<u8> {
    codec::encode(&tiny())
}

fn parts() -> Parts {
    Parts::parse(&tiny_bytes())
}

/// The message of decoding `bytes`, which must fail.
fn message(bytes: &[u8]) -> String {
    match codec::decode(bytes) {
        Ok(_) => panic!("decoded, but an error was expected"),
        Err(e) => Report(&e).to_string(),
    }
}

/// The message of decoding the example after `change`.
fn changed(change: impl FnOnce(&mut Parts)) -> String {
    let mut p = parts();
    change(&mut p);
    message(&p.build())
}

/// The message of decoding the encoding of the example after `change`.
fn with_meta(change: impl FnOnce(&mut Image)) -> String {
    let mut image = tiny();
    change(&mut image);
    message(&codec::encode(&image))
}

fn block(name: &str, start: u16, len: u16) -> Block {
    Block { name: name.to_owned(), start, len, record: false, probe: vec![] }
}

#[test]
fn empty_file() {
    assert_eq!(message(&[]), "the file is empty (0 bytes), not an ncx image\nhelp: build an image with `ncx compile`");
}

#[test]
fn truncated_files_say_what_is_missing_and_where() {
    let bytes = tiny_bytes();
    let help = "help: the file was cut short (an interrupted write or copy?); copy it again or rebuild it with \
                `ncx compile`";
    let cases = [
        (5, "the magic number needs 8 bytes at offset 0, but the file has only 5 bytes"),
        (9, "the format version needs 2 bytes at offset 8, but the file has only 9 bytes"),
        (30, "the header needs 46 bytes at offset 0, but the file has only 30 bytes"),
        (50, "the head of section 0 needs 8 bytes at offset 46, but the file has only 50 bytes"),
        // W_rec: 8-byte head + 256 payload bytes + 4 CRC bytes = 268 from offset 344.
        (
            500,
            "section 2 (W_rec, id 3) with its 256-byte payload and CRC needs 268 bytes at offset 344, \
             but the file has only 500 bytes",
        ),
        (1040, "the content hash (SHA-256) needs 32 bytes at offset 1036, but the file has only 1040 bytes"),
    ];
    for (len, what) in cases {
        assert_eq!(message(&bytes[..len]), format!("the image is truncated: {what}\n{help}"), "cut at {len}");
    }
}

#[test]
fn bad_magic_shows_the_start_and_recognises_toml() {
    assert_eq!(
        message(b"PK\x03\x04\x14\x00\x00\x00\x08\x00"),
        "not an ncx image: starts with \"PK\\x03\\x04\\x14\\x00\\x00\\x00\" (hex 50 4b 03 04 14 00 00 00) \
         instead of \"NCXIMAGE\"\nhelp: give an image written by `ncx compile` (a .ncx file)"
    );
    assert_eq!(
        message(b"# demo network\n\nname = \"demo\"\n"),
        "not an ncx image: starts with \"# demo n\" (hex 23 20 64 65 6d 6f 20 6e) instead of \"NCXIMAGE\"\n\
         help: this looks like a network description; compile it with `ncx compile`"
    );
    assert_eq!(
        message(b"[core]\nneurons = 64\n"),
        "not an ncx image: starts with \"[core]\\nn\" (hex 5b 63 6f 72 65 5d 0a 6e) instead of \"NCXIMAGE\"\n\
         help: this looks like a network description; compile it with `ncx compile`"
    );
    // Shorter than the magic and not a prefix of it.
    assert_eq!(
        message(b"abc"),
        "not an ncx image: starts with \"abc\" (hex 61 62 63) instead of \"NCXIMAGE\"\n\
         help: give an image written by `ncx compile` (a .ncx file)"
    );
}

#[test]
fn versions_other_than_1_are_refused_before_anything_else() {
    let mut bytes = tiny_bytes();
    bytes[8] = 7;
    // Nothing after the version is read: a version-7 file may have any layout.
    bytes.truncate(10);
    assert_eq!(message(&bytes), format!("unsupported image: format version 7; this ncx reads version 1\n{NEWER}"));
    bytes[8] = 0;
    assert_eq!(
        message(&bytes),
        "unsupported image: format version 0; this ncx reads version 1\n\
         help: no ncx writes version 0: the file is damaged; rebuild it with `ncx compile`"
    );
}

#[test]
fn section_crc_mismatch_names_the_section_and_both_values() {
    let mut bytes = tiny_bytes();
    bytes[352] ^= 0x01; // W_rec[0][0], first payload byte of section 2
    let computed = crc32(&bytes[344..344 + 8 + 256]);
    assert_eq!(
        message(&bytes),
        format!(
            "section 2 (W_rec, id 3) at offset 344 is damaged: its stored CRC-32 is 0x37b4e586 but its bytes give \
             {computed:#010x}\n{DAMAGED}"
        )
    );
}

#[test]
fn trailing_bytes() {
    let mut bytes = tiny_bytes();
    bytes.extend_from_slice(b"abc");
    assert_eq!(
        message(&bytes),
        format!("3 unexpected bytes at offset 1068, after the content hash that ends the image\n{DAMAGED}")
    );
}

#[test]
fn content_hash_mismatch() {
    let mut bytes = tiny_bytes();
    bytes[1067] ^= 0xff; // last byte of the hash: 0x6f → 0x90
    assert_eq!(
        message(&bytes),
        format!(
            "content hash mismatch: the trailer at offset 1036 says sha256 \
             f0102fcee1be7bf301582d1ead91300a98f9bc35bfd464f8f87d4a11e85a8b90 but the 1036 bytes before it hash to \
             f0102fcee1be7bf301582d1ead91300a98f9bc35bfd464f8f87d4a11e85a8b6f\n{DAMAGED}"
        )
    );
    // A changed header byte (here N's high byte) is caught by the hash, not read as data.
    let mut bytes = tiny_bytes();
    bytes[11] = 0x01;
    assert!(message(&bytes).starts_with("content hash mismatch: the trailer at offset 1036 says sha256 f0102fce"));
}

#[test]
fn a_different_widths_table_is_a_different_core() {
    let help = "help: this ncx builds and runs NCX-1 images only; rebuild the image with this ncx's `ncx compile`";
    // threshold is entry 4 of the table: offset 14 + 2·4 = 22.
    let got = changed(|p| p.widths[4] = (16, 1));
    assert_eq!(
        got,
        format!(
            "the image is for a different core: field `threshold` (widths table, offset 22) is 16-bit signed in the \
             image but 24-bit signed in this ncx's NCX-1\n{help}"
        )
    );
    // weight (entry 0, offset 14) stored unsigned.
    let got = changed(|p| p.widths[0] = (8, 0));
    assert!(got.starts_with(
        "the image is for a different core: field `weight` (widths table, offset 14) is 8-bit \
                             unsigned in the image but 8-bit signed"
    ));
    // period (entry 14, offset 42) with an undefined signedness code.
    let got = changed(|p| p.widths[14] = (32, 2));
    assert!(got.contains("field `period` (widths table, offset 42) is 32-bit with the undefined signedness code 2"));
}

#[test]
fn invalid_geometry() {
    assert_eq!(
        changed(|p| p.neurons = 17),
        format!(
            "invalid geometry at offset 10: neurons = 17 is not supported: must be a power of two from 16 to 1024\n\
             {FOREIGN}"
        )
    );
    assert_eq!(
        changed(|p| p.inputs = 2048),
        format!(
            "invalid geometry at offset 12: inputs = 2048 is not supported: must be a power of two from 16 to 1024\n\
             {FOREIGN}"
        )
    );
}

#[test]
fn a_valid_geometry_that_does_not_match_the_tables() {
    // N = 32: W_in must hold 32 × 16 = 512 weights; the example has 256.
    assert_eq!(
        changed(|p| p.neurons = 32),
        format!("the W_in section at offset 76 has 256 payload bytes, but 32 × 16 int8 weights take 512\n{FOREIGN}")
    );
}

#[test]
fn section_lengths_must_match_the_geometry() {
    let cases: [(u16, usize, &str); 6] = [
        (1, 17, "the core config section at offset 46 has 17 payload bytes, but the core configuration fields take 18"),
        (2, 255, "the W_in section at offset 76 has 255 payload bytes, but 16 × 16 int8 weights take 256"),
        (3, 257, "the W_rec section at offset 344 has 257 payload bytes, but 16 × 16 int8 weights take 256"),
        (4, 31, "the E_in section at offset 612 has 31 payload bytes, but 16 × 16 enable bits, 8 per byte, take 32"),
        (5, 0, "the E_rec section at offset 656 has 0 payload bytes, but 16 × 16 enable bits, 8 per byte, take 32"),
        (
            6,
            273,
            "the neuron parameters section at offset 700 has 273 payload bytes, but 16 neuron records of 17 bytes \
             take 272",
        ),
    ];
    for (id, len, expected) in cases {
        assert_eq!(changed(|p| p.section(id).payload.resize(len, 0)), format!("{expected}\n{FOREIGN}"), "id {id}");
    }
}

#[test]
fn unknown_flags_unknown_required_duplicate_and_missing_sections() {
    assert_eq!(
        changed(|p| p.section(2).flags = 0x0003),
        format!("section 1 (W_in, id 2) at offset 76 has flags 0x0003; this ncx knows only bit 0 (required)\n{NEWER}")
    );
    assert_eq!(
        changed(|p| p.sections.push(Section { id: 42, flags: 1, payload: vec![1, 2, 3] })),
        "section 7 at offset 1036 has id 42, which this ncx does not know, and is marked required\n\
         help: the image needs a newer ncx: upgrade ncx"
    );
    assert_eq!(
        changed(|p| {
            let config = p.sections[0].clone();
            p.sections.push(config);
        }),
        format!("the core config section (id 1) appears twice, at offsets 46 and 1036\n{FOREIGN}")
    );
    assert_eq!(
        changed(|p| p.sections.retain(|s| s.id != 5)),
        format!("the image has no E_rec section (id 5)\n{FOREIGN}")
    );
}

#[test]
fn values_outside_their_field() {
    let set = |id: u16, at: usize, bytes: &[u8]| {
        let bytes = bytes.to_vec();
        changed(move |p| p.section(id).payload[at..at + bytes.len()].copy_from_slice(&bytes))
    };
    // Neuron 5's threshold: payload offset 5·17 = 85, file offset 708 + 85 = 793.
    assert_eq!(
        set(6, 85, &9_000_000i32.to_le_bytes()),
        format!(
            "neuron 5 threshold at offset 793 (neuron parameters section): threshold = 9000000 does not fit its \
             field: allowed -8388608..=8388607\n{FOREIGN}"
        )
    );
    // Neuron 1's v_decay: 708 + 17 + 12 = 737.
    assert_eq!(
        set(6, 17 + 12, &4096u16.to_le_bytes()),
        format!(
            "neuron 1 v_decay at offset 737 (neuron parameters section): decay = 4096 does not fit its field: \
             allowed 0..=4095\n{FOREIGN}"
        )
    );
    // Neuron 15's bias at 708 + 15·17 + 8 = 971, below the 24-bit range.
    assert!(set(6, 15 * 17 + 8, &(-8_388_609i32).to_le_bytes()).starts_with(
        "neuron 15 bias at offset 971 (neuron parameters section): bias = -8388609 does not fit its field"
    ));
    // Config: weight_shift at 54 + 4 = 58; w_min at 54 + 9 = 63 (w_max is 20).
    assert_eq!(
        set(1, 4, &[16]),
        format!(
            "weight_shift at offset 58 (core config section): weight_shift = 16 does not fit its field: allowed \
             0..=15\n{FOREIGN}"
        )
    );
    assert_eq!(
        set(1, 9, &[30]),
        format!(
            "STDP weight bounds at offset 63 (core config section): STDP weight bounds are inverted: w_min = 30 > \
             w_max = 20\n{FOREIGN}"
        )
    );
    // STDP shift at 54 + 8 = 62; post-trace decay at 54 + 14 = 68.
    assert!(set(1, 8, &[16]).starts_with("STDP shift at offset 62 (core config section): stdp_shift = 16"));
    assert!(set(1, 14, &5000u16.to_le_bytes()).starts_with(
        "STDP post-trace decay at offset 68 (core config section): decay = 5000 does not fit its field: allowed \
         0..=4095"
    ));
}

#[test]
fn undefined_codes() {
    let set = |id: u16, at: usize, byte: u8| changed(move |p| p.section(id).payload[at] = byte);
    // STDP enable at 54 + 5 = 59, trace mode at 54 + 11 = 65.
    assert_eq!(
        set(1, 5, 2),
        format!("STDP enable at offset 59 (core config section) is 2; allowed: 0 (off) or 1 (on)\n{FOREIGN}")
    );
    assert_eq!(
        set(1, 11, 3),
        format!("STDP trace mode at offset 65 (core config section) is 3; allowed: 0 (add) or 1 (set)\n{FOREIGN}")
    );
    // Metadata: the population's record flag at 1015 (payload offset 23), the input
    // group's at 1029 (37) and its probe count at 1030 (38).
    assert_eq!(
        set(7, 23, 2),
        format!("population `exc` record flag at offset 1015 (metadata section) is 2; allowed: 0 or 1\n{FOREIGN}")
    );
    assert_eq!(
        set(7, 37, 1),
        format!(
            "input group `in` record flag at offset 1029 (metadata section) is 1; allowed: 0 (input groups are not \
             recorded)\n{FOREIGN}"
        )
    );
    assert_eq!(
        set(7, 38, 1),
        format!(
            "input group `in` probe count at offset 1030 (metadata section) is 1; allowed: 0 (input groups are not \
             probed)\n{FOREIGN}"
        )
    );
}

#[test]
fn metadata_that_ends_early_or_has_bytes_left_over() {
    // Cut after 25 of 40 bytes (at 1017): the probe count at 1016 needs 2 bytes.
    assert_eq!(
        changed(|p| p.section(7).payload.truncate(25)),
        format!(
            "the metadata section ends early: the probe count of population 0 (`exc`) needs 2 bytes at offset 1016, \
             but the section ends at offset 1017\n{FOREIGN}"
        )
    );
    // Cut inside the network name: 4 name bytes from 993, the payload ends at 995.
    assert_eq!(
        changed(|p| p.section(7).payload.truncate(3)),
        format!(
            "the metadata section ends early: the network name (4 bytes) needs 4 bytes at offset 993, but the \
             section ends at offset 995\n{FOREIGN}"
        )
    );
    assert_eq!(
        changed(|p| p.section(7).payload.extend_from_slice(&[0, 0])),
        format!("the metadata section has 2 unused bytes at offset 1032\n{FOREIGN}")
    );
}

#[test]
fn names_must_be_utf8() {
    // "exc" → 65 ff 63: the bad byte is at 1008 + 1.
    assert_eq!(
        changed(|p| p.section(7).payload[17] = 0xff),
        format!("the name of population 0 at offset 1007 is not valid UTF-8 (bad byte at offset 1009)\n{FOREIGN}")
    );
}

#[test]
fn blocks_must_be_non_empty_inside_the_geometry_disjoint_and_distinct() {
    assert_eq!(
        with_meta(|i| i.meta.populations[0].len = 0),
        format!("population `exc` at offset 1007 is empty (len 0)\n{FOREIGN}")
    );
    assert_eq!(
        with_meta(|i| i.meta.populations[0].start = 15),
        format!("population `exc` at offset 1007 covers neurons 15..17, outside the core's neurons 0..16\n{FOREIGN}")
    );
    assert_eq!(
        with_meta(|i| i.meta.inputs[0].start = 14),
        format!("input group `in` at offset 1022 covers inputs 14..18, outside the core's inputs 0..16\n{FOREIGN}")
    );
    // Populations "a" 0..4 (block at 1007, 1 + 1 + 2 + 2 + 1 + 2 = 9 bytes) and "b" at 1016.
    assert_eq!(
        with_meta(|i| i.meta.populations = vec![block("a", 0, 4), block("b", 2, 4)]),
        format!("populations `a` (neurons 0..4) and `b` (neurons 2..6, at offset 1016) overlap\n{FOREIGN}")
    );
    assert_eq!(
        with_meta(|i| i.meta.populations = vec![block("a", 0, 2), block("a", 4, 2)]),
        format!("two populations are called `a` (the second at offset 1016)\n{FOREIGN}")
    );
    // The same name for a population and an input group is allowed.
    let mut image = tiny();
    image.meta.inputs[0].name = "exc".to_owned();
    assert_eq!(codec::decode(&codec::encode(&image)).unwrap(), image);
}

#[test]
fn probes_must_lie_in_their_population_once() {
    assert_eq!(
        with_meta(|i| i.meta.populations[0].probe = vec![2]),
        format!("population `exc` probes index 2 at offset 1018, but has only 2 neurons\n{FOREIGN}")
    );
    assert_eq!(
        with_meta(|i| i.meta.populations[0].probe = vec![1, 1]),
        format!("population `exc` probes index 1 twice (offset 1020)\n{FOREIGN}")
    );
}

#[test]
fn images_that_cannot_be_stored_exactly_are_reported_by_check() {
    let help = "(names are limited to 255 bytes, block and probe lists to 65535 entries, and the enable tables \
                must match the geometry)\nhelp: this is a bug in the program that built the image";
    let mut image = tiny();
    image.plastic_in.truncate(253); // still 32 bytes when packed
    assert_eq!(
        Report(&codec::check(&image).unwrap_err()).to_string(),
        format!("the image cannot be stored exactly: the E_in table would read back differently {help}")
    );
    let mut image = tiny();
    image.meta.name = "n".repeat(300);
    assert_eq!(codec::check(&image).unwrap_err(), ImageError::NotRepresentable { what: "the network name" });
    let mut image = tiny();
    image.meta.populations[0].name = "p".repeat(256);
    assert_eq!(codec::check(&image).unwrap_err(), ImageError::NotRepresentable { what: "the population list" });
    // An image that breaks a decoding rule gets that rule's error.
    let mut image = tiny();
    image.w_in.pop();
    assert!(matches!(codec::check(&image), Err(ImageError::SectionLength { got: 255, expected: 256, .. })));
    // A 255-byte name is stored exactly.
    let mut image = tiny();
    image.meta.name = "é".repeat(127) + "x";
    assert_eq!(image.meta.name.len(), 255);
    assert_eq!(codec::check(&image), Ok(()));
}

/// Files that cannot be read say so with what to give instead (docs/reliability.md §5).
#[test]
fn a_missing_image_or_a_directory_says_what_to_give() {
    let dir = tempfile::tempdir().unwrap();
    let err = ncx::image::file::read_file(dir.path()).unwrap_err();
    assert_eq!(
        Report(&err).to_string(),
        format!(
            "{} is a directory, not an image\nhelp: give the path of an image written by `ncx compile` (a .ncx file)",
            dir.path().display()
        )
    );
    let missing = dir.path().join("nope.ncx");
    let err = Report(&ncx::image::file::read_file(&missing).unwrap_err()).to_string();
    assert!(err.starts_with(&format!("cannot read {}: ", missing.display())), "{err}");
    assert!(err.ends_with("\nhelp: check the path; an image is written by `ncx compile` (a .ncx file)"), "{err}");
}
