//! The metadata payload (docs/image-format.md §5): network name, timing, and the
//! populations and input groups with their placement and observation flags.
//! Decoding reads every item with a bounds check and then enforces the placement
//! rules: names are UTF-8, blocks are non-empty, inside the geometry, disjoint and
//! distinctly named within their kind, probes lie inside their population, and input
//! groups are neither recorded nor probed.

use std::collections::HashSet;

use ncx_model::Geometry;

use super::error::{BlockKind, ImageError};
use super::framing::Frame;
use super::sections::SectionKind;
use crate::image::{Block, Metadata};

/// Longest name, in bytes (a name's length is one byte).
pub(crate) const NAME_MAX: usize = u8::MAX as usize;

/// The metadata payload. Lengths and counts too large for their fields are clamped
/// (and a name cut at 255 bytes), so such an image reads back differently — which
/// [`super::check`] reports.
pub(crate) fn encode(meta: &Metadata) -> Vec<u8> {
    let mut out = Vec::new();
    put_name(&mut out, &meta.name);
    out.extend_from_slice(&meta.timestep_us.to_le_bytes());
    out.extend_from_slice(&meta.clock_hz.to_le_bytes());
    for blocks in [&meta.populations, &meta.inputs] {
        let count = u16::try_from(blocks.len()).unwrap_or(u16::MAX);
        out.extend_from_slice(&count.to_le_bytes());
        for block in blocks.iter().take(count.into()) {
            put_name(&mut out, &block.name);
            out.extend_from_slice(&block.start.to_le_bytes());
            out.extend_from_slice(&block.len.to_le_bytes());
            out.push(u8::from(block.record));
            let probes = u16::try_from(block.probe.len()).unwrap_or(u16::MAX);
            out.extend_from_slice(&probes.to_le_bytes());
            for probe in block.probe.iter().take(probes.into()) {
                out.extend_from_slice(&probe.to_le_bytes());
            }
        }
    }
    out
}

pub(super) fn put_name(out: &mut Vec<u8>, name: &str) {
    let bytes = &name.as_bytes()[..name.len().min(NAME_MAX)];
    out.push(bytes.len() as u8);
    out.extend_from_slice(bytes);
}

/// Reads a variable-length payload (the metadata or the classifier), turning every
/// overrun into [`ImageError::MetadataShort`] or [`ImageError::SectionShort`].
pub(super) struct Cursor<'a> {
    /// The section read.
    section: SectionKind,
    payload: &'a [u8],
    /// Offset of the payload in the file.
    base: usize,
    /// Next byte to read, within the payload.
    pos: usize,
}

impl<'a> Cursor<'a> {
    /// A cursor at the start of the payload of `frame`, the `section` section.
    pub(super) fn new(section: SectionKind, frame: &Frame<'a>) -> Cursor<'a> {
        Cursor { section, payload: frame.payload, base: frame.payload_offset(), pos: 0 }
    }

    /// Absolute offset of the next byte.
    pub(super) fn offset(&self) -> usize {
        self.base + self.pos
    }

    /// The error if bytes are left after the last item.
    pub(super) fn finish(&self) -> Result<(), ImageError> {
        if self.pos >= self.payload.len() {
            return Ok(());
        }
        let (offset, count) = (self.offset(), self.payload.len() - self.pos);
        Err(match self.section {
            SectionKind::Metadata => ImageError::MetadataLeftover { offset, count },
            section => ImageError::SectionLeftover { section, offset, count },
        })
    }

    pub(super) fn take(&mut self, count: usize, what: impl FnOnce() -> String) -> Result<&'a [u8], ImageError> {
        match self.payload.get(self.pos..self.pos + count) {
            Some(bytes) => {
                self.pos += count;
                Ok(bytes)
            }
            None => {
                let (what, offset, needed, end) = (what(), self.offset(), count, self.base + self.payload.len());
                Err(match self.section {
                    SectionKind::Metadata => ImageError::MetadataShort { what, offset, needed, end },
                    section => ImageError::SectionShort { section, what, offset, needed, end },
                })
            }
        }
    }

    pub(super) fn u8(&mut self, what: impl FnOnce() -> String) -> Result<u8, ImageError> {
        Ok(self.take(1, what)?.first().copied().unwrap_or(0))
    }

    pub(super) fn u16(&mut self, what: impl FnOnce() -> String) -> Result<u16, ImageError> {
        match self.take(2, what)? {
            &[a, b] => Ok(u16::from_le_bytes([a, b])),
            _ => Ok(0),
        }
    }

    pub(super) fn u32(&mut self, what: impl FnOnce() -> String) -> Result<u32, ImageError> {
        match self.take(4, what)? {
            &[a, b, c, d] => Ok(u32::from_le_bytes([a, b, c, d])),
            _ => Ok(0),
        }
    }

