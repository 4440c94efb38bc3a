//! The worked example of docs/image-format.md §8, byte for byte.
//!
//! The expected bytes are written here by hand from the document's tables (header
//! fields, section heads, payload values in little-endian). The seven CRC-32s and the
//! SHA-256 are the values printed at development time by an independent tool —
//! `python3 make_tiny.py` in tests/data/images/, which uses `zlib.crc32` and
//! `hashlib.sha256` — and copied into the document and here. The same script wrote the
//! checked-in fixture `tiny-v1.ncx`, so `ncx` is also checked against a file it did
//! not write (and any change that stops version-1 files from reading fails here).

use crate::image_support::{crc32, sha256, tiny, tiny_fixture};
use ncx::image::codec::{self, MAGIC, VERSION};

/// Bytes from hex text; whitespace is ignored.
fn hex(text: &str) -> Vec<u8> {
    let digits: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    digits.chunks(2).map(|pair| u8::from_str_radix(std::str::from_utf8(pair).unwrap(), 16).unwrap()).collect()
}

/// A payload of `len` zero bytes with the given (index, byte) entries set.
fn sparse(len: usize, entries: &[(usize, u8)]) -> Vec<u8> {
    let mut out = vec![0; len];
    for &(i, b) in entries {
        out[i] = b;
    }
    out
}

/// The image of §8, assembled from the document's tables.
fn expected() -> Vec<u8> {
    let mut out = Vec::new();
    // §2.1 header: magic, version 1, N = 16, M = 16.
    out.extend(hex("4e 43 58 49 4d 41 47 45  0100  1000  1000"));
    // §2.2 widths table: weight s8, v s24, i s24, acc s20, threshold s24, reset s24,
    // bias s24, decay u12, refractory u8, trace u8, weight_shift u4, stdp_amplitude u8,
    // stdp_shift u4, trace_increment u8, period u32.
    out.extend(hex("0801 1801 1801 1401 1801 1801 1801 0c00 0800 0800 0400 0800 0400 0800 2000"));
    // Section count 7.
    out.extend(hex("0700"));
    assert_eq!(out.len(), 46);

    // Section 1, core config, required, 18 bytes: period 100000 = 0x000186a0,
    // weight_shift 4, STDP on, A+ 64, A- 32, shift 4, w_min -8 = 0xf8, w_max 20,
    // mode add, pre decay 2048 = 0x0800, post decay 2048, increments 128, 128.
    out.extend(hex("0100 0100 12000000"));
    out.extend(hex("a0860100 04 01 40 20 04 f8 14 00 0008 0008 80 80"));
    out.extend(hex("01dc2748")); // CRC-32 0x4827dc01

    // Section 2, W_in, 256 bytes: W_in[0][0] = 50 at 0, W_in[1][3] = -7 at 1·16 + 3 = 19.
    out.extend(hex("0200 0100 00010000"));
    out.extend(sparse(256, &[(0, 0x32), (19, 0xf9)]));
    out.extend(hex("6be1aa12")); // 0x12aae16b

    // Section 3, W_rec: W_rec[0][2] = -60 = 0xc4 at 2, W_rec[1][0] = 40 = 0x28 at 16.
    out.extend(hex("0300 0100 00010000"));
    out.extend(sparse(256, &[(2, 0xc4), (16, 0x28)]));
    out.extend(hex("86e5b437")); // 0x37b4e586

    // Section 4, E_in, 256 bits in 32 bytes: bits 0, 1 ([0][0], [0][1]) → byte 0 = 0x03;
    // bit 19 ([1][3]) → byte 2, bit 3 = 0x08.
    out.extend(hex("0400 0100 20000000"));
    out.extend(sparse(32, &[(0, 0x03), (2, 0x08)]));
    out.extend(hex("cb577f5c")); // 0x5c7f57cb

    // Section 5, E_rec: bit 16 ([1][0]) → byte 2, bit 0 = 0x01.
    out.extend(hex("0500 0100 20000000"));
    out.extend(sparse(32, &[(2, 0x01)]));
    out.extend(hex("3a30323e")); // 0x3e32303a

    // Section 6, neuron parameters, 16 records of 17 bytes = 272 = 0x110.
    out.extend(hex("0600 0100 10010000"));
    // Neuron 0: threshold 1000 = 0x3e8, reset 0, bias 0, v_decay 410 = 0x19a,
    // i_decay 2048, refractory 1.
    out.extend(hex("e8030000 00000000 00000000 9a01 0008 01"));
    // Neuron 1: threshold 600 = 0x258, reset -100 = 0xffffff9c, bias 5, v_decay 0,
    // i_decay 4095 = 0xfff, refractory 0.
    out.extend(hex("58020000 9cffffff 05000000 0000 ff0f 00"));
    // Neurons 2..16 keep the power-on parameters: threshold 8388607 = 0x7fffff.
    for _ in 2..16 {
        out.extend(hex("ffff7f00 00000000 00000000 0000 0000 00"));
    }
    out.extend(hex("cb513732")); // 0x323751cb

    // Section 7, metadata, optional (flags 0), 40 bytes: name "tiny", timestep 1000 µs,
    // clock 100 MHz = 0x05f5e100; 1 population "exc" 0..2, recorded, probe [1];
    // 1 input group "in" 0..4.
    out.extend(hex("0700 0000 28000000"));
    out.extend(hex("04 74696e79  e8030000  00e1f505"));
    out.extend(hex("0100  03 657863 0000 0200 01 0100 0100"));
    out.extend(hex("0100  02 696e 0000 0400 00 0000"));
    out.extend(hex("db2f718d")); // 0x8d712fdb
    assert_eq!(out.len(), 1036);

    // Trailer: SHA-256 of the 1036 bytes before it.
    out.extend(hex("f0102fcee1be7bf301582d1ead91300a98f9bc35bfd464f8f87d4a11e85a8b6f"));
    out
}

#[test]
fn the_reference_crc_is_crc32_iso_hdlc() {
    // The check value of CRC-32/ISO-HDLC (the CRC catalogue's "check" for "123456789").
    assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
}

#[test]
fn the_expected_bytes_agree_with_the_independent_tool() {
    let bytes = expected();
    // The config section (offset 46, 8 + 18 bytes covered) and the hash, recomputed.
    assert_eq!(crc32(&bytes[46..46 + 26]), 0x4827_dc01);
    assert_eq!(sha256(&bytes[..1036]).to_vec(), bytes[1036..].to_vec());
    assert_eq!(bytes, tiny_fixture(), "the fixture written by make_tiny.py is the document's example");
}

#[test]
fn encoding_the_worked_example_gives_the_documented_bytes() {
    let bytes = codec::encode(&tiny());
    assert_eq!(bytes.len(), 1068);
    assert_eq!(bytes[..8], MAGIC);
    assert_eq!(u16::from_le_bytes([bytes[8], bytes[9]]), VERSION);
    let expected = expected();
    if let Some(at) = bytes.iter().zip(&expected).position(|(a, b)| a != b) {
        panic!("first difference at offset {at}: encoded {:#04x}, documented {:#04x}", bytes[at], expected[at]);
    }
    assert_eq!(bytes, expected);
}

#[test]
fn decoding_the_fixture_gives_the_worked_example() {
    let image = codec::decode(&tiny_fixture()).unwrap();
    assert_eq!(image, tiny());
    assert!(image.to_core().is_ok());
}
