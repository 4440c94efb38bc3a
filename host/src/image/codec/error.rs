//! Why bytes are not a valid image: one variant per rule of docs/image-format.md §6,
//! each naming what is wrong, where (byte offset, section), the numbers, and what to
//! do about it (the `help:` line).

use std::fmt;

use ncx_model::ModelError;

use super::sections::{SectionKind, label};

/// Help for an image that is intact (its hash matches) but breaks a rule of the
/// format: some other program wrote it.
const FOREIGN: &str = "help: the image was not written by this ncx, or its writer is broken; \
                       rebuild it with `ncx compile`";
/// Help for an image whose bytes changed after they were written.
const DAMAGED: &str = "help: the file was damaged after it was written; copy it again or rebuild it with `ncx compile`";
/// Help for an image that needs a newer reader.
const NEWER: &str = "help: the image was written by a newer ncx: upgrade ncx";

/// What a metadata block describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    /// A population: a range of core neurons.
    Population,
    /// An input group: a range of core input axons.
    InputGroup,
}

impl BlockKind {
    /// `"population"` or `"input group"`.
    pub const fn name(self) -> &'static str {
        match self {
            BlockKind::Population => "population",
            BlockKind::InputGroup => "input group",
        }
    }

    /// What the block's indices count: `"neurons"` or `"inputs"`.
    pub const fn unit(self) -> &'static str {
        match self {
            BlockKind::Population => "neurons",
            BlockKind::InputGroup => "inputs",
        }
    }
}

/// Why bytes could not be decoded into an [`Image`](crate::image::Image), or why an
/// image cannot be stored. Offsets count bytes from the start of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ImageError {
    /// The file has no bytes at all.
    Empty,
    /// The file ends before a part that must be there.
    Truncated {
        /// The part that does not fit (`"the header"`, `"section 3 (W_rec, id 3)"`, …).
        what: String,
        /// Where it starts.
        offset: usize,
        /// How many bytes it needs from there.
        needed: u64,
        /// The size of the file.
        file_len: usize,
    },
    /// The first 8 bytes are not `NCXIMAGE`.
    BadMagic {
        /// The first (up to 8) bytes of the file.
        start: Vec<u8>,
        /// Whether the file looks like a TOML network description.
        looks_like_toml: bool,
    },
    /// A format version this reader does not read.
    Version {
        /// The version in the file.
        found: u16,
    },
    /// A section whose CRC-32 does not match its bytes.
    SectionCrc {
        /// Position of the section in the file (0 = first).
        index: usize,
        /// Its id.
        id: u16,
        /// Offset of its first byte (the id).
        offset: usize,
        /// The CRC-32 stored after the payload.
        stored: u32,
        /// The CRC-32 of its id, flags, length and payload.
        computed: u32,
    },
    /// Bytes after the content hash.
    TrailingBytes {
        /// Where the extra bytes start.
        offset: usize,
        /// How many there are.
        count: usize,
    },
    /// The SHA-256 trailer does not match the content.
    Hash {
        /// Offset of the trailer.
        offset: usize,
        /// The hash stored in the trailer.
        stored: [u8; 32],
        /// The hash of the bytes before it.
        computed: [u8; 32],
    },
    /// The widths table describes a core with different number formats.
    Widths {
        /// The field (`spec::FIELDS[i].name`).
        field: &'static str,
        /// Offset of the field's entry in the widths table.
        offset: usize,
        /// Bits stored in the image.
        found_bits: u8,
        /// Signedness code stored in the image (0 unsigned, 1 signed, anything else invalid).
        found_signed: u8,
        /// Bits of this core.
        bits: u32,
        /// Signedness of this core.
        signed: bool,
    },
    /// N or M is not a supported geometry.
    Geometry {
        /// Offset of the rejected count.
        offset: usize,
        /// The model's reason.
        source: ModelError,
    },
    /// A section with flag bits other than bit 0 set.
    UnknownFlags {
        /// Position of the section in the file.
        index: usize,
        /// Its id.
        id: u16,
        /// Offset of its first byte.
        offset: usize,
        /// The flags.
        flags: u16,
    },
    /// A section this reader does not know, marked required.
    UnknownRequiredSection {
        /// Position of the section in the file.
        index: usize,
        /// Its id.
        id: u16,
        /// Offset of its first byte.
        offset: usize,
    },
    /// A section that appears more than once.
    DuplicateSection {
        /// Which.
        section: SectionKind,
        /// Offset of its first occurrence.
        first: usize,
        /// Offset of the second.
        second: usize,
    },
    /// A section that must be there and is not.
    MissingSection {
        /// Which.
        section: SectionKind,
    },
    /// A fixed-size section whose payload length does not match the geometry.
    SectionLength {
        /// Which.
        section: SectionKind,
        /// Offset of the section's first byte.
        offset: usize,
        /// Payload bytes in the file.
        got: usize,
        /// Payload bytes the geometry needs.
        expected: usize,
        /// What the payload holds (`"16 × 16 int8 weights (N × M)"`).
        holds: String,
    },
    /// A value that does not fit its field, or STDP bounds with `w_min > w_max`.
    Value {
        /// The section holding it.
        section: SectionKind,
        /// Offset of the value.
        offset: usize,
        /// Which value (`"neuron 5 threshold"`).
        what: String,
        /// The model's reason, with the value and the limits.
        source: ModelError,
    },
    /// A flag or enumeration byte with an undefined value.
    Code {
        /// The section holding it.
        section: SectionKind,
        /// Offset of the value.
        offset: usize,
        /// Which value (`"STDP enable"`).
        what: String,
        /// The stored value.
        value: u64,
        /// The values allowed, in words.
        allowed: &'static str,
    },
    /// The metadata payload ends inside an item.
    MetadataShort {
        /// The item (`"the name of population 2"`).
        what: String,
        /// Where it starts.
        offset: usize,
        /// How many bytes it needs.
        needed: usize,
        /// Where the payload ends.
        end: usize,
    },
    /// The metadata payload has bytes after its last item.
    MetadataLeftover {
        /// Where they start.
        offset: usize,
        /// How many.
        count: usize,
    },
    /// A name that is not UTF-8.
    Utf8 {
        /// Which name.
        what: String,
        /// Offset of its first byte.
        offset: usize,
        /// Offset of the first byte that is not valid UTF-8.
        bad: usize,
    },
    /// An empty block, or one that reaches past the geometry.
    BlockRange {
        /// Population or input group.
        kind: BlockKind,
        /// Its name.
        name: String,
        /// Offset of the block in the metadata.
        offset: usize,
        /// First index.
        start: u16,
        /// Number of indices.
        len: u16,
        /// N or M.
        limit: usize,
    },
    /// Two blocks of the same kind sharing an index.
    BlockOverlap {
        /// Population or input group.
        kind: BlockKind,
        /// The earlier block: name, start, end (exclusive).
        first: (String, u16, u32),
        /// The later block.
        second: (String, u16, u32),
        /// Offset of the later block.
        offset: usize,
    },
    /// Two blocks of the same kind with the same name.
    DuplicateName {
        /// Population or input group.
        kind: BlockKind,
        /// The name.
        name: String,
        /// Offset of the second block.
        offset: usize,
    },
    /// A probe index outside its population, or listed twice.
    Probe {
        /// The population.
        population: String,
        /// Offset of the probe entry.
        offset: usize,
        /// The index within the population.
        index: u16,
        /// The population's size.
        len: u16,
        /// Whether the index was listed before.
        duplicate: bool,
    },
    /// An in-memory image that [`encode`](super::encode) cannot store exactly.
    NotRepresentable {
        /// The part that would change.
        what: &'static str,
    },
}

