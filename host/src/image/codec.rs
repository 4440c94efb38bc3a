//! The `.ncx` binary container of docs/image-format.md: [`encode`] an [`Image`] into
//! bytes, [`decode`] bytes back, [`check`] that an image survives the trip.
//!
//! An image is a fixed header (magic, format version, geometry, the widths of every
//! field of `ncx_model::spec::FIELDS`, the section count), framed sections each with
//! its own CRC-32, and a SHA-256 of everything before it. [`decode`] checks the
//! container first (`framing`), then interprets the header and the sections (`device`
//! for what the core needs, `metadata` for names and placement, `classifier` for the
//! optional use as a classifier), and reports the first
//! broken rule as an [`ImageError`]. It never panics, whatever the input.

mod classifier;
mod device;
mod error;
mod framing;
mod metadata;
mod sections;

use ncx_model::spec::FIELDS;
use ncx_model::{Geometry, ModelError};

pub(crate) use self::error::hex;
pub use self::error::{BlockKind, ImageError};
use self::framing::{FLAG_REQUIRED, Frame, INPUTS_AT, NEURONS_AT, WIDTHS_AT};
pub use self::sections::SectionKind;
use super::Image;

/// The first 8 bytes of every image.
pub const MAGIC: [u8; 8] = *b"NCXIMAGE";
/// The format version this code writes and reads.
pub const VERSION: u16 = 1;

/// The image as `.ncx` bytes: the sections of [`SectionKind::ALL`] in id order — the
/// classifier section only when the image has a classifier, so an image without one
/// has exactly the seven sections of the first version-1 writers.
///
/// Values are written as they are, so an image that breaks a rule (a value outside
/// its field, a table whose length does not match the geometry) gives bytes that
/// [`decode`] refuses. Names longer than 255 bytes are cut, and lists longer than
/// 65535 entries are shortened: [`check`] reports those images.
pub fn encode(image: &Image) -> Vec<u8> {
    let payloads: Vec<(SectionKind, Vec<u8>)> = SectionKind::ALL
        .into_iter()
        .filter_map(|kind| {
            let payload = match kind {
                SectionKind::Config => device::encode_config(&image.config),
                SectionKind::WeightsIn => device::encode_weights(&image.w_in),
                SectionKind::WeightsRec => device::encode_weights(&image.w_rec),
                SectionKind::EnableIn => device::encode_bits(&image.plastic_in),
                SectionKind::EnableRec => device::encode_bits(&image.plastic_rec),
                SectionKind::Neurons => device::encode_neurons(&image.neurons),
                SectionKind::Metadata => metadata::encode(&image.meta),
                SectionKind::Classifier => classifier::encode(image.meta.classifier.as_ref()?),
            };
            Some((kind, payload))
        })
        .collect();
    let framed: usize = payloads.iter().map(|(_, p)| p.len() + 12).sum();
    let mut out = Vec::with_capacity(framing::HEADER_LEN + framed + framing::HASH_LEN);
    // A geometry holds at most 1024 neurons and inputs: both fit 16 bits.
    let (neurons, inputs) = (image.geometry.neurons() as u16, image.geometry.inputs() as u16);
    framing::write_header(&mut out, neurons, inputs, payloads.len() as u16);
    for (kind, payload) in &payloads {
        let flags = if kind.required() { FLAG_REQUIRED } else { 0 };
        framing::write_section(&mut out, kind.id(), flags, payload);
    }
    framing::write_trailer(&mut out);
    out
}

