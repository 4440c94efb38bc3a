//! The container's byte structure (docs/image-format.md §2): header, framed sections
//! with their CRC-32, SHA-256 trailer. Writing appends these parts; reading checks
//! them in file order — magic, version, header, each section's frame and CRC, the
//! trailer, nothing after it, the hash — and hands back the header fields and the
//! section payloads, without interpreting either.

use crc::{CRC_32_ISO_HDLC, Crc};
use ncx_model::spec::FIELDS;
use sha2::{Digest, Sha256};

use super::error::ImageError;
use super::sections::label;
use super::{MAGIC, VERSION};

/// The section CRC: CRC-32/ISO-HDLC (the CRC of zlib, gzip, PNG and Ethernet).
const CRC32: Crc<u32> = Crc::<u32>::new(&CRC_32_ISO_HDLC);

/// Bytes of the fixed header.
pub(crate) const HEADER_LEN: usize = 46;
/// Offset of N in the header.
pub(crate) const NEURONS_AT: usize = 10;
/// Offset of M in the header.
pub(crate) const INPUTS_AT: usize = 12;
/// Offset of the widths table in the header.
pub(crate) const WIDTHS_AT: usize = 14;
/// Offset of the section count in the header.
const COUNT_AT: usize = WIDTHS_AT + 2 * FIELDS.len();
/// Bytes of a section's id, flags and length.
pub(crate) const SECTION_HEAD_LEN: usize = 8;
/// Bytes of a section's CRC.
const CRC_LEN: usize = 4;
/// Bytes of the SHA-256 trailer.
pub(crate) const HASH_LEN: usize = 32;
/// Flag bit 0: a reader that does not know the section must refuse the image.
pub(crate) const FLAG_REQUIRED: u16 = 1;

/// The header fields after the version, as stored.
#[derive(Debug)]
pub(crate) struct Header {
    /// N as stored.
    pub(crate) neurons: u16,
    /// M as stored.
    pub(crate) inputs: u16,
    /// (bits, signedness code) of every field of `spec::FIELDS`, in its order.
    pub(crate) widths: [[u8; 2]; FIELDS.len()],
}

/// One framed section, CRC-checked.
#[derive(Debug)]
pub(crate) struct Frame<'a> {
    /// Position in the file (0 = first section).
    pub(crate) index: usize,
    /// Section id.
    pub(crate) id: u16,
    /// Flags.
    pub(crate) flags: u16,
    /// Offset of the section's first byte (its id).
    pub(crate) offset: usize,
    /// The payload.
    pub(crate) payload: &'a [u8],
}

impl Frame<'_> {
    /// Offset of the payload's first byte.
    pub(crate) fn payload_offset(&self) -> usize {
        self.offset + SECTION_HEAD_LEN
    }
}

/// Start an image: the header of a core with `neurons` × `inputs` and `sections`
/// sections.
pub(crate) fn write_header(out: &mut Vec<u8>, neurons: u16, inputs: u16, sections: u16) {
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
    out.extend_from_slice(&neurons.to_le_bytes());
    out.extend_from_slice(&inputs.to_le_bytes());
    for field in FIELDS {
        // Widths are 1..=32 bits: they fit a byte.
        out.push(field.bits as u8);
        out.push(u8::from(field.signed));
    }
    out.extend_from_slice(&sections.to_le_bytes());
}

/// Append one section: id, flags, payload length, payload, CRC-32 of all four.
/// A payload longer than `u32::MAX` bytes cannot occur (the largest is 1 MiB).
pub(crate) fn write_section(out: &mut Vec<u8>, id: u16, flags: u16, payload: &[u8]) {
    let start = out.len();
    out.extend_from_slice(&id.to_le_bytes());
    out.extend_from_slice(&flags.to_le_bytes());
    out.extend_from_slice(&u32::try_from(payload.len()).unwrap_or(u32::MAX).to_le_bytes());
    out.extend_from_slice(payload);
    let crc = CRC32.checksum(&out[start..]);
    out.extend_from_slice(&crc.to_le_bytes());
}

/// End an image: the SHA-256 of everything so far.
pub(crate) fn write_trailer(out: &mut Vec<u8>) {
    let hash = Sha256::digest(&out[..]);
    out.extend_from_slice(&hash);
}

