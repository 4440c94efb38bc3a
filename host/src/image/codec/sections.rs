//! The sections of a version-1 image: their ids, names, whether a reader that does
//! not know them must refuse the image, and whether every image has them
//! (docs/image-format.md §3).

/// A section that version 1 of the format defines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SectionKind {
    /// Id 1: weight shift, pacing period, STDP configuration.
    Config,
    /// Id 2: `W_in`, N × M int8, row-major `[post][pre]`.
    WeightsIn,
    /// Id 3: `W_rec`, N × N int8, row-major `[post][pre]`.
    WeightsRec,
    /// Id 4: `E_in`, the N × M learning-enable bits of `W_in`, packed LSB-first.
    EnableIn,
    /// Id 5: `E_rec`, the N × N learning-enable bits of `W_rec`, packed LSB-first.
    EnableRec,
    /// Id 6: one 17-byte parameter record per neuron.
    Neurons,
    /// Id 7: names, timing and placement of populations and input groups.
    Metadata,
    /// Id 8: the image's use as a classifier (only in images that have one).
    Classifier,
}

impl SectionKind {
    /// Every section, in id order (the order a writer puts them in).
    pub const ALL: [SectionKind; 8] = [
        SectionKind::Config,
        SectionKind::WeightsIn,
        SectionKind::WeightsRec,
        SectionKind::EnableIn,
        SectionKind::EnableRec,
        SectionKind::Neurons,
        SectionKind::Metadata,
        SectionKind::Classifier,
    ];

    /// The section id stored in the file.
    pub const fn id(self) -> u16 {
        match self {
            SectionKind::Config => 1,
            SectionKind::WeightsIn => 2,
            SectionKind::WeightsRec => 3,
            SectionKind::EnableIn => 4,
            SectionKind::EnableRec => 5,
            SectionKind::Neurons => 6,
            SectionKind::Metadata => 7,
            SectionKind::Classifier => 8,
        }
    }

    /// The section with id `id`, if version 1 defines one.
    pub fn from_id(id: u16) -> Option<SectionKind> {
        SectionKind::ALL.into_iter().find(|kind| kind.id() == id)
    }

    /// Name used in the documentation and in error messages.
    pub const fn name(self) -> &'static str {
        match self {
            SectionKind::Config => "core config",
            SectionKind::WeightsIn => "W_in",
            SectionKind::WeightsRec => "W_rec",
            SectionKind::EnableIn => "E_in",
            SectionKind::EnableRec => "E_rec",
            SectionKind::Neurons => "neuron parameters",
            SectionKind::Metadata => "metadata",
            SectionKind::Classifier => "classifier",
        }
    }

    /// Whether a writer sets the `required` flag: every section the device needs is
    /// required; the metadata and the classifier (for the host only) are not.
    pub const fn required(self) -> bool {
        !matches!(self, SectionKind::Metadata | SectionKind::Classifier)
    }

    /// Whether every image has the section: all but the classifier, which only an
    /// image used as a classifier has.
    pub const fn always(self) -> bool {
        !matches!(self, SectionKind::Classifier)
    }
}

/// How error messages name the section with id `id`: `W_rec (id 3)` or
/// `unknown id 9`.
pub(super) fn label(id: u16) -> String {
    match SectionKind::from_id(id) {
        Some(kind) => format!("{}, id {id}", kind.name()),
        None => format!("unknown id {id}"),
    }
}