/// Decode `.ncx` bytes into an image that [`Image::to_core`] accepts.
pub fn decode(bytes: &[u8]) -> Result<Image, ImageError> {
    let (header, frames) = framing::read(bytes)?;
    for (i, (field, [bits, signed])) in FIELDS.iter().zip(header.widths).enumerate() {
        if u32::from(bits) != field.bits || signed != u8::from(field.signed) {
            return Err(ImageError::Widths {
                field: field.name,
                offset: WIDTHS_AT + 2 * i,
                found_bits: bits,
                found_signed: signed,
                bits: field.bits,
                signed: field.signed,
            });
        }
    }
    let geometry = Geometry::new(header.neurons.into(), header.inputs.into()).map_err(|source| {
        let offset = match source {
            ModelError::Geometry { what: "inputs", .. } => INPUTS_AT,
            _ => NEURONS_AT,
        };
        ImageError::Geometry { offset, source }
    })?;

    let ([config, w_in, w_rec, e_in, e_rec, neurons, meta], classifier) = sections(&frames)?;
    let (n, m) = (geometry.neurons(), geometry.inputs());
    let config = device::decode_config(config)?;
    let w_in = device::decode_weights(w_in, SectionKind::WeightsIn, n, m)?;
    let w_rec = device::decode_weights(w_rec, SectionKind::WeightsRec, n, n)?;
    let plastic_in = device::decode_bits(e_in, SectionKind::EnableIn, n, m)?;
    let plastic_rec = device::decode_bits(e_rec, SectionKind::EnableRec, n, n)?;
    let neurons = device::decode_neurons(neurons, n)?;
    let mut meta = metadata::decode(meta, geometry)?;
    meta.classifier = classifier.map(|frame| classifier::decode(frame, &meta)).transpose()?;
    Ok(Image { geometry, config, w_in, w_rec, plastic_in, plastic_rec, neurons, meta })
}

/// The frame of every section that every image has, in id order, and the classifier
/// section if there is one: refuses unknown flags, unknown required sections,
/// duplicates and missing sections; skips unknown optional ones.
type Sections<'f, 'a> = ([&'f Frame<'a>; 7], Option<&'f Frame<'a>>);

fn sections<'f, 'a>(frames: &'f [Frame<'a>]) -> Result<Sections<'f, 'a>, ImageError> {
    let mut found: [Option<&Frame<'a>>; 8] = [None; 8];
    for frame in frames {
        let Frame { index, id, flags, offset, .. } = *frame;
        if flags & !FLAG_REQUIRED != 0 {
            return Err(ImageError::UnknownFlags { index, id, offset, flags });
        }
        let Some(slot) = SectionKind::ALL.iter().position(|kind| kind.id() == id) else {
            if flags & FLAG_REQUIRED != 0 {
                return Err(ImageError::UnknownRequiredSection { index, id, offset });
            }
            continue;
        };
        if let Some(first) = found[slot] {
            let section = SectionKind::ALL[slot];
            return Err(ImageError::DuplicateSection { section, first: first.offset, second: offset });
        }
        found[slot] = Some(frame);
    }
    if let [Some(a), Some(b), Some(c), Some(d), Some(e), Some(f), Some(g), classifier] = found {
        return Ok(([a, b, c, d, e, f, g], classifier));
    }
    let missing = SectionKind::ALL
        .into_iter()
        .zip(found)
        .find_map(|(kind, frame)| (kind.always() && frame.is_none()).then_some(kind));
    Err(ImageError::MissingSection { section: missing.unwrap_or(SectionKind::Config) })
}

/// Check that `image` is stored exactly: [`decode`] accepts its encoding and gives it
/// back unchanged. The error is [`decode`]'s (its offsets point into the encoded
/// bytes) or [`ImageError::NotRepresentable`].
pub fn check(image: &Image) -> Result<(), ImageError> {
    let back = decode(&encode(image))?;
    let what = if back == *image {
        return Ok(());
    } else if back.plastic_in != image.plastic_in {
        "the E_in table"
    } else if back.plastic_rec != image.plastic_rec {
        "the E_rec table"
    } else if back.meta.name != image.meta.name {
        "the network name"
    } else if back.meta.populations != image.meta.populations {
        "the population list"
    } else if back.meta.classifier != image.meta.classifier {
        "the classifier"
    } else {
        "the input group list"
    };
    Err(ImageError::NotRepresentable { what })
}
