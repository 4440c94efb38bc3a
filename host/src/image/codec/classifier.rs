//! The classifier payload (docs/image-format.md §5.1): the image's use as a
//! classifier — input group, output population, timesteps per sample, encoder, vote
//! and the class of each output neuron. Decoding reads item by item in file order,
//! each checked as soon as it is read: the names are UTF-8 and name an input group and
//! a population of the metadata, timesteps ≥ 1, the encoder kind and vote are defined
//! codes, `max_value` is finite and above 0, `max_probability` within 0..=1, there is
//! one label per neuron of the output population, every class up to the largest
//! label has a neuron, and the payload ends after the last label.

use super::error::{BlockKind, ImageError};
use super::framing::Frame;
use super::metadata::{Cursor, put_name};
use super::sections::SectionKind;
use crate::image::{Block, Metadata};
use crate::learn::classifier::{Classifier, ClassifierError, Vote};
use crate::learn::encode::{Encoder, EncoderError, Encoding};

/// The classifier payload. A label list longer than 65535 entries is shortened (and a
/// name cut at 255 bytes), so such an image reads back differently — which
/// [`super::check`] reports.
pub(crate) fn encode(classifier: &Classifier) -> Vec<u8> {
    let mut out =
        Vec::with_capacity(2 + classifier.input.len() + classifier.output.len() + 20 + 2 * classifier.labels.len());
    put_name(&mut out, &classifier.input);
    put_name(&mut out, &classifier.output);
    out.extend_from_slice(&classifier.timesteps.to_le_bytes());
    out.push(classifier.encoder.kind.code());
    out.extend_from_slice(&classifier.encoder.max_value.to_bits().to_le_bytes());
    out.extend_from_slice(&classifier.encoder.max_probability.to_bits().to_le_bytes());
    out.push(classifier.vote.code());
    let count = u16::try_from(classifier.labels.len()).unwrap_or(u16::MAX);
    out.extend_from_slice(&count.to_le_bytes());
    for label in classifier.labels.iter().take(count.into()) {
        out.extend_from_slice(&label.to_le_bytes());
    }
    out
}

/// Decode and check the classifier of an image whose metadata is `meta`.
pub(crate) fn decode(frame: &Frame<'_>, meta: &Metadata) -> Result<Classifier, ImageError> {
    let mut cursor = Cursor::new(SectionKind::Classifier, frame);
    let names = |blocks: &[Block]| blocks.iter().map(|b| b.name.clone()).collect::<Vec<_>>();

    let at = cursor.offset();
    let input = cursor.name(&|| "the classifier's input group name".to_owned())?;
    if meta.input_group(&input).is_none() {
        let known = names(&meta.inputs);
        return Err(ImageError::ClassifierName {
            key: "input",
            kind: BlockKind::InputGroup,
            name: input,
            offset: at,
            known,
        });
    }
    let at = cursor.offset();
    let output = cursor.name(&|| "the classifier's output population name".to_owned())?;
    let Some(population) = meta.population(&output) else {
        let known = names(&meta.populations);
        return Err(ImageError::ClassifierName {
            key: "output",
            kind: BlockKind::Population,
            name: output,
            offset: at,
            known,
        });
    };
    let size = usize::from(population.len);

    let rule = |offset: usize, e: ClassifierError| ImageError::ClassifierRule { offset, message: e.to_string() };
    let code = |offset: usize, what: &str, value: u8, allowed: &'static str| ImageError::Code {
        section: SectionKind::Classifier,
        offset,
        what: what.to_owned(),
        value: value.into(),
        allowed,
    };

    let at = cursor.offset();
    let timesteps = cursor.u32(|| "timesteps".to_owned())?;
    if timesteps == 0 {
        return Err(rule(at, ClassifierError::NoTimesteps));
    }
    let at = cursor.offset();
    let kind = cursor.u8(|| "the encoder kind".to_owned())?;
    let kind = Encoding::from_code(kind).ok_or_else(|| code(at, "encoder kind", kind, "0 (rate) or 1 (poisson)"))?;
    let at = cursor.offset();
    let max_value = f32::from_bits(cursor.u32(|| "max_value".to_owned())?);
    let encoder = Encoder { kind, max_value, max_probability: 0.0 };
    if let Err(e @ EncoderError::MaxValue { .. }) = encoder.check() {
        return Err(rule(at, e.into()));
    }
    let at = cursor.offset();
    let bits = match cursor.take(8, || "max_probability".to_owned())? {
        &[a, b, c, d, e, f, g, h] => u64::from_le_bytes([a, b, c, d, e, f, g, h]),
        _ => 0,
    };
    let encoder = Encoder { max_probability: f64::from_bits(bits), ..encoder };
    encoder.check().map_err(|e| rule(at, e.into()))?;
    let at = cursor.offset();
    let vote = cursor.u8(|| "the vote".to_owned())?;
    let vote = Vote::from_code(vote).ok_or_else(|| code(at, "vote", vote, "0 (sum) or 1 (mean)"))?;

    let at = cursor.offset();
    let count = cursor.u16(|| "the label count".to_owned())?;
    if usize::from(count) != size {
        let e = ClassifierError::LabelCount { output: output.clone(), size, labels: count.into() };
        return Err(rule(at, e));
    }
    let labels_at = cursor.offset();
    let mut labels = Vec::with_capacity(count.into());
    for i in 0..count {
        labels.push(cursor.u16(|| format!("label {i}"))?);
    }
    let classifier = Classifier { input, output, timesteps, encoder, labels, vote };
    classifier.check().map_err(|e| rule(labels_at, e))?;
    cursor.finish()?;
    Ok(classifier)
}
