//! `decode(encode(x)) == x` over random valid images, the sizes of docs/image-format.md
//! §7 (per-section formula, smallest and largest image), and `check` on valid images.

use crate::image_support::valid_image;
use ncx::image::codec::{check, decode, encode};
use ncx::image::{Block, Image, Metadata};
use ncx_model::Geometry;
use proptest::prelude::*;

/// The encoded size by the document's layout (§7): header 46, 7 sections of 12 framing
/// bytes, config 18, W_in N·M, W_rec N², E_in N·M/8, E_rec N²/8, 17 per neuron,
/// metadata, SHA-256 32.
fn documented_len(image: &Image) -> usize {
    let (n, m) = (image.geometry.neurons(), image.geometry.inputs());
    let meta = &image.meta;
    let block = |b: &Block| 1 + b.name.len() + 2 + 2 + 1 + 2 + 2 * b.probe.len();
    let metadata = 1
        + meta.name.len()
        + 4
        + 4
        + 2
        + meta.populations.iter().map(block).sum::<usize>()
        + 2
        + meta.inputs.iter().map(block).sum::<usize>();
    46 + 7 * 12 + 18 + n * m + n * n + n * m / 8 + n * n / 8 + 17 * n + metadata + 32
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn decode_inverts_encode(image in valid_image()) {
        let bytes = encode(&image);
        prop_assert_eq!(bytes.len(), documented_len(&image));
        let back = decode(&bytes);
        prop_assert_eq!(back.as_ref(), Ok(&image));
        prop_assert!(image.to_core().is_ok());
        prop_assert_eq!(check(&image), Ok(()));
    }
}

#[test]
fn the_smallest_image_is_1041_bytes() {
    // 16 × 16, empty metadata: 46 + 84 + 18 + 256 + 256 + 32 + 32 + 272 + 13 + 32.
    let image = Image::empty(Geometry::new(16, 16).unwrap());
    let bytes = encode(&image);
    assert_eq!(bytes.len(), 1041);
    assert_eq!(decode(&bytes).unwrap(), image);
}

#[test]
fn the_largest_image_is_2917824_bytes() {
    // N = M = 1024, every name 255 bytes, one population and one input group per
    // index (the most blocks), each population probing its one neuron.
    let name = |i: usize| format!("{i:0>255}");
    let mut image = Image::empty(Geometry::new(1024, 1024).unwrap());
    image.meta = Metadata {
        name: name(0),
        timestep_us: u32::MAX,
        clock_hz: u32::MAX,
        populations: (0..1024)
            .map(|i| Block { name: name(i), start: i as u16, len: 1, record: true, probe: vec![0] })
            .collect(),
        inputs: (0..1024)
            .map(|i| Block { name: name(i), start: i as u16, len: 1, record: false, probe: vec![] })
            .collect(),
        classifier: None,
    };
    let bytes = encode(&image);
    // Metadata: 268 + 265·1024 + 263·1024 = 540940; device sections 2376722;
    // header, framing and hash 46 + 84 + 32 — see the sum in §7.
    assert_eq!(bytes.len(), 2_917_824);
    assert_eq!(documented_len(&image), 2_917_824);
    assert_eq!(decode(&bytes).unwrap(), image);
}