    /// A length-prefixed UTF-8 name; `what` says whose.
    pub(super) fn name(&mut self, what: &dyn Fn() -> String) -> Result<String, ImageError> {
        let at = self.offset();
        let len = self.u8(|| format!("the length of {}", what()))?;
        let bytes = self.take(len.into(), || format!("{} ({len} bytes)", what()))?;
        match std::str::from_utf8(bytes) {
            Ok(name) => Ok(name.to_owned()),
            Err(e) => Err(ImageError::Utf8 { what: what(), offset: at, bad: at + 1 + e.valid_up_to() }),
        }
    }
}

/// Decode and check the metadata of an image of `geometry`.
pub(crate) fn decode(frame: &Frame<'_>, geometry: Geometry) -> Result<Metadata, ImageError> {
    let mut cursor = Cursor::new(SectionKind::Metadata, frame);
    let name = cursor.name(&|| "the network name".to_owned())?;
    let timestep_us = cursor.u32(|| "timestep_us".to_owned())?;
    let clock_hz = cursor.u32(|| "clock_hz".to_owned())?;
    let populations = blocks(&mut cursor, BlockKind::Population, geometry.neurons())?;
    let inputs = blocks(&mut cursor, BlockKind::InputGroup, geometry.inputs())?;
    cursor.finish()?;
    // The classifier, in its own section, is decoded after the metadata it refers to.
    Ok(Metadata { name, timestep_us, clock_hz, populations, inputs, classifier: None })
}

/// A count and that many blocks of `kind`, on a core with `limit` neurons or inputs.
fn blocks(cursor: &mut Cursor<'_>, kind: BlockKind, limit: usize) -> Result<Vec<Block>, ImageError> {
    let kind_name = kind.name();
    let count = cursor.u16(|| format!("the {kind_name} count"))?;
    let mut out: Vec<Block> = Vec::new();
    let mut names = HashSet::new();
    for i in 0..count {
        let at = cursor.offset();
        let name = cursor.name(&|| format!("the name of {kind_name} {i}"))?;
        let whose = || format!("{kind_name} {i} (`{name}`)");
        let start = cursor.u16(|| format!("the start of {}", whose()))?;
        let len = cursor.u16(|| format!("the length of {}", whose()))?;
        let record_at = cursor.offset();
        let record = cursor.u8(|| format!("the record flag of {}", whose()))?;
        let probes_at = cursor.offset();
        let probe_count = cursor.u16(|| format!("the probe count of {}", whose()))?;
        let code = |offset: usize, what: &str, value: u64, allowed: &'static str| ImageError::Code {
            section: SectionKind::Metadata,
            offset,
            what: format!("{kind_name} `{name}` {what}"),
            value,
            allowed,
        };
        let record = match (kind, record) {
            (_, 0) => false,
            (BlockKind::Population, 1) => true,
            (BlockKind::Population, raw) => return Err(code(record_at, "record flag", raw.into(), "0 or 1")),
            (BlockKind::InputGroup, raw) => {
                return Err(code(record_at, "record flag", raw.into(), "0 (input groups are not recorded)"));
            }
        };
        if kind == BlockKind::InputGroup && probe_count != 0 {
            return Err(code(probes_at, "probe count", probe_count.into(), "0 (input groups are not probed)"));
        }
        let end = u32::from(start) + u32::from(len);
        if len == 0 || end as usize > limit {
            return Err(ImageError::BlockRange { kind, name, offset: at, start, len, limit });
        }
        // `len` is at most 1024 now: a table of seen indices is small.
        let mut seen = vec![false; len.into()];
        let mut probe = Vec::with_capacity(probe_count.into());
        for p in 0..probe_count {
            let probe_at = cursor.offset();
            let index = cursor.u16(|| format!("probe {p} of {}", whose()))?;
            match seen.get_mut(usize::from(index)) {
                Some(flag) if !*flag => *flag = true,
                slot => {
                    return Err(ImageError::Probe {
                        population: name,
                        offset: probe_at,
                        index,
                        len,
                        duplicate: slot.is_some(),
                    });
                }
            }
            probe.push(index);
        }
        if !names.insert(name.clone()) {
            return Err(ImageError::DuplicateName { kind, name, offset: at });
        }
        let overlapping =
            |b: &&Block| u32::from(b.start) < end && u32::from(start) < u32::from(b.start) + u32::from(b.len);
        if let Some(other) = out.iter().find(overlapping) {
            return Err(ImageError::BlockOverlap {
                kind,
                first: (other.name.clone(), other.start, u32::from(other.start) + u32::from(other.len)),
                second: (name, start, end),
                offset: at,
            });
        }
        out.push(Block { name, start, len, record, probe });
    }
    Ok(out)
}