impl fmt::Display for ImageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImageError::Empty => {
                write!(f, "the file is empty (0 bytes), not an ncx image\nhelp: build an image with `ncx compile`")
            }
            ImageError::Truncated { what, offset, needed, file_len } => write!(
                f,
                "the image is truncated: {what} needs {needed} bytes at offset {offset}, \
                 but the file has only {file_len} bytes\n\
                 help: the file was cut short (an interrupted write or copy?); copy it again or rebuild it \
                 with `ncx compile`"
            ),
            ImageError::BadMagic { start, looks_like_toml } => {
                let hex: Vec<String> = start.iter().map(|b| format!("{b:02x}")).collect();
                writeln!(
                    f,
                    "not an ncx image: starts with \"{}\" (hex {}) instead of \"NCXIMAGE\"",
                    start.escape_ascii(),
                    hex.join(" ")
                )?;
                if *looks_like_toml {
                    write!(f, "help: this looks like a network description; compile it with `ncx compile`")
                } else {
                    write!(f, "help: give an image written by `ncx compile` (a .ncx file)")
                }
            }
            ImageError::Version { found } => {
                writeln!(f, "unsupported image: format version {found}; this ncx reads version {}", super::VERSION)?;
                if *found > super::VERSION {
                    f.write_str(NEWER)
                } else {
                    write!(f, "help: no ncx writes version {found}: the file is damaged; rebuild it with `ncx compile`")
                }
            }
            ImageError::SectionCrc { index, id, offset, stored, computed } => write!(
                f,
                "section {index} ({}) at offset {offset} is damaged: its stored CRC-32 is {stored:#010x} \
                 but its bytes give {computed:#010x}\n{DAMAGED}",
                label(*id)
            ),
            ImageError::TrailingBytes { offset, count } => write!(
                f,
                "{count} unexpected bytes at offset {offset}, after the content hash that ends the image\n{DAMAGED}"
            ),
            ImageError::Hash { offset, stored, computed } => write!(
                f,
                "content hash mismatch: the trailer at offset {offset} says sha256 {} \
                 but the {offset} bytes before it hash to {}\n{DAMAGED}",
                hex(stored),
                hex(computed)
            ),
            ImageError::Widths { field, offset, found_bits, found_signed, bits, signed } => {
                let found = match found_signed {
                    0 => format!("{found_bits}-bit unsigned"),
                    1 => format!("{found_bits}-bit signed"),
                    code => format!("{found_bits}-bit with the undefined signedness code {code}"),
                };
                let ours = format!("{bits}-bit {}", if *signed { "signed" } else { "unsigned" });
                write!(
                    f,
                    "the image is for a different core: field `{field}` (widths table, offset {offset}) is {found} \
                     in the image but {ours} in this ncx's NCX-1\n\
                     help: this ncx builds and runs NCX-1 images only; rebuild the image with this ncx's \
                     `ncx compile`"
                )
            }
            ImageError::Geometry { offset, source } => {
                write!(f, "invalid geometry at offset {offset}: {source}\n{FOREIGN}")
            }
            ImageError::UnknownFlags { index, id, offset, flags } => write!(
                f,
                "section {index} ({}) at offset {offset} has flags {flags:#06x}; this ncx knows only bit 0 \
                 (required)\n{NEWER}",
                label(*id)
            ),
            ImageError::UnknownRequiredSection { index, id, offset } => write!(
                f,
                "section {index} at offset {offset} has id {id}, which this ncx does not know, and is marked \
                 required\nhelp: the image needs a newer ncx: upgrade ncx"
            ),
            ImageError::DuplicateSection { section, first, second } => write!(
                f,
                "the {} section (id {}) appears twice, at offsets {first} and {second}\n{FOREIGN}",
                section.name(),
                section.id()
            ),
            ImageError::MissingSection { section } => {
                write!(f, "the image has no {} section (id {})\n{FOREIGN}", section.name(), section.id())
            }
            ImageError::SectionLength { section, offset, got, expected, holds } => write!(
                f,
                "the {} section at offset {offset} has {got} payload bytes, but {holds} take {expected}\n{FOREIGN}",
                section.name()
            ),
            ImageError::Value { section, offset, what, source } => {
                write!(f, "{what} at offset {offset} ({} section): {source}\n{FOREIGN}", section.name())
            }
            ImageError::Code { section, offset, what, value, allowed } => write!(
                f,
                "{what} at offset {offset} ({} section) is {value}; allowed: {allowed}\n{FOREIGN}",
                section.name()
            ),
            ImageError::MetadataShort { what, offset, needed, end } => write!(
                f,
                "the metadata section ends early: {what} needs {needed} bytes at offset {offset}, \
                 but the section ends at offset {end}\n{FOREIGN}"
            ),
            ImageError::MetadataLeftover { offset, count } => {
                write!(f, "the metadata section has {count} unused bytes at offset {offset}\n{FOREIGN}")
            }
            ImageError::Utf8 { what, offset, bad } => {
                write!(f, "{what} at offset {offset} is not valid UTF-8 (bad byte at offset {bad})\n{FOREIGN}")
            }
            ImageError::BlockRange { kind, name, offset, start, len, limit } => {
                let (kind, unit) = (kind.name(), kind.unit());
                if *len == 0 {
                    write!(f, "{kind} `{name}` at offset {offset} is empty (len 0)\n{FOREIGN}")
                } else {
                    let end = u32::from(*start) + u32::from(*len);
                    write!(
                        f,
                        "{kind} `{name}` at offset {offset} covers {unit} {start}..{end}, \
                         outside the core's {unit} 0..{limit}\n{FOREIGN}"
                    )
                }
            }
            ImageError::BlockOverlap { kind, first, second, offset } => write!(
                f,
                "{kind}s `{}` ({unit} {}..{}) and `{}` ({unit} {}..{}, at offset {offset}) overlap\n{FOREIGN}",
                first.0,
                first.1,
                first.2,
                second.0,
                second.1,
                second.2,
                kind = kind.name(),
                unit = kind.unit()
            ),
            ImageError::DuplicateName { kind, name, offset } => {
                write!(f, "two {}s are called `{name}` (the second at offset {offset})\n{FOREIGN}", kind.name())
            }
            ImageError::Probe { population, offset, index, len, duplicate } => {
                if *duplicate {
                    write!(f, "population `{population}` probes index {index} twice (offset {offset})\n{FOREIGN}")
                } else {
                    write!(
                        f,
                        "population `{population}` probes index {index} at offset {offset}, \
                         but has only {len} neurons\n{FOREIGN}"
                    )
                }
            }
            ImageError::NotRepresentable { what } => write!(
                f,
                "the image cannot be stored exactly: {what} would read back differently \
                 (names are limited to 255 bytes, block and probe lists to 65535 entries, and the enable \
                 tables must match the geometry)\nhelp: this is a bug in the program that built the image"
            ),
        }
    }
}

impl std::error::Error for ImageError {}

/// Lower-case hex of a hash.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
