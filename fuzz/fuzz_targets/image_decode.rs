//! The `.ncx` image reader (`ncx::image::codec::decode`, what `image::file::read_file`
//! and `ncx inspect` / `ncx run` / `ncx flash` use on a file's bytes). Byte 0 bit 0 set:
//! the rest is given as it is; clear: the section CRCs and the SHA-256 trailer are first
//! recomputed (where the framing allows), so that mutated section contents reach the
//! interpreters behind the integrity checks. No panic; an image that decodes loads into
//! a core (`Image::to_core`), survives the trip (`codec::check`), re-encodes to bytes
//! that decode to the same image, and has a summary (`ncx inspect`).
#![no_main]

use crc::{CRC_32_ISO_HDLC, Crc};
use libfuzzer_sys::fuzz_target;
use ncx::image::codec;
use ncx::image::summary::Summary;
use sha2::{Digest, Sha256};

const HEADER_LEN: usize = 46;
const COUNT_AT: usize = 44;
const HASH_LEN: usize = 32;

/// Recompute every complete section's CRC and the trailing SHA-256 (docs/image-format.md §2).
fn fix_up(bytes: &mut [u8]) {
    let crc = Crc::<u32>::new(&CRC_32_ISO_HDLC);
    if bytes.len() < HEADER_LEN {
        return;
    }
    let count = usize::from(u16::from_le_bytes([bytes[COUNT_AT], bytes[COUNT_AT + 1]]));
    let mut offset = HEADER_LEN;
    for _ in 0..count {
        let Some(head) = bytes.get(offset..offset + 8) else { return };
        let len = u32::from_le_bytes([head[4], head[5], head[6], head[7]]) as usize;
        let Some(end) = (offset + 8).checked_add(len) else { return };
        if end + 4 > bytes.len() {
            return;
        }
        let sum = crc.checksum(&bytes[offset..end]);
        bytes[end..end + 4].copy_from_slice(&sum.to_le_bytes());
        offset = end + 4;
    }
    if bytes.len() >= offset + HASH_LEN {
        let end = bytes.len() - HASH_LEN;
        let hash: [u8; HASH_LEN] = Sha256::digest(&bytes[..end]).into();
        bytes[end..].copy_from_slice(&hash);
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    let mut bytes = rest.to_vec();
    if mode & 1 == 0 {
        fix_up(&mut bytes);
    }
    match codec::decode(&bytes) {
        Ok(image) => {
            image.to_core().expect("a decoded image loads into a core");
            codec::check(&image).expect("a decoded image survives the trip");
            let again = codec::encode(&image);
            assert_eq!(codec::decode(&again).as_ref(), Ok(&image));
            let summary = Summary::new(&image, &bytes);
            serde_json::to_vec(&summary).expect("the summary serialises");
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
