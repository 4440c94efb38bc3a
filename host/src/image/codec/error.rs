//! Why bytes are not a valid image: one variant per rule of docs/image-format.md §6,
//! each naming what is wrong, where (byte offset, section) and the numbers, with what
//! to do about it as its [`Help`].

use std::borrow::Cow;
use std::fmt;

use ncx_model::ModelError;

use super::sections::{SectionKind, label};
use crate::error::Help;

/// Help for an image that is intact (its hash matches) but breaks a rule of the
/// format: some other program wrote it.
const FOREIGN: &str = "the image was not written by this ncx, or its writer is broken; rebuild it with `ncx compile`";
/// Help for an image whose bytes changed after they were written.
const DAMAGED: &str = "the file was damaged after it was written; copy it again or rebuild it with `ncx compile`";
/// Help for an image that needs a newer reader.
const NEWER: &str = "the image was written by a newer ncx: upgrade ncx";

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
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ImageError {
    /// The file has no bytes at all.
    #[error("the file is empty (0 bytes), not an ncx image")]
    Empty,
    /// The file ends before a part that must be there.
    #[error(
        "the image is truncated: {what} needs {needed} bytes at offset {offset}, but the file has only {file_len} \
         bytes"
    )]
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
    #[error(fmt = bad_magic)]
    BadMagic {
        /// The first (up to 8) bytes of the file.
        start: Vec<u8>,
        /// Whether the file looks like a TOML network description.
        looks_like_toml: bool,
    },
    /// A format version this reader does not read.
    #[error("unsupported image: format version {found}; this ncx reads version {}", super::VERSION)]
    Version {
        /// The version in the file.
        found: u16,
    },
    /// A section whose CRC-32 does not match its bytes.
    #[error(
        "section {index} ({}) at offset {offset} is damaged: its stored CRC-32 is {stored:#010x} but its bytes give \
         {computed:#010x}",
        label(*.id)
    )]
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
    #[error("{count} unexpected bytes at offset {offset}, after the content hash that ends the image")]
    TrailingBytes {
        /// Where the extra bytes start.
        offset: usize,
        /// How many there are.
        count: usize,
    },
    /// The SHA-256 trailer does not match the content.
    #[error(
        "content hash mismatch: the trailer at offset {offset} says sha256 {} but the {offset} bytes before it hash \
         to {}",
        hex(.stored),
        hex(.computed)
    )]
    Hash {
        /// Offset of the trailer.
        offset: usize,
        /// The hash stored in the trailer.
        stored: [u8; 32],
        /// The hash of the bytes before it.
        computed: [u8; 32],
    },
    /// The widths table describes a core with different number formats.
    #[error(fmt = widths)]
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
    #[error("invalid geometry at offset {offset}: {source}")]
    Geometry {
        /// Offset of the rejected count.
        offset: usize,
        /// The model's reason.
        source: ModelError,
    },
    /// A section with flag bits other than bit 0 set.
    #[error(
        "section {index} ({}) at offset {offset} has flags {flags:#06x}; this ncx knows only bit 0 (required)",
        label(*.id)
    )]
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
    #[error("section {index} at offset {offset} has id {id}, which this ncx does not know, and is marked required")]
    UnknownRequiredSection {
        /// Position of the section in the file.
        index: usize,
        /// Its id.
        id: u16,
        /// Offset of its first byte.
        offset: usize,
    },
    /// A section that appears more than once.
    #[error(
        "the {} section (id {}) appears twice, at offsets {first} and {second}",
        .section.name(),
        .section.id()
    )]
    DuplicateSection {
        /// Which.
        section: SectionKind,
        /// Offset of its first occurrence.
        first: usize,
        /// Offset of the second.
        second: usize,
    },
    /// A section that must be there and is not.
    #[error("the image has no {} section (id {})", .section.name(), .section.id())]
    MissingSection {
        /// Which.
        section: SectionKind,
    },
    /// A fixed-size section whose payload length does not match the geometry.
    #[error(
        "the {} section at offset {offset} has {got} payload bytes, but {holds} take {expected}",
        .section.name()
    )]
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
    #[error("{what} at offset {offset} ({} section): {source}", .section.name())]
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
    #[error("{what} at offset {offset} ({} section) is {value}; allowed: {allowed}", .section.name())]
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
    #[error(
        "the metadata section ends early: {what} needs {needed} bytes at offset {offset}, but the section ends at \
         offset {end}"
    )]
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
    #[error("the metadata section has {count} unused bytes at offset {offset}")]
    MetadataLeftover {
        /// Where they start.
        offset: usize,
        /// How many.
        count: usize,
    },
    /// A name that is not UTF-8.
    #[error("{what} at offset {offset} is not valid UTF-8 (bad byte at offset {bad})")]
    Utf8 {
        /// Which name.
        what: String,
        /// Offset of its first byte.
        offset: usize,
        /// Offset of the first byte that is not valid UTF-8.
        bad: usize,
    },
    /// An empty block, or one that reaches past the geometry.
    #[error(fmt = block_range)]
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
    #[error(
        "{}s `{}` ({} {}..{}) and `{}` ({} {}..{}, at offset {offset}) overlap",
        .kind.name(),
        .first.0,
        .kind.unit(),
        .first.1,
        .first.2,
        .second.0,
        .kind.unit(),
        .second.1,
        .second.2
    )]
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
    #[error("two {}s are called `{name}` (the second at offset {offset})", .kind.name())]
    DuplicateName {
        /// Population or input group.
        kind: BlockKind,
        /// The name.
        name: String,
        /// Offset of the second block.
        offset: usize,
    },
    /// A probe index outside its population, or listed twice.
    #[error(fmt = probe)]
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
    /// A variable-length section other than the metadata (the classifier) ends inside
    /// an item.
    #[error(
        "the {} section ends early: {what} needs {needed} bytes at offset {offset}, but the section ends at offset \
         {end}",
        .section.name()
    )]
    SectionShort {
        /// The section.
        section: SectionKind,
        /// The item (`"the label count"`).
        what: String,
        /// Where it starts.
        offset: usize,
        /// How many bytes it needs.
        needed: usize,
        /// Where the payload ends.
        end: usize,
    },
    /// A variable-length section other than the metadata has bytes after its last item.
    #[error("the {} section has {count} unused bytes at offset {offset}", .section.name())]
    SectionLeftover {
        /// The section.
        section: SectionKind,
        /// Where they start.
        offset: usize,
        /// How many.
        count: usize,
    },
    /// The classifier's input or output names no block of the image.
    #[error(fmt = classifier_name)]
    ClassifierName {
        /// `"input"` or `"output"`.
        key: &'static str,
        /// What it must name: an input group or a population.
        kind: BlockKind,
        /// The name.
        name: String,
        /// Offset of the name.
        offset: usize,
        /// The names of the image's blocks of that kind.
        known: Vec<String>,
    },
    /// The classifier breaks one of its rules (docs/learning.md §3).
    #[error("{message} (classifier section, offset {offset})")]
    ClassifierRule {
        /// Offset of the offending item.
        offset: usize,
        /// The rule broken, with the values (`ncx::learn::classifier::ClassifierError`'s message).
        message: String,
    },
    /// An in-memory image that [`encode`](super::encode) cannot store exactly.
    #[error(
        "the image cannot be stored exactly: {what} would read back differently (names are limited to 255 bytes, \
         block and probe lists to 65535 entries, and the enable tables must match the geometry)"
    )]
    NotRepresentable {
        /// The part that would change.
        what: &'static str,
    },
}

