//! Damaged and hostile input (docs/image-format.md §6): every truncation and every
//! single-byte change of an image is an error of the documented kind, and no input —
//! random bytes, random edits of a valid image, or edits re-sealed with correct CRCs
//! and hash so that they reach the semantic checks — makes `decode` panic. Whatever
//! `decode` accepts loads into a core and survives another round trip.

use crate::image_support::{HEADER_LEN, Parts, reseal, tiny, valid_image};
use ncx::image::codec::{ImageError, MAGIC, decode, encode};
use proptest::prelude::*;

fn tiny_bytes() -> Vec<u8> {
    encode(&tiny())
}

#[test]
fn every_truncation_is_an_error() {
    let bytes = tiny_bytes();
    for len in 0..bytes.len() {
        match decode(&bytes[..len]) {
            Err(ImageError::Empty) => assert_eq!(len, 0),
            Err(ImageError::Truncated { file_len, .. }) => assert_eq!(file_len, len),
            other => panic!("cut at {len}: expected a truncation error, got {other:?}"),
        }
    }
}

/// What changing the byte at `at` must give, by the part of the file it is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Magic,
    Version,
    Hash,
    SectionCrc,
    /// A section length: the frame moves, so the CRC fails or the file is too short.
    CrcOrTruncated,
    /// The section count: sections are missing (bytes left over) or too many are read.
    AnyError,
}

fn expectations(bytes: &[u8]) -> Vec<Expect> {
    let parts = Parts::parse(bytes);
    let mut expect = vec![Expect::Hash; bytes.len()];
    expect[..8].fill(Expect::Magic);
    expect[8..10].fill(Expect::Version);
    expect[44..46].fill(Expect::AnyError);
    for i in 0..parts.sections.len() {
        let (start, len) = (parts.offset(i), parts.sections[i].payload.len());
        expect[start..start + 12 + len].fill(Expect::SectionCrc);
        expect[start + 4..start + 8].fill(Expect::CrcOrTruncated);
    }
    expect
}

#[test]
fn every_single_byte_change_is_an_error() {
    let bytes = tiny_bytes();
    let expect = expectations(&bytes);
    assert_eq!(expect[HEADER_LEN..].iter().filter(|e| **e == Expect::Hash).count(), 32, "only the trailer");
    let mut changed = bytes.clone();
    for at in 0..bytes.len() {
        for delta in 1..=255u8 {
            changed[at] = bytes[at] ^ delta;
            let result = decode(&changed);
            let ok = match (expect[at], &result) {
                (_, Ok(_)) => false,
                (Expect::Magic, Err(e)) => matches!(e, ImageError::BadMagic { .. }),
                (Expect::Version, Err(e)) => matches!(e, ImageError::Version { .. }),
                (Expect::Hash, Err(e)) => matches!(e, ImageError::Hash { .. }),
                (Expect::SectionCrc, Err(e)) => matches!(e, ImageError::SectionCrc { .. }),
                (Expect::CrcOrTruncated, Err(e)) => {
                    matches!(e, ImageError::SectionCrc { .. } | ImageError::Truncated { .. })
                }
                (Expect::AnyError, Err(_)) => true,
            };
            assert!(ok, "byte {at} ^ {delta:#04x}: expected {:?}, got {result:?}", expect[at]);
        }
        changed[at] = bytes[at];
    }
}

/// An edit of a byte string: overwrite, insert or delete at a position (taken modulo
/// the length).
#[derive(Debug, Clone)]
enum Edit {
    Set(usize, u8),
    Insert(usize, u8),
    Delete(usize),
}

fn apply(bytes: &mut Vec<u8>, edits: &[Edit]) {
    for edit in edits {
        let len = bytes.len().max(1);
        match *edit {
            Edit::Set(at, value) if !bytes.is_empty() => bytes[at % len] = value,
            Edit::Insert(at, value) => bytes.insert(at % (bytes.len() + 1), value),
            Edit::Delete(at) if !bytes.is_empty() => {
                bytes.remove(at % len);
            }
            _ => {}
        }
    }
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    let edit = prop_oneof![
        4 => (any::<usize>(), any::<u8>()).prop_map(|(at, v)| Edit::Set(at, v)),
        1 => (any::<usize>(), any::<u8>()).prop_map(|(at, v)| Edit::Insert(at, v)),
        1 => any::<usize>().prop_map(Edit::Delete),
    ];
    prop::collection::vec(edit, 1..8)
}

/// Whatever `decode` accepts is a loadable image that encodes and decodes again.
fn accepted_is_sound(bytes: &[u8]) -> Result<(), TestCaseError> {
    if let Ok(image) = decode(bytes) {
        prop_assert!(image.to_core().is_ok());
        let again = encode(&image);
        let back = decode(&again);
        prop_assert_eq!(back.as_ref(), Ok(&image));
    }
    Ok(())
}

/// Overwrites inside the fields of a well-framed image that do not move the frames
/// (anything but the section count and the section lengths), biased towards the
/// small sections whose every byte has a rule: section `s` (0..7) at a position taken
/// modulo its payload, or the header (s = 7).
fn field_edits() -> impl Strategy<Value = Vec<(usize, usize, u8)>> {
    prop::collection::vec((0usize..8, any::<usize>(), any::<u8>()), 1..6)
}

fn apply_field_edits(bytes: &mut [u8], edits: &[(usize, usize, u8)]) {
    let parts = Parts::parse(bytes);
    for &(section, at, value) in edits {
        let position = match parts.sections.get(section) {
            // Payload bytes, and the id and flags (which may then name another section).
            Some(_) if at % 8 == 0 => parts.offset(section) + (at / 8) % 4,
            Some(s) if !s.payload.is_empty() => parts.offset(section) + 8 + at % s.payload.len(),
            _ => 8 + at % 36, // version, geometry, widths
        };
        bytes[position] = value;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        accepted_is_sound(&bytes)?;
        // The same bytes behind a valid magic and version reach the later checks.
        let mut prefixed = MAGIC.to_vec();
        prefixed.extend_from_slice(&1u16.to_le_bytes());
        prefixed.extend_from_slice(&bytes);
        accepted_is_sound(&prefixed)?;
    }

    #[test]
    fn random_edits_of_a_valid_image_never_panic(edits in edits()) {
        let mut bytes = tiny_bytes();
        apply(&mut bytes, &edits);
        accepted_is_sound(&bytes)?;
    }

    #[test]
    fn resealed_field_edits_never_panic(edits in field_edits()) {
        let mut bytes = tiny_bytes();
        apply_field_edits(&mut bytes, &edits);
        accepted_is_sound(&reseal(&bytes))?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn resealed_field_edits_of_random_images_never_panic(image in valid_image(), edits in field_edits()) {
        let mut bytes = encode(&image);
        apply_field_edits(&mut bytes, &edits);
        accepted_is_sound(&reseal(&bytes))?;
    }
}
