//! The payloads the device needs (docs/image-format.md §4): core configuration,
//! weight matrices, enable-bit tables and neuron parameter records. The byte encodings
//! are the device's regions, defined once in `ncx_model::wire::layout`; this module
//! only places their errors in the image (section, file offset, what the payload holds).

use ncx_model::wire::layout::{self, LayoutError};
use ncx_model::{CoreConfig, NeuronParams};

use super::error::ImageError;
use super::framing::Frame;
use super::sections::SectionKind;

/// Bytes of one neuron parameter record.
pub(crate) const NEURON_RECORD_LEN: usize = layout::NEURON_RECORD_LEN;

/// The image error for a layout error in `frame`'s payload: `holds` says what a payload
/// of the right length holds, for a length error.
fn image_error(frame: &Frame<'_>, section: SectionKind, holds: impl FnOnce() -> String, e: LayoutError) -> ImageError {
    let at = frame.payload_offset();
    let what = e.what();
    match e {
        LayoutError::Value { offset, source, .. } => ImageError::Value { section, offset: at + offset, what, source },
        LayoutError::Code { offset, value, allowed, .. } => {
            ImageError::Code { section, offset: at + offset, what, value: value.into(), allowed }
        }
        LayoutError::Length { got, expected } => {
            ImageError::SectionLength { section, offset: frame.offset, got, expected, holds: holds() }
        }
        // The layout functions used here never report another error; describe it as a
        // length error of the section should one appear.
        _ => ImageError::SectionLength {
            section,
            offset: frame.offset,
            got: frame.payload.len(),
            expected: frame.payload.len(),
            holds: holds(),
        },
    }
}

/// The core configuration payload.
pub(crate) fn encode_config(config: &CoreConfig) -> Vec<u8> {
    layout::encode_config(config).to_vec()
}

/// Decode and check the core configuration.
pub(crate) fn decode_config(frame: &Frame<'_>) -> Result<CoreConfig, ImageError> {
    layout::decode_config(frame.payload)
        .map_err(|e| image_error(frame, SectionKind::Config, || "the core configuration fields".to_owned(), e))
}

/// A weight matrix payload: one byte (two's complement) per weight, in the order given.
pub(crate) fn encode_weights(weights: &[i8]) -> Vec<u8> {
    layout::encode_weights(weights)
}

/// Decode a weight matrix of `posts` × `pres` weights.
pub(crate) fn decode_weights(
    frame: &Frame<'_>,
    section: SectionKind,
    posts: usize,
    pres: usize,
) -> Result<Vec<i8>, ImageError> {
    layout::decode_weights(frame.payload, posts * pres)
        .map_err(|e| image_error(frame, section, || format!("{posts} × {pres} int8 weights"), e))
}

/// An enable-bit payload: bit `i` of the table is bit `i % 8` (LSB = bit 0) of byte
/// `i / 8`; a last partial byte is padded with zero bits.
pub(crate) fn encode_bits(bits: &[bool]) -> Vec<u8> {
    layout::encode_bits(bits)
}

/// Decode an enable-bit table of `posts` × `pres` bits. Every allowed geometry has a
/// multiple of 8 bits, so every byte is fully used.
pub(crate) fn decode_bits(
    frame: &Frame<'_>,
    section: SectionKind,
    posts: usize,
    pres: usize,
) -> Result<Vec<bool>, ImageError> {
    layout::decode_bits(frame.payload, posts * pres)
        .map_err(|e| image_error(frame, section, || format!("{posts} × {pres} enable bits, 8 per byte,"), e))
}

/// The neuron parameter payload: one record per neuron, in the order given.
pub(crate) fn encode_neurons(neurons: &[NeuronParams]) -> Vec<u8> {
    layout::encode_neurons(neurons)
}

/// Decode and check the parameters of `neurons` neurons.
pub(crate) fn decode_neurons(frame: &Frame<'_>, neurons: usize) -> Result<Vec<NeuronParams>, ImageError> {
    layout::decode_neurons(frame.payload, neurons).map_err(|e| {
        image_error(frame, SectionKind::Neurons, || format!("{neurons} neuron records of {NEURON_RECORD_LEN} bytes"), e)
    })
}