/// The message of [`ImageError::ClassifierName`].
fn classifier_name(
    key: &str,
    kind: &BlockKind,
    name: &str,
    offset: &usize,
    known: &[String],
    f: &mut fmt::Formatter<'_>,
) -> fmt::Result {
    let kind = kind.name();
    write!(f, "the classifier's {key} `{name}` at offset {offset} names no {kind} of the image")?;
    if known.is_empty() {
        write!(f, " (it has none)")
    } else {
        let known: Vec<String> = known.iter().map(|n| format!("`{n}`")).collect();
        write!(f, " (its {kind}s: {})", known.join(", "))
    }
}

/// The message of [`ImageError::BadMagic`].
fn bad_magic(start: &[u8], _looks_like_toml: &bool, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let hex: Vec<String> = start.iter().map(|b| format!("{b:02x}")).collect();
    write!(
        f,
        "not an ncx image: starts with \"{}\" (hex {}) instead of \"NCXIMAGE\"",
        start.escape_ascii(),
        hex.join(" ")
    )
}

/// The message of [`ImageError::Widths`].
fn widths(
    field: &str,
    offset: &usize,
    found_bits: &u8,
    found_signed: &u8,
    bits: &u32,
    signed: &bool,
    f: &mut fmt::Formatter<'_>,
) -> fmt::Result {
    let found = match found_signed {
        0 => format!("{found_bits}-bit unsigned"),
        1 => format!("{found_bits}-bit signed"),
        code => format!("{found_bits}-bit with the undefined signedness code {code}"),
    };
    let ours = format!("{bits}-bit {}", if *signed { "signed" } else { "unsigned" });
    write!(
        f,
        "the image is for a different core: field `{field}` (widths table, offset {offset}) is {found} in the image \
         but {ours} in this ncx's NCX-1"
    )
}