/// `count` bytes at `offset`, or the truncation error naming `what`.
fn need(bytes: &[u8], offset: usize, count: u64, what: impl FnOnce() -> String) -> Result<&[u8], ImageError> {
    let end = usize::try_from(count).ok().and_then(|count| offset.checked_add(count));
    match end.and_then(|end| bytes.get(offset..end)) {
        Some(slice) => Ok(slice),
        None => Err(ImageError::Truncated { what: what(), offset, needed: count, file_len: bytes.len() }),
    }
}

fn u16_at(bytes: &[u8], at: usize) -> u16 {
    match bytes.get(at..at + 2) {
        Some(&[a, b]) => u16::from_le_bytes([a, b]),
        _ => 0,
    }
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    match bytes.get(at..at + 4) {
        Some(&[a, b, c, d]) => u32::from_le_bytes([a, b, c, d]),
        _ => 0,
    }
}

/// Check the container's structure and integrity; return the header and the
/// sections in file order.
pub(crate) fn read(bytes: &[u8]) -> Result<(Header, Vec<Frame<'_>>), ImageError> {
    if bytes.is_empty() {
        return Err(ImageError::Empty);
    }
    let start = &bytes[..bytes.len().min(MAGIC.len())];
    if start != &MAGIC[..start.len()] {
        return Err(ImageError::BadMagic { start: start.to_vec(), looks_like_toml: looks_like_toml(bytes) });
    }
    need(bytes, 0, MAGIC.len() as u64, || "the magic number".to_owned())?;
    let version = need(bytes, MAGIC.len(), 2, || "the format version".to_owned())?;
    let version = u16_at(version, 0);
    if version != VERSION {
        return Err(ImageError::Version { found: version });
    }
    let header = need(bytes, 0, HEADER_LEN as u64, || "the header".to_owned())?;
    let mut widths = [[0u8; 2]; FIELDS.len()];
    for (i, entry) in widths.iter_mut().enumerate() {
        let at = WIDTHS_AT + 2 * i;
        *entry = [header[at], header[at + 1]];
    }
    let parsed = Header { neurons: u16_at(header, NEURONS_AT), inputs: u16_at(header, INPUTS_AT), widths };
    let count = usize::from(u16_at(header, COUNT_AT));

    let mut frames = Vec::with_capacity(count);
    let mut offset = HEADER_LEN;
    for index in 0..count {
        let head = need(bytes, offset, SECTION_HEAD_LEN as u64, || format!("the head of section {index}"))?;
        let (id, flags, len) = (u16_at(head, 0), u16_at(head, 2), u32_at(head, 4));
        let framed = SECTION_HEAD_LEN as u64 + u64::from(len) + CRC_LEN as u64;
        let section = need(bytes, offset, framed, || {
            format!("section {index} ({}) with its {len}-byte payload and CRC", label(id))
        })?;
        let (covered, crc) = section.split_at(section.len() - CRC_LEN);
        let stored = u32_at(crc, 0);
        let computed = CRC32.checksum(covered);
        if stored != computed {
            return Err(ImageError::SectionCrc { index, id, offset, stored, computed });
        }
        frames.push(Frame { index, id, flags, offset, payload: &covered[SECTION_HEAD_LEN..] });
        offset += section.len();
    }

    let trailer = need(bytes, offset, HASH_LEN as u64, || "the content hash (SHA-256)".to_owned())?;
    let end = offset + HASH_LEN;
    if end < bytes.len() {
        return Err(ImageError::TrailingBytes { offset: end, count: bytes.len() - end });
    }
    let computed: [u8; HASH_LEN] = Sha256::digest(&bytes[..offset]).into();
    if trailer != computed {
        let mut stored = [0u8; HASH_LEN];
        stored.copy_from_slice(trailer);
        return Err(ImageError::Hash { offset, stored, computed });
    }
    Ok((parsed, frames))
}

/// Whether `bytes` look like a TOML document: UTF-8 text whose first line that is
/// neither blank nor a comment opens a table (`[`) or sets a key (`=`).
fn looks_like_toml(bytes: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(bytes) else { return false };
    text.lines()
        .map(str::trim)
        .find(|line| !line.is_empty() && !line.starts_with('#'))
        .is_some_and(|line| line.starts_with('[') || line.contains('='))
}
