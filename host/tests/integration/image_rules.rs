//! The rules of docs/image-format.md that are not errors: unknown optional sections
//! are skipped, sections may come in any order, the `required` flag of a known section
//! does not matter to this reader, the bit and byte orders of the tables, and the
//! document itself — its hex example, widths table and section table — agrees with
//! the code.

use crate::image_support::{Parts, Section, WIDTHS, tiny, tiny_fixture};
use ncx::image::codec::{SectionKind, decode, encode};
use ncx_model::spec::FIELDS;

fn tiny_parts() -> Parts {
    Parts::parse(&encode(&tiny()))
}

#[test]
fn unknown_optional_sections_are_skipped_wherever_they_are() {
    let mut parts = tiny_parts();
    parts.sections.insert(0, Section { id: 0, flags: 0, payload: vec![] });
    parts.sections.insert(4, Section { id: 9, flags: 0, payload: vec![0xff; 100] });
    parts.sections.push(Section { id: 0xffff, flags: 0, payload: b"future".to_vec() });
    assert_eq!(decode(&parts.build()).unwrap(), tiny());
}

#[test]
fn sections_may_come_in_any_order_and_known_flags_are_not_needed() {
    let mut parts = tiny_parts();
    parts.sections.reverse();
    for s in &mut parts.sections {
        s.flags = 1 - s.flags; // required ⇄ optional
    }
    assert_eq!(decode(&parts.build()).unwrap(), tiny());
}

#[test]
fn tables_are_row_major_and_enable_bits_lsb_first() {
    let mut image = tiny();
    image.w_in = vec![0; 256];
    image.plastic_in = vec![false; 256];
    // W_in[2][9] is entry 2·16 + 9 = 41: byte 41 of W_in, bit 41 % 8 = 1 of byte 41 / 8 = 5 of E_in.
    image.w_in[41] = -2;
    image.plastic_in[41] = true;
    let parts = Parts::parse(&encode(&image));
    let w_in = &parts.sections[1].payload;
    assert_eq!(w_in.iter().enumerate().filter(|(_, b)| **b != 0).collect::<Vec<_>>(), [(41, &0xfe)]);
    let e_in = &parts.sections[3].payload;
    assert_eq!(e_in.iter().enumerate().filter(|(_, b)| **b != 0).collect::<Vec<_>>(), [(5, &0b0000_0010)]);
}

#[test]
fn every_set_bit_of_an_enable_table_is_one_synapse() {
    // Each byte value in each position decodes to exactly the bits that are set in it.
    let mut parts = tiny_parts();
    let e_rec = &mut parts.section(5).payload;
    for (i, b) in e_rec.iter_mut().enumerate() {
        *b = (i * 37 % 256) as u8;
    }
    let expected: Vec<bool> = (0..256).map(|bit| ((bit / 8) * 37 % 256) >> (bit % 8) & 1 == 1).collect();
    assert_eq!(decode(&parts.build()).unwrap().plastic_rec, expected);
}

/// The document, read from the repository.
fn doc() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/image-format.md")).unwrap()
}

/// The `hexdump -C` listing in §8 of the document, as bytes (`*` repeats the previous
/// line up to the next offset).
fn documented_example() -> Vec<u8> {
    let doc = doc();
    let start = doc.find("<!-- hexdump: tiny-v1.ncx -->").expect("the §8 listing marker");
    let block = doc[start..].split("```").nth(1).expect("a fenced block after the marker");
    let mut bytes: Vec<u8> = Vec::new();
    let mut last: Vec<u8> = Vec::new();
    let mut repeat = false;
    for line in block.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        if line.trim() == "*" {
            repeat = true;
            continue;
        }
        let offset = usize::from_str_radix(&line[..8], 16).unwrap();
        if repeat {
            while bytes.len() < offset {
                bytes.extend_from_slice(&last);
            }
            repeat = false;
        }
        assert_eq!(bytes.len(), offset, "listing line {line:?}");
        let hex = line[8..].split('|').next().unwrap();
        last = hex.split_whitespace().map(|h| u8::from_str_radix(h, 16).unwrap()).collect();
        bytes.extend_from_slice(&last);
    }
    bytes
}

#[test]
fn the_documented_hex_example_is_the_fixture_and_the_encoding() {
    let documented = documented_example();
    assert_eq!(documented.len(), 1068);
    assert_eq!(documented, tiny_fixture());
    assert_eq!(documented, encode(&tiny()));
}

#[test]
fn the_documented_widths_table_is_spec_fields() {
    let doc = doc();
    for (i, (field, (bits, signed))) in FIELDS.iter().zip(WIDTHS).enumerate() {
        assert_eq!((field.bits, field.signed), (u32::from(bits), signed == 1), "{}", field.name);
        let offset = 14 + 2 * i;
        let row = format!("| {i} | {offset} | `{}` | {} | {} |", field.name, field.bits, signed);
        assert!(doc.contains(&row), "the widths table lacks {row:?}");
    }
}

#[test]
fn the_documented_section_table_is_section_kind() {
    let doc = doc();
    for kind in SectionKind::ALL {
        let row = format!("| {} | {} | {} |", kind.id(), kind.name(), u16::from(kind.required()));
        assert!(doc.contains(&row), "the section table lacks {row:?}");
        assert_eq!(SectionKind::from_id(kind.id()), Some(kind));
    }
    assert_eq!(SectionKind::from_id(0), None);
    assert_eq!(SectionKind::from_id(9), None);
}