/// The message of [`ImageError::BlockRange`]: an empty block, or one past the core.
fn block_range(
    kind: &BlockKind,
    name: &str,
    offset: &usize,
    start: &u16,
    len: &u16,
    limit: &usize,
    f: &mut fmt::Formatter<'_>,
) -> fmt::Result {
    let (kind, unit) = (kind.name(), kind.unit());
    if *len == 0 {
        write!(f, "{kind} `{name}` at offset {offset} is empty (len 0)")
    } else {
        let end = u32::from(*start) + u32::from(*len);
        write!(
            f,
            "{kind} `{name}` at offset {offset} covers {unit} {start}..{end}, outside the core's {unit} 0..{limit}"
        )
    }
}

/// The message of [`ImageError::Probe`]: an index listed twice, or past the population.
fn probe(
    population: &str,
    offset: &usize,
    index: &u16,
    len: &u16,
    duplicate: &bool,
    f: &mut fmt::Formatter<'_>,
) -> fmt::Result {
    if *duplicate {
        write!(f, "population `{population}` probes index {index} twice (offset {offset})")
    } else {
        write!(f, "population `{population}` probes index {index} at offset {offset}, but has only {len} neurons")
    }
}

impl Help for ImageError {
    fn help(&self) -> Option<Cow<'_, str>> {
        Some(match self {
            ImageError::Empty => "build an image with `ncx compile`".into(),
            ImageError::Truncated { .. } => {
                "the file was cut short (an interrupted write or copy?); copy it again or rebuild it with `ncx compile`"
                    .into()
            }
            ImageError::BadMagic { looks_like_toml: true, .. } => {
                "this looks like a network description; compile it with `ncx compile`".into()
            }
            ImageError::BadMagic { .. } => "give an image written by `ncx compile` (a .ncx file)".into(),
            ImageError::Version { found } if *found > super::VERSION => NEWER.into(),
            ImageError::Version { found } => {
                format!("no ncx writes version {found}: the file is damaged; rebuild it with `ncx compile`").into()
            }
            ImageError::SectionCrc { .. } | ImageError::TrailingBytes { .. } | ImageError::Hash { .. } => {
                DAMAGED.into()
            }
            ImageError::Widths { .. } => {
                "this ncx builds and runs NCX-1 images only; rebuild the image with this ncx's `ncx compile`".into()
            }
            ImageError::UnknownFlags { .. } => NEWER.into(),
            ImageError::UnknownRequiredSection { .. } => "the image needs a newer ncx: upgrade ncx".into(),
            ImageError::NotRepresentable { .. } => "this is a bug in the program that built the image".into(),
            ImageError::Geometry { .. }
            | ImageError::DuplicateSection { .. }
            | ImageError::MissingSection { .. }
            | ImageError::SectionLength { .. }
            | ImageError::Value { .. }
            | ImageError::Code { .. }
            | ImageError::MetadataShort { .. }
            | ImageError::MetadataLeftover { .. }
            | ImageError::Utf8 { .. }
            | ImageError::BlockRange { .. }
            | ImageError::BlockOverlap { .. }
            | ImageError::DuplicateName { .. }
            | ImageError::Probe { .. }
            | ImageError::SectionShort { .. }
            | ImageError::SectionLeftover { .. }
            | ImageError::ClassifierName { .. }
            | ImageError::ClassifierRule { .. } => FOREIGN.into(),
        })
    }
}

/// Lower-case hex of a hash.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
